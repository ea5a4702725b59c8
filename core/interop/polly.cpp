// Polly v8 as Microsoft.Extensions.Http.Resilience binds it from configuration: a section per pipeline
// holding HttpStandardResilienceOptions (RateLimiter, TotalRequestTimeout, Retry, CircuitBreaker,
// AttemptTimeout) or, with hedging, HttpStandardHedgingResilienceOptions (TotalRequestTimeout, Hedging,
// Endpoint.{RateLimiter, CircuitBreaker, Timeout}). TimeSpans are "[d.]hh:mm:ss[.fffffff]" strings.
#include "core/config/jsonreader.h"
#include "core/interop/formats.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace rwb::interop::detail {

namespace {

const QString kTarget = QStringLiteral("Polly");

QString timeSpan(Duration d)
{
    const std::int64_t ticks = d.count() / 100; // .NET ticks are 100 ns
    const std::int64_t perSecond = 10'000'000;
    std::int64_t secs = ticks / perSecond;
    const std::int64_t frac = ticks % perSecond;
    const std::int64_t days = secs / 86400;
    secs %= 86400;
    QString s = QStringLiteral("%1:%2:%3")
                    .arg(secs / 3600, 2, 10, QLatin1Char('0'))
                    .arg(secs / 60 % 60, 2, 10, QLatin1Char('0'))
                    .arg(secs % 60, 2, 10, QLatin1Char('0'));
    if (days)
        s.prepend(QString::number(days) + QLatin1Char('.'));
    if (frac)
        s += QStringLiteral(".%1").arg(frac, 7, 10, QLatin1Char('0'));
    return s;
}

std::optional<Duration> parseTimeSpan(const QJsonValue& v, QString* problem)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$)"));
    const auto m = v.isString() ? re.match(v.toString().trimmed()) : QRegularExpressionMatch();
    if (!m.hasMatch()) {
        *problem = v.isDouble()
            ? QStringLiteral(
                "unit missing: a TimeSpan is a string like \"00:00:05\" or \"00:00:00.250\", got the bare number %1")
                  .arg(v.toDouble())
            : QStringLiteral("expected a TimeSpan like \"00:00:05\", got ") + JsonReader::describe(v);
        return std::nullopt;
    }
    const std::int64_t secs = m.captured(1).toLongLong() * 86400 + m.captured(2).toLongLong() * 3600
        + m.captured(3).toLongLong() * 60 + m.captured(4).toLongLong();
    const std::int64_t ticks
        = m.captured(5).isEmpty() ? 0 : m.captured(5).leftJustified(7, QLatin1Char('0')).toLongLong();
    return std::chrono::seconds(secs) + Duration(ticks * 100);
}

bool readTimeSpan(JsonReader& r, const QString& key, Duration& out)
{
    r.accept(key);
    if (!r.has(key))
        return false;
    QString problem;
    if (auto d = parseTimeSpan(r.value(key), &problem)) {
        out = *d;
        return true;
    }
    r.error(key, problem);
    return false;
}

QJsonObject timeoutSection(Duration d)
{
    return { { QStringLiteral("Timeout"), timeSpan(d) } };
}

