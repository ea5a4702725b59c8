#include "core/events/eventsink.h"

#include <algorithm>

namespace rwb {

EventSink::~EventSink() = default;

void FanOutSink::add(EventSink* sink)
{
    if (sink && std::find(m_sinks.begin(), m_sinks.end(), sink) == m_sinks.end())
        m_sinks.push_back(sink);
}

void FanOutSink::remove(EventSink* sink) { std::erase(m_sinks, sink); }

void FanOutSink::onEvent(const Event& event)
{
    for (auto* sink : m_sinks)
        sink->onEvent(event);
}

EventKindSet FanOutSink::interests() const
{
    EventKindSet kinds;
    for (const auto* sink : m_sinks)
        kinds = kinds | sink->interests();
    return kinds;
}

void CollectingSink::onEvent(const Event& event)
{
    QMutexLocker lock(&m_mutex);
    m_events.push_back(event);
}

std::vector<Event> CollectingSink::events() const
{
    QMutexLocker lock(&m_mutex);
    return m_events;
}

std::vector<Event> CollectingSink::take()
{
    QMutexLocker lock(&m_mutex);
    return std::exchange(m_events, {});
}

std::size_t CollectingSink::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_events.size();
}

} // namespace rwb
