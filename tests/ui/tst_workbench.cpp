// The workbench window as a user meets it (issue 14): a Summary per pipeline that follows Show and
// describes what the charts show in every mode, Show applied to every chart and the tiles, undo
// with a spin box focused, explicit shortcuts, a log opened fully drawn, variant B saved, live
// actions that are not edits, recorded runs, the Help menu and File > New. Offscreen.
#include "core/config/scenariojson.h"
#include "core/sim/simulator.h"
#include "ui/charts/breakerstatechart.h"
#include "ui/charts/bucketchart.h"
#include "ui/charts/circuittileboard.h"
#include "ui/common/settings.h"
#include "ui/run/comparemodel.h"
#include "ui/shell/comparecontroller.h"
#include "ui/shell/compareview.h"
#include "ui/shell/filecontroller.h"
#include "ui/shell/helpcontroller.h"
#include "ui/run/livecontroller.h"
#include "ui/shell/interventioncontroller.h"
#include "ui/shell/livecontrols.h"
#include "ui/log/logpanel.h"
#include "ui/log/logtablemodel.h"
#include "ui/log/logtableview.h"
#include "ui/shell/mainwindow.h"
#include "ui/editors/parametercontrol.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/shell/recordingcontroller.h"
#include "ui/shell/replaycontrols.h"
#include "ui/charts/resultsview.h"
#include "ui/document/scenariodocument.h"
#include "ui/editors/serviceseditor.h"
#include "ui/run/simulationcontroller.h"
#include "ui/shell/summarycontroller.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <QUndoStack>

#include <optional>

using namespace rwb;

