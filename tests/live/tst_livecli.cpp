// `rwb serve` and `rwb live` end to end: the real binary, real sockets on 127.0.0.1, signals.
#include "livetesthelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb::testing;

namespace {

const char* const kScenario = R"({
  "schema_version": 1,
  "name": "cli test",
  "seed": 7,
  "duration": 1,
  "drain_limit": 5,
  "services": [{"name": "api", "fault": {"error_rate": 0, "latency": {"distribution": "fixed", "value": 0.002}}}],
  "pipelines": [{"name": "calls", "service": "api", "retry": {"max_attempts": 2}}],
  "clients": [{"name": "users", "pipeline": "calls", "arrival": {"process": "constant", "rate": 20}}]
})";

} // namespace

class TestLiveCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void serveAnswersAndStopsOnSigterm();
    void liveRunsAndWritesEvents();
    void liveRejectsRemoteUrl();
    void liveInterruptedSaysSo();
    void serveRejectsBadScenario();

private:
    QTemporaryDir m_dir;
    QString m_scenario;
};

void TestLiveCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_scenario = m_dir.filePath(QStringLiteral("scenario.json"));
    QFile f(m_scenario);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(kScenario);
}

void TestLiveCli::serveAnswersAndStopsOnSigterm()
{
    QProcess serve;
    serve.start(QStringLiteral(RWB_BINARY), { QStringLiteral("serve"), m_scenario, QStringLiteral("--json") });
    QVERIFY(serve.waitForStarted());
    QVERIFY(QTest::qWaitFor([&] { return serve.canReadLine() || serve.state() == QProcess::NotRunning; }, 15000));
    const QJsonObject services
        = QJsonDocument::fromJson(serve.readLine()).object().value(QStringLiteral("services")).toObject();
    const QUrl url(services.value(QStringLiteral("api")).toString());
    QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
    QVERIFY(url.port() > 0);
    QCOMPARE(roundTrip(quint16(url.port()), get("/")).status, 200);
    const RawResponse stats = roundTrip(quint16(url.port()), get("/_control/stats"));
    QCOMPARE(QJsonDocument::fromJson(stats.body).object().value(QStringLiteral("requests")).toInt(), 1);

    serve.terminate(); // SIGTERM
    QVERIFY(serve.waitForFinished(10000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 0);
}

void TestLiveCli::liveRunsAndWritesEvents()
{
    const QString events = m_dir.filePath(QStringLiteral("events.jsonl"));
    QProcess live;
    live.start(QStringLiteral(RWB_BINARY),
        { QStringLiteral("live"), m_scenario, QStringLiteral("--duration"), QStringLiteral("1s"),
            QStringLiteral("--json"), QStringLiteral("--out"), events });
    QVERIFY(live.waitForFinished(30000));
    QCOMPARE(live.exitCode(), 0);
    const QJsonObject summary = QJsonDocument::fromJson(live.readAllStandardOutput()).object();
    const QJsonObject calls = summary.value(QStringLiteral("pipelines")).toArray().at(0).toObject();
    QCOMPARE(calls.value(QStringLiteral("name")).toString(), QStringLiteral("calls"));
    QCOMPARE(calls.value(QStringLiteral("requests")).toInt(), 20);
    QCOMPARE(calls.value(QStringLiteral("succeeded")).toInt(), 20);
    QFile log(events);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 41); // the run_started line, then an attempt and a request_done per request
    const QJsonObject first = QJsonDocument::fromJson(lines.front()).object();
    QCOMPARE(first.value(QStringLiteral("extra")).toObject().value(QStringLiteral("event")).toString(),
        QStringLiteral("run_started"));
}

void TestLiveCli::liveRejectsRemoteUrl()
{
    QProcess live;
    live.start(QStringLiteral(RWB_BINARY),
        { QStringLiteral("live"), m_scenario, QStringLiteral("--url"), QStringLiteral("api=http://192.0.2.1/") });
    QVERIFY(live.waitForFinished(10000));
    QCOMPARE(live.exitCode(), 2);
    QVERIFY(live.readAllStandardError().contains("loopback"));
}

void TestLiveCli::liveInterruptedSaysSo()
{
    // A run planned for 20 s is stopped by SIGTERM once its mock answers: the summary must say it was
    // interrupted, report the traffic time that really passed, and the exit code must not be 0.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    QProcess live;
    live.start(QStringLiteral(RWB_BINARY),
        { QStringLiteral("live"), m_scenario, QStringLiteral("--duration"), QStringLiteral("20s"),
            QStringLiteral("--json"), QStringLiteral("--port"), QStringLiteral("api=%1").arg(port) });
    QVERIFY(live.waitForStarted());
    auto mockAnswers = [port] {
        RawClient client(port);
        if (!client.waitConnected(500))
            return false;
        client.send(get("/"));
        return client.next(2000).status == 200;
    };
    QVERIFY(QTest::qWaitFor([&] { return live.state() != QProcess::Running || mockAnswers(); }, 15000));
    QCOMPARE(live.state(), QProcess::Running);
    live.terminate(); // SIGTERM
    QVERIFY(live.waitForFinished(15000));
    QCOMPARE(live.exitStatus(), QProcess::NormalExit);
    QCOMPARE(live.exitCode(), 130);
    const QJsonObject summary = QJsonDocument::fromJson(live.readAllStandardOutput()).object();
    QCOMPARE(summary.value(QStringLiteral("interrupted")).toBool(), true);
    const double duration = summary.value(QStringLiteral("duration_s")).toDouble(-1);
    QVERIFY2(duration >= 0 && duration < 15, qPrintable(QString::number(duration)));
    QVERIFY(live.readAllStandardError().contains("interrupted after"));
}

void TestLiveCli::serveRejectsBadScenario()
{
    const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"schema_version": 1, "services": [], "pipelines": [], "clients": []})");
    f.close();
    QProcess serve;
    serve.start(QStringLiteral(RWB_BINARY), { QStringLiteral("serve"), bad });
    QVERIFY(serve.waitForFinished(10000));
    QCOMPARE(serve.exitCode(), 2);
    QVERIFY(serve.readAllStandardError().contains("/services"));
}

QTEST_GUILESS_MAIN(TestLiveCli)
#include "tst_livecli.moc"