QJsonObject breakerSection(const CircuitBreakerConfig& b, InteropNotes& notes)
{
    QJsonObject o;
    if (b.tripMode == TripMode::TimeWindow) {
        o.insert(QStringLiteral("FailureRatio"), b.failureRateThreshold);
        o.insert(QStringLiteral("MinimumThroughput"), std::max(2, b.minimumCalls));
        o.insert(QStringLiteral("SamplingDuration"),
            timeSpan(std::max<Duration>(b.failureWindow, std::chrono::milliseconds(500))));
        if (b.minimumCalls < 2 || b.failureWindow < std::chrono::milliseconds(500))
            notes.approximate(QStringLiteral("circuit_breaker.minimum_calls / failure_window"),
                QStringLiteral("Polly requires MinimumThroughput >= 2 and SamplingDuration >= 0.5 s; raised to fit"));
        notes.approximate(QStringLiteral("circuit_breaker.failure_window"),
            QStringLiteral("Polly samples in up to 10 windows per SamplingDuration; ours in finer buckets"));
    } else {
        const int n = b.tripMode == TripMode::Consecutive ? b.failureThreshold : b.windowSize;
        o.insert(QStringLiteral("FailureRatio"), b.tripMode == TripMode::Consecutive ? 1.0 : b.failureRateThreshold);
        o.insert(
            QStringLiteral("MinimumThroughput"), std::max(2, b.tripMode == TripMode::Consecutive ? n : b.minimumCalls));
        o.insert(QStringLiteral("SamplingDuration"), timeSpan(b.failureWindow));
        notes.approximate(QStringLiteral("circuit_breaker.trip_mode ") + toString(b.tripMode),
            QStringLiteral("Polly's breaker counts over time (SamplingDuration = our failure_window %1 s), not over "
                           "the last %2 calls")
                .arg(toSeconds(b.failureWindow))
                .arg(n));
    }
    o.insert(QStringLiteral("BreakDuration"),
        timeSpan(std::max<Duration>(b.recoveryTimeout, std::chrono::milliseconds(500))));
    if (b.recoveryTimeout < std::chrono::milliseconds(500))
        notes.approximate(QStringLiteral("circuit_breaker.recovery_timeout"),
            QStringLiteral("Polly's BreakDuration is at least 0.5 s"));
    if (!isSingleProbe(b))
        notes.approximate(QStringLiteral("circuit_breaker.half_open_rule / permitted_probes / success_threshold"),
            QStringLiteral("Polly half-opens with one probe whose outcome alone closes or re-opens the circuit"));
    if (b.slowCallDuration > Duration::zero())
        notes.missing(QStringLiteral("circuit_breaker.slow_call_duration"),
            QStringLiteral("Polly's breaker has no slow-call rule"));
    if (b.recoveryBackoffFactor != 1.0)
        notes.missing(QStringLiteral("circuit_breaker.recovery_backoff_factor"),
            QStringLiteral("a growing break needs a BreakDurationGenerator in code"));
    return o;
}

QJsonObject retrySection(const RetryConfig& r, InteropNotes& notes)
{
    const BackoffConfig& b = r.backoff;
    QJsonObject o;
    o.insert(QStringLiteral("MaxRetryAttempts"), r.maxAttempts - 1);
    o.insert(QStringLiteral("BackoffType"),
        b.strategy == BackoffStrategy::Exponential  ? QStringLiteral("Exponential")
            : b.strategy == BackoffStrategy::Linear ? QStringLiteral("Linear")
                                                    : QStringLiteral("Constant"));
    const Jitter pollyJitter
        = b.strategy == BackoffStrategy::Exponential ? Jitter::DecorrelatedV2 : Jitter::Proportional;
    o.insert(QStringLiteral("UseJitter"), b.jitter != Jitter::None);
    if (b.jitter != Jitter::None && b.jitter != pollyJitter)
        notes.approximate(QStringLiteral("retry.backoff.jitter ") + toString(b.jitter),
            QStringLiteral("Polly's UseJitter means %1 jitter with %2 backoff")
                .arg(toString(pollyJitter), toString(b.strategy)));
    if (b.strategy == BackoffStrategy::Exponential && b.exponentialBase != 2.0)
        notes.missing(QStringLiteral("retry.backoff.exponential_base"),
            QStringLiteral("Polly's exponential backoff doubles (base 2)"));
    o.insert(QStringLiteral("Delay"), timeSpan(b.baseDelay));
    o.insert(QStringLiteral("MaxDelay"), timeSpan(b.maxDelay));
    o.insert(QStringLiteral("ShouldRetryAfterHeader"), r.retryAfter.respectRetryAfter);
    if (r.retryAfter.respectRetryAfter)
        notes.approximate(QStringLiteral("retry.retry_after"),
            QStringLiteral(
                "Polly waits exactly the Retry-After hint; we wait max(backoff, hint capped at max_retry_delay) "
                "and default_retry_delay when a 429/503 has none"));
    return o;
}

} // namespace

