#include "core/policy/timeout.h"

#include <algorithm>

namespace rwb {

FieldErrors TimeoutConfig::validate(const TimeoutConfig& config)
{
    FieldCheck c;
    auto positive = [&c](const char* field, const std::optional<Duration>& d) {
        if (d)
            c.require(*d > Duration::zero(), QLatin1String(field),
                QStringLiteral("expected a duration > 0 ms, got %1 ms").arg(formatNumber(toMs(*d))));
    };
    positive("attempt_timeout", config.attemptTimeout);
    c.durationAtLeastMs(QStringLiteral("attempt_timeout_increment"), toMs(config.attemptTimeoutIncrement), 0.0);
    c.require(config.attemptTimeoutIncrement <= Duration::zero() || config.attemptTimeout,
        QStringLiteral("attempt_timeout_increment"),
        QStringLiteral("grows attempt_timeout, which is not set (got an increment of %1 ms)")
            .arg(formatNumber(toMs(config.attemptTimeoutIncrement))));
    positive("overall_timeout", config.overallTimeout);
    return c.take();
}

Timeout::Timeout(TimeoutConfig config)
    : m_config(config)
{
    if (auto errors = TimeoutConfig::validate(m_config); !errors.empty())
        throw InvalidConfig(std::move(errors));
}

namespace {
TimePoint plus(TimePoint t, std::optional<Duration> d) noexcept { return d ? saturatingAdd(t, *d) : Timeout::kNever; }
} // namespace

TimePoint Timeout::callDeadline(TimePoint callStart) const noexcept { return plus(callStart, m_config.overallTimeout); }

std::optional<Duration> Timeout::attemptLimit(int attempt) const noexcept
{
    if (!m_config.attemptTimeout)
        return std::nullopt;
    return limitOf(attempt);
}

TimePoint Timeout::attemptEnd(TimePoint attemptStart, int attempt) const noexcept
{
    return m_config.attemptTimeout ? saturatingAdd(attemptStart, limitOf(attempt)) : kNever;
}

Duration Timeout::limitOf(int attempt) const noexcept
{
    const Duration first = *m_config.attemptTimeout;
    const Duration step = m_config.attemptTimeoutIncrement;
    if (attempt <= 1 || step <= Duration::zero())
        return first;
    const Duration::rep extra = attempt - 1;
    if (extra > (Duration::max() - first).count() / step.count())
        return Duration::max();
    return first + step * extra;
}

TimePoint Timeout::attemptDeadline(TimePoint callStart, TimePoint attemptStart, int attempt) const noexcept
{
    return std::min(attemptEnd(attemptStart, attempt), callDeadline(callStart));
}

} // namespace rwb