namespace {

QAction* actionWithShortcut(const QWidget& window, const QKeySequence& key)
{
    const auto actions = window.findChildren<QAction*>();
    for (QAction* a : actions)
        if (a->shortcuts().contains(key))
            return a;
    return nullptr;
}

QString caption(const MainWindow& window)
{
    const auto* label = window.compareView()->findChild<QLabel*>(QStringLiteral("summaryCaption"));
    return label ? label->text() : QString();
}

/// The engine's own figures for a built-in demo.
RunResult engineRun(const MainWindow& window)
{
    const ScenarioLoad load = scenariojson::fromJson(window.document()->json());
    return load.ok() ? Simulator::run(*load.scenario) : RunResult();
}

// 30 s with a 10 s outage: a breaker pipeline with a fallback and a plain one.
const char* const TwoPipelines = R"({
  "schema_version": 1, "name": "Two pipelines", "seed": 3, "duration": 30, "drain_limit": 10,
  "services": [
    {"name": "a", "fault": {"latency": {"distribution": "fixed", "value": 0.01}, "outages": [{"start": 10, "end": 20, "error": "http_500"}]}},
    {"name": "b", "fault": {"latency": {"distribution": "fixed", "value": 0.01}, "outages": [{"start": 10, "end": 20, "error": "http_500"}]}}],
  "pipelines": [
    {"name": "guarded", "service": "a", "retry": {"max_attempts": 2},
      "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2}, "fallback": {"on_failure": true, "on_rejection": true}},
    {"name": "plain", "service": "b", "retry": {"max_attempts": 3}}],
  "clients": [{"name": "ca", "pipeline": "guarded", "arrival": {"process": "constant", "rate": 20}},
              {"name": "cb", "pipeline": "plain", "arrival": {"process": "constant", "rate": 20}}]
})";

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchItemsTest"));
        QVERIFY(m_dir.isValid());
        Settings::flush(); // values set by the previous test land first
        QSettings().clear(); // a window restores presenter mode and layout from the last run's settings
    }

    // a breaker command scheduled from a tile's menu in Simulate: one undo step, run by the simulator
    void tileMenuSchedulesABreakerCommand()
    {
        MainWindow window;
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        QCOMPARE(window.circuitTiles()->breakerMenuMode(), CircuitTileBoard::BreakerMenu::Schedule);
        QVERIFY(!window.interventions()->scheduleBreakerAction(
            QStringLiteral("no-such-circuit"), { BreakerCommand::Isolate, {}, {} }, 5.0));
        applied.clear();
        QVERIFY(window.interventions()->scheduleBreakerAction(
            QStringLiteral("guarded"), { BreakerCommand::Isolate, {}, {} }, 5.0));
        const QJsonArray schedule
            = window.document()->value(QStringLiteral("/pipelines/0/circuit_breaker/schedule")).toArray();
        QCOMPARE(schedule.size(), 1);
        QCOMPARE(schedule.at(0).toObject().value(QStringLiteral("at")).toDouble(), 5.0);
        QCOMPARE(schedule.at(0).toObject().value(QStringLiteral("action")).toString(), QStringLiteral("isolate"));
        // the engine runs it: the guarded breaker is forced open at 5 s
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        const RunResult engine = engineRun(window);
        QVERIFY(engine.pipeline(QStringLiteral("guarded"))->summary.breakerRejections > 0);
        QVERIFY(engine.pipeline(QStringLiteral("guarded"))->buckets[6].breakerState != BreakerState::Closed);
        window.document()->undoStack()->undo();
        QVERIFY(window.document()->value(QStringLiteral("/pipelines/0/circuit_breaker/schedule")).toArray().isEmpty());
    }

    // 1. one Summary column per pipeline; Show applies to the Summary, every chart and the tiles
    void summaryPerPipelineFollowsShow()
    {
        MainWindow window;
        window.show();
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        const RunResult engine = engineRun(window);
        CompareModel* model = window.compareView()->model();
        ResultsView* results = window.resultsView();

        QCOMPARE(results->scope(), RunScope::each());
        // The Summary follows within its refresh (CI once caught it between a run and its columns).
        QTRY_COMPARE_WITH_TIMEOUT(
            model->columnNames(), (QStringList { QStringLiteral("guarded"), QStringLiteral("plain") }), 5000);
        for (const QString& name : model->columnNames()) {
            const PipelineSummary& s = engine.pipeline(name)->summary;
            QCOMPARE(*model->value(CompareModel::Requests, name), double(s.requests));
            QCOMPARE(*model->value(CompareModel::Fallbacks, name), double(s.fallbacks));
            QCOMPARE(*model->value(CompareModel::LatencyP99, name), s.latencyP99Ms);
            QCOMPARE(*model->value(CompareModel::Transitions, name), double(s.breakerTransitions));
        }
        QVERIFY(*model->value(CompareModel::Transitions, QStringLiteral("guarded")) > 0);
        QVERIFY(!model->value(CompareModel::TimeToDetect, QStringLiteral("plain"))); // no breaker, nothing detects
        QVERIFY(model->value(CompareModel::TimeToDetect, QStringLiteral("guarded")));
        TrafficChart* traffic = results->trafficChart();
        QCOMPARE(traffic->slotCount(), 2);

        // one pipeline: its column, its lines, its circuits, its tile
        results->setScope(RunScope::one(QStringLiteral("plain")));
        QCOMPARE(model->columnNames(), QStringList { QStringLiteral("plain") });
        QCOMPARE(traffic->slotCount(), 1);
        QCOMPARE(traffic->slotPipeline(0), QStringLiteral("plain"));
        QCOMPARE(results->latencyChart()->slotPipeline(0), QStringLiteral("plain"));
        BreakerStateChart* breakers = results->breakerChart();
        QVERIFY(breakers->shownCircuits().isEmpty());
        breakers->flushRefresh();
        QCOMPARE(breakers->emptyNote(), QStringLiteral("plain has no circuit breaker"));
        QVERIFY(!window.circuitTiles()->tile(QStringLiteral("guarded"))->isVisibleTo(window.circuitTiles()));
        QVERIFY(window.circuitTiles()->tile(QStringLiteral("plain"))->isVisibleTo(window.circuitTiles()));

        results->setScope(RunScope::one(QStringLiteral("guarded")));
        QCOMPARE(breakers->shownCircuits(), QStringList { QStringLiteral("guarded") });

        // all combined: one column of totals
        results->setScope(RunScope::all());
        QCOMPARE(model->columnNames(), QStringList { QStringLiteral("All pipelines") });
        QCOMPARE(*model->value(CompareModel::Requests, QStringLiteral("All pipelines")), double(engine.total().requests));
        QVERIFY(breakers->shownCircuits().contains(QStringLiteral("guarded")));

        // A/B adds B's column beside each pipeline's
        results->setScope(RunScope::each());
        QSignalSpy finishedB(window.simulationB(), &SimulationController::finished);
        window.comparing()->start();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedB.isEmpty(), 20000);
        QTRY_VERIFY(model->hasB());
        QCOMPARE(model->columnCount(), 1 + 2 * 2);
        QCOMPARE(model->columnAt(2), std::make_pair(CompareModel::Kind::B, 0));
        QCOMPARE(*model->value(CompareModel::Requests, QStringLiteral("plain"), true),
            double(engine.pipeline(QStringLiteral("plain"))->summary.requests));
    }

    // 2. the Summary and its caption describe the replayed log (to its end), not the last simulation
    void summaryDescribesTheReplay()
    {
        MainWindow window;
        window.show();
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        const RunResult engine = engineRun(window);
        QString recorded;
        QVERIFY(window.recording()->recordSimulation(m_dir.filePath(QStringLiteral("replay")),
            [&recorded](const QString& path, const QString&) { recorded = path; }));
        QTRY_VERIFY_WITH_TIMEOUT(!recorded.isEmpty(), 20000);

        QVERIFY(window.openFile(recorded));
        // at once: no figures of the simulation are left under a replay caption
        QVERIFY(window.compareView()->model()->columnNames().isEmpty());
        QVERIFY2(caption(window).startsWith(QStringLiteral("Replay of")), qPrintable(caption(window)));
        ReplayControls* replay = window.replayControls();
        QTRY_VERIFY_WITH_TIMEOUT(replay->overviewDrawn(), 20000);
        window.summary()->refreshNow();
        CompareModel* model = window.compareView()->model();
        QCOMPARE(model->columnNames(), (QStringList { QStringLiteral("guarded"), QStringLiteral("plain") }));
        for (const QString& name : model->columnNames()) {
            const PipelineSummary& s = engine.pipeline(name)->summary;
            QCOMPARE(*model->value(CompareModel::Requests, name), double(s.requests));
            QCOMPARE(*model->value(CompareModel::Succeeded, name), double(s.succeeded));
            QCOMPARE(*model->value(CompareModel::Fallbacks, name), double(s.fallbacks));
            QCOMPARE(*model->value(CompareModel::Attempts, name), double(s.attempts));
            QCOMPARE(*model->value(CompareModel::Transitions, name), double(s.breakerTransitions));
        }
        QVERIFY2(caption(window).contains(QStringLiteral("the whole log")), qPrintable(caption(window)));

        // the middle of the log: the figures up to the playhead
        const LogReplayer& r = replay->replayer();
        replay->seek(r.events()[r.eventCount() / 2].time);
        window.summary()->refreshNow();
        QVERIFY(*model->value(CompareModel::Requests, QStringLiteral("plain"))
            < double(engine.pipeline(QStringLiteral("plain"))->summary.requests));
        QVERIFY2(caption(window).contains(QStringLiteral("up to")), qPrintable(caption(window)));

        // played to the end: the whole log again
        QSignalSpy finished(replay, &ReplayControls::finished);
        replay->setSpeed(LogReplayer::kMaxSpeed);
        replay->play();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        window.summary()->refreshNow();
        QCOMPARE(*model->value(CompareModel::Requests, QStringLiteral("plain")),
            double(engine.pipeline(QStringLiteral("plain"))->summary.requests));
        QVERIFY2(caption(window).contains(QStringLiteral("the whole log")), qPrintable(caption(window)));
    }

    // 3. tiles: short-circuited calls and fallbacks counted, no badge without a breaker
    void tilesShowWhatTheBreakerDid()
    {
        MainWindow window;
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        const RunResult engine = engineRun(window);
        const CircuitTileData guarded = window.circuitTiles()->tile(QStringLiteral("guarded"))->data();
        const CircuitTileData plain = window.circuitTiles()->tile(QStringLiteral("plain"))->data();
        QVERIFY(guarded.hasBreaker);
        QVERIFY(!plain.hasBreaker);
        const PipelineSummary& g = engine.pipeline(QStringLiteral("guarded"))->summary;
        QCOMPARE(guarded.shortCircuited, g.breakerRejections);
        QCOMPARE(guarded.fallbacks, g.fallbacks);
        QVERIFY(guarded.shortCircuited > 0 && guarded.fallbacks > 0);
        QVERIFY(guarded.failureRate > 0.2); // a third of the run the service was down
    }

    // 8. Ctrl+Z with a spin box focused undoes the document; a typed, uncommitted value goes first
    void undoWithSpinBoxFocus()
    {
        MainWindow window;
        window.show();
        QApplication::setActiveWindow(&window);
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        ParameterControl* threshold
            = window.pipelineEditor()->control(QStringLiteral("circuit_breaker"), QStringLiteral("failure_threshold"));
        QDoubleSpinBox* spin = threshold->spinBox();
        spin->setFocus();
        QTRY_VERIFY(spin->hasFocus());
        const QString pointer = QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold");

        spin->selectAll();
        QTest::keyClicks(spin, QStringLiteral("9"));
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(window.document()->value(pointer).toInt(), 9);
        QTest::keyClick(spin, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(window.document()->value(pointer).toInt(), 5); // the document's undo ran
        QCOMPARE(spin->value(), 5.0);
        QTest::keyClick(spin, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(window.document()->value(pointer).toInt(), 9); // and redo

        // typed but not committed: the first Ctrl+Z takes the typing back, the document is untouched
        const int steps = window.document()->undoStack()->index();
        spin->selectAll();
        QTest::keyClicks(spin, QStringLiteral("7"));
        QVERIFY(spin->text().startsWith(QLatin1Char('7')));
        QTest::keyClick(spin, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY2(spin->text().startsWith(QStringLiteral("9")), qPrintable(spin->text()));
        QCOMPARE(window.document()->undoStack()->index(), steps);
        QCOMPARE(window.document()->value(pointer).toInt(), 9);

        // sliders take the keyboard too; a run of key presses is one undo step
        QSlider* slider = threshold->slider();
        QVERIFY(slider->focusPolicy() & Qt::TabFocus);
        slider->setFocus();
        QTRY_VERIFY(slider->hasFocus());
        const int before = window.document()->undoStack()->count();
        QTest::keyClick(slider, Qt::Key_Right);
        QTest::keyClick(slider, Qt::Key_Right);
        QTest::keyClick(slider, Qt::Key_Right);
        QVERIFY(window.document()->value(pointer).toInt() > 9);
        QCOMPARE(window.document()->undoStack()->count(), before + 1);
    }

    void explicitShortcutsEverywhere()
    {
        MainWindow window;
        for (const QKeySequence& key : { QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), QKeySequence(Qt::CTRL | Qt::Key_S),
                 QKeySequence(Qt::CTRL | Qt::Key_O), QKeySequence(Qt::CTRL | Qt::Key_N), QKeySequence(Qt::CTRL | Qt::Key_Q),
                 QKeySequence(Qt::CTRL | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::Key_F1) })
            QVERIFY2(actionWithShortcut(window, key), qPrintable(key.toString()));
        QCOMPARE(actionWithShortcut(window, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)), window.files()->saveAsAction());
    }

    // 9. a log opens fully drawn, playhead at the start; the title names it; Replay keeps the Log dock
    void replayOpensFullyDrawn()
    {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        std::size_t transitions = 0;
        for (const Event& e : *applied.last().at(0).value<SimulationRun>().events)
            transitions += e.kind == EventKind::BreakerTransition && e.source == QStringLiteral("guarded");
        QString recorded;
        QVERIFY(window.recording()->recordSimulation(m_dir.filePath(QStringLiteral("drawn")),
            [&recorded](const QString& path, const QString&) { recorded = path; }));
        QTRY_VERIFY_WITH_TIMEOUT(!recorded.isEmpty(), 20000);
        QVERIFY(window.openFile(recorded));
        ReplayControls* replay = window.replayControls();
        QTRY_VERIFY_WITH_TIMEOUT(replay->overviewDrawn(), 20000);
        QVERIFY(!replay->isPlaying());
        QCOMPARE(replay->position(), replay->replayer().startTime());
        QCOMPARE(window.resultsView()->breakerChart()->transitions(QStringLiteral("guarded")).size(), transitions);
        TrafficChart* traffic = window.resultsView()->trafficChart();
        QCOMPARE(traffic->pipelines(), (QStringList { QStringLiteral("guarded"), QStringLiteral("plain") }));
        traffic->flushRefresh();
        QVERIFY(traffic->points(0, 0).size() >= 28); // every second of the 30 s run, drawn already
        QVERIFY2(window.windowTitle().contains(QFileInfo(recorded).fileName()), qPrintable(window.windowTitle()));

        auto* logDock = window.findChild<QDockWidget*>(QStringLiteral("logDock"));
        auto* pipelineDock = window.findChild<QDockWidget*>(QStringLiteral("pipelineDock"));
        auto* checksDock = window.findChild<QDockWidget*>(QStringLiteral("lintDock"));
        auto* clientsDock = window.findChild<QDockWidget*>(QStringLiteral("clientsDock"));
        QVERIFY(logDock->isVisible());
        QVERIFY(!pipelineDock->isVisible()); // no scenario to edit in a replay
        QVERIFY(checksDock->isHidden()); // nor to check
        QVERIFY(!window.comparing()->action()->isEnabled()); // nor to duplicate as variant B
        QPushButton* duplicate = nullptr;
        for (QPushButton* b : window.compareView()->findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Duplicate as variant B"))
                duplicate = b;
        QVERIFY(duplicate && duplicate->isHidden());
        logDock->hide();
        window.resetLayout();
        QVERIFY(logDock->isVisible());
        QVERIFY(!pipelineDock->isVisible());

        // Play starts over from the playhead; End jumps back to everything
        replay->play();
        QVERIFY(!replay->isOverview());
        replay->pause();
        replay->jumpToEnd();
        QCOMPARE(window.resultsView()->breakerChart()->transitions(QStringLiteral("guarded")).size(), transitions);

        window.setMode(MainWindow::Mode::Simulate);
        QVERIFY(pipelineDock->isVisible());
        QVERIFY(!checksDock->isHidden()); // back, in its tab beside the clients
        QVERIFY(window.comparing()->action()->isEnabled());
        QVERIFY(!duplicate->isHidden());
        QVERIFY(!clientsDock->isHidden());
    }

    // --screenshot with a log: captured once the replay is drawn (a log too large to draw at once is
    // jumped to its end; a log without workbench events still gets its Log panel), never waited out
    void screenshotsOfAReplayedLog()
    {
        QString recorded;
        {
            MainWindow recorder;
            QSignalSpy applied(&recorder, &MainWindow::runApplied);
            QVERIFY(recorder.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
            QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
            QVERIFY(recorder.recording()->recordSimulation(m_dir.filePath(QStringLiteral("shots")),
                [&recorded](const QString& path, const QString&) { recorded = path; }));
            QTRY_VERIFY_WITH_TIMEOUT(!recorded.isEmpty(), 20000);
        }
        const QString foreign = m_dir.filePath(QStringLiteral("foreign.jsonl"));
        {
            QFile f(foreign);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"ts\":\"2026-01-01T00:00:00Z\",\"level\":\"INFO\",\"msg\":\"not a workbench event\"}\n");
        }
        struct Case {
            QString log;
            std::size_t overviewLimit;
            bool charts;
        };
        const Case cases[] = { { recorded, 1000000, true }, { recorded, 1, true }, { foreign, 1000000, false } };
        int n = 0;
        for (const Case& c : cases) {
            MainWindow window;
            window.resize(1280, 720);
            window.show();
            window.replayControls()->setOverviewLimit(c.overviewLimit);
            const QString dir = m_dir.filePath(QStringLiteral("shots-%1").arg(++n));
            std::optional<bool> written;
            window.screenshotWhenReady(dir, [&written](bool ok) { written = ok; });
            QVERIFY(window.openFile(c.log));
            QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 20000);
            QVERIFY(*written);
            for (const char* name : { "main-window.png", "summary-panel.png", "log-panel.png" })
                QVERIFY2(QImage(dir + QLatin1Char('/') + QLatin1String(name)).width() > 100, name);
            QCOMPARE(QFileInfo::exists(dir + QStringLiteral("/chart-traffic.png")), true);
            QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/compare.png"))); // a replay has no variant B
            if (c.charts) // drawn whole: every breaker transition of the run is on the chart
                QVERIFY(!window.resultsView()->breakerChart()->transitions(QStringLiteral("guarded")).empty());
        }
    }

    // 10. variant B: "*" on its edits, a prompt before it is lost, saved beside A, exported
    void variantBIsSaved()
    {
        MainWindow window;
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        const QString pathA = m_dir.filePath(QStringLiteral("ab.json"));
        QVERIFY(window.files()->saveTo(pathA));
        QVERIFY(!window.isWindowModified());
        window.comparing()->start();
        const QString pointer = QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold");
        window.variantB()->setValue(pointer, 2, QStringLiteral("B edit"));
        QVERIFY(window.isWindowModified());
        QVERIFY(!window.document()->isModified());

        QVERIFY(window.files()->save());
        QVERIFY(!window.isWindowModified());
        const QString pathB = window.files()->defaultVariantBPath();
        QCOMPARE(pathB, m_dir.filePath(QStringLiteral("ab-variant-b.json")));
        QFile saved(pathB);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QJsonObject b = QJsonDocument::fromJson(saved.readAll()).object();
        QCOMPARE(b.value(QStringLiteral("pipelines")).toArray().at(0).toObject().value(QStringLiteral("circuit_breaker"))
                     .toObject().value(QStringLiteral("failure_threshold")).toInt(), 2);

        const QString config = m_dir.filePath(QStringLiteral("b-config.json"));
        QCOMPARE(window.files()->exportScenarioConfig(config, true), QString());
        QFile exported(config);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QVERIFY(exported.readAll().contains("\"failure_threshold\": 2"));

        // Undo follows the variant edited: B's tab is current after startCompare
        window.variantB()->setValue(pointer, 4, QStringLiteral("B again"));
        auto* undo = actionWithShortcut(window, QKeySequence(Qt::CTRL | Qt::Key_Z));
        QVERIFY(undo);
        undo->trigger();
        QCOMPARE(window.variantB()->value(pointer).toInt(), 2);
        QCOMPARE(window.document()->value(pointer).toInt(), 5);
    }

    // 11. Outage now / Recover in live mode act on the service only; the addresses are shown
    void liveActionsAreNotEdits()
    {
        const char* const live = R"({
          "schema_version": 1, "name": "Live", "seed": 1, "duration": 2, "drain_limit": 1,
          "services": [{"name": "payments", "fault": {"latency": {"distribution": "fixed", "value": 0.002}}}],
          "pipelines": [{"name": "checkout", "service": "payments"}],
          "clients": [{"name": "web", "pipeline": "checkout", "arrival": {"process": "constant", "rate": 20}}]})";
        MainWindow window;
        window.show();
        QVERIFY(window.openScenarioJson(live, QStringLiteral("live.json")));
        window.setMode(MainWindow::Mode::Live);
        LiveControls* controls = window.liveControls();
        QVERIFY(controls->isVisible());
        QVERIFY(!window.servicesEditor()->outageButton()->isVisible()); // edits, not for a live run
        QSignalSpy finished(window.live(), &LiveController::finished);
        actionWithShortcut(window, QKeySequence(Qt::Key_F5))->trigger();
        QVERIFY(window.live()->isRunning());
        const QString address = controls->addressOf(QStringLiteral("payments"));
        QVERIFY2(address.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(address));
        QTcpSocket socket; // a user can curl it
        socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(address.section(QLatin1Char(':'), 1).toUInt()));
        QVERIFY(socket.waitForConnected(5000));
        socket.abort();

        const int steps = window.document()->undoStack()->count();
        const QJsonObject before = window.document()->json();
        QTest::mouseClick(controls->outageButton(QStringLiteral("payments")), Qt::LeftButton);
        QVERIFY(controls->outageButton(QStringLiteral("payments"))->isChecked());
        QTest::mouseClick(controls->recoverButton(QStringLiteral("payments")), Qt::LeftButton);
        QCOMPARE(window.document()->undoStack()->count(), steps);
        QCOMPARE(window.document()->json(), before);
        QVERIFY(!window.isWindowModified());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY(!controls->outageButton(QStringLiteral("payments"))->isEnabled());
        // after the run every chart ends where the data ends: the last bucket is drawn, no lane runs on
        TrafficChart* traffic = window.resultsView()->trafficChart();
        traffic->flushRefresh();
        const double end = traffic->bucketer().endSeconds();
        QVERIFY(end > 1.0);
        QCOMPARE(window.resultsView()->breakerChart()->endTime(), end);
        const QList<QPointF> offered = traffic->values(0);
        QVERIFY(!offered.isEmpty());
        QVERIFY(offered.last().x() < end && offered.last().x() > end - 1.5);
    }

    // 13. record a live run through the engine's writer; click a chart to find its log lines
    void recordsLiveRunsAndLinksChartToLog()
    {
        const char* const live = R"({
          "schema_version": 1, "name": "Recorded live", "seed": 1, "duration": 1.5, "drain_limit": 1,
          "services": [{"name": "payments", "fault": {"latency": {"distribution": "fixed", "value": 0.002}}}],
          "pipelines": [{"name": "checkout", "service": "payments"}],
          "clients": [{"name": "web", "pipeline": "checkout", "arrival": {"process": "constant", "rate": 20}}]})";
        MainWindow window;
        window.show();
        QVERIFY(window.openScenarioJson(live, QStringLiteral("live.json")));
        window.setMode(MainWindow::Mode::Live);
        const QString dir = m_dir.filePath(QStringLiteral("live-recordings"));
        window.recording()->setLiveRecording(dir);
        QSignalSpy finished(window.live(), &LiveController::finished);
        std::size_t events = 0;
        connect(window.live(), &LiveController::eventsReady, this,
            [&events](const std::vector<Event>& batch) { events += batch.size(); });
        actionWithShortcut(window, QKeySequence(Qt::Key_F5))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const QString path = window.live()->recordingPath();
        QVERIFY2(QFileInfo(path).fileName().startsWith(QStringLiteral("recorded-live_")), qPrintable(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(std::size_t(lines.size()), events + 1); // run_started, then every event drawn
        QVERIFY(lines.front().contains("\"event\": \"run_started\""));

        // the recording opened as a log: a click at 1 s on a chart selects the lines of that moment
        QVERIFY(window.openFile(path));
        QTRY_VERIFY_WITH_TIMEOUT(window.replayControls()->overviewDrawn(), 20000);
        emit window.resultsView()->trafficChart()->timeClicked(1.0);
        LogPanel* log = window.logPanel();
        const QModelIndex current = log->tableView()->currentIndex();
        QVERIFY(current.isValid());
        const qint64 origin = window.replayControls()->replayer().originUtcMs();
        const qint64 at = current.data(LogTableModel::TimestampMsRole).toLongLong();
        QVERIFY2(at >= origin + 1000 && at < origin + 1100, qPrintable(QString::number(at - origin)));
    }

    // 13. a second recording of the same run gets its own file instead of being appended to the first
    void recordingTwiceKeepsRunsApart()
    {
        MainWindow window;
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(TwoPipelines, QStringLiteral("two.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        const QString dir = m_dir.filePath(QStringLiteral("twice"));
        QStringList paths;
        for (int i = 0; i < 2; ++i) {
            QString recorded;
            QVERIFY(window.recording()->recordSimulation(
                dir, [&recorded](const QString& path, const QString&) { recorded = path; }));
            QTRY_VERIFY_WITH_TIMEOUT(!recorded.isEmpty(), 20000);
            paths << recorded;
        }
        QCOMPARE(QFileInfo(paths[0]).fileName(), QStringLiteral("two-pipelines_2026-01-03.jsonl"));
        QCOMPARE(QFileInfo(paths[1]).fileName(), QStringLiteral("two-pipelines-2_2026-01-03.jsonl"));
        QFile a(paths[0]), b(paths[1]);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll()); // the same seed: the same run, byte for byte
    }

    // 15. Help menu and File > New
    void helpMenuAndNew()
    {
        MainWindow window;
        window.show();
        const QStringList shortcuts = window.help()->shortcutList();
        QVERIFY2(shortcuts.contains(QStringLiteral("Save As\tCtrl+Shift+S")), qPrintable(shortcuts.join(QLatin1Char('|'))));
        QVERIFY(!shortcuts.filter(QStringLiteral("Undo\tCtrl+Z")).isEmpty());
        QVERIFY(!shortcuts.filter(QStringLiteral("User Guide\tF1")).isEmpty());
        QVERIFY(!shortcuts.filter(QStringLiteral("Copy line\tCtrl+C")).isEmpty()); // the log table's
        window.help()->showPage(QStringLiteral("user-guide.md"));
        QVERIFY(window.help()->browser());
        const auto* text = window.help()->browser()->findChild<QTextBrowser*>();
        QVERIFY(text->toPlainText().contains(QStringLiteral("Resilience Workbench")));
        window.help()->showPage(QStringLiteral("log-query.md"));
        QVERIFY(text->toPlainText().contains(QStringLiteral("level>=WARNING")));
        window.help()->showShortcuts();
        QVERIFY(window.help()->shortcutsDialog()->isVisible());

        QSignalSpy applied(&window, &MainWindow::runApplied);
        window.files()->newScenario();
        QCOMPARE(window.document()->title(), QStringLiteral("Untitled scenario"));
        QCOMPARE(window.document()->value(QStringLiteral("/pipelines")).toArray().size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        QVERIFY(applied.last().at(0).value<SimulationRun>().ok()); // the engine's defaults make a valid run
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
