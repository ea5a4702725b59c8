// Chart contents for known data: breaker bands and markers, retry points per group and backoff
// lines, bucket charts from a RunResult and from the same run's events, throttled refresh,
// time-axis sync, legend toggles.

#include "tst_chartfixture.h"

#include "ui/charts/breakerstatechart.h"
#include "ui/charts/bucketchart.h"
#include "core/run/eventbucketer.h"
#include "ui/charts/retrydelaychart.h"
#include "ui/common/timeaxis.h"

#include <QCategoryAxis>
#include <QElapsedTimer>
#include <QLegendMarker>
#include <QXYSeries>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

using namespace rwb;

namespace {
Event transition(double seconds, const QString& circuit, BreakerState from, BreakerState to, const QString& reason = {})
{
    Event e;
    e.kind = EventKind::BreakerTransition;
    e.time = TimePoint(fromSeconds(seconds));
    e.source = circuit;
    e.from = from;
    e.to = to;
    e.text = reason;
    return e;
}

Event retry(double seconds, int attempt, Duration delay)
{
    Event e;
    e.kind = EventKind::RetryScheduled;
    e.time = TimePoint(fromSeconds(seconds));
    e.source = QStringLiteral("payments");
    e.attempt = attempt;
    e.delay = delay;
    e.requestId = 7;
    return e;
}
} // namespace

class TestCharts : public QObject {
    Q_OBJECT
private slots:
    void emptyBreakerChartSaysWhy()
    {
        BreakerStateChart chart;
        chart.resize(600, 200);
        Event tail;
        tail.time = TimePoint(30s);
        tail.source = QStringLiteral("a");
        chart.appendEvents({tail}); // time passes, no circuit changes state
        chart.flushRefresh();
        QCOMPARE(chart.emptyNote(), QStringLiteral("No circuit breaker has changed state"));
        chart.appendEvents({transition(10, QStringLiteral("a"), BreakerState::Closed, BreakerState::Open)});
        chart.flushRefresh();
        QCOMPARE(chart.emptyNote(), QString());
        chart.clear();
        chart.flushRefresh();
        QVERIFY(!chart.emptyNote().isEmpty());
    }

    void breakerSegments()
    {
        BreakerStateChart chart;
        const std::vector<Event> events {transition(10, QStringLiteral("a"), BreakerState::Closed, BreakerState::Open, QStringLiteral("5 failures")),
            transition(15, QStringLiteral("a"), BreakerState::Open, BreakerState::HalfOpen),
            transition(16, QStringLiteral("b"), BreakerState::Closed, BreakerState::Open),
            transition(17, QStringLiteral("a"), BreakerState::HalfOpen, BreakerState::Closed)};
        Event tail;
        tail.time = TimePoint(30s);
        tail.source = QStringLiteral("a");
        // batching must not matter
        chart.appendEvents({events[0], events[1]});
        chart.appendEvents({events[2], events[3], tail});
        QCOMPARE(chart.circuits(), QStringList({QStringLiteral("a"), QStringLiteral("b")}));
        const std::vector<BreakerSegment> a {{0, 10, BreakerState::Closed}, {10, 15, BreakerState::Open},
            {15, 17, BreakerState::HalfOpen}, {17, 30, BreakerState::Closed}};
        QCOMPARE(chart.segments(QStringLiteral("a")), a);
        const std::vector<BreakerSegment> b {{0, 16, BreakerState::Closed}, {16, 30, BreakerState::Open}};
        QCOMPARE(chart.segments(QStringLiteral("b")), b);
        QCOMPARE(chart.transitions(QStringLiteral("a")).front().reason, QStringLiteral("5 failures"));

        chart.resize(800, 300);
        chart.flushRefresh();
        // one marker per transition, bands drawn as areas
        int markers = 0;
        for (QAbstractSeries* s : chart.chart()->series())
            if (s->name() == QLatin1String("transition"))
                markers = static_cast<QXYSeries*>(s)->count();
        QCOMPARE(markers, 4);
    }

