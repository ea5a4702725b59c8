// SimulationController: debounced, cancellable background runs whose stale results never reach the
// GUI, partial results of long runs before the final one; and the real engine bridge on a small
// scenario. Set RWB_PARTIAL_SCREENSHOT to a PNG path to keep the charts of a partial result.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "core/sim/simgroups.h"
#include "ui/charts/breakerstatechart.h"
#include "ui/charts/bucketchart.h"
#include "ui/charts/resultsview.h"
#include "ui/run/simulationbridge.h"
#include "ui/run/simulationcontroller.h"
#include "ui/shell/runpresenter.h"

#include <QCategoryAxis>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

using namespace rwb;

namespace {

QJsonObject scenario(int threshold)
{
    QJsonObject o = QJsonDocument::fromJson(R"({
      "schema_version": 1, "name": "t", "seed": 3, "duration": 30,
      "services": [{"name": "s", "fault": {"error_rate": 0.5, "latency": {"distribution": "fixed", "value": 0.01}}}],
      "pipelines": [{"name": "p", "service": "s", "retry": {"max_attempts": 2},
                     "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2}}],
      "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "constant", "rate": 20}}]
    })")
                        .object();
    QJsonObject pipeline = o.value(QStringLiteral("pipelines")).toArray().at(0).toObject();
    QJsonObject breaker = pipeline.value(QStringLiteral("circuit_breaker")).toObject();
    breaker.insert(QStringLiteral("failure_threshold"), threshold);
    pipeline.insert(QStringLiteral("circuit_breaker"), breaker);
    o.insert(QStringLiteral("pipelines"), QJsonArray { pipeline });
    return o;
}

/// A stand-in run function that records what it was asked and can be held until released or
/// cancelled, so the test controls the interleaving without timing.
struct ScriptedRuns {
    std::atomic<int> calls { 0 };
    std::atomic<int> cancelled { 0 };
    QSemaphore started;
    QSemaphore release;
    std::atomic<bool> hold { false };

    SimulationController::RunFunction function()
    {
        return [this](const QJsonObject& json, RunControl& control) {
            ++calls;
            const bool held = hold.load();
            started.release();
            if (held) {
                // Wait until released or cancelled by a newer run.
                while (!release.tryAcquire(1, 5)) {
                    if (control.cancel.load()) {
                        ++cancelled;
                        SimulationRun r;
                        r.cancelled = true;
                        return r;
                    }
                }
            }
            SimulationRun r;
            auto result = std::make_shared<RunResult>();
            result->seed = quint64(json.value(QStringLiteral("seed")).toInt());
            r.result = result;
            return r;
        };
    }
};

} // namespace

class TestSimulationController : public QObject {
    Q_OBJECT

private slots:
    void firstEditAfterAQuietSpellRunsAtOnce()
    {
        ScriptedRuns runs;
        runs.hold = true; // in flight until released: a quick run may otherwise end before it is asked about
        SimulationController controller(nullptr, runs.function());
        controller.setDebounce(std::chrono::milliseconds(10000)); // a debounced start would never come
        QSignalSpy started(&controller, &SimulationController::started);
        QSignalSpy finished(&controller, &SimulationController::finished);
        controller.request(QJsonObject { { QStringLiteral("seed"), 7 } }, 7);
        QCOMPARE(started.count(), 1); // started inside request(), no timer involved
        QVERIFY(controller.isRunning());
        runs.release.release();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(0).value<SimulationRun>().revision, quint64(7));
    }

    void debounceCoalescesABurstOfEdits()
    {
        ScriptedRuns runs;
        runs.hold = true; // the leading run stays in flight while the burst arrives
        SimulationController controller(nullptr, runs.function());
        controller.setDebounce(std::chrono::milliseconds(40));
        QSignalSpy finished(&controller, &SimulationController::finished);
        for (int i = 1; i <= 20; ++i)
            controller.request(QJsonObject { { QStringLiteral("seed"), i } }, quint64(i));
        QVERIFY(runs.started.tryAcquire(1, 10000)); // edit 1 started at once
        runs.hold = false;
        // edits 2..20 became one run, which cancelled the leading one: only the newest is shown
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(runs.calls.load(), 2);
        QCOMPARE(runs.cancelled.load(), 1);
        const auto run = finished.first().at(0).value<SimulationRun>();
        QCOMPARE(run.revision, quint64(20));
        QCOMPARE(run.result->seed, quint64(20));
    }

