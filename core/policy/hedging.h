#pragma once

#include "core/common/configerror.h"
#include "core/common/outcome.h"
#include "core/common/time.h"
#include "core/policy/retrypolicy.h"
#include "core/policy/spinlock.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

namespace rwb {

/// Hedging configuration (JSON stage "hedging"). Field comments give the JSON name, default and rule.
///
/// A hedged try sends the same request again when no acceptable answer came within the hedging delay,
/// up to `max_hedged_attempts` extra requests; the first acceptable answer wins and the others are
/// cancelled (docs/hedging.md).
struct HedgingConfig {
    static constexpr int kMaxHedgedAttempts = 10; ///< Polly v8's upper bound

    int maxHedgedAttempts = 1; ///< max_hedged_attempts: extra requests per try, 1..10
    /// delay: wait this long for an answer before the next hedge, >= 0; 0 sends all requests at once
    /// (Polly's parallel mode). With delay_percentile: the delay until enough latencies were observed.
    Duration delay = std::chrono::seconds(2);
    /// delay_percentile: hedge after the pN latency the pipeline has observed (0 < p < 100); unset = fixed delay.
    std::optional<double> delayPercentile;
    /// on_failure_only: never hedge on time, only right after a request failed (Polly's fallback mode,
    /// an infinite Delay).
    bool onFailureOnly = false;

    static FieldErrors validate(const HedgingConfig& config);
};

/// The hedging decisions shared by every call of a pipeline: which answers are acceptable, and how long
/// to wait before the next hedge.
///
/// Acceptable: a success, or a failure the pipeline's retry classification (retry.retryable,
/// retry.non_retryable, retry.predicate, used even when the retry stage is off) would not retry, such
/// as an HTTP 404. Any other answer is handled: the next hedge starts at once.
///
/// Percentile delay: a ring of the last kWindow latencies of primary requests (the first request of
/// each hedged try: its answer time, or for a cancelled or timed-out one the time it had run, a lower
/// bound, so that slow requests hedging cut short still count as slow). The pN is recomputed every
/// kRecomputeEvery samples; until kMinSamples were seen `delay` applies.
///
/// This class is thread-safe: the ring is guarded by a SpinLock, and delay() reads one atomic.
class Hedging final {
public:
    static constexpr int kWindow = 256;
    static constexpr int kMinSamples = 32;
    static constexpr int kRecomputeEvery = 32;

    /// Throws InvalidConfig listing every broken rule. `classification` supplies the retryable sets.
    Hedging(HedgingConfig config, const RetryConfig& classification);

    const HedgingConfig& config() const noexcept { return m_config; }
    /// Requests per try at most: 1 + max_hedged_attempts.
    int maxRequests() const noexcept { return 1 + m_config.maxHedgedAttempts; }
    /// Whether `outcome` ends the hedged try (it wins); false: handled, hedge on.
    bool accepts(const Outcome& outcome) const;
    /// The current hedging delay: the fixed one, or the observed percentile once there are enough samples.
    Duration delay() const noexcept { return Duration(m_delayNs.load(std::memory_order_relaxed)); }
    /// Whether delay() follows observed latencies (primary latencies should then be recorded).
    bool observes() const noexcept { return m_config.delayPercentile.has_value(); }
    /// Records a primary request's latency (see the class comment). No-op with a fixed delay.
    void recordPrimaryLatency(Duration latency);
    /// Samples recorded so far (capped at kWindow).
    int samples() const;

private:
    HedgingConfig m_config;
    RetryPolicy m_classifier;
    std::atomic<std::int64_t> m_delayNs;
    mutable SpinLock m_lock;
    std::array<std::int64_t, kWindow> m_ring {};
    std::uint64_t m_recorded = 0; // total ever recorded; the ring holds the last kWindow
};

} // namespace rwb
