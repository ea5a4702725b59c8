// SimulationController: debounced, cancellable background runs whose stale results never reach the
// GUI; and the real engine bridge on a small scenario.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "core/sim/simgroups.h"
#include "ui/run/simulationbridge.h"
#include "ui/run/simulationcontroller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <memory>

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
        const auto compareWithFullRun = [&] {
            RunControl a;
            RunControl b;
            const SimulationRun fast = incremental.run(json, a);
            const SimulationRun full = simulateScenario(json, b);
            QVERIFY(fast.ok());
            QCOMPARE(*fast.result, *full.result);
            QVERIFY(!full.events->empty());
            QVERIFY(*fast.events == *full.events);
            QCOMPARE(a.progress.load(), 1000);
        };
        compareWithFullRun();
        QCOMPARE(incremental.lastReused(), 0);
        const int groups = int(independentGroups(*demo.scenario).size());
        QVERIFY(groups >= 2);

        // an edit to pipeline 0 keeps the other groups
        QJsonArray pipelines = json.value(QStringLiteral("pipelines")).toArray();
        QJsonObject first = pipelines.at(0).toObject();
        QJsonObject breaker = first.value(QStringLiteral("circuit_breaker")).toObject();
        breaker.insert(QStringLiteral("failure_threshold"), breaker.value(QStringLiteral("failure_threshold")).toInt() + 3);
        first.insert(QStringLiteral("circuit_breaker"), breaker);
        pipelines.replace(0, first);
        json.insert(QStringLiteral("pipelines"), pipelines);
        compareWithFullRun();
        QCOMPARE(incremental.lastReused(), groups - 1);

        // a bad edit reports problems and does not disturb what is kept
        RunControl bad;
        QVERIFY(!incremental.run(scenario(0), bad).ok());
        compareWithFullRun();
        QCOMPARE(incremental.lastReused(), groups);
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
