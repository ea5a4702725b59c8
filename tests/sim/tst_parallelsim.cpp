// Simulating independent groups of a scenario apart (on threads, or reusing kept results) gives exactly
// the result of the sequential run.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/run/runsummaryjson.h"
#include "core/sim/incrementalsimulator.h"
#include "core/sim/simgroups.h"
#include "core/sim/simulator.h"

#include <QJsonDocument>
#include <QTest>

#include <atomic>
#include <stdexcept>

using namespace rwb;

namespace {

// Seven pipelines in four groups, and a service nobody calls: a shared service (a, b), a named circuit
// (c, d), a named retry budget (e, f), and g alone. Jittered retries (request ids matter), constant
// clients arriving at the same instants, bursts, a queue with network hops, hedging, and one service
// with hung requests and a 9 s slow tail, so its group ends seconds after the others.
const char* const kScenario = R"({
  "schema_version": 1, "name": "groups", "seed": 99, "duration": 40, "drain_limit": 20,
  "services": [
    {"name": "s0", "fault": {"error_rate": 0.2, "latency": {"distribution": "log_normal", "median": 0.02, "p99": 0.2},
      "capacity": {"max_concurrent": 4, "queue_size": 20}, "network_delay": {"distribution": "exponential", "mean": 0.001}}},
    {"name": "s1", "fault": {"error_rate": 0.05, "outages": [{"start": 10, "end": 20, "error": "connection_refused"}]}},
    {"name": "s2", "fault": {"error_rate": 0.3}},
    {"name": "s3", "fault": {"error_rate": 0.4, "latency": {"distribution": "uniform", "min": 0.001, "max": 0.05}}},
    {"name": "s4", "fault": {"error_rate": 0.4}},
    {"name": "s5", "fault": {"error_rate": 0.1, "error_mix": {"hang": 1},
      "latency": {"distribution": "fixed", "value": 0.02, "slow_tail_probability": 0.01, "slow_tail_latency": 9}}},
    {"name": "unused", "fault": {"error_rate": 0.5, "outages": [{"start": 5, "end": 6}]}}
  ],
  "pipelines": [
    {"name": "a", "service": "s0", "retry": {"max_attempts": 4, "backoff": {"base_delay": 0.01, "jitter": "full"}},
      "timeout": {"enabled": true, "attempt_timeout": 0.5}},
    {"name": "b", "service": "s0", "retry": {"max_attempts": 2, "backoff": {"base_delay": 0.02, "jitter": "equal"}},
      "hedging": {"enabled": true, "max_hedged_attempts": 1, "delay": 0.05}, "timeout": {"enabled": true, "attempt_timeout": 1}},
    {"name": "c", "service": "s1", "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.05, "jitter": "decorrelated"}},
      "circuit_breaker": {"name": "shared", "failure_threshold": 5, "recovery_timeout": 2}},
    {"name": "d", "service": "s2", "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.05, "jitter": "full"}},
      "circuit_breaker": {"name": "shared", "failure_threshold": 5, "recovery_timeout": 2}},
    {"name": "e", "service": "s3", "retry": {"max_attempts": 5, "backoff": {"base_delay": 0.01, "jitter": "full"},
      "budget": {"name": "pool", "percent": 20}}},
    {"name": "f", "service": "s4", "retry": {"max_attempts": 5, "backoff": {"base_delay": 0.01, "jitter": "full"},
      "budget": {"name": "pool", "percent": 20}}},
    {"name": "g", "service": "s5", "retry": {"max_attempts": 2, "backoff": {"base_delay": 0.1, "jitter": "full"}},
      "circuit_breaker": {"failure_threshold": 3, "recovery_timeout": 1}}
  ],
  "clients": [
    {"name": "ca", "pipeline": "a", "arrival": {"process": "constant", "rate": 50}},
    {"name": "cb", "pipeline": "b", "arrival": {"process": "poisson", "rate": 40}},
    {"name": "cc", "pipeline": "c", "arrival": {"process": "constant", "rate": 50}},
    {"name": "cd", "pipeline": "d", "arrival": {"process": "bursts", "rate": 10, "burst_size": 30, "burst_interval": 5}},
    {"name": "ce", "pipeline": "e", "arrival": {"process": "poisson", "rate": 60, "start": 3, "end": 30}},
    {"name": "cf", "pipeline": "f", "arrival": {"process": "constant", "rate": 50, "start": 3}},
    {"name": "cg", "pipeline": "g", "arrival": {"process": "poisson", "rate": 20}}
  ]
})";

Scenario load(const QByteArray& json)
{
    const ScenarioLoad l = scenariojson::load(json);
    if (!l.ok())
        throw std::runtime_error(l.errors.empty() ? "bad scenario" : qPrintable(l.errors.front().message));
    return *l.scenario;
}

SimulationOptions withThreads(int threads)
{
    SimulationOptions o;
    o.threads = threads;
    return o;
}

