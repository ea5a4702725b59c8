// Every setting a scenario holds has a control (issue 14, item 12): seed, duration and drain limit;
// clients (pipeline, count, arrival process, rate, bursts, active time); a service's error mix,
// flapping, degradation ramp and schedule (with its timeline); retryable / non-retryable and the
// breaker's monitored / ignored error classes; max_recovery_timeout. Each edit is one undo step and
// the engine accepts what the controls write.
#include "core/config/scenariojson.h"
#include "ui/editors/clientseditor.h"
#include "ui/common/collapsiblesection.h"
#include "ui/editors/jsonarraymodel.h"
#include "ui/editors/parametercontrol.h"
#include "ui/editors/parametersection.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/document/scenariodocument.h"
#include "ui/editors/scheduletimeline.h"
#include "ui/editors/serviceseditor.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMenu>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>

using namespace rwb;

namespace {

const char* const Fixture = R"({
  "schema_version": 1, "name": "Editors", "seed": 7, "duration": 60, "drain_limit": 20,
  "services": [{"name": "payments", "fault": {"error_rate": 0.1, "latency": {"distribution": "fixed", "value": 0.02}}}],
  "pipelines": [
    {"name": "checkout", "service": "payments", "retry": {"max_attempts": 3},
      "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2, "recovery_backoff_factor": 2}},
    {"name": "refunds", "service": "payments"}],
  "clients": [{"name": "web", "pipeline": "checkout", "arrival": {"process": "poisson", "rate": 10}}]
})";

QString engineProblems(const ScenarioDocument& document)
{
    const ScenarioLoad load = scenariojson::fromJson(document.json());
    QStringList problems;
    for (const auto& e : load.errors)
        problems << e.toString();
    return problems.join(QLatin1Char('\n'));
}

/// Sets a spin box as a user would: type and commit.
void type(QDoubleSpinBox* spin, double value)
{
    spin->setValue(value);
}

} // namespace

