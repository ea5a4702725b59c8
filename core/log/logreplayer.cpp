#include "core/log/logreplayer.h"

#include "core/log/eventcodec.h"
#include "core/log/jsonscan.h"

#include <QThread>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <thread>

namespace rwb {

LogReplayer::LogReplayer(EventSink* sink)
    : m_sink(sink)
{
}

namespace {
bool byTime(const Event& a, const Event& b) { return a.time < b.time; }

/// The scenario name and seed of the first run_started line (any damage there leaves them out).
std::optional<LogReplayer::Decoded::RunStart> readRunStart(const LogSnapshot& snapshot, std::uint8_t runStartedId)
{
    for (qint64 i = 0, rows = snapshot.rowCount(); i < rows; ++i) {
        if (snapshot.row(RowIndex(i)).eventId != runStartedId)
            continue;
        const QByteArrayView line = snapshot.line(RowIndex(i));
        jsonscan::PathSet paths;
        const int scenarioSlot = paths.add(QByteArrayLiteral("extra.scenario"));
        const int seedSlot = paths.add(QByteArrayLiteral("extra.seed"));
        jsonscan::Value values[2];
        if (paths.extract(line.data(), line.data() + line.size(), values) == jsonscan::PathSet::Result::Malformed)
            return std::nullopt;
        LogReplayer::Decoded::RunStart start;
        if (values[scenarioSlot].type == jsonscan::Type::String)
            start.scenario = QString::fromUtf8(jsonscan::text(values[scenarioSlot]));
        if (values[seedSlot].type == jsonscan::Type::Number) {
            const std::string_view digits = values[seedSlot].raw();
            std::uint64_t seed = 0;
            const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seed);
            if (error == std::errc() && end == digits.data() + digits.size())
                start.seed = seed;
        }
        return start;
    }
    return std::nullopt;
}
bool isEventLine(const LogRow& row) { return !(row.flags & (LogRow::Malformed | LogRow::Blank)) && row.eventId != 0; }
} // namespace

void LogReplayer::load(std::vector<Event> events, qint64 originUtcMs)
{
    // a log or a run is in time order already: checking is O(n), a stable sort of millions is not
    if (!std::is_sorted(events.begin(), events.end(), byTime))
        std::stable_sort(events.begin(), events.end(), byTime);
    loadSorted(std::move(events), originUtcMs);
}

void LogReplayer::loadSorted(std::vector<Event> events, qint64 originUtcMs)
{
    m_events = std::move(events);
    m_originUtcMs = originUtcMs;
    m_skipped = 0;
    m_next = 0;
    m_playing = false;
    m_anchorDriver = {};
    m_anchorPosition = startTime();
}

std::vector<Event> LogReplayer::takeEvents()
{
    std::vector<Event> events = std::exchange(m_events, {});
    loadSorted({}, m_originUtcMs);
    return events;
}

void LogReplayer::load(Decoded decoded)
{
    const std::size_t skipped = decoded.skipped;
    loadSorted(std::move(decoded.events), decoded.originUtcMs); // decode() sorted them
    m_skipped = skipped;
}

void LogReplayer::load(const LogSnapshot& snapshot, qint64 originUtcMs) { load(decode(snapshot, originUtcMs)); }

LogReplayer::Decoded LogReplayer::decode(
    const LogSnapshot& snapshot, qint64 originUtcMs, const std::atomic_bool* cancel, int threads)
{
    Decoded out;
    const qint64 rows = snapshot.rowCount();
    // The run_started line a recording opens with is engine time zero; without one, the first event.
    const std::uint8_t runStartedId = snapshot.eventId(eventcodec::kRunStartedEvent).value_or(0);
    qint64 origin = originUtcMs;
    if (origin < 0) {
        origin = 0;
        for (qint64 i = 0; i < rows; ++i) {
            const LogRow row = snapshot.row(RowIndex(i));
            if (runStartedId != 0 ? row.eventId == runStartedId : isEventLine(row)) {
                origin = row.timestampMs == LogRow::kNoTime ? 0 : row.timestampMs;
                break;
            }
        }
    }
    out.originUtcMs = origin;
    if (runStartedId != 0)
        out.runStart = readRunStart(snapshot, runStartedId);

    // Contiguous ranges decoded in parallel and concatenated in order: the same result as one pass.
    // Automatic: a thread only for every 64 K rows (starting one costs more than decoding a few).
    const qint64 maxParts = threads > 0 ? std::min<qint64>(threads, rows)
                                        : std::min<qint64>(std::max(1, QThread::idealThreadCount()), rows >> 16);
    const int parts = int(std::max<qint64>(1, maxParts));
    struct Part {
        std::vector<Event> events;
        std::size_t skipped = 0;
    };
    std::vector<Part> results(static_cast<std::size_t>(parts));
    const auto work = [&](int p) {
        Part& part = results[static_cast<std::size_t>(p)];
        const qint64 from = rows * p / parts;
        const qint64 to = rows * (p + 1) / parts;
        for (qint64 i = from; i < to; ++i) {
            if ((i & 0xfff) == 0 && cancel && cancel->load(std::memory_order_relaxed))
                return;
            const LogRow row = snapshot.row(RowIndex(i));
            if (runStartedId != 0 && row.eventId == runStartedId)
                continue; // a marker, not an engine event, and not a line to report as skipped
            if (!isEventLine(row)) {
                ++part.skipped;
                continue;
            }
            auto event = eventcodec::decode(snapshot.line(RowIndex(i)), origin);
            if (!event) {
                ++part.skipped;
                continue;
            }
            part.events.push_back(std::move(*event));
        }
    };
    std::vector<std::thread> workers;
    for (int p = 1; p < parts; ++p)
        workers.emplace_back(work, p);
    work(0);
    for (std::thread& t : workers)
        t.join();
    if (cancel && cancel->load()) {
        out.cancelled = true;
        return out;
    }

    std::size_t total = 0;
    for (const Part& part : results) {
        total += part.events.size();
        out.skipped += part.skipped;
    }
    out.events = std::move(results.front().events); // the others are appended to the first
    out.events.reserve(total);
    for (std::size_t p = 1; p < results.size(); ++p)
        std::move(results[p].events.begin(), results[p].events.end(), std::back_inserter(out.events));
    if (!std::is_sorted(out.events.begin(), out.events.end(), byTime))
        std::stable_sort(out.events.begin(), out.events.end(), byTime);
    return out;
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
