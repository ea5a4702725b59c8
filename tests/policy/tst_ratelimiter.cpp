#include "core/policy/ratelimiter.h"

#include <QTest>

#include <limits>

using namespace rwb;

namespace {
RateLimiterConfig cfg(double rate, int burst, Duration maxWait = Duration::zero())
{
    RateLimiterConfig c;
    c.ratePerSecond = rate;
    c.burst = burst;
    c.maxWait = maxWait;
    return c;
}
const TimePoint t0 {std::chrono::seconds(100)};
using Kind = RateDecision::Kind;
using Source = RateDecision::Source;
} // namespace

class TestRateLimiter : public QObject {
    Q_OBJECT
private slots:
    void burstThenRate()
    {
        RateLimiter rl(cfg(10, 3)); // one token per 100 ms, bucket of 3
        for (int i = 0; i < 3; ++i)
            QVERIFY(rl.tryAcquire(t0));
        const RateDecision d = rl.tryAcquire(t0);
        QVERIFY(d.kind == Kind::Rejected);
        QVERIFY(d.source == Source::Client);
        QCOMPARE(d.until, t0 + 100ms);
        QVERIFY(!rl.tryAcquire(t0 + 99ms));
        QVERIFY(rl.tryAcquire(t0 + 100ms));
        QVERIFY(!rl.tryAcquire(t0 + 150ms));
        QVERIFY(rl.tryAcquire(t0 + 200ms));
        // A long idle period refills to the burst, not beyond.
        int granted = 0;
        while (rl.tryAcquire(t0 + 100s))
            ++granted;
        QCOMPARE(granted, 3);
    }

    void steadyRateExact_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("burst");
        QTest::addColumn<int>("expected"); // grants in 10 s polling every 1 ms
        QTest::newRow("10/s burst 1") << 10.0 << 1 << 100;
        QTest::newRow("10/s burst 5") << 10.0 << 5 << 104;
        QTest::newRow("0.5/s burst 2") << 0.5 << 2 << 6;
        QTest::newRow("250/s burst 1") << 250.0 << 1 << 2500;
    }
    void steadyRateExact()
    {
        QFETCH(double, rate);
        QFETCH(int, burst);
        QFETCH(int, expected);
        RateLimiter rl(cfg(rate, burst));
        int granted = 0;
        for (int ms = 0; ms < 10000; ++ms)
            granted += rl.tryAcquire(t0 + std::chrono::milliseconds(ms)) ? 1 : 0;
        QCOMPARE(granted, expected);
        QCOMPARE(rl.stats(t0).granted, quint64(expected));
    }

    void waitReservesTokensInOrder()
    {
        RateLimiter rl(cfg(10, 1, 250ms));
        QVERIFY(rl.tryAcquire(t0));
        RateDecision d1 = rl.tryAcquire(t0);
        RateDecision d2 = rl.tryAcquire(t0);
        QVERIFY(d1.kind == Kind::Wait && d2.kind == Kind::Wait);
        QCOMPARE(d1.until, t0 + 100ms);
        QCOMPARE(d2.until, t0 + 200ms);
        RateDecision d3 = rl.tryAcquire(t0); // would need 300 ms > max_wait
        QVERIFY(d3.kind == Kind::Rejected);
        QCOMPARE(d3.until, t0 + 300ms);
        // The rejection reserved nothing: the next caller at 50 ms waits for 300 ms (250 ms wait) -> allowed.
        RateDecision d4 = rl.tryAcquire(t0 + 50ms);
        QVERIFY(d4.kind == Kind::Wait);
        QCOMPARE(d4.until, t0 + 300ms);
        const auto s = rl.stats(t0 + 50ms);
        QCOMPARE(s.granted, quint64(1));
        QCOMPARE(s.delayed, quint64(3));
        QCOMPARE(s.rejected, quint64(1));
    }

    void notAfterLimitsWait()
    {
        RateLimiter rl(cfg(10, 1, 1s));
        QVERIFY(rl.tryAcquire(t0));
        QVERIFY(rl.tryAcquire(t0, t0 + 50ms).kind == Kind::Rejected);
        QVERIFY(rl.tryAcquire(t0, t0 + 100ms).kind == Kind::Wait);
    }

    void serverPause()
    {
        RateLimiter rl(cfg(1000, 10, 2s));
        rl.onServerRetryAfter(t0 + 1s);
        RateDecision d = rl.tryAcquire(t0);
        QVERIFY(d.kind == Kind::Wait);
        QVERIFY(d.source == Source::Server);
        QCOMPARE(d.until, t0 + 1s);
        rl.onServerRetryAfter(t0 + 500ms); // an earlier end never shortens the pause
        QCOMPARE(rl.stats(t0).pausedUntil, t0 + 1s);
        QCOMPARE(rl.stats(t0).availableTokens, 0.0);
        rl.onServerRetryAfter(t0 + 5s);
        d = rl.tryAcquire(t0);
        QVERIFY(d.kind == Kind::Rejected); // 5 s > max_wait 2 s
        QVERIFY(d.source == Source::Server);
        QVERIFY(rl.tryAcquire(t0 + 5s).kind == Kind::Granted);
    }

    void serverPauseIgnoredWhenNotRespected()
    {
        RateLimiterConfig c = cfg(1000, 10);
        c.respectServerRetryAfter = false;
        RateLimiter rl(c);
        rl.onServerRetryAfter(t0 + 1s);
        QVERIFY(rl.tryAcquire(t0));
    }

    void availableTokens()
    {
        RateLimiter rl(cfg(10, 4));
        QCOMPARE(rl.stats(t0).availableTokens, 4.0);
        QVERIFY(rl.tryAcquire(t0));
        QVERIFY(rl.tryAcquire(t0));
        QCOMPARE(rl.stats(t0).availableTokens, 2.0);
        QCOMPARE(rl.stats(t0 + 150ms).availableTokens, 3.5);
    }

    void validation_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("burst");
        QTest::addColumn<qint64>("maxWaitMs");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("ok") << 5.0 << 1 << qint64(0) << QStringList {};
        QTest::newRow("zero-rate") << 0.0 << 1 << qint64(0)
                                   << QStringList {QStringLiteral("rate: expected a number in [0.001, 1000000000], got 0")};
        QTest::newRow("nan-rate") << std::numeric_limits<double>::quiet_NaN() << 1 << qint64(0)
                                  << QStringList {QStringLiteral("rate: expected a finite number, got nan")};
        QTest::newRow("zero-burst") << 5.0 << 0 << qint64(0)
                                    << QStringList {QStringLiteral("burst: expected a number in [1, 1000000], got 0")};
        QTest::newRow("negative-wait") << 5.0 << 1 << qint64(-1)
                                       << QStringList {QStringLiteral("max_wait: expected a duration >= 0 ms, got -1 ms")};
    }
    void validation()
    {
        QFETCH(double, rate);
        QFETCH(int, burst);
        QFETCH(qint64, maxWaitMs);
        QFETCH(QStringList, expected);
        const RateLimiterConfig c = cfg(rate, burst, std::chrono::milliseconds(maxWaitMs));
        QStringList got;
        for (const auto& e : RateLimiterConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, expected);
        if (!expected.isEmpty())
            QVERIFY_THROWS_EXCEPTION(InvalidConfig, RateLimiter {c});
    }
};

QTEST_APPLESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
