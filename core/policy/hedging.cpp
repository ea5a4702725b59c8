#include "core/policy/hedging.h"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace rwb {

FieldErrors HedgingConfig::validate(const HedgingConfig& config)
{
    FieldCheck c;
    c.require(config.maxHedgedAttempts >= 1 && config.maxHedgedAttempts <= kMaxHedgedAttempts,
        QStringLiteral("max_hedged_attempts"),
        QStringLiteral("expected an integer in [1, %1] (extra requests per try), got %2")
            .arg(kMaxHedgedAttempts)
            .arg(config.maxHedgedAttempts));
    c.durationAtLeastMs(QStringLiteral("delay"), toMs(config.delay), 0.0);
    if (config.delayPercentile) {
        const double p = *config.delayPercentile;
        c.require(std::isfinite(p) && p > 0.0 && p < 100.0, QStringLiteral("delay_percentile"),
            QStringLiteral("expected a percentile in (0, 100), got %1").arg(formatNumber(p)));
        c.require(!config.onFailureOnly, QStringLiteral("delay_percentile"),
            QStringLiteral("has no effect with on_failure_only, which never hedges on time"));
    }
    return c.take();
}

namespace {
const HedgingConfig& validated(const HedgingConfig& config)
{
    if (auto errors = HedgingConfig::validate(config); !errors.empty())
        throw InvalidConfig(std::move(errors));
    return config;
}

// Only the outcome classification of the retry settings: the rest of them may be unset or invalid
// while the retry stage is off.
RetryConfig classificationOf(const RetryConfig& retry)
{
    RetryConfig c;
    c.retryable = retry.retryable;
    c.nonRetryable = retry.nonRetryable;
    c.predicate = retry.predicate;
    return c;
}
} // namespace

Hedging::Hedging(HedgingConfig config, const RetryConfig& classification)
    : m_config(validated(config))
    , m_classifier(classificationOf(classification))
    , m_delayNs(m_config.delay.count())
{
}

bool Hedging::accepts(const Outcome& outcome) const
{
    if (outcome.isSuccess())
        return true;
    return outcome.kind != OutcomeKind::Rejected && !m_classifier.isRetryable(outcome);
}

void Hedging::recordPrimaryLatency(Duration latency)
{
    if (!m_config.delayPercentile)
        return;
    std::lock_guard lock(m_lock);
    m_ring[std::size_t(m_recorded % kWindow)] = latency.count();
    ++m_recorded;
    if (m_recorded < std::uint64_t(kMinSamples) || m_recorded % kRecomputeEvery != 0)
        return;
    // Nearest-rank percentile of the window (a copy: the ring keeps its arrival order).
    const std::size_t n = std::size_t(std::min<std::uint64_t>(m_recorded, kWindow));
    std::array<std::int64_t, kWindow> sorted;
    std::copy_n(m_ring.begin(), n, sorted.begin());
    const auto rank = std::size_t(std::ceil(*m_config.delayPercentile / 100.0 * double(n)));
    const auto k = sorted.begin() + std::ptrdiff_t(std::clamp<std::size_t>(rank, 1, n) - 1);
    std::nth_element(sorted.begin(), k, sorted.begin() + std::ptrdiff_t(n));
    m_delayNs.store(*k, std::memory_order_relaxed);
}

int Hedging::samples() const
{
    std::lock_guard lock(m_lock);
    return int(std::min<std::uint64_t>(m_recorded, kWindow));
}

} // namespace rwb
