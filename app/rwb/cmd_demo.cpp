// rwb demo: list the built-in scenarios, or run one.
#include "command.h"
#include "simulatecommon.h"

#include "core/config/demos.h"

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage = "Usage: rwb demo                 list the built-in scenarios and their lessons\n"
                           "       rwb demo NAME [--seed N] [--out EVENTS.jsonl] [--json [--series]]\n"
                           "                                run one (same options and output as 'rwb simulate')\n"
                           "       rwb demo NAME --print    print the scenario's JSON (a starting point for your own)\n"
                           "\n"
                           "Exit codes: 0 ok, 2 bad input (unknown demo, bad options), 1 runtime error.\n";

int runDemo(const QStringList& args)
{
    QStringList rest = args;
    const bool print = rest.removeAll(QStringLiteral("--print")) > 0;
    SimulateArgs parsed;
    QString error;
    if (!parseSimulateArgs(rest, parsed, error, /*needsFile=*/false, kUsage)) {
        return usageError("demo", error, kUsage);
    }
    if (parsed.help) {
        out() << kUsage;
        return Ok;
    }
    if (parsed.positional.isEmpty()) {
        const auto all = demos::list();
        if (all.empty()) {
            err() << "rwb demo: no built-in scenarios were compiled in\n";
            return RuntimeError;
        }
        for (const auto& d : all)
            out() << d.name.leftJustified(22) << ' ' << d.lesson << '\n';
        out() << "\nRun one with 'rwb demo NAME'.\n";
        return Ok;
    }
    if (parsed.positional.size() > 1) {
        return usageError("demo", QStringLiteral("expected one demo name, got %1").arg(parsed.positional.size()),
                          kUsage);
    }
    const ScenarioLoad loaded = demos::load(parsed.positional.first());
    if (!loaded.ok()) {
        for (const auto& e : loaded.errors)
            err() << "rwb demo: " << e.toString() << '\n';
        return BadInput;
    }
    if (print) {
        out() << scenariojson::toBytes(*loaded.scenario);
        return Ok;
    }
    return simulateAndReport(*loaded.scenario, parsed, QStringLiteral("demo"));
}

const Registrar reg({QStringLiteral("demo"), QStringLiteral("list or run the built-in demo scenarios"), &runDemo});

} // namespace