    void newerRunCancelsAndSupersedesTheOlder()
    {
        ScriptedRuns runs;
        runs.hold = true;
        SimulationController controller(nullptr, runs.function());
        QSignalSpy finished(&controller, &SimulationController::finished);
        controller.request(QJsonObject { { QStringLiteral("seed"), 1 } }, 1);
        controller.runNow();
        QVERIFY(runs.started.tryAcquire(1, 10000)); // run 1 is in flight and held
        QVERIFY(controller.isRunning());

        runs.hold = false;
        controller.request(QJsonObject { { QStringLiteral("seed"), 2 } }, 2);
        controller.runNow();
        QTRY_COMPARE(finished.count(), 1);
        QTRY_COMPARE(runs.cancelled.load(), 1); // the simulator's cancel flag was raised for run 1
        QCOMPARE(finished.first().at(0).value<SimulationRun>().revision, quint64(2));
        QVERIFY(!controller.isRunning());
        QCOMPARE(controller.lastRun().revision, quint64(2));
    }

    void cancelDropsTheResult()
    {
        ScriptedRuns runs;
        runs.hold = true;
        SimulationController controller(nullptr, runs.function());
        QSignalSpy finished(&controller, &SimulationController::finished);
        QSignalSpy running(&controller, &SimulationController::runningChanged);
        controller.request(QJsonObject { { QStringLiteral("seed"), 1 } }, 1);
        controller.runNow();
        QVERIFY(runs.started.tryAcquire(1, 10000));
        controller.cancel();
        QTRY_COMPARE(runs.cancelled.load(), 1);
        QVERIFY(!controller.isRunning());
        QCOMPARE(running.count(), 2); // on, off
        // Give a stale continuation every chance to arrive; it must be dropped.
        QTest::qWait(0);
        QCoreApplication::processEvents();
        QCOMPARE(finished.count(), 0);
    }

    void realEngineRuns()
    {
        RunControl control;
        const SimulationRun run = simulateScenario(scenario(2), control);
        QVERIFY(run.ok());
        QVERIFY(run.result->total().breakerTransitions > 0);
        QVERIFY(run.result->total().requests > 500);
        QCOMPARE(control.progress.load(), 1000);
        QVERIFY(run.scenario);
        QCOMPARE(run.scenario->pipelines.size(), std::size_t(1));
        // Same scenario, same seed: same result.
        RunControl again;
        QCOMPARE(*simulateScenario(scenario(2), again).result, *run.result);
        // The threshold matters to the engine.
        RunControl other;
        QVERIFY(simulateScenario(scenario(50), other).result->total().breakerTransitions
            < run.result->total().breakerTransitions);
    }

    // The GUI's engine: incremental on several threads, the same result and chart events as a full run;
    // an edit to one pipeline re-simulates only its group.
    void incrementalEngineEqualsFullRun()
    {
        const ScenarioLoad demo = demos::load(QStringLiteral("outage-recovery"));
        QVERIFY(demo.ok());
        QJsonObject json = scenariojson::toJson(*demo.scenario);
        IncrementalScenarioSimulator incremental(2);
        SimulationRun fast;
        const auto compareWithFullRun = [&] {
            RunControl a;
            RunControl b;
            fast = incremental.run(json, a);
            const SimulationRun full = simulateScenario(json, b);
            QVERIFY(fast.ok());
            QCOMPARE(*fast.result, *full.result);
            QVERIFY(!full.events->empty());
            QVERIFY(*fast.events == *full.events);
            QCOMPARE(a.progress.load(), 1000);
        };
        compareWithFullRun();
        QCOMPARE(incremental.lastReused(), 0);
        QCOMPARE(fast.reusedPipelines, 0);
        const int groups = int(independentGroups(*demo.scenario).size());
        QVERIFY(groups >= 2);
        const int pipelineCount = int(fast.result->pipelines.size());
        QVERIFY(RunPresenter::statusText(fast).contains(QStringLiteral(" simulated in ")));

        // an edit to pipeline 0 keeps the other groups
        const QJsonObject original = json;
        QJsonArray pipelines = json.value(QStringLiteral("pipelines")).toArray();
        QJsonObject first = pipelines.at(0).toObject();
        QJsonObject breaker = first.value(QStringLiteral("circuit_breaker")).toObject();
        breaker.insert(QStringLiteral("failure_threshold"), breaker.value(QStringLiteral("failure_threshold")).toInt() + 3);
        first.insert(QStringLiteral("circuit_breaker"), breaker);
        pipelines.replace(0, first);
        json.insert(QStringLiteral("pipelines"), pipelines);
        compareWithFullRun();
        QCOMPARE(incremental.lastReused(), groups - 1);
        // the caption does not pass the kept pipelines off as simulated
        QCOMPARE(fast.reusedPipelines, pipelineCount - 1); // one pipeline per group in this demo
        QVERIFY2(RunPresenter::statusText(fast).contains(
                     QStringLiteral("(%1 of %2 pipelines kept from earlier runs)").arg(pipelineCount - 1).arg(pipelineCount)),
            qPrintable(RunPresenter::statusText(fast)));

        // a bad edit reports problems and does not disturb what is kept
        RunControl bad;
        QVERIFY(!incremental.run(scenario(0), bad).ok());
        const SimulationRun edited = fast;
        compareWithFullRun();
        QCOMPARE(incremental.lastReused(), groups);
        // nothing simulated: described as the run that made it
        QCOMPARE(fast.elapsed, edited.elapsed);
        QCOMPARE(fast.reusedPipelines, edited.reusedPipelines);
        QCOMPARE(RunPresenter::statusText(fast), RunPresenter::statusText(edited));

        // undoing the edit simulates nothing either, but its result is not the last run's: the caption
        // says every pipeline was kept from earlier runs
        json = original;
        compareWithFullRun();
        QCOMPARE(incremental.lastReused(), groups);
        QCOMPARE(fast.reusedPipelines, pipelineCount);
        QVERIFY2(RunPresenter::statusText(fast).contains(
                     QStringLiteral("(%1 of %1 pipelines kept from earlier runs)").arg(pipelineCount)),
            qPrintable(RunPresenter::statusText(fast)));
    }

