// Simulator throughput: simulated attempts per second of wall time on one core, and the demo
// "1 hour at 200 requests/s against each of 3 services". Prints figures; not a test.
#include "core/events/eventsink.h"
#include "core/sim/groupsimulation.h"
#include "core/sim/incrementalsimulator.h"
#include "core/sim/simulator.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>

using namespace rwb;

namespace {

Scenario demoScenario(int services, double rate, Duration duration)
{
    Scenario s;
    s.name = QStringLiteral("bench");
    s.seed = 42;
    s.duration = duration;
    for (int i = 0; i < services; ++i) {
        const QString name = QStringLiteral("svc%1").arg(i);
        ServiceSpec svc;
        svc.name = name;
        FaultProfile f;
        f.errorRate = 0.02 + 0.02 * i;
        f.errorMix = ErrorMix {0.5, 0.3, 0.0, 0.2, 0.0, 0.0};
        f.latency = LatencyDistribution::logNormal(30ms, 300ms);
        f.outages.push_back({std::chrono::seconds(600 + 300 * i), std::chrono::seconds(660 + 300 * i), FaultKind::ConnectionRefused});
        svc.faults = FaultSchedule(f);
        s.services.push_back(svc);

        PipelineSpec p;
        p.config.name = name + QStringLiteral("-pipeline");
        p.service = name;
        p.config.retry.maxAttempts = 3;
        p.config.retry.backoff.baseDelay = 100ms;
        p.config.retry.backoff.maxDelay = 2s;
        p.config.timeoutEnabled = true;
        p.config.timeout.attemptTimeout = 1s;
        CircuitBreakerConfig cb;
        cb.name = name;
        cb.failureThreshold = 20;
        cb.recoveryTimeout = 10s;
        p.breaker = cb;
        s.pipelines.push_back(p);

        ClientSpec c;
        c.name = QStringLiteral("client%1").arg(i);
        c.pipeline = p.config.name;
        c.arrival.kind = ArrivalProcess::Kind::Poisson;
        c.arrival.rate = rate;
        s.clients.push_back(c);
    }
    return s;
}

// Many attempts per request: a flaky service, aggressive retries, tiny delays.
Scenario stormScenario()
{
    Scenario s = demoScenario(1, 2000, std::chrono::seconds(600));
    s.services[0].faults = FaultSchedule(FaultProfile {});
    FaultProfile f;
    f.errorRate = 0.6;
    f.latency = LatencyDistribution::uniform(1ms, 9ms);
    s.services[0].faults = FaultSchedule(f);
    s.pipelines[0].breaker.reset();
    s.pipelines[0].config.timeoutEnabled = false;
    s.pipelines[0].config.retry.maxAttempts = 8;
    s.pipelines[0].config.retry.backoff.baseDelay = 1ms;
    s.pipelines[0].config.retry.backoff.maxDelay = 10ms;
    return s;
}

// The demo's services as queues near saturation: 40 workers each, a FIFO queue of 200, and a
// network hop each way, so every attempt also costs its queueing and network events.
Scenario queueingScenario()
{
    Scenario s = demoScenario(3, 200, std::chrono::hours(1));
    for (auto& svc : s.services) {
        FaultProfile f = svc.faults.base();
        f.latency = LatencyDistribution::logNormal(150ms, 600ms); // ~190 ms mean: 40 workers serve ~210/s
        f.capacity.maxConcurrent = 40;
        f.capacity.queueSize = 200;
        f.networkDelay = LatencyDistribution::exponential(500us);
        svc.faults = FaultSchedule(f);
    }
    return s;
}

// CPU time of this thread: the machine is shared, and "on one core" is what the target asks.
double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

template<class F>
std::pair<double, double> timeMs(F&& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = threadCpuMs();
    f();
    return {threadCpuMs() - c0, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()};
}

void report(const char* label, const Scenario& scenario, const SimulationOptions& options = {})
{
    RunResult r;
    double best = 1e300;
    double bestWall = 1e300;
    for (int i = 0; i < 5; ++i) {
        const auto [cpu, wall] = timeMs([&] { r = Simulator::run(scenario, options); });
        best = std::min(best, cpu);
        bestWall = std::min(bestWall, wall);
    }
    const auto t = r.total();
    std::printf("%-40s cpu %7.1f ms (wall %7.1f)  requests %9llu  attempts %9llu  %6.2f M attempts/s  %6.2f M requests/s  events %llu\n",
        label, best, bestWall, static_cast<unsigned long long>(t.requests), static_cast<unsigned long long>(t.attempts),
        double(t.attempts) / best / 1e3, double(t.requests) / best / 1e3, static_cast<unsigned long long>(r.events));
    for (const auto& p : r.pipelines) {
        const auto& s = p.summary;
        std::printf("    %-16s ok %llu failed %llu rejected %llu fallbacks %llu unfinished %llu retries %llu timeouts %llu "
                    "transitions %llu p50 %.1f p99 %.1f ms\n",
            qPrintable(p.name), static_cast<unsigned long long>(s.succeeded), static_cast<unsigned long long>(s.failed),
            static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.fallbacks),
            static_cast<unsigned long long>(s.unfinished), static_cast<unsigned long long>(s.retries),
            static_cast<unsigned long long>(s.timeouts), static_cast<unsigned long long>(s.breakerTransitions), s.latencyP50Ms,
            s.latencyP99Ms);
    }
}

