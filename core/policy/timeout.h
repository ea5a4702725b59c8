#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"

#include <optional>

namespace rwb {

/// Timeout configuration. Unset fields mean "no limit".
struct TimeoutConfig {
    std::optional<Duration> attemptTimeout; ///< attempt_timeout: limit of one attempt, > 0
    /// attempt_timeout_increment: added to the limit for every try after the first (seed 001's progressive
    /// timeout 10 s, 15 s, 20 s is attempt_timeout 10 s + increment 5 s). >= 0; needs attempt_timeout.
    Duration attemptTimeoutIncrement {};
    std::optional<Duration> overallTimeout; ///< overall_timeout: limit of the whole call (retries and waits), > 0

    static FieldErrors validate(const TimeoutConfig& config);
};

/// Deadline arithmetic. Immutable: thread-safe. Deadlines are TimePoint::max() when unlimited.
/// C++ cannot pre-empt a running callable: executors enforce a deadline by abandoning the attempt
/// (simulator, live runner) or by classifying a result that arrives after it as a timeout (blocking).
class Timeout final {
public:
    static constexpr TimePoint kNever = TimePoint::max();

    /// Throws InvalidConfig listing every broken rule.
    explicit Timeout(TimeoutConfig config = {});
    const TimeoutConfig& config() const noexcept { return m_config; }

    /// The limit of try `attempt` (1-based; smaller counts as 1): attempt_timeout + (attempt - 1) *
    /// attempt_timeout_increment, saturating. Unset without attempt_timeout.
    std::optional<Duration> attemptLimit(int attempt) const noexcept;
    /// attemptStart + attemptLimit(attempt), saturating, or kNever without attempt_timeout. What executors
    /// ask on every try: it returns no std::optional, whose copy out of a call stalled store forwarding.
    TimePoint attemptEnd(TimePoint attemptStart, int attempt) const noexcept;
    /// callStart + overall_timeout, or kNever.
    TimePoint callDeadline(TimePoint callStart) const noexcept;
    /// min(attemptStart + attemptLimit(attempt), callStart + overall_timeout), or kNever.
    TimePoint attemptDeadline(TimePoint callStart, TimePoint attemptStart, int attempt = 1) const noexcept;
    /// A result at `now` is late when `now` is after `deadline`.
    static bool isLate(TimePoint deadline, TimePoint now) noexcept { return now > deadline; }

private:
    /// attemptLimit() when attempt_timeout is set.
    Duration limitOf(int attempt) const noexcept;

    TimeoutConfig m_config;
};

} // namespace rwb
