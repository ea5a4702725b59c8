// Hedging in the simulator: hedged requests are real load on the service (they queue for its workers
// like any request), a cancelled request is dropped or keeps its worker according to the service's
// drop_abandoned option, and the run counts hedges apart from attempts.
#include "core/events/eventsink.h"
#include "core/sim/simulator.h"

#include <QTest>

#include <cmath>

using namespace rwb;

namespace {

// One client sending a request every second for 10 s through pipeline "p" to service "svc", whose
// single worker takes `latency` per request; requests beyond the worker wait in its queue.
Scenario oneWorker(Duration latency, bool dropAbandoned)
{
    Scenario s;
    s.name = QStringLiteral("hedging");
    s.seed = 7;
    s.duration = 10s;
    s.drainLimit = 10s;
    FaultProfile f = FaultProfile::healthy(latency);
    f.capacity.maxConcurrent = 1;
    f.capacity.queueSize = 10;
    f.capacity.dropAbandoned = dropAbandoned;
    ServiceSpec svc;
    svc.name = QStringLiteral("svc");
    svc.faults = FaultSchedule(f);
    s.services.push_back(svc);
    PipelineSpec p;
    p.config.name = QStringLiteral("p");
    p.config.retryEnabled = false;
    p.config.hedgingEnabled = true;
    p.config.hedging.maxHedgedAttempts = 1;
    p.config.hedging.delay = 50ms;
    p.service = QStringLiteral("svc");
    s.pipelines.push_back(p);
    ClientSpec c;
    c.name = QStringLiteral("c");
    c.pipeline = QStringLiteral("p");
    c.arrival.kind = ArrivalProcess::Kind::Constant;
    c.arrival.rate = 1;
    s.clients.push_back(c);
    return s;
}

std::uint64_t served(const ServiceSeries& s)
{
    std::uint64_t ok = 0;
    for (const auto& b : s.buckets)
        ok += b.ok;
    return ok;
}

int count(const std::vector<Event>& events, EventKind kind)
{
    return int(std::count_if(events.begin(), events.end(), [kind](const Event& e) { return e.kind == kind; }));
}

} // namespace

class TestHedgingSim : public QObject {
    Q_OBJECT
private slots:
    void cancelledHedgeKeepsItsPlaceWhenTheServiceDoesNotDrop()
    {
        // The primary holds the only worker 0-200 ms; the hedge sent at 50 ms waits behind it, loses at
        // 200 ms, and is still served afterwards: twice the work for the same answers.
        CollectingSink sink;
        SimulationOptions o;
        o.sink = &sink;
        const RunResult r = Simulator::run(oneWorker(200ms, false), o);
        const auto& p = r.pipeline(QStringLiteral("p"))->summary;
        QCOMPARE(p.requests, std::uint64_t(10));
        QCOMPARE(p.succeeded, std::uint64_t(10));
        QCOMPARE(p.attempts, std::uint64_t(10));
        QCOMPARE(p.hedges, std::uint64_t(10));
        QCOMPARE(p.latencyP99Ms, 200.0);
        const ServiceSeries& svc = *r.service(QStringLiteral("svc"));
        QCOMPARE(svc.arrivals, std::uint64_t(20));
        QCOMPARE(served(svc), std::uint64_t(20));
        const auto events = sink.take();
        QCOMPARE(count(events, EventKind::HedgeLaunched), 10);
        QCOMPARE(count(events, EventKind::HedgeCancelled), 10);
        QCOMPARE(count(events, EventKind::Attempt), 10);
        for (const Event& e : events)
            if (e.kind == EventKind::HedgeCancelled)
                QCOMPARE(e.text, QStringLiteral("1")); // the waiting hedge loses, the primary wins
    }

    void cancelledHedgeIsDroppedWhenTheServiceDrops()
    {
        const RunResult r = Simulator::run(oneWorker(200ms, true));
        QCOMPARE(r.pipeline(QStringLiteral("p"))->summary.hedges, std::uint64_t(10));
        const ServiceSeries& svc = *r.service(QStringLiteral("svc"));
        QCOMPARE(svc.arrivals, std::uint64_t(20)); // the hedges arrived ...
        QCOMPARE(served(svc), std::uint64_t(10)); // ... and left the queue when cancelled
    }

    void losingHedgeInServiceIsCutWhenTheServiceDrops()
    {
        // Two workers: primary and hedge (sent after 50 ms) both take 200 ms and run at once, so the
        // primary wins at 200 ms and the hedge's worker stops.
        Scenario s = oneWorker(200ms, true);
        FaultProfile f = s.services[0].faults.base();
        f.capacity.maxConcurrent = 2;
        s.services[0].faults = FaultSchedule(f);
        const RunResult r = Simulator::run(s);
        QCOMPARE(r.pipeline(QStringLiteral("p"))->summary.latencyP99Ms, 200.0);
        QCOMPARE(served(*r.service(QStringLiteral("svc"))), std::uint64_t(10)); // hedges dropped in service
    }

    void parallelModeSendsEveryRequestAtOnce()
    {
        Scenario s = oneWorker(20ms, false);
        FaultProfile f = s.services[0].faults.base();
        f.capacity.maxConcurrent = 0; // unlimited workers
        s.services[0].faults = FaultSchedule(f);
        s.pipelines[0].config.hedging.maxHedgedAttempts = 2;
        s.pipelines[0].config.hedging.delay = Duration::zero();
        const RunResult r = Simulator::run(s);
        const auto& p = r.pipeline(QStringLiteral("p"))->summary;
        QCOMPARE(p.hedges, std::uint64_t(20));
        QCOMPARE(p.succeeded, std::uint64_t(10));
        QCOMPARE(r.service(QStringLiteral("svc"))->arrivals, std::uint64_t(30));
        QVERIFY(std::abs(p.latencyP99Ms - 20.0) < 0.1); // the latency histogram's resolution
    }

    void deadlineCancelsEveryRequestOfTheTry()
    {
        Scenario s = oneWorker(500ms, true);
        FaultProfile f = s.services[0].faults.base();
        f.capacity.maxConcurrent = 0;
        s.services[0].faults = FaultSchedule(f);
        s.pipelines[0].config.timeoutEnabled = true;
        s.pipelines[0].config.timeout.attemptTimeout = 300ms;
        CollectingSink sink;
        SimulationOptions o;
        o.sink = &sink;
        const RunResult r = Simulator::run(s, o);
        const auto& p = r.pipeline(QStringLiteral("p"))->summary;
        QCOMPARE(p.failed, std::uint64_t(10));
        QCOMPARE(p.timeouts, std::uint64_t(10));
        QCOMPARE(p.hedges, std::uint64_t(10));
        QCOMPARE(p.latencyP99Ms, 300.0);
        QCOMPARE(served(*r.service(QStringLiteral("svc"))), std::uint64_t(0)); // both dropped at the deadline
        QCOMPARE(count(sink.take(), EventKind::HedgeCancelled), 20);
    }
};

QTEST_GUILESS_MAIN(TestHedgingSim)
#include "tst_hedging_sim.moc"
