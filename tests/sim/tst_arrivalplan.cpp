// The arrival plan of a split run (ArrivalPlan): its times and request ids are those the single-queue run
// gives each call, whatever the number of threads that draw it, and readers may take ids while it numbers.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/sim/groupsimulation.h"
#include "core/sim/simulator.h"
#include "tst_scenariofixture.h"

#include <QTest>

#include <map>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

using namespace rwb;

namespace {

// One pipeline per client (but p7, called by two), reliable fast services: every call ends, so every call
// of the single-queue run shows up as one RequestDone. Constant clients at one rate tie at the same instants
// (c0, c1 and, from its start, c6), bursts with and without Poisson background, windows (start, end), a client
// with no arrivals, and `count` > 1.
const char* const kMix = R"({
  "schema_version": 1, "name": "mix", "seed": 5, "duration": 40, "drain_limit": 10,
  "services": [{"name": "s", "fault": {"error_rate": 0, "latency": {"distribution": "uniform", "min": 0.001, "max": 0.02}}}],
  "pipelines": [
    {"name": "p0", "service": "s"}, {"name": "p1", "service": "s"}, {"name": "p2", "service": "s"},
    {"name": "p3", "service": "s"}, {"name": "p4", "service": "s"}, {"name": "p5", "service": "s"},
    {"name": "p6", "service": "s"}, {"name": "p7", "service": "s"}
  ],
  "clients": [
    {"name": "c0", "pipeline": "p0", "arrival": {"process": "constant", "rate": 50}},
    {"name": "c1", "pipeline": "p1", "arrival": {"process": "constant", "rate": 25}, "count": 2},
    {"name": "c2", "pipeline": "p2", "arrival": {"process": "poisson", "rate": 40, "start": 5, "end": 30}},
    {"name": "c3", "pipeline": "p3", "count": 2, "arrival": {"process": "bursts", "rate": 0, "burst_size": 20, "burst_interval": 7}},
    {"name": "c4", "pipeline": "p4", "arrival": {"process": "bursts", "rate": 15, "burst_size": 5, "burst_interval": 3, "start": 2}},
    {"name": "c5", "pipeline": "p5", "arrival": {"process": "poisson", "rate": 10, "start": 40}},
    {"name": "c6", "pipeline": "p6", "arrival": {"process": "constant", "rate": 50, "start": 10, "end": 10.5}},
    {"name": "c7", "pipeline": "p7", "arrival": {"process": "poisson", "rate": 30}},
    {"name": "c8", "pipeline": "p7", "arrival": {"process": "constant", "rate": 10, "start": 0.05}}
  ]
})";

Scenario load(const QByteArray& json)
{
    return testing::loadScenario(json);
}

using Call = std::pair<std::int64_t, std::uint64_t>; // start (ns), request id

// Every call the plan gives each pipeline's clients: singles and each call of every burst.
std::map<QString, std::set<Call>> plannedCalls(const Scenario& s, const ArrivalPlan& plan)
{
    std::map<QString, std::set<Call>> calls;
    for (std::size_t c = 0; c < s.clients.size(); ++c) {
        const ClientSpec& spec = s.clients[c];
        std::set<Call>& mine = calls[spec.pipeline];
        for (std::size_t k = 0; k < plan.arrivals(c); ++k)
            mine.insert({ plan.arrivalTime(c, k), plan.arrivalId(c, k) });
        const std::uint64_t perBurst = std::uint64_t(spec.arrival.burstSize) * std::uint64_t(spec.count);
        for (std::size_t k = 0; k < plan.bursts(c); ++k) {
            const std::int64_t at = (spec.arrival.start + spec.arrival.burstInterval * std::int64_t(k)).count();
            for (std::uint64_t i = 0; i < perBurst; ++i)
                mine.insert({ at, plan.burstId(c, k) + i });
        }
    }
    return calls;
}

// The calls of the single-queue run, from its RequestDone events: when each started, and its request id.
class StartedCalls final : public EventSink {
public:
    void onEvent(const Event& e) override
    {
        calls[e.source].insert({ (e.time - e.total).time_since_epoch().count(), e.requestId });
    }
    EventKindSet interests() const override { return { EventKind::RequestDone }; }
    std::map<QString, std::set<Call>> calls;
};

// Everything a plan answers, as one comparable value.
struct PlanDump {
    std::vector<std::vector<std::int64_t>> times;
    std::vector<std::vector<std::uint64_t>> ids;
    std::vector<std::vector<std::uint64_t>> burstIds;
    bool operator==(const PlanDump&) const = default;
};

PlanDump dump(const Scenario& s, const ArrivalPlan& plan)
{
    PlanDump d;
    for (std::size_t c = 0; c < s.clients.size(); ++c) {
        d.times.emplace_back();
        d.ids.emplace_back();
        d.burstIds.emplace_back();
        for (std::size_t k = 0; k < plan.arrivals(c); ++k) {
            d.times.back().push_back(plan.arrivalTime(c, k));
            d.ids.back().push_back(plan.arrivalId(c, k));
        }
        for (std::size_t k = 0; k < plan.bursts(c); ++k)
            d.burstIds.back().push_back(plan.burstId(c, k));
    }
    return d;
}

