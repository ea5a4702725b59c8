#pragma once

#include "core/events/eventsink.h"

#include <vector>

namespace rwb {

/// Keeps the events of one group of a run simulated group by group: the kinds of `interests` (the run's
/// sink's), in the order the group makes them. Not thread-safe: one group's thread fills it.
class GroupEventBuffer final : public EventSink {
public:
    explicit GroupEventBuffer(EventKindSet interests)
        : m_interests(interests)
    {
    }
    void onEvent(const Event& event) override { m_events.push_back(event); }
    EventKindSet interests() const override { return m_interests; }
    std::vector<Event> take() { return std::move(m_events); }

private:
    EventKindSet m_interests;
    std::vector<Event> m_events;
};

} // namespace rwb
