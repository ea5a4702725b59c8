#include "core/policy/backoff.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace rwb;

Q_DECLARE_METATYPE(rwb::BackoffStrategy)
Q_DECLARE_METATYPE(rwb::Jitter)

namespace {
BackoffConfig cfg(BackoffStrategy s, double baseMs, double maxMs, double expBase = 2.0, Jitter j = Jitter::None)
{
    BackoffConfig c;
    c.strategy = s;
    c.baseDelay = fromMs(baseMs);
    c.maxDelay = fromMs(maxMs);
    c.exponentialBase = expBase;
    c.jitter = j;
    return c;
}
} // namespace

class TestBackoff : public QObject {
    Q_OBJECT
private slots:
    void formulasWithoutJitter_data()
    {
        QTest::addColumn<BackoffStrategy>("strategy");
        QTest::addColumn<double>("baseMs");
        QTest::addColumn<double>("maxMs");
        QTest::addColumn<double>("expBase");
        QTest::addColumn<int>("retry");
        QTest::addColumn<double>("expectedMs");
        // Seed 001: base 1 s, factor 2 -> 1, 2, 4, 8, 16 s.
        for (int n = 1; n <= 5; ++n)
            QTest::addRow("exp-seed001-%d", n) << BackoffStrategy::Exponential << 1000.0 << 60000.0 << 2.0 << n
                                               << 1000.0 * std::pow(2.0, n - 1);
        QTest::newRow("exp-cap") << BackoffStrategy::Exponential << 1000.0 << 60000.0 << 2.0 << 7 << 60000.0;
        QTest::newRow("exp-base3") << BackoffStrategy::Exponential << 100.0 << 60000.0 << 3.0 << 3 << 900.0;
        QTest::newRow("exp-base1") << BackoffStrategy::Exponential << 250.0 << 60000.0 << 1.0 << 40 << 250.0;
        QTest::newRow("exp-retry0-is-1") << BackoffStrategy::Exponential << 100.0 << 1000.0 << 2.0 << 0 << 100.0;
        QTest::newRow("exp-negative-is-1") << BackoffStrategy::Exponential << 100.0 << 1000.0 << 2.0 << -5 << 100.0;
        QTest::newRow("exp-huge") << BackoffStrategy::Exponential << 100.0 << 5000.0 << 2.0
                                  << std::numeric_limits<int>::max() << 5000.0;
        QTest::newRow("exp-1025") << BackoffStrategy::Exponential << 1.0 << 5000.0 << 2.0 << 1025 << 5000.0;
        // Seed 004: linear 1, 2, 3, 4 s.
        for (int n = 1; n <= 4; ++n)
            QTest::addRow("linear-%d", n) << BackoffStrategy::Linear << 1000.0 << 60000.0 << 2.0 << n << 1000.0 * n;
        QTest::newRow("linear-cap") << BackoffStrategy::Linear << 1000.0 << 2500.0 << 2.0 << 3 << 2500.0;
        QTest::newRow("linear-huge") << BackoffStrategy::Linear << 1000.0 << 2500.0 << 2.0
                                     << std::numeric_limits<int>::max() << 2500.0;
        QTest::newRow("constant-1") << BackoffStrategy::Constant << 750.0 << 60000.0 << 2.0 << 1 << 750.0;
        QTest::newRow("constant-9") << BackoffStrategy::Constant << 750.0 << 60000.0 << 2.0 << 9 << 750.0;
        QTest::newRow("zero-base") << BackoffStrategy::Exponential << 0.0 << 0.0 << 2.0 << 9 << 0.0;
    }
    void formulasWithoutJitter()
    {
        QFETCH(BackoffStrategy, strategy);
        QFETCH(double, baseMs);
        QFETCH(double, maxMs);
        QFETCH(double, expBase);
        QFETCH(int, retry);
        QFETCH(double, expectedMs);
        const Backoff b(cfg(strategy, baseMs, maxMs, expBase));
        Random rng(1);
        QCOMPARE(b.baseDelay(retry), fromMs(expectedMs));
        QCOMPARE(b.delay(retry, Duration::zero(), rng), fromMs(expectedMs));
    }

    void jitterNoneDrawsNothing()
    {
        const Backoff b(cfg(BackoffStrategy::Exponential, 100, 1000));
        Random a(9), c(9);
        (void)b.delay(3, Duration::zero(), a);
        QCOMPARE(a.nextU64(), c.nextU64());
    }

