#include "core/live/descriptorlimit.h"
#include "core/live/mockhttpserver.h"
#include "core/live/mockservicegroup.h"
#include "core/policy/retryafterhint.h"

#include "livetesthelpers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <QDir>

#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>

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
    void workersServeOthersWait();
    void fullQueueRefusesAtOnce();
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

    // hostile clients (issue 13)
    void pipeliningNonReaderIsBoundedAndLosesNothing();
    void nonReaderClosedAfterIdleTimeout();
    void descriptorExhaustionPausesAccepting();
    void groupBudgetsConnectionsAcrossServices();
    void controlRefusesForeignHostAndOrigin_data();
    void controlRefusesForeignHostAndOrigin();
    void controlPostNeedsJsonContentType();
    void controlPutIsNotAllowed();
    void controlRejectsAllZeroErrorMix();
    void http09AndBareCrGetImmediate400_data();
    void http09AndBareCrGetImmediate400();
    void controlCallsAreNotMockResponses();
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

// Two workers, four simultaneous requests of 300 ms: two are served at once, the other two really wait
// for a worker (not a stretched latency) and are answered one service time later.
void TestMockHttpServer::workersServeOthersWait()
{
    FaultProfile p = FaultProfile::healthy(300ms);
    p.capacity.maxConcurrent = 2;
    p.capacity.queueSize = 10;
    auto server = startServer(FaultSchedule(p));
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<RawClient>(server->port()));
        QVERIFY(clients.back()->waitConnected());
    }
    for (auto& c : clients)
        c->send(get("/"));
    QTRY_COMPARE_WITH_TIMEOUT(server->stats().queued, 2, 5000);
    std::vector<qint64> elapsed;
    for (auto& c : clients) {
        const RawResponse r = c->next(5000);
        QCOMPARE(r.status, 200);
        elapsed.push_back(r.elapsedMs);
    }
    std::sort(elapsed.begin(), elapsed.end());
    QVERIFY2(elapsed[1] < 550 && elapsed[2] >= 590, qPrintable(QStringLiteral("%1 %2").arg(elapsed[1]).arg(elapsed[2])));
    QCOMPARE(server->stats().maxQueued, 2);
    QCOMPARE(server->stats().queued, 0);
    QCOMPARE(server->stats().overloaded, quint64(0));
}

