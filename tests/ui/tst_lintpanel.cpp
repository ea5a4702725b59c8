// The Lint and Expectations panel: re-lints on every edit, judges `expect` against each applied run
// (no second simulation), and a finding leads to its control in the pipeline editor.
#include "ui/common/collapsiblesection.h"
#include "ui/common/settings.h"
#include "ui/editors/lintpanel.h"
#include "ui/shell/mainwindow.h"
#include "ui/editors/parametercontrol.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/simulationrun.h"

#include "core/config/scenariojson.h"
#include "core/sim/simulator.h"

#include <QApplication>
#include <QJsonDocument>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QUndoStack>

using namespace rwb;

namespace {

// A time-window breaker that can never open at this load (10 calls/s, 5 s window, minimum_calls 100),
// expected to open within 3 s of the outage (2.5 s once it can).
const char* const kTrap = R"({
  "schema_version": 1, "name": "trap", "duration": 60,
  "services": [{"name": "s", "fault": {"latency": {"distribution": "fixed", "value": 0.02},
                "outages": [{"start": 20, "end": 40, "error": "connection_refused"}]}}],
  "pipelines": [{"name": "p", "service": "s",
                 "circuit_breaker": {"trip_mode": "time_window", "failure_window": 5, "window_size": 200,
                                     "minimum_calls": 100, "recovery_timeout": 30},
                 "expect": {"breaker_opens_within": 3, "success_rate_at_least": 0.4}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "constant", "rate": 10}}]
})";

QJsonObject trapJson() { return QJsonDocument::fromJson(QByteArray(kTrap)).object(); }

bool hasRule(const LintPanel& panel, const char* rule)
{
    const auto& f = panel.findings();
    return std::any_of(f.begin(), f.end(), [&](const LintFinding& x) { return x.rule == QLatin1String(rule); });
}

SimulationRun simulate(const QJsonObject& json)
{
    const ScenarioLoad loaded = scenariojson::fromJson(json);
    SimulationRun run;
    run.scenario = std::make_shared<const Scenario>(*loaded.scenario);
    run.result = std::make_shared<const RunResult>(Simulator::run(*loaded.scenario));
    return run;
}

} // namespace

class TestLintPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchLintTest"));
        Settings::flush(); // values set by the previous test land first
        QSettings().clear();
    }

    void relintsOnEveryEdit()
    {
        ScenarioDocument document;
        LintPanel panel;
        panel.setDocument(&document);
        document.reset(trapJson());
        QVERIFY(hasRule(panel, "minimum_calls_unreachable"));
        QCOMPARE(panel.findingList()->count(), int(panel.findings().size()));
        QCOMPARE(panel.findingList()->item(0)->data(Qt::UserRole).toString(),
            QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"));

        document.setValue(QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"), 20, QStringLiteral("minimum calls"));
        QVERIFY(!hasRule(panel, "minimum_calls_unreachable"));
        document.undoStack()->undo();
        QVERIFY(hasRule(panel, "minimum_calls_unreachable"));

        // an invalid scenario: no findings, and the panel says why
        document.setValue(QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"), -1, QStringLiteral("minimum calls"));
        QVERIFY(panel.findings().empty());
        QCOMPARE(panel.findingList()->count(), 0);
    }

    void activatingAFindingAsksForItsSetting()
    {
        ScenarioDocument document;
        LintPanel panel;
        panel.setDocument(&document);
        document.reset(trapJson());
        QSignalSpy spy(&panel, &LintPanel::findingActivated);
        emit panel.findingList()->itemActivated(panel.findingList()->item(0));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"));

        PipelineEditor editor;
        editor.setDocument(&document);
        editor.section(QStringLiteral("circuit_breaker"))->setExpanded(false);
        QVERIFY(revealPipelineSetting(editor, QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls")));
        QVERIFY(editor.section(QStringLiteral("circuit_breaker"))->isExpanded());
        QVERIFY(!revealPipelineSetting(editor, QStringLiteral("/services/0/fault")));
        QVERIFY(!revealPipelineSetting(editor, QStringLiteral("/pipelines/0/no_such_policy/x")));
    }

    void badgesFollowTheRun()
    {
        LintPanel panel;
        panel.showRun(simulate(trapJson()));
        QCOMPARE(panel.expectations().size(), std::size_t(2));
        QCOMPARE(panel.expectationList()->count(), 2);
        QVERIFY(!panel.expectations()[0].passed); // the trapped breaker never opens
        QVERIFY(panel.expectationList()->item(0)->text().startsWith(QStringLiteral("FAIL p · breaker_opens_within")));
        QVERIFY(panel.expectations()[1].passed);

        QJsonObject fixed = trapJson();
        const ScenarioLoad loaded = scenariojson::fromJson(fixed);
        Scenario s = *loaded.scenario;
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"), 20).empty());
        panel.showRun(simulate(scenariojson::toJson(s)));
        QVERIFY(expectationcheck::allPassed(panel.expectations()));
        QVERIFY(panel.expectationList()->item(0)->text().startsWith(QLatin1String("PASS")));

        panel.showRun(SimulationRun {}); // a run that failed: no badges
        QCOMPARE(panel.expectationList()->count(), 0);
    }

    void mainWindowShowsBadgesOfItsOwnRun()
    {
        MainWindow window;
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(QByteArray(kTrap), QStringLiteral("trap.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        QVERIFY(window.lintPanel());
        QVERIFY(hasRule(*window.lintPanel(), "minimum_calls_unreachable"));
        QCOMPARE(window.lintPanel()->expectations().size(), std::size_t(2));
        // the finding is shown beside the control it concerns, and leaves with the fix
        ParameterControl* minimumCalls = window.pipelineEditor()->control(QStringLiteral("circuit_breaker"), QStringLiteral("minimum_calls"));
        QVERIFY(minimumCalls);
        QVERIFY2(minimumCalls->advice().startsWith(QLatin1String("minimum_calls_unreachable (error)")), qPrintable(minimumCalls->advice()));
        QVERIFY(window.pipelineEditor()->control(QStringLiteral("circuit_breaker"), QStringLiteral("failure_window"))->advice().isEmpty());
        window.document()->setValue(QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"), 20, QStringLiteral("minimum calls"));
        QVERIFY(minimumCalls->advice().isEmpty());
        window.document()->undoStack()->undo();
        // the finding takes the user to the pipeline editor's control
        emit window.lintPanel()->findingList()->itemActivated(window.lintPanel()->findingList()->item(0));
        QVERIFY(window.pipelineEditor()->section(QStringLiteral("circuit_breaker"))->isExpanded());
    }
};

QTEST_MAIN(TestLintPanel)
#include "tst_lintpanel.moc"
