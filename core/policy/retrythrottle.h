#pragma once

#include "core/common/configerror.h"

#include <QString>

#include <atomic>
#include <cstdint>

namespace rwb {

/// retry.throttling: gRPC's client retry throttling (gRFC A6). Field comments give the JSON name,
/// default (the gRPC documentation's example) and rule.
struct RetryThrottleConfig {
    /// name: pipelines naming the same throttle share it (through a RetryBudgetRegistry), as gRPC shares
    /// one per server name; empty: the pipeline's own.
    QString name;
    double maxTokens = 10.0; ///< max_tokens: in (0, 1000]; the bucket starts full
    double tokenRatio = 0.1; ///< token_ratio: tokens a success refills, in (0, 1000]; kept to 3 decimals

    /// Every broken rule; empty when valid.
    static FieldErrors validate(const RetryThrottleConfig& config);
    friend bool operator==(const RetryThrottleConfig&, const RetryThrottleConfig&) = default;
};

/// The gRPC retry throttle: a token bucket that starts full with max_tokens. Every failed try that the
/// retry policy would retry costs one token, every successful try refills token_ratio (up to
/// max_tokens), and retries are allowed only while more than max_tokens / 2 tokens are left. Tokens are
/// counted in thousandths, as gRPC does, so the arithmetic is exact. No time involved.
///
/// This class is thread-safe (lock-free); share one between pipelines that call the same service.
class RetryThrottle final {
public:
    /// Throws InvalidConfig listing every broken rule.
    explicit RetryThrottle(RetryThrottleConfig config);
    RetryThrottle(const RetryThrottle&) = delete;
    RetryThrottle& operator=(const RetryThrottle&) = delete;

    const RetryThrottleConfig& config() const noexcept { return m_config; }

    void onSuccess() noexcept;
    void onFailure() noexcept;
    /// True while more than max_tokens / 2 tokens are left.
    bool allowsRetry() const noexcept { return 2 * m_milliTokens.load(std::memory_order_relaxed) > m_maxMilli; }
    double tokens() const noexcept { return double(m_milliTokens.load(std::memory_order_relaxed)) / 1000.0; }

private:
    const RetryThrottleConfig m_config;
    const std::int64_t m_maxMilli;
    const std::int64_t m_ratioMilli;
    std::atomic<std::int64_t> m_milliTokens;
};

} // namespace rwb
