#pragma once

#include "ui/run/jobtracker.h"

#include <QObject>
#include <QString>

#include <cstddef>

class QLabel;

namespace rwb {

class EventBridge;
class MainWindow;
class RunPresenter;

/// The log replayed in Replay mode: opens a .jsonl file in the Log panel, decodes its events on a
/// worker once the panel has indexed it (a newer log drops an older decode), feeds the replay bar
/// and keeps the charts and the Summary's caption on the replay's position.
///
/// GUI thread only. Owned by the window; destroying it stops a decode in flight.
class ReplaySession final : public QObject {
    Q_OBJECT
public:
    ReplaySession(MainWindow* window, RunPresenter* runs, QLabel* status);

    /// Opens `path` for replay and switches the window to Replay mode. On a broken file shows a
    /// dialog and keeps the current session; returns false then.
    bool open(const QString& path);
    /// The file name of the log replayed ("" when none, or after forget()).
    QString logName() const { return m_logName; }
    /// The window left Replay mode.
    void forget() { m_logName.clear(); }

signals:
    /// Loading finished or playing started or stopped: what Run, Pause and Stop can do changed.
    void stateChanged();
    /// The opened log's events were decoded and handed to the replay (`events` may be 0: a log
    /// without workbench events).
    void eventsLoaded(std::size_t events);

private:
    void loadEvents();
    void updateCaption();

    MainWindow* m_window;
    RunPresenter* m_runs;
    QLabel* m_status;
    EventBridge* m_bridge;
    QString m_logName;
    JobTracker m_decodes { this }; // the decode in flight; a newer log supersedes it
};

} // namespace rwb
