#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"

#include <cstdint>
#include <mutex>
#include <optional>

namespace rwb {

/// Client-side token bucket. Field comments give the JSON name, default and rule.
struct RateLimiterConfig {
    double ratePerSecond = 10.0; ///< rate: tokens added per second, finite, > 0
    int burst = 10;              ///< burst: bucket capacity, >= 1 (a full bucket allows `burst` calls at once)
    /// max_wait: a call may wait up to this long for a token (or a server pause) instead of being
    /// rejected, >= 0. Zero: never wait, reject at once.
    Duration maxWait = 0s;
    /// respect_server_retry_after: a 429 with Retry-After pauses every call through this limiter until
    /// the hinted time (pipeline calls onServerRetryAfter()).
    bool respectServerRetryAfter = true;

    static FieldErrors validate(const RateLimiterConfig& config);
};

/// Result of RateLimiter::tryAcquire().
struct RateDecision {
    enum class Kind : std::uint8_t {
        Granted,  ///< go now
        Wait,     ///< a token is reserved for you at `until`: go then, without asking again
        Rejected, ///< would have to wait longer than allowed; `until` says when a token would be free
    };
    enum class Source : std::uint8_t { Client, Server }; ///< what limited: the bucket or a server pause
    Kind kind = Kind::Granted;
    Source source = Source::Client;
    TimePoint until {};

    explicit operator bool() const noexcept { return kind == Kind::Granted; }
};

struct RateLimiterStats {
    double availableTokens = 0.0;   ///< at the time asked
    TimePoint pausedUntil {};       ///< server pause end (origin if none)
    std::uint64_t granted = 0;      ///< cumulative immediate grants
    std::uint64_t delayed = 0;      ///< cumulative Wait decisions
    std::uint64_t rejected = 0;     ///< cumulative rejections
};

/// Token bucket implemented as GCRA (one "theoretical arrival time"), so refills are exact integer
/// arithmetic on the TimePoints handed in: no timers, no clock reads. Waiting callers get a reserved
/// token (the bucket may go into debt up to max_wait), so waits are FIFO-fair and never re-polled.
///
/// This class is thread-safe (a mutex guards two integers). Not copyable.
class RateLimiter final {
public:
    /// Throws InvalidConfig listing every broken rule.
    explicit RateLimiter(RateLimiterConfig config = {});
    RateLimiter(const RateLimiter&) = delete;
    RateLimiter& operator=(const RateLimiter&) = delete;
    const RateLimiterConfig& config() const noexcept { return m_config; }

    /// Asks for one token at `now`. A Wait is only granted when `until` <= min(now + max_wait, notAfter)
    /// (`notAfter`: e.g. the call's deadline); otherwise Rejected and nothing is reserved.
    RateDecision tryAcquire(TimePoint now, std::optional<TimePoint> notAfter = std::nullopt);
    /// A server said "come back at `until`" (429 + Retry-After): every call waits until then.
    /// Ignored when respect_server_retry_after is off or `until` is earlier than the current pause.
    void onServerRetryAfter(TimePoint until);
    RateLimiterStats stats(TimePoint now) const;

private:
    const RateLimiterConfig m_config;
    std::int64_t m_intervalNs;  // emission interval: 1 / rate
    std::int64_t m_toleranceNs; // (burst - 1) * interval
    mutable std::mutex m_mutex;
    std::int64_t m_tatNs = INT64_MIN; // theoretical arrival time; INT64_MIN = bucket full
    TimePoint m_pausedUntil {};
    std::uint64_t m_granted = 0;
    std::uint64_t m_delayed = 0;
    std::uint64_t m_rejected = 0;
};

} // namespace rwb
