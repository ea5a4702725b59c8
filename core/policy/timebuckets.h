#pragma once

#include "core/common/time.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace rwb {

/// A sliding time window cut into buckets, for counters that must forget what is older than the
/// window (the circuit breaker's time_window, the retry budget). `Counts` is a plain aggregate of
/// counters whose value-initialised state is "nothing counted".
///
/// The rule (docs/circuit-breaker.md): N buckets, N = the window in whole seconds rounded up, between
/// 1 and 600; each bucket is window / N wide (integer nanoseconds) and holds the times with
/// index = time / width. A count stays in the window while its bucket is one of the last N up to the
/// newest time seen, so it leaves between `window - width` and `window` after it was added.
///
/// Not thread-safe: the owner locks.
template <class Counts> class TimeBuckets final {
public:
    static constexpr std::int64_t kMaxBuckets = 600;

    /// Buckets for `window` (N as above).
    static std::int64_t bucketCount(Duration window) noexcept
    {
        const auto secs = (window.count() + 999'999'999) / 1'000'000'000;
        return std::clamp<std::int64_t>(secs, 1, kMaxBuckets);
    }

    explicit TimeBuckets(Duration window)
        : TimeBuckets(window, bucketCount(window))
    {
    }
    /// `buckets` buckets (clamped to [1, kMaxBuckets]) of window / buckets each, whatever the window's length.
    TimeBuckets(Duration window, std::int64_t buckets)
        : m_slots(std::size_t(std::clamp<std::int64_t>(buckets, 1, kMaxBuckets)))
        , m_width(std::max<std::int64_t>(1, window.count() / std::int64_t(m_slots.size())))
    {
    }

    Duration width() const noexcept { return m_width; }
    std::int64_t size() const noexcept { return std::int64_t(m_slots.size()); }

    /// The bucket holding time `t`, to add to. When `t` is newer than any time seen, the window first
    /// moves forward: each bucket that leaves it is handed to `evict(const Counts&)` and then emptied.
    /// nullptr when `t` lies before the window (a late report).
    template <class Evict> Counts* bucketFor(TimePoint t, Evict&& evict)
    {
        const std::int64_t n = size();
        const std::int64_t idx = indexOf(t);
        if (idx > m_head) {
            // The slots of the buckets entering the window held buckets that just left it.
            const std::int64_t steps = std::min(idx - m_head, n);
            for (std::int64_t k = idx - steps + 1; k <= idx; ++k) {
                Slot& old = m_slots[std::size_t(k % n)];
                evict(std::as_const(old.counts));
                old = Slot { k, Counts {} };
            }
            m_head = idx;
        }
        if (idx <= m_head - n)
            return nullptr;
        Slot& b = m_slots[std::size_t(idx % n)];
        if (b.index != idx)
            b = Slot { idx, Counts {} };
        return &b.counts;
    }

    /// Calls `f(const Counts&)` for every bucket of the window as seen at `now` (or at the newest time
    /// seen, if later). Changes nothing.
    template <class F> void forEach(TimePoint now, F&& f) const
    {
        const std::int64_t n = size();
        const std::int64_t idx = std::max(m_head, indexOf(now));
        for (const Slot& s : m_slots)
            if (s.index > idx - n && s.index <= idx)
                f(s.counts);
    }

    /// Forgets every count (the newest time seen is kept).
    void clear() { std::fill(m_slots.begin(), m_slots.end(), Slot {}); }

private:
    struct Slot {
        std::int64_t index = -1;
        Counts counts {};
    };

    std::int64_t indexOf(TimePoint t) const noexcept
    {
        return std::max<std::int64_t>(0, t.time_since_epoch().count() / m_width.count());
    }

    std::vector<Slot> m_slots;
    Duration m_width;
    std::int64_t m_head = 0; ///< newest bucket index seen
};

} // namespace rwb
