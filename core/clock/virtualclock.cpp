#include "core/clock/virtualclock.h"

#include <algorithm>

namespace rwb {

VirtualClock::VirtualClock(qint64 originUtcMs)
    : m_originUtcMs(originUtcMs)
{
}

VirtualClock::TimerId VirtualClock::schedule(TimePoint at, Callback callback)
{
    const TimerId id = m_nextId++;
    m_heap.push_back({std::max(at, m_now), id, std::move(callback)});
    m_pending.insert(id);
    std::push_heap(m_heap.begin(), m_heap.end(), later);
    return id;
}

bool VirtualClock::cancel(TimerId id)
{
    if (m_pending.erase(id) == 0)
        return false;
    m_cancelled.insert(id);
    return true;
}

void VirtualClock::dropCancelledTop()
{
    while (!m_heap.empty() && !m_cancelled.empty()) {
        auto it = m_cancelled.find(m_heap.front().id);
        if (it == m_cancelled.end())
            return;
        m_cancelled.erase(it);
        std::pop_heap(m_heap.begin(), m_heap.end(), later);
        m_heap.pop_back();
    }
}

std::optional<TimePoint> VirtualClock::nextTimerAt()
{
    dropCancelledTop();
    if (m_heap.empty())
        return std::nullopt;
    return m_heap.front().at;
}

bool VirtualClock::runNext()
{
    dropCancelledTop();
    if (m_heap.empty())
        return false;
    std::pop_heap(m_heap.begin(), m_heap.end(), later);
    Entry entry = std::move(m_heap.back());
    m_heap.pop_back();
    m_pending.erase(entry.id);
    m_now = entry.at;
    entry.callback();
    return true;
}

void VirtualClock::runUntil(TimePoint until)
{
    until = std::max(until, m_now);
    for (auto next = nextTimerAt(); next && *next <= until; next = nextTimerAt())
        runNext();
    m_now = until;
}

} // namespace rwb
