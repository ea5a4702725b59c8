#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"
#include "core/policy/spinlock.h"
#include "core/policy/timebuckets.h"

#include <QString>

#include <cstdint>

namespace rwb {

/// retry.budget: retries as a share of requests over a sliding window, plus a floor for quiet clients
/// (Finagle's RetryBudget; Envoy's retry_budget is the same idea over concurrent requests).
/// Field comments give the JSON name, default (Finagle's) and rule.
struct RetryBudgetConfig {
    /// name: pipelines naming the same budget share it (through a RetryBudgetRegistry); empty: the
    /// pipeline's own budget.
    QString name;
    double percent = 20.0; ///< percent: retries allowed per 100 requests in the window, in [0, 100]
    double minRetriesPerSecond = 10.0; ///< min_retries_per_second: retries always allowed, >= 0
    Duration window = 10s; ///< window: >= 1 ms, cut into buckets as the breaker's time window is

    /// Every broken rule; empty when valid.
    static FieldErrors validate(const RetryBudgetConfig& config);
    friend bool operator==(const RetryBudgetConfig&, const RetryBudgetConfig&) = default;
};

/// A consistent snapshot of a budget at some time.
struct RetryBudgetStats {
    std::int64_t requests = 0; ///< calls started within the window
    std::int64_t retries = 0; ///< retries granted within the window
    double allowed = 0.0; ///< retries the window allows: percent / 100 * requests + reserve
    std::uint64_t granted = 0; ///< cumulative
    std::uint64_t denied = 0; ///< cumulative
};

/// The retry budget decision object. Every call deposits once (onRequest, when it starts); every retry
/// asks tryRetry(), which grants it while
///     retries in the window + 1 <= percent / 100 * requests in the window + min_retries_per_second * window
/// and counts it. So a healthy service costs nothing, while under an outage the retries stay a bounded
/// share of the traffic instead of multiplying it by max_attempts. Never reads a clock.
///
/// This class is thread-safe (a small spinlock); share one between pipelines to budget them together.
class RetryBudget final {
public:
    /// Throws InvalidConfig listing every broken rule.
    explicit RetryBudget(RetryBudgetConfig config);
    RetryBudget(const RetryBudget&) = delete;
    RetryBudget& operator=(const RetryBudget&) = delete;

    const RetryBudgetConfig& config() const noexcept { return m_config; }

    /// A call started at `now`.
    void onRequest(TimePoint now);
    /// May the call retry at `now`? Counts the retry when granted.
    bool tryRetry(TimePoint now);
    RetryBudgetStats stats(TimePoint now) const;

private:
    struct Counts {
        std::int64_t requests = 0;
        std::int64_t retries = 0;
    };
    Counts* bucketLocked(TimePoint now);

    const RetryBudgetConfig m_config;
    const double m_reserve; ///< min_retries_per_second * window, in retries
    mutable SpinLock m_lock;
    TimeBuckets<Counts> m_buckets;
    Counts m_window; ///< totals over the buckets in the window
    std::uint64_t m_granted = 0;
    std::uint64_t m_denied = 0;
};

} // namespace rwb
