// cockatiel (Node.js) policies as a small CommonJS module: `createPolicies()` returns
// { retry, circuitBreaker, timeout, totalTimeout, bulkhead, policy } (each null when the stage is off;
// `policy` wraps them in the pipeline's order). Times are milliseconds.
#include "core/interop/formats.h"

namespace rwb::interop::detail {

namespace {

const QString kTarget = QStringLiteral("cockatiel");

QString ms(Duration d, bool& exact)
{
    return QString::number(wholeMs(d, &exact));
}

QString num(double v)
{
    return QString::number(v, 'g', 12);
}

QString breakerExpression(const CircuitBreakerConfig& b, InteropNotes& notes, bool& exact)
{
    switch (b.tripMode) {
    case TripMode::Consecutive:
        return QStringLiteral("new ConsecutiveBreaker(%1)").arg(b.failureThreshold);
    case TripMode::CountWindow: {
        const double threshold = std::clamp(b.failureRateThreshold, 0.001, 0.999);
        notes.approximate(QStringLiteral("circuit_breaker.trip_mode count_window"),
            QStringLiteral(
                "CountBreaker opens when failures are above (not at) threshold x calls, its threshold lies strictly "
                "between 0 and 1, and it keeps its window when the circuit opens"));
        return QStringLiteral("new CountBreaker({ threshold: %1, size: %2, minimumNumberOfCalls: %3 })")
            .arg(num(threshold))
            .arg(b.windowSize)
            .arg(b.minimumCalls);
    }
    case TripMode::TimeWindow:
        notes.approximate(QStringLiteral("circuit_breaker.trip_mode time_window"),
            QStringLiteral(
                "SamplingBreaker takes a minimum rate (minimumRps = minimum_calls / failure_window) instead of a "
                "minimum count, and samples in its own buckets"));
        return QStringLiteral("new SamplingBreaker({ threshold: %1, duration: %2, minimumRps: %3 })")
            .arg(num(b.failureRateThreshold), ms(b.failureWindow, exact),
                num(b.minimumCalls / toSeconds(b.failureWindow)));
    }
    return {};
}

QString backoffExpression(const RetryConfig& r, InteropNotes& notes, bool& exact)
{
    const BackoffConfig& b = r.backoff;
    const QString init = ms(b.baseDelay, exact);
    const QString max = ms(b.maxDelay, exact);
    if (b.strategy == BackoffStrategy::Exponential && b.exponentialBase == 2.0) {
        const char* generator = nullptr;
        switch (b.jitter) {
        case Jitter::None:
            generator = "noJitterGenerator";
            break;
        case Jitter::Full:
            generator = "fullJitterGenerator";
            break;
        case Jitter::Equal:
            generator = "halfJitterGenerator";
            break;
        default:
            generator = "decorrelatedJitterGenerator";
            notes.approximate(QStringLiteral("retry.backoff.jitter ") + toString(b.jitter),
                QStringLiteral(
                    "exported as cockatiel's decorrelatedJitterGenerator (Polly's decorrelated V2 formula)"));
        }
        return QStringLiteral("new ExponentialBackoff({ initialDelay: %1, maxDelay: %2, generator: %3 })")
            .arg(init, max, QLatin1String(generator));
    }
    if (b.strategy == BackoffStrategy::Constant && b.jitter == Jitter::None)
        return QStringLiteral("new ConstantBackoff(%1)").arg(init);
    // Any other schedule without jitter: the delays themselves, one per retry.
    const Backoff schedule(b);
    QStringList delays;
    for (int n = 1; n < r.maxAttempts; ++n)
        delays << ms(schedule.baseDelay(n), exact);
    if (b.jitter != Jitter::None)
        notes.missing(QStringLiteral("retry.backoff.jitter ") + toString(b.jitter),
            QStringLiteral("cockatiel jitters exponential (base 2) backoffs only; exported without jitter"));
    return QStringLiteral("new IterableBackoff([%1])").arg(delays.join(QStringLiteral(", ")));
}

} // namespace

InteropExport exportCockatiel(const PipelineSpec& spec)
{
    InteropNotes notes;
    const PipelineConfig& c = spec.config;
    bool exact = true;
    QStringList body;
    const auto policy = [&](const QString& name, const QString& expression) {
        body << QStringLiteral("  const %1 = %2;").arg(name, expression);
    };
    QString retry = QStringLiteral("null"), breaker = QStringLiteral("null"), timeout = QStringLiteral("null"),
            total = QStringLiteral("null"), bulkheadName = QStringLiteral("null");
    if (c.retryEnabled) {
        policy(QStringLiteral("retryPolicy"),
            QStringLiteral("retry(handleAll, { maxAttempts: %1, backoff: %2 })")
                .arg(QString::number(c.retry.maxAttempts - 1), backoffExpression(c.retry, notes, exact)));
        retry = QStringLiteral("retryPolicy");
        if (c.retry.retryAfter.respectRetryAfter)
            notes.missing(
                QStringLiteral("retry.retry_after"), QStringLiteral("cockatiel's retry has no Retry-After handling"));
    }
    if (spec.breaker) {
        const CircuitBreakerConfig& b = *spec.breaker;
        policy(QStringLiteral("breakerPolicy"),
            QStringLiteral("circuitBreaker(handleAll, { halfOpenAfter: %1, breaker: %2 })")
                .arg(ms(b.recoveryTimeout, exact), breakerExpression(b, notes, exact)));
        breaker = QStringLiteral("breakerPolicy");
        if (!isSingleProbe(b))
            notes.approximate(QStringLiteral("circuit_breaker.half_open_rule / permitted_probes / success_threshold"),
                QStringLiteral(
                    "cockatiel half-opens with one test call whose outcome alone closes or re-opens the circuit"));
        if (b.slowCallDuration > Duration::zero())
            notes.missing(QStringLiteral("circuit_breaker.slow_call_duration"),
                QStringLiteral("cockatiel has no slow-call rule"));
        if (b.recoveryBackoffFactor != 1.0)
            notes.missing(QStringLiteral("circuit_breaker.recovery_backoff_factor"),
                QStringLiteral("exported with a fixed halfOpenAfter; a growing one needs a backoff object"));
    }
    if (c.bulkheadEnabled) {
        policy(QStringLiteral("bulkheadPolicy"),
            QStringLiteral("bulkhead(%1, %2)").arg(c.bulkhead.maxConcurrent).arg(c.bulkhead.maxQueue));
        bulkheadName = QStringLiteral("bulkheadPolicy");
        if (c.bulkhead.maxQueue > 0)
            notes.missing(QStringLiteral("bulkhead.max_queue_wait"),
                QStringLiteral("cockatiel's bulkhead queue has no wait limit"));
    }
    if (c.timeoutEnabled && c.timeout.attemptTimeout) {
        policy(QStringLiteral("timeoutPolicy"),
            QStringLiteral("timeout(%1, TimeoutStrategy.Aggressive)").arg(ms(*c.timeout.attemptTimeout, exact)));
        timeout = QStringLiteral("timeoutPolicy");
    }
    if (c.timeoutEnabled && c.timeout.overallTimeout) {
        policy(QStringLiteral("totalTimeoutPolicy"),
            QStringLiteral("timeout(%1, TimeoutStrategy.Aggressive)").arg(ms(*c.timeout.overallTimeout, exact)));
        total = QStringLiteral("totalTimeoutPolicy");
    }
    if (c.timeoutEnabled && c.timeout.attemptTimeoutIncrement > Duration::zero())
        notes.missing(
            QStringLiteral("timeout.attempt_timeout_increment"), QStringLiteral("cockatiel's timeout is fixed"));
    if (c.rateLimiterEnabled)
        notes.missing(QStringLiteral("rate_limiter"), QStringLiteral("cockatiel has no rate limiter"));
    if (c.hedgingEnabled)
        notes.missing(QStringLiteral("hedging"), QStringLiteral("cockatiel has no hedging"));
    if (!exact)
        notes.approximate(QStringLiteral("durations"), QStringLiteral("cockatiel counts whole milliseconds; rounded"));
    noteCommonGaps(spec, kTarget, notes);

    // Outer -> inner in the pipeline's order; the overall timeout wraps everything.
    QStringList chain;
    if (total != QLatin1String("null"))
        chain << total;
    for (StageKind k : c.order) {
        const QString name = k == StageKind::Retry ? retry
            : k == StageKind::CircuitBreaker       ? breaker
            : k == StageKind::Bulkhead             ? bulkheadName
            : k == StageKind::Timeout              ? timeout
                                                   : QStringLiteral("null");
        if (name != QLatin1String("null"))
            chain << name;
    }
    QString text = QStringLiteral(
        "// cockatiel policies of pipeline \"%1\", exported by rwb (docs/interop.md).\n"
        "'use strict';\n"
        "const {\n"
        "  ConsecutiveBreaker, CountBreaker, SamplingBreaker, ConstantBackoff, ExponentialBackoff, IterableBackoff,\n"
        "  noJitterGenerator, fullJitterGenerator, halfJitterGenerator, decorrelatedJitterGenerator,\n"
        "  TimeoutStrategy, bulkhead, circuitBreaker, handleAll, retry, timeout, wrap, noop,\n"
        "} = require('cockatiel');\n\n"
        "exports.name = %2;\n"
        "exports.createPolicies = () => {\n")
                       .arg(spec.name(),
                           QStringLiteral("'") + QString(spec.name()).replace(QLatin1Char('\''), QStringLiteral("\\'"))
                               + QLatin1Char('\''));
    text += body.join(QLatin1Char('\n')) + (body.isEmpty() ? QString() : QStringLiteral("\n"));
    text += QStringLiteral("  return {\n    retry: %1,\n    circuitBreaker: %2,\n    bulkhead: %3,\n    timeout: %4,\n"
                           "    totalTimeout: %5,\n    policy: %6,\n  };\n};\n")
                .arg(retry, breaker, bulkheadName, timeout, total,
                    chain.isEmpty() ? QStringLiteral("noop")
                                    : QStringLiteral("wrap(%1)").arg(chain.join(QStringLiteral(", "))));
    return { text.toUtf8(), notes.warnings() };
}

} // namespace rwb::interop::detail
