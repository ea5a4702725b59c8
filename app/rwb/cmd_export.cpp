// rwb export: one pipeline of a scenario in the configuration format of a peer library.
#include "command.h"

#include "core/config/demos.h"
#include "core/interop/interop.h"

#include <QFileInfo>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage
    = "Usage: rwb export SCENARIO --pipeline NAME --format FORMAT [--out FILE]\n"
      "\n"
      "Writes pipeline NAME of SCENARIO (a scenario file, or the name of a built-in demo) in the\n"
      "configuration format of a library that runs it in production:\n"
      "  resilience4j  Spring Boot application.yml (resilience4j.circuitbreaker/retry/bulkhead/...)\n"
      "  polly         Polly v8 options JSON, as Microsoft.Extensions.Http.Resilience binds them\n"
      "  opossum       opossum CircuitBreaker options JSON\n"
      "  cockatiel     a cockatiel policies module (JavaScript)\n"
      "  envoy         Envoy cluster (circuit_breakers, outlier_detection) and route (retry_policy) YAML\n"
      "  seed004       seed 004's retry_configs / circuit_breaker_configs JSON\n"
      "\n"
      "The file goes to stdout, or atomically to FILE with --out. Every setting the target only\n"
      "approximates or cannot express is printed on stderr as a warning (docs/interop.md has the\n"
      "tables). Exit 0 on success, 2 on bad input.\n";

int runExport(const QStringList& args)
{
    QString pipeline, formatName, outPath;
    QStringList positional;
    bool help = false;
    QString error;
    if (!Options().value("--pipeline", &pipeline).value("--format", &formatName).value("--out", &outPath)
             .parse(args, positional, help, error))
        return usageError("export", error, kUsage);
    if (help) {
        out() << kUsage;
        return Ok;
    }
    if (positional.size() > 1)
        return usageError("export", QStringLiteral("expected one scenario, got \"%1\" too").arg(positional[1]), kUsage);
    const QString scenarioArg = positional.value(0);
    if (scenarioArg.isEmpty() || pipeline.isEmpty() || formatName.isEmpty())
        return usageError("export", QStringLiteral("SCENARIO, --pipeline and --format are required"), kUsage);
    const auto format = interopFormatFromString(formatName);
    if (!format) {
        err() << "rwb export: unknown format \"" << formatName
              << "\" (expected resilience4j, polly, opossum, cockatiel, envoy or seed004)\n";
        return BadInput;
    }
    const ScenarioLoad loaded
        = QFileInfo::exists(scenarioArg) ? scenariojson::loadFile(scenarioArg) : demos::load(scenarioArg);
    if (reportLoadErrors(loaded))
        return BadInput;
    const auto exported = interop::exportPipeline(*loaded.scenario, pipeline, *format);
    if (!exported) {
        QStringList names;
        for (const auto& p : loaded.scenario->pipelines)
            names << p.name();
        err() << "rwb export: no pipeline \"" << pipeline << "\" in " << scenarioArg
              << " (pipelines: " << names.join(QStringLiteral(", ")) << ")\n";
        return BadInput;
    }
    for (const auto& w : exported->warnings)
        err() << "warning: " << w << '\n';
    if (outPath.isEmpty()) {
        out() << QString::fromUtf8(exported->text);
        out().flush();
        return Ok;
    }
    if (!interop::saveFile(exported->text, outPath, &error)) {
        err() << "rwb export: " << error << '\n';
        return RuntimeError;
    }
    return Ok;
}

const Registrar reg({ QStringLiteral("export"),
    QStringLiteral("write a pipeline as Resilience4j, Polly, opossum, cockatiel, Envoy or seed-004 config"),
    &runExport });

} // namespace
