#pragma once

#include "ui/run/jobtracker.h"

#include <QObject>
#include <QString>

#include <functional>

class QAction;

namespace rwb {

class MainWindow;

/// Recording runs as JSONL logs (Record Run to JSONL…, Ctrl+R). In Simulate mode a one-off: the
/// current scenario's run (same seed) is written on a worker thread. In Live mode a switch: every live
/// run started while it is on is recorded into the chosen folder.
///
/// GUI thread only. Owned by the window; the action is a child of the window. Destroying it waits for
/// a recording in flight.
class RecordingController final : public QObject {
    Q_OBJECT
public:
    explicit RecordingController(MainWindow* window);

    QAction* action() const noexcept { return m_action; }
    /// Whether a simulation is being recorded now.
    bool isRecording() const { return m_recordings.isRunning(); }

    /// Records the current scenario's run into `directory` on a worker thread; `done` gets the file
    /// written ("" and a message on failure). Returns false when one is running.
    bool recordSimulation(
        const QString& directory, std::function<void(const QString& path, const QString& error)> done = {});
    /// Live runs started from now on are recorded into `directory` ("" stops recording).
    void setLiveRecording(const QString& directory);
    /// Where live runs are recorded ("" when they are not).
    QString liveDirectory() const { return m_liveDirectory; }
    /// The window's mode changed: the action shows whether live runs are recorded; the live bar says where.
    void modeChanged();
    /// The live bar says where the run is recorded (nothing when it is not).
    void showLiveTarget();

private:
    void toggle(bool on);
    QString chooseDirectory();

    MainWindow* m_window;
    QAction* m_action;
    QString m_liveDirectory;
    JobTracker m_recordings { this };
};

} // namespace rwb
