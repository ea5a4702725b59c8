// RunMetrics: the figures the Summary, the A/B table and the run summary JSON derive from a run.
#include "core/run/runmetrics.h"

#include <QtTest>

using namespace rwb;
using namespace std::chrono_literals;

namespace {

/// A 10 s run of one pipeline "p" (circuit "c") against one service "s" that fails in seconds 3..5.
/// The breaker is open from second 4 to 6; from second 7 on every request succeeds again.
RunResult outageRun()
{
    RunResult r;
    r.duration = 10s;
    r.simulatedUntil = 10s;
    PipelineSeries p;
    p.name = QStringLiteral("p");
    p.service = QStringLiteral("s");
    p.breaker = QStringLiteral("c");
    ServiceSeries s;
    s.name = QStringLiteral("s");
    for (int i = 0; i < 10; ++i) {
        const bool failing = i >= 3 && i <= 5;
        PipelineBucket b;
        b.requests = 10;
        b.succeeded = failing ? 2 : (i == 6 ? 9 : 10);
        b.failed = 10 - b.succeeded;
        b.breakerState = i >= 4 && i <= 6 ? BreakerState::Open : BreakerState::Closed;
        p.buckets.push_back(b);
        ServiceBucket sb;
        sb.arrivals = 10;
        sb.errors = failing ? 8 : 0;
        sb.ok = sb.arrivals - sb.errors;
        sb.maxConcurrency = failing ? 7 : 2;
        s.buckets.push_back(sb);
        p.summary.requests += b.requests;
        p.summary.succeeded += b.succeeded;
        p.summary.failed += b.failed;
        s.arrivals += sb.arrivals;
        s.maxConcurrency = std::max(s.maxConcurrency, sb.maxConcurrency);
    }
    r.pipelines.push_back(p);
    r.services.push_back(s);
    return r;
}

Event makeEvent(EventKind kind, Duration at, const QString& source)
{
    Event e;
    e.kind = kind;
    e.time = TimePoint(at);
    e.source = source;
    return e;
}

} // namespace

class TestRunMetrics : public QObject {
    Q_OBJECT
private slots:
    void bucketsGiveWholeSeconds()
    {
        const RunMetrics m = RunMetrics::from(outageRun());
        QCOMPARE(m.total.requests, std::uint64_t(100));
        QCOMPARE(m.serviceLoad, std::optional<std::uint64_t>(100));
        QCOMPARE(m.peakConcurrency, std::optional<std::uint32_t>(7));
        QCOMPARE(m.faultStart, std::optional<Duration>(3s));
        QCOMPARE(m.faultEnd, std::optional<Duration>(6s));
        QCOMPARE(m.timeToDetect, std::optional<Duration>(1s)); // open in second 4
        QCOMPARE(m.timeToRecover, std::optional<Duration>(1s)); // second 6 serves 90 %, second 7 100 %
    }

    void eventsMakeDetectionExact()
    {
        const std::vector<Event> events {
            makeEvent(EventKind::FaultChanged, 3250ms, QStringLiteral("s")),
            [] {
                Event e = makeEvent(EventKind::BreakerTransition, 4100ms, QStringLiteral("c"));
                e.from = BreakerState::Closed;
                e.to = BreakerState::Open;
                return e;
            }(),
        };
        const RunMetrics m = RunMetrics::from(outageRun(), &events);
        QCOMPARE(m.faultStart, std::optional<Duration>(3250ms));
        QCOMPARE(m.timeToDetect, std::optional<Duration>(850ms));
    }

    void aSelectionCountsOnlyItsPipelinesAndCircuits()
    {
        RunResult r = outageRun();
        PipelineSeries healthy;
        healthy.name = QStringLiteral("q");
        healthy.service = QStringLiteral("t");
        healthy.summary.requests = 5;
        healthy.summary.succeeded = 5;
        healthy.buckets.resize(10);
        for (auto& b : healthy.buckets)
            b.breakerState = BreakerState::Closed;
        r.pipelines.push_back(healthy);
        ServiceSeries t;
        t.name = QStringLiteral("t");
        t.arrivals = 5;
        t.maxConcurrency = 1;
        t.buckets.resize(10);
        r.services.push_back(t);

        RunMetrics::Selection justQ;
        justQ.pipelines = { QStringLiteral("q") };
        const RunMetrics q = RunMetrics::from(r, nullptr, justQ);
        QCOMPARE(q.total.requests, std::uint64_t(5));
        QCOMPARE(q.serviceLoad, std::optional<std::uint64_t>(5));
        QCOMPARE(q.peakConcurrency, std::optional<std::uint32_t>(1));
        QVERIFY(!q.faultStart); // its own service never failed
        QVERIFY(!q.timeToDetect);

        const RunMetrics all = RunMetrics::from(r);
        QCOMPARE(all.total.requests, std::uint64_t(105));
        QCOMPARE(all.serviceLoad, std::optional<std::uint64_t>(105));
    }

    void withoutServiceDataFailingSecondsComeFromThePipelines()
    {
        // A run rebuilt from a log has no service series: a second fails when under half of its
        // finished requests were answered.
        RunResult r = outageRun();
        r.services.clear();
        const RunMetrics m = RunMetrics::from(r);
        QVERIFY(!m.serviceLoad);
        QVERIFY(!m.peakConcurrency);
        QCOMPARE(m.faultStart, std::optional<Duration>(3s));
        QCOMPARE(m.faultEnd, std::optional<Duration>(6s));
    }

    void keyEventSinkKeepsOnlyWhatTheFiguresRead()
    {
        KeyEventSink sink;
        QVERIFY(sink.interests().contains(EventKind::BreakerTransition));
        QVERIFY(sink.interests().contains(EventKind::FaultChanged));
        QVERIFY(!sink.interests().contains(EventKind::Attempt));
        sink.onEvent(makeEvent(EventKind::Attempt, 1s, QStringLiteral("p"))); // a fan-out hands it anything
        sink.onEvent(makeEvent(EventKind::FaultChanged, 2s, QStringLiteral("s")));
        QCOMPARE(sink.events().size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestRunMetrics)
#include "tst_runmetrics.moc"
