#include "ui/run/simulationcontroller.h"

#include "ui/run/simulationbridge.h"

#include <QThread>
#include <QThreadPool>
#include <QTimer>

namespace rwb {

namespace {

// The real engine on every core, re-simulating only the pipelines an edit can have changed.
SimulationController::ProgressiveRunFunction incrementalRun()
{
    auto simulator = std::make_shared<IncrementalScenarioSimulator>(QThread::idealThreadCount());
    return [simulator](const QJsonObject& scenario, RunControl& control, const PartialRunFunction& partial) {
        return simulator->run(scenario, control, partial);
    };
}

SimulationController::ProgressiveRunFunction withoutPartials(SimulationController::RunFunction run)
{
    if (!run)
        return incrementalRun();
    return [run = std::move(run)](const QJsonObject& scenario, RunControl& control, const PartialRunFunction&) {
        return run(scenario, control);
    };
}

} // namespace

SimulationController::SimulationController(QObject* parent, RunFunction run)
    : SimulationController(parent, withoutPartials(std::move(run)))
{
}

SimulationController::SimulationController(QObject* parent, ProgressiveRunFunction run)
    : QObject(parent)
    , m_run(run ? std::move(run) : incrementalRun())
    , m_pool(new QThreadPool(this))
    , m_debounce(new QTimer(this))
    , m_progressTimer(new QTimer(this))
    , m_jobs(this, JobTracker::Results::LatestOnly, m_pool)
{
    qRegisterMetaType<rwb::SimulationRun>();
    // Two threads: a cancelled run may still be unwinding while the next one starts.
    m_pool->setMaxThreadCount(2);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(40);
    connect(m_debounce, &QTimer::timeout, this, &SimulationController::start);
    // Progress is polled rather than pushed: the worker only writes an atomic.
    m_progressTimer->setInterval(100);
    connect(m_progressTimer, &QTimer::timeout, this, [this] { emit progressChanged(progress()); });
}

SimulationController::~SimulationController() = default; // m_jobs cancels the run in flight and waits

void SimulationController::setDebounce(std::chrono::milliseconds delay)
{
    m_debounce->setInterval(int(delay.count()));
}

void SimulationController::setMaxDelay(std::chrono::milliseconds delay)
{
    m_maxDelay = delay;
}

void SimulationController::request(const QJsonObject& scenario, quint64 revision)
{
    m_pending = scenario;
    m_pendingRevision = revision;
    m_hasPending = true;
    // The first edit after a quiet spell runs at once (a single click or key press should not wait
    // for the debounce); edits that follow it within the debounce interval are coalesced.
    const bool quiet = !m_lastRequest.isValid() || m_lastRequest.elapsed() >= m_debounce->interval();
    m_lastRequest.start();
    if (quiet && !m_running && !m_debounce->isActive()) {
        runNow();
        return;
    }
    if (!m_debounce->isActive())
        m_pendingSince.start();
    else if (!m_running && m_pendingSince.elapsed() >= m_maxDelay.count()) {
        // A continuous drag: run the newest state now rather than when the drag ends (but never cancel
        // a run just to start another one mid-drag, or nothing would ever finish).
        runNow();
        return;
    }
    m_debounce->start();
}

void SimulationController::runNow()
{
    if (m_running && !m_hasPending)
        return; // the newest request is already running (request() may have started it)
    m_debounce->stop();
    m_pendingSince.start();
    start();
}

void SimulationController::cancel()
{
    m_debounce->stop();
    m_jobs.cancel(); // whatever is in flight is now stale
    setRunning(false);
}

int SimulationController::progress() const
{
    return m_running ? m_jobs.progress() : 0;
}

void SimulationController::start()
{
    setRunning(true);
    const QJsonObject scenario = m_pending;
    const quint64 revision = m_pendingRevision;
    m_hasPending = false;
    ProgressiveRunFunction run = m_run;
    const quint64 jobId = m_jobs.latestJob() + 1; // the id start() gives the job below
    // Partial results are posted to this object (so none outlives it, and they precede the final one)
    // and dropped there once a newer job started or this one was cancelled.
    PartialRunFunction partial = [this, jobId, revision](SimulationRun part) {
        part.jobId = jobId;
        part.revision = revision;
        QMetaObject::invokeMethod(
            this,
            [this, part = std::move(part)] {
                if (m_running && part.jobId == m_jobs.latestJob())
                    emit partialResult(part);
            },
            Qt::QueuedConnection);
    };
    // a newer run cancels this one and drops its result: only the newest edit is ever shown
    [[maybe_unused]] const quint64 startedId = m_jobs.start(
        [run, scenario, revision, partial = std::move(partial)](RunControl& control) {
            SimulationRun result = run(scenario, control, partial);
            result.revision = revision;
            result.cancelled = result.cancelled || control.cancel.load();
            return result;
        },
        [this](SimulationRun result) {
            result.jobId = m_jobs.latestJob();
            setRunning(false);
            if (result.cancelled)
                return;
            if (result.ok())
                m_last = result;
            emit finished(result);
        });
    Q_ASSERT(startedId == jobId);
    emit started(jobId);
}

void SimulationController::setRunning(bool running)
{
    if (running == m_running)
        return;
    m_running = running;
    if (running)
        m_progressTimer->start();
    else
        m_progressTimer->stop();
    emit runningChanged(running);
}

} // namespace rwb