    void jitterBounds_data()
    {
        QTest::addColumn<Jitter>("jitter");
        QTest::addColumn<int>("retry");
        QTest::addColumn<double>("loMs");   // inclusive
        QTest::addColumn<double>("hiMs");   // inclusive
        QTest::addColumn<double>("meanMs"); // expected mean
        // exponential base 100 ms, factor 2, cap 1000 ms: retry 3 -> d = 400 ms, retry 6 -> capped 1000 ms
        QTest::newRow("full-3") << Jitter::Full << 3 << 0.0 << 400.0 << 200.0;
        QTest::newRow("full-capped") << Jitter::Full << 6 << 0.0 << 1000.0 << 500.0;
        QTest::newRow("equal-3") << Jitter::Equal << 3 << 200.0 << 400.0 << 300.0;
        QTest::newRow("equal-capped") << Jitter::Equal << 6 << 500.0 << 1000.0 << 750.0;
    }
    void jitterBounds()
    {
        QFETCH(Jitter, jitter);
        QFETCH(int, retry);
        QFETCH(double, loMs);
        QFETCH(double, hiMs);
        QFETCH(double, meanMs);
        const Backoff b(cfg(BackoffStrategy::Exponential, 100, 1000, 2.0, jitter));
        Random rng(20260103);
        constexpr int kSamples = 20000;
        double sum = 0, minSeen = 1e18, maxSeen = -1;
        for (int i = 0; i < kSamples; ++i) {
            const double ms = toMs(b.delay(retry, Duration::zero(), rng));
            QVERIFY2(ms >= loMs && ms <= hiMs, qPrintable(QString::number(ms)));
            sum += ms;
            minSeen = std::min(minSeen, ms);
            maxSeen = std::max(maxSeen, ms);
        }
        const double width = hiMs - loMs;
        // Uniform: standard error of the mean is width / sqrt(12 n) ~ 0.2 % of the width; allow 2 %.
        QVERIFY(std::abs(sum / kSamples - meanMs) < 0.02 * width);
        QVERIFY(minSeen < loMs + 0.01 * width); // the whole range is used
        QVERIFY(maxSeen > hiMs - 0.01 * width);
    }

    void decorrelatedBoundsAndChain()
    {
        const Backoff b(cfg(BackoffStrategy::Exponential, 100, 5000, 2.0, Jitter::Decorrelated));
        Random rng(7);
        Duration prev = Duration::zero();
        bool reachedCap = false;
        for (int n = 1; n <= 2000; ++n) {
            const Duration d = b.delay(n, prev, rng);
            const Duration hi = std::min(std::max(prev, fromMs(100)) * 3, fromMs(5000));
            QVERIFY(d >= fromMs(100));
            QVERIFY(d <= hi);
            reachedCap = reachedCap || d > fromMs(4000);
            prev = d;
        }
        QVERIFY(reachedCap);
        // The first retry draws from [base, 3 * base).
        Random r2(1);
        double sum = 0;
        for (int i = 0; i < 10000; ++i)
            sum += toMs(b.delay(1, Duration::zero(), r2));
        QVERIFY(std::abs(sum / 10000 - 200.0) < 5.0);
    }

    // Regression (issue 11, item 9): the draw was U[base, min(3 * previous, cap)), so it never sat at the cap.
    // Documented: min(cap, U[base, 3 * previous)). With previous = cap = 5 s and base = 100 ms the draw is
    // U[0.1 s, 15 s): 10 / 14.9 = 67.1 % of the draws land at or above the cap and come out as the cap.
    void decorrelatedSitsAtTheCap()
    {
        const Backoff b(cfg(BackoffStrategy::Exponential, 100, 5000, 2.0, Jitter::Decorrelated));
        Random rng(11);
        constexpr int kSamples = 20000;
        int atCap = 0;
        for (int i = 0; i < kSamples; ++i) {
            const Duration d = b.delay(8, 5s, rng);
            QVERIFY(d >= 100ms && d <= 5s);
            atCap += d == 5s ? 1 : 0;
        }
        const double share = double(atCap) / kSamples;
        // Binomial standard error at n = 20000 is 0.33 %; allow 1.5 %.
        QVERIFY2(std::abs(share - 10.0 / 14.9) < 0.015, qPrintable(QString::number(share)));
    }

