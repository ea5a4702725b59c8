#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/sim/simulator.h"

#include <QHash>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>

using namespace rwb;

namespace {

Scenario simple(double rate = 50, Duration duration = 20s)
{
    Scenario s;
    s.seed = 3;
    s.duration = duration;
    s.drainLimit = 60s;
    ServiceSpec svc;
    svc.name = QStringLiteral("svc");
    svc.faults = FaultSchedule(FaultProfile::healthy(10ms));
    s.services.push_back(svc);
    PipelineSpec p;
    p.config.name = QStringLiteral("p");
    p.service = QStringLiteral("svc");
    s.pipelines.push_back(p);
    ClientSpec c;
    c.name = QStringLiteral("c");
    c.pipeline = QStringLiteral("p");
    c.arrival.kind = ArrivalProcess::Kind::Constant;
    c.arrival.rate = rate;
    s.clients.push_back(c);
    return s;
}

// A random but valid scenario exercising every stage, fault kind and arrival process.
Scenario randomScenario(std::uint64_t seed)
{
    Random r(seed);
    Scenario s;
    s.seed = r.nextU64() >> 12;
    s.duration = std::chrono::seconds(5 + r.below(20));
    s.drainLimit = 30s;
    const int services = 1 + int(r.below(2));
    for (int i = 0; i < services; ++i) {
        ServiceSpec svc;
        svc.name = QStringLiteral("svc%1").arg(i);
        FaultProfile f;
        f.errorRate = r.uniform(0, 0.6);
        f.errorMix = ErrorMix {r.uniform01(), r.uniform01(), r.uniform01(), r.uniform01(), r.uniform01() * 0.3, r.uniform01()};
        f.latency = r.chance(0.5) ? LatencyDistribution::logNormal(fromMs(r.uniform(1, 50)), fromMs(r.uniform(60, 900)))
                                  : LatencyDistribution::uniform(1ms, fromMs(r.uniform(2, 200)));
        f.latency.slowTailProbability = r.uniform(0, 0.05);
        f.latency.slowTailLatency = 2s;
        f.retryAfter = std::chrono::seconds(r.below(3));
        f.retryAfterOn503 = r.chance(0.5);
        if (r.chance(0.5))
            f.outages.push_back({std::chrono::seconds(1 + r.below(3)), std::chrono::seconds(4 + r.below(3)), FaultKind::ConnectionRefused});
        if (r.chance(0.3))
            f.flapping = Flapping {3s, 0.5, 0s, FaultKind::Http500};
        if (r.chance(0.5)) {
            f.capacity.maxConcurrent = int(2 + r.below(20));
            f.capacity.queueSize = int(r.below(10));
            f.capacity.overloadLatency = LatencyDistribution::uniform(1ms, 3ms);
            f.capacity.discipline = QueueDiscipline(r.below(3));
            f.capacity.dropAbandoned = r.chance(0.5);
            if (r.chance(0.3))
                f.capacity.queueTimeout = fromMs(r.uniform(1, 100));
            else if (r.chance(0.3))
                f.capacity.codel = CoDel {fromMs(r.uniform(1, 10)), fromMs(r.uniform(20, 200))};
        }
        if (r.chance(0.3))
            f.networkDelay = LatencyDistribution::exponential(fromMs(r.uniform(0.1, 5)));
        svc.faults = FaultSchedule(f);
        if (r.chance(0.5)) {
            FaultProfile g = f;
            g.errorRate = 1.0;
            svc.faults.addChange(2s, g, QStringLiteral("down"));
            svc.faults.addChange(3s, f, QStringLiteral("up"));
        }
        s.services.push_back(svc);
    }
    const int pipelines = 1 + int(r.below(3));
    for (int i = 0; i < pipelines; ++i) {
        PipelineSpec p;
        p.config.name = QStringLiteral("p%1").arg(i);
        p.service = QStringLiteral("svc%1").arg(r.below(std::uint64_t(services)));
        auto& c = p.config;
        c.retryEnabled = r.chance(0.8);
        c.retry.maxAttempts = 1 + int(r.below(5));
        c.retry.backoff.baseDelay = fromMs(r.uniform(1, 200));
        c.retry.backoff.maxDelay = 2s;
        c.retry.backoff.jitter = Jitter(r.below(4));
        c.retry.retryAfter.defaultRetryDelay = fromMs(r.uniform(0, 500));
        c.retry.retryAfter.maxRetryDelay = 2s;
        c.retry.retryOnRejection = r.chance(0.3);
        if (r.chance(0.3))
            c.retry.timeBudget = fromMs(r.uniform(100, 3000));
        c.timeoutEnabled = r.chance(0.6);
        c.timeout.attemptTimeout = fromMs(r.uniform(5, 500));
        if (r.chance(0.3))
            c.timeout.overallTimeout = fromMs(r.uniform(50, 3000));
        c.bulkheadEnabled = r.chance(0.4);
        c.bulkhead.maxConcurrent = 1 + int(r.below(10));
        c.bulkhead.maxQueue = int(r.below(10));
        c.bulkhead.maxQueueWait = fromMs(r.uniform(0, 300));
        c.rateLimiterEnabled = r.chance(0.3);
        c.rateLimiter.ratePerSecond = r.uniform(5, 100);
        c.rateLimiter.burst = 1 + int(r.below(10));
        c.rateLimiter.maxWait = fromMs(r.uniform(0, 500));
        c.fallbackEnabled = r.chance(0.4);
        if (r.chance(0.3)) {
            c.order = {StageKind::Fallback, StageKind::Timeout, StageKind::CircuitBreaker, StageKind::Retry,
                StageKind::Bulkhead, StageKind::RateLimiter};
        }
        if (r.chance(0.25)) {
            c.hedgingEnabled = true;
            c.hedging.maxHedgedAttempts = 1 + int(r.below(3));
            c.hedging.delay = r.chance(0.2) ? Duration::zero() : fromMs(r.uniform(1, 100));
            c.hedging.onFailureOnly = r.chance(0.2);
            if (!c.hedging.onFailureOnly && r.chance(0.3))
                c.hedging.delayPercentile = r.uniform(50, 99);
        }
        if (r.chance(0.6)) {
            CircuitBreakerConfig b;
            b.name = c.name;
            b.failureThreshold = 1 + int(r.below(10));
            b.recoveryTimeout = fromMs(r.uniform(100, 2000));
            b.permittedProbes = 1 + int(r.below(3));
            b.successThreshold = 1 + int(r.below(3));
            p.breaker = b;
        }
        s.pipelines.push_back(p);
    }
    const int clients = 1 + int(r.below(3));
    for (int i = 0; i < clients; ++i) {
        ClientSpec c;
        c.name = QStringLiteral("c%1").arg(i);
        c.pipeline = QStringLiteral("p%1").arg(r.below(std::uint64_t(pipelines)));
        c.count = 1 + int(r.below(2));
        c.arrival.kind = ArrivalProcess::Kind(r.below(4));
        c.arrival.rate = r.uniform(1, 80);
        c.arrival.thinkTime = LatencyDistribution::exponential(fromMs(r.uniform(5, 500)));
        c.arrival.requestsPerUser = int(r.below(3)) * 20;
        c.arrival.burstSize = 1 + int(r.below(30));
        c.arrival.burstInterval = fromMs(r.uniform(200, 3000));
        s.clients.push_back(c);
    }
    return s;
}

std::vector<Event> runCollect(const Scenario& s, RunResult* result = nullptr, std::optional<std::uint64_t> seed = {})
{
    CollectingSink sink;
    SimulationOptions o;
    o.sink = &sink;
    o.seed = seed;
    RunResult r = Simulator::run(s, o);
    if (result)
        *result = r;
    return sink.take();
}

QString summaryLine(const PipelineSeries& p)
{
    const auto& s = p.summary;
    return QStringLiteral("%1 req=%2 ok=%3 failed=%4 rejected=%5 fallbacks=%6 unfinished=%7 attempts=%8 retries=%9 "
                          "timeouts=%10 transitions=%11 p50=%12 p95=%13 p99=%14")
        .arg(p.name)
        .arg(s.requests)
        .arg(s.succeeded)
        .arg(s.failed)
        .arg(s.rejected)
        .arg(s.fallbacks)
        .arg(s.unfinished)
        .arg(s.attempts)
        .arg(s.retries)
        .arg(s.timeouts)
        .arg(s.breakerTransitions)
        .arg(s.latencyP50Ms, 0, 'f', 1)
        .arg(s.latencyP95Ms, 0, 'f', 1)
        .arg(s.latencyP99Ms, 0, 'f', 1)
        + (s.hedges ? QStringLiteral(" hedges=%1").arg(s.hedges) : QString()); // only hedging pipelines
}

// Two pipelines naming circuits `circuitA` and `circuitB`: "orders" calls a service that is down from
// t=10 s on, "ledger" a healthy one (seed 001's shared breaker, seed 004's named circuit).
// A consecutive-failure breaker shared with a healthy caller is reset by each of its successes, so
// "ledger" calls ten times less often than "orders" and the threshold is small.
QByteArray twoPipelines(const char* circuitA, const char* circuitB, int thresholdB = 3)
{
    return QStringLiteral(R"({"schema_version": 1, "seed": 7, "duration": 40, "drain_limit": 10,
  "services": [
    {"name": "payments", "fault": {"latency": {"distribution": "fixed", "value": 0.01},
      "outages": [{"start": 10, "end": 40, "error": "connection_refused"}]}},
    {"name": "healthy", "fault": {"latency": {"distribution": "fixed", "value": 0.01}}}],
  "pipelines": [
    {"name": "orders", "service": "payments",
      "circuit_breaker": {"name": "%1", "failure_threshold": 3, "recovery_timeout": 5}},
    {"name": "ledger", "service": "healthy",
      "circuit_breaker": {"name": "%2", "failure_threshold": %3, "recovery_timeout": 5}}],
  "clients": [
    {"name": "a", "pipeline": "orders", "arrival": {"process": "constant", "rate": 20}},
    {"name": "b", "pipeline": "ledger", "arrival": {"process": "constant", "rate": 2}}]})")
        .arg(QLatin1String(circuitA), QLatin1String(circuitB))
        .arg(thresholdB)
        .toUtf8();
}

