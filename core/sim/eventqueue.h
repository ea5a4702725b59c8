#pragma once

#include <cstdint>
#include <vector>

namespace rwb {

/// The simulator's pending-event queue: a 4-ary min-heap of 24-byte plain records ordered by
/// (time, sequence). Sequence numbers make ties deterministic (first scheduled, first run).
/// A 4-ary heap halves the depth of a binary one and keeps a node's children in one cache line,
/// which matters because the queue is the simulator's hottest structure. Not thread-safe.
class EventQueue final {
public:
    struct Entry {
        std::int64_t time;      ///< ns of virtual time
        std::uint64_t seq;      ///< tie-breaker
        std::uint32_t payload;  ///< owner-defined (e.g. kind and index)
        std::uint32_t token;    ///< owner-defined (e.g. staleness check)
    };

    bool empty() const noexcept { return m_heap.empty(); }
    std::size_t size() const noexcept { return m_heap.size(); }
    const Entry& top() const noexcept { return m_heap.front(); }
    void reserve(std::size_t n) { m_heap.reserve(n); }

    void push(const Entry& e)
    {
        m_heap.push_back(e);
        std::size_t i = m_heap.size() - 1;
        while (i > 0) {
            const std::size_t parent = (i - 1) / 4;
            if (!less(e, m_heap[parent]))
                break;
            m_heap[i] = m_heap[parent];
            i = parent;
        }
        m_heap[i] = e;
    }

    Entry pop()
    {
        const Entry result = m_heap.front();
        const Entry last = m_heap.back();
        m_heap.pop_back();
        const std::size_t n = m_heap.size();
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
                if (less(m_heap[c], m_heap[best]))
                    best = c;
            if (!less(m_heap[best], last))
                break;
            m_heap[i] = m_heap[best];
            i = best;
        }
        m_heap[i] = last;
        return result;
    }

    static bool less(const Entry& a, const Entry& b) noexcept { return a.time != b.time ? a.time < b.time : a.seq < b.seq; }

private:
    std::vector<Entry> m_heap;
};

} // namespace rwb
