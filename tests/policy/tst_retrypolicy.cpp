#include "core/policy/retrypolicy.h"

#include <QTest>

#include <cmath>

using namespace rwb;

Q_DECLARE_METATYPE(rwb::Outcome)
Q_DECLARE_METATYPE(rwb::RetryReason)

namespace {
RetryConfig fixedConfig(int maxAttempts = 4)
{
    RetryConfig c;
    c.maxAttempts = maxAttempts;
    c.backoff.strategy = BackoffStrategy::Exponential;
    c.backoff.baseDelay = 100ms;
    c.backoff.maxDelay = 10s;
    c.backoff.jitter = Jitter::None;
    return c;
}
const TimePoint t0 {std::chrono::seconds(100)};
} // namespace

class TestRetryPolicy : public QObject {
    Q_OBJECT
private slots:
    void classification_data()
    {
        QTest::addColumn<Outcome>("outcome");
        QTest::addColumn<bool>("retry");
        QTest::addColumn<RetryReason>("reason");
        for (int s : {429, 500, 502, 503, 504})
            QTest::addRow("http_%d", s) << Outcome::httpError(s) << true << RetryReason::Backoff;
        for (int s : {400, 401, 403, 404})
            QTest::addRow("http_%d", s) << Outcome::httpError(s) << false << RetryReason::NonRetryable;
        QTest::newRow("http_501-unknown") << Outcome::httpError(501) << false << RetryReason::NonRetryable;
        QTest::newRow("timeout") << Outcome::timeout(1s) << true << RetryReason::Backoff;
        QTest::newRow("reset") << Outcome::error(ErrorClass::connectionReset()) << true << RetryReason::Backoff;
        QTest::newRow("refused") << Outcome::error(ErrorClass::connectionRefused()) << true << RetryReason::Backoff;
        QTest::newRow("malformed") << Outcome::error(ErrorClass::malformedResponse()) << false << RetryReason::NonRetryable;
        QTest::newRow("exception") << Outcome::error(ErrorClass::exception()) << false << RetryReason::NonRetryable;
        QTest::newRow("success") << Outcome::success() << false << RetryReason::Succeeded;
        QTest::newRow("circuit-open") << Outcome::rejected(ErrorClass::circuitOpen(), 5s) << false
                                      << RetryReason::RejectionNotRetried;
        QTest::newRow("bulkhead-full") << Outcome::rejected(ErrorClass::bulkheadFull()) << false
                                       << RetryReason::RejectionNotRetried;
    }
    void classification()
    {
        QFETCH(Outcome, outcome);
        QFETCH(bool, retry);
        QFETCH(RetryReason, reason);
        RetryConfig c = fixedConfig();
        c.retryAfter.defaultRetryDelay = Duration::zero(); // keep 429/503 on the backoff delay
        const RetryPolicy p(c);
        RetryContext ctx {t0};
        const RetryDecision d = p.next(1, outcome, t0, ctx);
        QCOMPARE(d.retry, retry);
        QCOMPARE(toString(d.reason), toString(reason));
        QCOMPARE(p.isRetryable(outcome), retry);
        if (retry)
            QCOMPARE(d.delay, Duration(100ms));
    }

    void configurableSetsAndPredicate()
    {
        RetryConfig c = fixedConfig();
        c.retryable.insert(ErrorClass::forHttpStatus(501));
        c.nonRetryable.insert(ErrorClass::forHttpStatus(503)); // non_retryable wins
        RetryPolicy p(c);
        QVERIFY(p.isRetryable(Outcome::httpError(501)));
        QVERIFY(!p.isRetryable(Outcome::httpError(503)));
        c.predicate = [](const Outcome& o) { return o.httpStatus == 404; };
        RetryPolicy withPredicate(c);
        QVERIFY(withPredicate.isRetryable(Outcome::httpError(404)));
        QVERIFY(!withPredicate.isRetryable(Outcome::httpError(500)));
        QVERIFY(!withPredicate.isRetryable(Outcome::success()));
    }

    void scheduleUntilMaxAttempts()
    {
        const RetryPolicy p(fixedConfig(4)); // 1 try + 3 retries
        RetryContext ctx {t0};
        TimePoint now = t0;
        QList<qint64> delays;
        int attempt = 1;
        for (;; ++attempt) {
            const RetryDecision d = p.next(attempt, Outcome::httpError(500), now, ctx);
            if (!d) {
                QCOMPARE(toString(d.reason), toString(RetryReason::MaxAttempts));
                break;
            }
            delays << std::chrono::duration_cast<std::chrono::milliseconds>(d.delay).count();
            now += d.delay;
        }
        QCOMPARE(attempt, 4);
        QCOMPARE(delays, (QList<qint64> {100, 200, 400}));
        QCOMPARE(ctx.previousDelay, Duration(400ms));
    }

