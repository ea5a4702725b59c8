#include "ui/run/simulationbridge.h"

#include "core/common/configerror.h"
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/sim/incrementalsimulator.h"
#include "core/sim/simulator.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <functional>
#include <limits>
#include <mutex>
#include <optional>

namespace rwb {

namespace {

/// Keeps only what the charts draw; Attempt and RequestDone events (the bulk) are summarised by
/// the result's time series instead. Retry points are capped so a retry storm cannot eat memory.
class ChartEventSink final : public EventSink {
public:
    static constexpr std::size_t MaxRetryPoints = 200000;

    void onEvent(const Event& event) override
    {
        switch (event.kind) {
        case EventKind::BreakerTransition:
        case EventKind::FaultChanged:
        case EventKind::RetryGaveUp:
            m_events.push_back(event);
            break;
        case EventKind::RetryScheduled:
        case EventKind::HedgeLaunched: // drawn on the retry-delay chart too
            if (m_retries++ < MaxRetryPoints)
                m_events.push_back(event);
            break;
        default:
            break;
        }
    }
    EventKindSet interests() const override
    {
        return { EventKind::BreakerTransition, EventKind::FaultChanged, EventKind::RetryGaveUp,
            EventKind::RetryScheduled, EventKind::HedgeLaunched };
    }
    std::vector<Event> take() { return std::move(m_events); }

private:
    std::vector<Event> m_events;
    std::size_t m_retries = 0;
};

/// Collects the series the simulator reports (SimulationOptions::checkpoint) from its threads and hands
/// a partial run to `publish` at most once per `interval` of wall time. Copies each bucket as soon as it
/// is final (once: every group's series stay current whichever thread publishes).
class PartialRecorder {
public:
    PartialRecorder(std::shared_ptr<const Scenario> scenario, const SimulationOptions& options,
        std::chrono::milliseconds interval, PartialRunFunction publish)
        : m_scenario(std::move(scenario))
        , m_interval(interval.count())
        , m_publish(std::move(publish))
    {
        m_result.seed = options.seed.value_or(m_scenario->seed);
        m_result.duration = m_scenario->duration;
        m_result.bucketWidth = options.bucketWidth;
        for (const PipelineSpec& spec : m_scenario->pipelines) {
            PipelineSeries& series = m_result.pipelines.emplace_back();
            series.name = spec.name();
            series.service = spec.service;
            if (spec.breaker)
                series.breaker = spec.breaker->name;
        }
        m_started.start();
        m_sincePublished.start();
    }

