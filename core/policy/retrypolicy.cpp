#include "core/policy/retrypolicy.h"

#include <algorithm>

namespace rwb {

QString toString(RetryReason reason)
{
    switch (reason) {
    case RetryReason::Backoff:
        return QStringLiteral("backoff");
    case RetryReason::RetryAfter:
        return QStringLiteral("retry_after");
    case RetryReason::Rejected:
        return QStringLiteral("rejected");
    case RetryReason::Succeeded:
        return QStringLiteral("succeeded");
    case RetryReason::NonRetryable:
        return QStringLiteral("non_retryable");
    case RetryReason::MaxAttempts:
        return QStringLiteral("max_attempts");
    case RetryReason::BudgetExhausted:
        return QStringLiteral("budget_exhausted");
    case RetryReason::RejectionNotRetried:
        return QStringLiteral("rejection_not_retried");
    case RetryReason::RetryBudgetSpent:
        return QStringLiteral("retry_budget_spent");
    case RetryReason::Throttled:
        return QStringLiteral("throttled");
    }
    return QStringLiteral("unknown");
}

ErrorClassSet RetryConfig::defaultRetryable()
{
    ErrorClassSet set {ErrorClass::timeout(), ErrorClass::connectionReset(), ErrorClass::connectionRefused()};
    for (int status : {429, 500, 502, 503, 504})
        set.insert(ErrorClass::forHttpStatus(status));
    return set;
}

ErrorClassSet RetryConfig::defaultNonRetryable()
{
    ErrorClassSet set;
    for (int status : {400, 401, 403, 404})
        set.insert(ErrorClass::forHttpStatus(status));
    return set;
}

FieldErrors RetryConfig::validate(const RetryConfig& config)
{
    FieldCheck c;
    c.atLeast(QStringLiteral("max_attempts"), static_cast<long long>(config.maxAttempts), 1LL);
    if (config.timeBudget)
        c.require(*config.timeBudget > Duration::zero(), QStringLiteral("time_budget"),
            QStringLiteral("expected a duration > 0 ms, got %1 ms").arg(formatNumber(toMs(*config.timeBudget))));
    FieldErrors errors = c.take();
    for (auto& e : BackoffConfig::validate(config.backoff))
        errors.push_back({QStringLiteral("backoff.") + e.field, e.message});
    for (auto& e : RetryAfterConfig::validate(config.retryAfter))
        errors.push_back({QStringLiteral("retry_after.") + e.field, e.message});
    if (config.budget)
        for (auto& e : RetryBudgetConfig::validate(*config.budget))
            errors.push_back({QStringLiteral("budget.") + e.field, e.message});
    if (config.throttling)
        for (auto& e : RetryThrottleConfig::validate(*config.throttling))
            errors.push_back({QStringLiteral("throttling.") + e.field, e.message});
    return errors;
}

namespace {
const RetryConfig& validated(const RetryConfig& config)
{
    if (auto errors = RetryConfig::validate(config); !errors.empty())
        throw InvalidConfig(std::move(errors));
    return config;
}
} // namespace

RetryPolicy::RetryPolicy(RetryConfig config)
    : m_config(validated(config))
    , m_backoff(m_config.backoff)
    , m_hint(m_config.retryAfter)
{
}

bool RetryPolicy::isRetryable(const Outcome& outcome) const
{
    switch (outcome.kind) {
    case OutcomeKind::Success:
        return false;
    case OutcomeKind::Rejected:
        return m_config.retryOnRejection;
    case OutcomeKind::Error:
    case OutcomeKind::Timeout:
        break;
    }
    if (m_config.predicate)
        return m_config.predicate(outcome);
    if (m_config.nonRetryable.contains(outcome.errorClass))
        return false;
    return m_config.retryable.contains(outcome.errorClass);
}

RetryDecision RetryPolicy::next(int attempt, const Outcome& outcome, TimePoint now, RetryContext& ctx,
    std::optional<TimePoint> deadline) const
{
    if (outcome.isSuccess())
        return {false, {}, RetryReason::Succeeded};
    if (!isRetryable(outcome))
        return {false, {}, outcome.kind == OutcomeKind::Rejected ? RetryReason::RejectionNotRetried : RetryReason::NonRetryable};
    if (attempt >= m_config.maxAttempts)
        return {false, {}, RetryReason::MaxAttempts};

    Duration delay = m_backoff.baseDelay(attempt);
    if (ctx.rng)
        delay = m_backoff.delay(attempt, ctx.previousDelay, *ctx.rng, ctx.jitterState);
    RetryReason reason = RetryReason::Backoff;
    if (outcome.kind == OutcomeKind::Rejected) {
        // A zero hint says nothing about when to come back: the backoff stays in charge.
        if (outcome.retryAfter && *outcome.retryAfter > Duration::zero()) {
            delay = std::clamp(*outcome.retryAfter, Duration::zero(), m_config.retryAfter.maxRetryDelay);
            reason = RetryReason::Rejected;
        }
    } else if (auto server = m_hint.delayFor(outcome.httpStatus, outcome.retryAfter); server && *server > delay) {
        delay = *server;
        reason = RetryReason::RetryAfter;
    }

    const TimePoint start = now + delay;
    if (m_config.timeBudget && start - ctx.callStart > *m_config.timeBudget)
        return {false, delay, RetryReason::BudgetExhausted};
    if (deadline && start > *deadline)
        return {false, delay, RetryReason::BudgetExhausted};
    ctx.previousDelay = delay;
    return {true, delay, reason};
}

} // namespace rwb
