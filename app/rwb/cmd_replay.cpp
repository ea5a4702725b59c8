// rwb replay: summarise a recorded run (a workbench JSONL event log) with the counting rules the GUI's
// replay uses, as a table or as the one run summary JSON (source "replay").
#include "command.h"
#include "simulatecommon.h"

#include "core/log/logindex.h"
#include "core/log/logreplayer.h"
#include "core/run/eventbucketer.h"
#include "core/run/runmetrics.h"

#include <QFileInfo>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage = "Usage: rwb replay EVENTS.jsonl [--json [--series]]\n"
                           "\n"
                           "Rebuilds a recorded run (the event log `rwb simulate`, `rwb live` or the GUI's\n"
                           "recording wrote) and prints its summary per pipeline, counted as the GUI's\n"
                           "replay counts it: requests, outcomes, attempts, retries, breaker transitions and\n"
                           "latency percentiles. Lines that are not workbench events are skipped and counted.\n"
                           "\n"
                           "  --json           print the run summary JSON (docs/run-format.md, source \"replay\")\n"
                           "  --series         with --json: add the per-second series of every pipeline\n"
                           "\n"
                           "Exit codes: 0 ok, 2 bad input (bad options, missing file, no events), 1 runtime error.\n";

int badInput(const QString& message)
{
    return usageError("replay", message, kUsage);
}

int runReplay(const QStringList& args)
{
    SimulateArgs parsed;
    QString error;
    if (!parseSimulateArgs(args, parsed, error, /*needsFile=*/true, kUsage))
        return badInput(error.replace(QLatin1String("SCENARIO.json"), QLatin1String("EVENTS.jsonl"))
                            .replace(QLatin1String("scenario file"), QLatin1String("log file")));
    if (parsed.help) {
        out() << kUsage;
        return Ok;
    }
    if (parsed.seed || !parsed.out.isEmpty())
        return badInput(QStringLiteral("a recorded run has no seed to choose and no events to write"));
    const QString path = parsed.positional.first();
    const QFileInfo info(path);
    if (!info.exists())
        return badInput(QStringLiteral("%1: no such file").arg(path));
    if (!info.isFile())
        return badInput(QStringLiteral("%1: not a regular file").arg(path));

    LogIndex index;
    if (!index.open(path, &error)) {
        err() << "rwb replay: " << error << '\n';
        return BadInput;
    }
    index.waitForFinished();
    const LogReplayer::Decoded decoded = LogReplayer::decode(index.snapshot());
    if (decoded.events.empty()) {
        err() << "rwb replay: " << path << ": no workbench events (" << decoded.skipped << " other lines)\n";
        return BadInput;
    }

    EventBucketer bucketer;
    KeyEventSink keyEvents;
    bucketer.add(decoded.events);
    for (const Event& e : decoded.events)
        keyEvents.onEvent(e);
    // The data end a hair past the last event, as the GUI's replay ends: the last bucket counts over the
    // time it covers.
    bucketer.setEnd(std::max(bucketer.endSeconds(), 1e-3));
    const RunResult result = bucketer.result();

    Scenario recorded; // a log carries no scenario, only its name and seed on a run_started line
    RunProvenance provenance { runjson::Source::Replay, false, &keyEvents.events() };
    if (decoded.runStart) {
        recorded.name = decoded.runStart->scenario;
        provenance.recordedSeed = decoded.runStart->seed;
    }
    printRunSummary(recorded, result, parsed, provenance);
    if (decoded.skipped > 0 && !parsed.json)
        out() << decoded.skipped << " lines were not workbench events and were skipped\n";
    return Ok;
}

const Registrar reg({QStringLiteral("replay"), QStringLiteral("summarise a recorded run (a JSONL event log)"), &runReplay});

} // namespace