    // Polly v8 UseJitter with constant and linear backoff: the delay +- 25 %, MaxDelay applied after.
    void proportionalJitter_data()
    {
        QTest::addColumn<BackoffStrategy>("strategy");
        QTest::addColumn<int>("retry");
        QTest::addColumn<double>("maxMs");
        QTest::addColumn<double>("loMs");
        QTest::addColumn<double>("hiMs");
        QTest::addColumn<double>("capShare"); // expected share of draws at max_delay
        QTest::newRow("constant") << BackoffStrategy::Constant << 5 << 60000.0 << 750.0 << 1250.0 << 0.0;
        QTest::newRow("linear-3") << BackoffStrategy::Linear << 3 << 60000.0 << 2250.0 << 3750.0 << 0.0;
        QTest::newRow("exponential-4") << BackoffStrategy::Exponential << 4 << 60000.0 << 6000.0 << 10000.0 << 0.0;
        // 1 s +- 25 % capped at 1.1 s: (1.25 - 1.1) / 0.5 = 30 % of the draws sit at the cap.
        QTest::newRow("constant-capped") << BackoffStrategy::Constant << 1 << 1100.0 << 750.0 << 1100.0 << 0.3;
        // Linear retry 4 is 4 s uncapped: jittered first, so every draw (>= 3 s) exceeds the 2.5 s cap.
        QTest::newRow("linear-beyond-cap") << BackoffStrategy::Linear << 4 << 2500.0 << 2500.0 << 2500.0 << 1.0;
    }
    void proportionalJitter()
    {
        QFETCH(BackoffStrategy, strategy);
        QFETCH(int, retry);
        QFETCH(double, maxMs);
        QFETCH(double, loMs);
        QFETCH(double, hiMs);
        QFETCH(double, capShare);
        const Backoff b(cfg(strategy, 1000, maxMs, 2.0, Jitter::Proportional));
        Random rng(25);
        constexpr int kSamples = 20000;
        double minSeen = 1e18, maxSeen = -1;
        int atCap = 0;
        for (int i = 0; i < kSamples; ++i) {
            const double ms = toMs(b.delay(retry, Duration::zero(), rng));
            QVERIFY2(ms >= loMs && ms <= hiMs, qPrintable(QString::number(ms)));
            minSeen = std::min(minSeen, ms);
            maxSeen = std::max(maxSeen, ms);
            atCap += ms == maxMs ? 1 : 0;
        }
        QVERIFY(std::abs(double(atCap) / kSamples - capShare) < 0.015);
        const double width = hiMs - loMs;
        QVERIFY(minSeen <= loMs + 0.01 * width);
        QVERIFY(maxSeen >= hiMs - 0.01 * width);
    }

    // Polly's DecorrelatedJitterBackoffV2: delay n = (f(t_n) - f(t_{n-1})) / 1.4 * base with
    // f(t) = 2^t * tanh(sqrt(4 t)) and t_n = n - 1 + U[0, 1). The delays telescope: after n retries the
    // waits add up to f(t_n) / 1.4 * base, which lies in [f(n - 1), f(n)) / 1.4 * base.
    void decorrelatedV2Telescopes()
    {
        const Backoff b(cfg(BackoffStrategy::Constant, 100, 1e9, 2.0, Jitter::DecorrelatedV2));
        const auto f = [](double t) { return std::pow(2.0, t) * std::tanh(std::sqrt(4.0 * t)); };
        for (std::uint64_t seed : {1u, 2u, 3u, 99u}) {
            Random rng(seed);
            double state = 0.0;
            double sumMs = 0.0;
            for (int n = 1; n <= 12; ++n) {
                const Duration d = b.delay(n, Duration::zero(), rng, state);
                QVERIFY(d > Duration::zero()); // the curve only grows
                sumMs += toMs(d);
                const double lo = f(n - 1) / 1.4 * 100.0;
                const double hi = f(n) / 1.4 * 100.0;
                QVERIFY2(sumMs >= lo - 1e-3 && sumMs < hi + 1e-3,
                    qPrintable(QStringLiteral("n %1: %2 not in [%3, %4)").arg(n).arg(sumMs).arg(lo).arg(hi)));
            }
        }
    }

    void decorrelatedV2FirstRetryAndCap()
    {
        // The first retry is f(U[0, 1)) / 1.4 * base: within [0, 2 tanh(2) / 1.4) = [0, 1.377) * base, its
        // median f(0.5) / 1.4 = 0.897 * base.
        const Backoff b(cfg(BackoffStrategy::Exponential, 1000, 60000, 2.0, Jitter::DecorrelatedV2));
        Random rng(4);
        std::vector<double> first;
        for (int i = 0; i < 20001; ++i) {
            double state = 0.0;
            first.push_back(toMs(b.delay(1, Duration::zero(), rng, state)));
        }
        std::sort(first.begin(), first.end());
        QVERIFY(first.front() >= 0.0 && first.back() < 1377.5);
        QVERIFY(std::abs(first[10000] - 897.4) < 15.0);
        // Far retries hit the cap; an overflowing curve (t >= 1024) still gives the cap.
        double state = 0.0;
        QCOMPARE(b.delay(30, Duration::zero(), rng, state), Duration(60s));
        QCOMPARE(b.delay(2000, Duration::zero(), rng, state), Duration(60s));
    }

