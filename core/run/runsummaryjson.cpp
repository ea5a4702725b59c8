#include "core/run/runsummaryjson.h"

#include "core/run/runmetrics.h"

#include <QJsonArray>

#include <cmath>
#include <optional>

namespace rwb::runjson {

namespace {

double rounded(double value, double scale) { return std::round(value * scale) / scale; }
double ms(double value) { return rounded(value, 1e3); }     // to the microsecond
double rate(double value) { return rounded(value, 1e6); }   // 99.95 % stays 0.9995
double seconds(Duration d) { return rounded(toSeconds(d), 1e6); }
QJsonValue count(std::uint64_t n) { return QJsonValue(qint64(n)); }
template<class T> QJsonValue orNull(const std::optional<T>& value, QJsonValue (*write)(T))
{
    return value ? write(*value) : QJsonValue(QJsonValue::Null);
}
QJsonValue secondsValue(Duration d) { return seconds(d); }
QJsonValue countValue(std::uint64_t n) { return count(n); }

/// Appends `field(bucket)` of every bucket as one array per field name.
template<class Bucket, class Field> QJsonArray column(const std::vector<Bucket>& buckets, Field field)
{
    QJsonArray out;
    for (const Bucket& b : buckets)
        out.append(field(b));
    return out;
}

QJsonObject pipelineSeries(const std::vector<PipelineBucket>& b)
{
    using B = PipelineBucket;
    return {
        { QStringLiteral("requests"), column(b, [](const B& x) { return count(x.requests); }) },
        { QStringLiteral("attempts"), column(b, [](const B& x) { return count(x.attempts); }) },
        { QStringLiteral("retries"), column(b, [](const B& x) { return count(x.retries); }) },
        { QStringLiteral("succeeded"), column(b, [](const B& x) { return count(x.succeeded); }) },
        { QStringLiteral("failed"), column(b, [](const B& x) { return count(x.failed); }) },
        { QStringLiteral("rejected"), column(b, [](const B& x) { return count(x.rejected); }) },
        { QStringLiteral("fallbacks"), column(b, [](const B& x) { return count(x.fallbacks); }) },
        { QStringLiteral("timeouts"), column(b, [](const B& x) { return count(x.timeouts); }) },
        { QStringLiteral("breaker_rejections"), column(b, [](const B& x) { return count(x.breakerRejections); }) },
        { QStringLiteral("latency_p50_ms"), column(b, [](const B& x) { return ms(x.latencyP50Ms); }) },
        { QStringLiteral("latency_p95_ms"), column(b, [](const B& x) { return ms(x.latencyP95Ms); }) },
        { QStringLiteral("latency_p99_ms"), column(b, [](const B& x) { return ms(x.latencyP99Ms); }) },
        { QStringLiteral("breaker_state"), column(b, [](const B& x) { return toString(x.breakerState); }) },
    };
}

QJsonObject serviceSeries(const std::vector<ServiceBucket>& b)
{
    using B = ServiceBucket;
    return {
        { QStringLiteral("arrivals"), column(b, [](const B& x) { return count(x.arrivals); }) },
        { QStringLiteral("ok"), column(b, [](const B& x) { return count(x.ok); }) },
        { QStringLiteral("errors"), column(b, [](const B& x) { return count(x.errors); }) },
        { QStringLiteral("overloaded"), column(b, [](const B& x) { return count(x.overloaded); }) },
        { QStringLiteral("max_concurrency"), column(b, [](const B& x) { return count(x.maxConcurrency); }) },
    };
}

} // namespace

QString toString(Source source)
{
    switch (source) {
    case Source::Simulation:
        return QStringLiteral("simulation");
    case Source::Live:
        return QStringLiteral("live");
    case Source::Replay:
        return QStringLiteral("replay");
    }
    return {};
}

QJsonObject summary(const PipelineSummary& s)
{
    return {
        { QStringLiteral("requests"), count(s.requests) },
        { QStringLiteral("succeeded"), count(s.succeeded) },
        { QStringLiteral("failed"), count(s.failed) },
        { QStringLiteral("rejected"), count(s.rejected) },
        { QStringLiteral("fallbacks"), count(s.fallbacks) },
        { QStringLiteral("unfinished"), count(s.unfinished) },
        { QStringLiteral("attempts"), count(s.attempts) },
        { QStringLiteral("retries"), count(s.retries) },
        { QStringLiteral("hedges"), count(s.hedges) },
        { QStringLiteral("timeouts"), count(s.timeouts) },
        { QStringLiteral("breaker_rejections"), count(s.breakerRejections) },
        { QStringLiteral("breaker_transitions"), count(s.breakerTransitions) },
        { QStringLiteral("retry_amplification"), rate(s.retryAmplification()) },
        { QStringLiteral("success_rate"), rate(s.successRate()) },
        { QStringLiteral("last_finish_s"), rounded(s.lastFinishMs / 1000.0, 1e6) },
        { QStringLiteral("latency_ms"),
            QJsonObject { { QStringLiteral("mean"), ms(s.latencyMeanMs) }, { QStringLiteral("p50"), ms(s.latencyP50Ms) },
                { QStringLiteral("p95"), ms(s.latencyP95Ms) }, { QStringLiteral("p99"), ms(s.latencyP99Ms) },
                { QStringLiteral("max"), ms(s.latencyMaxMs) } } },
    };
}

QJsonObject toJson(const RunResult& result, const Options& options)
{
    const RunMetrics metrics = RunMetrics::from(result, options.events);

    QJsonObject totals = summary(metrics.total);
    totals.insert(QStringLiteral("service_load"), orNull(metrics.serviceLoad, countValue));
    totals.insert(QStringLiteral("peak_concurrency"),
        orNull(std::optional<std::uint64_t>(metrics.peakConcurrency), countValue));

    QJsonArray pipelines;
    for (const PipelineSeries& p : result.pipelines) {
        QJsonObject o = summary(p.summary);
        o.insert(QStringLiteral("name"), p.name);
        o.insert(QStringLiteral("service"), p.service.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(p.service));
        o.insert(QStringLiteral("circuit"), p.breaker.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(p.breaker));
        if (options.series)
            o.insert(QStringLiteral("series"), pipelineSeries(p.buckets));
        pipelines.append(o);
    }
    QJsonArray services;
    for (const ServiceSeries& s : result.services) {
        QJsonObject o {
            { QStringLiteral("name"), s.name },
            { QStringLiteral("arrivals"), count(s.arrivals) },
            { QStringLiteral("overloaded"), count(s.overloaded) },
            { QStringLiteral("max_concurrency"), count(s.maxConcurrency) },
            { QStringLiteral("mean_busy_workers"), rounded(s.meanBusyWorkers, 1e3) },
            { QStringLiteral("mean_in_system"), rounded(s.meanInSystem, 1e3) },
        };
        if (options.series)
            o.insert(QStringLiteral("series"), serviceSeries(s.buckets));
        services.append(o);
    }

    return {
        { QStringLiteral("format"), QLatin1String(kFormatName) },
        { QStringLiteral("format_version"), kFormatVersion },
        { QStringLiteral("source"), toString(options.source) },
        { QStringLiteral("scenario"), options.scenario },
        { QStringLiteral("seed"),
            options.source != Source::Replay ? count(result.seed)
                : options.recordedSeed     ? count(*options.recordedSeed)
                                           : QJsonValue(QJsonValue::Null) },
        { QStringLiteral("duration_s"), seconds(result.duration) },
        { QStringLiteral("ran_until_s"), seconds(result.simulatedUntil) },
        { QStringLiteral("bucket_width_s"), seconds(result.bucketWidth) },
        { QStringLiteral("interrupted"), result.cancelled },
        { QStringLiteral("events"), options.eventsWritten ? count(result.events) : QJsonValue(QJsonValue::Null) },
        { QStringLiteral("totals"), totals },
        { QStringLiteral("fault"),
            QJsonObject {
                { QStringLiteral("start_s"), orNull(metrics.faultStart, secondsValue) },
                { QStringLiteral("end_s"), orNull(metrics.faultEnd, secondsValue) },
                { QStringLiteral("time_to_detect_s"), orNull(metrics.timeToDetect, secondsValue) },
                { QStringLiteral("time_to_recover_s"), orNull(metrics.timeToRecover, secondsValue) },
            } },
        { QStringLiteral("pipelines"), pipelines },
        { QStringLiteral("services"), services },
    };
}

} // namespace rwb::runjson