    void hoverShowsTransitionTooltip()
    {
        BreakerStateChart chart;
        chart.appendEvents({transition(10, QStringLiteral("a"), BreakerState::Closed, BreakerState::Open, QStringLiteral("5 consecutive failures")),
            transition(20, QStringLiteral("a"), BreakerState::Open, BreakerState::HalfOpen)});
        chart.resize(800, 240);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.flushRefresh();
        QXYSeries* markers = nullptr;
        for (QAbstractSeries* s : chart.chart()->series())
            if (s->name() == QLatin1String("transition"))
                markers = static_cast<QXYSeries*>(s);
        QVERIFY(markers);
        emit markers->hovered(QPointF(10.2, 0.5), true);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY(QToolTip::text().contains(QStringLiteral("0:10.000")));
        QVERIFY(QToolTip::text().contains(QStringLiteral("CLOSED &rarr; <b>OPEN</b>")));
        QVERIFY(QToolTip::text().contains(QStringLiteral("5 consecutive failures")));
        emit markers->hovered(QPointF(10.2, 0.5), false);
        QTRY_VERIFY(!QToolTip::isVisible());
    }

    void breakerMemoryIsBounded()
    {
        BreakerStateChart chart;
        chart.setMaxTransitionsPerCircuit(100);
        std::vector<Event> flapping;
        for (int i = 0; i < 1000; ++i)
            flapping.push_back(transition(i, QStringLiteral("x"), i % 2 ? BreakerState::Open : BreakerState::Closed,
                i % 2 ? BreakerState::Closed : BreakerState::Open));
        chart.appendEvents(flapping);
        QCOMPARE(chart.transitions(QStringLiteral("x")).size(), std::size_t(100));
        QCOMPARE(chart.segments(QStringLiteral("x")).front().start, 900.0);
    }

    void retryGroupsAndBackoffLines()
    {
        RetryDelayChart chart;
        BackoffConfig b;
        b.baseDelay = 100ms;
        b.maxDelay = 1s;
        b.jitter = Jitter::Full;
        chart.setBackoff(b, 4);
        chart.appendEvents({retry(1, 1, 50ms), retry(2, 1, 80ms), retry(3, 2, 150ms), retry(4, 3, 390ms), retry(5, 7, 900ms)});
        chart.resize(800, 300);
        chart.flushRefresh();
        QCOMPARE(chart.retryCount(), std::size_t(5));
        QCOMPARE(chart.drawnPoints(0), 2);
        QCOMPARE(chart.drawnPoints(1), 1);
        QCOMPARE(chart.drawnPoints(2), 1);
        QCOMPARE(chart.drawnPoints(3), 0);
        QCOMPARE(chart.drawnPoints(4), 1);
        // lines are the engine's un-jittered delays: 100, 200, 400, 800 ms; cap 1 s
        const Backoff engine(b);
        for (int g = 0; g < 4; ++g)
            QCOMPARE(chart.curveMs(g), toMs(engine.baseDelay(g + 1)));
        QCOMPARE(chart.curveMs(4), -1.0);
        QCOMPARE(chart.capMs(), 1000.0);
    }

    void hedgesHaveTheirOwnSeries()
    {
        RetryDelayChart chart;
        Event hedge = retry(2, 1, 120ms);
        hedge.kind = EventKind::HedgeLaunched;
        hedge.text = QStringLiteral("1");
        chart.appendEvents({retry(1, 1, 50ms), hedge});
        chart.resize(800, 300);
        chart.flushRefresh();
        QCOMPARE(chart.drawnHedges(), 1);
        QCOMPARE(chart.drawnPoints(0), 1); // the hedge is not drawn as a first retry
    }