// Two pipelines retrying against a dead service, each with a retry budget named `budgetA` / `budgetB`.
QByteArray twoBudgets(const char* budgetA, const char* budgetB, double percentB = 0)
{
    return QStringLiteral(R"({"schema_version": 1, "seed": 11, "duration": 30, "drain_limit": 10,
  "services": [{"name": "dead", "fault": {"error_rate": 1, "latency": {"distribution": "fixed", "value": 0.005}}}],
  "pipelines": [
    {"name": "a", "service": "dead", "retry": {"max_attempts": 4, "backoff": {"strategy": "constant", "base_delay": 0.01},
      "budget": {"name": "%1", "percent": 0, "min_retries_per_second": 2, "window": 10}}},
    {"name": "b", "service": "dead", "retry": {"max_attempts": 4, "backoff": {"strategy": "constant", "base_delay": 0.01},
      "budget": {"name": "%2", "percent": %3, "min_retries_per_second": 2, "window": 10}}}],
  "clients": [
    {"name": "ca", "pipeline": "a", "arrival": {"process": "constant", "rate": 20}},
    {"name": "cb", "pipeline": "b", "arrival": {"process": "constant", "rate": 20}}]})")
        .arg(QLatin1String(budgetA), QLatin1String(budgetB))
        .arg(percentB)
        .toUtf8();
}

} // namespace