// One worker, no waiting room: while it is busy a second request is refused with the overload error
// after the overload latency, without waiting for the first.
void TestMockHttpServer::fullQueueRefusesAtOnce()
{
    FaultProfile p = FaultProfile::healthy(2s);
    p.capacity.maxConcurrent = 1;
    p.capacity.overloadError = FaultKind::Http503;
    auto server = startServer(FaultSchedule(p));
    RawClient first(server->port());
    QVERIFY(first.waitConnected());
    first.send(get("/"));
    QTRY_COMPARE_WITH_TIMEOUT(server->stats().concurrent, 1, 5000);
    const RawResponse refused = roundTrip(server->port(), get("/"));
    QCOMPARE(refused.status, 503);
    QVERIFY2(refused.elapsedMs < 1000, qPrintable(QString::number(refused.elapsedMs)));
    QCOMPARE(server->stats().overloaded, quint64(1));
    QCOMPARE(first.next(5000).status, 200);
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

    client.send("DELETE /_control/fault HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
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

namespace {

/// Counts complete responses of a stream without keeping it: each starts with an HTTP/1.1 status line.
class ResponseCounter {
public:
    void feed(const QByteArray& bytes)
    {
        const QByteArray text = m_tail + bytes;
        m_count += text.count("HTTP/1.1 ");
        m_tail = text.right(8); // shorter than the marker: never counted twice
    }
    qint64 count() const { return m_count; }

private:
    QByteArray m_tail;
    qint64 m_count = 0;
};

qint64 cpuMs()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return qint64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
        + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
}

} // namespace

void TestMockHttpServer::pipeliningNonReaderIsBoundedAndLosesNothing()
{
    // One connection pipelines 2 MiB of GET /metrics (~50,000 requests, ~1.5 KB per answer) and does not
    // read. Before, the server answered every request into its socket's write buffer (~75 MB); now it
    // stops at 64 KiB unsent, and every answer still arrives once the client reads.
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    const QByteArray one = get("/metrics");
    const int total = int((2 << 20) / one.size());
    QTcpSocket client;
    client.setReadBufferSize(1); // Qt stops reading from the kernel: the client "never reads"
    client.connectToHost(QHostAddress(QHostAddress::LocalHost), server->port());
    QVERIFY(client.waitForConnected(5000));
    const qint64 before = residentKiB();
    client.write(one.repeated(total));
    QTRY_VERIFY_WITH_TIMEOUT(server->stats().writeStalls >= 1, 10000);
    auto answeredSoFar = [&server] {
        const auto& counts = server->stats().controlByStatus;
        return counts.count(200) ? counts.at(200) : 0u;
    };
    // The kernel's socket buffers take what they can; then the server must stop producing.
    quint64 answered = answeredSoFar();
    QElapsedTimer steady;
    steady.start();
    while (steady.elapsed() < 15000) {
        QTest::qWait(250);
        if (answeredSoFar() == answered)
            break;
        answered = answeredSoFar();
    }
    QCOMPARE(answeredSoFar(), answered);
    QVERIFY2(answered < quint64(total) / 4, qPrintable(QString::number(answered)));
    const qint64 growth = residentKiB() - before;
    qInfo("answered %llu of %d before stalling; resident growth %lld KiB", answered, total, growth);
#ifndef __SANITIZE_ADDRESS__ // AddressSanitizer quarantines freed memory: resident size then says little
    QVERIFY2(growth < 32 * 1024, qPrintable(QString::number(growth)));
#endif

    ResponseCounter counter;
    connect(&client, &QTcpSocket::readyRead, &client, [&] { counter.feed(client.readAll()); });
    client.setReadBufferSize(0);
    counter.feed(client.readAll());
    QTRY_COMPARE_WITH_TIMEOUT(counter.count(), qint64(total), 60000);
    QCOMPARE(answeredSoFar(), quint64(total));
    QCOMPARE(server->stats().badRequests, 0u);
}

void TestMockHttpServer::nonReaderClosedAfterIdleTimeout()
{
    MockServiceOptions options;
    options.idleTimeout = 300ms;
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)), options);
    QTcpSocket client;
    client.setReadBufferSize(1);
    client.connectToHost(QHostAddress(QHostAddress::LocalHost), server->port());
    QVERIFY(client.waitForConnected(5000));
    client.write(get("/metrics").repeated(20000));
    QTRY_VERIFY_WITH_TIMEOUT(server->stats().writeStalls >= 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(server->stats().connectionsOpen, 0, 10000);
    QCOMPARE(server->stats().timedOutConnections, 1u);
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::descriptorExhaustionPausesAccepting()
{
    // The process runs out of descriptors while clients queue in the listen backlog. Accepting must
    // pause (not spin on EMFILE, not stop for good) and resume once descriptors are free again.
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    rlimit saved {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &saved), 0);
    struct Restore {
        rlimit limit;
        std::vector<int> fds;
        ~Restore()
        {
            for (int fd : fds)
                ::close(fd);
            setrlimit(RLIMIT_NOFILE, &limit);
        }
    } restore { saved, {} };
    rlimit low = saved;
    low.rlim_cur = rlim_t(openDescriptors() + 40);
    QCOMPARE(setrlimit(RLIMIT_NOFILE, &low), 0);

    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(server->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (restore.fds.size() < 100) { // blocking connects: each completes in the kernel's backlog
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            QCOMPARE(errno, EMFILE);
            break;
        }
        restore.fds.push_back(fd);
        QCOMPARE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    }
    QVERIFY(restore.fds.size() >= 30);
    QTRY_VERIFY_WITH_TIMEOUT(server->stats().acceptPauses >= 1, 5000);
    const qint64 cpuBefore = cpuMs();
    QTest::qWait(500);
    const qint64 cpu = cpuMs() - cpuBefore;
    qInfo("CPU while out of descriptors: %lld ms in 500 ms", cpu);
    QVERIFY2(cpu < 200, qPrintable(QString::number(cpu)));

    for (int i = 0; i < 30; ++i) { // free descriptors: the server accepts the queue and serves again
        ::close(restore.fds.back());
        restore.fds.pop_back();
    }
    QTRY_VERIFY_WITH_TIMEOUT(server->stats().connectionsAccepted >= restore.fds.size(), 5000);
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
}

