// rwb validate: check a scenario file and print every problem, one per line.
#include "command.h"

#include "core/config/scenariojson.h"

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage = "Usage: rwb validate SCENARIO.json\n"
                           "\n"
                           "Checks a scenario file against the schema (docs/scenario-format.md). Prints nothing and\n"
                           "exits 0 when it is valid; otherwise prints one error per line on stderr\n"
                           "(FILE:LINE:COLUMN: ... for syntax errors, FILE: /json/pointer: expected ..., got ... for\n"
                           "values) and exits 2.\n";

int runValidate(const QStringList& args)
{
    QStringList files;
    for (const auto& a : args) {
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            out() << kUsage;
            return Ok;
        }
        if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            return usageError("validate", unknownOption(a, kUsage), kUsage);
        }
        files << a;
    }
    if (files.size() != 1) {
        return usageError("validate",
                          files.isEmpty() ? QStringLiteral("missing SCENARIO.json") : QStringLiteral("expected one file"),
                          kUsage);
    }
    const ScenarioLoad loaded = scenariojson::loadFile(files.first());
    if (loaded.ok())
        return Ok;
    for (const auto& e : loaded.errors)
        err() << e.toString() << '\n';
    return BadInput;
}

const Registrar reg({QStringLiteral("validate"), QStringLiteral("check a scenario file (exit 0 valid, 2 invalid)"), &runValidate});

} // namespace
