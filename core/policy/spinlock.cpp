#include "core/policy/spinlock.h"

#include <thread>

namespace rwb {

namespace {
inline void cpuRelax() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
} // namespace

void SpinLock::lockContended() noexcept
{
    do {
        // Spin on a plain read so waiting threads don't bounce the cache line with writes.
        int spins = 0;
        while (m_flag.test(std::memory_order_relaxed)) {
            if (++spins < 64) {
                cpuRelax();
            } else {
                std::this_thread::yield();
                spins = 0;
            }
        }
    } while (m_flag.test_and_set(std::memory_order_acquire));
}

} // namespace rwb
