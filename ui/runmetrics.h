#pragma once

#include "core/events/event.h"
#include "core/sim/simulationresult.h"

#include <QString>

#include <optional>

namespace rwb {

/// Figures derived from a SimulationResult for the summary and A/B tables and the metrics export.
/// Pure functions of the result (no policy decisions): thread-safe.
struct RunMetrics {
    PipelineSummary total;
    std::uint64_t serviceLoad = 0; ///< attempts that reached the services
    std::uint32_t peakConcurrency = 0; ///< highest concurrency seen in any service
    /// From the first second the services mostly fail (>= 50 % errors) to the first second a breaker is open.
    std::optional<Duration> timeToDetect;
    /// From the last mostly-failing second to the first later second with >= 95 % of requests served.
    std::optional<Duration> timeToRecover;
    std::optional<Duration> faultStart;
    std::optional<Duration> faultEnd;

    /// With the run's events (FaultChanged, BreakerTransition) the fault start and the detection are
    /// exact instead of rounded to the 1 s buckets.
    static RunMetrics from(const SimulationResult& result, const std::vector<Event>* events = nullptr);
};

} // namespace rwb