class TestSimulator : public QObject {
    Q_OBJECT

private slots:
    void pipelinesNamingOneCircuitShareItsBreaker()
    {
        const ScenarioLoad separate = scenariojson::load(twoPipelines("orders", "ledger"));
        const ScenarioLoad shared = scenariojson::load(twoPipelines("payments", "payments"));
        QVERIFY(separate.ok() && shared.ok());
        CollectingSink events;
        SimulationOptions options;
        options.sink = &events;
        const RunResult apart = Simulator::run(*separate.scenario);
        const RunResult together = Simulator::run(*shared.scenario, options);

        // apart, the healthy pipeline's own breaker never opens
        QCOMPARE(apart.pipelines[1].summary.breakerRejections, 0u);
        QCOMPARE(apart.pipelines[1].summary.breakerTransitions, 0u);
        QVERIFY(apart.pipelines[0].summary.breakerTransitions >= 2);
        // shared, the failing pipeline's failures open the breaker for the healthy one too
        const PipelineSummary& orders = together.pipelines[0].summary;
        const PipelineSummary& ledger = together.pipelines[1].summary;
        QVERIFY(ledger.breakerRejections > 0);
        QCOMPARE(ledger.rejected, ledger.breakerRejections); // no retry: one refusal per refused request
        QCOMPARE(together.pipelines[0].breaker, QStringLiteral("payments"));
        QCOMPARE(together.pipelines[1].breaker, QStringLiteral("payments"));
        // one breaker: its transitions are both pipelines', and counted once in the total
        QCOMPARE(ledger.breakerTransitions, orders.breakerTransitions);
        QCOMPARE(together.total().breakerTransitions, orders.breakerTransitions);
        QCOMPARE(together.total().breakerRejections, orders.breakerRejections + ledger.breakerRejections);
        std::uint64_t transitions = 0, refusals = 0;
        for (const Event& e : events.events()) {
            if (e.kind == EventKind::BreakerTransition) {
                QCOMPARE(e.source, QStringLiteral("payments"));
                ++transitions;
            }
            refusals += e.kind == EventKind::BreakerRejected;
        }
        QCOMPARE(transitions, orders.breakerTransitions);
        QCOMPARE(refusals, together.total().breakerRejections);
        // every bucket of both pipelines shows the one breaker's state
        QCOMPARE(together.pipelines[0].buckets.size(), together.pipelines[1].buckets.size());
        for (std::size_t i = 0; i < together.pipelines[0].buckets.size(); ++i)
            QVERIFY(together.pipelines[1].buckets[i].breakerState == together.pipelines[0].buckets[i].breakerState);
        // each pipeline counts its own refusals, bucket by bucket
        for (const PipelineSeries& p : together.pipelines) {
            std::uint64_t perBucket = 0;
            for (const PipelineBucket& b : p.buckets)
                perBucket += b.breakerRejections;
            QCOMPARE(perBucket, p.summary.breakerRejections);
        }
    }

