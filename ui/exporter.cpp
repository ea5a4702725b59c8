#include "ui/exporter.h"

#include "core/run/runmetrics.h"

#include "core/config/scenariojson.h"
#include "core/config/seedconfig.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace rwb::exporter {

namespace {

QJsonObject summaryJson(const PipelineSummary& s)
{
    return QJsonObject {
        { QStringLiteral("requests"), qint64(s.requests) },
        { QStringLiteral("succeeded"), qint64(s.succeeded) },
        { QStringLiteral("failed"), qint64(s.failed) },
        { QStringLiteral("rejected"), qint64(s.rejected) },
        { QStringLiteral("fallbacks"), qint64(s.fallbacks) },
        { QStringLiteral("unfinished"), qint64(s.unfinished) },
        { QStringLiteral("attempts"), qint64(s.attempts) },
        { QStringLiteral("retries"), qint64(s.retries) },
        { QStringLiteral("timeouts"), qint64(s.timeouts) },
        { QStringLiteral("breaker_rejections"), qint64(s.breakerRejections) },
        { QStringLiteral("breaker_transitions"), qint64(s.breakerTransitions) },
        { QStringLiteral("retry_amplification"), s.retryAmplification() },
        { QStringLiteral("success_rate"), s.successRate() },
        { QStringLiteral("latency_p50_ms"), s.latencyP50Ms },
        { QStringLiteral("latency_p95_ms"), s.latencyP95Ms },
        { QStringLiteral("latency_p99_ms"), s.latencyP99Ms },
        { QStringLiteral("latency_max_ms"), s.latencyMaxMs },
    };
}

QJsonValue seconds(const std::optional<Duration>& d)
{
    return d ? QJsonValue(toSeconds(*d)) : QJsonValue(QJsonValue::Null);
}

/// What the retry_configs / circuit_breaker_configs layout has no place for beyond the retry and
/// breaker details seedconfig::save() lists: the other policies, the order, Retry-After handling
/// and the breaker's error classes. "<pipeline pointer>: <what>", like save()'s list.
QStringList droppedBySeedLayout(const Scenario& scenario)
{
    const auto tr = [](const char* text) { return QCoreApplication::translate("rwb::exporter", text); };
    QStringList out;
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i) {
        const PipelineSpec& p = scenario.pipelines[i];
        const PipelineConfig& c = p.config;
        const QString ptr = QStringLiteral("/pipelines/%1 (%2)").arg(i).arg(p.name());
        const auto lose = [&](const QString& what) { out.append(ptr + QStringLiteral(": ") + what); };
        if (c.fallbackEnabled)
            lose(tr("fallback dropped"));
        if (c.timeoutEnabled)
            lose(tr("timeout dropped"));
        if (c.bulkheadEnabled)
            lose(tr("bulkhead dropped"));
        if (c.rateLimiterEnabled)
            lose(tr("rate_limiter dropped"));
        if (c.order != PipelineConfig::defaultOrder())
            lose(tr("policy order dropped"));
        if (c.retryEnabled) {
            const RetryAfterConfig& r = c.retry.retryAfter;
            lose(r.respectRetryAfter
                    ? tr("Retry-After handling dropped (honoured, %1 s without a hint, capped at %2 s)")
                          .arg(toSeconds(r.defaultRetryDelay))
                          .arg(toSeconds(r.maxRetryDelay))
                    : tr("Retry-After handling dropped (hints ignored)"));
        }
        if (p.breaker && (!p.breaker->monitored.empty() || !p.breaker->ignored.empty()))
            lose(tr("circuit breaker monitored / ignored error classes dropped"));
    }
    return out;
}

} // namespace

QJsonObject pipelineConfig(const QJsonObject& scenario)
{
    QJsonObject config;
    config.insert(QStringLiteral("schema_version"), scenario.value(QStringLiteral("schema_version")).toInt(1));
    config.insert(QStringLiteral("pipelines"), scenario.value(QStringLiteral("pipelines")).toArray());
    // The workbench shows milliseconds and percentages; the file keeps the engine's units. Say so, so a
    // reader does not take 0.2 for 0.2 ms (import reads only "pipelines").
    config.insert(QStringLiteral("units"),
        QJsonObject { { QStringLiteral("durations"), QStringLiteral("seconds") },
            { QStringLiteral("rates"), QStringLiteral("per second") },
            { QStringLiteral("probabilities"), QStringLiteral("fractions from 0 to 1") } });
    return config;
}

bool importPipelineConfig(QJsonObject& scenario, const QJsonObject& config, QString* error)
{
    const QJsonValue pipelines = config.value(QStringLiteral("pipelines"));
    if (!pipelines.isArray()) {
        if (error)
            *error = QCoreApplication::translate("rwb::exporter", "/pipelines: expected an array");
        return false;
    }
    scenario.insert(QStringLiteral("pipelines"), pipelines);
    return true;
}

QByteArray seedConfig(const QJsonObject& scenario, QStringList* lossy, QString* error)
{
    const ScenarioLoad load = scenariojson::fromJson(scenario);
    if (!load.ok()) {
        if (error)
            *error = load.errors.empty() ? QCoreApplication::translate("rwb::exporter", "the scenario does not load")
                                         : load.errors.front().toString();
        return {};
    }
    QByteArray bytes = seedconfig::save(seedconfig::fromScenario(*load.scenario), lossy);
    if (lossy)
        lossy->append(droppedBySeedLayout(*load.scenario));
    return bytes;
}

