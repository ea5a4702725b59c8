// Pipeline editor and its document: controls write JSON values through the undo stack, drags merge
// into one step, enable switches and order, problems flagged on the right control; JSON pointers.
#include "core/policy/backoff.h"
#include "core/policy/circuitbreaker.h"
#include "ui/common/collapsiblesection.h"
#include "ui/editors/parametercatalog.h"
#include "core/config/jsonpointer.h"
#include "ui/editors/parametercontrol.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/document/scenariodocument.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QListWidget>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>
#include <QUndoStack>

#include <functional>
#include <map>

using namespace rwb;

namespace {

QJsonObject scenario()
{
    return QJsonDocument::fromJson(R"({
      "pipelines": [
        {"name": "a", "service": "s", "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.5, "jitter": "full"}},
         "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 30}},
        {"name": "b", "service": "s"}
      ]
    })")
        .object();
}

} // namespace

class TestPipelineEditor : public QObject {
    Q_OBJECT

private slots:
    void pointers_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QJsonValue>("expected");
        QTest::newRow("root member") << QStringLiteral("/pipelines/0/name") << QJsonValue(QStringLiteral("a"));
        QTest::newRow("nested") << QStringLiteral("/pipelines/0/retry/backoff/base_delay") << QJsonValue(0.5);
        QTest::newRow("missing") << QStringLiteral("/pipelines/0/bulkhead") << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("index out of range") << QStringLiteral("/pipelines/5/name") << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("not an index") << QStringLiteral("/pipelines/x") << QJsonValue(QJsonValue::Undefined);
    }

    void pointers()
    {
        QFETCH(QString, pointer);
        QFETCH(QJsonValue, expected);
        QCOMPARE(json::get(scenario(), pointer), expected);
    }

    void pointerEscaping()
    {
        QCOMPARE(
            json::tokens(QStringLiteral("/a~1b/c~0d")), (QStringList { QStringLiteral("a/b"), QStringLiteral("c~d") }));
        QCOMPARE(json::pointer({ QStringLiteral("a/b"), QStringLiteral("c~d") }), QStringLiteral("/a~1b/c~0d"));
        QJsonValue root = scenario();
        QVERIFY(json::set(root, QStringLiteral("/pipelines/1/timeout/attempt_timeout"), 2.0));
        QCOMPARE(json::get(root, QStringLiteral("/pipelines/1/timeout/attempt_timeout")).toDouble(), 2.0);
        QVERIFY(!json::set(root, QStringLiteral("/pipelines/7/name"), 1));
        QVERIFY(json::remove(root, QStringLiteral("/pipelines/1/timeout")));
        QVERIFY(!json::remove(root, QStringLiteral("/pipelines/1/timeout")));
    }

    void countUnitsAgreeWithTheNumber()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        ParameterControl* threshold
            = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("failure_threshold"));
        QVERIFY(threshold);
        QCOMPARE(threshold->spinBox()->suffix(), QStringLiteral(" failures")); // 5
        threshold->spinBox()->setValue(1);
        QCOMPARE(threshold->spinBox()->suffix(), QStringLiteral(" failure"));
        doc.undoStack()->undo(); // back to 5 through the document
        QCOMPARE(threshold->spinBox()->suffix(), QStringLiteral(" failures"));
        ParameterControl* base = editor.control(QStringLiteral("retry"), QStringLiteral("backoff/base_delay"));
        QVERIFY(base);
        QCOMPARE(base->spinBox()->suffix(), QStringLiteral(" ms")); // units without a singular stay
    }

    void spinBoxEditIsUndoable()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        ParameterControl* threshold
            = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("failure_threshold"));
        QVERIFY(threshold);
        QCOMPARE(threshold->spinBox()->value(), 5.0);
        QSignalSpy changed(&doc, &ScenarioDocument::valueChanged);
        threshold->spinBox()->setValue(8);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"));
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold")).toInt(), 8);
        QVERIFY(doc.isModified());
        doc.undoStack()->undo();
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold")).toInt(), 5);
        QCOMPARE(threshold->spinBox()->value(), 5.0);
        QVERIFY(!doc.isModified());
        doc.undoStack()->redo();
        QCOMPARE(threshold->spinBox()->value(), 8.0);
    }

    void durationsShownInMilliseconds()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        ParameterControl* base = editor.control(QStringLiteral("retry"), QStringLiteral("backoff/base_delay"));
        QCOMPARE(base->spinBox()->value(), 500.0);
        base->spinBox()->setValue(250);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/retry/backoff/base_delay")).toDouble(), 0.25);
    }

    void sliderDragIsOneUndoStep()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.show();
        ParameterControl* recovery
            = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("recovery_timeout"));
        editor.setDocument(&doc);
        QSlider* slider = recovery->slider();
        emit slider->sliderPressed();
        for (int v : { 100, 200, 300, 400 })
            slider->setValue(v);
        emit slider->sliderReleased();
        QCOMPARE(doc.undoStack()->count(), 1);
        QVERIFY(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/recovery_timeout")).toDouble() != 30.0);
        doc.undoStack()->undo();
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/recovery_timeout")).toDouble(), 30.0);
        // A second drag is a second step.
        emit slider->sliderPressed();
        slider->setValue(500);
        emit slider->sliderReleased();
        emit slider->sliderPressed();
        slider->setValue(700);
        emit slider->sliderReleased();
        QCOMPARE(doc.undoStack()->count(), 2);
    }

    void enableSwitchAndPipelineChoice()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        QVERIFY(editor.section(QStringLiteral("retry"))->isChecked());
        QVERIFY(!editor.section(QStringLiteral("bulkhead"))->isChecked()); // absent: off
        editor.section(QStringLiteral("bulkhead"))->enableSwitch()->setChecked(true);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/bulkhead/enabled")).toBool(), true);
        editor.section(QStringLiteral("retry"))->enableSwitch()->setChecked(false);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/retry/enabled")).toBool(), false);
        // The retry settings stay in the document while it is off.
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/retry/max_attempts")).toInt(), 3);

        editor.setPipelineIndex(1);
        QCOMPARE(editor.pipelinePointer(), QStringLiteral("/pipelines/1"));
        QVERIFY(!editor.section(QStringLiteral("retry"))->isChecked());
        // Enabling then editing writes to pipeline 1 only.
        editor.section(QStringLiteral("bulkhead"))->enableSwitch()->setChecked(true);
        editor.control(QStringLiteral("bulkhead"), QStringLiteral("max_concurrent"))->spinBox()->setValue(4);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/1/bulkhead/max_concurrent")).toInt(), 4);
        QVERIFY(doc.value(QStringLiteral("/pipelines/0/bulkhead/max_concurrent")).isUndefined());
    }

    void orderFollowsDocument()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        QListWidget* list = editor.orderList();
        QCOMPARE(list->count(), 6);
        QCOMPARE(list->item(0)->data(Qt::UserRole).toString(), QStringLiteral("fallback"));
        const QJsonArray order { QStringLiteral("retry"), QStringLiteral("fallback"), QStringLiteral("circuit_breaker"),
            QStringLiteral("rate_limiter"), QStringLiteral("bulkhead"), QStringLiteral("timeout") };
        doc.setValue(QStringLiteral("/pipelines/0/order"), order, QStringLiteral("order"));
        QCOMPARE(list->item(0)->data(Qt::UserRole).toString(), QStringLiteral("retry"));
        QCOMPARE(list->item(1)->data(Qt::UserRole).toString(), QStringLiteral("fallback"));
        doc.undoStack()->undo();
        QCOMPARE(list->item(0)->data(Qt::UserRole).toString(), QStringLiteral("fallback"));
    }

    void hedgingControlsWriteTheStageButNotTheOrder()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        QCOMPARE(editor.orderList()->count(), 6); // hedging has no place in `order`
        QVERIFY(!editor.section(QStringLiteral("hedging"))->isChecked());
        editor.section(QStringLiteral("hedging"))->enableSwitch()->setChecked(true);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/hedging/enabled")).toBool(), true);
        ParameterControl* hedges = editor.control(QStringLiteral("hedging"), QStringLiteral("max_hedged_attempts"));
        QVERIFY(hedges);
        hedges->spinBox()->setValue(50); // beyond the engine's 10
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/hedging/max_hedged_attempts")).toInt(), 10);
        editor.control(QStringLiteral("hedging"), QStringLiteral("delay"))->spinBox()->setValue(150);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/hedging/delay")).toDouble(), 0.15);
        QVERIFY(editor.control(QStringLiteral("hedging"), QStringLiteral("delay_percentile")));
        QVERIFY(editor.control(QStringLiteral("hedging"), QStringLiteral("on_failure_only")));
    }

    void everyChoiceIsOneTheEngineReads()
    {
        // The editor offers what the engine parses: a spelling it does not know would make the
        // scenario fail to load the moment a user picks it.
        const std::map<QString, std::function<bool(const QString&)>> engine {
            { QStringLiteral("retry/backoff/jitter"), [](const QString& v) { return jitterFromString(v).has_value(); } },
            { QStringLiteral("retry/backoff/strategy"),
                [](const QString& v) { return backoffStrategyFromString(v).has_value(); } },
            { QStringLiteral("circuit_breaker/half_open_rule"),
                [](const QString& v) { return halfOpenRuleFromString(v).has_value(); } },
            { QStringLiteral("circuit_breaker/initial_state"),
                [](const QString& v) { return breakerInitialStateFromString(v).has_value(); } },
        };
        int checked = 0;
        for (const ParameterGroup& group : catalog::pipelineGroups())
            for (const ParameterSpec& spec : group.parameters) {
                const auto parser = engine.find(group.key + QLatin1Char('/') + spec.key);
                if (parser == engine.end())
                    continue;
                for (const QString& value : spec.choices) {
                    QVERIFY2(parser->second(value), qPrintable(parser->first + QStringLiteral(": ") + value));
                    ++checked;
                }
            }
        QCOMPARE(checked, 6 + 3 + 2 + 6); // jitters, strategies, half-open rules, initial states

        // Picking one writes its spelling; success_threshold only applies to the any-failure rule.
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        editor.show();
        ParameterControl* ruleControl = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("half_open_rule"));
        auto* rule = qobject_cast<QComboBox*>(ruleControl->editor());
        QVERIFY(rule);
        ParameterControl* successes = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("success_threshold"));
        QVERIFY(successes->editor()->isVisibleTo(&editor));
        rule->setCurrentIndex(int(ruleControl->spec().choices.indexOf(QStringLiteral("rates"))));
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/half_open_rule")).toString(), QStringLiteral("rates"));
        QVERIFY(!successes->editor()->isVisibleTo(&editor));
        ParameterControl* jitterControl = editor.control(QStringLiteral("retry"), QStringLiteral("backoff/jitter"));
        auto* jitter = qobject_cast<QComboBox*>(jitterControl->editor());
        QVERIFY(jitter);
        jitter->setCurrentIndex(int(jitterControl->spec().choices.indexOf(QStringLiteral("decorrelated_v2"))));
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/retry/backoff/jitter")).toString(), QStringLiteral("decorrelated_v2"));
    }

    void problemsFlagTheirControl()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        editor.setProblems({ { QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"),
            QStringLiteral("expected an integer >= 1, got 0"), 0 } });
        ParameterControl* threshold
            = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("failure_threshold"));
        QVERIFY(threshold->hasError());
        QVERIFY(threshold->spinBox()->toolTip().contains(QStringLiteral("expected an integer")));
        QVERIFY(!editor.control(QStringLiteral("retry"), QStringLiteral("max_attempts"))->hasError());
        editor.setProblems({});
        QVERIFY(!threshold->hasError());
    }

    void spinBoxesCannotLeaveTheLegalRange()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        ParameterControl* attempts = editor.control(QStringLiteral("retry"), QStringLiteral("max_attempts"));
        attempts->spinBox()->setValue(-3);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/retry/max_attempts")).toInt(), 1);
        ParameterControl* rate
            = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("failure_rate_threshold"));
        rate->spinBox()->setValue(150);
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/failure_rate_threshold")).toDouble(), 1.0);
    }

    // "Behave like": one undo step sets behave_like and the values the library fixes; the controls
    // take the library's names (ours stay in the tooltip) and the fixed ones are disabled with a reason.
    void behaveLikeSwitchIsOneUndoStep()
    {
        ScenarioDocument doc;
        doc.reset(scenario());
        PipelineEditor editor;
        editor.setDocument(&doc);
        QComboBox* combo = editor.behaveLikeCombo();
        QCOMPARE(combo->currentText(), QStringLiteral("Workbench"));
        ParameterControl* recovery = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("recovery_timeout"));
        ParameterControl* probes = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("permitted_probes"));
        QCOMPARE(recovery->labelText(), QStringLiteral("Recovery timeout"));

        combo->setCurrentIndex(combo->findData(QStringLiteral("opossum")));
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/behave_like")).toString(), QStringLiteral("opossum"));
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/trip_mode")).toString(), QStringLiteral("time_window"));
        QCOMPARE(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/success_threshold")).toInt(), 1);
        QCOMPARE(recovery->labelText(), QStringLiteral("resetTimeout"));
        QVERIFY(recovery->spinBox()->toolTip().contains(QStringLiteral("recovery_timeout")));
        QVERIFY(recovery->spinBox()->isEnabled());
        QVERIFY(!probes->spinBox()->isEnabled());
        QCOMPARE(probes->fixedBecause(), QStringLiteral("opossum: one trial call decides"));
        QCOMPARE(doc.undoStack()->count(), 1);

        doc.undoStack()->undo();
        QVERIFY(doc.value(QStringLiteral("/pipelines/0/behave_like")).isUndefined());
        QVERIFY(doc.value(QStringLiteral("/pipelines/0/circuit_breaker/trip_mode")).isUndefined());
        QCOMPARE(combo->currentText(), QStringLiteral("Workbench"));
        QCOMPARE(recovery->labelText(), QStringLiteral("Recovery timeout"));
        QVERIFY(probes->spinBox()->isEnabled());
        doc.undoStack()->redo();
        QCOMPARE(combo->currentText(), QStringLiteral("opossum"));

        // Another pipeline without a breaker: only the key is written.
        editor.setPipelineIndex(1);
        QCOMPARE(combo->currentText(), QStringLiteral("Workbench"));
        combo->setCurrentIndex(combo->findData(QStringLiteral("resilience4j")));
        QCOMPARE(doc.value(QStringLiteral("/pipelines/1/behave_like")).toString(), QStringLiteral("resilience4j"));
        QVERIFY(doc.value(QStringLiteral("/pipelines/1/circuit_breaker")).isUndefined());
    }
};

QTEST_MAIN(TestPipelineEditor)
#include "tst_pipelineeditor.moc"
