#pragma once

#include "core/events/event.h"
#include "core/run/runresult.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace rwb::runjson {

/// The one run summary schema, written by `rwb simulate --json`, `rwb live --json` and the GUI's
/// File ▸ Export Run Summary. docs/run-format.md documents every field. Bump kFormatVersion when a
/// field changes meaning or goes; adding a field does not bump it.
inline constexpr int kFormatVersion = 1;
inline constexpr const char* kFormatName = "resilience-workbench.run-summary";

/// Who produced the result.
enum class Source { Simulation, Live, Replay };
QString toString(Source source); ///< "simulation", "live", "replay"

struct Options {
    Source source = Source::Simulation;
    QString scenario;     ///< the scenario's name ("" when unnamed or unknown)
    bool series = false;  ///< include the per-bucket series of every pipeline and service
    bool eventsWritten = false; ///< the run's events went to a log: "events" gives their number, else null
    /// The run's transitions and fault changes: the time to detect is then exact instead of rounded
    /// to whole buckets. May be null.
    const std::vector<Event>* events = nullptr;
    /// A replay's seed, as its log's run_started line recorded it. A replay without one prints null:
    /// the events themselves do not carry the seed.
    std::optional<std::uint64_t> recordedSeed {};
};

/// One pipeline's (or the totals') counts, rates and latency figures.
QJsonObject summary(const PipelineSummary& s);
/// The whole document. Pure function of its inputs: thread-safe. Figures are rounded (milliseconds to
/// the microsecond, rates to 6 decimals) so equal runs print equal bytes on every machine.
QJsonObject toJson(const RunResult& result, const Options& options);

} // namespace rwb::runjson