    void bucketsFromResultAndEventsAgree()
    {
        // the same run, once as the simulator's buckets and once rebuilt from its events
        const testing::DemoRun run = testing::runDemo(60);
        EventBucketer fromEvents;
        fromEvents.add(run.events);
        for (const PipelineSeries& p : run.result.pipelines) {
            const auto rebuilt = fromEvents.buckets(p.name);
            // the simulator keeps (empty) buckets until the drain ends; events stop with the last one
            QVERIFY(rebuilt.size() <= p.buckets.size());
            QVERIFY(rebuilt.size() >= 59);
            for (std::size_t i = 0; i < rebuilt.size(); ++i) {
                const PipelineBucket& want = p.buckets[i];
                const PipelineBucket& got = rebuilt[i];
                const QByteArray where = p.name.toUtf8() + " second " + QByteArray::number(qulonglong(i));
                QVERIFY2(got.requests == want.requests, where.constData());
                QVERIFY2(got.attempts == want.attempts, where.constData());
                QVERIFY2(got.retries == want.retries, where.constData());
                QVERIFY2(got.succeeded == want.succeeded, where.constData());
                QVERIFY2(got.failed == want.failed, where.constData());
                QVERIFY2(got.rejected == want.rejected, where.constData());
                QVERIFY2(got.fallbacks == want.fallbacks, where.constData());
                QVERIFY2(got.timeouts == want.timeouts, where.constData());
                QVERIFY2(got.breakerRejections == want.breakerRejections, where.constData());
                QVERIFY2(got.latencyP50Ms == want.latencyP50Ms, where.constData());
                QVERIFY2(got.latencyP99Ms == want.latencyP99Ms, where.constData());
            }
        }

        TrafficChart simulated;
        simulated.setResult(run.result);
        TrafficChart replayed;
        replayed.appendEvents(run.events);
        QCOMPARE(simulated.metricCount(), 6);
        // identical figures wherever both have a bucket (the event feed lags by the unfinished second;
        // the simulated chart leaves out the drain after the scenario's duration)
        for (int m = 0; m < simulated.metricCount(); ++m) {
            const QList<QPointF> a = simulated.values(m);
            const QList<QPointF> b = replayed.values(m);
            QVERIFY(!b.isEmpty());
            QVERIFY(a.last().x() < toSeconds(run.result.duration));
            for (int i = 0; i < std::min(a.size(), b.size()); ++i)
                QCOMPARE(b[i], a[i]);
        }
    }

    void sharedCircuitStateReachesEveryPipelineItGuards()
    {
        // The built-in demo: checkout-shared and reports-shared name one circuit; while reports is down
        // the shared breaker opens for both. Rebuilt from events, every pipeline's buckets must carry
        // the state the simulator recorded, whether the mapping is given (live) or learned (a log).
        const testing::BuiltInRun run = testing::runBuiltIn(QStringLiteral("shared-circuit"));
        QVERIFY(!run.result.pipelines.empty());
        const RunResult& result = run.result;
        const std::vector<Event>& events = run.events;

        EventBucketer given;
        for (const PipelineSpec& p : run.scenario.pipelines)
            if (p.breaker)
                given.setCircuit(p.breaker->name.isEmpty() ? p.name() : p.breaker->name, p.name());
        given.add(events);
        EventBucketer learned;
        learned.add(events);

        int sharedPipelines = 0;
        for (const PipelineSeries& p : result.pipelines) {
            if (p.breaker.isEmpty())
                continue;
            QCOMPARE(given.circuitOf(p.name), p.breaker);
            QCOMPARE(given.summary(p.name).breakerTransitions, p.summary.breakerTransitions);
            const bool shared = std::count_if(result.pipelines.begin(), result.pipelines.end(),
                                    [&](const PipelineSeries& q) { return q.breaker == p.breaker; })
                > 1;
            sharedPipelines += shared ? 1 : 0;
            for (EventBucketer* bucketer : { &given, &learned }) {
                if (bucketer == &learned && p.summary.breakerRejections == 0)
                    continue; // nothing in the log ties this pipeline to its circuit
                QCOMPARE(bucketer->circuitOf(p.name), p.breaker);
                const auto rebuilt = bucketer->buckets(p.name);
                QVERIFY(rebuilt.size() >= 59);
                bool opened = false;
                for (std::size_t i = 0; i + 1 < rebuilt.size(); ++i) {
                    const QByteArray where = p.name.toUtf8() + " second " + QByteArray::number(qulonglong(i));
                    QVERIFY2(rebuilt[i].breakerState == p.buckets[i].breakerState, where.constData());
                    opened = opened || rebuilt[i].breakerState == BreakerState::Open;
                }
                QCOMPARE(opened, p.summary.breakerTransitions > 0);
            }
        }
        QCOMPARE(sharedPipelines, 2);
    }