InteropExport exportPolly(const PipelineSpec& spec)
{
    InteropNotes notes;
    const PipelineConfig& c = spec.config;
    QJsonObject o;
    QJsonObject endpoint;
    QJsonObject& perTry = c.hedgingEnabled ? endpoint : o; // the hedging handler nests per-request strategies
    if (c.bulkheadEnabled) {
        perTry.insert(QStringLiteral("RateLimiter"),
            QJsonObject { { QStringLiteral("DefaultRateLimiterOptions"),
                QJsonObject { { QStringLiteral("PermitLimit"), c.bulkhead.maxConcurrent },
                    { QStringLiteral("QueueLimit"), c.bulkhead.maxQueue } } } });
        if (c.bulkhead.maxQueue > 0)
            notes.approximate(QStringLiteral("bulkhead.max_queue_wait"),
                QStringLiteral("a ConcurrencyLimiter's queue has no wait limit; the total timeout bounds it"));
    }
    if (c.rateLimiterEnabled)
        notes.missing(QStringLiteral("rate_limiter"),
            QStringLiteral("the standard handler's RateLimiter is a concurrency limiter; a token bucket needs a "
                           "TokenBucketRateLimiter in code"));
    if (c.timeoutEnabled && c.timeout.overallTimeout)
        o.insert(QStringLiteral("TotalRequestTimeout"), timeoutSection(*c.timeout.overallTimeout));
    if (c.retryEnabled && !c.hedgingEnabled)
        o.insert(QStringLiteral("Retry"), retrySection(c.retry, notes));
    if (c.retryEnabled && c.hedgingEnabled)
        notes.missing(QStringLiteral("retry"), QStringLiteral("the standard hedging handler has no retry strategy"));
    if (spec.breaker)
        perTry.insert(QStringLiteral("CircuitBreaker"), breakerSection(*spec.breaker, notes));
    if (c.timeoutEnabled && c.timeout.attemptTimeout)
        perTry.insert(c.hedgingEnabled ? QStringLiteral("Timeout") : QStringLiteral("AttemptTimeout"),
            timeoutSection(*c.timeout.attemptTimeout));
    if (c.timeoutEnabled && c.timeout.attemptTimeoutIncrement > Duration::zero())
        notes.missing(
            QStringLiteral("timeout.attempt_timeout_increment"), QStringLiteral("needs a TimeoutGenerator in code"));
    if (c.hedgingEnabled) {
        QJsonObject h { { QStringLiteral("MaxHedgedAttempts"), c.hedging.maxHedgedAttempts },
            { QStringLiteral("Delay"), timeSpan(c.hedging.delay) } };
        if (c.hedging.onFailureOnly)
            h.insert(QStringLiteral("Delay"),
                QStringLiteral("-00:00:00.0000001")); // System.Threading.Timeout.InfiniteTimeSpan
        if (c.hedging.delayPercentile)
            notes.missing(QStringLiteral("hedging.delay_percentile"), QStringLiteral("needs a DelayGenerator in code"));
        o.insert(QStringLiteral("Hedging"), h);
        o.insert(QStringLiteral("Endpoint"), endpoint);
    }
    if (!c.bulkheadEnabled)
        notes.approximate(QStringLiteral("bulkhead (off)"),
            QStringLiteral("the standard handler always has a concurrency limiter; without this section its default "
                           "(1000) applies"));
    noteCommonGaps(spec, kTarget, notes);
    const QJsonObject doc { { spec.name(), o } };
    return { QJsonDocument(doc).toJson(QJsonDocument::Indented), notes.warnings() };
}

