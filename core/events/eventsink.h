#pragma once

#include "core/events/event.h"

#include <QMutex>

#include <functional>
#include <vector>

namespace rwb {

/// Receives engine events. Executors call onEvent() on their own thread; a sink handed to the
/// blocking executor (which runs on many threads) must be thread-safe.
class EventSink {
public:
    virtual ~EventSink();
    virtual void onEvent(const Event& event) = 0;
    /// The kinds this sink wants. Executors ask once, when the sink is attached, and may skip building
    /// the other kinds (a chart that draws retries need not pay for millions of attempt events).
    virtual EventKindSet interests() const { return EventKindSet::all(); }
};

/// Forwards each event to several sinks, in the order they were added. Does not own them.
/// add/remove are not synchronised with onEvent: wire sinks up before the run starts.
class FanOutSink final : public EventSink {
public:
    void add(EventSink* sink);
    void remove(EventSink* sink);
    bool empty() const noexcept { return m_sinks.empty(); }
    void onEvent(const Event& event) override;
    /// What any of its sinks wants.
    EventKindSet interests() const override;

private:
    std::vector<EventSink*> m_sinks;
};

/// Keeps every event in memory (tests, small runs). This class is thread-safe.
class CollectingSink final : public EventSink {
public:
    void onEvent(const Event& event) override;
    std::vector<Event> events() const;
    std::vector<Event> take();
    std::size_t size() const;

private:
    mutable QMutex m_mutex;
    std::vector<Event> m_events;
};

/// Calls a function per event; thread-safe only if the function is.
class CallbackSink final : public EventSink {
public:
    explicit CallbackSink(std::function<void(const Event&)> callback)
        : m_callback(std::move(callback))
    {
    }
    void onEvent(const Event& event) override { m_callback(event); }

private:
    std::function<void(const Event&)> m_callback;
};

} // namespace rwb
