#include "core/policy/retryafterhint.h"

#include <QTest>

using namespace rwb;

namespace {
// 1994-11-06T08:49:37Z, the RFC example date.
constexpr qint64 kRfcDateMs = 784111777000;
} // namespace

class TestRetryAfterHint : public QObject {
    Q_OBJECT
private slots:
    void parse_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<qint64>("nowMs");
        QTest::addColumn<qint64>("expectedMs"); // -1: nullopt
        const qint64 now = kRfcDateMs - 120000; // two minutes before the RFC date
        QTest::newRow("seconds") << QStringLiteral("60") << now << qint64(60000);
        QTest::newRow("zero") << QStringLiteral("0") << now << qint64(0);
        QTest::newRow("spaces") << QStringLiteral("  120 \t") << now << qint64(120000);
        QTest::newRow("leading-zeros") << QStringLiteral("007") << now << qint64(7000);
        QTest::newRow("imf-fixdate") << QStringLiteral("Sun, 06 Nov 1994 08:49:37 GMT") << now << qint64(120000);
        QTest::newRow("rfc850") << QStringLiteral("Sunday, 06-Nov-94 08:49:37 GMT") << now << qint64(120000);
        QTest::newRow("asctime") << QStringLiteral("Sun Nov  6 08:49:37 1994") << now << qint64(120000);
        QTest::newRow("asctime-2digit-day") << QStringLiteral("Thu Nov 10 08:49:37 1994") << now
                                            << qint64(120000 + 4 * 86400000LL);
        QTest::newRow("date-in-past") << QStringLiteral("Sun, 06 Nov 1994 08:49:37 GMT") << kRfcDateMs + 5000 << qint64(0);
        QTest::newRow("leap-day") << QStringLiteral("Thu, 29 Feb 2024 00:00:10 GMT") << qint64(1709164800000)
                                  << qint64(10000);
        QTest::newRow("huge-seconds") << QStringLiteral("99999999999999999999999") << now
                                      << qint64(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             RetryAfterHint::kSaturation).count());
        QTest::newRow("far-date") << QStringLiteral("Fri, 31 Dec 9999 23:59:59 GMT") << now
                                  << qint64(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         RetryAfterHint::kSaturation).count());
        QTest::newRow("negative") << QStringLiteral("-5") << now << qint64(-1);
        QTest::newRow("fraction") << QStringLiteral("1.5") << now << qint64(-1);
        QTest::newRow("plus-sign") << QStringLiteral("+5") << now << qint64(-1);
        QTest::newRow("empty") << QString() << now << qint64(-1);
        QTest::newRow("blank") << QStringLiteral("   ") << now << qint64(-1);
        QTest::newRow("garbage") << QStringLiteral("soon") << now << qint64(-1);
        QTest::newRow("trailing-garbage") << QStringLiteral("60s") << now << qint64(-1);
        QTest::newRow("bad-month") << QStringLiteral("Sun, 06 Foo 1994 08:49:37 GMT") << now << qint64(-1);
        QTest::newRow("feb-30") << QStringLiteral("Sun, 30 Feb 1994 08:49:37 GMT") << now << qint64(-1);
        QTest::newRow("hour-25") << QStringLiteral("Sun, 06 Nov 1994 25:49:37 GMT") << now << qint64(-1);
        QTest::newRow("no-gmt") << QStringLiteral("Sun, 06 Nov 1994 08:49:37") << now << qint64(-1);
        QTest::newRow("utc-not-gmt") << QStringLiteral("Sun, 06 Nov 1994 08:49:37 UTC") << now << qint64(-1);
        QTest::newRow("lowercase-month") << QStringLiteral("Sun, 06 nov 1994 08:49:37 GMT") << now << qint64(-1);
        QTest::newRow("rfc850-short-day") << QStringLiteral("Sun, 06-Nov-94 08:49:37 GMT") << now << qint64(-1);
    }
    void parse()
    {
        QFETCH(QString, value);
        QFETCH(qint64, nowMs);
        QFETCH(qint64, expectedMs);
        const auto got = RetryAfterHint::parse(value, nowMs);
        if (expectedMs < 0) {
            QVERIFY2(!got, qPrintable(value));
        } else {
            QVERIFY2(got.has_value(), qPrintable(value));
            QCOMPARE(std::chrono::duration_cast<std::chrono::milliseconds>(*got).count(), expectedMs);
        }
    }

    void rfc850TwoDigitYears_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("year");
        QTest::newRow("94->1994") << QStringLiteral("Sunday, 06-Nov-94 08:49:37 GMT") << 1994;
        QTest::newRow("26->2026") << QStringLiteral("Tuesday, 24-Nov-26 08:49:37 GMT") << 2026;
        QTest::newRow("70->2070") << QStringLiteral("Monday, 24-Nov-70 08:49:37 GMT") << 2070;
        QTest::newRow("80->1980") << QStringLiteral("Monday, 24-Nov-80 08:49:37 GMT") << 1980;
    }
    void rfc850TwoDigitYears()
    {
        QFETCH(QString, value);
        QFETCH(int, year);
        const qint64 now2026 = 1795500000000; // 2026-11-24
        const auto ms = RetryAfterHint::parseHttpDate(value, now2026);
        QVERIFY(ms.has_value());
        const auto days = std::chrono::sys_days(std::chrono::floor<std::chrono::days>(std::chrono::milliseconds(*ms)));
        QCOMPARE(int(std::chrono::year_month_day(days).year()), year);
    }

    void delayFor_data()
    {
        QTest::addColumn<bool>("respect");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("header");
        QTest::addColumn<qint64>("expectedMs"); // -1: no server opinion
        // defaults: default 30 s, cap 300 s (seed 001)
        QTest::newRow("429-seconds") << true << 429 << QStringLiteral("60") << qint64(60000);
        QTest::newRow("429-missing->default") << true << 429 << QString() << qint64(30000);
        QTest::newRow("503-missing->default") << true << 503 << QString() << qint64(30000);
        QTest::newRow("429-garbage->default") << true << 429 << QStringLiteral("later") << qint64(30000);
        QTest::newRow("429-negative->default") << true << 429 << QStringLiteral("-1") << qint64(30000);
        QTest::newRow("429-huge->capped") << true << 429 << QStringLiteral("86400") << qint64(300000);
        QTest::newRow("503-date") << true << 503 << QStringLiteral("Sun, 06 Nov 1994 08:49:37 GMT") << qint64(120000);
        QTest::newRow("500-hint") << true << 500 << QStringLiteral("5") << qint64(5000);
        QTest::newRow("500-none") << true << 500 << QString() << qint64(-1);
        QTest::newRow("not-respected-429") << false << 429 << QStringLiteral("60") << qint64(30000);
        QTest::newRow("not-respected-500") << false << 500 << QStringLiteral("60") << qint64(-1);
    }
    void delayFor()
    {
        QFETCH(bool, respect);
        QFETCH(int, status);
        QFETCH(QString, header);
        QFETCH(qint64, expectedMs);
        RetryAfterConfig c;
        c.respectRetryAfter = respect;
        const RetryAfterHint hint(c);
        const auto got = hint.delayFor(status, header, kRfcDateMs - 120000);
        if (expectedMs < 0)
            QVERIFY(!got);
        else
            QCOMPARE(got, std::optional<Duration>(std::chrono::milliseconds(expectedMs)));
    }

    void validation()
    {
        RetryAfterConfig c;
        c.defaultRetryDelay = -1s;
        c.maxRetryDelay = -2s;
        QStringList got;
        for (const auto& e : RetryAfterConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, (QStringList {QStringLiteral("default_retry_delay: expected a duration >= 0 ms, got -1000 ms"),
                           QStringLiteral("max_retry_delay: expected a duration >= 0 ms, got -2000 ms"),
                           QStringLiteral("max_retry_delay: expected a duration >= default_retry_delay (-1000 ms), got -2000 ms")}));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, RetryAfterHint {c});
    }
};

QTEST_APPLESS_MAIN(TestRetryAfterHint)
#include "tst_retryafterhint.moc"