// CPU time of all threads of the process: with threads, what the split costs in all.
double processCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Wall time, best of five, of `run` (which returns the attempts it simulated); `cpuMs` (optional): the
// process CPU time of the run with the best wall time, which a busy machine does not inflate as much.
template<class F>
double bestWallMs(F&& run, unsigned long long* attempts, double* cpuMs = nullptr)
{
    double best = 1e300;
    for (int i = 0; i < 5; ++i) {
        const double c0 = processCpuMs();
        const double wall = timeMs([&] { *attempts = run(); }).second;
        if (wall < best && cpuMs)
            *cpuMs = processCpuMs() - c0;
        best = std::min(best, wall);
    }
    return best;
}

// The 1-hour demo re-simulated the ways the workbench can: whole on 1 and 2 threads, and after an edit to
// one pipeline with the groups the edit cannot change reused.
void reportResimulation()
{
    const Scenario demo = demoScenario(3, 200, std::chrono::hours(1));
    unsigned long long attempts = 0;
    double oneThread = 0;
    for (const int threads : {1, 2}) {
        SimulationOptions options;
        options.threads = threads;
        double cpu = 0;
        const double ms = bestWallMs([&] { return Simulator::run(demo, options).total().attempts; }, &attempts, &cpu);
        if (threads == 1)
            oneThread = ms;
        std::printf("%-40s wall %7.1f ms  %6.2f M attempts/s  x%.2f  (cpu of all threads %7.1f ms)\n",
            threads == 1 ? "demo re-simulated, 1 thread" : "demo re-simulated, 2 threads", ms, double(attempts) / ms / 1e3,
            oneThread / ms, cpu);
    }
    // what a split run adds: every client's arrivals drawn and numbered in start order (on its own thread)
    const double planMs = bestWallMs(
        [&] {
            ArrivalPlan plan(demo, demo.seed);
            plan.produce();
            return plan.arrivalId(0, 0);
        },
        &attempts);
    std::printf("%-40s wall %7.1f ms\n", "arrival plan of a split run", planMs);
    IncrementalSimulator incremental;
    incremental.setKeptBytes(0); // the runs below alternate two values: keep none of them from before
    SimulationOptions options;
    options.threads = 2;
    Scenario edited = demo;
    incremental.run(edited, options);
    int maxAttempts = 3;
    double cpu = 0;
    const double ms = bestWallMs(
        [&] {
            maxAttempts = maxAttempts == 3 ? 4 : 3; // each run sees a new value: one group is simulated again
            edited.pipelines[0].config.retry.maxAttempts = maxAttempts;
            return incremental.run(edited, options).total().attempts;
        },
        &attempts, &cpu);
    std::printf("%-40s wall %7.1f ms  (%d of 3 groups reused; cpu of all threads %7.1f ms)\n",
        "demo after one pipeline's edit, 2 threads", ms, incremental.lastReused(), cpu);
    std::printf("goal: re-simulated demo <= 100 ms wall on 2 cores; simulator >= 12 M attempts/s on one core\n");
}

class NullSink final : public EventSink {
public:
    explicit NullSink(EventKindSet kinds = EventKindSet::all())
        : m_kinds(kinds)
    {
    }
    void onEvent(const Event& e) override { m_n += e.attempt; }
    EventKindSet interests() const override { return m_kinds; }
    long long m_n = 0;

private:
    EventKindSet m_kinds;
};

