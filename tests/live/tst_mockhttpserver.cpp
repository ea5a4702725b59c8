#include "core/live/mockhttpserver.h"
#include "core/policy/retryafterhint.h"

#include "livetesthelpers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <sys/resource.h>

using namespace rwb;
using namespace rwb::testing;

namespace {

FaultProfile failing(FaultKind kind)
{
    FaultProfile p = FaultProfile::healthy(1ms);
    p.errorRate = 1.0;
    p.errorMix = {};
    p.errorMix.http500 = kind == FaultKind::Http500 ? 1 : 0;
    p.errorMix.http503 = kind == FaultKind::Http503 ? 1 : 0;
    p.errorMix.http429 = kind == FaultKind::Http429 ? 1 : 0;
    p.errorMix.connectionReset = kind == FaultKind::ConnectionReset ? 1 : 0;
    p.errorMix.hang = kind == FaultKind::Hang ? 1 : 0;
    p.errorMix.malformed = kind == FaultKind::Malformed ? 1 : 0;
    return p;
}

std::unique_ptr<MockHttpServer> startServer(FaultSchedule schedule, MockServiceOptions options = {})
{
    auto server = std::make_unique<MockHttpServer>(std::move(schedule), std::move(options));
    QString error;
    if (!server->listen(&error))
        qWarning("listen failed: %s", qPrintable(error));
    return server;
}

} // namespace

class TestMockHttpServer : public QObject {
    Q_OBJECT
private slots:
    void okResponse();
    void statusFaults_data();
    void statusFaults();
    void latencyIsApplied();
    void resetAbortsConnection();
    void hangNeverAnswers();
    void malformedBody();
    void slowBodyDribbles();
    void scheduleChangesInRealTime();
    void controlEndpoint();
    void controlEndpointErrors_data();
    void controlEndpointErrors();
    void statsAndMetrics();
    void metricsGroupListsEachFamilyOnce();
    void refusesNonLoopback();
    void pipelinedInOrder();

    // robustness
    void garbageGets400AndServerKeepsServing();
    void megabyteHeaderLine();
    void unfinishedRequestTimesOut();
    void idleConnectionClosed();
    void thousandConnectionsAtOnce();
    void maxConnectionsEnforced();
    void clientDisconnectsMidResponse();
    void memoryStaysBounded();
};

void TestMockHttpServer::okResponse()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(1ms)));
    QVERIFY(server->isListening());
    QVERIFY(server->port() != 0);
    QCOMPARE(server->url().host(), QStringLiteral("127.0.0.1"));
    const RawResponse r = roundTrip(server->port(), get("/api"));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.closedByServer);
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(server->stats().requests, 1u);
    QCOMPARE(server->stats().byStatus.at(200), 1u);
    QTRY_COMPARE(server->stats().concurrent, 0);
}

void TestMockHttpServer::statusFaults_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("retryOn503");
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("retryAfter"); // expected header; "date" = an HTTP-date

    QTest::newRow("500") << int(FaultKind::Http500) << false << 0 << 500 << QByteArray();
    QTest::newRow("503 plain") << int(FaultKind::Http503) << false << 0 << 503 << QByteArray();
    QTest::newRow("503 retry-after") << int(FaultKind::Http503) << true << 0 << 503 << QByteArray("3");
    QTest::newRow("429 seconds") << int(FaultKind::Http429) << false << 0 << 429 << QByteArray("3");
    QTest::newRow("429 http-date") << int(FaultKind::Http429) << false << 1 << 429 << QByteArray("date");
}

void TestMockHttpServer::statusFaults()
{
    QFETCH(int, kind);
    QFETCH(bool, retryOn503);
    QFETCH(int, format);
    QFETCH(int, status);
    QFETCH(QByteArray, retryAfter);
    FaultProfile p = failing(FaultKind(kind));
    p.retryAfter = 2500ms; // rounded up to whole seconds
    p.retryAfterOn503 = retryOn503;
    p.retryAfterFormat = format == 0 ? RetryAfterFormat::Seconds : RetryAfterFormat::HttpDate;
    auto server = startServer(FaultSchedule(p));
    const RawResponse r = roundTrip(server->port(), get("/"));
    QCOMPARE(r.status, status);
    const QByteArray header = r.header("Retry-After");
    if (retryAfter == "date") {
        QVERIFY2(header.endsWith(" GMT"), header.constData());
        const auto delay = RetryAfterHint::parse(QString::fromLatin1(header), QDateTime::currentMSecsSinceEpoch());
        QVERIFY2(delay.has_value(), header.constData());
        QVERIFY2(*delay >= 2s && *delay <= 4s, header.constData()); // 3 s from a send time rounded up
    } else {
        QCOMPARE(header, retryAfter);
    }
    QCOMPARE(server->stats().byStatus.at(status), 1u);
}

