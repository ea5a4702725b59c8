// Circuit tiles: rolling counts and state from events, whole-run figures from a result, a breaker's
// own snapshot, layout.

#include "tst_chartfixture.h"

#include "core/policy/circuitbreaker.h"
#include "core/run/latencyhistogram.h"
#include "ui/charts/chartview.h"
#include "ui/charts/circuittile.h"
#include "ui/charts/circuittileboard.h"

#include <QMenu>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rwb;
using std::chrono::milliseconds;

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

Event done(double seconds, const QString& pipeline, OutcomeKind outcome, bool fallback = false, Duration total = 20ms)
{
    Event e;
    e.kind = EventKind::RequestDone;
    e.time = TimePoint(fromSeconds(seconds));
    e.source = pipeline;
    e.outcome = outcome;
    e.fallback = fallback;
    e.total = total;
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
            events.push_back(done(i * 0.1, QStringLiteral("payments"), OutcomeKind::Success));
        // 10..19 s: 28 successes, 4 fallbacks, 4 failures; 4 tries timed out (then retried)
        for (int i = 0; i < 40; ++i) {
            const double t = 10 + i * 0.25;
            const int k = i % 10;
            if (k < 7)
                events.push_back(done(t, QStringLiteral("payments"), OutcomeKind::Success, false, milliseconds(10 + i)));
            else if (k == 7)
                events.push_back(done(t, QStringLiteral("payments"), OutcomeKind::Success, true, milliseconds(10 + i)));
            else if (k == 8)
                events.push_back(done(t, QStringLiteral("payments"), OutcomeKind::Error, false, milliseconds(10 + i)));
            else
                events.push_back(attempt(t, QStringLiteral("payments"), OutcomeKind::Timeout));
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
        QVERIFY(d.hasBreaker); // its circuit was seen
        QCOMPARE(d.successes, 28u);
        QCOMPARE(d.fallbacks, 4u);
        QCOMPARE(d.failures, 4u);
        QCOMPARE(d.timeouts, 4u);
        QCOMPARE(d.shortCircuited, 1u);
        // what the service did not answer: the failures and the fallbacks
        QCOMPARE(d.failureRate, 8.0 / 36.0);
        QVERIFY(d.timeUntilHalfOpen.has_value());
        // open until 19.6 s + 3.4 s; the newest event is at 19.75 s
        QCOMPARE(*d.timeUntilHalfOpen, Duration(3250ms));
        QVERIFY(d.p50Ms >= 10 && d.p99Ms <= 49 && d.p50Ms <= d.p95Ms && d.p95Ms <= d.p99Ms);
        QVERIFY(!d.sparkline.isEmpty());

        // the window slides with the clock even when nothing happens
        board.setNow(TimePoint(40s));
        board.refreshNow();
        const CircuitTileData later = board.tile(QStringLiteral("payments"))->data();
        QCOMPARE(later.successes, 0u);
        QCOMPARE(later.failureRate, 0.0);
        QVERIFY(!later.timeUntilHalfOpen); // past the half-open deadline
    }

    // Every finished call of the window counts in its percentiles, however busy a second is: 10,000
    // calls in one second, the slowest 2 % late in the second, give the p99 of all of them (the same
    // binning as the Summary's), not of the first few thousand.
    void percentilesCoverEveryCallOfABusySecond()
    {
        CircuitTileBoard board;
        board.setWindow(10s);
        std::vector<Event> events;
        LatencyHistogram expected;
        for (int i = 0; i < 10000; ++i) {
            const Duration total = i < 9800 ? milliseconds(5 + i % 20) : milliseconds(900 + i % 50);
            events.push_back(done(1 + i * 0.0001, QStringLiteral("busy"), OutcomeKind::Success, false, total));
            expected.add(total.count());
        }
        board.appendEvents(events);
        board.refreshNow();
        const CircuitTileData d = board.tile(QStringLiteral("busy"))->data();
        QCOMPARE(d.successes, 10000u);
        QCOMPARE(d.p50Ms, expected.percentile(0.50) / 1e6);
        QCOMPARE(d.p99Ms, expected.percentile(0.99) / 1e6);
        QVERIFY2(d.p99Ms > 800, qPrintable(QString::number(d.p99Ms)));
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
        board.appendEvents({ ::done(0.5, QStringLiteral("payments"), OutcomeKind::Success), rejected, done });
        board.refreshNow();
        // One tile, the circuit's: the pipeline's own tile (its first call) was folded into it.
        QCOMPARE(board.names(), QStringList({QStringLiteral("payments-cb")}));
        QCOMPARE(board.tileOf(QStringLiteral("payments")), QStringLiteral("payments-cb"));
        const CircuitTileData d = board.tile(QStringLiteral("payments"))->data();
        QCOMPARE(d.name, QStringLiteral("payments-cb"));
        QCOMPARE(d.pipelines, QStringList({QStringLiteral("payments")}));
        QCOMPARE(d.shortCircuited, 1u);
        QCOMPARE(d.successes, 1u);
        QCOMPARE(d.failures, 1u);
        QVERIFY(d.hasBreaker);
    }

    void sharedCircuitHasOneTileCountingEveryCaller()
    {
        // The built-in demo: checkout-shared and reports-shared name the circuit "shared".
        const testing::BuiltInRun run = testing::runBuiltIn(QStringLiteral("shared-circuit"));
        QVERIFY(!run.result.pipelines.empty());
        const RunResult& result = run.result;
        const std::vector<Event>& events = run.events;
        QStringList sharing;
        QString circuit;
        for (const PipelineSeries& p : result.pipelines)
            if (std::count_if(result.pipelines.begin(), result.pipelines.end(),
                    [&](const PipelineSeries& q) { return q.breaker == p.breaker; })
                > 1) {
                sharing.append(p.name);
                circuit = p.breaker;
            }
        QCOMPARE(sharing.size(), 2);

        // Simulate: whole-run figures, the two callers' summaries added up.
        CircuitTileBoard simulated;
        simulated.setScenario(&run.scenario);
        simulated.setResult(result, events);
        QCOMPARE(simulated.names().size(), result.pipelines.size() - 1);
        const CircuitTileData whole = simulated.tile(circuit)->data();
        QCOMPARE(whole.pipelines, sharing);
        std::uint64_t refused = 0, served = 0;
        for (const QString& name : sharing) {
            QCOMPARE(simulated.tile(name), simulated.tile(circuit));
            refused += result.pipeline(name)->summary.breakerRejections;
            served += result.pipeline(name)->summary.succeeded;
        }
        QCOMPARE(whole.shortCircuited, refused);
        QCOMPARE(whole.successes, served);
        QVERIFY(whole.shortCircuited > 0);

        // Live / replay: the same tile from events, learned without the scenario.
        CircuitTileBoard replayed;
        replayed.appendEvents(events);
        replayed.refreshNow();
        QCOMPARE(replayed.tileOf(sharing[0]), circuit);
        QCOMPARE(replayed.tileOf(sharing[1]), circuit);
        QCOMPARE(replayed.tile(sharing[0]), replayed.tile(sharing[1]));
        QVERIFY(replayed.tile(circuit)->data().hasBreaker);
        // *Show* one of the callers: the shared tile shows.
        replayed.resize(600, 400);
        replayed.show();
        QVERIFY(QTest::qWaitForWindowExposed(&replayed));
        replayed.setScope(RunScope::one(sharing[1]));
        QVERIFY(replayed.tile(circuit)->isVisible());
    }

    void liveBreakerMenuSendsCommands()
    {
        // A breaker tile's context menu in live mode asks for manual commands on its circuit.
        Scenario scenario = testing::demoScenario(30);
        scenario.pipelines[1].breaker.reset();
        const testing::DemoRun run = testing::runDemo(30);
        CircuitTileBoard board;
        board.setScenario(&scenario);
        board.setResult(run.result, run.events);
        const QString circuit = board.tileOf(QStringLiteral("payments"));
        QVERIFY(!board.breakerMenu(circuit)); // off until a mode turns it on
        board.setBreakerMenu(CircuitTileBoard::BreakerMenu::Live);
        QVERIFY(!board.breakerMenu(QStringLiteral("inventory"))); // no breaker, no commands
        std::unique_ptr<QMenu> menu(board.breakerMenu(circuit));
        QVERIFY(menu);
        QStringList commands;
        for (QAction* a : menu->actions())
            if (!a->isSeparator() && a->data().isValid())
                commands << a->data().toString();
        QCOMPARE(commands,
            QStringList({ QStringLiteral("isolate"), QStringLiteral("open"), QStringLiteral("half_open"),
                QStringLiteral("close"), QStringLiteral("disable"), QStringLiteral("metrics_only"),
                QStringLiteral("release"), QStringLiteral("reset") }));
        QSignalSpy requested(&board, &CircuitTileBoard::breakerActionRequested);
        for (QAction* a : menu->actions())
            if (a->data().toString() == QStringLiteral("open"))
                a->trigger();
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).toString(), circuit);
        const auto action = requested.at(0).at(1).value<BreakerAction>();
        QVERIFY(action.command == BreakerCommand::Open);
        QCOMPARE(action.openFor, std::optional<Duration>(std::chrono::seconds(30)));
        QVERIFY(BreakerAction::validate(action).empty());

        // Simulate: the same commands become schedule requests instead.
        board.setBreakerMenu(CircuitTileBoard::BreakerMenu::Schedule);
        QSignalSpy scheduled(&board, &CircuitTileBoard::breakerScheduleRequested);
        std::unique_ptr<QMenu> scheduleMenu(board.breakerMenu(circuit));
        QVERIFY(scheduleMenu);
        for (QAction* a : scheduleMenu->actions())
            if (a->data().toString() == QStringLiteral("isolate"))
                a->trigger();
        QCOMPARE(scheduled.count(), 1);
        QCOMPARE(requested.count(), 1); // nothing sent to a running breaker
        QVERIFY(scheduled.at(0).at(1).value<BreakerAction>().command == BreakerCommand::Isolate);
    }

    void noBadgeWithoutBreaker()
    {
        // a log without the scenario: no circuit seen, no state to show
        CircuitTileBoard board;
        board.appendEvents({ done(1, QStringLiteral("plain"), OutcomeKind::Success) });
        board.refreshNow();
        QVERIFY(!board.tile(QStringLiteral("plain"))->data().hasBreaker);
        QVERIFY(board.tile(QStringLiteral("plain"))->toolTip().contains(QStringLiteral("no circuit breaker")));

        // with the scenario: the pipeline without a breaker has no badge even before any event
        testing::DemoRun run = testing::runDemo(30);
        Scenario scenario = testing::demoScenario(30);
        scenario.pipelines[1].breaker.reset();
        CircuitTileBoard withScenario;
        withScenario.setScenario(&scenario);
        withScenario.setResult(run.result);
        QVERIFY(withScenario.tile(QStringLiteral("payments"))->data().hasBreaker);
        QVERIFY(!withScenario.tile(QStringLiteral("inventory"))->data().hasBreaker);
    }

    void scopeShowsSelectedTiles()
    {
        const testing::DemoRun run = testing::runDemo(30);
        CircuitTileBoard board;
        board.resize(600, 400);
        board.setResult(run.result, run.events);
        board.show();
        QVERIFY(QTest::qWaitForWindowExposed(&board));
        board.setScope(RunScope::one(QStringLiteral("inventory")));
        QVERIFY(!board.tile(QStringLiteral("payments"))->isVisible());
        QVERIFY(board.tile(QStringLiteral("inventory"))->isVisible());
        board.setScope(RunScope::each());
        QVERIFY(board.tile(QStringLiteral("payments"))->isVisible());
    }

    void wholeRunFromResult()
    {
        const testing::DemoRun run = testing::runDemo(60);
        CircuitTileBoard board;
        board.setResult(run.result, run.events);
        QCOMPARE(board.names(), QStringList({QStringLiteral("payments"), QStringLiteral("inventory")}));
        const PipelineSummary& s = run.result.pipeline(QStringLiteral("payments"))->summary;
        const CircuitTileData d = board.tile(QStringLiteral("payments"))->data();
        QCOMPARE(d.successes, s.succeeded);
        QCOMPARE(d.failures, s.failed + s.rejected);
        QCOMPARE(d.fallbacks, s.fallbacks);
        QCOMPARE(d.shortCircuited, s.breakerRejections);
        QVERIFY(d.shortCircuited > 0); // the outage opened the breaker
        QCOMPARE(d.failureRate, double(s.failed + s.rejected + s.fallbacks) / double(s.succeeded + s.failed + s.rejected + s.fallbacks));
        QVERIFY(d.failureRate > 0.1);
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
            events.push_back(done(1, QStringLiteral("p%1").arg(p), OutcomeKind::Success));
        board.appendEvents(events);
        QCoreApplication::processEvents();
        // several tiles share a row on a wide board
        QCOMPARE(board.tile(QStringLiteral("p0"))->y(), board.tile(QStringLiteral("p1"))->y());
        QVERIFY(board.tile(QStringLiteral("p5"))->y() > board.tile(QStringLiteral("p0"))->y());
    }
};

QTEST_MAIN(TestCircuitTile)
#include "tst_circuittile.moc"