    void sharedCircuitMustBeConfiguredAlike()
    {
        const ScenarioLoad conflicting = scenariojson::load(twoPipelines("payments", "payments", 7));
        QVERIFY(!conflicting.ok());
        const auto error = std::find_if(conflicting.errors.begin(), conflicting.errors.end(),
            [](const LoadError& e) { return e.pointer == QLatin1String("/pipelines/1/circuit_breaker/failure_threshold"); });
        QVERIFY2(error != conflicting.errors.end(), qPrintable(conflicting.errors.front().pointer));
        QVERIFY2(error->message.contains(QLatin1String("pipelines/0")) && error->message.contains(QLatin1String("failure_threshold")),
            qPrintable(error->message));
    }

    void pipelinesNamingOneRetryBudgetShareIt()
    {
        const ScenarioLoad separate = scenariojson::load(twoBudgets("a", "b"));
        const ScenarioLoad shared = scenariojson::load(twoBudgets("payments", "payments"));
        QVERIFY2(separate.ok() && shared.ok(), qPrintable(separate.errors.empty() ? QString() : separate.errors.front().toString()));
        const RunResult apart = Simulator::run(*separate.scenario);
        const RunResult together = Simulator::run(*shared.scenario);
        const std::uint64_t a = apart.pipelines[0].summary.retries, b = apart.pipelines[1].summary.retries;
        const std::uint64_t both = together.total().retries;
        qInfo("retries: apart %llu + %llu, sharing one budget %llu", qulonglong(a), qulonglong(b), qulonglong(both));
        // percent 0 leaves each budget its floor of 2 retries/s: 60 in 30 s for each budget, so two
        // budgets allow 120 retries and one shared budget 60, taken by both pipelines
        QCOMPARE(a, 60u);
        QCOMPARE(b, 60u);
        QCOMPARE(both, 60u);
        QVERIFY(together.pipelines[0].summary.retries > 0 && together.pipelines[1].summary.retries > 0);
    }

    void sharedRetryBudgetMustBeConfiguredAlike()
    {
        const ScenarioLoad conflicting = scenariojson::load(twoBudgets("payments", "payments", 5));
        QVERIFY(!conflicting.ok());
        QCOMPARE(conflicting.errors.size(), std::size_t(1));
        QCOMPARE(conflicting.errors.front().pointer, QStringLiteral("/pipelines/1/retry/budget"));
        QVERIFY(conflicting.errors.front().message.contains(QLatin1String("pipelines/0")));
    }

    void constantArrivalsAreExact()
    {
        const RunResult r = Simulator::run(simple(50, 20s));
        const auto& p = r.pipelines.front();
        QCOMPARE(p.summary.requests, std::uint64_t(1000));
        QCOMPARE(p.summary.succeeded, std::uint64_t(1000));
        QCOMPARE(p.summary.attempts, std::uint64_t(1000));
        QCOMPARE(p.buckets.front().requests, 50u);
        QCOMPARE(p.summary.latencyP50Ms, p.summary.latencyP99Ms); // fixed 10 ms
        QVERIFY(std::abs(p.summary.latencyP50Ms - 10.0) < 0.5);
        QCOMPARE(r.services.front().arrivals, std::uint64_t(1000));
        QCOMPARE(r.bucketCount(), std::size_t(20)); // the last request (19.98 s) ends at 19.99 s
    }

    void burstsArriveTogether()
    {
        Scenario s = simple();
        s.clients[0].arrival.kind = ArrivalProcess::Kind::Bursts;
        s.clients[0].arrival.rate = 0;
        s.clients[0].arrival.burstSize = 30;
        s.clients[0].arrival.burstInterval = 5s;
        s.clients[0].count = 2;
        const RunResult r = Simulator::run(s);
        QCOMPARE(r.pipelines[0].summary.requests, std::uint64_t(4 * 60)); // bursts at 0, 5, 10, 15 s
        QCOMPARE(r.pipelines[0].buckets[5].requests, 60u);
        QCOMPARE(r.pipelines[0].buckets[6].requests, 0u);
        QCOMPARE(r.services[0].buckets[5].maxConcurrency, 60u);
    }

