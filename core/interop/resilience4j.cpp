// Resilience4j Spring Boot configuration (resilience4j-spring-boot3):
// resilience4j.{circuitbreaker,retry,bulkhead,ratelimiter,timelimiter}.instances.<name>.<property>,
// durations as Spring Duration strings ("500ms", "60s"), rates as percentages.
#include "core/interop/formats.h"
#include "core/interop/yamlreader.h"

#include <QMap>

#include <cmath>

namespace rwb::interop::detail {

namespace {

const QString kTarget = QStringLiteral("Resilience4j");

std::string springDuration(Duration d)
{
    using namespace std::chrono;
    if (d % seconds(1) == Duration::zero())
        return std::to_string(duration_cast<seconds>(d).count()) + "s";
    if (d % milliseconds(1) == Duration::zero())
        return std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
    return std::to_string(d.count()) + "ns";
}

std::string percent(double fraction)
{
    const double p = fraction * 100.0;
    return QString::number(p, 'g', 12).toStdString();
}

/// A rate threshold as Resilience4j's Spring properties take it: a percentage in [1, 100] (they refuse
/// anything below 1). Ours may be lower: raised to 1 % with a note.
std::string thresholdPercent(double fraction, const QString& setting, InteropNotes& notes)
{
    if (fraction * 100.0 >= 1.0)
        return percent(fraction);
    notes.approximate(setting,
        QStringLiteral("Resilience4j's Spring properties accept 1 to 100 percent only; %1 % raised to 1 %")
            .arg(fraction * 100.0));
    return "1";
}

std::string number(double v)
{
    return QString::number(v, 'g', 12).toStdString();
}

void writeBreaker(YAML::Emitter& y, const CircuitBreakerConfig& b, InteropNotes& notes)
{
    y << YAML::BeginMap;
    switch (b.tripMode) {
    case TripMode::Consecutive:
        // N failures in a row == every one of the last N calls failed: a count window of N at 100 %.
        y << YAML::Key << "slidingWindowType" << YAML::Value << "COUNT_BASED";
        y << YAML::Key << "slidingWindowSize" << YAML::Value << b.failureThreshold;
        y << YAML::Key << "minimumNumberOfCalls" << YAML::Value << b.failureThreshold;
        y << YAML::Key << "failureRateThreshold" << YAML::Value << 100;
        break;
    case TripMode::CountWindow:
        y << YAML::Key << "slidingWindowType" << YAML::Value << "COUNT_BASED";
        y << YAML::Key << "slidingWindowSize" << YAML::Value << b.windowSize;
        y << YAML::Key << "minimumNumberOfCalls" << YAML::Value << b.minimumCalls;
        y << YAML::Key << "failureRateThreshold" << YAML::Value
          << thresholdPercent(b.failureRateThreshold, QStringLiteral("circuit_breaker.failure_rate_threshold"), notes);
        break;
    case TripMode::TimeWindow: {
        const auto secs = std::chrono::ceil<std::chrono::seconds>(b.failureWindow);
        if (Duration(secs) != b.failureWindow)
            notes.approximate(QStringLiteral("circuit_breaker.failure_window"),
                QStringLiteral("Resilience4j's TIME_BASED window counts whole seconds; rounded up to %1 s")
                    .arg(secs.count()));
        notes.approximate(QStringLiteral("circuit_breaker.trip_mode time_window"),
            QStringLiteral("Resilience4j aggregates a time window in one-second buckets; ours in finer buckets"));
        y << YAML::Key << "slidingWindowType" << YAML::Value << "TIME_BASED";
        y << YAML::Key << "slidingWindowSize" << YAML::Value << secs.count();
        y << YAML::Key << "minimumNumberOfCalls" << YAML::Value << b.minimumCalls;
        y << YAML::Key << "failureRateThreshold" << YAML::Value
          << thresholdPercent(b.failureRateThreshold, QStringLiteral("circuit_breaker.failure_rate_threshold"), notes);
        break;
    }
    }
    if (b.slowCallDuration > Duration::zero()) {
        y << YAML::Key << "slowCallDurationThreshold" << YAML::Value << springDuration(b.slowCallDuration);
        y << YAML::Key << "slowCallRateThreshold" << YAML::Value
          << thresholdPercent(b.slowCallRateThreshold, QStringLiteral("circuit_breaker.slow_call_rate_threshold"), notes);
        if (b.tripMode == TripMode::Consecutive)
            notes.approximate(QStringLiteral("circuit_breaker.slow_call_duration"),
                QStringLiteral("we only count slow calls in consecutive mode; Resilience4j also trips on their rate"));
    } else {
        notes.approximate(QStringLiteral("circuit_breaker.slow_call_duration 0 (off)"),
            QStringLiteral(
                "Resilience4j cannot switch slow-call detection off; its default (60 s at 100 %) stays in force"));
    }
    y << YAML::Key << "waitDurationInOpenState" << YAML::Value << springDuration(b.recoveryTimeout);
    y << YAML::Key << "automaticTransitionFromOpenToHalfOpenEnabled" << YAML::Value << false;
    if (b.halfOpenRule == HalfOpenRule::Rates) {
        y << YAML::Key << "permittedNumberOfCallsInHalfOpenState" << YAML::Value << b.permittedProbes;
    } else {
        y << YAML::Key << "permittedNumberOfCallsInHalfOpenState" << YAML::Value << b.successThreshold;
        notes.approximate(QStringLiteral("circuit_breaker.half_open_rule any_failure"),
            QStringLiteral(
                "Resilience4j admits permittedNumberOfCallsInHalfOpenState (= our success_threshold %1) trial "
                "calls and decides on their failure rate; ours re-opens on the first failed probe")
                .arg(b.successThreshold));
    }
    if (b.maxWaitInHalfOpen)
        y << YAML::Key << "maxWaitDurationInHalfOpenState" << YAML::Value << springDuration(*b.maxWaitInHalfOpen);
    if (b.recoveryBackoffFactor != 1.0) {
        y << YAML::Key << "enableExponentialBackoff" << YAML::Value << true;
        y << YAML::Key << "exponentialBackoffMultiplier" << YAML::Value << number(b.recoveryBackoffFactor);
        if (b.maxRecoveryTimeout)
            y << YAML::Key << "exponentialMaxWaitDurationInOpenState" << YAML::Value
              << springDuration(*b.maxRecoveryTimeout);
        notes.approximate(QStringLiteral("circuit_breaker.recovery_backoff_factor"),
            QStringLiteral("Resilience4j grows the open wait per attempt of its interval function; the count it uses "
                           "may differ from our trips since the last close"));
    }
    y << YAML::EndMap;
}

void writeRetry(YAML::Emitter& y, const RetryConfig& r, InteropNotes& notes)
{
    const BackoffConfig& b = r.backoff;
    y << YAML::BeginMap;
    y << YAML::Key << "maxAttempts" << YAML::Value << r.maxAttempts;
    y << YAML::Key << "waitDuration" << YAML::Value << springDuration(b.baseDelay);
    if (b.strategy == BackoffStrategy::Exponential) {
        y << YAML::Key << "enableExponentialBackoff" << YAML::Value << true;
        y << YAML::Key << "exponentialBackoffMultiplier" << YAML::Value << number(b.exponentialBase);
        y << YAML::Key << "exponentialMaxWaitDuration" << YAML::Value << springDuration(b.maxDelay);
    } else if (b.strategy == BackoffStrategy::Linear) {
        notes.missing(QStringLiteral("retry.backoff.strategy linear"),
            QStringLiteral(
                "Resilience4j's configuration has constant and exponential waits only; exported as a constant wait"));
    }
    if (b.jitter == Jitter::Proportional) {
        y << YAML::Key << "enableRandomizedWait" << YAML::Value << true;
        y << YAML::Key << "randomizedWaitFactor" << YAML::Value << 0.25;
        notes.approximate(QStringLiteral("retry.backoff.jitter proportional"),
            QStringLiteral("randomizedWaitFactor 0.25 draws from the same +-25 %, but Resilience4j caps before "
                           "randomising, we after"));
    } else if (b.jitter != Jitter::None) {
        notes.missing(QStringLiteral("retry.backoff.jitter ") + toString(b.jitter),
            QStringLiteral("Resilience4j's only jitter is a symmetric randomizedWaitFactor; exported without jitter"));
    }
    y << YAML::EndMap;
    if (r.retryAfter.respectRetryAfter)
        notes.missing(QStringLiteral("retry.retry_after"),
            QStringLiteral(
                "Resilience4j has no Retry-After handling in configuration (an intervalBiFunction in code)"));
}

} // namespace

InteropExport exportResilience4j(const PipelineSpec& spec)
{
    InteropNotes notes;
    const PipelineConfig& c = spec.config;
    const std::string name = spec.name().toStdString();
    YAML::Emitter y;
    y << YAML::BeginMap << YAML::Key << "resilience4j" << YAML::Value << YAML::BeginMap;
    const auto section = [&](const char* key) {
        y << YAML::Key << key << YAML::Value << YAML::BeginMap << YAML::Key << "instances" << YAML::Value
          << YAML::BeginMap << YAML::Key << name << YAML::Value;
    };
    const auto endSection = [&] { y << YAML::EndMap << YAML::EndMap; };
    if (spec.breaker) {
        section("circuitbreaker");
        writeBreaker(y, *spec.breaker, notes);
        endSection();
    }
    if (c.retryEnabled) {
        section("retry");
        writeRetry(y, c.retry, notes);
        endSection();
    }
    if (c.bulkheadEnabled) {
        section("bulkhead");
        y << YAML::BeginMap << YAML::Key << "maxConcurrentCalls" << YAML::Value << c.bulkhead.maxConcurrent << YAML::Key
          << "maxWaitDuration" << YAML::Value << springDuration(c.bulkhead.maxQueueWait) << YAML::EndMap;
        endSection();
        if (c.bulkhead.maxQueue > 0)
            notes.approximate(QStringLiteral("bulkhead.max_queue"),
                QStringLiteral("Resilience4j's semaphore bulkhead lets any number of callers wait up to "
                               "maxWaitDuration; no queue bound"));
    }
    if (c.rateLimiterEnabled) {
        const RateLimiterConfig& r = c.rateLimiter;
        const Duration period = fromSeconds(r.burst / r.ratePerSecond);
        section("ratelimiter");
        y << YAML::BeginMap << YAML::Key << "limitForPeriod" << YAML::Value << r.burst << YAML::Key
          << "limitRefreshPeriod" << YAML::Value << springDuration(period) << YAML::Key << "timeoutDuration"
          << YAML::Value << springDuration(r.maxWait) << YAML::EndMap;
        endSection();
        notes.approximate(QStringLiteral("rate_limiter.rate / burst"),
            QStringLiteral(
                "Resilience4j refills limitForPeriod = burst permits at once every limitRefreshPeriod = burst / rate; "
                "same long-run rate, our token bucket refills continuously"));
        if (r.respectServerRetryAfter)
            notes.missing(QStringLiteral("rate_limiter.respect_server_retry_after"),
                QStringLiteral("no such setting in Resilience4j"));
    }
    if (c.timeoutEnabled) {
        if (c.timeout.attemptTimeout) {
            section("timelimiter");
            y << YAML::BeginMap << YAML::Key << "timeoutDuration" << YAML::Value
              << springDuration(*c.timeout.attemptTimeout) << YAML::Key << "cancelRunningFuture" << YAML::Value << true
              << YAML::EndMap;
            endSection();
        }
        if (c.timeout.attemptTimeoutIncrement > Duration::zero())
            notes.missing(QStringLiteral("timeout.attempt_timeout_increment"),
                QStringLiteral("the TimeLimiter has one fixed timeout"));
        if (c.timeout.overallTimeout)
            notes.missing(QStringLiteral("timeout.overall_timeout"),
                QStringLiteral("a TimeLimiter bounds one attempt; an overall limit needs a second TimeLimiter outside "
                               "the Retry, in code"));
    }
    if (c.hedgingEnabled)
        notes.missing(
            QStringLiteral("hedging"), QStringLiteral("Resilience4j has no hedging in its Spring Boot configuration"));
    noteCommonGaps(spec, kTarget, notes);
    y << YAML::EndMap << YAML::EndMap;
    QByteArray text = "# Resilience4j Spring Boot configuration of pipeline \"" + spec.name().toUtf8()
        + "\", exported by rwb (docs/interop.md).\n";
    text += QByteArray(y.c_str()) + '\n';
    return { text, notes.warnings() };
}

namespace {

void readBreaker(YamlReader& r, CircuitBreakerConfig& b)
{
    QString type = QStringLiteral("COUNT_BASED");
    r.read(QStringLiteral("slidingWindowType"), type);
    int size = 100;
    r.read(QStringLiteral("slidingWindowSize"), size, 1, 1000000);
    int minimum = 100;
    r.read(QStringLiteral("minimumNumberOfCalls"), minimum, 1, 1000000);
    double rate = 50;
    r.read(QStringLiteral("failureRateThreshold"), rate, 0.0, 100.0);
    Duration slow = Duration::zero();
    double slowRate = 100;
    const bool hasSlow = r.readDuration(QStringLiteral("slowCallDurationThreshold"), slow);
    r.read(QStringLiteral("slowCallRateThreshold"), slowRate, 0.0, 100.0);
    b.failureRateThreshold = rate / 100.0;
    b.minimumCalls = std::min(minimum, size);
    if (type == QLatin1String("COUNT_BASED")) {
        if (rate == 100.0 && minimum == size && !hasSlow) {
            b.tripMode = TripMode::Consecutive; // the export's spelling of "N in a row"
            b.failureThreshold = size;
            b.minimumCalls = CircuitBreakerConfig().minimumCalls;
            b.failureRateThreshold = CircuitBreakerConfig().failureRateThreshold;
        } else {
            b.tripMode = TripMode::CountWindow;
            b.windowSize = size;
        }
    } else if (type == QLatin1String("TIME_BASED")) {
        b.tripMode = TripMode::TimeWindow;
        b.failureWindow = std::chrono::seconds(size);
    } else {
        r.error(QStringLiteral("slidingWindowType"),
            QStringLiteral("expected COUNT_BASED or TIME_BASED, got \"%1\"").arg(type));
    }
    if (hasSlow) {
        b.slowCallDuration = slow;
        b.slowCallRateThreshold = slowRate / 100.0;
    }
    r.readDuration(QStringLiteral("waitDurationInOpenState"), b.recoveryTimeout);
    bool automatic = false;
    if (r.read(QStringLiteral("automaticTransitionFromOpenToHalfOpenEnabled"), automatic) && automatic)
        r.error(QStringLiteral("automaticTransitionFromOpenToHalfOpenEnabled"),
            QStringLiteral("expected false: our breaker half-opens at the next call after the wait, as Resilience4j "
                           "does without it"));
    b.halfOpenRule = HalfOpenRule::Rates;
    b.permittedProbes = 10;
    r.read(QStringLiteral("permittedNumberOfCallsInHalfOpenState"), b.permittedProbes, 1, 1000000);
    Duration maxWait {};
    if (r.readDuration(QStringLiteral("maxWaitDurationInHalfOpenState"), maxWait) && maxWait > Duration::zero())
        b.maxWaitInHalfOpen = maxWait;
    bool grow = false;
    r.read(QStringLiteral("enableExponentialBackoff"), grow);
    double factor = 1.5;
    r.read(QStringLiteral("exponentialBackoffMultiplier"), factor, 1.0, 1000.0);
    Duration maxOpen {};
    const bool hasMaxOpen = r.readDuration(QStringLiteral("exponentialMaxWaitDurationInOpenState"), maxOpen);
    if (grow) {
        b.recoveryBackoffFactor = factor;
        if (hasMaxOpen)
            b.maxRecoveryTimeout = maxOpen;
    }
    r.finish();
}

void readRetry(YamlReader& r, RetryConfig& c)
{
    r.read(QStringLiteral("maxAttempts"), c.maxAttempts, 1, 1000000);
    c.backoff.baseDelay = std::chrono::milliseconds(500);
    r.readDuration(QStringLiteral("waitDuration"), c.backoff.baseDelay);
    bool exponential = false;
    r.read(QStringLiteral("enableExponentialBackoff"), exponential);
    c.backoff.strategy = exponential ? BackoffStrategy::Exponential : BackoffStrategy::Constant;
    c.backoff.exponentialBase = 1.5;
    r.read(QStringLiteral("exponentialBackoffMultiplier"), c.backoff.exponentialBase, 1.0, 1000.0);
    if (!exponential)
        c.backoff.exponentialBase = BackoffConfig().exponentialBase;
    c.backoff.maxDelay = std::max(c.backoff.baseDelay, BackoffConfig().maxDelay);
    r.readDuration(QStringLiteral("exponentialMaxWaitDuration"), c.backoff.maxDelay);
    bool randomized = false;
    r.read(QStringLiteral("enableRandomizedWait"), randomized);
    double factor = 0.5;
    if (r.read(QStringLiteral("randomizedWaitFactor"), factor, 0.0, 1.0) && randomized && factor != 0.25)
        r.error(QStringLiteral("randomizedWaitFactor"),
            QStringLiteral("only 0.25 maps onto our jitters (proportional, +-25 %); got %1").arg(factor));
    c.backoff.jitter = randomized ? Jitter::Proportional : Jitter::None;
    c.retryAfter.respectRetryAfter = false;
    r.finish();
}

} // namespace

InteropImport importResilience4j(const QByteArray& bytes, const QString& fileName)
{
    InteropImport result;
    auto root = YamlReader::parse(bytes, fileName, result.errors);
    if (!root)
        return result;
    auto top = root->map(QStringLiteral("resilience4j"));
    root->finish();
    if (!top) {
        if (result.errors.empty())
            result.errors.push_back(
                { fileName, 1, 1, QString(), QStringLiteral("expected a \"resilience4j\" mapping at the top level") });
        return result;
    }
    QMap<QString, PipelineSpec> byName;
    QStringList order;
    const auto pipeline = [&](const QString& name) -> PipelineSpec& {
        if (!byName.contains(name)) {
            byName.insert(name, emptyPipeline(name));
            order << name;
        }
        return byName[name];
    };
    const auto eachInstance = [&](const QString& section, const std::function<void(YamlReader&, PipelineSpec&)>& read) {
        auto s = top->map(section);
        if (!s)
            return;
        auto instances = s->map(QStringLiteral("instances"));
        s->finish();
        if (!instances)
            return;
        for (const auto& name : instances->keys()) {
            if (auto r = instances->map(name))
                read(*r, pipeline(name));
        }
    };
    eachInstance(QStringLiteral("circuitbreaker"), [](YamlReader& r, PipelineSpec& p) {
        CircuitBreakerConfig b;
        b.name = p.name();
        readBreaker(r, b);
        p.breaker = b;
    });
    eachInstance(QStringLiteral("retry"), [](YamlReader& r, PipelineSpec& p) {
        p.config.retryEnabled = true;
        readRetry(r, p.config.retry);
    });
    eachInstance(QStringLiteral("bulkhead"), [](YamlReader& r, PipelineSpec& p) {
        p.config.bulkheadEnabled = true;
        p.config.bulkhead.maxConcurrent = 25;
        r.read(QStringLiteral("maxConcurrentCalls"), p.config.bulkhead.maxConcurrent, 1, 1000000);
        r.readDuration(QStringLiteral("maxWaitDuration"), p.config.bulkhead.maxQueueWait);
        // Any number may wait in Resilience4j; a bound as large as our validation allows stands for that.
        p.config.bulkhead.maxQueue = p.config.bulkhead.maxQueueWait > Duration::zero() ? 100000 : 0;
        r.finish();
    });
    eachInstance(QStringLiteral("ratelimiter"), [](YamlReader& r, PipelineSpec& p) {
        int limit = 50;
        Duration period = std::chrono::milliseconds(500);
        r.read(QStringLiteral("limitForPeriod"), limit, 1, 1000000000);
        r.readDuration(QStringLiteral("limitRefreshPeriod"), period, std::chrono::nanoseconds(1));
        p.config.rateLimiterEnabled = true;
        p.config.rateLimiter.burst = limit;
        p.config.rateLimiter.ratePerSecond = limit / toSeconds(period);
        p.config.rateLimiter.maxWait = std::chrono::seconds(5);
        r.readDuration(QStringLiteral("timeoutDuration"), p.config.rateLimiter.maxWait);
        p.config.rateLimiter.respectServerRetryAfter = false;
        r.finish();
    });
    eachInstance(QStringLiteral("timelimiter"), [](YamlReader& r, PipelineSpec& p) {
        Duration timeout = std::chrono::seconds(1);
        r.readDuration(QStringLiteral("timeoutDuration"), timeout, std::chrono::nanoseconds(1));
        r.accept(QStringLiteral("cancelRunningFuture"));
        p.config.timeoutEnabled = true;
        p.config.timeout.attemptTimeout = timeout;
        r.finish();
    });
    top->finish();
    for (const auto& name : order)
        result.pipelines.push_back(byName.value(name));
    validateImported(
        result.pipelines,
        [](const QString& name) -> QString {
            return QStringLiteral("/resilience4j/*/instances/") + escapePointerToken(name);
        },
        fileName, result.errors);
    return result;
}

} // namespace rwb::interop::detail
