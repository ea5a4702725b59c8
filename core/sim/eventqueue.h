#pragma once

#include <cstdint>
#include <vector>

namespace rwb {

/// The simulator's pending-event queue, ordered by (time, sequence); sequence numbers make ties
/// deterministic (first scheduled, first run).
///
/// Almost every event lies a few milliseconds to seconds ahead (a response, a backoff), so the near
/// future is a timing wheel: 4096 slots of 2^20 ns (~1 ms), ~4.3 s in all; a push is an append to a
/// slot and a pop scans the current slot's few entries. Events beyond the wheel wait in a 4-ary
/// min-heap and move into the wheel as time reaches them. The order of pops is exactly that of a
/// plain priority queue; only the cost differs. Times pushed must not be earlier than the last pop.
/// Not thread-safe.
class EventQueue final {
public:
    struct Entry {
        std::int64_t time;      ///< ns of virtual time, >= 0
        std::uint64_t seq;      ///< tie-breaker
        std::uint32_t payload;  ///< owner-defined (e.g. kind and index)
        std::uint32_t token;    ///< owner-defined (e.g. staleness check)
    };

    static constexpr int kSlotBits = 20;
    static constexpr std::int64_t kSlots = 4096;

    EventQueue() : m_wheel(std::size_t(kSlots)) { }

    bool empty() const noexcept { return m_count == 0; }
    std::size_t size() const noexcept { return m_count; }
    void reserve(std::size_t) { }

    /// The earliest entry; the queue must not be empty.
    const Entry& top()
    {
        locate();
        return m_fromHeap ? m_far.front() : m_wheel[std::size_t(m_scan & kMask)][m_minIndex];
    }

    void push(const Entry& e)
    {
        ++m_count;
        const std::int64_t slot = e.time >> kSlotBits;
        if (slot < m_base + kSlots) {
            m_wheel[std::size_t(slot & kMask)].push_back(e);
            ++m_inWheel;
            if (slot < m_scan)
                m_scan = slot;
            m_located = false;
        } else {
            heapPush(e);
            if (m_fromHeap)
                m_located = false;
        }
    }

    Entry pop()
    {
        locate();
        Entry result;
        if (m_fromHeap) {
            result = heapPop();
        } else {
            auto& v = m_wheel[std::size_t(m_scan & kMask)];
            result = v[m_minIndex];
            v[m_minIndex] = v.back();
            v.pop_back();
            --m_inWheel;
        }
        --m_count;
        m_located = false;
        advanceTo(result.time >> kSlotBits);
        return result;
    }

    static bool less(const Entry& a, const Entry& b) noexcept { return a.time != b.time ? a.time < b.time : a.seq < b.seq; }

private:
    static constexpr std::int64_t kMask = kSlots - 1;

    void locate()
    {
        if (m_located)
            return;
        m_located = true;
        m_fromHeap = m_inWheel == 0;
        if (m_fromHeap)
            return;
        while (m_wheel[std::size_t(m_scan & kMask)].empty())
            ++m_scan;
        const auto& v = m_wheel[std::size_t(m_scan & kMask)];
        m_minIndex = 0;
        for (std::size_t i = 1; i < v.size(); ++i)
            if (less(v[i], v[m_minIndex]))
                m_minIndex = i;
    }

    // Time reached `slot`: the wheel now covers [slot, slot + kSlots); pull in what the heap holds there.
    void advanceTo(std::int64_t slot)
    {
        if (slot <= m_base)
            return;
        m_base = slot;
        if (m_scan < m_base)
            m_scan = m_base;
        while (!m_far.empty() && (m_far.front().time >> kSlotBits) < m_base + kSlots) {
            const Entry e = heapPop();
            const std::int64_t s = e.time >> kSlotBits;
            m_wheel[std::size_t(s & kMask)].push_back(e);
            ++m_inWheel;
            if (s < m_scan)
                m_scan = s;
        }
    }

    void heapPush(const Entry& e)
    {
        m_far.push_back(e);
        std::size_t i = m_far.size() - 1;
        while (i > 0) {
            const std::size_t parent = (i - 1) / 4;
            if (!less(e, m_far[parent]))
                break;
            m_far[i] = m_far[parent];
            i = parent;
        }
        m_far[i] = e;
    }

    Entry heapPop()
    {
        const Entry result = m_far.front();
        const Entry last = m_far.back();
        m_far.pop_back();
        const std::size_t n = m_far.size();
        if (n == 0)
            return result;
        std::size_t i = 0;
        for (;;) {
            const std::size_t first = 4 * i + 1;
            if (first >= n)
                break;
            std::size_t best = first;
            const std::size_t end = first + 4 < n ? first + 4 : n;
            for (std::size_t c = first + 1; c < end; ++c)
                if (less(m_far[c], m_far[best]))
                    best = c;
            if (!less(m_far[best], last))
                break;
            m_far[i] = m_far[best];
            i = best;
        }
        m_far[i] = last;
        return result;
    }

    std::vector<std::vector<Entry>> m_wheel;
    std::vector<Entry> m_far;     // 4-ary heap of entries at or beyond the wheel's horizon
    std::int64_t m_base = 0;      // slot of the last pop: every entry is at or after it
    std::int64_t m_scan = 0;      // wheel slots in [m_base, m_scan) are empty
    std::size_t m_count = 0;
    std::size_t m_inWheel = 0;
    std::size_t m_minIndex = 0;
    bool m_located = false;
    bool m_fromHeap = false;
};

} // namespace rwb
