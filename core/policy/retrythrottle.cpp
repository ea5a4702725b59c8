#include "core/policy/retrythrottle.h"

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {
constexpr double kMaxTokens = 1000.0;

void positiveUpTo(FieldCheck& check, const QString& field, double value)
{
    check.require(value > 0.0 && value <= kMaxTokens, field,
        QStringLiteral("expected a number in (0, %1], got %2").arg(formatNumber(kMaxTokens), formatNumber(value)));
}

const RetryThrottleConfig& validated(const RetryThrottleConfig& c)
{
    if (auto errors = RetryThrottleConfig::validate(c); !errors.empty())
        throw InvalidConfig(std::move(errors));
    return c;
}
} // namespace

FieldErrors RetryThrottleConfig::validate(const RetryThrottleConfig& c)
{
    FieldCheck check;
    positiveUpTo(check, QStringLiteral("max_tokens"), c.maxTokens);
    positiveUpTo(check, QStringLiteral("token_ratio"), c.tokenRatio);
    return check.take();
}

RetryThrottle::RetryThrottle(RetryThrottleConfig config)
    : m_config(validated(config))
    , m_maxMilli(std::llround(m_config.maxTokens * 1000.0))
    , m_ratioMilli(std::max<std::int64_t>(1, std::llround(m_config.tokenRatio * 1000.0)))
    , m_milliTokens(m_maxMilli)
{
}

void RetryThrottle::onSuccess() noexcept
{
    std::int64_t t = m_milliTokens.load(std::memory_order_relaxed);
    while (t < m_maxMilli
        && !m_milliTokens.compare_exchange_weak(t, std::min(m_maxMilli, t + m_ratioMilli), std::memory_order_relaxed)) {
    }
}

void RetryThrottle::onFailure() noexcept
{
    std::int64_t t = m_milliTokens.load(std::memory_order_relaxed);
    while (t > 0 && !m_milliTokens.compare_exchange_weak(t, std::max<std::int64_t>(0, t - 1000), std::memory_order_relaxed)) {
    }
}

} // namespace rwb