void TestMockHttpServer::latencyIsApplied()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(150ms)));
    const RawResponse r = roundTrip(server->port(), get("/"));
    QCOMPARE(r.status, 200);
    QVERIFY2(r.elapsedMs >= 145 && r.elapsedMs < 1500, qPrintable(QString::number(r.elapsedMs)));
}

void TestMockHttpServer::resetAbortsConnection()
{
    auto server = startServer(FaultSchedule(failing(FaultKind::ConnectionReset)));
    RawClient client(server->port());
    client.send(get("/"));
    QVERIFY(client.waitClosed());
    RawResponse partial;
    QVERIFY(!takeResponse(client.buffer(), partial)); // cut off in the middle of the body
    QCOMPARE(server->stats().resets, 1u);
    QTRY_COMPARE(server->stats().concurrent, 0);
    // still serving
    server->setFaultOverride(FaultProfile::healthy(0ms));
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::hangNeverAnswers()
{
    MockServiceOptions options;
    options.hangLimit = 300ms;
    auto server = startServer(FaultSchedule(failing(FaultKind::Hang)), options);
    RawClient client(server->port());
    client.send(get("/"));
    QTRY_COMPARE(server->stats().concurrent, 1);
    QVERIFY(client.waitClosed()); // dropped at the hang limit, without a byte of response
    QVERIFY2(client.elapsedMs() >= 290, qPrintable(QString::number(client.elapsedMs())));
    QVERIFY(client.buffer().isEmpty());
    QCOMPARE(server->stats().hangs, 1u);
    QTRY_COMPARE(server->stats().concurrent, 0);

    // A client that gives up on a hang frees the slot at once.
    RawClient second(server->port());
    second.send(get("/"));
    QTRY_COMPARE(server->stats().concurrent, 1);
    second.socket()->abort();
    QTRY_COMPARE(server->stats().concurrent, 0);
    QCOMPARE(server->stats().hangs, 2u);
}

void TestMockHttpServer::malformedBody()
{
    auto server = startServer(FaultSchedule(failing(FaultKind::Malformed)));
    const RawResponse r = roundTrip(server->port(), get("/"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.complete);
    QJsonParseError error;
    QJsonDocument::fromJson(r.body, &error);
    QVERIFY(error.error != QJsonParseError::NoError);
    QCOMPARE(server->stats().malformed, 1u);
}

void TestMockHttpServer::slowBodyDribbles()
{
    MockServiceOptions options;
    options.slowBodyInterval = 20ms;
    options.slowBodyChunk = 16;
    options.bodyBytes = 160;
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)), options);
    RawClient client(server->port());
    int reads = 0;
    QObject::connect(client.socket(), &QTcpSocket::readyRead, [&reads] { ++reads; });
    client.send(get("/"));
    const RawResponse r = client.next();
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.size() >= 160);
    QVERIFY2(reads >= 5, qPrintable(QString::number(reads)));
    QVERIFY2(r.elapsedMs >= 150, qPrintable(QString::number(r.elapsedMs))); // >= 9 intervals of 20 ms
    QVERIFY(QJsonDocument::fromJson(r.body).isObject());
}

