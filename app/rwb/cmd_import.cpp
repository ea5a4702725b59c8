// rwb import: pipeline settings from a peer library's configuration file.
#include "command.h"

#include "core/config/scenariojson.h"
#include "core/interop/interop.h"

#include <QFile>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage
    = "Usage: rwb import FILE --format FORMAT [--scenario SCENARIO.json] [--out FILE]\n"
      "\n"
      "Reads pipeline settings from FILE in FORMAT: resilience4j (application.yml), polly (options\n"
      "JSON), opossum (options JSON) or seed004 (retry_configs / circuit_breaker_configs).\n"
      "Each named instance becomes a pipeline of that name.\n"
      "\n"
      "Without --scenario the pipelines are printed as {\"schema_version\", \"pipelines\": [...]} in\n"
      "the scenario format. With --scenario they replace the settings of the scenario's pipelines of\n"
      "the same names (each keeps its service, seed and order; stages the file does not hold are\n"
      "turned off) and the whole scenario is printed. --out writes the result atomically to FILE.\n"
      "\n"
      "Bad input (syntax, wrong types, unknown keys, durations without a unit, a name that matches\n"
      "no pipeline) is reported as FILE:LINE:COLUMN: /path: message, nothing is written, exit 2.\n";

int runImport(const QStringList& args)
{
    QString formatName, scenarioPath, outPath;
    QStringList positional;
    bool help = false;
    QString error;
    if (!Options().value("--format", &formatName).value("--scenario", &scenarioPath).value("--out", &outPath)
             .parse(args, positional, help, error))
        return usageError("import", error, kUsage);
    if (help) {
        out() << kUsage;
        return Ok;
    }
    if (positional.size() > 1)
        return usageError("import", QStringLiteral("expected one file, got \"%1\" too").arg(positional[1]), kUsage);
    const QString file = positional.value(0);
    if (file.isEmpty() || formatName.isEmpty())
        return usageError("import", QStringLiteral("FILE and --format are required"), kUsage);
    const auto format = interopFormatFromString(formatName);
    if (!format || !canImport(*format)) {
        err() << "rwb import: cannot import format \"" << formatName
              << "\" (expected resilience4j, polly, opossum or seed004)\n";
        return BadInput;
    }
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        err() << file << ": " << in.errorString() << '\n';
        return BadInput;
    }
    const InteropImport imported = interop::importPipelines(in.readAll(), *format, file);
    if (reportLoadErrors(imported))
        return BadInput;
    for (const auto& w : imported.warnings)
        err() << "warning: " << w << '\n';
    QByteArray result;
    if (scenarioPath.isEmpty()) {
        result = interop::pipelinesToJson(imported.pipelines);
    } else {
        ScenarioLoad loaded = scenariojson::loadFile(scenarioPath);
        if (!loaded.ok()) {
            for (const auto& e : loaded.errors)
                err() << e.toString() << '\n';
            return BadInput;
        }
        Scenario scenario = *loaded.scenario;
        const QStringList unmatched = interop::applyToScenario(imported.pipelines, scenario);
        if (!unmatched.isEmpty()) {
            err() << file << ": no pipeline named " << unmatched.join(QStringLiteral(", ")) << " in " << scenarioPath
                  << '\n';
            return BadInput;
        }
        // The merged scenario must still be valid (e.g. a shared circuit now configured twice).
        result = scenariojson::toBytes(scenario);
        const ScenarioLoad check = scenariojson::load(result, scenarioPath);
        if (!check.ok()) {
            for (const auto& e : check.errors)
                err() << e.toString() << '\n';
            return BadInput;
        }
    }
    if (outPath.isEmpty()) {
        out() << QString::fromUtf8(result);
        out().flush();
        return Ok;
    }
    if (!interop::saveFile(result, outPath, &error)) {
        err() << "rwb import: " << error << '\n';
        return RuntimeError;
    }
    return Ok;
}

const Registrar reg({ QStringLiteral("import"),
    QStringLiteral("read pipeline settings from Resilience4j, Polly, opossum or seed-004 config"), &runImport });

} // namespace
