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

TimePoint Timeout::attemptDeadline(TimePoint callStart, TimePoint attemptStart) const noexcept
{
    return std::min(plus(attemptStart, m_config.attemptTimeout), callDeadline(callStart));
}

} // namespace rwb