QByteArray bytes(const RunResult& r)
{
    runjson::Options o;
    o.series = true;
    return QJsonDocument(runjson::toJson(r, o)).toJson(QJsonDocument::Compact);
}

class Recorder final : public EventSink {
public:
    void onEvent(const Event& e) override
    {
        lines << QStringLiteral("%1 %2 %3 %4")
                     .arg(e.time.time_since_epoch().count())
                     .arg(int(e.kind))
                     .arg(e.source)
                     .arg(e.requestId);
    }
    EventKindSet interests() const override { return EventKindSet::all(); }
    QStringList lines;
};

} // namespace

class TestParallelSim : public QObject {
    Q_OBJECT

private slots:
    void groupsFollowSharedThings()
    {
        const Scenario s = load(kScenario);
        const std::vector<SimGroup> groups = independentGroups(s);
        QCOMPARE(groups.size(), std::size_t(5));
        QCOMPARE(groups[0].pipelines, (std::vector<int> { 0, 1 }));
        QCOMPARE(groups[0].services, (std::vector<int> { 0 }));
        QCOMPARE(groups[0].clients, (std::vector<int> { 0, 1 }));
        QCOMPARE(groups[1].pipelines, (std::vector<int> { 2, 3 })); // one circuit
        QCOMPARE(groups[1].services, (std::vector<int> { 1, 2 }));
        QCOMPARE(groups[1].clients, (std::vector<int> { 2, 3 }));
        QCOMPARE(groups[2].pipelines, (std::vector<int> { 4, 5 })); // one retry budget
        QCOMPARE(groups[3].pipelines, (std::vector<int> { 6 }));
        QCOMPARE(groups[4].services, (std::vector<int> { 6 })); // called by nobody
        QVERIFY(groups[4].pipelines.empty());
        // a sink keeps the run whole (its events arrive in time order on one thread)
        Recorder sink;
        SimulationOptions o;
        o.sink = &sink;
        QCOMPARE(Simulator::parallelGroups(s, o).size(), std::size_t(1));
        QCOMPARE(Simulator::parallelGroups(s, {}).size(), std::size_t(5));
    }

    void parallelEqualsSequential()
    {
        const Scenario s = load(kScenario);
        const RunResult one = Simulator::run(s, withThreads(1));
        // the overloaded queue of a and b keeps its group running to the drain limit; the other groups
        // end earlier and are completed for that end
        QCOMPARE(one.simulatedUntil, s.duration + s.drainLimit);
        QVERIFY(one.pipelines[6].summary.unfinished > 0);
        QVERIFY(one.total().retries > 1000);
        QVERIFY(one.pipelines[1].summary.hedges > 0);
        QVERIFY(one.pipelines[2].summary.breakerTransitions > 0);
        for (const int threads : { 2, 3, 8 }) {
            const RunResult many = Simulator::run(s, withThreads(threads));
            QVERIFY2(many == one, qPrintable(QStringLiteral("threads %1").arg(threads)));
            QCOMPARE(bytes(many), bytes(one));
        }
    }

    // Request ids number the calls of all clients: a group alone must not number its own from 1.
    void requestIdsAreTheWholeRuns()
    {
        Scenario s = load(kScenario);
        const RunResult one = Simulator::run(s, withThreads(1));
        Scenario alone = s;
        alone.clients.erase(alone.clients.begin() + 1, alone.clients.end()); // only client ca (pipeline a)
        const RunResult aAlone = Simulator::run(alone, withThreads(1));
        QVERIFY(aAlone.pipelines[0].summary.requests == one.pipelines[0].summary.requests); // same arrivals
        QVERIFY(!(aAlone.pipelines[0] == one.pipelines[0])); // other jitter
    }

    void demosParallelEqualSequential_data()
    {
        QTest::addColumn<QString>("demo");
        for (const auto& d : demos::list())
            QTest::newRow(qPrintable(d.name)) << d.name;
    }
    void demosParallelEqualSequential()
    {
        QFETCH(QString, demo);
        const ScenarioLoad l = demos::load(demo);
        QVERIFY(l.ok());
        QCOMPARE(Simulator::run(*l.scenario, withThreads(2)), Simulator::run(*l.scenario, withThreads(1)));
    }

    void sinkRunStaysInTimeOrder()
    {
        const Scenario s = load(kScenario);
        Recorder one;
        Recorder two;
        SimulationOptions o1;
        o1.sink = &one;
        SimulationOptions o2 = o1;
        o2.sink = &two;
        o2.threads = 2;
        const RunResult r1 = Simulator::run(s, o1);
        const RunResult r2 = Simulator::run(s, o2);
        QVERIFY(one.lines.size() > 1000);
        QCOMPARE(two.lines, one.lines);
        QCOMPARE(r2, r1);
        // the same figures as without a sink
        RunResult plain = Simulator::run(s, withThreads(2));
        plain.events = r1.events;
        QCOMPARE(plain, r1);
    }

