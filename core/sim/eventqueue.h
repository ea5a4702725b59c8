#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace rwb {

/// The simulator's pending-event queue, ordered by (time, sequence); sequence numbers make ties
/// deterministic (first scheduled, first run).
///
/// Almost every event lies a few milliseconds to seconds ahead (a response, a backoff), so the near
/// future is a timing wheel: 32768 slots of 2^17 ns (~131 us), ~4.3 s in all. A slot is a short
/// singly linked list of pooled nodes (no allocation per slot, recently freed nodes are reused while
/// still in cache), and a bitmap of non-empty slots lets a pop skip idle time in a few word tests.
/// A pop scans the current slot's few entries for the minimum. Events beyond the wheel wait in a
/// 4-ary min-heap and move into the wheel as time reaches them. The order of pops is exactly that of
/// a plain priority queue; only the cost differs. Times pushed must not be earlier than the last pop.
/// Not thread-safe.
class EventQueue final {
public:
    struct Entry {
        std::int64_t time;      ///< ns of virtual time, >= 0
        std::uint64_t seq;      ///< tie-breaker
        std::uint32_t payload;  ///< owner-defined (e.g. kind and index)
        std::uint32_t token;    ///< owner-defined (e.g. staleness check)
    };

    static constexpr int kSlotBits = 17;
    static constexpr std::int64_t kSlots = 32768;

    EventQueue() : m_head(std::size_t(kSlots), kNil), m_bits(std::size_t(kSlots / 64), 0) { }

    bool empty() const noexcept { return m_count == 0; }
    std::size_t size() const noexcept { return m_count; }
    void reserve(std::size_t n) { m_nodes.reserve(n); }

    /// The earliest entry; the queue must not be empty.
    const Entry& top()
    {
        locate();
        return m_fromHeap ? m_far.front() : m_nodes[m_minNode].entry;
    }

    void push(const Entry& e)
    {
        ++m_count;
        const std::int64_t slot = e.time >> kSlotBits;
        if (slot < m_base + kSlots) {
            wheelInsert(slot, e);
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
            Node& n = m_nodes[m_minNode];
            result = n.entry;
            const std::size_t index = std::size_t(m_scan & kMask);
            if (m_minPrev == kNil)
                m_head[index] = n.next;
            else
                m_nodes[m_minPrev].next = n.next;
            if (m_head[index] == kNil)
                m_bits[index >> 6] &= ~(std::uint64_t(1) << (index & 63));
            n.next = m_freeNode;
            m_freeNode = m_minNode;
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
    static constexpr std::uint32_t kNil = UINT32_MAX;

    struct Node {
        Entry entry;
        std::uint32_t next;
    };

    void wheelInsert(std::int64_t slot, const Entry& e)
    {
        std::uint32_t n;
        if (m_freeNode != kNil) {
            n = m_freeNode;
            m_freeNode = m_nodes[n].next;
        } else {
            n = std::uint32_t(m_nodes.size());
            m_nodes.push_back({});
        }
        const std::size_t index = std::size_t(slot & kMask);
        m_nodes[n] = {e, m_head[index]};
        m_head[index] = n;
        m_bits[index >> 6] |= std::uint64_t(1) << (index & 63);
        ++m_inWheel;
        if (slot < m_scan)
            m_scan = slot;
    }

    // The first non-empty slot at or after m_scan. Every wheel entry lies in [m_scan, m_scan + kSlots),
    // so a circular search of the bitmap from m_scan finds it.
    void findSlot()
    {
        std::int64_t index = m_scan & kMask;
        std::size_t word = std::size_t(index >> 6);
        std::uint64_t bits = m_bits[word] & (~std::uint64_t(0) << (index & 63));
        while (bits == 0) {
            word = (word + 1) & (m_bits.size() - 1);
            bits = m_bits[word];
        }
        const std::int64_t found = std::int64_t(word) * 64 + std::countr_zero(bits);
        m_scan += (found - index) & kMask;
    }

    void locate()
    {
        if (m_located)
            return;
        m_located = true;
        m_fromHeap = m_inWheel == 0;
        if (m_fromHeap)
            return;
        findSlot();
        std::uint32_t prev = kNil;
        std::uint32_t n = m_head[std::size_t(m_scan & kMask)];
        m_minNode = n;
        m_minPrev = kNil;
        for (prev = n, n = m_nodes[n].next; n != kNil; prev = n, n = m_nodes[n].next) {
            if (less(m_nodes[n].entry, m_nodes[m_minNode].entry)) {
                m_minNode = n;
                m_minPrev = prev;
            }
        }
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
            wheelInsert(e.time >> kSlotBits, e);
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

    std::vector<std::uint32_t> m_head;  // per slot: first node, kNil when empty
    std::vector<std::uint64_t> m_bits;  // per slot: non-empty
    std::vector<Node> m_nodes;          // node pool
    std::uint32_t m_freeNode = kNil;    // free list through Node::next
    std::vector<Entry> m_far;     // 4-ary heap of entries at or beyond the wheel's horizon
    std::int64_t m_base = 0;      // slot of the last pop: every entry is at or after it
    std::int64_t m_scan = 0;      // wheel slots in [m_base, m_scan) are empty
    std::size_t m_count = 0;
    std::size_t m_inWheel = 0;
    std::uint32_t m_minNode = kNil;
    std::uint32_t m_minPrev = kNil; // node before m_minNode in its slot, kNil when it is the head
    bool m_located = false;
    bool m_fromHeap = false;
};

} // namespace rwb
