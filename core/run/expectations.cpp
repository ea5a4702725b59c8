#include "core/run/expectations.h"

namespace rwb {

FieldErrors PipelineExpectations::validate() const
{
    FieldCheck c;
    const auto positive = [&](const char* field, const std::optional<Duration>& d) {
        if (d)
            c.require(*d > Duration::zero(), QString::fromLatin1(field),
                QStringLiteral("expected a duration > 0, got %1 s").arg(formatNumber(toSeconds(*d))));
    };
    positive("breaker_opens_within", breakerOpensWithin);
    positive("worst_call_at_most", worstCallAtMost);
    positive("p99_at_most", p99AtMost);
    positive("recovers_within", recoversWithin);
    if (attemptsBeforeOpenAtMost)
        c.atLeast(QStringLiteral("attempts_before_open_at_most"), static_cast<long long>(*attemptsBeforeOpenAtMost), 0LL);
    if (successRateAtLeast)
        c.inRange(QStringLiteral("success_rate_at_least"), *successRateAtLeast, 0.0, 1.0);
    if (breakerOpens == false && (breakerOpensWithin || attemptsBeforeOpenAtMost))
        c.require(false, QStringLiteral("breaker_opens"),
            QStringLiteral("expected true (or no key) together with breaker_opens_within or attempts_before_open_at_most, got false"));
    return c.take();
}

} // namespace rwb