    void onCheckpoint(std::size_t complete, const std::vector<std::pair<int, const PipelineSeries*>>& recorded)
    {
        const std::lock_guard guard(m_lock);
        for (const auto& [index, series] : recorded) {
            std::vector<PipelineBucket>& kept = m_result.pipelines.at(std::size_t(index)).buckets;
            const std::size_t end = std::min(complete, series->buckets.size());
            if (end > kept.size())
                kept.insert(kept.end(), series->buckets.begin() + std::ptrdiff_t(kept.size()),
                    series->buckets.begin() + std::ptrdiff_t(end));
        }
        // the first waits longer: a run that ends soon after draws sooner without it
        if (m_sincePublished.elapsed() < (m_published ? m_interval : m_interval * 5 / 2))
            return;
        m_published = true;
        // the run "ends" where every pipeline's series reach: the breaker lanes stop there too
        std::size_t reached = std::numeric_limits<std::size_t>::max();
        for (const PipelineSeries& series : m_result.pipelines)
            reached = std::min(reached, series.buckets.size());
        m_result.simulatedUntil = m_result.bucketWidth * static_cast<long long>(reached);
        SimulationRun run;
        run.scenario = m_scenario;
        run.result = std::make_shared<RunResult>(m_result);
        run.elapsed = std::chrono::nanoseconds(m_started.nsecsElapsed());
        m_publish(std::move(run));
        m_sincePublished.start();
    }

private:
    std::mutex m_lock;
    std::shared_ptr<const Scenario> m_scenario;
    qint64 m_interval;
    bool m_published = false;
    PartialRunFunction m_publish;
    QElapsedTimer m_started;
    QElapsedTimer m_sincePublished; // since the run started, then since the last partial result
    RunResult m_result;
};

using Simulate = std::function<RunResult(const Scenario&, const SimulationOptions&)>;

SimulationRun loadAndSimulate(const QJsonObject& scenario, RunControl& control, const Simulate& simulate,
    const PartialRunFunction& partial = {}, std::chrono::milliseconds partialInterval = {})
{
    QElapsedTimer timer;
    timer.start();
    SimulationRun run;
    ScenarioLoad load = scenariojson::fromJson(scenario);
    if (!load.ok()) {
        for (const LoadError& e : load.errors)
            run.problems.push_back({ e.pointer, e.message, e.line });
        if (run.problems.empty())
            run.problems.push_back({ QString(), QCoreApplication::translate("rwb", "the scenario did not load"), 0 });
        run.elapsed = std::chrono::nanoseconds(timer.nsecsElapsed());
        return run;
    }
    run.scenario = std::make_shared<Scenario>(*load.scenario);
    ChartEventSink sink;
    SimulationOptions options;
    options.sink = &sink;
    options.cancel = &control.cancel;
    options.progress = [&control](int permille) { control.progress.store(permille, std::memory_order_relaxed); };
    std::optional<PartialRecorder> partials;
    if (partial) {
        partials.emplace(run.scenario, options, partialInterval, partial);
        options.checkpoint
            = [&partials](std::size_t complete, const auto& recorded) { partials->onCheckpoint(complete, recorded); };
    }
    try {
        auto result = std::make_shared<RunResult>(simulate(*load.scenario, options));
        run.cancelled = result->cancelled;
        run.result = std::move(result);
        run.events = std::make_shared<std::vector<Event>>(sink.take());
    } catch (const InvalidConfig& e) {
        for (const FieldError& f : e.errors()) {
            QString pointer = f.field;
            if (!pointer.startsWith(QLatin1Char('/')))
                pointer.prepend(QLatin1Char('/'));
            run.problems.push_back({ pointer, f.message, 0 });
        }
    } catch (const std::exception& e) {
        run.problems.push_back({ QString(), QString::fromLocal8Bit(e.what()), 0 });
    }
    run.elapsed = std::chrono::nanoseconds(timer.nsecsElapsed());
    return run;
}

} // namespace

SimulationRun simulateScenario(const QJsonObject& scenario, RunControl& control)
{
    return loadAndSimulate(scenario, control, [](const Scenario& s, const SimulationOptions& o) { return Simulator::run(s, o); });
}

struct IncrementalScenarioSimulator::State {
    struct Made {
        std::chrono::nanoseconds elapsed;
        int reusedPipelines;
    };
    std::mutex lock;
    IncrementalSimulator simulator;
    std::optional<Made> lastMade; // how the groups kept now were made
    int threads = 0;
    std::chrono::milliseconds partialInterval { 100 };
};

IncrementalScenarioSimulator::IncrementalScenarioSimulator(int threads)
    : m_state(std::make_unique<State>())
{
    m_state->threads = threads;
}

IncrementalScenarioSimulator::~IncrementalScenarioSimulator() = default;

SimulationRun IncrementalScenarioSimulator::run(
    const QJsonObject& scenario, RunControl& control, const PartialRunFunction& partial)
{
    const std::lock_guard guard(m_state->lock);
    SimulationRun run = loadAndSimulate(
        scenario, control,
        [this](const Scenario& s, SimulationOptions o) {
            o.threads = m_state->threads;
            return m_state->simulator.run(s, o);
        },
        partial, m_state->partialInterval);
    if (!run.result)
        return run;
    const int reused = m_state->simulator.lastReusedPipelines();
    if (m_state->simulator.lastRepeated() && m_state->lastMade) {
        // Nothing was simulated: the result is the last run's, so it is described as that run made it.
        run.elapsed = m_state->lastMade->elapsed;
        run.reusedPipelines = m_state->lastMade->reusedPipelines;
    } else {
        run.reusedPipelines = reused;
    }
    if (!run.cancelled) // a cancelled run keeps the groups of the run before it
        m_state->lastMade = State::Made { run.elapsed, run.reusedPipelines };
    return run;
}

void IncrementalScenarioSimulator::setPartialInterval(std::chrono::milliseconds interval)
{
    const std::lock_guard guard(m_state->lock);
    m_state->partialInterval = interval;
}

int IncrementalScenarioSimulator::lastReused() const
{
    const std::lock_guard guard(m_state->lock);
    return m_state->simulator.lastReused();
}

} // namespace rwb
