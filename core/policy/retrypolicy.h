#pragma once

#include "core/common/configerror.h"
#include "core/common/errorclass.h"
#include "core/common/outcome.h"
#include "core/common/random.h"
#include "core/common/time.h"
#include "core/policy/backoff.h"
#include "core/policy/retryafterhint.h"
#include "core/policy/retrybudget.h"
#include "core/policy/retrythrottle.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <optional>

namespace rwb {

/// Why a retry was scheduled or given up; toString() is the `reason` text of RetryScheduled /
/// RetryGaveUp events: "backoff", "retry_after", "rejected", "succeeded", "non_retryable",
/// "max_attempts", "budget_exhausted", "rejection_not_retried", "retry_budget_spent", "throttled".
enum class RetryReason : std::uint8_t {
    // Retry
    Backoff,      ///< delay from the Backoff
    RetryAfter,   ///< delay from the server's Retry-After (or the 429/503 default), larger than the backoff
    Rejected,     ///< a policy rejected the attempt (retry_on_rejection) and its hint was used
    // Give up
    Succeeded,           ///< the outcome was a success: nothing to retry
    NonRetryable,        ///< the outcome's class is not retryable
    MaxAttempts,         ///< max_attempts tries made
    BudgetExhausted,     ///< the next retry would end after the time budget (or the call's deadline)
    RejectionNotRetried, ///< a policy rejected the attempt and retry_on_rejection is off
    RetryBudgetSpent,    ///< retry.budget: the window's retries already reached their share of the requests
    Throttled,           ///< retry.throttling: half of the tokens or more are spent
};
QString toString(RetryReason reason);

/// Retry configuration. Field comments give the JSON name, default and rule.
///
/// `max_attempts` counts every try, the first one included. Seed-style `max_retries = N` (seed 001)
/// maps to `max_attempts = N + 1`; seed 003's `RetryConfig.max_attempts` ("not including first
/// attempt") also counts retries and maps to `max_attempts = N + 1` here.
struct RetryConfig {
    int maxAttempts = 3;   ///< max_attempts: >= 1 (1 = never retry)
    BackoffConfig backoff; ///< backoff.*

    /// retryable: error classes that are retried. Default: http_429, http_500, http_502, http_503,
    /// http_504, timeout, connection_reset, connection_refused.
    ErrorClassSet retryable = defaultRetryable();
    /// non_retryable: never retried, wins over `retryable`. Default: http_400, http_401, http_403, http_404.
    ErrorClassSet nonRetryable = defaultNonRetryable();
    /// Optional predicate replacing both sets for Error/Timeout outcomes: true = retry.
    /// Must be thread-safe when the policy is shared.
    std::function<bool(const Outcome&)> predicate;

    /// time_budget: optional; give up when the next retry would start later than call start + budget. > 0.
    std::optional<Duration> timeBudget;

    /// retry_after.*: server hints. The applied delay is max(backoff delay, server delay), where the server
    /// delay is the hint capped at max_retry_delay (or default_retry_delay for a 429/503 without hint).
    RetryAfterConfig retryAfter;

    /// retry_on_rejection: retry outcomes of kind Rejected (breaker open, bulkhead full, rate limited).
    /// The delay is the rejection's own hint (e.g. the breaker's time until half-open) when it has one,
    /// capped at max_retry_delay, else the backoff delay.
    bool retryOnRejection = false;

    /// budget: retries at most a share of the requests over a sliding window (null: no budget). The
    /// pipeline keeps the budget, shared by name through a RetryBudgetRegistry.
    std::optional<RetryBudgetConfig> budget;
    /// throttling: gRPC-style retry throttling (null: none). Kept by the pipeline like the budget.
    std::optional<RetryThrottleConfig> throttling;

    static ErrorClassSet defaultRetryable();
    static ErrorClassSet defaultNonRetryable();
    static FieldErrors validate(const RetryConfig& config);
};

/// What to do after a failed attempt.
struct RetryDecision {
    bool retry = false;
    Duration delay {}; ///< retry only: wait this long before the next attempt
    RetryReason reason = RetryReason::Succeeded;

    explicit operator bool() const noexcept { return retry; }
};

/// Per-call state the policy reads and updates; lives in the caller's call object (no allocation).
struct RetryContext {
    TimePoint callStart {};      ///< for the time budget
    Duration previousDelay {};   ///< last delay scheduled (decorrelated jitter)
    Random* rng = nullptr;       ///< jitter source; nullptr = no jitter
    double jitterState = 0.0;    ///< decorrelated_v2's memory of the call (Backoff::delay)
};

/// The retry decision-maker. Immutable after construction: thread-safe, shareable between calls.
class RetryPolicy final {
public:
    /// Throws InvalidConfig listing every broken rule.
    explicit RetryPolicy(RetryConfig config = {});
    const RetryConfig& config() const noexcept { return m_config; }
    const Backoff& backoff() const noexcept { return m_backoff; }

    /// Is this (non-success) outcome worth another try, ignoring attempt limits and budget?
    bool isRetryable(const Outcome& outcome) const;

    /// Decision after attempt number `attempt` (1-based) ended with `outcome` at `now`. On a retry it
    /// stores the delay in `ctx.previousDelay`. `deadline`, when set, is a hard limit (e.g. an overall
    /// timeout): a retry that would start after it gives up with BudgetExhausted.
    RetryDecision next(int attempt, const Outcome& outcome, TimePoint now, RetryContext& ctx,
        std::optional<TimePoint> deadline = std::nullopt) const;

private:
    RetryConfig m_config;
    Backoff m_backoff;
    RetryAfterHint m_hint;
};

} // namespace rwb
