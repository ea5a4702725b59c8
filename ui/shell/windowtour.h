#pragma once

#include <QObject>

class QAction;
class QDockWidget;
class QToolBar;
class QWidget;

namespace rwb {

class FirstRunTour;

/// The tour of the workbench window (Help › Tour, and once on a first start): the pipeline editor,
/// the charts, Live, logs and Compare A/B, each step pointing at its widget. Finishing or skipping it
/// marks it seen. GUI thread only; owned by the window, owns the tour (made on first use).
class WindowTour final : public QObject {
    Q_OBJECT
public:
    /// The widgets the steps point at; each step looks its widget up when shown, as docks move.
    struct Targets {
        QDockWidget* pipelineDock = nullptr;
        QWidget* charts = nullptr;
        QToolBar* toolBar = nullptr;
        QAction* liveMode = nullptr;
        QAction* replayMode = nullptr;
        QDockWidget* summaryDock = nullptr;
    };

    WindowTour(QWidget* window, Targets targets);

    void start();
    /// Starts the tour unless it was seen before. Returns whether it started.
    bool startOnFirstRun();
    /// The tour, once started (null before).
    FirstRunTour* tour() const noexcept { return m_tour; }

private:
    QWidget* m_window;
    Targets m_targets;
    FirstRunTour* m_tour = nullptr;
};

} // namespace rwb
