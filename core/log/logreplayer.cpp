#include "core/log/logreplayer.h"

#include "core/log/eventcodec.h"

#include <algorithm>
#include <cmath>

namespace rwb {

LogReplayer::LogReplayer(EventSink* sink)
    : m_sink(sink)
{
}

void LogReplayer::load(std::vector<Event> events, qint64 originUtcMs)
{
    m_events = std::move(events);
    std::stable_sort(m_events.begin(), m_events.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
    m_originUtcMs = originUtcMs;
    m_skipped = 0;
    m_next = 0;
    m_playing = false;
    m_anchorDriver = {};
    m_anchorPosition = startTime();
}

void LogReplayer::load(const LogSnapshot& snapshot, qint64 originUtcMs)
{
    std::vector<Event> events;
    std::size_t skipped = 0;
    qint64 origin = originUtcMs;
    for (qint64 i = 0; i < snapshot.rowCount(); ++i) {
        const LogRow row = snapshot.row(i);
        if (row.flags & (LogRow::Malformed | LogRow::Blank) || row.eventId == 0) {
            ++skipped;
            continue;
        }
        if (origin < 0)
            origin = row.timestampMs == LogRow::kNoTime ? 0 : row.timestampMs;
        auto event = eventcodec::decode(snapshot.line(i), origin);
        if (!event) {
            ++skipped;
            continue;
        }
        events.push_back(std::move(*event));
    }
    load(std::move(events), origin < 0 ? 0 : origin);
    m_skipped = skipped;
}

TimePoint LogReplayer::startTime() const noexcept { return m_events.empty() ? TimePoint {} : m_events.front().time; }
TimePoint LogReplayer::endTime() const noexcept { return m_events.empty() ? TimePoint {} : m_events.back().time; }

TimePoint LogReplayer::position(TimePoint now) const noexcept
{
    if (!m_playing)
        return m_anchorPosition;
    const auto elapsed = now - m_anchorDriver;
    if (elapsed <= Duration::zero())
        return m_anchorPosition;
    const double scaled = double(elapsed.count()) * m_speed;
    const double limit = 9.0e18 - double(m_anchorPosition.time_since_epoch().count());
    return m_anchorPosition + Duration(std::int64_t(std::min(scaled, limit)));
}

void LogReplayer::setSpeed(double factor, TimePoint now)
{
    if (!std::isfinite(factor))
        factor = kMinSpeed;
    factor = std::clamp(factor, kMinSpeed, kMaxSpeed);
    if (m_playing) {
        advanceTo(now);
        m_anchorPosition = position(now);
        m_anchorDriver = now;
    }
    m_speed = factor;
}

void LogReplayer::play(TimePoint now)
{
    if (m_playing)
        return;
    m_playing = true;
    m_anchorDriver = now;
}

void LogReplayer::pause(TimePoint now)
{
    if (!m_playing)
        return;
    advanceTo(now);
    m_anchorPosition = position(now);
    m_playing = false;
}

std::size_t LogReplayer::advanceTo(TimePoint now)
{
    if (!m_playing)
        return 0;
    const TimePoint pos = position(now);
    std::size_t emitted = 0;
    while (m_next < m_events.size() && m_events[m_next].time <= pos) {
        if (m_sink)
            m_sink->onEvent(m_events[m_next]);
        ++m_next;
        ++emitted;
    }
    return emitted;
}

bool LogReplayer::step(TimePoint now)
{
    if (m_playing) {
        advanceTo(now);
        m_anchorPosition = position(now);
        m_playing = false;
    }
    if (m_next >= m_events.size())
        return false;
    const Event& e = m_events[m_next++];
    m_anchorPosition = std::max(m_anchorPosition, e.time);
    if (m_sink)
        m_sink->onEvent(e);
    return true;
}

void LogReplayer::seek(TimePoint target, TimePoint now)
{
    m_next = std::size_t(std::lower_bound(m_events.begin(), m_events.end(), target,
                             [](const Event& e, TimePoint t) { return e.time < t; })
        - m_events.begin());
    m_anchorPosition = target;
    m_anchorDriver = now;
}

std::size_t LogReplayer::emitHistory()
{
    if (m_sink)
        for (std::size_t i = 0; i < m_next; ++i)
            m_sink->onEvent(m_events[i]);
    return m_next;
}

std::optional<TimePoint> LogReplayer::nextDueAt(TimePoint now) const noexcept
{
    if (!m_playing || m_next >= m_events.size())
        return std::nullopt;
    const TimePoint pos = position(now);
    const Duration ahead = m_events[m_next].time - pos;
    if (ahead <= Duration::zero())
        return now;
    return now + Duration(std::int64_t(std::ceil(double(ahead.count()) / m_speed)));
}

} // namespace rwb
