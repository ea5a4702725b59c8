#include "core/common/iso8601.h"
#include "core/log/eventcodec.h"
#include "core/log/jsonwrite.h"
#include "core/log/jsonscan.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace rwb;

namespace {
constexpr qint64 kOrigin = 1767454200000; // 2026-01-03T15:30:00Z

Event make(EventKind kind)
{
    Event e;
    e.kind = kind;
    e.time = TimePoint(1234567891ns);
    e.source = QStringLiteral("payments");
    return e;
}
} // namespace

class TestEventCodec : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < 12; ++i)
            QTest::newRow(qPrintable(QString::number(i))) << i;
    }

    void roundTrip()
    {
        QFETCH(int, index);
        std::vector<Event> all;
        Event t = make(EventKind::BreakerTransition);
        t.from = BreakerState::Closed;
        t.to = BreakerState::Open;
        t.text = QStringLiteral("5 consecutive failures");
        all.push_back(t);
        Event r = make(EventKind::BreakerRejected);
        r.requestId = 42;
        r.delay = 29999999ns;
        all.push_back(r);
        Event a = make(EventKind::Attempt);
        a.requestId = 7;
        a.attempt = 2;
        a.outcome = OutcomeKind::Error;
        a.httpStatus = 503;
        a.errorClass = ErrorClass::forHttpStatus(503);
        a.latency = 12345678ns;
        all.push_back(a);
        Event rs = make(EventKind::RetryScheduled);
        rs.requestId = 7;
        rs.attempt = 2;
        rs.delay = 1500ms;
        rs.text = QStringLiteral("http_503 \"quoted\"\n");
        all.push_back(rs);
        Event g = make(EventKind::RetryGaveUp);
        g.requestId = 7;
        g.attempt = 5;
        g.text = QStringLiteral("max attempts");
        all.push_back(g);
        Event d = make(EventKind::RequestDone);
        d.requestId = 18446744073709551615ull;
        d.attempt = 3;
        d.outcome = OutcomeKind::Timeout;
        d.total = 3s;
        d.fallback = true;
        all.push_back(d);
        Event b = make(EventKind::BulkheadRejected);
        b.requestId = 1;
        all.push_back(b);
        Event rl = make(EventKind::RateLimited);
        rl.requestId = 3;
        rl.delay = 2s;
        rl.text = QStringLiteral("server");
        all.push_back(rl);
        Event f = make(EventKind::FaultChanged);
        f.text = QStringLiteral("error rate 50% — ünïcödé 😀");
        all.push_back(f);
        Event neg = make(EventKind::Attempt); // negative times and sub-ms fractions
        neg.time = TimePoint(-1500001ns);
        neg.latency = -3ns;
        all.push_back(neg);
        Event odd = make(EventKind::FaultChanged); // fields that the kind does not use
        odd.requestId = 9;
        odd.httpStatus = 418;
        odd.from = BreakerState::HalfOpen;
        odd.latency = 1ns;
        all.push_back(odd);
        Event zero; // all defaults
        all.push_back(zero);

        const Event& e = all[std::size_t(index)];
        const qint64 utcMs = kOrigin + std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count();
        const QByteArray line = eventcodec::encode(e, utcMs);
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        QJsonParseError err;
        const auto doc = QJsonDocument::fromJson(line, &err);
        QVERIFY2(err.error == QJsonParseError::NoError, line.constData());
        const QJsonObject obj = doc.object();
        QCOMPARE(obj.value(QStringLiteral("extra")).toObject().value(QStringLiteral("event")).toString(), toString(e.kind));
        QCOMPARE(obj.value(QStringLiteral("agent")).toString(), e.source);
        QVERIFY(obj.contains(QStringLiteral("timestamp")));
        QVERIFY(obj.contains(QStringLiteral("message")));
        QString why;
        const auto back = eventcodec::decode(QByteArrayView(line).chopped(1), kOrigin, &why);
        QVERIFY2(back.has_value(), qPrintable(why));
        QVERIFY(back->kind == e.kind);
        QCOMPARE(back->time, e.time);
        QCOMPARE(back->requestId, e.requestId);
        QCOMPARE(back->text, e.text);
        QVERIFY(*back == e);
    }

    void fieldsAndLevels()
    {
        Event a = make(EventKind::Attempt);
        a.requestId = 7;
        a.outcome = OutcomeKind::Error;
        a.latency = 1500us;
        const QByteArray line = eventcodec::encode(a, kOrigin + 1234);
        const QJsonObject obj = QJsonDocument::fromJson(line).object();
        QCOMPARE(obj.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-01-03T15:30:01.234+00:00"));
        QCOMPARE(obj.value(QStringLiteral("level")).toString(), QStringLiteral("INFO")); // a failed try is routine
        QCOMPARE(obj.value(QStringLiteral("task_id")).toString(), QStringLiteral("req-7"));
        const QJsonObject extra = obj.value(QStringLiteral("extra")).toObject();
        QCOMPARE(extra.value(QStringLiteral("latency_ms")).toDouble(), 1.5);
        QCOMPARE(extra.value(QStringLiteral("outcome")).toString(), QStringLiteral("error"));

        Event t = make(EventKind::BreakerTransition);
        t.from = BreakerState::Open;
        t.to = BreakerState::HalfOpen;
        const QJsonObject tx
            = QJsonDocument::fromJson(eventcodec::encode(t, kOrigin)).object().value(QStringLiteral("extra")).toObject();
        QCOMPARE(tx.value(QStringLiteral("from")).toString(), QStringLiteral("OPEN"));
        QCOMPARE(tx.value(QStringLiteral("to")).toString(), QStringLiteral("HALF_OPEN"));
    }

    void levels_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<bool>("fallback");
        QTest::addColumn<int>("to");
        QTest::addColumn<QString>("level");
        const auto row = [](const char* name, EventKind kind, OutcomeKind outcome, bool fallback, BreakerState to,
                             const char* level) {
            QTest::newRow(name) << int(kind) << int(outcome) << fallback << int(to) << QString::fromLatin1(level);
        };
        using K = EventKind;
        using O = OutcomeKind;
        using B = BreakerState;
        row("attempt ok", K::Attempt, O::Success, false, B::Closed, "DEBUG");
        row("attempt error", K::Attempt, O::Error, false, B::Closed, "INFO");
        row("attempt timeout", K::Attempt, O::Timeout, false, B::Closed, "INFO");
        row("retry scheduled", K::RetryScheduled, O::Success, false, B::Closed, "INFO");
        row("breaker rejected", K::BreakerRejected, O::Success, false, B::Closed, "INFO");
        row("bulkhead rejected", K::BulkheadRejected, O::Success, false, B::Closed, "INFO");
        row("rate limited", K::RateLimited, O::Success, false, B::Closed, "INFO");
        row("fault changed", K::FaultChanged, O::Success, false, B::Closed, "INFO");
        row("breaker opened", K::BreakerTransition, O::Success, false, B::Open, "WARNING");
        row("breaker half-open", K::BreakerTransition, O::Success, false, B::HalfOpen, "INFO");
        row("breaker closed", K::BreakerTransition, O::Success, false, B::Closed, "INFO");
        row("gave up", K::RetryGaveUp, O::Error, false, B::Closed, "WARNING");
        row("request ok", K::RequestDone, O::Success, false, B::Closed, "INFO");
        row("request fallback", K::RequestDone, O::Success, true, B::Closed, "WARNING");
        row("request failed", K::RequestDone, O::Error, false, B::Closed, "ERROR");
        row("request rejected", K::RequestDone, O::Rejected, false, B::Closed, "ERROR");
    }

    void levels()
    {
        QFETCH(int, kind);
        QFETCH(int, outcome);
        QFETCH(bool, fallback);
        QFETCH(int, to);
        QFETCH(QString, level);
        Event e = make(EventKind(kind));
        e.outcome = OutcomeKind(outcome);
        e.fallback = fallback;
        e.to = BreakerState(to);
        QCOMPARE(toString(eventcodec::levelFor(e)), level);
        // the line carries the same level
        const QJsonObject obj = QJsonDocument::fromJson(eventcodec::encode(e, kOrigin)).object();
        QCOMPARE(obj.value(QStringLiteral("level")).toString(), level);
    }

    void decodeRejects_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("not json") << QByteArray("hello");
        QTest::newRow("no extra") << QByteArray(R"({"timestamp": "2026-01-03T15:30:00.000+00:00", "message": "x"})");
        QTest::newRow("no event") << QByteArray(R"({"timestamp": "2026-01-03T15:30:00.000+00:00", "extra": {"a": 1}})");
        QTest::newRow("unknown event")
            << QByteArray(R"({"timestamp": "2026-01-03T15:30:00.000+00:00", "extra": {"event": "dance"}})");
        QTest::newRow("bad timestamp") << QByteArray(R"({"timestamp": "yesterday", "extra": {"event": "attempt"}})");
        QTest::newRow("bad number")
            << QByteArray(R"({"timestamp": "2026-01-03T15:30:00Z", "extra": {"event": "attempt", "attempt": "two"}})");
        QTest::newRow("bad state")
            << QByteArray(R"({"timestamp": "2026-01-03T15:30:00Z", "extra": {"event": "breaker_transition", "to": "AJAR"}})");
    }

    void decodeRejects()
    {
        QFETCH(QByteArray, line);
        QString why;
        QVERIFY(!eventcodec::decode(line, kOrigin, &why).has_value());
        QVERIFY(!why.isEmpty());
    }

    void isoTimestamps_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("utc offset") << QByteArray("2026-01-03T15:30:00.250+00:00") << kOrigin + 250;
        QTest::newRow("Z") << QByteArray("2026-01-03T15:30:00Z") << kOrigin;
        QTest::newRow("no offset") << QByteArray("2026-01-03T15:30") << kOrigin;
        QTest::newRow("plus two") << QByteArray("2026-01-03T17:30:00+02:00") << kOrigin;
        QTest::newRow("minus compact") << QByteArray("2026-01-03T10:30:00-0500") << kOrigin;
        QTest::newRow("micros") << QByteArray("2026-01-03T15:30:00.123456Z") << kOrigin + 123;
        QTest::newRow("space") << QByteArray("2026-01-03 15:30:00") << kOrigin;
        QTest::newRow("date") << QByteArray("2026-01-03") << kOrigin - (15 * 3600 + 30 * 60) * 1000LL;
        QTest::newRow("epoch") << QByteArray("1970-01-01T00:00:00.000+00:00") << qint64(0);
        QTest::newRow("before epoch") << QByteArray("1969-12-31T23:59:59.999+00:00") << qint64(-1);
    }

    void isoTimestamps()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, ms);
        QCOMPARE(iso8601::parseTimestamp(text), std::optional<qint64>(ms));
        if (text.endsWith("+00:00")) {
            QByteArray out;
            iso8601::appendTimestamp(ms, out);
            QCOMPARE(out, text);
        }
    }

    void badTimestamps()
    {
        for (const char* bad : {"", "2026", "2026-13-01", "2026-01-03T25", "2026-01-03T15:30:00+", "2026-01-03Tfoo",
                 "2026-01-03T15:30:00.Z", "2026-01-03T15:30:00 junk"})
            QVERIFY2(!iso8601::parseTimestamp(QByteArrayView(bad, qsizetype(std::strlen(bad)))), bad);
    }

    void escaping_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("quotes") << QStringLiteral("say \"hi\" \\ back");
        QTest::newRow("controls") << QString::fromUtf16(u"a\u0000b\u0001c\u001f\n\r\t\b\f\u007f");
        QTest::newRow("unicode") << QString::fromUtf16(u"é ü 中文 😀 \u2028");
        QTest::newRow("slash") << QStringLiteral("</script>");
    }

    void escaping()
    {
        QFETCH(QString, text);
        QByteArray out;
        jsonwrite::appendString(QStringView(text), out);
        QVERIFY(!out.contains('\n'));
        const QByteArray doc = "{\"v\": " + out + "}";
        QJsonParseError err;
        const QJsonObject obj = QJsonDocument::fromJson(doc, &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(obj.value(QStringLiteral("v")).toString(), text);
        QVERIFY(jsonscan::validate(doc.constData(), doc.constData() + doc.size()));
        // and our own scanner decodes it back
        const auto v = jsonscan::find(doc, "v");
        QCOMPARE(QString::fromUtf8(jsonscan::text(v)), text);
    }

    void loneSurrogatesBecomeReplacement()
    {
        const char16_t raw[] = {char16_t(0x61), char16_t(0xD800), char16_t(0x62), char16_t(0xDC00), char16_t(0xD83D)};
        const QString text = QString::fromUtf16(raw, 5);
        QByteArray out;
        jsonwrite::appendString(QStringView(text), out);
        QVERIFY(jsonscan::isValidUtf8(out.constData(), std::size_t(out.size())));
        QCOMPARE(QString::fromUtf8(out), QString::fromUtf16(u"\"a\uFFFDb\uFFFD\uFFFD\""));
        QByteArray bytes;
        jsonwrite::appendString(QByteArrayView("ok\xff\xc3(", 6), bytes);
        QVERIFY(jsonscan::isValidUtf8(bytes.constData(), std::size_t(bytes.size())));
    }

    void utf8ValidationStopsAtTheEndOfAsciiRuns()
    {
        // Exact-size heap buffers, so AddressSanitizer sees any read past the end of the fast paths.
        for (std::size_t n : {0, 1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 65, 127, 128, 129}) {
            auto ascii = std::make_unique<char[]>(n);
            std::fill_n(ascii.get(), n, 'a');
            QVERIFY2(jsonscan::isValidUtf8(ascii.get(), n), qPrintable(QString::number(n)));
            if (n >= 2) {
                ascii[n - 1] = char(0xC3); // truncated two-byte sequence at the very end
                QVERIFY(!jsonscan::isValidUtf8(ascii.get(), n));
            }
        }
    }

    void utf8ValidationFindsABadByteAnywhere()
    {
        // Every position of the 64-byte SSE2 blocks, their 8-byte tails and the bytes after them.
        const std::size_t n = 150;
        for (std::size_t at = 0; at < n; ++at) {
            QByteArray bytes(qsizetype(n), 'a');
            bytes[qsizetype(at)] = char(0xFF); // never valid in UTF-8
            QVERIFY2(!jsonscan::isValidUtf8(bytes.constData(), n), qPrintable(QString::number(at)));
            if (at + 1 < n) {
                bytes[qsizetype(at)] = char(0xC3); // "é": a valid two-byte sequence
                bytes[qsizetype(at + 1)] = char(0xA9);
                QVERIFY2(jsonscan::isValidUtf8(bytes.constData(), n), qPrintable(QString::number(at)));
            }
        }
    }

    void keysOfEveryLengthMatchOnlyThemselves()
    {
        // Keys are compared in 4- and 8-byte words: a difference in any byte of any length must count.
        for (int length = 1; length <= 20; ++length) {
            const QByteArray key(length, 'k');
            for (int at = 0; at < length; ++at) {
                QByteArray other = key;
                other[at] = 'x';
                const QByteArray line = "{\"" + other + "\": 1, \"" + key + "\": 2}";
                const jsonscan::Value v = jsonscan::find(line, key);
                QCOMPARE(jsonscan::text(v), QByteArray("2"));
                QCOMPARE(jsonscan::text(jsonscan::find(line, other)), QByteArray("1"));
            }
        }
    }

    void scannerUnescapesSurrogatePairs()
    {
        const QByteArray doc = "{\"a\": \"\\ud83d\\ude00 \\u00e9 \\ud800x \\\"q\\\" \\/\"}";
        QCOMPARE(QString::fromUtf8(jsonscan::text(jsonscan::find(doc, "a"))),
            QString::fromUtf16(u"😀 é \uFFFDx \"q\" /"));
    }

    void durationsAreExact()
    {
        for (qint64 ns : {0LL, 1LL, 999999LL, 1000000LL, 123456789012LL, -42LL}) {
            QByteArray out;
            jsonwrite::appendMs(Duration(ns), out);
            Event e = make(EventKind::Attempt);
            e.latency = Duration(ns);
            const auto back = eventcodec::decode(QByteArrayView(eventcodec::encode(e, kOrigin)).chopped(1), kOrigin);
            QVERIFY(back.has_value());
            QCOMPARE(back->latency.count(), ns);
        }
        QByteArray out;
        jsonwrite::appendMs(1500us, out);
        QCOMPARE(out, QByteArray("1.5"));
    }
};

QTEST_APPLESS_MAIN(TestEventCodec)
#include "tst_eventcodec.moc"