void TestMockHttpServer::groupBudgetsConnectionsAcrossServices()
{
    Scenario scenario;
    scenario.services = { { QStringLiteral("a"), FaultSchedule(FaultProfile::healthy(0ms)) },
        { QStringLiteral("b"), FaultSchedule(FaultProfile::healthy(0ms)) } };
    MockServiceGroup group;
    QCOMPARE(group.connectionsPerService(2), (descriptors::softLimit() - MockServiceGroup::kReservedDescriptors) / 2);
    group.setDescriptorBudget(20);
    QString error;
    QVERIFY2(group.start(scenario, {}, &error), qPrintable(error)); // asks for the default 1024 each
    MockHttpServer* a = group.server(QStringLiteral("a"));
    MockHttpServer* b = group.server(QStringLiteral("b"));
    QCOMPARE(a->options().maxConnections, 10);
    QCOMPARE(b->options().maxConnections, 10);
    // A flood on one service takes its share only: the other still answers.
    std::vector<std::unique_ptr<RawClient>> flood;
    for (int i = 0; i < 10; ++i) {
        flood.push_back(std::make_unique<RawClient>(a->port()));
        QVERIFY(flood.back()->waitConnected());
    }
    QTRY_COMPARE(a->stats().connectionsOpen, 10);
    QCOMPARE(roundTrip(a->port(), get("/")).status, 503);
    QCOMPARE(roundTrip(b->port(), get("/")).status, 200);
    QCOMPARE(roundTrip(b->port(), get("/_control/stats")).status, 200);
}

void TestMockHttpServer::controlRefusesForeignHostAndOrigin_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    const QByteArray json("Content-Type: application/json\r\nContent-Length: 14\r\n");
    const QByteArray body(R"({"down": true})");
    QTest::newRow("rebinding: foreign Host") << get("/_control/stats").replace("Host: 127.0.0.1", "Host: evil.example")
                                             << 403;
    QTest::newRow("rebinding: foreign Host with port")
        << get("/metrics").replace("Host: 127.0.0.1", "Host: evil.example:8080") << 403;
    QTest::newRow("rebinding: POST")
        << "POST /_control/fault HTTP/1.1\r\nHost: attacker.test:9000\r\n" + json + "\r\n" + body << 403;
    QTest::newRow("csrf: foreign Origin")
        << "POST /_control/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n" + json + "\r\n" + body
        << 403;
    QTest::newRow("csrf: null Origin")
        << "POST /_control/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: null\r\n" + json + "\r\n" + body << 403;
    QTest::newRow("csrf: lookalike Origin")
        << "POST /_control/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1.evil.example\r\n" + json
            + "\r\n" + body
        << 403;
    QTest::newRow("loopback Origin") << "POST /_control/fault HTTP/1.1\r\nHost: 127.0.0.1:80\r\nOrigin: "
                                        "http://localhost:3000\r\n"
            + json + "\r\n" + body
                                     << 200;
    QTest::newRow("localhost") << get("/_control/stats").replace("Host: 127.0.0.1", "Host: LocalHost:1234") << 200;
    QTest::newRow("ipv6 loopback") << get("/_control/stats").replace("Host: 127.0.0.1", "Host: [::1]:1234") << 200;
    QTest::newRow("127/8") << get("/_control/stats").replace("Host: 127.0.0.1", "Host: 127.1.2.3") << 200;
    QTest::newRow("HTTP/1.0 without Host") << QByteArray("GET /_control/stats HTTP/1.0\r\n\r\n") << 200;
    QTest::newRow("service path: any Host") << get("/").replace("Host: 127.0.0.1", "Host: evil.example") << 200;
}

void TestMockHttpServer::controlRefusesForeignHostAndOrigin()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    const RawResponse r = roundTrip(server->port(), request);
    QCOMPARE(r.status, status);
    if (status == 403) {
        const QString message = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toString();
        QVERIFY2(message.contains(QStringLiteral("loopback")), qPrintable(message));
        QVERIFY(!server->currentProfile().describe().contains(QStringLiteral("down")));
    }
}

