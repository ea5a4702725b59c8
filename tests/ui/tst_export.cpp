// Files and export: save/open round trip, config export in both formats and re-import, run summary.
#include "core/config/scenariojson.h"
#include "core/config/seedconfig.h"
#include "core/run/runsummaryjson.h"
#include "ui/shell/exporter.h"
#include "ui/shell/filecontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/simulationcontroller.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace rwb;

namespace {

const char* const Fixture = R"({
  "schema_version": 1, "name": "Export test", "seed": 11, "duration": 20,
  "services": [{"name": "orders", "fault": {"error_rate": 0.2, "latency": {"distribution": "fixed", "value": 0.01}}}],
  "pipelines": [{"name": "orders-client", "service": "orders",
    "retry": {"max_attempts": 4, "backoff": {"strategy": "exponential", "base_delay": 0.05, "max_delay": 1, "jitter": "none"}},
    "circuit_breaker": {"failure_threshold": 7, "recovery_timeout": 3}}],
  "clients": [{"name": "c", "pipeline": "orders-client", "arrival": {"process": "constant", "rate": 10}}]
})";

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void saveAndReopenRoundTrips()
    {
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("t.json")));
        window.document()->setValue(QStringLiteral("/pipelines/0/retry/max_attempts"), 6, QStringLiteral("edit"));
        const QJsonObject edited = window.document()->json();
        const QString path = dir.filePath(QStringLiteral("saved.json"));
        QVERIFY(window.files()->saveTo(path));
        QVERIFY(!window.document()->isModified());

        MainWindow other;
        QVERIFY(other.openFile(path));
        QCOMPARE(other.document()->json(), edited);
        QCOMPARE(other.document()->filePath(), path);
    }

    void scenarioConfigExportReimports()
    {
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("t.json")));
        const QJsonValue pipelines = window.document()->value(QStringLiteral("/pipelines"));
        const QString path = dir.filePath(QStringLiteral("config.json"));
        QCOMPARE(window.files()->exportScenarioConfig(path), QString());
        const QJsonObject exported = readJson(path);
        QCOMPARE(exported.value(QStringLiteral("pipelines")), pipelines);
        QVERIFY(!exported.contains(QStringLiteral("services")));
        // the file says its units: 0.05 is seconds, though the window shows 50 ms
        QCOMPARE(exported.value(QStringLiteral("units")).toObject().value(QStringLiteral("durations")).toString(),
            QStringLiteral("seconds"));

        // Change the pipelines, then import the exported config: back to the exported values, undoably.
        window.document()->setValue(
            QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"), 2, QStringLiteral("edit"));
        QString error;
        QVERIFY2(window.files()->importConfig(path, &error), qPrintable(error));
        QCOMPARE(window.document()->value(QStringLiteral("/pipelines")), pipelines);
        window.document()->undoStack()->undo();
        QCOMPARE(window.document()->value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold")).toInt(), 2);
    }

    void seedConfigExportReimports()
    {
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("t.json")));
        const QString path = dir.filePath(QStringLiteral("resilience_config.json"));
        QStringList lossy;
        QCOMPARE(window.files()->exportSeedConfig(path, &lossy), QString());
        const QJsonObject seed = readJson(path);
        const QJsonObject retry
            = seed.value(QStringLiteral("retry_configs")).toObject().value(QStringLiteral("orders-client")).toObject();
        QCOMPARE(retry.value(QStringLiteral("max_attempts")).toInt(), 4);
        QCOMPARE(retry.value(QStringLiteral("base_delay")).toDouble(), 0.05);
        const QJsonObject breaker = seed.value(QStringLiteral("circuit_breaker_configs"))
                                        .toObject()
                                        .value(QStringLiteral("orders-client"))
                                        .toObject();
        QCOMPARE(breaker.value(QStringLiteral("failure_threshold")).toInt(), 7);
        QCOMPARE(breaker.value(QStringLiteral("recovery_timeout")).toDouble(), 3.0);

        const QJsonValue before
            = window.document()->value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"));
        window.document()->setValue(
            QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"), 2, QStringLiteral("edit"));
        window.document()->setValue(QStringLiteral("/pipelines/0/retry/max_attempts"), 9, QStringLiteral("edit"));
        QString error;
        QVERIFY2(window.files()->importConfig(path, &error), qPrintable(error));
        QCOMPARE(window.document()->value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold")), before);
        QCOMPARE(window.document()->value(QStringLiteral("/pipelines/0/retry/max_attempts")).toInt(), 4);
    }

    void seedConfigExportListsEverythingItDrops()
    {
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("t.json")));
        window.document()->setValue(QStringLiteral("/pipelines/0/fallback"),
            QJsonObject { { QStringLiteral("on_failure"), true } }, QStringLiteral("fallback"));
        window.document()->setValue(QStringLiteral("/pipelines/0/timeout"),
            QJsonObject { { QStringLiteral("attempt_timeout"), 0.5 } }, QStringLiteral("timeout"));
        QStringList lossy;
        QCOMPARE(window.files()->exportSeedConfig(dir.filePath(QStringLiteral("seed.json")), &lossy), QString());
        const QString all = lossy.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("/pipelines/0 (orders-client): fallback dropped")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("/pipelines/0 (orders-client): timeout dropped")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("Retry-After handling dropped (honoured, 30 s without a hint, capped at 300 s)")),
            qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("bulkhead")), qPrintable(all)); // not configured: nothing lost
    }

    void brokenConfigIsRefused()
    {
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("t.json")));
        const QJsonObject session = window.document()->json();
        const QString path = dir.filePath(QStringLiteral("bad.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"retry_configs": {"orders-client": {"max_attempts": -1}}})");
        f.close();
        QString error;
        QVERIFY(!window.files()->importConfig(path, &error));
        QVERIFY2(error.contains(QStringLiteral("/retry_configs/orders-client/max_attempts")), qPrintable(error));
        QCOMPARE(window.document()->json(), session);
    }

    void runSummaryMatchesTheRun()
    {
        QTemporaryDir dir;
        MainWindow window;
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("t.json")));
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), 20000);
        const QString path = dir.filePath(QStringLiteral("run.json"));
        QCOMPARE(window.files()->exportRunSummary(path), QString());
        const QJsonObject summary = readJson(path);
        const RunResult& result = *window.simulation()->lastRun().result;
        QCOMPARE(summary.value(QStringLiteral("format_version")).toInt(), runjson::kFormatVersion);
        QCOMPARE(summary.value(QStringLiteral("source")).toString(), QStringLiteral("simulation"));
        const QJsonObject total = summary.value(QStringLiteral("totals")).toObject();
        QCOMPARE(total.value(QStringLiteral("requests")).toInteger(), qint64(result.total().requests));
        QCOMPARE(total.value(QStringLiteral("attempts")).toInteger(), qint64(result.total().attempts));
        QCOMPARE(summary.value(QStringLiteral("seed")).toInteger(), 11);
        const QJsonArray pipelines = summary.value(QStringLiteral("pipelines")).toArray();
        QCOMPARE(pipelines.size(), 1);
        const QJsonArray requests = pipelines.at(0)
                                        .toObject()
                                        .value(QStringLiteral("series"))
                                        .toObject()
                                        .value(QStringLiteral("requests"))
                                        .toArray();
        QCOMPARE(std::size_t(requests.size()), result.pipelines.front().buckets.size());
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
