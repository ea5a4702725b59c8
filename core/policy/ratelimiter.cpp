#include "core/policy/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace rwb {

FieldErrors RateLimiterConfig::validate(const RateLimiterConfig& config)
{
    FieldCheck c;
    if (!std::isfinite(config.ratePerSecond))
        c.finite(QStringLiteral("rate"), config.ratePerSecond);
    else
        c.inRange(QStringLiteral("rate"), config.ratePerSecond, 0.001, 1e9);
    c.inRange(QStringLiteral("burst"), config.burst, 1, 1000000);
    c.durationAtLeastMs(QStringLiteral("max_wait"), toMs(config.maxWait), 0);
    return c.take();
}

namespace {
const RateLimiterConfig& validated(const RateLimiterConfig& config)
{
    if (auto errors = RateLimiterConfig::validate(config); !errors.empty())
        throw InvalidConfig(std::move(errors));
    return config;
}
constexpr std::int64_t kFull = INT64_MIN / 2; // "long ago": far enough to be full, far from overflow
} // namespace

RateLimiter::RateLimiter(RateLimiterConfig config)
    : m_config(validated(config))
    , m_intervalNs(std::max<std::int64_t>(1, std::llround(1e9 / m_config.ratePerSecond)))
    , m_toleranceNs((m_config.burst - 1) * m_intervalNs)
    , m_tatNs(kFull)
{
}

RateDecision RateLimiter::tryAcquire(TimePoint now, std::optional<TimePoint> notAfter)
{
    const std::int64_t n = now.time_since_epoch().count();
    std::lock_guard lock(m_mutex);
    const std::int64_t paused = m_pausedUntil.time_since_epoch().count();
    const std::int64_t tokenAt = m_tatNs - m_toleranceNs; // earliest time the next token is free
    const std::int64_t go = std::max({n, paused, tokenAt});
    if (go == n) {
        m_tatNs = std::max(m_tatNs, n) + m_intervalNs;
        ++m_granted;
        return {RateDecision::Kind::Granted, RateDecision::Source::Client, now};
    }
    const auto source = paused >= tokenAt ? RateDecision::Source::Server : RateDecision::Source::Client;
    const TimePoint until {Duration(go)};
    TimePoint limit = now + m_config.maxWait;
    if (notAfter)
        limit = std::min(limit, *notAfter);
    if (m_config.maxWait > Duration::zero() && until <= limit) {
        // Reserve the token now so later callers queue behind this one.
        m_tatNs = std::max(m_tatNs, go) + m_intervalNs;
        ++m_delayed;
        return {RateDecision::Kind::Wait, source, until};
    }
    ++m_rejected;
    return {RateDecision::Kind::Rejected, source, until};
}

void RateLimiter::onServerRetryAfter(TimePoint until)
{
    if (!m_config.respectServerRetryAfter)
        return;
    std::lock_guard lock(m_mutex);
    m_pausedUntil = std::max(m_pausedUntil, until);
}

RateLimiterStats RateLimiter::stats(TimePoint now) const
{
    std::lock_guard lock(m_mutex);
    RateLimiterStats s;
    const double n = double(now.time_since_epoch().count());
    const double tokens = (n - double(m_tatNs - m_toleranceNs)) / double(m_intervalNs) + 1.0;
    s.availableTokens = std::clamp(tokens, 0.0, double(m_config.burst));
    if (now < m_pausedUntil)
        s.availableTokens = 0.0;
    s.pausedUntil = m_pausedUntil;
    s.granted = m_granted;
    s.delayed = m_delayed;
    s.rejected = m_rejected;
    return s;
}

} // namespace rwb