void TestMockHttpServer::scheduleChangesInRealTime()
{
    // Down (503) from 0 to 300 ms of the schedule, healthy after; the change is announced as an event.
    FaultProfile p = FaultProfile::healthy(0ms);
    p.outages.push_back({ 0ms, 300ms, FaultKind::Http503 });
    CollectingSink sink;
    MockServiceOptions options;
    options.name = QStringLiteral("payments");
    auto server = std::make_unique<MockHttpServer>(FaultSchedule(p), options);
    server->setEventSink(&sink);
    QVERIFY(server->listen());
    QCOMPARE(roundTrip(server->port(), get("/")).status, 503);
    QTRY_VERIFY_WITH_TIMEOUT(sink.size() >= 1, 3000);
    const Event e = sink.events().front();
    QVERIFY(e.kind == EventKind::FaultChanged);
    QCOMPARE(e.source, QStringLiteral("payments"));
    QVERIFY(e.time >= TimePoint(290ms));
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::controlEndpoint()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    QSignalSpy changed(server.get(), &MockHttpServer::faultChanged);
    RawClient client(server->port()); // one keep-alive connection for control and traffic
    client.send(post("/_control/fault", R"({"down": "http_503"})"));
    RawResponse r = client.next();
    QCOMPARE(r.status, 200);
    QVERIFY(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("override")).toBool());
    QCOMPARE(changed.count(), 1);
    client.send(get("/"));
    QCOMPARE(client.next().status, 503);

    client.send(post("/_control/fault", R"({"down": false, "error_rate": 1, "error_mix": {"http_500": 0, "http_429": 1},
                                             "retry_after": "4s"})"));
    QCOMPARE(client.next().status, 200);
    client.send(get("/"));
    r = client.next();
    QCOMPARE(r.status, 429);
    QCOMPARE(r.header("Retry-After"), QByteArray("4"));

    client.send("DELETE /_control/fault HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(client.next().status, 200);
    client.send(get("/"));
    QCOMPARE(client.next().status, 200);
    QCOMPARE(changed.count(), 3);
    QVERIFY(!client.closed());
    // Control calls are not service requests.
    QCOMPARE(server->stats().requests, 3u);
}

void TestMockHttpServer::controlEndpointErrors_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("bad json") << post("/_control/fault", "{\"error_rate\": ") << 400 << QStringLiteral("offset");
    QTest::newRow("not an object") << post("/_control/fault", "[1]") << 400 << QStringLiteral("object");
    QTest::newRow("unknown field") << post("/_control/fault", R"({"eror_rate": 1})") << 400
                                   << QStringLiteral("/eror_rate");
    QTest::newRow("wrong type") << post("/_control/fault", R"({"error_rate": "x"})") << 400
                                << QStringLiteral("/error_rate");
    QTest::newRow("out of range") << post("/_control/fault", R"({"error_rate": 2})") << 400
                                  << QStringLiteral("/error_rate");
    QTest::newRow("nested") << post("/_control/fault", R"({"latency": {"kind": "fixed", "value": "soon"}})") << 400
                            << QStringLiteral("/latency/value");
    QTest::newRow("unknown kind") << post("/_control/fault", R"({"down": "meteor"})") << 400 << QStringLiteral("/down");
    QTest::newRow("unknown path") << get("/_control/nope") << 404 << QStringLiteral("unknown control path");
    QTest::newRow("wrong method") << post("/_control/stats", "{}") << 405 << QStringLiteral("GET");
}

void TestMockHttpServer::controlEndpointErrors()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    const QString before = server->currentProfile().describe();
    const RawResponse r = roundTrip(server->port(), request);
    QCOMPARE(r.status, status);
    const QString message = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toString();
    QVERIFY2(message.contains(messagePart), qPrintable(message));
    QCOMPARE(server->currentProfile().describe(), before); // earlier state kept
}

