// Envoy: the called service as a cluster (circuit_breakers thresholds, outlier_detection) and the
// pipeline as a route (timeout, retry_policy with retry_back_off), in Envoy's v3 YAML. Durations are
// protobuf Duration strings ("0.250s").
#include "core/interop/formats.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace rwb::interop::detail {

namespace {

const QString kTarget = QStringLiteral("Envoy");

std::string protoDuration(Duration d)
{
    return QString::number(toSeconds(d), 'f', 9)
               .remove(QRegularExpression(QStringLiteral("0+$")))
               .remove(QRegularExpression(QStringLiteral("\\.$")))
               .toStdString()
        + "s";
}

} // namespace

InteropExport exportEnvoy(const PipelineSpec& spec)
{
    InteropNotes notes;
    const PipelineConfig& c = spec.config;
    const std::string cluster = (spec.service.isEmpty() ? spec.name() : spec.service).toStdString();
    YAML::Emitter y;
    y << YAML::BeginMap;
    y << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    y << YAML::Key << "name" << YAML::Value << cluster;
    y << YAML::Key << "circuit_breakers" << YAML::Value << YAML::BeginMap << YAML::Key << "thresholds" << YAML::Value
      << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "priority" << YAML::Value << "DEFAULT";
    if (c.bulkheadEnabled) {
        y << YAML::Key << "max_requests" << YAML::Value << c.bulkhead.maxConcurrent;
        y << YAML::Key << "max_pending_requests" << YAML::Value << std::max(1, c.bulkhead.maxQueue);
        notes.approximate(QStringLiteral("bulkhead"),
            QStringLiteral(
                "Envoy's max_requests / max_pending_requests count a whole cluster's requests from this proxy, "
                "and pending ones wait for a connection, not a slot; max_queue 0 becomes 1 (Envoy's minimum)"));
        if (c.bulkhead.maxQueueWait > Duration::zero())
            notes.missing(QStringLiteral("bulkhead.max_queue_wait"),
                QStringLiteral("Envoy bounds waiting by the route timeout only"));
    }
    if (c.retryEnabled && c.retry.budget) {
        y << YAML::Key << "retry_budget" << YAML::Value << YAML::BeginMap << YAML::Key << "budget_percent"
          << YAML::Value << YAML::BeginMap << YAML::Key << "value" << YAML::Value << c.retry.budget->percent
          << YAML::EndMap << YAML::Key << "min_retry_concurrency" << YAML::Value << c.retry.budget->minRetriesPerSecond
          << YAML::EndMap;
        notes.approximate(QStringLiteral("retry.budget"),
            QStringLiteral(
                "Envoy's budget is a share of active requests with a minimum of concurrent retries; ours a share of "
                "requests over a window with a minimum rate"));
    }
    y << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
    if (spec.breaker) {
        const CircuitBreakerConfig& b = *spec.breaker;
        y << YAML::Key << "outlier_detection" << YAML::Value << YAML::BeginMap;
        if (b.tripMode == TripMode::Consecutive) {
            y << YAML::Key << "consecutive_5xx" << YAML::Value << b.failureThreshold;
        } else {
            // Only the percentage rule: the consecutive-5xx rule is on by default (5, enforced at 100 %),
            // and the percentage rule skips clusters of fewer than failure_percentage_minimum_hosts (5).
            y << YAML::Key << "enforcing_consecutive_5xx" << YAML::Value << 0;
            y << YAML::Key << "failure_percentage_minimum_hosts" << YAML::Value << 1;
            y << YAML::Key << "failure_percentage_threshold" << YAML::Value
              << int(b.failureRateThreshold * 100.0 + 0.5);
            y << YAML::Key << "failure_percentage_request_volume" << YAML::Value << b.minimumCalls;
            y << YAML::Key << "enforcing_failure_percentage" << YAML::Value << 100;
            y << YAML::Key << "interval" << YAML::Value << protoDuration(b.failureWindow);
            notes.approximate(QStringLiteral("circuit_breaker.trip_mode ") + toString(b.tripMode),
                QStringLiteral(
                    "outlier detection's failure percentage is evaluated every interval over that interval"));
        }
        y << YAML::Key << "base_ejection_time" << YAML::Value << protoDuration(b.recoveryTimeout);
        y << YAML::Key << "max_ejection_percent" << YAML::Value << 100;
        y << YAML::EndMap;
        notes.approximate(QStringLiteral("circuit_breaker"),
            QStringLiteral(
                "Envoy ejects a host for base_ejection_time x times ejected and returns it without a half-open probe; "
                "a breaker over a one-host cluster is the closest reading"));
        if (b.slowCallDuration > Duration::zero())
            notes.missing(QStringLiteral("circuit_breaker.slow_call_duration"),
                QStringLiteral("outlier detection has no slow-call rule"));
    }
    y << YAML::EndMap << YAML::EndSeq;

    y << YAML::Key << "route" << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "cluster" << YAML::Value << cluster;
    if (c.timeoutEnabled && c.timeout.overallTimeout)
        y << YAML::Key << "timeout" << YAML::Value << protoDuration(*c.timeout.overallTimeout);
    else
        y << YAML::Key << "timeout" << YAML::Value << "0s";
    if (c.retryEnabled) {
        const BackoffConfig& b = c.retry.backoff;
        y << YAML::Key << "retry_policy" << YAML::Value << YAML::BeginMap;
        y << YAML::Key << "retry_on" << YAML::Value << "5xx,reset,connect-failure,retriable-status-codes";
        y << YAML::Key << "retriable_status_codes" << YAML::Value << YAML::Flow << YAML::BeginSeq << 429
          << YAML::EndSeq;
        y << YAML::Key << "num_retries" << YAML::Value << c.retry.maxAttempts - 1;
        if (c.timeoutEnabled && c.timeout.attemptTimeout)
            y << YAML::Key << "per_try_timeout" << YAML::Value << protoDuration(*c.timeout.attemptTimeout);
        y << YAML::Key << "retry_back_off" << YAML::Value << YAML::BeginMap << YAML::Key << "base_interval"
          << YAML::Value << protoDuration(std::max<Duration>(b.baseDelay, std::chrono::milliseconds(1))) << YAML::Key
          << "max_interval" << YAML::Value
          << protoDuration(std::max<Duration>(b.maxDelay, std::chrono::milliseconds(1))) << YAML::EndMap;
        if (b.strategy != BackoffStrategy::Exponential || b.exponentialBase != 2.0 || b.jitter != Jitter::Full)
            notes.approximate(QStringLiteral("retry.backoff"),
                QStringLiteral(
                    "Envoy always uses fully jittered exponential backoff, base 2 (ours: %1, base %2, %3 jitter)")
                    .arg(toString(b.strategy))
                    .arg(b.exponentialBase)
                    .arg(toString(b.jitter)));
        if (c.retry.retryAfter.respectRetryAfter) {
            y << YAML::Key << "rate_limited_retry_back_off" << YAML::Value << YAML::BeginMap << YAML::Key
              << "reset_headers" << YAML::Value << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "name"
              << YAML::Value << "retry-after" << YAML::Key << "format" << YAML::Value << "SECONDS" << YAML::EndMap
              << YAML::EndSeq << YAML::Key << "max_interval" << YAML::Value
              << protoDuration(c.retry.retryAfter.maxRetryDelay) << YAML::EndMap;
            notes.approximate(QStringLiteral("retry.retry_after"),
                QStringLiteral("Envoy reads Retry-After in seconds only (no HTTP-date) and has no default for a "
                               "429/503 without it"));
        }
        y << YAML::EndMap;
        if (c.retry.throttling)
            notes.missing(
                QStringLiteral("retry.throttling"), QStringLiteral("Envoy has no gRPC-style retry throttling"));
    }
    if (c.hedgingEnabled) {
        y << YAML::Key << "hedge_policy" << YAML::Value << YAML::BeginMap << YAML::Key << "hedge_on_per_try_timeout"
          << YAML::Value << true << YAML::EndMap;
        notes.approximate(QStringLiteral("hedging"),
            QStringLiteral(
                "Envoy hedges only when per_try_timeout expires (no separate delay, one extra request at a time)"));
    }
    y << YAML::EndMap << YAML::EndMap;
    if (c.timeoutEnabled && c.timeout.attemptTimeoutIncrement > Duration::zero())
        notes.missing(QStringLiteral("timeout.attempt_timeout_increment"), QStringLiteral("per_try_timeout is fixed"));
    if (c.rateLimiterEnabled)
        notes.missing(QStringLiteral("rate_limiter"),
            QStringLiteral("Envoy's local_ratelimit filter is configured on the listener, not the cluster or route"));
    noteCommonGaps(spec, kTarget, notes);
    QByteArray text = "# Envoy v3: the cluster for service \"" + QByteArray::fromStdString(cluster)
        + "\" (under static_resources.clusters) and the route action of pipeline \"" + spec.name().toUtf8()
        + "\" (a virtual host route's \"route\"), exported by rwb (docs/interop.md).\n";
    text += QByteArray(y.c_str()) + '\n';
    return { text, notes.warnings() };
}

} // namespace rwb::interop::detail
