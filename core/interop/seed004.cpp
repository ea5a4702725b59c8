// Seed 004's retry_configs / circuit_breaker_configs, through the engine's own converter
// (core/config/seedconfig), with every dropped field reported.
#include "core/config/seedconfig.h"
#include "core/interop/formats.h"

namespace rwb::interop::detail {

InteropExport exportSeed004(const PipelineSpec& spec)
{
    Scenario one;
    one.pipelines.push_back(spec);
    InteropExport out;
    const SeedConfig config = seedconfig::fromScenario(one);
    out.text = seedconfig::save(config, &out.warnings);
    out.warnings += seedconfig::droppedFields(one);
    return out;
}

InteropImport importSeed004(const QByteArray& bytes, const QString& fileName)
{
    InteropImport result;
    SeedConfigLoad load = seedconfig::load(bytes, fileName);
    result.errors = std::move(load.errors);
    locateJsonErrors(bytes, result.errors);
    if (!result.errors.empty())
        return result;
    QStringList names;
    for (const auto& [name, retry] : load.config.retryConfigs)
        if (!names.contains(name))
            names << name;
    for (const auto& [name, breaker] : load.config.circuitBreakerConfigs)
        if (!names.contains(name))
            names << name;
    for (const auto& name : names) {
        PipelineSpec p = emptyPipeline(name);
        Scenario one;
        one.pipelines.push_back(p);
        seedconfig::applyToScenario(load.config, one);
        result.pipelines.push_back(one.pipelines.front());
    }
    return result;
}

} // namespace rwb::interop::detail