    void controllerUsesTheIncrementalEngine()
    {
        SimulationController controller;
        QSignalSpy finished(&controller, &SimulationController::finished);
        controller.request(scenario(2), 7);
        QVERIFY(finished.wait(20000));
        const SimulationRun run = finished.takeFirst().at(0).value<SimulationRun>();
        QVERIFY(run.ok());
        QCOMPARE(run.revision, quint64(7));
        RunControl control;
        QCOMPARE(*run.result, *simulateScenario(scenario(2), control).result);
    }

    // A long run hands over what it has recorded so far: series cut where the simulation had got, each a
    // prefix of the final result's, over the scenario's whole duration; the final result is unchanged.
    void partialResultsArePrefixesOfTheFinalOne()
    {
        const ScenarioLoad demo = demos::load(QStringLiteral("outage-recovery"));
        QVERIFY(demo.ok());
        const QJsonObject json = scenariojson::toJson(*demo.scenario);
        IncrementalScenarioSimulator incremental(2);
        incremental.setPartialInterval(std::chrono::milliseconds(0)); // every progress step
        std::mutex lock; // partial results come from the simulating threads
        std::vector<SimulationRun> partials;
        RunControl control;
        const SimulationRun final = incremental.run(json, control, [&](SimulationRun partial) {
            const std::lock_guard guard(lock);
            partials.push_back(std::move(partial));
        });
        QVERIFY(final.ok());
        RunControl plain;
        QCOMPARE(*final.result, *simulateScenario(json, plain).result);
        QVERIFY(partials.size() > 10);
        std::size_t shortest = std::numeric_limits<std::size_t>::max();
        for (const SimulationRun& partial : partials) {
            QVERIFY(partial.result);
            QCOMPARE(partial.result->duration, final.result->duration);
            QCOMPARE(partial.result->pipelines.size(), final.result->pipelines.size());
            for (std::size_t p = 0; p < partial.result->pipelines.size(); ++p) {
                const PipelineSeries& cut = partial.result->pipelines[p];
                const PipelineSeries& whole = final.result->pipelines[p];
                QCOMPARE(cut.name, whole.name);
                QCOMPARE(cut.breaker, whole.breaker);
                QVERIFY(cut.buckets.size() <= whole.buckets.size());
                QVERIFY(std::equal(cut.buckets.begin(), cut.buckets.end(), whole.buckets.begin()));
                shortest = std::min(shortest, cut.buckets.size());
            }
        }
        QVERIFY(shortest < final.result->bucketCount() / 2); // the early ones really are partial
    }