// What the workbench's charts ask for: transitions, retries and fault changes only.
EventKindSet chartKinds()
{
    return {EventKind::BreakerTransition, EventKind::FaultChanged, EventKind::RetryGaveUp, EventKind::RetryScheduled};
}

// What IncrementalSimulator keeps per group of the 1-hour demo run with the chart sink (the GUI's case):
// how many edits its default budget holds.
void reportKeptGroups()
{
    NullSink chartSink(chartKinds());
    SimulationOptions options;
    options.sink = &chartSink;
    options.threads = 2;
    IncrementalSimulator incremental;
    incremental.run(demoScenario(3, 200, std::chrono::hours(1)), options);
    for (const auto& part : incremental.lastParts())
        std::printf("kept group of the demo, chart events: %5.2f MB estimated, %zu events (budget %zu MiB)\n",
            double(IncrementalSimulator::estimatedBytes(*part)) / 1e6, part->eventLog.size(),
            IncrementalSimulator::kDefaultKeptBytes >> 20);
}

} // namespace

int main(int argc, char** argv)
{
    // "--resim": only the re-simulation figures (whole demo on 1 and 2 threads, the plan, an edit).
    if (argc > 1 && std::strcmp(argv[1], "--resim") == 0) {
        reportResimulation();
        return 0;
    }
    // "--profile split N": the 1-hour demo once on N threads (default 2), for perf and callgrind.
    if (argc > 2 && std::strcmp(argv[1], "--profile") == 0 && std::strcmp(argv[2], "split") == 0) {
        SimulationOptions options;
        options.threads = argc > 3 ? std::atoi(argv[3]) : 2;
        Simulator::run(demoScenario(3, 200, std::chrono::hours(1)), options);
        return 0;
    }
    // "--profile chart": 5 minutes of the demo with the chart sink, for callgrind and friends.
    if (argc > 2 && std::strcmp(argv[1], "--profile") == 0 && std::strcmp(argv[2], "chart") == 0) {
        NullSink chartSink(chartKinds());
        SimulationOptions options;
        options.sink = &chartSink;
        Simulator::run(demoScenario(3, 200, std::chrono::minutes(5)), options);
        return 0;
    }
    // "--profile edit": 10 minutes of the demo re-simulated on one thread, then again after an edit to one
    // pipeline (IncrementalSimulator): what an edit costs, the first run's share subtracted.
    if (argc > 2 && std::strcmp(argv[1], "--profile") == 0 && std::strcmp(argv[2], "edit") == 0) {
        Scenario demo = demoScenario(3, 200, std::chrono::minutes(10));
        IncrementalSimulator incremental;
        SimulationOptions options;
        options.threads = 1;
        incremental.run(demo, options);
        demo.pipelines[0].config.retry.maxAttempts = 4;
        incremental.run(demo, options);
        return 0;
    }
    // "--profile demo": 5 minutes of the demo alone (the workload of the attempts/s goal), no sink.
    if (argc > 2 && std::strcmp(argv[1], "--profile") == 0 && std::strcmp(argv[2], "demo") == 0) {
        Simulator::run(demoScenario(3, 200, std::chrono::minutes(5)));
        return 0;
    }
    // "--profile": one short run of each workload, for callgrind and friends.
    if (argc > 1 && std::strcmp(argv[1], "--profile") == 0) {
        Simulator::run(demoScenario(3, 200, std::chrono::minutes(5)));
        Scenario storm = stormScenario();
        storm.duration = std::chrono::seconds(60);
        Simulator::run(storm);
        return 0;
    }
    report("demo: 1 h x 200 req/s x 3 services", demoScenario(3, 200, std::chrono::hours(1)));
    reportResimulation();
    reportKeptGroups();
    report("demo: 1 h, 200 req/s in all, 3 services", demoScenario(3, 200.0 / 3.0, std::chrono::hours(1)));
    report("storm: 10 min x 2000 req/s, 60% errors", stormScenario());
    report("queues: the demo, 40 workers, network hops", queueingScenario());
    NullSink sink;
    SimulationOptions withSink;
    withSink.sink = &sink;
    report("demo with an event sink (events built)", demoScenario(3, 200, std::chrono::hours(1)), withSink);
    NullSink chartSink(chartKinds());
    SimulationOptions withChartSink;
    withChartSink.sink = &chartSink;
    report("demo with a chart sink (rare kinds only)", demoScenario(3, 200, std::chrono::hours(1)), withChartSink);
    return 0;
}
