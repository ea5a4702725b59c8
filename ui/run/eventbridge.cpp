#include "ui/run/eventbridge.h"

#include "core/clock/systemclock.h"

#include <QMutexLocker>
#include <QTimer>

#include <algorithm>

namespace rwb {

EventBridge::EventBridge(QObject* parent, const Clock* pacingClock)
    : QObject(parent)
{
    if (!pacingClock) {
        m_ownClock = std::make_unique<SystemClock>();
        pacingClock = m_ownClock.get();
    }
    m_clock = pacingClock;
    m_timer = new QTimer(this);
    // tick twice per allowed interval so a batch goes out close to the moment it is allowed
    m_timer->setInterval(std::max(1, 500 / m_maxRate));
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &EventBridge::tick);
    m_timer->start();
}

EventBridge::~EventBridge() = default;

void EventBridge::onEvent(const Event& event)
{
    QMutexLocker lock(&m_mutex);
    if (m_pending.size() >= m_capacity) {
        ++m_dropped;
        return;
    }
    m_pending.push_back(event);
}

void EventBridge::post(const EventBatch& events)
{
    QMutexLocker lock(&m_mutex);
    const std::size_t room = m_capacity > m_pending.size() ? m_capacity - m_pending.size() : 0;
    const std::size_t take = std::min(room, events.size());
    m_pending.insert(m_pending.end(), events.begin(), events.begin() + static_cast<std::ptrdiff_t>(take));
    m_dropped += events.size() - take;
}

void EventBridge::setMaxRate(int perSecond)
{
    m_maxRate = std::clamp(perSecond, 1, 60);
    m_timer->setInterval(std::max(1, 500 / m_maxRate));
}

void EventBridge::setCapacity(std::size_t events)
{
    QMutexLocker lock(&m_mutex);
    m_capacity = std::max<std::size_t>(events, 1);
}

std::size_t EventBridge::capacity() const
{
    QMutexLocker lock(&m_mutex);
    return m_capacity;
}

void EventBridge::setAutoFlush(bool on)
{
    m_autoFlush = on;
    if (on)
        m_timer->start();
    else
        m_timer->stop();
}

std::size_t EventBridge::pending() const
{
    QMutexLocker lock(&m_mutex);
    return m_pending.size();
}

std::uint64_t EventBridge::dropped() const
{
    QMutexLocker lock(&m_mutex);
    return m_dropped;
}

bool EventBridge::tick()
{
    const TimePoint now = m_clock->now();
    const auto interval = std::chrono::duration_cast<Duration>(std::chrono::seconds(1)) / m_maxRate;
    if (m_emittedOnce && now < m_nextAllowed)
        return false;
    {
        QMutexLocker lock(&m_mutex);
        if (m_pending.empty() && m_dropped == m_droppedReported)
            return false;
    }
    // slots advance by exactly one interval, so coarse timer ticks still average maxRate() and never
    // more; after an idle spell the schedule restarts from now
    m_nextAllowed = m_emittedOnce ? std::max(m_nextAllowed + interval, now - interval / 2) : now + interval;
    m_emittedOnce = true;
    emitPending();
    return true;
}

void EventBridge::flush()
{
    const auto interval = std::chrono::duration_cast<Duration>(std::chrono::seconds(1)) / m_maxRate;
    m_nextAllowed = m_clock->now() + interval;
    m_emittedOnce = true;
    emitPending();
}

void EventBridge::emitPending()
{
    EventBatch batch;
    std::uint64_t newlyDropped = 0;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
        // keep the allocation pattern steady: producers refill a vector of similar size
        m_pending.reserve(std::min(batch.size(), m_capacity));
        newlyDropped = m_dropped - m_droppedReported;
        m_droppedReported = m_dropped;
    }
    if (newlyDropped > 0)
        emit eventsDropped(newlyDropped);
    if (batch.empty())
        return;
    ++m_batches;
    m_delivered += batch.size();
    emit eventsReady(batch);
}

void EventBridge::reset()
{
    {
        QMutexLocker lock(&m_mutex);
        m_pending.clear();
        m_dropped = 0;
        m_droppedReported = 0;
    }
    m_batches = 0;
    m_delivered = 0;
    m_emittedOnce = false;
}

} // namespace rwb