    void maxAttemptsOneNeverRetries()
    {
        const RetryPolicy p(fixedConfig(1));
        RetryContext ctx {t0};
        QCOMPARE(toString(p.next(1, Outcome::httpError(503), t0, ctx).reason), toString(RetryReason::MaxAttempts));
    }

    void retryAfterHints_data()
    {
        QTest::addColumn<Outcome>("outcome");
        QTest::addColumn<bool>("respect");
        QTest::addColumn<qint64>("expectedMs");
        QTest::addColumn<RetryReason>("reason");
        // attempt 2 -> backoff 200 ms; default 1 s; cap 3 s
        QTest::newRow("hint-larger") << Outcome::httpError(429, {}, 2s) << true << qint64(2000) << RetryReason::RetryAfter;
        QTest::newRow("hint-smaller") << Outcome::httpError(503, {}, 50ms) << true << qint64(200) << RetryReason::Backoff;
        QTest::newRow("hint-capped") << Outcome::httpError(429, {}, 3600s) << true << qint64(3000) << RetryReason::RetryAfter;
        QTest::newRow("429-no-hint-default") << Outcome::httpError(429) << true << qint64(1000) << RetryReason::RetryAfter;
        QTest::newRow("503-no-hint-default") << Outcome::httpError(503) << true << qint64(1000) << RetryReason::RetryAfter;
        QTest::newRow("500-no-hint") << Outcome::httpError(500) << true << qint64(200) << RetryReason::Backoff;
        QTest::newRow("not-respected") << Outcome::httpError(429, {}, 2s) << false << qint64(1000) << RetryReason::RetryAfter;
    }
    void retryAfterHints()
    {
        QFETCH(Outcome, outcome);
        QFETCH(bool, respect);
        QFETCH(qint64, expectedMs);
        QFETCH(RetryReason, reason);
        RetryConfig c = fixedConfig();
        c.retryAfter.respectRetryAfter = respect;
        c.retryAfter.defaultRetryDelay = 1s;
        c.retryAfter.maxRetryDelay = 3s;
        const RetryPolicy p(c);
        RetryContext ctx {t0};
        const RetryDecision d = p.next(2, outcome, t0, ctx);
        QVERIFY(d.retry);
        QCOMPARE(d.delay, Duration(std::chrono::milliseconds(expectedMs)));
        QCOMPARE(toString(d.reason), toString(reason));
    }

    void rejectionRetriedOnlyWhenConfigured()
    {
        RetryConfig c = fixedConfig();
        c.retryOnRejection = true;
        c.retryAfter.defaultRetryDelay = 1s;
        c.retryAfter.maxRetryDelay = 10s;
        const RetryPolicy p(c);
        RetryContext ctx {t0};
        RetryDecision d = p.next(1, Outcome::rejected(ErrorClass::circuitOpen(), 7s), t0, ctx);
        QVERIFY(d.retry);
        QCOMPARE(d.delay, Duration(7s)); // the breaker's retry-after, not the backoff
        QCOMPARE(toString(d.reason), toString(RetryReason::Rejected));
        d = p.next(1, Outcome::rejected(ErrorClass::bulkheadFull()), t0, ctx);
        QCOMPARE(d.delay, Duration(100ms)); // no hint: backoff
        QCOMPARE(toString(d.reason), toString(RetryReason::Backoff));
        d = p.next(1, Outcome::rejected(ErrorClass::circuitOpen(), 60s), t0, ctx);
        QCOMPARE(d.delay, Duration(10s)); // capped
    }

    // Regression (issue 12, bug 1): a zero hint is no hint. A busy HALF_OPEN used to reject with
    // retryAfter = 0, and every retry then fired at the same instant.
    void zeroRejectionHintLeavesBackoffInCharge()
    {
        RetryConfig c = fixedConfig();
        c.retryOnRejection = true;
        const RetryPolicy p(c);
        RetryContext ctx {t0};
        const RetryDecision d = p.next(1, Outcome::rejected(ErrorClass::circuitOpen(), Duration::zero()), t0, ctx);
        QVERIFY(d.retry);
        QCOMPARE(d.delay, Duration(100ms));
        QCOMPARE(toString(d.reason), toString(RetryReason::Backoff));
    }