    void retryCloudGrowsInBoundedSteps()
    {
        // thousands of distinct retries: Qt would create thousands of marker items in one refresh
        RetryDelayChart chart;
        chart.resize(1400, 500);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        std::vector<Event> events;
        for (int i = 0; i < 40000; ++i) {
            Event e;
            e.kind = EventKind::RetryScheduled;
            e.source = QStringLiteral("p");
            e.time = TimePoint(std::chrono::milliseconds(i * 9));
            e.attempt = 1 + i % 5;
            e.delay = std::chrono::milliseconds(1 + (i * 7919) % 2000);
            events.push_back(e);
        }
        chart.setEvents(events);
        const auto drawn = [&chart] {
            int n = 0;
            for (int g = 0; g < RetryDelayChart::kGroups; ++g)
                n += chart.drawnPoints(g);
            return n;
        };
        chart.flushRefresh();
        QVERIFY(drawn() <= 1000);
        int previous = drawn();
        int count = chart.refreshCount();
        for (int guard = 0; guard < 100; ++guard) {
            QTest::qWait(40); // the chart scheduled the next step itself
            chart.flushRefresh();
            const int refreshes = chart.refreshCount() - count;
            QVERIFY(drawn() - previous <= 1000 * std::max(1, refreshes));
            if (drawn() == previous && refreshes <= 1)
                break;
            previous = drawn();
            count = chart.refreshCount();
        }
        QVERIFY2(drawn() > 3000, qPrintable(QString::number(drawn()))); // the whole decimated cloud in the end
    }

    void newRunKeepsTheBreakerLanes()
    {
        const testing::DemoRun run = testing::runDemo(60);
        BreakerStateChart chart;
        chart.setResult(run.result, run.events);
        const auto seriesBefore = chart.chart()->series();
        const QStringList circuits = chart.circuits();
        QVERIFY(!circuits.isEmpty());
        chart.setResult(run.result, run.events);
        QCOMPARE(chart.circuits(), circuits);
        QCOMPARE(chart.chart()->series(), seriesBefore); // the same series objects, not new ones
        for (const QString& c : circuits)
            QVERIFY(!chart.transitions(c).empty()); // their data reloaded
        // a run without those circuits drops their lanes
        RunResult empty = run.result;
        chart.setResult(empty, {});
        QVERIFY(chart.chart()->series().size() <= seriesBefore.size());
    }

