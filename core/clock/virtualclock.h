#pragma once

#include "core/clock/clock.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_set>
#include <vector>

namespace rwb {

/// Simulated time. Time moves only when told (runNext/runUntil/advance), firing the timers that
/// fall due in order of time, and in scheduling order for timers due at the same instant, so runs
/// are reproducible. A timer may schedule or cancel other timers. Not thread-safe: a VirtualClock
/// belongs to one simulation on one thread.
class VirtualClock final : public Clock {
public:
    using TimerId = std::uint64_t;
    using Callback = std::function<void()>;

    /// 2026-01-03T15:30:00Z, a fixed calendar origin so simulated logs are reproducible.
    static constexpr qint64 kDefaultOriginUtcMs = 1767454200000;

    explicit VirtualClock(qint64 originUtcMs = kDefaultOriginUtcMs);

    TimePoint now() const override { return m_now; }
    qint64 originUtcMs() const override { return m_originUtcMs; }

    /// Schedules `callback` at `at` (clamped to now() if in the past). Returns an id for cancel().
    TimerId schedule(TimePoint at, Callback callback);
    TimerId scheduleAfter(Duration delay, Callback callback) { return schedule(m_now + delay, std::move(callback)); }
    /// Cancels a pending timer; returns false if it already fired, was cancelled or never existed.
    bool cancel(TimerId id);

    /// Advances to the earliest pending timer and fires it. Returns false when none is pending.
    bool runNext();
    /// Fires every timer due at or before `until` in order, then sets now() to `until`
    /// (time never goes backwards: an `until` in the past only fires what is due now).
    void runUntil(TimePoint until);
    void advance(Duration by) { runUntil(m_now + by); }

    std::size_t pendingTimers() const noexcept { return m_pending.size(); }
    std::optional<TimePoint> nextTimerAt();

private:
    struct Entry {
        TimePoint at;
        TimerId id; // ids grow monotonically, so they double as the FIFO tie-breaker
        Callback callback;
    };
    static bool later(const Entry& a, const Entry& b) noexcept { return a.at != b.at ? a.at > b.at : a.id > b.id; }
    void dropCancelledTop();

    TimePoint m_now {};
    qint64 m_originUtcMs;
    TimerId m_nextId = 1;
    std::vector<Entry> m_heap;
    std::unordered_set<TimerId> m_pending;   // scheduled, not yet fired or cancelled
    std::unordered_set<TimerId> m_cancelled; // cancelled but still in the heap (lazy deletion)
};

} // namespace rwb
