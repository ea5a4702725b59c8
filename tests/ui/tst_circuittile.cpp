// Circuit tiles: rolling counts and state from events, whole-run figures from a result, a breaker's
// own snapshot, layout.

#include "tst_chartfixture.h"

#include "core/policy/circuitbreaker.h"
#include "ui/chartview.h"
#include "ui/circuittile.h"
#include "ui/circuittileboard.h"

#include <QTest>

using namespace rwb;

namespace {
Event attempt(double seconds, const QString& pipeline, OutcomeKind outcome, Duration latency = 20ms)
{
    Event e;
    e.kind = EventKind::Attempt;
    e.time = TimePoint(fromSeconds(seconds));
    e.source = pipeline;
    e.outcome = outcome;
    e.latency = latency;
    return e;
}
} // namespace

class TestCircuitTile : public QObject {
    Q_OBJECT
private slots:
    void rollingWindowFromEvents()
    {
        CircuitTileBoard board;
        board.setWindow(10s);
        std::vector<Event> events;
        // 0..4 s: old traffic that leaves the window
        for (int i = 0; i < 50; ++i)
            events.push_back(attempt(i * 0.1, QStringLiteral("payments"), OutcomeKind::Success));
        // 10..19 s: 30 successes, 6 errors, 4 timeouts
        for (int i = 0; i < 40; ++i) {
            const OutcomeKind k = i % 10 < 6 ? OutcomeKind::Success : i % 10 < 8 ? OutcomeKind::Success : i % 10 == 8 ? OutcomeKind::Error : OutcomeKind::Timeout;
            events.push_back(attempt(10 + i * 0.25, QStringLiteral("payments"), k, std::chrono::milliseconds(10 + i)));
        }
        Event open;
        open.kind = EventKind::BreakerTransition;
        open.source = QStringLiteral("payments");
        open.from = BreakerState::Closed;
        open.to = BreakerState::Open;
        open.time = TimePoint(19500ms);
        events.push_back(open);
        Event rejected;
        rejected.kind = EventKind::BreakerRejected;
        rejected.source = QStringLiteral("payments");
        rejected.time = TimePoint(19600ms);
        rejected.delay = 3400ms;
        events.push_back(rejected);
        board.appendEvents(events);
        board.refreshNow();
        const CircuitTileData d = board.tile(QStringLiteral("payments"))->data();
        QVERIFY(d.state == BreakerState::Open);
        QCOMPARE(d.successes, 32u);
        QCOMPARE(d.failures, 4u);
        QCOMPARE(d.timeouts, 4u);
        QCOMPARE(d.rejected, 1u);
        QCOMPARE(d.failureRate, 8.0 / 40.0);
        QVERIFY(d.timeUntilHalfOpen.has_value());
        // open until 19.6 s + 3.4 s; the newest event is at 19.75 s
        QCOMPARE(*d.timeUntilHalfOpen, Duration(3250ms));
        QVERIFY(d.p50Ms > 10 && d.p99Ms <= 49 && d.p50Ms <= d.p95Ms && d.p95Ms <= d.p99Ms);
        QVERIFY(!d.sparkline.isEmpty());

        // the window slides with the clock even when nothing happens
        board.setNow(TimePoint(40s));
        board.refreshNow();
        const CircuitTileData later = board.tile(QStringLiteral("payments"))->data();
        QCOMPARE(later.successes, 0u);
        QCOMPARE(later.failureRate, 0.0);
        QVERIFY(!later.timeUntilHalfOpen); // past the half-open deadline
    }

    void learnsCircuitNamedDifferently()
    {
        CircuitTileBoard board;
        Event rejected;
        rejected.kind = EventKind::BreakerRejected;
        rejected.source = QStringLiteral("payments-cb");
        rejected.requestId = 42;
        rejected.time = TimePoint(1s);
        Event done;
        done.kind = EventKind::RequestDone;
        done.source = QStringLiteral("payments");
        done.requestId = 42;
        done.outcome = OutcomeKind::Rejected;
        done.time = TimePoint(1s);
        board.appendEvents({attempt(0.5, QStringLiteral("payments"), OutcomeKind::Success), rejected, done});
        board.refreshNow();
        QCOMPARE(board.names(), QStringList({QStringLiteral("payments")}));
        QCOMPARE(board.tile(QStringLiteral("payments"))->data().rejected, 1u);
    }

    void wholeRunFromResult()
    {
        const testing::DemoRun run = testing::runDemo(60);
        CircuitTileBoard board;
        board.setResult(run.result, run.events);
        QCOMPARE(board.names(), QStringList({QStringLiteral("payments"), QStringLiteral("inventory")}));
        const PipelineSummary& s = run.result.pipeline(QStringLiteral("payments"))->summary;
        const CircuitTileData d = board.tile(QStringLiteral("payments"))->data();
        QCOMPARE(d.failures, s.failed);
        QCOMPARE(d.rejected, s.rejected);
        QCOMPARE(d.p99Ms, s.latencyP99Ms);
        QCOMPARE(d.windowLabel, QStringLiteral("whole run"));
        QVERIFY(d.requestRate > 30 && d.requestRate < 50); // 40 requests/s offered
    }

    void breakerSnapshotOverrides()
    {
        CircuitTile tile;
        CircuitBreakerStats stats;
        stats.name = QStringLiteral("orders");
        stats.state = BreakerState::Open;
        stats.failureRate = 0.75;
        stats.timeUntilHalfOpen = 12s;
        tile.applyStats(stats);
        QCOMPARE(tile.data().name, QStringLiteral("orders"));
        QVERIFY(tile.data().state == BreakerState::Open);
        QCOMPARE(tile.data().failureRate, 0.75);
        QCOMPARE(*tile.data().timeUntilHalfOpen, Duration(12s));
        QVERIFY(tile.toolTip().contains(QStringLiteral("half-open in 12")));
        QCOMPARE(CircuitTile::stateColor(BreakerState::Open), chartcolors::open());
    }

    void tilesFlowIntoColumns()
    {
        CircuitTileBoard board;
        board.resize(1200, 400);
        board.show();
        QVERIFY(QTest::qWaitForWindowExposed(&board));
        std::vector<Event> events;
        for (int p = 0; p < 6; ++p)
            events.push_back(attempt(1, QStringLiteral("p%1").arg(p), OutcomeKind::Success));
        board.appendEvents(events);
        QCoreApplication::processEvents();
        // several tiles share a row on a wide board
        QCOMPARE(board.tile(QStringLiteral("p0"))->y(), board.tile(QStringLiteral("p1"))->y());
        QVERIFY(board.tile(QStringLiteral("p5"))->y() > board.tile(QStringLiteral("p0"))->y());
    }
};

QTEST_MAIN(TestCircuitTile)
#include "tst_circuittile.moc"