    void trafficPointCountsAndDecimation()
    {
        RunResult result;
        result.duration = 3600s;
        PipelineSeries p;
        p.name = QStringLiteral("p");
        p.buckets.resize(3600);
        for (std::size_t i = 0; i < p.buckets.size(); ++i)
            p.buckets[i].requests = std::uint32_t(i % 97);
        result.pipelines.push_back(p);
        TrafficChart chart;
        chart.resize(700, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setResult(result);
        chart.flushRefresh();
        QCOMPARE(chart.values(0).size(), 3600);
        const int columns = int(chart.chart()->plotArea().width());
        QVERIFY(columns > 100);
        QVERIFY(chart.points(0).size() <= columns + 4); // min and max per two pixel columns
        QVERIFY(chart.points(0).size() > columns / 2);
        // zooming in shows full resolution again
        chart.timeAxisSync()->setManualRange(100, 160);
        chart.flushRefresh();
        QCOMPARE(chart.points(0).size(), 62);
    }

    void refreshCostIsPrinted()
    {
        // figures for the notes, not assertions: one refresh of a dense hour
        const testing::DemoRun run = testing::runDemo(3600);
        TrafficChart traffic;
        BreakerStateChart breakers;
        RetryDelayChart retries;
        for (ChartView* c : std::initializer_list<ChartView*> {&traffic, &breakers, &retries}) {
            c->resize(1200, 360);
            c->show();
        }
        QElapsedTimer t;
        t.start();
        traffic.appendEvents(run.events);
        breakers.appendEvents(run.events);
        retries.appendEvents(run.events);
        const qint64 ingestMs = t.restart();
        traffic.flushRefresh();
        const qint64 trafficMs = t.restart();
        breakers.flushRefresh();
        const qint64 breakersMs = t.restart();
        retries.flushRefresh();
        const qint64 retriesMs = t.restart();
        // steady state: the next refresh after a small live batch
        std::vector<Event> more(run.events.end() - 2000, run.events.end());
        retries.appendEvents(more);
        traffic.appendEvents(more);
        t.restart();
        retries.flushRefresh();
        traffic.flushRefresh();
        qInfo("steady refresh traffic + retries: %lld ms", qint64(t.elapsed()));
        qInfo("1 h run, %zu events: ingest %lld ms; refresh traffic %lld ms (%lld points drawn of %lld), breakers %lld ms, "
              "retries %lld ms (%zu retries)",
            run.events.size(), ingestMs, trafficMs, qint64(traffic.points(0).size()), qint64(traffic.values(0).size()),
            breakersMs, retriesMs, retries.retryCount());
        QVERIFY(traffic.points(0).size() <= traffic.values(0).size());
    }

    void refreshIsThrottled()
    {
        TrafficChart chart;
        chart.setMaxRefreshRate(30);
        const int before = chart.refreshCount();
        Event done;
        done.kind = EventKind::RequestDone;
        done.source = QStringLiteral("p");
        for (int i = 0; i < 200; ++i) {
            done.time = TimePoint(std::chrono::milliseconds(i * 10));
            chart.appendEvents({done});
        }
        QCOMPARE(chart.refreshCount(), before); // nothing redrawn synchronously
        QTRY_VERIFY(chart.refreshCount() > before);
        QVERIFY(chart.refreshCount() - before <= 2);
    }

    void chartsDueTogetherRefreshOnePerPass()
    {
        // a run lands on every chart at once: their refreshes take turns, so the event loop (input,
        // paints, timers) gets a pass between any two of them
        TrafficChart charts[3];
        Event done;
        done.kind = EventKind::RequestDone;
        done.source = QStringLiteral("p");
        const auto total = [&charts] {
            int n = 0;
            for (const TrafficChart& c : charts)
                n += c.refreshCount();
            return n;
        };
        for (const TrafficChart& c : charts)
            QTRY_VERIFY(c.refreshCount() > 0); // the first, empty refresh
        const int before = total();
        for (TrafficChart& c : charts)
            c.appendEvents({done});
        QElapsedTimer clock;
        clock.start();
        int passes = 0;
        while (total() < before + 3 && clock.elapsed() < 5000) {
            const int was = total();
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents); // one pass, once something is due
            QVERIFY2(total() - was <= 1, "two chart refreshes in one event-loop pass");
            ++passes;
        }
        QCOMPARE(total(), before + 3);
        QVERIFY(passes >= 3);
    }

    void firstChangeAfterAQuietSpellIsDrawnAtOnce()
    {
        TrafficChart chart;
        chart.setMaxRefreshRate(1); // a throttled first refresh would wait a whole second
        const int before = chart.refreshCount();
        Event done;
        done.kind = EventKind::RequestDone;
        done.source = QStringLiteral("p");
        chart.appendEvents({done});
        QCOMPARE(chart.refreshCount(), before); // not synchronously: a batch of changes costs one refresh
        for (int i = 0; i < 3 && chart.refreshCount() == before; ++i)
            QCoreApplication::processEvents(); // no waiting: only what is due now
        QCOMPARE(chart.refreshCount(), before + 1);
        chart.appendEvents({done}); // right after a refresh: throttled
        for (int i = 0; i < 3; ++i)
            QCoreApplication::processEvents();
        QCOMPARE(chart.refreshCount(), before + 1);
    }

