#include "core/live/httprequestparser.h"

#include <QTest>

using namespace rwb;

class TestHttpRequestParser : public QObject {
    Q_OBJECT
private slots:
    void valid_data();
    void valid();
    void byteByByte();
    void pipelined();
    void errors_data();
    void errors();
    void errorIsSticky();
    void crAtTheEndWaitsForTheNextByte();
    void bufferLimitKeepsCompleteRequests();
    void garbageNeverCrashes();
};

void TestHttpRequestParser::valid_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<int>("headerCount");

    QTest::newRow("get") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << QByteArray("GET") << QByteArray("/")
                         << QByteArray() << QByteArray() << true << 1;
    QTest::newRow("query") << QByteArray("GET /api/x?a=1&b=2 HTTP/1.1\r\nHost: a\r\n\r\n") << QByteArray("GET")
                           << QByteArray("/api/x") << QByteArray("a=1&b=2") << QByteArray() << true << 1;
    QTest::newRow("post body") << QByteArray("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
                               << QByteArray("POST") << QByteArray("/p") << QByteArray() << QByteArray("hello") << true
                               << 2;
    QTest::newRow("close") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n") << QByteArray("GET")
                           << QByteArray("/") << QByteArray() << QByteArray() << false << 2;
    QTest::newRow("http10 default close") << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("GET")
                                          << QByteArray("/") << QByteArray() << QByteArray() << false << 0;
    QTest::newRow("http10 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
                                       << QByteArray("GET") << QByteArray("/") << QByteArray() << QByteArray() << true
                                       << 1;
    QTest::newRow("bare LF and OWS") << QByteArray("PUT /x HTTP/1.1\nHost:   a  \ncontent-length:\t3 \n\nabc")
                                     << QByteArray("PUT") << QByteArray("/x") << QByteArray() << QByteArray("abc")
                                     << true << 2;
    QTest::newRow("leading blank lines") << QByteArray("\r\n\r\nGET /z HTTP/1.1\r\nHost: a\r\n\r\n")
                                         << QByteArray("GET") << QByteArray("/z") << QByteArray() << QByteArray()
                                         << true << 1;
    QTest::newRow("CR in body") << QByteArray("POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\na\rb")
                                << QByteArray("POST") << QByteArray("/b") << QByteArray() << QByteArray("a\rb") << true
                                << 2;
    QTest::newRow("equal duplicate length")
        << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        << QByteArray("POST") << QByteArray("/") << QByteArray() << QByteArray("ok") << true << 3;
}

void TestHttpRequestParser::valid()
{
    QFETCH(QByteArray, input);
    HttpRequestParser parser;
    parser.feed(input);
    QCOMPARE(parser.state(), HttpRequestParser::State::Ready);
    const HttpRequest request = parser.takeRequest();
    QTEST(request.method, "method");
    QTEST(request.path, "path");
    QTEST(request.query, "query");
    QTEST(request.body, "body");
    QTEST(request.keepAlive, "keepAlive");
    QTEST(static_cast<int>(request.headers.size()), "headerCount");
    QCOMPARE(parser.state(), HttpRequestParser::State::NeedMore);
    QCOMPARE(parser.bufferedBytes(), 0);
}

void TestHttpRequestParser::byteByByte()
{
    const QByteArray input("POST /slow HTTP/1.1\r\nHost: h\r\nX-Thing: yes\r\nContent-Length: 4\r\n\r\nbody");
    HttpRequestParser parser;
    for (qsizetype i = 0; i < input.size(); ++i) {
        QCOMPARE(parser.state(), HttpRequestParser::State::NeedMore);
        QCOMPARE(parser.midRequest(), i > 0);
        parser.feed(input.sliced(i, 1));
    }
    QCOMPARE(parser.state(), HttpRequestParser::State::Ready);
    const HttpRequest request = parser.takeRequest();
    QCOMPARE(request.header("x-thing"), QByteArray("yes"));
    QCOMPARE(request.body, QByteArray("body"));
}

void TestHttpRequestParser::pipelined()
{
    QByteArray input;
    for (int i = 0; i < 50; ++i)
        input += "POST /r" + QByteArray::number(i) + " HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n"
            + QByteArray::number(i % 10);
    input += "GET /last HTTP/1.1\r\nHost: h\r\n"; // incomplete
    HttpRequestParser parser;
    parser.feed(input);
    for (int i = 0; i < 50; ++i) {
        QCOMPARE(parser.state(), HttpRequestParser::State::Ready);
        const HttpRequest r = parser.takeRequest();
        QCOMPARE(r.path, "/r" + QByteArray::number(i));
        QCOMPARE(r.body, QByteArray::number(i % 10));
    }
    QCOMPARE(parser.state(), HttpRequestParser::State::NeedMore);
    parser.feed("\r\n");
    QCOMPARE(parser.state(), HttpRequestParser::State::Ready);
    QCOMPARE(parser.takeRequest().path, QByteArray("/last"));
}

void TestHttpRequestParser::errors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("garbage") << QByteArray("\x01\x02\xff garbage\r\n\r\n") << 400 << QStringLiteral("request line");
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") << 400
                                << QStringLiteral("request line");
    QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: a\r\n\r\n") << 400 << QStringLiteral("method");
    QTest::newRow("bad version") << QByteArray("GET / HTTQ/1.1\r\nHost: a\r\n\r\n") << 400 << QStringLiteral("version");
    // Heads that can never become valid fail as soon as the offending bytes arrive, without waiting
    // for the blank line that ends a head (the server would otherwise answer 408 at its timeout).
    QTest::newRow("http09") << QByteArray("GET /\r\n") << 400 << QStringLiteral("request line");
    QTest::newRow("http09 bare LF") << QByteArray("GET /index.html\n") << 400 << QStringLiteral("request line");
    QTest::newRow("bare CR line ends") << QByteArray("GET / HTTP/1.1\rHost: a\r\r") << 400 << QStringLiteral("bare CR");
    QTest::newRow("bare CR in header") << QByteArray("GET / HTTP/1.1\r\nHost: a\rX: b\r\n") << 400
                                       << QStringLiteral("bare CR");
    QTest::newRow("bare CR before request") << QByteArray("\rGET / HTTP/1.1\r\n") << 400 << QStringLiteral("bare CR");
    QTest::newRow("http2") << QByteArray("GET / HTTP/2.0\r\nHost: a\r\n\r\n") << 505 << QStringLiteral("not supported");
    QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("Host");
    QTest::newRow("two hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400
                               << QStringLiteral("Host");
    QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : a\r\n\r\n") << 400
                                        << QStringLiteral("header line");
    QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost a\r\n\r\n") << 400 << QStringLiteral("header line");
    QTest::newRow("folding") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n") << 400
                             << QStringLiteral("folding");
    QTest::newRow("ctl in value") << QByteArray("GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n") << 400
                                  << QStringLiteral("control");
    QTest::newRow("bad length") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") << 400
                                << QStringLiteral("Content-Length");
    QTest::newRow("conflicting length") << QByteArray(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                                        << 400 << QStringLiteral("conflicting");
    QTest::newRow("huge length") << QByteArray(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n")
                                 << 400 << QStringLiteral("Content-Length");
    QTest::newRow("body too large") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n")
                                    << 413 << QStringLiteral("exceeds");
    QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") << 501
                             << QStringLiteral("Transfer-Encoding");
    QTest::newRow("long request line") << QByteArray("GET /" + QByteArray(10000, 'a') + " HTTP/1.1\r\n") << 414
                                       << QStringLiteral("request line");
    QTest::newRow("long request line, no newline yet")
        << QByteArray("GET /" + QByteArray(10000, 'a')) << 414 << QStringLiteral("request line");
    QTest::newRow("1 MB header line") << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(1024 * 1024, 'x')) << 431
                                      << QStringLiteral("head");
    QByteArray many("GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 120; ++i)
        many += "X-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too many headers") << many + "\r\n" << 431 << QStringLiteral("header fields");
}

void TestHttpRequestParser::errors()
{
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    HttpRequestParser parser;
    parser.feed(input);
    QCOMPARE(parser.state(), HttpRequestParser::State::Failed);
    QCOMPARE(parser.error().status, status);
    QVERIFY2(parser.error().message.contains(messagePart), qPrintable(parser.error().message));
    QCOMPARE(parser.bufferedBytes(), 0); // memory released
}

void TestHttpRequestParser::errorIsSticky()
{
    HttpRequestParser parser;
    parser.feed("BAD\r\n\r\n");
    QCOMPARE(parser.state(), HttpRequestParser::State::Failed);
    parser.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    QCOMPARE(parser.state(), HttpRequestParser::State::Failed);
    QCOMPARE(parser.bufferedBytes(), 0);
    QVERIFY(parser.takeRequest().method.isEmpty());
}

void TestHttpRequestParser::crAtTheEndWaitsForTheNextByte()
{
    HttpRequestParser parser;
    parser.feed("GET / HTTP/1.1\r");
    QCOMPARE(parser.state(), HttpRequestParser::State::NeedMore);
    parser.feed("\nHost: a\r");
    QCOMPARE(parser.state(), HttpRequestParser::State::NeedMore);
    parser.feed("\n\r");
    QCOMPARE(parser.state(), HttpRequestParser::State::NeedMore);
    parser.feed("\n");
    QCOMPARE(parser.state(), HttpRequestParser::State::Ready);
    QCOMPARE(parser.takeRequest().header("host"), QByteArray("a"));

    parser.feed("GET / HTTP/1.1\r");
    QCOMPARE(parser.state(), HttpRequestParser::State::NeedMore);
    parser.feed("x");
    QCOMPARE(parser.state(), HttpRequestParser::State::Failed);
    QCOMPARE(parser.error().status, 400);
}

void TestHttpRequestParser::bufferLimitKeepsCompleteRequests()
{
    HttpRequestParser::Limits limits;
    limits.maxBufferedBytes = 100;
    HttpRequestParser parser(limits);
    const QByteArray one("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"); // 29 bytes
    parser.feed(one.repeated(4)); // 116 bytes: the fourth is cut
    QVERIFY(parser.bufferedBytes() <= 100);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(parser.state(), HttpRequestParser::State::Ready);
        QCOMPARE(parser.takeRequest().path, QByteArray("/a"));
    }
    QCOMPARE(parser.state(), HttpRequestParser::State::Failed);
    QCOMPARE(parser.error().status, 431);
}

void TestHttpRequestParser::garbageNeverCrashes()
{
    // A cheap deterministic stand-in for the fuzzer: random bytes biased towards HTTP syntax.
    static const char kAlphabet[] = "GET POST /:\r\n\t HTTP/1.1 Host Content-Length 0123456789 ?x\x00\xff";
    const QByteArray alphabet(kAlphabet, sizeof kAlphabet - 1); // keeps the embedded NUL
    quint32 state = 12345;
    auto next = [&state]() {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    int requests = 0;
    for (int round = 0; round < 2000; ++round) {
        HttpRequestParser parser;
        const int chunks = 1 + static_cast<int>(next() % 8);
        for (int c = 0; c < chunks; ++c) {
            QByteArray chunk;
            const int n = static_cast<int>(next() % 64);
            for (int i = 0; i < n; ++i)
                chunk += alphabet[static_cast<qsizetype>(next() % alphabet.size())];
            parser.feed(chunk);
            while (parser.state() == HttpRequestParser::State::Ready) {
                parser.takeRequest();
                ++requests;
            }
        }
        QVERIFY(parser.bufferedBytes() <= parser.limits().maxBufferedBytes);
    }
    QVERIFY(requests >= 0);
}

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
