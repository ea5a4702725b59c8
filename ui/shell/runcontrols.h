#pragma once

#include "ui/shell/mainwindow.h"

#include <QObject>

class QAction;
class QActionGroup;
class QComboBox;
class QLabel;

namespace rwb {

class RecordingController;
class RunPresenter;

/// Run, Pause and Stop, the mode switches (Simulate, Live, Replay) and the replay speed, and what
/// each does in the window's mode: Run simulates now (A and B), starts the live run or plays the
/// replay; Pause stops edits from re-running the scenario (or pauses the replay); Stop cancels
/// whatever runs. In Simulate mode every edit re-runs the scenario unless paused (requestRun()).
///
/// GUI thread only. Owned by the window; the actions are children of the window.
class RunControls final : public QObject {
    Q_OBJECT
public:
    explicit RunControls(MainWindow* window);
    /// What a live run draws into and records through, from its start to its end: call once the
    /// window built them.
    void attach(RunPresenter* runs, RecordingController* recording, QLabel* status);
    /// The live bar's outage buttons: one per service of the scenario.
    void showLiveServices();

    QAction* runAction() const noexcept { return m_run; }
    QAction* pauseAction() const noexcept { return m_pause; }
    QAction* stopAction() const noexcept { return m_stop; }
    QList<QAction*> modeActions() const;
    QAction* modeAction(MainWindow::Mode mode) const;
    /// The replay speed box for the toolbar (enabled in Replay mode).
    QComboBox* createSpeedBox(QWidget* parent);

    /// Simulates the scenario again after an edit: Simulate mode only, and not while paused.
    void requestRun();
    /// Enables what can be done now.
    void update();

signals:
    /// A live run started or ended, or Pause changed: what can be done changed.
    void stateChanged();

private:
    void run();
    void stop();
    void startLive();

    MainWindow* m_window;
    RunPresenter* m_runs = nullptr;
    RecordingController* m_recording = nullptr;
    QLabel* m_status = nullptr;
    bool m_autoRun = true;
    QAction* m_run;
    QAction* m_pause;
    QAction* m_stop;
    QActionGroup* m_modes;
    QAction* m_simulate;
    QAction* m_live;
    QAction* m_replay;
    QComboBox* m_speed = nullptr;
};

} // namespace rwb