class TestEditors : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        m_document = std::make_unique<ScenarioDocument>();
        m_document->reset(QJsonDocument::fromJson(Fixture).object());
    }

    void runAndClients()
    {
        ClientsEditor editor;
        editor.setDocument(m_document.get());
        QUndoStack* undo = m_document->undoStack();

        type(editor.runSection()->control(QStringLiteral("seed"))->spinBox(), 99);
        QCOMPARE(m_document->value(QStringLiteral("/seed")).toInt(), 99);
        type(editor.runSection()->control(QStringLiteral("duration"))->spinBox(), 120);
        QCOMPARE(m_document->value(QStringLiteral("/duration")).toDouble(), 120.0);
        type(editor.runSection()->control(QStringLiteral("drain_limit"))->spinBox(), 5);
        QCOMPARE(m_document->value(QStringLiteral("/drain_limit")).toDouble(), 5.0);
        QCOMPARE(undo->count(), 3);

        // bursts: the burst controls appear only for that process
        ParameterSection* client = editor.clientSection();
        ParameterControl* burstSize = client->control(QStringLiteral("arrival/burst_size"));
        QVERIFY(burstSize->editor()->isHidden());
        auto* process = qobject_cast<QComboBox*>(client->control(QStringLiteral("arrival/process"))->editor());
        process->setCurrentIndex(process->findText(QStringLiteral("Bursts")));
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/process")).toString(), QStringLiteral("bursts"));
        QVERIFY(!burstSize->editor()->isHidden());
        type(burstSize->spinBox(), 25);
        type(client->control(QStringLiteral("arrival/burst_interval"))->spinBox(), 15);
        type(client->control(QStringLiteral("arrival/rate"))->spinBox(), 4);
        type(client->control(QStringLiteral("count"))->spinBox(), 3);
        type(client->control(QStringLiteral("arrival/end"))->spinBox(), 50);
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/burst_size")).toInt(), 25);
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/burst_interval")).toDouble(), 15.0);
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/end")).toDouble(), 50.0);
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/count")).toInt(), 3);
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
        // "until the end of the run" removes the member again
        type(client->control(QStringLiteral("arrival/end"))->spinBox(), 0);
        QVERIFY(m_document->value(QStringLiteral("/clients/0/arrival/end")).isUndefined());

        // another process takes the bursts' settings away in the same step (the engine refuses them)
        const int beforeSwitch = undo->count();
        process->setCurrentIndex(process->findText(QStringLiteral("Evenly spaced")));
        QVERIFY(m_document->value(QStringLiteral("/clients/0/arrival/burst_size")).isUndefined());
        QVERIFY(m_document->value(QStringLiteral("/clients/0/arrival/burst_interval")).isUndefined());
        QCOMPARE(undo->count(), beforeSwitch + 1);
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
        undo->undo();
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/burst_size")).toInt(), 25);
        // closed-loop users: think time and requests each instead of a rate
        ParameterControl* think = client->control(QStringLiteral("arrival/think_time"));
        QVERIFY(think->editor()->isHidden());
        process->setCurrentIndex(process->findText(QStringLiteral("Closed loop (users wait)")));
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/process")).toString(), QStringLiteral("closed"));
        QVERIFY(!think->editor()->isHidden());
        QVERIFY(client->control(QStringLiteral("arrival/rate"))->editor()->isHidden());
        QVERIFY(m_document->value(QStringLiteral("/clients/0/arrival/rate")).isUndefined());
        type(think->spinBox(), 2500);
        type(client->control(QStringLiteral("arrival/requests_per_user"))->spinBox(), 4);
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/think_time")).toDouble(), 2.5);
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/requests_per_user")).toInt(), 4);
        {
            const ScenarioLoad load = scenariojson::fromJson(m_document->json());
            QVERIFY2(load.ok(), qPrintable(engineProblems(*m_document)));
            QCOMPARE(load.scenario->clients[0].arrival.requestsPerUser, 4);
            QCOMPARE(load.scenario->clients[0].arrival.thinkTime.moments().mean, 2.5e9);
        }
        // a think-time distribution from the file is neither shown as a number nor overwritten
        m_document->setValue(QStringLiteral("/clients/0/arrival/think_time"),
            QJsonObject { { QStringLiteral("distribution"), QStringLiteral("exponential") }, { QStringLiteral("mean"), 2 } },
            QStringLiteral("file edit"));
        QVERIFY(!think->spinBox()->isEnabled());
        QCOMPARE(think->spinBox()->text(), QStringLiteral("set in the file"));
        QVERIFY(think->spinBox()->toolTip().contains(QLatin1String("edit it there")));
        QVERIFY(m_document->value(QStringLiteral("/clients/0/arrival/think_time")).isObject());
        type(think->spinBox(), 1000); // a programmatic set while disabled: still no edit of the object
        QVERIFY(m_document->value(QStringLiteral("/clients/0/arrival/think_time")).isObject());
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
        undo->undo();
        QVERIFY(think->spinBox()->isEnabled());
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/arrival/think_time")).toDouble(), 2.5);
        process->setCurrentIndex(process->findText(QStringLiteral("Poisson (random)")));
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));

        // the pipeline it calls, then a second client; undo takes the client away again
        editor.pipelineBox()->setCurrentIndex(1);
        emit editor.pipelineBox()->activated(1);
        QCOMPARE(m_document->value(QStringLiteral("/clients/0/pipeline")).toString(), QStringLiteral("refunds"));
        const int steps = undo->count();
        editor.addClient();
        QCOMPARE(m_document->value(QStringLiteral("/clients")).toArray().size(), 2);
        QCOMPARE(editor.clientBox()->count(), 2);
        QCOMPARE(editor.clientIndex(), 1);
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
        QCOMPARE(undo->count(), steps + 1);
        undo->undo();
        QCOMPARE(m_document->value(QStringLiteral("/clients")).toArray().size(), 1);
        QCOMPARE(editor.clientBox()->count(), 1);

        // the engine's verdict lands on the control
        editor.setProblems({ { QStringLiteral("/clients/0/arrival/rate"), QStringLiteral("expected >= 0"), 0 } });
        QVERIFY(client->control(QStringLiteral("arrival/rate"))->hasError());
    }

    void errorMixFlappingRampAndSchedule()
    {
        ServicesEditor editor;
        editor.setDocument(m_document.get());
        const QString profile = QStringLiteral("/services/0/fault");
        ParameterSection* mix = editor.sections().at(0);
        ParameterSection* flapping = editor.sections().at(1);
        ParameterSection* ramp = editor.sections().at(2);

        for (const char* key : { "http_500", "http_503", "http_429", "connection_reset", "hang", "malformed" })
            QVERIFY2(mix->control(QLatin1String(key)), key);
        type(mix->control(QStringLiteral("hang"))->spinBox(), 0.5);
        QCOMPARE(m_document->value(profile + QStringLiteral("/error_mix/hang")).toDouble(), 0.5);

        // flapping: the switch adds the whole section (one undo step), its controls edit it
        QVERIFY(!flapping->section()->isChecked());
        const int steps = m_document->undoStack()->count();
        flapping->section()->enableSwitch()->click();
        QCOMPARE(m_document->undoStack()->count(), steps + 1);
        const QJsonObject f = m_document->value(profile + QStringLiteral("/flapping")).toObject();
        QCOMPARE(f.value(QStringLiteral("period")).toDouble(), 30.0);
        QCOMPARE(f.value(QStringLiteral("error")).toString(), QStringLiteral("http_503"));
        type(flapping->control(QStringLiteral("duty_cycle"))->spinBox(), 75);
        QCOMPARE(m_document->value(profile + QStringLiteral("/flapping/duty_cycle")).toDouble(), 0.75);
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
        flapping->section()->enableSwitch()->click();
        QVERIFY(m_document->value(profile + QStringLiteral("/flapping")).isUndefined());

        ramp->section()->enableSwitch()->click();
        type(ramp->control(QStringLiteral("end"))->spinBox(), 100);
        type(ramp->control(QStringLiteral("latency_multiplier"))->spinBox(), 4);
        QCOMPARE(m_document->value(profile + QStringLiteral("/ramp/end")).toDouble(), 100.0);
        QCOMPARE(m_document->value(profile + QStringLiteral("/ramp/latency_multiplier")).toDouble(), 4.0);
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));

        // schedule: add a change, name it, move it; the timeline puts its marker there
        JsonArrayModel* schedule = editor.scheduleModel();
        auto* add = editor.findChild<QToolButton*>(QStringLiteral("addScheduleEntry"));
        QVERIFY(add);
        add->click();
        QCOMPARE(schedule->rowCount(), 1);
        QVERIFY(schedule->setData(schedule->index(0, 1), QStringLiteral("GC storm")));
        QVERIFY(schedule->setData(schedule->index(0, 0), 20.0));
        QVERIFY(schedule->setData(schedule->index(0, 2), 40.0));
        const QJsonObject entry = m_document->value(QStringLiteral("/services/0/schedule/0")).toObject();
        QCOMPARE(entry.value(QStringLiteral("label")).toString(), QStringLiteral("GC storm"));
        QCOMPARE(entry.value(QStringLiteral("at")).toDouble(), 20.0);
        QCOMPARE(entry.value(QStringLiteral("fault")).toObject().value(QStringLiteral("error_rate")).toDouble(), 0.4);
        QCOMPARE(schedule->index(0, 1).data().toString(), QStringLiteral("GC storm"));
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
        ScheduleTimeline* timeline = editor.timeline();
        timeline->resize(600, timeline->sizeHint().height());
        QCOMPARE(timeline->xOf(20), 8 + (600 - 16) * 20.0 / 60.0);
    }

    void errorClassesAndMaxRecovery()
    {
        PipelineEditor editor;
        editor.setDocument(m_document.get());
        ParameterControl* retryable = editor.control(QStringLiteral("retry"), QStringLiteral("retryable"));
        QVERIFY(retryable);
        // the document's canonical sets are ticked
        const QJsonArray before = m_document->value(QStringLiteral("/pipelines/0/retry/retryable")).toArray();
        QCOMPARE(retryable->classes().size(), before.isEmpty() ? 0 : before.size());
        QMenu* menu = retryable->classesButton()->menu();
        QAction* http404 = nullptr;
        for (QAction* a : menu->actions())
            if (a->text() == QStringLiteral("http_404"))
                http404 = a;
        QVERIFY(http404);
        http404->trigger();
        const QJsonArray after = m_document->value(QStringLiteral("/pipelines/0/retry/retryable")).toArray();
        QVERIFY(after.contains(QStringLiteral("http_404")));
        QVERIFY(m_document->undoStack()->undoText().contains(QStringLiteral("http_404")));

        ParameterControl* monitored = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("monitored"));
        ParameterControl* ignored = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("ignored"));
        QVERIFY(monitored && ignored);
        const auto tick = [](ParameterControl* control, const QString& name) {
            for (QAction* a : control->classesButton()->menu()->actions())
                if (a->text() == name) {
                    a->trigger();
                    return true;
                }
            return false;
        };
        QVERIFY(tick(monitored, QStringLiteral("http_503")));
        QVERIFY(tick(monitored, QStringLiteral("timeout")));
        QCOMPARE(m_document->value(QStringLiteral("/pipelines/0/circuit_breaker/monitored")).toArray().size(), 2);
        QVERIFY(tick(ignored, QStringLiteral("http_404")));
        QCOMPARE(m_document->value(QStringLiteral("/pipelines/0/circuit_breaker/ignored")).toArray(),
            QJsonArray { QStringLiteral("http_404") });

        ParameterControl* maxRecovery
            = editor.control(QStringLiteral("circuit_breaker"), QStringLiteral("max_recovery_timeout"));
        QVERIFY(maxRecovery);
        type(maxRecovery->spinBox(), 8000); // shown in ms, stored in seconds
        QCOMPARE(m_document->value(QStringLiteral("/pipelines/0/circuit_breaker/max_recovery_timeout")).toDouble(), 8.0);
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
        type(maxRecovery->spinBox(), 0); // Off: no cap
        QVERIFY(m_document->value(QStringLiteral("/pipelines/0/circuit_breaker/max_recovery_timeout")).isUndefined());
        QVERIFY2(engineProblems(*m_document).isEmpty(), qPrintable(engineProblems(*m_document)));
    }

private:
    std::unique_ptr<ScenarioDocument> m_document;
};

QTEST_MAIN(TestEditors)
#include "tst_editors.moc"
