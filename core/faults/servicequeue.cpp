#include "core/faults/servicequeue.h"

#include <algorithm>

namespace rwb {

namespace {
constexpr Duration kDefaultCongestionInterval = 100ms; // adaptive LIFO without CoDel settings
}

bool ServiceQueue::congested(std::int64_t nowNs, const QueueShape& shape) const noexcept
{
    const Duration interval = shape.codel ? shape.codel->interval : kDefaultCongestionInterval;
    return m_live > 0 && nowNs - m_lastEmptyNs >= interval.count();
}

ServiceQueue::Admission ServiceQueue::arrive(TimePoint now, Job job, const QueueShape& shape, Ticket* ticket)
{
    if (hasFreeWorker(shape)) {
        start(now);
        return Admission::Start;
    }
    advance(now);
    if (m_live >= std::uint32_t(std::max(shape.waitingRoom, 0)))
        return Admission::Refuse;
    if (m_live == 0)
        m_lastEmptyNs = now.time_since_epoch().count();
    if (m_tail - m_head == m_ring.size())
        grow();
    at(m_tail) = {job, true, now.time_since_epoch().count()};
    if (ticket)
        *ticket = m_tail;
    ++m_tail;
    ++m_live;
    return Admission::Wait;
}

ServiceQueue::Pick ServiceQueue::pick(TimePoint now, const QueueShape& shape)
{
    advance(now);
    if (m_live == 0 || (shape.workers > 0 && m_busy >= shape.workers))
        return {};
    const std::int64_t t = now.time_since_epoch().count();
    const bool isCongested = congested(t, shape);
    const bool newestFirst = shape.discipline == QueueDiscipline::Lifo
        || (shape.discipline == QueueDiscipline::AdaptiveLifo && isCongested);
    trim();
    Entry& e = newestFirst ? at(m_tail - 1) : at(m_head);
    const Entry taken = e;
    e.alive = false;
    --m_live;
    trim();
    if (m_live == 0)
        m_lastEmptyNs = t;

    const Duration waited(t - taken.enqueuedNs);
    Duration limit = shape.queueTimeout;
    if (shape.codel)
        limit = isCongested ? shape.codel->target : shape.codel->interval;
    if (limit > Duration::zero() && waited > limit)
        return {Pick::Kind::Drop, taken.job, waited};
    ++m_busy;
    return {Pick::Kind::Start, taken.job, waited};
}

bool ServiceQueue::abandon(TimePoint now, Ticket ticket, Job job)
{
    if (ticket < m_head || ticket >= m_tail)
        return false;
    Entry& e = at(ticket);
    if (!e.alive || e.job != job)
        return false;
    advance(now);
    e.alive = false;
    --m_live;
    trim();
    if (m_live == 0)
        m_lastEmptyNs = now.time_since_epoch().count();
    return true;
}

void ServiceQueue::trim() noexcept
{
    while (m_head < m_tail && !at(m_head).alive)
        ++m_head;
    while (m_tail > m_head && !at(m_tail - 1).alive)
        --m_tail;
}

void ServiceQueue::grow()
{
    std::vector<Entry> bigger(m_ring.size() * 2);
    for (std::uint64_t p = m_head; p < m_tail; ++p)
        bigger[p & (bigger.size() - 1)] = at(p);
    m_ring.swap(bigger);
}

} // namespace rwb