bool importConfig(
    QJsonObject& scenario, const QByteArray& bytes, const QString& fileName, QString* error, QStringList* unmatched)
{
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    const QJsonObject object = doc.object();
    if (object.contains(QStringLiteral("retry_configs"))
        || object.contains(QStringLiteral("circuit_breaker_configs"))) {
        const SeedConfigLoad seed = seedconfig::load(bytes, fileName);
        if (!seed.ok()) {
            if (error)
                *error = seed.errors.front().toString();
            return false;
        }
        ScenarioLoad load = scenariojson::fromJson(scenario);
        if (!load.ok()) {
            if (error)
                *error = load.errors.empty() ? QString() : load.errors.front().toString();
            return false;
        }
        const QStringList missed = seedconfig::applyToScenario(seed.config, *load.scenario);
        if (unmatched)
            *unmatched = missed;
        scenario = scenariojson::toJson(*load.scenario);
        return true;
    }
    if (doc.isNull() || !object.contains(QStringLiteral("pipelines"))) {
        // Let the engine's loader name the syntax error's line and column.
        const ScenarioLoad probe = scenariojson::load(bytes, fileName);
        if (error)
            *error = !probe.errors.empty() && probe.errors.front().line > 0
                ? probe.errors.front().toString()
                : QCoreApplication::translate("rwb::exporter", "%1: expected \"pipelines\" or \"retry_configs\"")
                      .arg(fileName);
        return false;
    }
    QJsonObject candidate = scenario;
    if (!importPipelineConfig(candidate, object, error))
        return false;
    // The result must still be a valid scenario (pipelines bound to existing services).
    const ScenarioLoad check = scenariojson::fromJson(candidate, fileName);
    if (!check.ok()) {
        if (error)
            *error = check.errors.empty() ? QString() : check.errors.front().toString();
        return false;
    }
    scenario = scenariojson::toJson(*check.scenario);
    return true;
}

QJsonObject runSummary(const RunResult& result, const QJsonObject& scenario)
{
    const RunMetrics metrics = RunMetrics::from(result);
    QJsonObject root;
    root.insert(QStringLiteral("scenario"), scenario.value(QStringLiteral("name")));
    root.insert(QStringLiteral("seed"), QString::number(result.seed));
    root.insert(QStringLiteral("duration_s"), toSeconds(result.duration));
    root.insert(QStringLiteral("simulated_until_s"), toSeconds(result.simulatedUntil));
    root.insert(QStringLiteral("bucket_width_s"), toSeconds(result.bucketWidth));
    root.insert(QStringLiteral("events"), qint64(result.events));
    root.insert(QStringLiteral("total"), summaryJson(metrics.total));
    root.insert(QStringLiteral("service_load"), qint64(metrics.serviceLoad.value_or(0)));
    root.insert(QStringLiteral("peak_concurrency"), qint64(metrics.peakConcurrency.value_or(0)));
    root.insert(QStringLiteral("time_to_detect_s"), seconds(metrics.timeToDetect));
    root.insert(QStringLiteral("time_to_recover_s"), seconds(metrics.timeToRecover));

    QJsonArray pipelines;
    for (const PipelineSeries& p : result.pipelines) {
        QJsonObject o;
        o.insert(QStringLiteral("name"), p.name);
        o.insert(QStringLiteral("service"), p.service);
        o.insert(QStringLiteral("summary"), summaryJson(p.summary));
        QJsonArray requests, attempts, succeeded, failed, rejected, fallbacks, p50, p95, p99, state;
        for (const PipelineBucket& b : p.buckets) {
            requests.append(qint64(b.requests));
            attempts.append(qint64(b.attempts));
            succeeded.append(qint64(b.succeeded));
            failed.append(qint64(b.failed));
            rejected.append(qint64(b.rejected));
            fallbacks.append(qint64(b.fallbacks));
            p50.append(double(b.latencyP50Ms));
            p95.append(double(b.latencyP95Ms));
            p99.append(double(b.latencyP99Ms));
            state.append(toString(b.breakerState));
        }
        o.insert(QStringLiteral("series"),
            QJsonObject {
                { QStringLiteral("requests"), requests },
                { QStringLiteral("attempts"), attempts },
                { QStringLiteral("succeeded"), succeeded },
                { QStringLiteral("failed"), failed },
                { QStringLiteral("rejected"), rejected },
                { QStringLiteral("fallbacks"), fallbacks },
                { QStringLiteral("latency_p50_ms"), p50 },
                { QStringLiteral("latency_p95_ms"), p95 },
                { QStringLiteral("latency_p99_ms"), p99 },
                { QStringLiteral("breaker_state"), state },
            });
        pipelines.append(o);
    }
    root.insert(QStringLiteral("pipelines"), pipelines);

    QJsonArray services;
    for (const ServiceSeries& s : result.services) {
        QJsonArray arrivals, errors, overloaded, concurrency;
        for (const ServiceBucket& b : s.buckets) {
            arrivals.append(qint64(b.arrivals));
            errors.append(qint64(b.errors));
            overloaded.append(qint64(b.overloaded));
            concurrency.append(qint64(b.maxConcurrency));
        }
        services.append(QJsonObject {
            { QStringLiteral("name"), s.name },
            { QStringLiteral("arrivals"), qint64(s.arrivals) },
            { QStringLiteral("overloaded"), qint64(s.overloaded) },
            { QStringLiteral("max_concurrency"), qint64(s.maxConcurrency) },
            { QStringLiteral("series"),
                QJsonObject { { QStringLiteral("arrivals"), arrivals }, { QStringLiteral("errors"), errors },
                    { QStringLiteral("overloaded"), overloaded },
                    { QStringLiteral("max_concurrency"), concurrency } } },
        });
    }
    root.insert(QStringLiteral("services"), services);
    return root;
}

} // namespace rwb::exporter
