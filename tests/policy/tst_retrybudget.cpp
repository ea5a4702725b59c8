// RetryBudget (Finagle / Envoy style), RetryThrottle (gRPC) and their registry, on injected times.
#include "core/policy/retrybudgetregistry.h"

#include <QTest>

using namespace rwb;

namespace {
RetryBudgetConfig budget(double percent, double minPerSecond, Duration window = 10s)
{
    RetryBudgetConfig c;
    c.percent = percent;
    c.minRetriesPerSecond = minPerSecond;
    c.window = window;
    return c;
}

int grantedOf(RetryBudget& b, int tries, TimePoint now)
{
    int granted = 0;
    for (int i = 0; i < tries; ++i)
        granted += b.tryRetry(now) ? 1 : 0;
    return granted;
}

QStringList errorsOf(const FieldErrors& errors)
{
    QStringList out;
    for (const auto& e : errors)
        out << e.toString();
    return out;
}
} // namespace

Q_DECLARE_METATYPE(RetryBudgetConfig)

class TestRetryBudget : public QObject {
    Q_OBJECT
private slots:
    // Finagle's defaults (ttl 10 s, minRetriesPerSec 10, percentCanRetry 20 %): a client that has sent
    // nothing yet may still retry min_retries_per_second * window = 100 times.
    void reserveForQuietClients()
    {
        RetryBudget b(RetryBudgetConfig {});
        QCOMPARE(grantedOf(b, 150, TimePoint(1s)), 100);
        QCOMPARE(b.stats(TimePoint(1s)).denied, std::uint64_t(50));
    }

    // Envoy's budget_percent / Finagle's percentCanRetry: retries at most that share of the requests.
    void shareOfRequests()
    {
        RetryBudget b(budget(20, 0));
        const TimePoint t(5s);
        QVERIFY(!b.tryRetry(t)); // nothing deposited, no reserve
        for (int i = 0; i < 10; ++i)
            b.onRequest(t);
        QCOMPARE(grantedOf(b, 5, t), 2); // 20 % of 10
        for (int i = 0; i < 5; ++i)
            b.onRequest(t);
        QCOMPARE(grantedOf(b, 5, t), 1); // 20 % of 15 = 3 in all
        const auto s = b.stats(t);
        QCOMPARE(s.requests, std::int64_t(15));
        QCOMPARE(s.retries, std::int64_t(3));
        QCOMPARE(s.allowed, 3.0);
        QCOMPARE(s.granted, std::uint64_t(3));
        QCOMPARE(s.denied, std::uint64_t(8));
    }

    void percentAndReserveAddUp()
    {
        RetryBudget b(budget(50, 0.5, 4s)); // reserve 0.5/s * 4 s = 2
        for (int i = 0; i < 6; ++i)
            b.onRequest(TimePoint {});
        QCOMPARE(grantedOf(b, 10, TimePoint {}), 5); // 3 + 2
    }

    // The window slides: requests and retries older than the window no longer count (10 one-second
    // buckets, so a count leaves between 9 and 10 s after it was made).
    void windowSlides()
    {
        RetryBudget b(budget(100, 0, 10s));
        for (int i = 0; i < 4; ++i)
            b.onRequest(TimePoint(500ms));
        QCOMPARE(grantedOf(b, 4, TimePoint(1s)), 4);
        QVERIFY(!b.tryRetry(TimePoint(9s))); // still 4 requests, 4 retries
        QCOMPARE(b.stats(TimePoint(9500ms)).requests, std::int64_t(4));
        QCOMPARE(b.stats(TimePoint(10s)).requests, std::int64_t(0)); // the 0.5 s bucket left the window
        b.onRequest(TimePoint(10s));
        QCOMPARE(b.stats(TimePoint(10s)).retries, std::int64_t(4)); // retries at 1 s stay until 11 s
        QVERIFY(!b.tryRetry(TimePoint(10s)));
        QVERIFY(b.tryRetry(TimePoint(11s)));
    }

