#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <utility>
#include <vector>

class QDockWidget;

namespace rwb {

class MainWindow;
class PipelineEditor;
class ReplaySession;

/// `--screenshot DIR`: once a simulation has been drawn, writes PNGs of the window, of each chart
/// and of each panel (tabbed docks raised first), then starts an A/B comparison with variant B's
/// circuit breaker off (the default demo's lesson) and writes the window and the Summary again.
/// A log opened for replay is captured once it is drawn whole (a log too large to draw at once is
/// jumped to its end): the window, each chart, the Summary and the Log panel, without a comparison.
/// GUI thread only; owned by the window.
class ScreenshotTaker final : public QObject {
    Q_OBJECT
public:
    /// `panels`: docks to grab with their file names; `summaryDock` is grabbed again for the comparison.
    ScreenshotTaker(MainWindow* window, std::vector<std::pair<QDockWidget*, QString>> panels, QDockWidget* summaryDock,
        PipelineEditor* editorB, ReplaySession* replay, QDockWidget* logDock);

    /// Writes the PNGs into `dir` after the next run or replayed log drawn, then calls `done` (false
    /// when something could not be written).
    void takeWhenReady(const QString& dir, std::function<void(bool)> done);

private:
    void take();
    void takeReplay();
    /// The window, its charts and `panels` into `dir`; false when a file could not be written.
    bool grabWindow(const QString& dir, const std::vector<std::pair<QDockWidget*, QString>>& panels);
    /// Calls `then` once no chart of the window has a refresh pending.
    void whenChartsDrawn(std::function<void()> then);

    MainWindow* m_window;
    std::vector<std::pair<QDockWidget*, QString>> m_panels;
    QDockWidget* m_summaryDock;
    PipelineEditor* m_editorB;
    QDockWidget* m_logDock;
    QString m_dir;
    std::function<void(bool)> m_done;
};

} // namespace rwb