void TestMockHttpServer::statsAndMetrics()
{
    MockServiceOptions options;
    options.name = QStringLiteral("inventory");
    auto server = startServer(FaultSchedule(failing(FaultKind::Http500)), options);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(roundTrip(server->port(), get("/")).status, 500);
    RawResponse r = roundTrip(server->port(), get("/_control/stats"));
    QCOMPARE(r.status, 200);
    const QJsonObject stats = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(stats.value(QStringLiteral("service")).toString(), QStringLiteral("inventory"));
    QCOMPARE(stats.value(QStringLiteral("requests")).toInt(), 3);
    QCOMPARE(stats.value(QStringLiteral("by_status")).toObject().value(QStringLiteral("500")).toInt(), 3);
    QCOMPARE(stats.value(QStringLiteral("concurrent")).toInt(), 0);
    QVERIFY(stats.value(QStringLiteral("connections")).toObject().value(QStringLiteral("accepted")).toInt() >= 4);

    server->setMetricsProvider([] { return QByteArray("rwb_client_attempts_total{pipeline=\"p\"} 7\n"); });
    r = roundTrip(server->port(), get("/metrics"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    QVERIFY2(r.body.contains("# TYPE rwb_mock_requests_total counter\n"), r.body.constData());
    QVERIFY(r.body.contains("rwb_mock_requests_total{service=\"inventory\"} 3\n"));
    QVERIFY(r.body.contains("rwb_mock_responses_total{service=\"inventory\",status=\"500\"} 3\n"));
    QVERIFY(r.body.contains("rwb_mock_in_flight{service=\"inventory\"} 0\n"));
    QVERIFY(r.body.contains("rwb_client_attempts_total{pipeline=\"p\"} 7\n"));
}

void TestMockHttpServer::metricsGroupListsEachFamilyOnce()
{
    MockServiceOptions a;
    a.name = QStringLiteral("alpha");
    MockServiceOptions b;
    b.name = QStringLiteral("be\"ta");
    auto first = startServer(FaultSchedule(FaultProfile::healthy(0ms)), a);
    auto second = startServer(FaultSchedule(FaultProfile::healthy(0ms)), b);
    first->setMetricsGroup({ first.get(), second.get() });
    QCOMPARE(roundTrip(second->port(), get("/")).status, 200);
    const QByteArray text = roundTrip(first->port(), get("/metrics")).body;
    QCOMPARE(text.count("# TYPE rwb_mock_requests_total counter"), 1);
    QVERIFY(text.contains("rwb_mock_requests_total{service=\"alpha\"} 0\n"));
    QVERIFY2(text.contains("rwb_mock_requests_total{service=\"be\\\"ta\"} 1\n"), text.constData());
    // Every sample line is "name{labels} value".
    for (const QByteArray& line : text.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        QVERIFY2(QRegularExpression(QStringLiteral("^[a-z_]+\\{[^}]*\\} -?[0-9]+$"))
                     .match(QString::fromUtf8(line))
                     .hasMatch(),
            line.constData());
    }
}

void TestMockHttpServer::refusesNonLoopback()
{
    MockServiceOptions options;
    options.address = QHostAddress(QHostAddress::AnyIPv4);
    MockHttpServer server(FaultSchedule {}, options);
    QString error;
    QVERIFY(!server.listen(&error));
    QVERIFY2(error.contains(QStringLiteral("non-loopback")), qPrintable(error));
    QVERIFY(!server.isListening());
}

void TestMockHttpServer::pipelinedInOrder()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    RawClient client(server->port());
    client.send(get("/a") + get("/_control/fault") + get("/b") + get("/c", "Connection: close\r\n"));
    QList<int> statuses;
    for (int i = 0; i < 4; ++i)
        statuses << client.next().status;
    QCOMPARE(statuses, (QList<int> { 200, 200, 200, 200 }));
    QVERIFY(client.waitClosed());
    QCOMPARE(server->stats().requests, 3u);
}

void TestMockHttpServer::garbageGets400AndServerKeepsServing()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    RawClient client(server->port());
    static const char kTlsHello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n";
    client.send(QByteArray(kTlsHello, sizeof kTlsHello - 1)); // a TLS ClientHello-like start, NULs included
    const RawResponse r = client.next();
    QCOMPARE(r.status, 400);
    QVERIFY(client.waitClosed());
    QCOMPARE(server->stats().badRequests, 1u);
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::megabyteHeaderLine()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    RawClient client(server->port());
    client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Huge: " + QByteArray(1024 * 1024, 'a') + "\r\n\r\n");
    const RawResponse r = client.next(10000);
    QCOMPARE(r.status, 431);
    QVERIFY(client.waitClosed());
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::unfinishedRequestTimesOut()
{
    MockServiceOptions options;
    options.requestTimeout = 300ms;
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)), options);
    RawClient client(server->port());
    client.send("GET / HTTP/1.1\r\nHost: x\r\n"); // never finished
    const RawResponse r = client.next();
    QCOMPARE(r.status, 408);
    QVERIFY2(r.elapsedMs >= 290, qPrintable(QString::number(r.elapsedMs)));
    QVERIFY(client.waitClosed());
    QCOMPARE(server->stats().timedOutConnections, 1u);
}