    void invariantsOnRandomScenarios()
    {
        std::uint64_t hedgesSent = 0;
        for (std::uint64_t seed = 1; seed <= 60; ++seed) {
            const Scenario s = randomScenario(seed);
            const FieldErrors invalid = s.validate();
            QVERIFY2(invalid.empty(), qPrintable(QStringLiteral("seed %1: %2").arg(seed).arg(invalid.empty() ? QString() : invalid.front().toString())));
            RunResult r;
            const std::vector<Event> events = runCollect(s, &r);
            const QString ctx = QStringLiteral("scenario seed %1").arg(seed);

            // Events arrive in time order.
            for (std::size_t i = 1; i < events.size(); ++i)
                QVERIFY2(events[i - 1].time <= events[i].time, qPrintable(ctx));

            struct PerRequest {
                int done = 0;
                int retries = 0;
                int lastAttempt = 0;
                TimePoint retryAt {};
                TimePoint last {};
                int doneAttempts = -1;
            };
            std::map<std::uint64_t, PerRequest> requests;
            QHash<QString, std::uint64_t> hedgeEvents;
            for (const auto& e : events) {
                if (e.requestId == 0 || e.kind == EventKind::BreakerRejected || e.kind == EventKind::BreakerTransition)
                    continue;
                auto& q = requests[e.requestId];
                QVERIFY2(q.done == 0, qPrintable(ctx + QStringLiteral(": event after request_done for req %1").arg(e.requestId)));
                QVERIFY2(e.time >= q.last, qPrintable(ctx));
                q.last = e.time;
                switch (e.kind) {
                case EventKind::Attempt:
                    // No event before its cause: a retried attempt ends after its retry delay.
                    QVERIFY2(e.time >= q.retryAt, qPrintable(ctx + QStringLiteral(": attempt before its retry delay, req %1").arg(e.requestId)));
                    QVERIFY2(e.attempt >= q.lastAttempt, qPrintable(ctx));
                    q.lastAttempt = e.attempt;
                    break;
                case EventKind::RetryScheduled:
                    ++q.retries;
                    q.retryAt = e.time + e.delay;
                    break;
                case EventKind::RequestDone:
                    ++q.done;
                    q.doneAttempts = e.attempt;
                    break;
                case EventKind::HedgeLaunched:
                    ++hedgeEvents[e.source];
                    break;
                default:
                    break;
                }
            }
            std::uint64_t totalRequests = 0, finished = 0, unfinished = 0;
            for (const auto& p : r.pipelines) {
                const auto& m = p.summary;
                totalRequests += m.requests;
                unfinished += m.unfinished;
                finished += m.succeeded + m.failed + m.rejected + m.fallbacks;
                // Every request accounted exactly once.
                QCOMPARE(m.succeeded + m.failed + m.rejected + m.fallbacks + m.unfinished, m.requests);
                std::uint64_t bucketRequests = 0, bucketDone = 0, bucketAttempts = 0;
                for (const auto& b : p.buckets) {
                    bucketRequests += b.requests;
                    bucketDone += b.finished();
                    bucketAttempts += b.attempts;
                }
                QCOMPARE(bucketRequests, m.requests);
                QCOMPARE(bucketDone, m.requests - m.unfinished);
                QCOMPARE(bucketAttempts, m.attempts);
                QCOMPARE(hedgeEvents.value(p.name), m.hedges); // every hedge sent is counted
                hedgesSent += m.hedges;
            }
            std::uint64_t doneEvents = 0;
            for (const auto& [id, q] : requests) {
                if (q.done == 0)
                    continue;
                ++doneEvents;
                QCOMPARE(q.done, 1);
                // attempts = retries + 1 (a call with retry off makes exactly one try).
                QVERIFY2(q.doneAttempts == q.retries + 1 || (q.doneAttempts == 0 && q.retries == 0),
                    qPrintable(ctx + QStringLiteral(": req %1 attempts %2 retries %3").arg(id).arg(q.doneAttempts).arg(q.retries)));
            }
            QCOMPARE(doneEvents, finished);
            QCOMPARE(finished + unfinished, totalRequests);
        }
        QVERIFY(hedgesSent > 0); // the random scenarios do exercise hedging
    }

    void sameSeedSameEvents()
    {
        for (std::uint64_t seed : {5u, 17u, 33u}) {
            const Scenario s = randomScenario(seed);
            RunResult a, b;
            const auto first = runCollect(s, &a);
            const auto second = runCollect(s, &b);
            QVERIFY(!first.empty());
            QVERIFY(first == second);
            QVERIFY(a == b);
            const auto other = runCollect(s, nullptr, s.seed + 1);
            QVERIFY(other != first);
        }
    }

