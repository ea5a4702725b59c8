#pragma once

#include "core/common/time.h"
#include "core/run/scenario.h"

#include <vector>

namespace rwb {

/// Steady-state figures read off a scenario without simulating it: the load each pipeline offers, the
/// latency its service answers with, how long its outages last, how much it can serve. What the lint
/// rules reason with. Pure functions of the scenario: thread-safe.
namespace loadmodel {

/// Requests per second the clients of pipeline `pipeline` start on average: count x rate for open
/// arrivals (bursts add burst_size / burst_interval), count / (mean think time + typical service time)
/// for a closed population.
double offeredRate(const Scenario& scenario, int pipeline);
/// Calls per second reaching the circuit of pipeline `pipeline`: every pipeline naming that circuit.
double circuitRate(const Scenario& scenario, int pipeline);
/// Callers of pipeline `pipeline` that can fail at the same instant: its clients (or closed-loop users),
/// and for burst arrivals every request of a burst.
int synchronizedCallers(const Scenario& scenario, int pipeline);

/// The healthy latency an attempt sees: the base profile's service time plus two typical network hops.
struct AttemptLatency {
    Duration p99 {};
    /// P(attempt latency > limit): how many healthy attempts a timeout of `limit` would cut.
    double fractionAbove(Duration limit) const noexcept;

    LatencyDistribution service;
    Duration network {}; ///< two typical hops
};
AttemptLatency healthyLatency(const ServiceSpec& service);

/// How long each spell of failure in the service's schedule lasts, in schedule order: outage windows,
/// flapping down phases, and schedule entries whose profile fails most requests (error_rate >= 0.5), each
/// clipped to the run's `duration`.
std::vector<Duration> outageLengths(const ServiceSpec& service, Duration duration);
/// The median of outageLengths(); nullopt when the schedule has no outage.
std::optional<Duration> typicalOutage(const ServiceSpec& service, Duration duration);

/// Requests per second the service can complete at most (workers / mean service time) under its
/// tightest capacity in the schedule; nullopt when no profile limits capacity.
std::optional<double> capacityRate(const ServiceSpec& service);

} // namespace loadmodel

} // namespace rwb