PlanDump planOn(const Scenario& s, int threads)
{
    ArrivalPlan plan(s, s.seed);
    plan.drawTimes(threads);
    plan.number();
    return dump(s, plan);
}

} // namespace

class TestArrivalPlan : public QObject {
    Q_OBJECT

private slots:
    // The plan names every call of the single-queue run: its start time and request id, client by client.
    void plansTheSingleQueueRunsCalls()
    {
        const Scenario s = load(kMix);
        ArrivalPlan plan(s, s.seed);
        plan.drawTimes(2);
        plan.number();
        QVERIFY(plan.produced());

        StartedCalls run;
        SimulationOptions o;
        o.sink = &run; // a per-call kind: one event queue, no plan
        const RunResult r = Simulator::run(s, o);
        QCOMPARE(r.total().unfinished, std::uint64_t(0));

        const auto planned = plannedCalls(s, plan);
        std::size_t calls = 0;
        for (const PipelineSpec& p : s.pipelines) {
            const QString name = p.config.name;
            QCOMPARE(planned.at(name).size(), run.calls[name].size());
            QVERIFY2(planned.at(name) == run.calls[name], qPrintable(name));
            calls += run.calls[name].size();
        }
        QCOMPARE(calls, std::size_t(r.total().requests));
        // what the mix is there for
        QCOMPARE(plan.arrivals(5), std::size_t(0));
        QCOMPARE(plan.bursts(3), std::size_t(6)); // at 0, 7, ..., 35
        QVERIFY(plan.burstId(3, 1) >= plan.burstId(3, 0) + 40); // a burst's 2 x 20 calls are numbered in a row
        QCOMPARE(plan.arrivalTime(6, 0), std::int64_t(10'000'000'000));
        QCOMPARE(plan.arrivalTime(0, 0), plan.arrivalTime(1, 0)); // ties at one instant
        QCOMPARE(plan.arrivalTime(0, plan.arrivals(0)), INT64_MAX);
    }

    void sameOnAnyNumberOfThreads_data()
    {
        QTest::addColumn<QString>("demo");
        QTest::newRow("mix") << QString();
        for (const auto& d : demos::list())
            QTest::newRow(qPrintable(d.name)) << d.name;
    }
    // Clients drawn in parallel give the plan drawn on one thread, on every demo and on the mix.
    void sameOnAnyNumberOfThreads()
    {
        QFETCH(QString, demo);
        Scenario s;
        if (demo.isEmpty()) {
            s = load(kMix);
        } else {
            const ScenarioLoad l = demos::load(demo);
            QVERIFY(l.ok());
            s = *l.scenario;
            s.duration = std::min<Duration>(s.duration, std::chrono::seconds(120));
        }
        const PlanDump one = planOn(s, 1);
        for (const int threads : { 2, 3, 8 })
            QVERIFY2(planOn(s, threads) == one, qPrintable(QStringLiteral("threads %1").arg(threads)));
    }

    // Closed-loop users start calls when earlier ones end: they are not planned, and a scenario with them is
    // simulated as one group (no plan).
    void closedLoopClientsAreNotPlanned()
    {
        Scenario s = load(kMix);
        s.clients[2].arrival.kind = ArrivalProcess::Kind::Closed;
        s.clients[2].arrival.requestsPerUser = 3;
        ArrivalPlan plan(s, s.seed);
        plan.produce(2);
        QCOMPARE(plan.arrivals(2), std::size_t(0));
        QCOMPARE(plan.bursts(2), std::size_t(0));
        QCOMPARE(plan.arrivalTime(2, 0), INT64_MAX);
        QVERIFY(plan.arrivals(0) > 0);
        QCOMPARE(Simulator::parallelGroups(s).size(), std::size_t(1));
    }

    // Readers take ids while number() publishes them on another thread (run under ThreadSanitizer too).
    void idsReadWhileNumbering()
    {
        const Scenario s = load(kMix);
        const PlanDump reference = planOn(s, 1);
        for (int round = 0; round < 20; ++round) {
            ArrivalPlan plan(s, s.seed);
            plan.drawTimes(2);
            std::thread numbering([&] { plan.number(); });
            PlanDump read;
            try {
                read = dump(s, plan); // waits for ids not yet published
            } catch (...) {
                numbering.join();
                throw;
            }
            numbering.join();
            QVERIFY(read == reference);
        }
    }

    // An id the plan does not have is an error, not a wait for ever.
    void idsBeyondThePlanThrow()
    {
        const Scenario s = load(kMix);
        ArrivalPlan plan(s, s.seed);
        plan.produce();
        QVERIFY_THROWS_EXCEPTION(std::logic_error, plan.arrivalId(0, plan.arrivals(0)));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, plan.burstId(3, plan.bursts(3)));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, plan.arrivalId(5, 0));
    }
};

QTEST_GUILESS_MAIN(TestArrivalPlan)
#include "tst_arrivalplan.moc"