    void validation_data()
    {
        QTest::addColumn<RetryBudgetConfig>("config");
        QTest::addColumn<QStringList>("errors");
        QTest::newRow("defaults") << RetryBudgetConfig {} << QStringList {};
        QTest::newRow("percent above 100") << budget(150, 10)
                                           << QStringList { QStringLiteral("percent: expected a number in [0, 100], got 150") };
        QTest::newRow("negative percent") << budget(-1, 10)
                                          << QStringList { QStringLiteral("percent: expected a number in [0, 100], got -1") };
        QTest::newRow("negative floor") << budget(20, -2)
                                        << QStringList { QStringLiteral("min_retries_per_second: expected a number >= 0, got -2") };
        QTest::newRow("infinite floor")
            << budget(20, qInf()) << QStringList { QStringLiteral("min_retries_per_second: expected a finite number, got inf") };
        QTest::newRow("empty window") << budget(20, 10, 0s)
                                      << QStringList { QStringLiteral("window: expected a duration >= 1 ms, got 0 ms") };
    }
    void validation()
    {
        QFETCH(RetryBudgetConfig, config);
        QFETCH(QStringList, errors);
        QCOMPARE(errorsOf(RetryBudgetConfig::validate(config)), errors);
        if (!errors.isEmpty())
            QVERIFY_THROWS_EXCEPTION(InvalidConfig, RetryBudget { config });
    }

    // gRFC A6: the bucket starts at max_tokens; a failure costs 1, a success refills token_ratio (capped);
    // retries are allowed while tokens > max_tokens / 2. With max 4 the threshold is 2.
    void grpcThrottle()
    {
        RetryThrottleConfig c;
        c.maxTokens = 4;
        c.tokenRatio = 1.6;
        RetryThrottle t(c);
        QCOMPARE(t.tokens(), 4.0);
        t.onFailure();
        QVERIFY(t.allowsRetry()); // 3
        t.onSuccess();
        QCOMPARE(t.tokens(), 4.0); // never above max_tokens
        t.onFailure();
        t.onFailure();
        QCOMPARE(t.tokens(), 2.0);
        QVERIFY(!t.allowsRetry()); // at the threshold: no retries
        t.onFailure();
        t.onFailure();
        t.onFailure();
        QCOMPARE(t.tokens(), 0.0); // never below zero
        t.onSuccess();
        QCOMPARE(t.tokens(), 1.6);
        t.onSuccess();
        QVERIFY(t.allowsRetry()); // 3.2
    }

    void throttleValidation()
    {
        RetryThrottleConfig c;
        c.maxTokens = 0;
        c.tokenRatio = 2000;
        QCOMPARE(errorsOf(RetryThrottleConfig::validate(c)),
            (QStringList { QStringLiteral("max_tokens: expected a number in (0, 1000], got 0"),
                QStringLiteral("token_ratio: expected a number in (0, 1000], got 2000") }));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, RetryThrottle { c });
        QVERIFY(RetryThrottleConfig::validate(RetryThrottleConfig {}).empty());
    }

    void registrySharesByName()
    {
        RetryBudgetRegistry registry;
        auto a = registry.budget(QStringLiteral("payments"), budget(20, 0));
        auto b = registry.budget(QStringLiteral("payments"), budget(90, 5)); // the first config wins
        QCOMPARE(a.get(), b.get());
        QCOMPARE(a->config().percent, 20.0);
        QCOMPARE(a->config().name, QStringLiteral("payments"));
        QVERIFY(registry.budget(QStringLiteral("search"), budget(20, 0)) != a);
        QCOMPARE(registry.findBudget(QStringLiteral("payments")), a);
        QCOMPARE(registry.findBudget(QStringLiteral("nope")), nullptr);
        auto t = registry.throttle(QStringLiteral("payments"), RetryThrottleConfig {});
        QCOMPARE(registry.throttle(QStringLiteral("payments"), RetryThrottleConfig {}), t);
        QCOMPARE(registry.findThrottle(QStringLiteral("payments")), t);
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, registry.budget(QStringLiteral("bad"), budget(101, 0)));
        QCOMPARE(registry.findBudget(QStringLiteral("bad")), nullptr);
    }
};

QTEST_GUILESS_MAIN(TestRetryBudget)
#include "tst_retrybudget.moc"
