#pragma once

#include "core/events/event.h"
#include "core/events/eventsink.h"

#include <QMutex>
#include <QObject>

#include <memory>
#include <vector>

class QTimer;

namespace rwb {

class Clock;

using EventBatch = std::vector<Event>;

/// Carries engine events from whatever thread produces them (simulator worker, live runner,
/// replayer) to the GUI thread in batches, at most maxRate() batches a second, so charts redraw a
/// bounded number of times however fast events come.
///
/// onEvent() is thread-safe and cheap (a mutex-protected append). Pending events are bounded by
/// capacity(): when the GUI falls that far behind, further events are dropped and counted (dropped(),
/// eventsDropped()) rather than growing memory without limit.
///
/// Pacing: a QTimer in the bridge's thread calls tick(); tick() emits the pending events as one
/// eventsReady() batch if at least 1/maxRate() has passed on the pacing clock since the last batch.
/// The clock is injectable (a VirtualClock in tests); without one a SystemClock is used. With
/// setAutoFlush(false) no timer runs and the owner calls tick()/flush() itself.
/// The object lives in (and emits on) the thread that created it, normally the GUI thread.
class EventBridge final : public QObject, public EventSink {
    Q_OBJECT
public:
    explicit EventBridge(QObject* parent = nullptr, const Clock* pacingClock = nullptr);
    ~EventBridge() override;

    void onEvent(const Event& event) override;
    /// Appends many events under one lock (replayers, simulation results).
    void post(const EventBatch& events);

    /// Batches per second, clamped to [1, 60]; default 30.
    void setMaxRate(int perSecond);
    int maxRate() const noexcept { return m_maxRate; }
    void setCapacity(std::size_t events);
    std::size_t capacity() const;
    void setAutoFlush(bool on);
    bool autoFlush() const noexcept { return m_autoFlush; }

    std::size_t pending() const;
    std::uint64_t dropped() const;
    std::uint64_t batches() const noexcept { return m_batches; }
    std::uint64_t delivered() const noexcept { return m_delivered; }

public slots:
    /// Emits the pending events if the rate allows it now; returns whether a batch went out.
    bool tick();
    /// Emits the pending events now, ignoring the rate (end of a run, seek, tests).
    void flush();
    /// Drops pending events and resets the counters (a new run).
    void reset();

signals:
    /// On the bridge's thread; `events` are in the order they were received.
    void eventsReady(const rwb::EventBatch& events);
    /// Some events were dropped since the last batch because the pending queue was full.
    void eventsDropped(quint64 count);

private:
    void emitPending();

    mutable QMutex m_mutex;
    EventBatch m_pending;      // guarded by m_mutex
    std::size_t m_capacity = 200000; // guarded by m_mutex
    std::uint64_t m_dropped = 0;     // guarded by m_mutex
    std::uint64_t m_droppedReported = 0;

    std::unique_ptr<Clock> m_ownClock;
    const Clock* m_clock = nullptr;
    QTimer* m_timer = nullptr;
    int m_maxRate = 30;
    bool m_autoFlush = true;
    bool m_emittedOnce = false;
    TimePoint m_nextAllowed {}; // earliest time of the next paced batch
    std::uint64_t m_batches = 0;
    std::uint64_t m_delivered = 0;
};

} // namespace rwb
