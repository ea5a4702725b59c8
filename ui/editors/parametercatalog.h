#pragma once

#include "ui/editors/parameterspec.h"

#include <vector>

namespace rwb {

/// The editable parameters of every policy and of a fault profile, with labels, units, tooltips
/// and ranges. JSON member names follow docs/scenario-format.md; ranges mirror the engine's
/// validate() rules (the engine remains the judge and its errors are shown on the controls).
namespace catalog {

/// The policy groups of a pipeline, in the engine's default order (outer -> inner).
const std::vector<ParameterGroup>& pipelineGroups();
/// A service's fault profile (error rate, latency, capacity, Retry-After).
const ParameterGroup& faultProfileGroup();
/// Inside a fault profile: the failure kinds' weights (`error_mix`), the optional `flapping` and
/// `ramp` sections.
const ParameterGroup& errorMixGroup();
const ParameterGroup& flappingGroup();
const ParameterGroup& rampGroup();
/// The scenario's top level: seed, duration, drain limit.
const ParameterGroup& runGroup();
/// One client: count and arrival process.
const ParameterGroup& clientGroup();
/// Human name of a policy key ("circuit_breaker" -> "Circuit breaker"); the key itself if unknown.
QString policyTitle(const QString& key);

} // namespace catalog
} // namespace rwb