    void deterministicForSeed()
    {
        const Backoff b(cfg(BackoffStrategy::Exponential, 100, 10000, 2.0, Jitter::Full));
        Random r1(42), r2(42), r3(43);
        bool differs = false;
        for (int n = 1; n < 50; ++n) {
            const Duration d1 = b.delay(n, Duration::zero(), r1);
            QCOMPARE(d1, b.delay(n, Duration::zero(), r2));
            differs = differs || d1 != b.delay(n, Duration::zero(), r3);
        }
        QVERIFY(differs);
    }

    void hugeRetryNumbersNeverOverflow()
    {
        for (Jitter j : {Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated, Jitter::Proportional,
                 Jitter::DecorrelatedV2}) {
            const Backoff b(cfg(BackoffStrategy::Exponential, 1000, 3'600'000, 10.0, j));
            Random rng(3);
            for (int n : {1000, 100000, std::numeric_limits<int>::max()}) {
                const Duration d = b.delay(n, Duration::max() / 2, rng);
                QVERIFY(d >= Duration::zero());
                QVERIFY(d <= std::chrono::hours(1));
            }
        }
    }

    void validation_data()
    {
        QTest::addColumn<double>("baseMs");
        QTest::addColumn<double>("maxMs");
        QTest::addColumn<double>("expBase");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("ok") << 100.0 << 1000.0 << 2.0 << QStringList {};
        QTest::newRow("negative-base") << -1.0 << 1000.0 << 2.0
                                       << QStringList {QStringLiteral("base_delay: expected a duration >= 0 ms, got -1 ms")};
        QTest::newRow("max<base") << 2000.0 << 1000.0 << 2.0
                                  << QStringList {QStringLiteral(
                                         "max_delay: expected a duration >= base_delay (2000 ms), got 1000 ms")};
        QTest::newRow("nan-factor") << 100.0 << 1000.0 << std::numeric_limits<double>::quiet_NaN()
                                    << QStringList {QStringLiteral("exponential_base: expected a finite number, got nan")};
        QTest::newRow("inf-factor") << 100.0 << 1000.0 << std::numeric_limits<double>::infinity()
                                    << QStringList {QStringLiteral("exponential_base: expected a finite number, got inf")};
        QTest::newRow("factor<1") << 100.0 << 1000.0 << 0.5
                                  << QStringList {QStringLiteral("exponential_base: expected a number >= 1, got 0.5")};
        QTest::newRow("all") << -5.0 << -10.0 << 0.0
                             << QStringList {QStringLiteral("base_delay: expected a duration >= 0 ms, got -5 ms"),
                                    QStringLiteral("max_delay: expected a duration >= 0 ms, got -10 ms"),
                                    QStringLiteral("max_delay: expected a duration >= base_delay (-5 ms), got -10 ms"),
                                    QStringLiteral("exponential_base: expected a number >= 1, got 0")};
    }
    void validation()
    {
        QFETCH(double, baseMs);
        QFETCH(double, maxMs);
        QFETCH(double, expBase);
        QFETCH(QStringList, expected);
        const BackoffConfig c = cfg(BackoffStrategy::Exponential, baseMs, maxMs, expBase);
        QStringList got;
        for (const auto& e : BackoffConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, expected);
        bool threw = false;
        try {
            Backoff b(c);
        } catch (const InvalidConfig& e) {
            threw = true;
            QCOMPARE(int(e.errors().size()), expected.size());
        }
        QCOMPARE(threw, !expected.isEmpty());
    }

    // Regression (issue 12, bug 4): out-of-range enum values used to validate and then behave as constant.
    void outOfRangeEnumsAreRejected()
    {
        BackoffConfig c;
        c.strategy = static_cast<BackoffStrategy>(99);
        c.jitter = static_cast<Jitter>(42);
        QStringList got;
        for (const auto& e : BackoffConfig::validate(c))
            got << e.toString();
        QCOMPARE(got,
            (QStringList { QStringLiteral("strategy: expected one of exponential, linear, constant, got 99"),
                QStringLiteral(
                    "jitter: expected one of none, full, equal, decorrelated, proportional, decorrelated_v2, got 42") }));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, Backoff { c });
    }

    void namesRoundTrip()
    {
        for (auto s : {BackoffStrategy::Exponential, BackoffStrategy::Linear, BackoffStrategy::Constant})
            QCOMPARE(backoffStrategyFromString(toString(s)), std::optional<BackoffStrategy>(s));
        for (auto j : {Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated, Jitter::Proportional,
                 Jitter::DecorrelatedV2})
            QCOMPARE(jitterFromString(toString(j)), std::optional<Jitter>(j));
        QCOMPARE(jitterFromString(QStringLiteral("bogus")), std::nullopt);
    }
};

QTEST_APPLESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
