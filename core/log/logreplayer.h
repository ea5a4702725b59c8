#pragma once

#include "core/events/event.h"
#include "core/events/eventsink.h"
#include "core/log/logindex.h"

#include <QString>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// Re-emits the workbench Events recorded in a log, at a chosen speed or step by step, so a
/// recorded run can be drawn exactly as it was drawn live.
///
/// A pure object: it never reads a clock and never sleeps. The driver (a QTimer in the GUI, a
/// VirtualClock in tests) calls advanceTo(now) with its own time; the replayer maps driver time to
/// log time (position) through the speed and emits every event whose time has been reached, in log
/// order. Changing speed, pausing or seeking keeps the position continuous.
///
/// Events keep their recorded `time` (engine time since the run's origin), so charts see the same
/// timeline as live. The events' engine-time origin is `originUtcMs()`: by default the time of the
/// run_started line a recording opens with (eventcodec::encodeRunStarted), in a log without one the
/// time of the first event's line, or else the value given to load().
///
/// Not thread-safe: use it from one thread (decode() excepted). Does not own the sink.
///
/// Decoding a large log takes seconds (about 1 µs per event line and core), so a GUI decodes on a
/// worker with decode() and hands the result to load(Decoded), which then takes O(events).
class LogReplayer {
public:
    static constexpr double kMinSpeed = 1.0;
    static constexpr double kMaxSpeed = 1000.0;

    /// The workbench events of a log, sorted by time, ready for load(). Move-only: a copy of millions
    /// of events costs as much as a GUI frame many times over (and QFuture::then would copy it).
    struct Decoded {
        Decoded() = default;
        Decoded(Decoded&&) noexcept = default;
        Decoded& operator=(Decoded&&) noexcept = default;
        Decoded(const Decoded&) = delete;
        Decoded& operator=(const Decoded&) = delete;

        std::vector<Event> events;
        std::size_t skipped = 0; ///< lines that are not workbench events
        qint64 originUtcMs = 0;
        bool cancelled = false;  ///< `cancel` was raised: the result is incomplete
        /// What the recording's first run_started line says (JsonlWriter::runStarted), if it has one.
        struct RunStart {
            QString scenario;
            std::optional<std::uint64_t> seed; ///< absent when the line's seed is not an unsigned integer
        };
        std::optional<RunStart> runStart;
    };

    /// Decodes every workbench event line of `snapshot` (lines whose extra.event names an EventKind)
    /// on up to `threads` threads (0: QThread::idealThreadCount(), one per 64 K rows); other lines
    /// are skipped and counted.
    /// `originUtcMs` < 0 picks the first event line's timestamp. Thread-safe (touches no LogReplayer);
    /// `cancel` is polled.
    static Decoded decode(const LogSnapshot& snapshot, qint64 originUtcMs = -1,
        const std::atomic_bool* cancel = nullptr, int threads = 0);

    explicit LogReplayer(EventSink* sink = nullptr);

    void setSink(EventSink* sink) noexcept { m_sink = sink; }

    /// Decodes every workbench event line of `snapshot` (lines whose extra.event names an
    /// EventKind); other lines are skipped and counted. `originUtcMs` < 0 picks the first event's
    /// timestamp. Resets the position to the start, paused.
    void load(const LogSnapshot& snapshot, qint64 originUtcMs = -1);
    /// Loads the result of decode() (no sorting left to do); resets the position to the start, paused.
    /// The events loaded before are freed here: with millions, that alone takes ~100 ms.
    void load(Decoded decoded);
    /// Loads already-decoded events (e.g. a simulation's output); they are sorted by time (stable)
    /// unless they already are.
    void load(std::vector<Event> events, qint64 originUtcMs = 0);

    /// Empties the replayer (paused at zero) and hands its events over, so a GUI can free millions of
    /// them on a worker instead of inside the next load().
    std::vector<Event> takeEvents();

    std::size_t eventCount() const noexcept { return m_events.size(); }
    std::size_t skippedLines() const noexcept { return m_skipped; }
    const std::vector<Event>& events() const noexcept { return m_events; }
    qint64 originUtcMs() const noexcept { return m_originUtcMs; }
    TimePoint startTime() const noexcept; ///< time of the first event (zero when empty)
    TimePoint endTime() const noexcept;   ///< time of the last event

    /// Speed factor, clamped to [kMinSpeed, kMaxSpeed].
    void setSpeed(double factor, TimePoint now);
    double speed() const noexcept { return m_speed; }

    /// Starts (or resumes) playing: from now on, driver time `now` maps to the current position.
    void play(TimePoint now);
    /// Freezes the position at its value for `now` (emitting what is due up to then first).
    void pause(TimePoint now);
    bool isPlaying() const noexcept { return m_playing; }
    bool atEnd() const noexcept { return m_next >= m_events.size(); }

    /// Emits every event due at driver time `now`; returns how many were emitted.
    std::size_t advanceTo(TimePoint now);
    /// Emits the next event (whatever its time) and moves the position to it; pauses playback.
    /// Returns false at the end.
    bool step(TimePoint now);
    /// Moves to log time `position` without emitting; the next event emitted is the first one at
    /// or after it. The GUI clears its charts, then may call emitHistory() to rebuild.
    void seek(TimePoint position, TimePoint now);
    /// Emits, immediately, the events before the current position that a seek skipped: from the
    /// first event up to (excluding) the next one due. Used to rebuild charts after seek().
    std::size_t emitHistory();

    TimePoint position(TimePoint now) const noexcept; ///< current log time
    std::size_t nextIndex() const noexcept { return m_next; }
    /// Driver time at which the next event falls due while playing (for the GUI's timer), or
    /// nullopt when paused or at the end.
    std::optional<TimePoint> nextDueAt(TimePoint now) const noexcept;

private:
    void loadSorted(std::vector<Event> events, qint64 originUtcMs);

    EventSink* m_sink = nullptr;
    std::vector<Event> m_events;
    std::size_t m_next = 0;
    std::size_t m_skipped = 0;
    qint64 m_originUtcMs = 0;
    double m_speed = 1.0;
    bool m_playing = false;
    TimePoint m_anchorDriver {};   // driver time at the last play/speed change
    TimePoint m_anchorPosition {}; // log time at the same moment
};

} // namespace rwb
