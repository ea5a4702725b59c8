// Simulating independent groups of a scenario apart (on threads, or reusing kept results) gives exactly
// the result of the sequential run.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/run/runsummaryjson.h"
#include "core/sim/groupsimulation.h"
#include "core/sim/incrementalsimulator.h"
#include "core/sim/simgroups.h"
#include "core/sim/simulator.h"
#include "tst_scenariofixture.h"

#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
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
    return testing::loadScenario(json);
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

// Every kind but those made for each call (Attempt, RequestDone): what lets a run with a sink split.
constexpr EventKindSet kRareKinds { EventKind::BreakerTransition, EventKind::BreakerRejected,
    EventKind::RetryScheduled, EventKind::RetryGaveUp, EventKind::BulkheadRejected, EventKind::RateLimited,
    EventKind::FaultChanged, EventKind::HedgeLaunched, EventKind::HedgeCancelled };

// Events as text; with kScenario's names, the line ends in the pipeline's or service's group.
class Recorder final : public EventSink {
public:
    explicit Recorder(EventKindSet kinds = EventKindSet::all())
        : kinds(kinds)
    {
    }
    void onEvent(const Event& e) override
    {
        static const QHash<QString, QString> groups { { QStringLiteral("a"), QStringLiteral("g0") },
            { QStringLiteral("b"), QStringLiteral("g0") }, { QStringLiteral("s0"), QStringLiteral("g0") } };
        lines << QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                     .arg(e.time.time_since_epoch().count())
                     .arg(int(e.kind))
                     .arg(e.source)
                     .arg(e.requestId)
                     .arg(e.attempt)
                     .arg(e.text, groups.value(e.source, QStringLiteral("-")));
        times.push_back(e.time.time_since_epoch().count());
    }
    EventKindSet interests() const override { return kinds; }
    EventKindSet kinds;
    QStringList lines;
    std::vector<std::int64_t> times;
};

// A digest of an event stream (every field, in order) and whether it came in time order: cheap enough for
// the demos' hundreds of thousands of requests. Attempts, one per try and the bulk of the events, are left
// out to keep the test short (the tests on kScenario and tst_cli_simulate compare them).
class DigestSink final : public EventSink {
public:
    void onEvent(const Event& e) override
    {
        inTimeOrder = inTimeOrder && e.time >= last;
        last = e.time;
        ++count;
        for (const std::uint64_t v : { std::uint64_t(e.time.time_since_epoch().count()), std::uint64_t(e.kind),
                 std::uint64_t(qHash(e.source)), e.requestId, std::uint64_t(e.attempt), std::uint64_t(e.outcome),
                 std::uint64_t(e.httpStatus), std::uint64_t(e.latency.count()), std::uint64_t(e.delay.count()),
                 std::uint64_t(e.total.count()), std::uint64_t(e.from), std::uint64_t(e.to), std::uint64_t(e.fallback),
                 std::uint64_t(qHash(e.text)) })
            digest = (digest ^ v) * 0x100000001b3ULL; // FNV-1a over the fields
    }
    EventKindSet interests() const override
    {
        return { EventKind::BreakerTransition, EventKind::BreakerRejected, EventKind::RetryScheduled,
            EventKind::RetryGaveUp, EventKind::RequestDone, EventKind::BulkheadRejected, EventKind::RateLimited,
            EventKind::FaultChanged, EventKind::HedgeLaunched, EventKind::HedgeCancelled };
    }
    std::uint64_t digest = 0xcbf29ce484222325ULL;
    std::uint64_t count = 0;
    TimePoint last {};
    bool inTimeOrder = true;
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
        QCOMPARE(Simulator::parallelGroups(s).size(), std::size_t(5));
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
        QCOMPARE(inc.lastReusedPipelines(), int(s.pipelines.size()));
        for (std::size_t g = 0; g < first.size(); ++g)
            QCOMPARE(inc.lastParts()[g].get(), first[g].get());

