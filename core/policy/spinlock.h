#pragma once

#include <atomic>

namespace rwb {

/// A test-and-test-and-set spinlock that yields the thread after 64 spins, for policy state that is
/// held for a few nanoseconds (circuit breaker, retry budget). Uncontended, lock() is one atomic
/// exchange. Not recursive. Meets BasicLockable, so std::lock_guard works with it.
///
/// It fills a word of its own: the compiler may read neighbouring small members in one wide load, and
/// such a load must not take in the flag other threads write (ThreadSanitizer reports it as a race).
class alignas(8) SpinLock final {
public:
    void lock() noexcept
    {
        if (!m_flag.test_and_set(std::memory_order_acquire))
            return;
        lockContended();
    }
    void unlock() noexcept { m_flag.clear(std::memory_order_release); }

private:
    void lockContended() noexcept;

    std::atomic_flag m_flag = ATOMIC_FLAG_INIT;
};

} // namespace rwb
