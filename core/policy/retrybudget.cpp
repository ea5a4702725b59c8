#include "core/policy/retrybudget.h"

#include <cmath>

namespace rwb {

FieldErrors RetryBudgetConfig::validate(const RetryBudgetConfig& c)
{
    FieldCheck check;
    check.inRange(QStringLiteral("percent"), c.percent, 0.0, 100.0);
    if (std::isnan(c.minRetriesPerSecond) || c.minRetriesPerSecond < 0.0)
        check.atLeast(QStringLiteral("min_retries_per_second"), c.minRetriesPerSecond, 0.0);
    else
        check.finite(QStringLiteral("min_retries_per_second"), c.minRetriesPerSecond);
    check.durationAtLeastMs(QStringLiteral("window"), toMs(c.window), 1.0);
    return check.take();
}

namespace {
const RetryBudgetConfig& validated(const RetryBudgetConfig& c)
{
    if (auto errors = RetryBudgetConfig::validate(c); !errors.empty())
        throw InvalidConfig(std::move(errors));
    return c;
}
} // namespace

RetryBudget::RetryBudget(RetryBudgetConfig config)
    : m_config(validated(config))
    , m_reserve(m_config.minRetriesPerSecond * toSeconds(m_config.window))
    , m_buckets(m_config.window)
{
}

RetryBudget::Counts* RetryBudget::bucketLocked(TimePoint now)
{
    return m_buckets.bucketFor(now, [this](const Counts& old) {
        m_window.requests -= old.requests;
        m_window.retries -= old.retries;
    });
}

void RetryBudget::onRequest(TimePoint now)
{
    m_lock.lock();
    if (Counts* b = bucketLocked(now)) { // a report older than the window changes nothing
        ++b->requests;
        ++m_window.requests;
    }
    m_lock.unlock();
}

bool RetryBudget::tryRetry(TimePoint now)
{
    m_lock.lock();
    Counts* b = bucketLocked(now);
    // Compared in hundredths so that whole percents and request counts stay exact.
    const bool granted = b
        && 100.0 * static_cast<double>(m_window.retries + 1)
            <= m_config.percent * static_cast<double>(m_window.requests) + 100.0 * m_reserve;
    if (granted) {
        ++b->retries;
        ++m_window.retries;
        ++m_granted;
    } else {
        ++m_denied;
    }
    m_lock.unlock();
    return granted;
}

RetryBudgetStats RetryBudget::stats(TimePoint now) const
{
    RetryBudgetStats s;
    m_lock.lock();
    m_buckets.forEach(now, [&s](const Counts& c) {
        s.requests += c.requests;
        s.retries += c.retries;
    });
    s.granted = m_granted;
    s.denied = m_denied;
    m_lock.unlock();
    s.allowed = m_config.percent / 100.0 * static_cast<double>(s.requests) + m_reserve;
    return s;
}

} // namespace rwb