    void eventsDoNotChangeResults()
    {
        const Scenario s = randomScenario(9);
        RunResult withEvents;
        runCollect(s, &withEvents);
        RunResult without = Simulator::run(s);
        withEvents.events = 0;
        QVERIFY(withEvents == without);
    }

    // A sink naming a few kinds (the GUI's charts) gets exactly those events of the full stream, in its
    // order, and counts only them; the other kinds are not built at all, and the results do not change.
    void sinkGetsOnlyTheKindsItWants()
    {
        struct ChartSink final : EventSink {
            void onEvent(const Event& e) override { events.push_back(e); }
            EventKindSet interests() const override { return {EventKind::BreakerTransition, EventKind::RetryScheduled}; }
            std::vector<Event> events;
        } chart;
        for (std::uint64_t seed : {9u, 17u}) {
            const Scenario s = randomScenario(seed);
            RunResult all;
            const std::vector<Event> full = runCollect(s, &all);
            std::vector<Event> expected;
            for (const Event& e : full)
                if (chart.interests().contains(e.kind))
                    expected.push_back(e);
            QVERIFY(std::any_of(full.begin(), full.end(), [](const Event& e) { return e.kind == EventKind::BreakerRejected; }));
            chart.events.clear();
            SimulationOptions o;
            o.sink = &chart;
            RunResult some = Simulator::run(s, o);
            QVERIFY(!expected.empty());
            QCOMPARE(chart.events.size(), expected.size());
            QVERIFY(chart.events == expected);
            QCOMPARE(some.events, std::uint64_t(expected.size()));
            some.events = all.events = 0;
            QVERIFY(some == all);
        }
    }

