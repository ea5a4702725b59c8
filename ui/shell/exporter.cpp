#include "ui/shell/exporter.h"

#include "core/config/scenariojson.h"
#include "core/config/seedconfig.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace rwb::exporter {

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
        lossy->append(seedconfig::droppedFields(*load.scenario));
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
