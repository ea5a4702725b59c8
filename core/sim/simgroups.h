#pragma once

#include "core/run/scenario.h"

#include <vector>

namespace rwb {

/// A set of pipelines (with their services and clients) that share nothing with the rest of a
/// scenario: no service, no named circuit, no named retry budget or throttle. Indices are positions in
/// the scenario's vectors, ascending.
struct SimGroup {
    std::vector<int> services;
    std::vector<int> pipelines;
    std::vector<int> clients;
};

/// The scenario cut into independent groups: pipelines are linked when they call the same service,
/// name the same circuit (Scenario::sharedBreakerOwner), or name the same retry budget or throttle;
/// a client belongs to its pipeline's group, and a service no pipeline calls forms a group alone.
/// Groups are ordered by their first pipeline (services without pipelines last, in scenario order).
/// Every index appears in exactly one group. Pure function of the scenario: thread-safe.
std::vector<SimGroup> independentGroups(const Scenario& scenario);
/// Every service, pipeline and client of the scenario as one group: what one event queue simulates.
SimGroup wholeScenario(const Scenario& scenario);

} // namespace rwb
