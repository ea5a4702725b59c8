#pragma once

#include "ui/run/jobtracker.h"
#include "ui/run/simulationbridge.h"
#include "ui/run/simulationrun.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

class QThreadPool;
class QTimer;

namespace rwb {

/// Re-runs a scenario in the background whenever it changes: the first request after a quiet spell
/// runs at once, the ones that follow it are debounced (a continuous
/// stream of requests still runs at most every maxDelay once the previous run is done), every new run
/// cancels the one in flight (through the simulator's cancel flag) and results of stale runs are
/// dropped by job id, so only the newest edit is ever shown. Results are applied on the GUI thread
/// (QFuture::then with this object as context), so a deleted controller never sees a late result.
///
/// A long run hands over partial results while it proceeds (partialResult(), at most ~10 a second): the
/// first seconds of the charts appear while the rest is simulated. They come before the run's finished()
/// and only from the newest run: a newer request drops the partial results of the one it cancels.
///
/// Lives on the GUI thread; the run function runs on the controller's own thread pool and must be
/// thread-safe (it only reads its arguments).
class SimulationController final : public QObject {
    Q_OBJECT
public:
    using RunFunction = std::function<SimulationRun(const QJsonObject& scenario, RunControl& control)>;
    /// A run function that may hand over partial results (from its thread) through `partial`.
    using ProgressiveRunFunction = std::function<SimulationRun(
        const QJsonObject& scenario, RunControl& control, const PartialRunFunction& partial)>;

    /// `run` defaults to the real engine: config loader + IncrementalSimulator on every core, so an edit
    /// re-simulates only the groups of pipelines it can have changed (IncrementalScenarioSimulator,
    /// simulationbridge.h), handing over partial results of long runs.
    explicit SimulationController(QObject* parent = nullptr, RunFunction run = {});
    SimulationController(QObject* parent, ProgressiveRunFunction run);
    ~SimulationController() override;

    /// Debounce delay between the last request and the start of a run (default 40 ms).
    void setDebounce(std::chrono::milliseconds delay);
    /// Longest a stream of requests (a slider being dragged) may postpone a run (default 150 ms), so
    /// the charts keep up during a drag instead of waiting for it to end.
    void setMaxDelay(std::chrono::milliseconds delay);
    /// Asks for a run of `scenario` (revision = the document revision it reflects). Runs at once when
    /// idle and no request came within the debounce interval; debounced otherwise.
    void request(const QJsonObject& scenario, quint64 revision);
    /// Runs the last requested scenario at once, skipping the debounce (no-op while that request is
    /// already the one running).
    void runNow();
    /// Cancels the pending and the running job; no result will be delivered for them.
    void cancel();

    bool isRunning() const noexcept { return m_running; }
    /// Progress of the running job, 0..1000 (0 when idle).
    int progress() const;
    /// The newest successful run (null result before the first one).
    const SimulationRun& lastRun() const noexcept { return m_last; }
    quint64 latestJobId() const noexcept { return m_jobs.latestJob(); }

signals:
    void started(quint64 jobId);
    void progressChanged(int permille);
    /// A run finished and is the newest: result or problems inside.
    void finished(const rwb::SimulationRun& run);
    /// What the newest run has recorded so far (see PartialRunFunction); finished() follows.
    void partialResult(const rwb::SimulationRun& run);
    void runningChanged(bool running);

private:
    void start();
    void setRunning(bool running);

    ProgressiveRunFunction m_run;
    QThreadPool* m_pool;
    QTimer* m_debounce;
    QTimer* m_progressTimer;
    QElapsedTimer m_pendingSince;
    QElapsedTimer m_lastRequest;
    std::chrono::milliseconds m_maxDelay { 150 };
    QJsonObject m_pending;
    quint64 m_pendingRevision = 0;
    bool m_hasPending = false; ///< a request arrived since the last start
    JobTracker m_jobs; // after m_pool, which it runs on
    SimulationRun m_last;
    bool m_running = false;
};

} // namespace rwb