void TestMockHttpServer::controlPostNeedsJsonContentType()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    const QString before = server->currentProfile().describe();
    // What a browser form or a no-preflight fetch() can send cross-site.
    for (const QByteArray& type : { QByteArray("text/plain"), QByteArray("application/x-www-form-urlencoded"),
             QByteArray("multipart/form-data; boundary=x"), QByteArray() }) {
        const QByteArray body(R"({"down": true})");
        QByteArray request = "POST /_control/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
        if (!type.isEmpty())
            request += "Content-Type: " + type + "\r\n";
        const RawResponse r = roundTrip(server->port(), request + "\r\n" + body);
        QCOMPARE(r.status, 415);
        QVERIFY(r.body.contains("application/json"));
    }
    QCOMPARE(server->currentProfile().describe(), before);
    const QByteArray body(R"({"error_rate": 0.5})");
    const RawResponse ok = roundTrip(server->port(),
        "POST /_control/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: Application/JSON; charset=utf-8\r\n"
        "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QCOMPARE(ok.status, 200);
}

void TestMockHttpServer::controlPutIsNotAllowed()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    const QString before = server->currentProfile().describe();
    QByteArray put = post("/_control/fault", R"({"down": true})");
    put.replace(0, 4, "PUT");
    const RawResponse r = roundTrip(server->port(), put);
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("Allow"), QByteArray("GET, HEAD, POST, DELETE"));
    QCOMPARE(server->currentProfile().describe(), before);
    QCOMPARE(roundTrip(server->port(), post("/metrics", "{}")).header("Allow"), QByteArray("GET, HEAD"));
}

void TestMockHttpServer::controlRejectsAllZeroErrorMix()
{
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)));
    const RawResponse r
        = roundTrip(server->port(), post("/_control/fault", R"({"error_rate": 1, "error_mix": {"http_500": 0}})"));
    QCOMPARE(r.status, 422);
    QVERIFY(r.body.contains("/error_mix"));
}

void TestMockHttpServer::http09AndBareCrGetImmediate400_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("HTTP/0.9") << QByteArray("GET /\r\n");
    QTest::newRow("bare CR") << QByteArray("GET / HTTP/1.1\rHost: 127.0.0.1\r\r");
}

void TestMockHttpServer::http09AndBareCrGetImmediate400()
{
    QFETCH(QByteArray, request);
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms))); // request timeout: 10 s
    RawClient client(server->port());
    client.send(request);
    const RawResponse r = client.next(5000);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.elapsedMs < 2000, qPrintable(QString::number(r.elapsedMs)));
    QVERIFY(client.waitClosed());
    QCOMPARE(server->stats().timedOutConnections, 0u);
}

void TestMockHttpServer::controlCallsAreNotMockResponses()
{
    MockServiceOptions options;
    options.name = QStringLiteral("svc");
    auto server = startServer(FaultSchedule(FaultProfile::healthy(0ms)), options);
    QCOMPARE(roundTrip(server->port(), get("/")).status, 200);
    QCOMPARE(roundTrip(server->port(), get("/_control/stats")).status, 200);
    QCOMPARE(roundTrip(server->port(), get("/_control/nope")).status, 404);
    const QByteArray text = roundTrip(server->port(), get("/metrics")).body;
    QVERIFY2(text.contains("rwb_mock_responses_total{service=\"svc\",status=\"200\"} 1\n"), text.constData());
    QVERIFY(!text.contains("rwb_mock_responses_total{service=\"svc\",status=\"404\"}"));
    QVERIFY(text.contains("rwb_mock_control_responses_total{service=\"svc\",status=\"200\"} 1\n"));
    QVERIFY(text.contains("rwb_mock_control_responses_total{service=\"svc\",status=\"404\"} 1\n"));
    QCOMPARE(server->stats().byStatus.size(), std::size_t(1));
    QCOMPARE(server->stats().controlByStatus.at(200), 2u); // stats and metrics
}

QTEST_GUILESS_MAIN(TestMockHttpServer)
#include "tst_mockhttpserver.moc"