    void cancellationStopsEarly()
    {
        Scenario s = simple(100, 600s);
        std::atomic<bool> cancel {false};
        std::vector<int> progress;
        SimulationOptions o;
        o.cancel = &cancel;
        o.progress = [&](int permille) {
            progress.push_back(permille);
            if (permille >= 500)
                cancel = true;
        };
        const RunResult r = Simulator::run(s, o);
        QVERIFY(r.cancelled);
        QVERIFY(r.pipelines[0].summary.requests < 60000);
        QVERIFY(r.pipelines[0].summary.requests >= 30000);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.back(), 1000);
        QVERIFY(progress.size() <= 1001);
    }

    void hangWithoutTimeoutIsUnfinished()
    {
        Scenario s = simple(10, 2s);
        s.drainLimit = 5s;
        FaultProfile f = FaultProfile::healthy(10ms);
        f.errorRate = 1.0;
        f.errorMix = ErrorMix {0, 0, 0, 0, 1, 0};
        s.services[0].faults = FaultSchedule(f);
        s.pipelines[0].config.retryEnabled = false;
        const RunResult r = Simulator::run(s);
        QCOMPARE(r.pipelines[0].summary.unfinished, std::uint64_t(20));
        QCOMPARE(r.pipelines[0].summary.requests, std::uint64_t(20));
        // With a timeout every hang ends as a failed request.
        s.pipelines[0].config.timeoutEnabled = true;
        s.pipelines[0].config.timeout.attemptTimeout = 100ms;
        const RunResult t = Simulator::run(s);
        QCOMPARE(t.pipelines[0].summary.failed, std::uint64_t(20));
        QCOMPARE(t.pipelines[0].summary.timeouts, std::uint64_t(20));
        QCOMPARE(t.services[0].buckets[0].maxConcurrency, 1u); // a hang frees the service when the client hangs up
    }

    void breakerStateIsRecorded()
    {
        Scenario s = simple(50, 30s);
        FaultProfile f = FaultProfile::healthy(5ms);
        f.outages.push_back({10s, 20s, FaultKind::Http500});
        s.services[0].faults = FaultSchedule(f);
        CircuitBreakerConfig b;
        b.name = QStringLiteral("p");
        b.failureThreshold = 5;
        b.recoveryTimeout = 30s;
        s.pipelines[0].breaker = b;
        s.pipelines[0].config.retryEnabled = false;
        const RunResult r = Simulator::run(s);
        const auto& buckets = r.pipelines[0].buckets;
        QCOMPARE(int(buckets[5].breakerState), int(BreakerState::Closed));
        QCOMPARE(int(buckets[15].breakerState), int(BreakerState::Open));
        QVERIFY(r.pipelines[0].summary.breakerTransitions >= 1);
        QVERIFY(r.pipelines[0].summary.breakerRejections > 0);
        QCOMPARE(r.pipelines[0].summary.rejected, r.pipelines[0].summary.breakerRejections);
    }

    void invalidScenarioThrows()
    {
        Scenario s = simple();
        s.pipelines[0].config.retry.maxAttempts = 0;
        try {
            Simulator::run(s);
            QFAIL("expected InvalidConfig");
        } catch (const InvalidConfig& e) {
            QCOMPARE(e.errors().front().field, QStringLiteral("pipelines/0/retry/max_attempts"));
        }
    }

    // Each demo must show its lesson in the numbers (robust relations, unlike the pinned goldens below).
    void demoLessonsHold()
    {
        const auto run = [](const char* name) { return Simulator::run(*demos::load(QLatin1String(name)).scenario); };
        const auto summary = [](const RunResult& r, const char* name) { return r.pipeline(QLatin1String(name))->summary; };
        {
            const auto r = run("outage-recovery");
            const auto with = summary(r, "with-breaker"), without = summary(r, "retries-only");
            QVERIFY(with.attempts < without.attempts * 7 / 10);
            QVERIFY(with.breakerTransitions >= 3); // opened, probed half-open, closed
            QCOMPARE(with.failed, std::uint64_t(0));
            QVERIFY(without.failed > 1000);
            QCOMPARE(int(r.pipeline(QStringLiteral("with-breaker"))->buckets[150].breakerState) != int(BreakerState::Closed), true);
            QCOMPARE(int(r.pipeline(QStringLiteral("with-breaker"))->buckets[250].breakerState), int(BreakerState::Closed));
        }
        {
            const auto r = run("thundering-herd");
            QVERIFY(r.service(QStringLiteral("catalog-b"))->overloaded < r.service(QStringLiteral("catalog-a"))->overloaded * 7 / 10);
            QVERIFY(summary(r, "full-jitter").latencyP50Ms < summary(r, "no-jitter").latencyP50Ms / 2);
            QVERIFY(summary(r, "full-jitter").attempts < summary(r, "no-jitter").attempts);
        }
        {
            const auto r = run("rate-limited-api");
            const auto honours = summary(r, "honours-retry-after"), ignores = summary(r, "ignores-retry-after");
            QVERIFY(honours.attempts < ignores.attempts / 2);
            QVERIFY(r.services[0].overloaded * 5 < r.services[1].overloaded); // far fewer 429s
            QVERIFY(double(honours.succeeded) > 0.9 * double(ignores.succeeded));
        }
        {
            const auto r = run("slow-dependency");
            QVERIFY(summary(r, "timeout-bulkhead").latencyP99Ms <= 1300);
            QVERIFY(summary(r, "unprotected").latencyP99Ms >= 10000);
            QVERIFY(summary(r, "timeout-bulkhead").fallbacks < summary(r, "timeout-bulkhead").requests / 5);
        }
        {
            const auto r = run("flapping-service");
            QVERIFY(summary(r, "breaker").attempts < summary(r, "retries-only").attempts / 2);
            QVERIFY(summary(r, "breaker").breakerTransitions >= 20); // follows every down phase
        }
        {
            const auto r = run("retry-storm");
            // After the slowdown (60-90 s) the aggressive client keeps the service overloaded; the other recovers.
            const auto okAfter = [&](const char* name) {
                std::uint64_t ok = 0, done = 0;
                for (std::size_t b = 120; b < 220; ++b) {
                    const auto& bucket = r.pipeline(QLatin1String(name))->buckets[b];
                    ok += bucket.succeeded;
                    done += bucket.finished();
                }
                return double(ok) / double(done);
            };
            QVERIFY(okAfter("aggressive") < 0.5);
            QVERIFY(okAfter("breaker-budget") > 0.95);
            QVERIFY(summary(r, "aggressive").retryAmplification() > 3.0);
        }
        {
            const auto r = run("metastable-retry-storm");
            // Share of finished requests that succeeded (fallbacks count as served) in [from, to) seconds.
            const auto served = [&](const char* name, std::size_t from, std::size_t to) {
                std::uint64_t ok = 0, done = 0;
                for (std::size_t b = from; b < to; ++b) {
                    const auto& bucket = r.pipeline(QLatin1String(name))->buckets[b];
                    ok += bucket.succeeded + bucket.fallbacks;
                    done += bucket.finished();
                }
                return double(ok) / double(done);
            };
            // Healthy before the trigger (60-75 s) for both: the storm is not a capacity problem.
            QVERIFY(served("retries-only", 5, 60) > 0.99);
            QVERIFY(served("breaker-backoff", 5, 60) > 0.99);
            // Long after the trigger ended, retries alone keep the service overloaded; the other has recovered.
            QVERIFY2(served("retries-only", 150, 300) < 0.3, qPrintable(QString::number(served("retries-only", 150, 300))));
            QVERIFY(served("breaker-backoff", 90, 300) > 0.99);
            std::uint64_t arrivalsLate = 0;
            for (std::size_t b = 200; b < 300; ++b)
                arrivalsLate += r.service(QStringLiteral("inventory-a"))->buckets[b].arrivals;
            QVERIFY(arrivalsLate / 100 > 700); // ~445/s of capacity, offered 350/s: retries double the load
        }
        {
            const auto r = run("occ-contention");
            const auto calls = [&](const char* name) { return summary(r, name).attempts; };
            const auto doneAt = [&](const char* name) { return summary(r, name).lastFinishMs; };
            for (const char* name : {"no-backoff", "exponential", "equal-jitter", "full-jitter", "decorrelated-jitter"})
                QCOMPARE(summary(r, name).succeeded, std::uint64_t(100)); // every user wrote once
            // The blog's findings: jitter cuts the calls several-fold; plain exponential backoff stays in
            // lockstep and takes far longer than any jittered strategy.
            QVERIFY(calls("full-jitter") * 4 < calls("no-backoff"));
            QVERIFY(calls("decorrelated-jitter") * 3 < calls("exponential"));
            QVERIFY(calls("equal-jitter") * 3 < calls("exponential"));
            QVERIFY(doneAt("exponential") > 10 * doneAt("full-jitter"));
            QVERIFY(doneAt("decorrelated-jitter") < doneAt("equal-jitter"));
        }
        {
            // Hedging cuts the tail: p99 2 s -> under 0.25 s, for ~6 % more requests on the service.
            const auto r = run("hedging-tail-latency");
            const auto hedged = summary(r, "hedged"), single = summary(r, "single");
            QVERIFY(single.latencyP99Ms >= 1900);
            QVERIFY(hedged.latencyP99Ms < 250);
            QCOMPARE(single.hedges, std::uint64_t(0));
            QVERIFY(hedged.hedges > hedged.requests * 4 / 100 && hedged.hedges < hedged.requests * 8 / 100);
            QCOMPARE(r.service(QStringLiteral("search-a"))->arrivals, hedged.attempts + hedged.hedges);
            QCOMPARE(r.service(QStringLiteral("search-b"))->arrivals, single.attempts);
        }
        {
            // One circuit for two endpoints: the failing one's outage refuses the healthy one's calls too.
            const auto r = run("shared-circuit");
            QVERIFY(summary(r, "checkout-shared").breakerRejections > 1000);
            QCOMPARE(summary(r, "checkout-own").breakerRejections, 0u);
            QCOMPARE(summary(r, "checkout-own").rejected, 0u);
            QVERIFY(summary(r, "checkout-own").successRate() > 0.99);
            QVERIFY(summary(r, "checkout-shared").successRate() < 0.6);
            // the shared circuit switches as often as the failing endpoint's own one, and counts once
            QCOMPARE(summary(r, "checkout-shared").breakerTransitions, summary(r, "reports-shared").breakerTransitions);
            QCOMPARE(r.total().breakerTransitions,
                summary(r, "reports-shared").breakerTransitions + summary(r, "reports-own").breakerTransitions);
        }
    }

    // Golden summaries of the built-in demos for their own seeds. A change here must be deliberate:
    // it means the engine or the simulator now behaves differently.
    void demoGoldens_data()
    {
        QTest::addColumn<QString>("demo");
        QTest::addColumn<QStringList>("expected");
        if (qEnvironmentVariableIsSet("RWB_PRINT_GOLDENS")) { // regenerate demo_goldens.inc (then review the diff)
            for (const auto& d : demos::list()) {
                const RunResult r = Simulator::run(*demos::load(d.name).scenario);
                std::printf("QTest::newRow(\"%s\") << QStringLiteral(\"%s\") << QStringList {\n", qPrintable(d.name), qPrintable(d.name));
                for (const auto& p : r.pipelines)
                    std::printf("    QStringLiteral(\"%s\"),\n", qPrintable(summaryLine(p)));
                std::printf("};\n");
            }
        }
#include "demo_goldens.inc"
    }
    void demoGoldens()
    {
        QFETCH(QString, demo);
        QFETCH(QStringList, expected);
        const ScenarioLoad l = demos::load(demo);
        QVERIFY(l.ok());
        const RunResult r = Simulator::run(*l.scenario);
        QStringList got;
        for (const auto& p : r.pipelines)
            got << summaryLine(p);
        QCOMPARE(got, expected);
    }
};

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
