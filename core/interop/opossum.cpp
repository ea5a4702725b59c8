// opossum (Node.js) CircuitBreaker options: timeout, resetTimeout, errorThresholdPercentage,
// rollingCountTimeout, rollingCountBuckets, volumeThreshold, capacity. Times are milliseconds.
#include "core/config/jsonreader.h"
#include "core/interop/formats.h"

#include <QJsonDocument>

namespace rwb::interop::detail {

namespace {
const QString kTarget = QStringLiteral("opossum");
constexpr int kBuckets = 10; // opossum's default rollingCountBuckets
} // namespace

InteropExport exportOpossum(const PipelineSpec& spec)
{
    InteropNotes notes;
    const PipelineConfig& c = spec.config;
    QJsonObject o;
    o.insert(QStringLiteral("name"), spec.name());
    bool exact = true;
    if (c.timeoutEnabled && c.timeout.attemptTimeout)
        o.insert(QStringLiteral("timeout"), wholeMs(*c.timeout.attemptTimeout, &exact));
    else
        o.insert(QStringLiteral("timeout"), false);
    if (c.timeoutEnabled && c.timeout.overallTimeout)
        notes.missing(QStringLiteral("timeout.overall_timeout"), QStringLiteral("opossum times out each fire() only"));
    if (c.timeoutEnabled && c.timeout.attemptTimeoutIncrement > Duration::zero())
        notes.missing(
            QStringLiteral("timeout.attempt_timeout_increment"), QStringLiteral("opossum has one fixed timeout"));
    if (spec.breaker) {
        const CircuitBreakerConfig& b = *spec.breaker;
        o.insert(QStringLiteral("resetTimeout"), wholeMs(b.recoveryTimeout, &exact));
        switch (b.tripMode) {
        case TripMode::TimeWindow:
            o.insert(QStringLiteral("errorThresholdPercentage"), b.failureRateThreshold * 100.0);
            o.insert(QStringLiteral("rollingCountTimeout"), wholeMs(b.failureWindow, &exact));
            o.insert(QStringLiteral("volumeThreshold"), b.minimumCalls);
            if (b.windowRule == WindowRule::Opossum && b.windowBuckets == kBuckets)
                break; // behave_like opossum: our engine runs opossum's own window rule
            notes.approximate(QStringLiteral("circuit_breaker.failure_rate_threshold / minimum_calls"),
                QStringLiteral(
                    "opossum opens when the rate is above (not at) errorThresholdPercentage, checks only when a call "
                    "fails, counts calls when they start (rejected ones too) and keeps its window across state "
                    "changes"));
            break;
        case TripMode::CountWindow:
        case TripMode::Consecutive: {
            const int n = b.tripMode == TripMode::Consecutive ? b.failureThreshold : b.windowSize;
            o.insert(QStringLiteral("errorThresholdPercentage"),
                b.tripMode == TripMode::Consecutive ? 99.0 : b.failureRateThreshold * 100.0);
            o.insert(QStringLiteral("rollingCountTimeout"), wholeMs(b.failureWindow, &exact));
            o.insert(QStringLiteral("volumeThreshold"), b.tripMode == TripMode::Consecutive ? n : b.minimumCalls);
            notes.approximate(QStringLiteral("circuit_breaker.trip_mode ") + toString(b.tripMode),
                QStringLiteral(
                    "opossum only has a rolling time window (rollingCountTimeout = our failure_window %1 s): "
                    "trips on its failure percentage, not on the last %2 calls")
                    .arg(toSeconds(b.failureWindow))
                    .arg(n));
            break;
        }
        }
        o.insert(QStringLiteral("rollingCountBuckets"), kBuckets);
        if (!isSingleProbe(b))
            notes.approximate(QStringLiteral("circuit_breaker.half_open_rule / permitted_probes / success_threshold"),
                QStringLiteral(
                    "opossum half-opens with one trial call whose outcome alone closes or re-opens the circuit"));
        if (b.slowCallDuration > Duration::zero())
            notes.missing(
                QStringLiteral("circuit_breaker.slow_call_duration"), QStringLiteral("opossum has no slow-call rule"));
        if (b.recoveryBackoffFactor != 1.0)
            notes.missing(QStringLiteral("circuit_breaker.recovery_backoff_factor"),
                QStringLiteral("opossum's resetTimeout is fixed"));
    } else {
        notes.approximate(QStringLiteral("circuit_breaker (none)"),
            QStringLiteral(
                "an opossum breaker always trips; exported with enabled: false, which turns the breaker off"));
        o.insert(QStringLiteral("enabled"), false);
    }
    if (c.bulkheadEnabled) {
        o.insert(QStringLiteral("capacity"), c.bulkhead.maxConcurrent);
        if (c.bulkhead.maxQueue > 0)
            notes.missing(QStringLiteral("bulkhead.max_queue"),
                QStringLiteral("opossum rejects at once when capacity is reached"));
    }
    if (!exact)
        notes.approximate(QStringLiteral("durations"), QStringLiteral("opossum counts whole milliseconds; rounded"));
    if (c.retryEnabled)
        notes.missing(
            QStringLiteral("retry"), QStringLiteral("opossum has no retry; wrap fire() in a retry loop of your own"));
    if (c.rateLimiterEnabled)
        notes.missing(QStringLiteral("rate_limiter"), QStringLiteral("opossum has no rate limiter"));
    if (c.hedgingEnabled)
        notes.missing(QStringLiteral("hedging"), QStringLiteral("opossum has no hedging"));
    noteCommonGaps(spec, kTarget, notes);
    return { QJsonDocument(o).toJson(QJsonDocument::Indented), notes.warnings() };
}

InteropImport importOpossum(const QByteArray& bytes, const QString& fileName)
{
    InteropImport result;
    LoadErrors& errors = result.errors;
    const auto doc = parseJsonObject(bytes, fileName, errors);
    if (!doc)
        return result;
    JsonReader r(*doc, QString(), errors);
    QString name = QStringLiteral("default");
    r.read(QStringLiteral("name"), name, false);
    PipelineSpec p = emptyPipeline(name);
    const auto readMs = [&](const QString& key, Duration& out, double min) {
        double ms = 0;
        if (!r.read(key, ms, min, 1e13))
            return false;
        out = fromSeconds(ms / 1000.0);
        return true;
    };
    const QJsonValue timeout = r.value(QStringLiteral("timeout"));
    if (timeout.isBool()) {
        r.accept(QStringLiteral("timeout"));
        if (timeout.toBool())
            r.error(QStringLiteral("timeout"), QStringLiteral("expected a number of milliseconds or false, got true"));
    } else {
        Duration t = std::chrono::seconds(10);
        if (!r.has(QStringLiteral("timeout")) || readMs(QStringLiteral("timeout"), t, 1)) {
            p.config.timeoutEnabled = true;
            p.config.timeout.attemptTimeout = t;
        }
    }
    bool enabled = true;
    r.read(QStringLiteral("enabled"), enabled);
    if (enabled) {
        CircuitBreakerConfig b = singleProbeBreaker(name);
        b.tripMode = TripMode::TimeWindow;
        b.recoveryTimeout = std::chrono::seconds(30);
        b.failureWindow = std::chrono::seconds(10);
        b.failureRateThreshold = 0.5;
        b.minimumCalls = 1;
        readMs(QStringLiteral("resetTimeout"), b.recoveryTimeout, 0);
        readMs(QStringLiteral("rollingCountTimeout"), b.failureWindow, 1);
        double percent = 50;
        if (r.read(QStringLiteral("errorThresholdPercentage"), percent, 0, 100))
            b.failureRateThreshold = percent / 100.0;
        int volume = 0;
        if (r.read(QStringLiteral("volumeThreshold"), volume, 0, 1000000))
            b.minimumCalls = std::max(1, volume);
        int buckets = kBuckets;
        if (r.read(QStringLiteral("rollingCountBuckets"), buckets, 1, 1000000) && buckets != kBuckets)
            result.warnings
                << QStringLiteral("rollingCountBuckets %1: our time window keeps its own bucket size").arg(buckets);
        p.breaker = b;
    }
    int capacity = 0;
    if (r.read(QStringLiteral("capacity"), capacity, 1, 1000000)) {
        p.config.bulkheadEnabled = true;
        p.config.bulkhead.maxConcurrent = capacity;
        p.config.bulkhead.maxQueue = 0;
        p.config.bulkhead.maxQueueWait = Duration::zero();
    }
    r.finish();
    result.pipelines.push_back(p);
    validateImported(
        result.pipelines, [](const QString&) { return QString(); }, fileName, errors);
    for (auto& e : errors)
        e.file = fileName;
    locateJsonErrors(bytes, errors);
    return result;
}

} // namespace rwb::interop::detail
