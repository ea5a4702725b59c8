#pragma once

#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/log/jsonlwriter.h"
#include "core/run/scenario.h"
#include "core/run/runresult.h"
#include "core/run/runsummaryjson.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace rwb::cli {

/// Options shared by `rwb simulate` and `rwb demo NAME`.
struct SimulateArgs {
    QStringList positional;
    std::optional<std::uint64_t> seed;
    QString out;
    bool json = false;
    bool series = false; ///< --series: the JSON summary carries the per-second series
    bool help = false;
    int threads = 0; ///< simulation threads (0: one per core); `rwb simulate --threads N`
};

/// The shared options of simulate, demo, replay and live; `usage` is the command's (for typo hints).
bool parseSimulateArgs(const QStringList& args, SimulateArgs& out, QString& error, bool needsFile, const char* usage);
/// Runs the scenario, writes events to args.out when set, prints the summary. Returns an exit code.
int simulateAndReport(const Scenario& scenario, const SimulateArgs& args, const QString& command);
/// Where a run summary comes from, beyond the result itself.
struct RunProvenance {
    runjson::Source source = runjson::Source::Simulation;
    bool eventsWritten = false;              ///< the events went to args.out
    const std::vector<Event>* keyEvents = nullptr; ///< transitions and fault changes (exact time to detect)
    std::optional<std::uint64_t> recordedSeed {};  ///< a replay's seed, from its log (else unknown)
};
/// The summary part of simulateAndReport (table, or the run summary JSON of docs/run-format.md with
/// args.json); also used by `rwb live`.
void printRunSummary(const Scenario& scenario, const RunResult& result, const SimulateArgs& args,
    const RunProvenance& provenance);

/// The writer of `--out FILE`: the engine's JsonlWriter on one file, written atomically (nothing
/// appears at FILE unless the run finishes and commit() succeeds), in batches of 1 MB.
std::unique_ptr<JsonlWriter> openEventLog(const Clock& clock, const QString& path);

} // namespace rwb::cli
