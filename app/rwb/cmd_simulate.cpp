// rwb simulate: run a scenario file in virtual time and print a summary (table or JSON); optionally
// write every event as JSONL.
#include "command.h"
#include "simulatecommon.h"

#include "core/config/scenariojson.h"

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage = "Usage: rwb simulate SCENARIO.json [--seed N] [--out EVENTS.jsonl] [--json [--series]] [--threads N]\n"
                           "\n"
                           "Runs the scenario in virtual time (bit-for-bit reproducible for a seed) and prints a\n"
                           "summary per pipeline: requests, succeeded, failed, rejected, fallbacks, attempts,\n"
                           "breaker transitions and latency p50/p95/p99.\n"
                           "\n"
                           "  --seed N         use seed N instead of the scenario's\n"
                           "  --out FILE       write every event to FILE as JSONL (workbench log format)\n"
                           "  --json           print the summary as JSON instead of a table (docs/run-format.md)\n"
                           "  --series         with --json: add the per-second series of every pipeline and service\n"
                           "  --threads N      simulate pipelines that share nothing on up to N threads (default: one per\n"
                           "                   core); the summary and the events are the same for any N. With --out\n"
                           "                   the run streams its events from one queue instead (no threads)\n"
                           "\n"
                           "Exit codes: 0 ok, 2 bad input (bad options, invalid scenario), 1 runtime error.\n";

// Takes `--threads N` (simulate only) out of `args`; false with `error` set when N is not a count >= 1.
bool takeThreads(QStringList& args, int& threads, QString& error)
{
    const qsizetype at = args.indexOf(QStringLiteral("--threads"));
    if (at < 0)
        return true;
    if (at + 1 >= args.size()) {
        error = QStringLiteral("option --threads needs a value");
        return false;
    }
    bool ok = false;
    threads = args[at + 1].toInt(&ok);
    if (!ok || threads < 1) {
        error = QStringLiteral("--threads expects an integer >= 1, got \"%1\"").arg(args[at + 1]);
        return false;
    }
    args.remove(at, 2);
    return true;
}

int runSimulate(const QStringList& arguments)
{
    SimulateArgs parsed;
    QString error;
    QStringList args = arguments;
    if (!takeThreads(args, parsed.threads, error) || !parseSimulateArgs(args, parsed, error, /*needsFile=*/true, kUsage)) {
        return usageError("simulate", error, kUsage);
    }
    if (parsed.help) {
        out() << kUsage;
        return Ok;
    }
    const ScenarioLoad loaded = scenariojson::loadFile(parsed.positional.first());
    if (reportLoadErrors(loaded))
        return BadInput;
    return simulateAndReport(*loaded.scenario, parsed, QStringLiteral("simulate"));
}

const Registrar reg({QStringLiteral("simulate"), QStringLiteral("run a scenario file in virtual time and summarise it"), &runSimulate});

} // namespace