    void axesStayInSync()
    {
        TimeAxisSync sync;
        TrafficChart a;
        LatencyChart b;
        a.setTimeAxisSync(&sync);
        b.setTimeAxisSync(&sync);
        sync.extendData(600);
        QCOMPARE(b.timeAxis()->max(), 600.0);
        sync.setManualRange(120, 180);
        QCOMPARE(a.timeAxis()->min(), 120.0);
        QCOMPARE(b.timeAxis()->max(), 180.0);
        QVERIFY(sync.isManual());
        sync.extendData(900); // new data does not move a zoomed view
        QCOMPARE(b.timeAxis()->max(), 180.0);
        sync.resetZoom();
        QCOMPARE(a.timeAxis()->max(), 900.0);
        sync.setFollowMode(true);
        sync.setFollowWindow(60);
        QCOMPARE(a.timeAxis()->min(), 840.0);
        sync.setFollowMode(false);

        // re-simulating (a new result in one chart) keeps the user's zoom and the other charts' extent
        RunResult shorter;
        shorter.duration = 300s;
        PipelineSeries p;
        p.name = QStringLiteral("p");
        p.buckets.resize(300);
        shorter.pipelines.push_back(p);
        sync.setManualRange(10, 20);
        a.setResult(shorter);
        QCOMPARE(b.timeAxis()->min(), 10.0);
        QVERIFY(sync.isManual());
        sync.resetZoom();
        QCOMPARE(a.timeAxis()->max(), 900.0); // the plain extendData() source still reaches 900
        b.setResult(shorter);
        sync.resetData();
        QCOMPARE(sync.dataMax(), 0.0);
    }

    void legendClickTogglesSeries()
    {
        TrafficChart chart;
        QAbstractSeries* first = chart.chart()->series().at(1); // 0 is the time cursor
        const auto markers = chart.chart()->legend()->markers(first);
        QCOMPARE(markers.size(), 1);
        emit markers.first()->clicked();
        QVERIFY(!first->isVisible());
        QCoreApplication::processEvents();
        QVERIFY(markers.first()->isVisible()); // still clickable
        emit markers.first()->clicked();
        QVERIFY(first->isVisible());
    }

    void clickReportsTimeAndWheelZooms()
    {
        TimeAxisSync sync;
        TrafficChart chart;
        chart.setTimeAxisSync(&sync);
        sync.extendData(100);
        chart.resize(800, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.flushRefresh();
        QSignalSpy clicked(&chart, &ChartView::timeClicked);
        const QRectF plot = chart.chart()->plotArea();
        const QPoint middle = chart.mapFromScene(plot.center());
        QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, middle);
        QCOMPARE(clicked.size(), 1);
        QVERIFY(std::abs(clicked.at(0).at(0).toDouble() - 50.0) < 1.0);
        // a drag pans instead, and moves every chart on the sync
        QTest::mousePress(chart.viewport(), Qt::LeftButton, {}, middle);
        QMouseEvent move(QEvent::MouseMove, QPointF(middle + QPoint(int(plot.width() / 10), 0)),
            chart.viewport()->mapToGlobal(QPointF(middle + QPoint(int(plot.width() / 10), 0))), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(chart.viewport(), &move);
        QTest::mouseRelease(chart.viewport(), Qt::LeftButton, {}, middle + QPoint(int(plot.width() / 10), 0));
        QCOMPARE(clicked.size(), 1);
        QVERIFY(sync.isManual());
        QVERIFY(std::abs(sync.rangeMin() + 10.0) < 0.5);
        QTest::mouseDClick(chart.viewport(), Qt::LeftButton, {}, middle);
        QVERIFY(!sync.isManual());
    }

    void exportWritesPng()
    {
        BreakerStateChart chart;
        chart.appendEvents({transition(5, QStringLiteral("a"), BreakerState::Closed, BreakerState::Open)});
        chart.resize(600, 240);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("chart.png"));
        QString error;
        QVERIFY2(chart.exportPng(path, &error), qPrintable(error));
        QImage image(path);
        QCOMPARE(image.width(), 600 * int(chart.devicePixelRatio()));
        QVERIFY(!chart.exportPng(dir.filePath(QStringLiteral("missing/dir/x.png")), &error));
        QVERIFY(error.contains(QStringLiteral("missing")));
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