    void budget()
    {
        RetryConfig c = fixedConfig(10);
        c.timeBudget = 1s;
        const RetryPolicy p(c);
        RetryContext ctx {t0};
        // 100 + 200 + 400 = 700 ms in; the 4th retry (800 ms) would start at 1.5 s > 1 s budget.
        TimePoint now = t0;
        int attempt = 1;
        RetryDecision d;
        while ((d = p.next(attempt, Outcome::httpError(500), now, ctx))) {
            now += d.delay;
            ++attempt;
        }
        QCOMPARE(toString(d.reason), toString(RetryReason::BudgetExhausted));
        QCOMPARE(attempt, 4);
        QCOMPARE(d.delay, Duration(800ms));
        // Exactly at the budget is still allowed.
        RetryContext edge {t0};
        QVERIFY(p.next(1, Outcome::httpError(500), t0 + 900ms, edge));
        QVERIFY(!p.next(1, Outcome::httpError(500), t0 + 901ms, edge));
    }

    void externalDeadline()
    {
        const RetryPolicy p(fixedConfig());
        RetryContext ctx {t0};
        QVERIFY(p.next(1, Outcome::httpError(500), t0, ctx, t0 + 100ms));
        const RetryDecision d = p.next(1, Outcome::httpError(500), t0, ctx, t0 + 99ms);
        QVERIFY(!d);
        QCOMPARE(toString(d.reason), toString(RetryReason::BudgetExhausted));
    }

    void jitterUsesContextRng()
    {
        RetryConfig c = fixedConfig(100);
        c.backoff.jitter = Jitter::Full;
        const RetryPolicy p(c);
        Random r1(5), r2(5);
        RetryContext a {t0, {}, &r1}, b {t0, {}, &r2};
        for (int n = 1; n < 20; ++n) {
            const auto da = p.next(n, Outcome::timeout(1s), t0, a);
            QCOMPARE(da.delay, p.next(n, Outcome::timeout(1s), t0, b).delay);
            QVERIFY(da.delay <= p.backoff().baseDelay(n));
        }
    }

    // decorrelated_v2 remembers the curve per call: through RetryPolicy the waits still telescope, adding up
    // to f(t_n) / 1.4 * base with t_n in [n - 1, n).
    void decorrelatedV2KeepsItsStateInTheContext()
    {
        RetryConfig c = fixedConfig(20);
        c.backoff.jitter = Jitter::DecorrelatedV2;
        c.backoff.maxDelay = 3600s;
        const RetryPolicy p(c);
        Random rng(8);
        RetryContext ctx {t0, {}, &rng};
        const auto f = [](double t) { return std::pow(2.0, t) * std::tanh(std::sqrt(4.0 * t)); };
        double sumMs = 0.0;
        for (int n = 1; n <= 10; ++n) {
            const RetryDecision d = p.next(n, Outcome::httpError(500), t0, ctx);
            QVERIFY(d.retry);
            sumMs += toMs(d.delay);
            QVERIFY(sumMs >= f(n - 1) / 1.4 * 100.0 - 1e-3);
            QVERIFY(sumMs < f(n) / 1.4 * 100.0 + 1e-3);
        }
    }

    void validation()
    {
        RetryConfig c;
        c.maxAttempts = 0;
        c.timeBudget = Duration::zero();
        c.backoff.maxDelay = 1ms;
        c.retryAfter.defaultRetryDelay = -1s;
        QStringList got;
        for (const auto& e : RetryConfig::validate(c))
            got << e.toString();
        QCOMPARE(got,
            (QStringList {QStringLiteral("max_attempts: expected an integer >= 1, got 0"),
                QStringLiteral("time_budget: expected a duration > 0 ms, got 0 ms"),
                QStringLiteral("backoff.max_delay: expected a duration >= base_delay (1000 ms), got 1 ms"),
                QStringLiteral("retry_after.default_retry_delay: expected a duration >= 0 ms, got -1000 ms")}));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, RetryPolicy {c});
        QVERIFY(RetryConfig::validate(RetryConfig {}).empty());
    }

    void reasonNames()
    {
        QCOMPARE(toString(RetryReason::BudgetExhausted), QStringLiteral("budget_exhausted"));
        QCOMPARE(toString(RetryReason::RetryAfter), QStringLiteral("retry_after"));
    }
};

QTEST_APPLESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