InteropImport importPolly(const QByteArray& bytes, const QString& fileName)
{
    InteropImport result;
    LoadErrors& errors = result.errors;
    const auto doc = parseJsonObject(bytes, fileName, errors);
    if (!doc)
        return result;
    JsonReader root(*doc, QString(), errors);
    for (const auto& name : doc->keys()) {
        auto r = root.object(name);
        if (!r)
            continue;
        PipelineSpec p = emptyPipeline(name);
        PipelineConfig& c = p.config;
        const bool hedged = r->has(QStringLiteral("Hedging"));
        std::optional<JsonReader> endpoint = hedged ? r->object(QStringLiteral("Endpoint")) : std::nullopt;
        JsonReader& perTry = endpoint ? *endpoint : *r;
        if (auto s = perTry.object(QStringLiteral("RateLimiter"))) {
            if (auto d = s->object(QStringLiteral("DefaultRateLimiterOptions"))) {
                c.bulkheadEnabled = true;
                c.bulkhead.maxConcurrent = 1000;
                c.bulkhead.maxQueue = 0;
                d->read(QStringLiteral("PermitLimit"), c.bulkhead.maxConcurrent, 1, 1000000);
                d->read(QStringLiteral("QueueLimit"), c.bulkhead.maxQueue, 0, 1000000);
                d->accept(QStringLiteral("QueueProcessingOrder"));
                // A ConcurrencyLimiter's queue has no wait limit: the total request timeout ends a wait
                // (30 s, the standard handler's default, when the file sets none).
                const QJsonObject total = r->value(QStringLiteral("TotalRequestTimeout")).toObject();
                QString ignored;
                c.bulkhead.maxQueueWait = c.bulkhead.maxQueue == 0
                    ? Duration::zero()
                    : parseTimeSpan(total.value(QStringLiteral("Timeout")), &ignored)
                          .value_or(std::chrono::seconds(30));
                d->finish();
            }
            s->finish();
        }
        if (auto s = r->object(QStringLiteral("TotalRequestTimeout"))) {
            Duration d {};
            if (readTimeSpan(*s, QStringLiteral("Timeout"), d)) {
                c.timeoutEnabled = true;
                c.timeout.overallTimeout = d;
            }
            s->finish();
        }
        if (auto s = r->object(QStringLiteral("Retry"))) {
            RetryConfig& rc = c.retry;
            c.retryEnabled = true;
            int retries = 3;
            s->read(QStringLiteral("MaxRetryAttempts"), retries, 0, 999999);
            rc.maxAttempts = retries + 1;
            QString type = QStringLiteral("Exponential");
            if (s->read(QStringLiteral("BackoffType"), type)) {
                if (const auto strategy = backoffStrategyFromString(type.toLower()))
                    rc.backoff.strategy = *strategy;
                else
                    s->error(QStringLiteral("BackoffType"),
                        QStringLiteral("expected Constant, Linear or Exponential, got \"%1\"").arg(type));
            }
            bool jitter = true;
            s->read(QStringLiteral("UseJitter"), jitter);
            rc.backoff.jitter = !jitter                               ? Jitter::None
                : rc.backoff.strategy == BackoffStrategy::Exponential ? Jitter::DecorrelatedV2
                                                                      : Jitter::Proportional;
            rc.backoff.exponentialBase = 2.0;
            rc.backoff.baseDelay = std::chrono::seconds(2);
            readTimeSpan(*s, QStringLiteral("Delay"), rc.backoff.baseDelay);
            rc.backoff.maxDelay = std::chrono::hours(24);
            readTimeSpan(*s, QStringLiteral("MaxDelay"), rc.backoff.maxDelay);
            s->read(QStringLiteral("ShouldRetryAfterHeader"), rc.retryAfter.respectRetryAfter);
            s->finish();
        }
        if (auto s = perTry.object(QStringLiteral("CircuitBreaker"))) {
            CircuitBreakerConfig b = singleProbeBreaker(name);
            b.tripMode = TripMode::TimeWindow;
            b.failureRateThreshold = 0.1;
            b.minimumCalls = 100;
            b.failureWindow = std::chrono::seconds(30);
            b.recoveryTimeout = std::chrono::seconds(5);
            s->read(QStringLiteral("FailureRatio"), b.failureRateThreshold, 0.0, 1.0);
            s->read(QStringLiteral("MinimumThroughput"), b.minimumCalls, 2, 1000000);
            readTimeSpan(*s, QStringLiteral("SamplingDuration"), b.failureWindow);
            readTimeSpan(*s, QStringLiteral("BreakDuration"), b.recoveryTimeout);
            s->finish();
            p.breaker = b;
        }
        if (auto s = perTry.object(hedged ? QStringLiteral("Timeout") : QStringLiteral("AttemptTimeout"))) {
            Duration d {};
            if (readTimeSpan(*s, QStringLiteral("Timeout"), d)) {
                c.timeoutEnabled = true;
                c.timeout.attemptTimeout = d;
            }
            s->finish();
        }
        if (hedged) {
            if (auto s = r->object(QStringLiteral("Hedging"))) {
                c.hedgingEnabled = true;
                s->read(QStringLiteral("MaxHedgedAttempts"), c.hedging.maxHedgedAttempts, 1,
                    HedgingConfig::kMaxHedgedAttempts);
                if (s->value(QStringLiteral("Delay")).toString() == QLatin1String("-00:00:00.0000001")) {
                    s->accept(QStringLiteral("Delay"));
                    c.hedging.onFailureOnly = true;
                } else {
                    readTimeSpan(*s, QStringLiteral("Delay"), c.hedging.delay);
                }
                s->finish();
            }
        }
        if (endpoint)
            endpoint->finish();
        r->finish();
        result.pipelines.push_back(p);
    }
    validateImported(
        result.pipelines, [](const QString& name) -> QString { return QLatin1Char('/') + escapePointerToken(name); },
        fileName, errors);
    for (auto& e : errors)
        e.file = fileName;
    locateJsonErrors(bytes, errors);
    return result;
}

} // namespace rwb::interop::detail