    // The controller hands partial results to the GUI before the final one, and only the newest run's.
    void partialResultsPrecedeTheFinalOneAndStaleOnesAreDropped()
    {
        // each run (told apart by its threshold) publishes one partial result when told to, then waits
        QSemaphore started;
        QSemaphore publish[5];
        QSemaphore published;
        QSemaphore release;
        SimulationController controller(
            nullptr, [&](const QJsonObject& json, RunControl&, const PartialRunFunction& partial) {
                const int threshold = json.value(QStringLiteral("pipelines"))
                                          .toArray()
                                          .at(0)[QStringLiteral("circuit_breaker")][QStringLiteral("failure_threshold")]
                                          .toInt();
                started.release();
                publish[threshold].acquire();
                SimulationRun part;
                part.result = std::make_shared<RunResult>();
                partial(part);
                published.release();
                release.acquire();
                SimulationRun r;
                r.result = std::make_shared<RunResult>();
                return r;
            });
        QStringList order;
        connect(&controller, &SimulationController::partialResult, this,
            [&](const SimulationRun& run) { order << QStringLiteral("partial %1").arg(run.revision); });
        connect(&controller, &SimulationController::finished, this,
            [&](const SimulationRun& run) { order << QStringLiteral("final %1").arg(run.revision); });

        controller.request(scenario(2), 1);
        QVERIFY(started.tryAcquire(1, 20000));
        publish[2].release();
        QVERIFY(published.tryAcquire(1, 20000));
        QTRY_COMPARE(order, QStringList { QStringLiteral("partial 1") }); // while the run still waits
        release.release();
        QTRY_COMPARE(order.size(), 2);
        QCOMPARE(order.last(), QStringLiteral("final 1"));

        // run 2 publishes only once run 3 has superseded it: its partial result is dropped
        order.clear();
        controller.request(scenario(3), 2);
        controller.runNow(); // within the debounce interval of run 1's request, request() only schedules it
        QVERIFY(started.tryAcquire(1, 20000));
        controller.request(scenario(4), 3);
        controller.runNow();
        QVERIFY(started.tryAcquire(1, 20000));
        publish[3].release();
        QVERIFY(published.tryAcquire(1, 20000));
        QCoreApplication::processEvents(); // delivers (and drops) run 2's partial result
        QVERIFY(order.isEmpty());
        publish[4].release();
        QVERIFY(published.tryAcquire(1, 20000));
        release.release(2);
        QTRY_VERIFY(order.contains(QStringLiteral("final 3")));
        QCOMPARE(order, (QStringList { QStringLiteral("partial 3"), QStringLiteral("final 3") }));
    }

    // A long scenario's first seconds reach the charts while the rest is simulated (the run is held
    // after its first partial result); the final result then fills the whole hour.
    void partialResultReachesTheChartsBeforeTheFinalOne()
    {
        const ScenarioLoad demo = demos::load(QStringLiteral("outage-recovery"));
        QVERIFY(demo.ok());
        QJsonObject json = scenariojson::toJson(*demo.scenario);
        json.insert(QStringLiteral("duration"), 3600);
        auto engine = std::make_shared<IncrementalScenarioSimulator>(2);
        engine->setPartialInterval(std::chrono::milliseconds(0));
        QSemaphore shown;
        std::atomic<bool> first { true };
        SimulationController controller(
            nullptr, [&, engine](const QJsonObject& scenario, RunControl& control, const PartialRunFunction& partial) {
                return engine->run(scenario, control, [&](SimulationRun part) {
                    partial(std::move(part));
                    if (first.exchange(false))
                        shown.acquire(); // hold the simulation until the charts have drawn it
                });
            });
        ResultsView view;
        view.resize(1000, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        int partials = 0;
        connect(&controller, &SimulationController::partialResult, this, [&](const SimulationRun& run) {
            ++partials;
            view.setRun(run, {}, 1);
        });
        QSignalSpy finished(&controller, &SimulationController::finished);
        controller.request(json, 1);
        QTRY_COMPARE_WITH_TIMEOUT(partials, 1, 20000);
        QCOMPARE(finished.count(), 0);
        TrafficChart* traffic = view.trafficChart();
        traffic->flushRefresh();
        const QList<QPointF> early = traffic->values(0);
        QVERIFY(!early.isEmpty());
        QVERIFY(early.last().x() < 1800); // only the first seconds
        QVERIFY(traffic->timeAxis()->max() >= 3600 - 1); // over the whole hour's axis
        const std::vector<BreakerSegment> lane = view.breakerChart()->segments(QStringLiteral("with-breaker"));
        QVERIFY(!lane.empty());
        QVERIFY(lane.back().end < 1800); // the lanes stop where the simulation has got, too
        if (const QString shot = qEnvironmentVariable("RWB_PARTIAL_SCREENSHOT"); !shot.isEmpty()) {
            for (ChartView* chart : view.charts())
                chart->flushRefresh();
            QVERIFY(view.grab().save(shot));
        }
        shown.release();
        QVERIFY(finished.count() == 1 || finished.wait(60000));
        const SimulationRun run = finished.at(0).at(0).value<SimulationRun>();
        QVERIFY(run.ok());
        view.setRun(run, {}, 1);
        traffic->flushRefresh();
        QVERIFY(traffic->values(0).last().x() > 3590);
    }

    void invalidScenarioGivesPointers()
    {
        RunControl control;
        const SimulationRun run = simulateScenario(scenario(0), control);
        QVERIFY(!run.ok());
        QVERIFY(!run.result);
        QVERIFY(!run.problems.empty());
        QCOMPARE(run.problems.front().pointer, QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"));
    }

    void cancelledEngineRunIsMarked()
    {
        RunControl control;
        control.cancel = true;
        const SimulationRun run = simulateScenario(scenario(5), control);
        QVERIFY(run.cancelled);
        QVERIFY(!run.ok());
    }
};

QTEST_MAIN(TestSimulationController)
#include "tst_simulationcontroller.moc"