    void progressWithThreads()
    {
        const Scenario s = load(kScenario);
        SimulationOptions o = withThreads(2);
        std::vector<int> seen;
        o.progress = [&](int permille) { seen.push_back(permille); };
        Simulator::run(s, o);
        QVERIFY(seen.size() > 10);
        QCOMPARE(seen.back(), 1000);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QVERIFY(std::adjacent_find(seen.begin(), seen.end()) == seen.end()); // at most once per value
    }

    void cancelStopsEveryGroup()
    {
        const Scenario s = load(kScenario);
        std::atomic<bool> cancel { true };
        SimulationOptions o = withThreads(2);
        o.cancel = &cancel;
        const RunResult r = Simulator::run(s, o);
        QVERIFY(r.cancelled);
        QVERIFY(r.simulatedUntil < s.duration);
    }

    void incrementalReusesUntouchedGroups()
    {
        Scenario s = load(kScenario);
        IncrementalSimulator inc;
        const SimulationOptions o = withThreads(2);
        QCOMPARE(inc.run(s, o), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 0);
        const auto first = inc.lastParts();
        QCOMPARE(first.size(), std::size_t(5));

        // unchanged: everything reused, same result
        QCOMPARE(inc.run(s, o), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 5);
        for (std::size_t g = 0; g < first.size(); ++g)
            QCOMPARE(inc.lastParts()[g].get(), first[g].get());

        // an edit to pipeline d (group 1) re-simulates that group only
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/pipelines/3/retry/max_attempts"), 5).empty());
        const RunResult edited = inc.run(s, o);
        QCOMPARE(edited, Simulator::run(s));
        QCOMPARE(inc.lastReused(), 4);
        QVERIFY(inc.lastParts()[1].get() != first[1].get());
        for (const std::size_t g : { 0u, 2u, 3u, 4u })
            QCOMPARE(inc.lastParts()[g].get(), first[g].get());
        QVERIFY(!(edited.pipelines[3] == first[1]->pipelines[1])); // d did change

        // a fault edit to a service re-simulates its group; on one thread just as well
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/services/3/fault/error_rate"), 0.1).empty());
        QCOMPARE(inc.run(s, withThreads(1)), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 4);

        // an arrival edit renumbers every group's requests: all simulated again
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/clients/1/arrival/rate"), 45).empty());
        QCOMPARE(inc.run(s, o), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 0);
    }

    // The group that ends last sets every group's series length: when an edit moves the end, kept
    // groups are completed again for the new end, and the result still equals a full run.
    void incrementalFollowsTheRunEnd()
    {
        Scenario s = load(kScenario);
        IncrementalSimulator inc;
        inc.run(s, withThreads(2));
        // the overloaded queue of a and b is still busy at the drain limit; g's slow tail drains for seconds
        const std::int64_t limit = (s.duration + s.drainLimit).count();
        QCOMPARE(inc.lastParts()[0]->ownEnd, limit);
        const std::int64_t gEnd = inc.lastParts()[3]->ownEnd;
        QVERIFY(gEnd > inc.lastParts()[1]->ownEnd + 3'000'000'000);
        for (const auto& part : inc.lastParts())
            QCOMPARE(part->finishedAt, limit);

        // enough workers for a and b: the run now ends with g's tail, and every kept group is completed again
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/services/0/fault/capacity/max_concurrent"), 50).empty());
        const RunResult shorter = inc.run(s, withThreads(2));
        QCOMPARE(shorter.simulatedUntil.count(), gEnd);
        QCOMPARE(shorter, Simulator::run(s));
        QCOMPARE(inc.lastReused(), 0);
        QCOMPARE(inc.lastParts()[3]->ownEnd, gEnd);

        // and back
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/services/0/fault/capacity/max_concurrent"), 4).empty());
        QCOMPARE(inc.run(s, withThreads(2)), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 0);
        QCOMPARE(inc.run(s, withThreads(2)), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 5);
    }

    void incrementalWithSinkKeepsNothing()
    {
        const Scenario s = load(kScenario);
        IncrementalSimulator inc;
        inc.run(s);
        Recorder sink;
        SimulationOptions o;
        o.sink = &sink;
        const RunResult r = inc.run(s, o);
        QVERIFY(!sink.lines.empty());
        QVERIFY(r.events > 0);
        inc.run(s);
        QCOMPARE(inc.lastReused(), 0);
    }

    void incrementalRejectsBadScenarios()
    {
        Scenario s = load(kScenario);
        s.pipelines[0].config.retry.maxAttempts = 0;
        IncrementalSimulator inc;
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, inc.run(s));
    }
};

QTEST_GUILESS_MAIN(TestParallelSim)
#include "tst_parallelsim.moc"
