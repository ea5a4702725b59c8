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
    case Jitter::Proportional:
        return QStringLiteral("proportional");
    case Jitter::DecorrelatedV2:
        return QStringLiteral("decorrelated_v2");
    }
    return QStringLiteral("unknown");
}

std::optional<Jitter> jitterFromString(const QString& text)
{
    for (auto j : {Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated, Jitter::Proportional,
             Jitter::DecorrelatedV2})
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
        QStringLiteral("expected one of none, full, equal, decorrelated, proportional, decorrelated_v2, got %1").arg(int(config.jitter)));
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
    for (int n = 1; n <= kTableSize; ++n) {
        m_rawTable[std::size_t(n - 1)] = computeRawDelayNs(n);
        m_table[std::size_t(n - 1)] = capped(m_rawTable[std::size_t(n - 1)]);
    }
}

namespace {
// Rounds a non-negative double nanosecond count already known to be <= cap.
Duration toDuration(double ns) noexcept { return Duration(static_cast<Duration::rep>(ns)); }

// Polly's DecorrelatedJitterBackoffV2 constants: the curve 2^t * tanh(sqrt(4 t)), scaled by 1 / 1.4 so
// that the first retry's median is close to the base delay.
constexpr double kV2Factor = 4.0;
constexpr double kV2Scale = 1.0 / 1.4;
} // namespace

Duration Backoff::capped(double ns) const noexcept
{
    // inf (an exponential overflow) and nan compare false: both map to the cap.
    if (!(ns < m_maxNs))
        return m_config.maxDelay;
    return toDuration(std::max(ns, 0.0));
}

Duration Backoff::baseDelay(int retryNumber) const noexcept
{
    if (retryNumber <= kTableSize)
        return m_table[std::size_t(std::max(retryNumber, 1) - 1)];
    return capped(rawDelayNs(retryNumber));
}

double Backoff::rawDelayNs(int retryNumber) const noexcept
{
    if (retryNumber <= kTableSize)
        return m_rawTable[std::size_t(std::max(retryNumber, 1) - 1)];
    return computeRawDelayNs(retryNumber);
}

double Backoff::computeRawDelayNs(int retryNumber) const noexcept
{
    const double n = std::max(retryNumber, 1);
    switch (m_config.strategy) {
    case BackoffStrategy::Exponential:
        return m_baseNs * std::pow(m_config.exponentialBase, n - 1.0); // may be inf for a huge n
    case BackoffStrategy::Linear:
        return m_baseNs * n;
    case BackoffStrategy::Constant:
        break;
    }
    return m_baseNs;
}

Duration Backoff::decorrelatedV2(int retryNumber, Random& rng, double& formulaState) const noexcept
{
    // t grows by one per retry plus a random fraction; the delay is the curve's increase since the
    // previous retry, so the delays add up to the curve itself: smooth growth without clusters.
    const double t = double(std::max(retryNumber, 1) - 1) + rng.uniform01();
    const double next = std::pow(2.0, t) * std::tanh(std::sqrt(kV2Factor * t));
    const double previous = formulaState;
    formulaState = next;
    if (!std::isfinite(next))
        return m_config.maxDelay;
    return capped((next - previous) * kV2Scale * m_baseNs);
}

Duration Backoff::delay(int retryNumber, Duration previousDelay, Random& rng, double& formulaState) const noexcept
{
    switch (m_config.jitter) {
    case Jitter::None:
        return baseDelay(retryNumber);
    case Jitter::Full:
        return toDuration(rng.uniform01() * double(baseDelay(retryNumber).count()));
    case Jitter::Equal: {
        const double dNs = double(baseDelay(retryNumber).count());
        return toDuration(dNs / 2.0 + rng.uniform01() * (dNs / 2.0));
    }
    case Jitter::Decorrelated: {
        // Draw first, cap after: once 3 * previous passes the cap, a share of the draws sits at it.
        const double hi = std::max(double(previousDelay.count()), m_baseNs) * 3.0;
        if (!(hi > m_baseNs))
            return std::min(m_config.baseDelay, m_config.maxDelay);
        return toDuration(std::min(rng.uniform(m_baseNs, hi), m_maxNs));
    }
    case Jitter::Proportional:
        // Polly jitters the uncapped delay and caps after, so a delay near the cap sits at it half the time.
        return capped(rawDelayNs(retryNumber) * (0.75 + 0.5 * rng.uniform01()));
    case Jitter::DecorrelatedV2:
        return decorrelatedV2(retryNumber, rng, formulaState);
    }
    return baseDelay(retryNumber);
}

} // namespace rwb