        // an edit to pipeline d (group 1) re-simulates that group only
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/pipelines/3/retry/max_attempts"), 5).empty());
        const RunResult edited = inc.run(s, o);
        QCOMPARE(edited, Simulator::run(s));
        QCOMPARE(inc.lastReused(), 4);
        QCOMPARE(inc.lastReusedPipelines(), int(s.pipelines.size()) - 2); // c and d share a breaker
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
        QCOMPARE(inc.lastReusedPipelines(), 0);
    }

    // A run drawn while it proceeds (SimulationOptions::checkpoint) gets the reused groups' series whole,
    // before anything is simulated, so their lines do not vanish while the edited group catches up.
    void incrementalCheckpointsReusedGroupsWhole()
    {
        Scenario s = load(kScenario);
        IncrementalSimulator inc;
        inc.run(s, withThreads(2));
        const std::vector<int> editedGroup = inc.lastParts()[1]->group.pipelines; // pipeline d's
        QVERIFY(std::find(editedGroup.begin(), editedGroup.end(), 3) != editedGroup.end());
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/pipelines/3/retry/max_attempts"), 5).empty());
        SimulationOptions o = withThreads(2);
        std::mutex lock;
        std::map<int, std::size_t> before; // pipeline -> buckets reported before the edited group's first
        bool editedSeen = false;
        o.checkpoint = [&](std::size_t complete, const std::vector<std::pair<int, const PipelineSeries*>>& recorded) {
            const std::lock_guard guard(lock);
            for (const auto& [pipeline, series] : recorded)
                editedSeen = editedSeen || std::find(editedGroup.begin(), editedGroup.end(), pipeline) != editedGroup.end();
            if (editedSeen)
                return;
            for (const auto& [pipeline, series] : recorded)
                before[pipeline] = std::min(complete, series->buckets.size());
        };
        const RunResult edited = inc.run(s, o);
        QCOMPARE(edited, Simulator::run(s));
        QCOMPARE(inc.lastReused(), 4);
        QVERIFY(editedSeen);
        QCOMPARE(before.size() + editedGroup.size(), edited.pipelines.size()); // every other pipeline
        for (const auto& [pipeline, buckets] : before)
            QCOMPARE(buckets, edited.pipelines[std::size_t(pipeline)].buckets.size()); // whole
    }

    // The request-id plan depends on the clients only: an edit elsewhere reuses it, an arrival edit draws a
    // new one, and a kept plan outlives the scenario copy it was drawn from.
    void incrementalReusesTheArrivalPlan()
    {
        IncrementalSimulator inc;
        const SimulationOptions o = withThreads(2);
        {
            const Scenario first = load(kScenario);
            inc.run(first, o);
        }
        const std::shared_ptr<const ArrivalPlan> plan = inc.keptPlan();
        QVERIFY(plan);
        QVERIFY(plan->produced());

        Scenario s = load(kScenario);
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/pipelines/3/retry/max_attempts"), 5).empty());
        QCOMPARE(inc.run(s, o), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 4);
        QCOMPARE(inc.keptPlan().get(), plan.get());
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/services/0/fault/error_rate"), 0.25).empty());
        QCOMPARE(inc.run(s, withThreads(1)), Simulator::run(s));
        QCOMPARE(inc.keptPlan().get(), plan.get());

        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/clients/6/arrival/rate"), 25).empty());
        QCOMPARE(inc.run(s, o), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 0);
        QVERIFY(inc.keptPlan().get() != plan.get());

        SimulationOptions reseeded = o;
        reseeded.seed = 7;
        const std::shared_ptr<const ArrivalPlan> before = inc.keptPlan();
        QCOMPARE(inc.run(s, reseeded), Simulator::run(s, reseeded));
        QVERIFY(inc.keptPlan().get() != before.get());

        inc.clear();
        QVERIFY(!inc.keptPlan());
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

        // and back: the first run's group of a and b, kept, serves again; the others were completed for the
        // shorter end since (a group is kept once, for the end it was last completed for) and are again
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/services/0/fault/capacity/max_concurrent"), 4).empty());
        QCOMPARE(inc.run(s, withThreads(2)), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 1);
        QVERIFY(!inc.lastRepeated());
        // with nothing kept from before the last run, the way back simulates every group again
        inc.setKeptBytes(0);
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/services/0/fault/capacity/max_concurrent"), 50).empty());
        QCOMPARE(inc.run(s, withThreads(2)), Simulator::run(s));
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/services/0/fault/capacity/max_concurrent"), 4).empty());
        QCOMPARE(inc.run(s, withThreads(2)), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 0);
        QCOMPARE(inc.run(s, withThreads(2)), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 5);
        QVERIFY(inc.lastRepeated());
    }

    // Groups of earlier runs are kept, least recently used out first, within the memory budget: undoing an
    // edit simulates nothing, and the result still equals a full run.
    void incrementalKeepsEarlierRunsWithinABudget()
    {
        Scenario s = load(kScenario);
        IncrementalSimulator inc;
        const SimulationOptions o = withThreads(2);
        const QString maxAttempts = QStringLiteral("/pipelines/3/retry/max_attempts");
        const auto runWith = [&](int attempts) {
            QVERIFY(scenariojson::setParameter(s, maxAttempts, attempts).empty());
            QCOMPARE(inc.run(s, o), Simulator::run(s));
        };
        runWith(3); // A
        const auto a = inc.lastParts()[1]; // pipeline d's group
        runWith(4); // B
        const auto b = inc.lastParts()[1];
        runWith(5); // C
        const auto c = inc.lastParts()[1];
        QCOMPARE(inc.keptGroups(), std::size_t(7)); // C's five, A's and B's variants of d's group

        runWith(3); // undo to A: nothing simulated, A's very part
        QCOMPARE(inc.lastReused(), 5);
        QCOMPARE(inc.lastParts()[1].get(), a.get());
        QVERIFY(!inc.lastRepeated()); // the run before was C's
        runWith(3);
        QVERIFY(inc.lastRepeated());

        // one byte too few for the two earlier variants of d's group: B's, used longest ago, goes
        QVERIFY(IncrementalSimulator::estimatedBytes(*a) > 1000);
        QVERIFY(inc.earlierBytes() > IncrementalSimulator::estimatedBytes(*b) + IncrementalSimulator::estimatedBytes(*c));
        inc.setKeptBytes(inc.earlierBytes() - 1);
        QCOMPARE(inc.keptGroups(), std::size_t(6));
        QVERIFY(inc.earlierBytes() < inc.keptBytes());
        runWith(5); // C: kept
        QCOMPARE(inc.lastReused(), 5);
        runWith(4); // B: simulated again
        QCOMPARE(inc.lastReused(), 4);
        QVERIFY(inc.lastParts()[1].get() != b.get());

        inc.setKeptBytes(0); // the last run's groups only
        QCOMPARE(inc.keptGroups(), std::size_t(5));
        runWith(5);
        QCOMPARE(inc.lastReused(), 4);
    }

    // Kept groups keep their events: the sink sees Simulator::run's stream, reused groups' events included.
    void incrementalWithSinkReusesEvents()
    {
        Scenario s = load(kScenario);
        IncrementalSimulator inc;
        inc.run(s);
        // the summary and the events of a run with a sink, as text
        const auto withSink = [&](bool incremental) {
            Recorder sink(kRareKinds);
            SimulationOptions o = withThreads(2);
            o.sink = &sink;
            const RunResult r = incremental ? inc.run(s, o) : Simulator::run(s, o);
            return QStringList { QString::fromUtf8(bytes(r)) } + sink.lines;
        };

        QCOMPARE(withSink(true), withSink(false));
        QCOMPARE(inc.lastReused(), 0); // kept without events: not reusable for a sink
        const QStringList reused = withSink(true);
        QCOMPARE(inc.lastReused(), 5);
        QVERIFY(reused.size() > 1000);
        QCOMPARE(reused, withSink(false));

        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/pipelines/3/retry/max_attempts"), 5).empty());
        const QStringList edited = withSink(true);
        QCOMPARE(inc.lastReused(), 4);
        QVERIFY(edited != reused);
        QCOMPARE(edited, withSink(false));

        // and a run without a sink does not take them for its own: it finds the first run's groups (kept
        // without events) for the four groups the edit left alone, and simulates d's
        QCOMPARE(inc.run(s), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 4);
        for (const auto& part : inc.lastParts())
            QVERIFY(part->eventLog.empty());
    }

    // A cancelled run (an edit superseded by the next) keeps what the run before it kept.
    void incrementalCancelKeepsEarlierGroups()
    {
        const Scenario s = load(kScenario);
        IncrementalSimulator inc;
        inc.run(s, withThreads(2));
        std::atomic<bool> cancel { true };
        SimulationOptions o = withThreads(2);
        o.cancel = &cancel;
        Scenario edited = s;
        QVERIFY(scenariojson::setParameter(edited, QStringLiteral("/pipelines/0/retry/max_attempts"), 2).empty());
        QVERIFY(inc.run(edited, o).cancelled);
        QCOMPARE(inc.run(s, withThreads(2)), Simulator::run(s));
        QCOMPARE(inc.lastReused(), 5);
    }

    // Several groups with a sink: the single-queue run's events, reordered only among events at one
    // instant (group order), and each group's own events in the order the single queue made them.
    void groupedEventsAreTheSingleQueuesReordered()
    {
        const Scenario s = load(kScenario);
        Recorder grouped(kRareKinds);
        SimulationOptions o;
        o.sink = &grouped;
        const RunResult r = Simulator::run(s, o);

        Recorder single(kRareKinds);
        SimulationOptions direct;
        direct.sink = &single;
        GroupRunner runner(s, direct, 1);
        runner.simulate({ wholeScenario(s) });
        RunResult whole = mergeGroups(s, direct, runner.finish(runner.end()));
        QCOMPARE(r, whole);

        QVERIFY(grouped.lines != single.lines); // constant clients of different groups tie at one instant
        QCOMPARE(grouped.times, single.times);
        QStringList a = grouped.lines;
        QStringList b = single.lines;
        a.sort();
        b.sort();
        QCOMPARE(a, b);
        // within a group (pipeline a and b share s0: group 0) the order is the single queue's
        const auto ofGroup0 = [](const Recorder& rec) {
            QStringList picked;
            for (const QString& line : rec.lines)
                if (line.endsWith(QLatin1String(" g0")))
                    picked << line;
            return picked;
        };
        QVERIFY(ofGroup0(grouped).size() > 100);
        QCOMPARE(ofGroup0(grouped), ofGroup0(single));
    }

    // Events and summaries are the same on 1, 2 and 4 threads, for every demo (their pipelines form
    // several groups in most of them), cut to its first 40 s so the test stays short under ASan.
    // A sink of per-call kinds (a recording) gets the one queue's stream as it happens, on any number of
    // threads and through IncrementalSimulator alike: no run holds millions of events.
    void perCallSinkStreamsFromOneQueue()
    {
        const Scenario s = load(kScenario);
        // the one queue's stream: the whole scenario as one group, events handed over as they happen
        Recorder single;
        SimulationOptions direct;
        direct.sink = &single;
        GroupRunner runner(s, direct, 1);
        runner.simulate({ wholeScenario(s) });
        const RunResult whole = mergeGroups(s, direct, runner.finish(runner.end()));
        QVERIFY(single.lines.size() > 1000);
        QVERIFY(Simulator::streamsEvents(direct));
        QVERIFY(!Simulator::streamsEvents(SimulationOptions {}));

        for (const bool incremental : { false, true }) {
            for (const int threads : { 1, 2 }) {
                Recorder sink;
                SimulationOptions o = withThreads(threads);
                o.sink = &sink;
                IncrementalSimulator inc;
                const RunResult r = incremental ? inc.run(s, o) : Simulator::run(s, o);
                QCOMPARE(r, whole);
                // kScenario's constant clients tie across groups: a grouped stream would differ here
                QCOMPARE(sink.lines, single.lines);
                if (incremental)
                    QCOMPARE(inc.lastReused(), 0);
            }
        }
    }

    void demosEventsIdenticalAcrossThreads_data()
    {
        demosParallelEqualSequential_data();
    }
    void demosEventsIdenticalAcrossThreads()
    {
        QFETCH(QString, demo);
        const ScenarioLoad l = demos::load(demo);
        QVERIFY(l.ok());
        Scenario scenario = *l.scenario;
        scenario.duration = std::min<Duration>(scenario.duration, std::chrono::seconds(40));
        DigestSink reference;
        QByteArray referenceSummary;
        for (const int threads : { 1, 2, 4 }) {
            DigestSink sink;
            SimulationOptions o = withThreads(threads);
            o.sink = &sink;
            const QByteArray summary = bytes(Simulator::run(scenario, o));
            QVERIFY(sink.count > 0);
            QVERIFY(sink.inTimeOrder);
            if (threads == 1) {
                reference = sink;
                referenceSummary = summary;
            } else {
                QCOMPARE(sink.count, reference.count);
                QCOMPARE(sink.digest, reference.digest);
                QCOMPARE(summary, referenceSummary);
            }
        }
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
