#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace rwb {

/// A fixed-capacity FIFO that overwrites its oldest element when full, so charts of long live
/// runs keep a bounded amount of memory. Index 0 is the oldest element still held.
/// Not thread-safe (its users keep it on one thread).
template<typename T>
class RingBuffer final {
public:
    explicit RingBuffer(std::size_t capacity = 4096)
        : m_capacity(capacity == 0 ? 1 : capacity)
    {
    }

    std::size_t capacity() const noexcept { return m_capacity; }
    std::size_t size() const noexcept { return m_data.size(); }
    bool empty() const noexcept { return m_data.empty(); }
    bool full() const noexcept { return m_data.size() == m_capacity; }
    /// Elements overwritten since construction or the last clear().
    std::size_t dropped() const noexcept { return m_dropped; }

    void push(T value)
    {
        if (m_data.size() < m_capacity) {
            m_data.push_back(std::move(value));
            return;
        }
        m_data[m_head] = std::move(value);
        m_head = (m_head + 1) % m_capacity;
        ++m_dropped;
    }

    const T& operator[](std::size_t i) const { return m_data[(m_head + i) % m_data.size()]; }
    T& operator[](std::size_t i) { return m_data[(m_head + i) % m_data.size()]; }
    const T& front() const { return (*this)[0]; }
    const T& back() const { return (*this)[m_data.size() - 1]; }
    T& back() { return (*this)[m_data.size() - 1]; }

    void clear() noexcept
    {
        m_data.clear();
        m_head = 0;
        m_dropped = 0;
    }

    /// Changes the capacity, keeping the newest elements that fit.
    void setCapacity(std::size_t capacity)
    {
        capacity = capacity == 0 ? 1 : capacity;
        std::vector<T> kept;
        const std::size_t n = size() < capacity ? size() : capacity;
        kept.reserve(n);
        for (std::size_t i = size() - n; i < size(); ++i)
            kept.push_back(std::move((*this)[i]));
        m_dropped += size() - n;
        m_data = std::move(kept);
        m_head = 0;
        m_capacity = capacity;
    }

    /// Calls f(element) from oldest to newest.
    template<typename F>
    void forEach(F&& f) const
    {
        for (std::size_t i = 0; i < m_data.size(); ++i)
            f((*this)[i]);
    }

private:
    std::vector<T> m_data;
    std::size_t m_capacity;
    std::size_t m_head = 0; // index of the oldest element once full
    std::size_t m_dropped = 0;
};

} // namespace rwb
