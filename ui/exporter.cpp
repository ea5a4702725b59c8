#include "ui/exporter.h"

#include "core/config/scenariojson.h"
#include "core/config/seedconfig.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace rwb::exporter {

namespace {

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

} // namespace rwb::exporter
