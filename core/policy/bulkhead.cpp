#include "core/policy/bulkhead.h"

#include <algorithm>

namespace rwb {

FieldErrors BulkheadConfig::validate(const BulkheadConfig& config)
{
    FieldCheck c;
    c.atLeast(QStringLiteral("max_concurrent"), static_cast<long long>(config.maxConcurrent), 1LL);
    c.atLeast(QStringLiteral("max_queue"), static_cast<long long>(config.maxQueue), 0LL);
    c.durationAtLeastMs(QStringLiteral("max_queue_wait"), toMs(config.maxQueueWait), 0);
    if (config.maxQueue > 0)
        c.require(config.maxQueueWait > Duration::zero(), QStringLiteral("max_queue_wait"),
            QStringLiteral("expected a duration > 0 ms when max_queue > 0, got %1 ms").arg(formatNumber(toMs(config.maxQueueWait))));
    return c.take();
}

namespace {
const BulkheadConfig& validated(const BulkheadConfig& config)
{
    if (auto errors = BulkheadConfig::validate(config); !errors.empty())
        throw InvalidConfig(std::move(errors));
    return config;
}
} // namespace

Bulkhead::Bulkhead(BulkheadConfig config)
    : m_config(validated(config))
{
}

BulkheadDecision Bulkhead::tryAcquire(TimePoint now)
{
    std::lock_guard lock(m_mutex);
    if (m_active < m_config.maxConcurrent && m_queue.empty()) {
        ++m_active;
        ++m_acquired;
        return {BulkheadDecision::Kind::Acquired, 0, {}};
    }
    if (int(m_queue.size()) < m_config.maxQueue) {
        const BulkheadTicket ticket = m_nextTicket++;
        const TimePoint deadline = now + m_config.maxQueueWait;
        m_queue.push_back({ticket, deadline});
        return {BulkheadDecision::Kind::Queued, ticket, deadline};
    }
    ++m_rejected;
    return {BulkheadDecision::Kind::Rejected, 0, {}};
}

std::optional<BulkheadTicket> Bulkhead::release(TimePoint)
{
    std::lock_guard lock(m_mutex);
    if (!m_queue.empty()) {
        // The slot passes straight to the oldest waiter: m_active stays unchanged.
        const BulkheadTicket ticket = m_queue.front().ticket;
        m_queue.pop_front();
        ++m_acquired;
        return ticket;
    }
    if (m_active > 0)
        --m_active;
    return std::nullopt;
}

bool Bulkhead::cancel(BulkheadTicket ticket, TimePoint)
{
    std::lock_guard lock(m_mutex);
    auto it = std::find_if(m_queue.begin(), m_queue.end(), [ticket](const Waiter& w) { return w.ticket == ticket; });
    if (it == m_queue.end())
        return false;
    m_queue.erase(it);
    ++m_rejected;
    return true;
}

BulkheadStats Bulkhead::stats() const
{
    std::lock_guard lock(m_mutex);
    BulkheadStats s;
    s.maxConcurrent = m_config.maxConcurrent;
    s.maxQueue = m_config.maxQueue;
    s.active = m_active;
    s.queued = int(m_queue.size());
    s.availableCapacity = m_config.maxConcurrent - m_active;
    s.acquired = m_acquired;
    s.rejected = m_rejected;
    return s;
}

} // namespace rwb
