#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"

#include <optional>

namespace rwb {

/// What a pipeline's run must show, from the scenario's `expect` object (docs/scenario-format.md):
/// the assertions `rwb check` and the GUI's badges evaluate against a RunResult (core/advice). Every
/// field is optional; an unset field asserts nothing. A plain value type: it never changes a simulation.
struct PipelineExpectations {
    std::optional<bool> breakerOpens;          ///< breaker_opens: the circuit opens at least once (or never, false)
    std::optional<Duration> breakerOpensWithin; ///< breaker_opens_within: after the fault starts, > 0
    /// attempts_before_open_at_most: attempts placed on the failing service from the fault's start until
    /// the breaker opens (counted in whole seconds), >= 0
    std::optional<int> attemptsBeforeOpenAtMost;
    std::optional<Duration> worstCallAtMost;    ///< worst_call_at_most: the slowest finished call, > 0
    std::optional<double> successRateAtLeast;   ///< success_rate_at_least: in [0, 1]
    std::optional<Duration> p99AtMost;          ///< p99_at_most: end-to-end p99 over the run, > 0
    std::optional<Duration> recoversWithin;     ///< recovers_within: after the fault ends, > 0

    bool empty() const noexcept { return *this == PipelineExpectations {}; }
    /// Every broken rule, by JSON name ("success_rate_at_least").
    FieldErrors validate() const;

    friend bool operator==(const PipelineExpectations&, const PipelineExpectations&) = default;
};

} // namespace rwb