void TestMockHttpServer::idleConnectionClosed()
{
    MockServiceOptions options;
    options.idleTimeout = 200ms;
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)), options);
    RawClient client(server->port());
    client.send(get("/"));
    QCOMPARE(client.next().status, 200);
    QVERIFY(client.waitClosed());
    QVERIFY2(client.elapsedMs() >= 190, qPrintable(QString::number(client.elapsedMs())));
    QTRY_COMPARE(server->stats().connectionsOpen, 0);
}

void TestMockHttpServer::thousandConnectionsAtOnce()
{
    // Each connection costs two descriptors in this process (client and server side).
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    const int count = std::min<int>(1000, static_cast<int>((limit.rlim_cur - 64) / 2));
    if (count < 1000)
        qInfo("fd limit %d: opening %d connections", int(limit.rlim_cur), count);
    MockServiceOptions options;
    options.maxConnections = count + 10;
    auto server = startServer(FaultSchedule(FaultProfile::healthy(1ms)), options);
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < count; ++i)
        clients.push_back(std::make_unique<RawClient>(server->port()));
    for (auto& c : clients)
        c->send(get("/"));
    int ok = 0;
    (void)QTest::qWaitFor(
        [&] {
            ok = 0;
            for (auto& c : clients) {
                RawResponse r;
                QByteArray copy = c->buffer();
                ok += takeResponse(copy, r) && r.status == 200;
            }
            return ok == count;
        },
        30000);
    QCOMPARE(ok, count);
    QCOMPARE(server->stats().requests, quint64(count));
    QCOMPARE(server->stats().connectionsOpen, count);
    QCOMPARE(server->stats().connectionsRejected, 0u);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(server->stats().connectionsOpen, 0, 10000);
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::maxConnectionsEnforced()
{
    MockServiceOptions options;
    options.maxConnections = 5;
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)), options);
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 5; ++i) {
        held.push_back(std::make_unique<RawClient>(server->port()));
        QVERIFY(held.back()->waitConnected());
    }
    QTRY_COMPARE(server->stats().connectionsOpen, 5);
    RawClient extra(server->port());
    extra.send(get("/"));
    const RawResponse r = extra.next();
    QCOMPARE(r.status, 503);
    QVERIFY(extra.waitClosed());
    QCOMPARE(server->stats().connectionsRejected, 1u);
    held.clear();
    QTRY_COMPARE(server->stats().connectionsOpen, 0);
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::clientDisconnectsMidResponse()
{
    MockServiceOptions options;
    options.slowBodyInterval = 50ms;
    options.slowBodyChunk = 4;
    options.bodyBytes = 400;
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)), options);
    RawClient client(server->port());
    client.send(get("/"));
    QVERIFY(QTest::qWaitFor([&] { return client.buffer().contains("\r\n\r\n"); }, 5000)); // head arrived
    QCOMPARE(server->stats().concurrent, 1);
    client.socket()->abort();
    QTRY_COMPARE(server->stats().concurrent, 0);
    QCOMPARE(server->stats().clientAborts, 1u);
    QTRY_COMPARE(server->stats().connectionsOpen, 0);
    server->setSlowBody(0ms, 1);
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::memoryStaysBounded()
{
    // 20 clients each stream 4 MB without ever ending a line: each is cut off at the head limit, and
    // the server's memory does not grow with what they send.
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    const qint64 before = residentKiB();
    std::vector<std::unique_ptr<RawClient>> clients;
    const QByteArray chunk(256 * 1024, 'z');
    for (int i = 0; i < 20; ++i) {
        clients.push_back(std::make_unique<RawClient>(server->port()));
        clients.back()->send("GET /" + chunk);
        for (int k = 0; k < 15; ++k)
            clients.back()->socket()->write(chunk);
    }
    for (auto& c : clients)
        QVERIFY(c->waitClosed(15000));
    QCOMPARE(server->stats().badRequests, 20u);
    clients.clear();
    QTRY_COMPARE(server->stats().connectionsOpen, 0);
    const qint64 growth = residentKiB() - before;
    qInfo("resident growth: %lld KiB", growth);
    QVERIFY2(growth < 64 * 1024, qPrintable(QString::number(growth)));
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

QTEST_GUILESS_MAIN(TestMockHttpServer)
#include "tst_mockhttpserver.moc"
