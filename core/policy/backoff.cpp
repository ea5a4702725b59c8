#include "core/policy/backoff.h"

#include <algorithm>
#include <cmath>

namespace rwb {

QString toString(BackoffStrategy strategy)
{
    switch (strategy) {
    case BackoffStrategy::Exponential:
        return QStringLiteral("exponential");
    case BackoffStrategy::Linear:
        return QStringLiteral("linear");
    case BackoffStrategy::Constant:
        return QStringLiteral("constant");
    }
    return QStringLiteral("unknown");
}

std::optional<BackoffStrategy> backoffStrategyFromString(const QString& text)
{
    for (auto s : {BackoffStrategy::Exponential, BackoffStrategy::Linear, BackoffStrategy::Constant})
        if (toString(s) == text)
            return s;
    return std::nullopt;
}

QString toString(Jitter jitter)
{
    switch (jitter) {
    case Jitter::None:
        return QStringLiteral("none");
    case Jitter::Full:
        return QStringLiteral("full");
    case Jitter::Equal:
        return QStringLiteral("equal");
    case Jitter::Decorrelated:
        return QStringLiteral("decorrelated");
    }
    return QStringLiteral("unknown");
}

std::optional<Jitter> jitterFromString(const QString& text)
{
    for (auto j : {Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated})
        if (toString(j) == text)
            return j;
    return std::nullopt;
}

FieldErrors BackoffConfig::validate(const BackoffConfig& config)
{
    FieldCheck c;
    // toString() spells out-of-range values "unknown": such a value came from a cast, not from a name.
    c.require(toString(config.strategy) != QLatin1String("unknown"), QStringLiteral("strategy"),
        QStringLiteral("expected one of exponential, linear, constant, got %1").arg(int(config.strategy)));
    c.require(toString(config.jitter) != QLatin1String("unknown"), QStringLiteral("jitter"),
        QStringLiteral("expected one of none, full, equal, decorrelated, got %1").arg(int(config.jitter)));
    c.durationAtLeastMs(QStringLiteral("base_delay"), toMs(config.baseDelay), 0);
    c.durationAtLeastMs(QStringLiteral("max_delay"), toMs(config.maxDelay), 0);
    c.require(config.maxDelay >= config.baseDelay, QStringLiteral("max_delay"),
        QStringLiteral("expected a duration >= base_delay (%1 ms), got %2 ms")
            .arg(formatNumber(toMs(config.baseDelay)), formatNumber(toMs(config.maxDelay))));
    if (!std::isfinite(config.exponentialBase))
        c.finite(QStringLiteral("exponential_base"), config.exponentialBase);
    else
        c.atLeast(QStringLiteral("exponential_base"), config.exponentialBase, 1.0);
    return c.take();
}

Backoff::Backoff(BackoffConfig config)
    : m_config(config)
    , m_baseNs(double(config.baseDelay.count()))
    , m_maxNs(double(config.maxDelay.count()))
{
    if (auto errors = BackoffConfig::validate(m_config); !errors.empty())
        throw InvalidConfig(std::move(errors));
    for (int n = 1; n <= kTableSize; ++n)
        m_table[std::size_t(n - 1)] = computeBaseDelay(n);
}

namespace {
// Rounds a non-negative double nanosecond count already known to be <= cap.
Duration toDuration(double ns) noexcept { return Duration(static_cast<Duration::rep>(ns)); }
} // namespace

Duration Backoff::baseDelay(int retryNumber) const noexcept
{
    if (retryNumber <= kTableSize)
        return m_table[std::size_t(std::max(retryNumber, 1) - 1)];
    return computeBaseDelay(retryNumber);
}

Duration Backoff::computeBaseDelay(int retryNumber) const noexcept
{
    const double n = std::max(retryNumber, 1);
    double d = m_baseNs;
    switch (m_config.strategy) {
    case BackoffStrategy::Exponential:
        // pow may overflow to inf for huge n; the comparison below maps inf (and nan) to the cap.
        d = m_baseNs * std::pow(m_config.exponentialBase, n - 1.0);
        break;
    case BackoffStrategy::Linear:
        d = m_baseNs * n;
        break;
    case BackoffStrategy::Constant:
        break;
    }
    if (!(d < m_maxNs))
        return m_config.maxDelay;
    return toDuration(d);
}

Duration Backoff::delay(int retryNumber, Duration previousDelay, Random& rng) const noexcept
{
    if (m_config.jitter == Jitter::Decorrelated) {
        // Draw first, cap after: once 3 * previous passes the cap, a share of the draws sits at it.
        const double hi = std::max(double(previousDelay.count()), m_baseNs) * 3.0;
        if (!(hi > m_baseNs))
            return std::min(m_config.baseDelay, m_config.maxDelay);
        return toDuration(std::min(rng.uniform(m_baseNs, hi), m_maxNs));
    }
    const Duration d = baseDelay(retryNumber);
    const double dNs = double(d.count());
    switch (m_config.jitter) {
    case Jitter::None:
    case Jitter::Decorrelated:
        return d;
    case Jitter::Full:
        return toDuration(rng.uniform01() * dNs);
    case Jitter::Equal:
        return toDuration(dNs / 2.0 + rng.uniform01() * (dNs / 2.0));
    }
    return d;
}

} // namespace rwb
