#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"

#include <optional>

namespace rwb {

/// Timeout configuration. Unset fields mean "no limit".
struct TimeoutConfig {
    std::optional<Duration> attemptTimeout; ///< attempt_timeout: limit of one attempt, > 0
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

    /// callStart + overall_timeout, or kNever.
    TimePoint callDeadline(TimePoint callStart) const noexcept;
    /// min(attemptStart + attempt_timeout, callStart + overall_timeout), or kNever.
    TimePoint attemptDeadline(TimePoint callStart, TimePoint attemptStart) const noexcept;
    /// A result at `now` is late when `now` is after `deadline`.
    static bool isLate(TimePoint deadline, TimePoint now) noexcept { return now > deadline; }

private:
    TimeoutConfig m_config;
};

} // namespace rwb
