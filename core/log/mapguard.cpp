#include "core/log/mapguard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace rwb {

namespace {

// A region is published by storing `end` last and retired by clearing `end` first, so the handler,
// which checks begin <= address < end, never matches a half-written slot.
constexpr std::uintptr_t kNoFault = ~std::uintptr_t(0);

struct Region {
    std::atomic<std::uintptr_t> begin { 0 };
    std::atomic<std::uintptr_t> end { 0 };
    std::atomic<std::uintptr_t> lowestFault { kNoFault }; ///< lowest faulting page so far
    std::atomic<bool> used { false };
};
static_assert(std::atomic<std::uintptr_t>::is_always_lock_free, "the signal handler needs lock-free atomics");

std::array<Region, MapGuard::kMaxRegions> g_regions;
struct sigaction g_previous { };
std::uintptr_t g_pageSize = 4096;

void onSigbus(int signal, siginfo_t* info, void* context)
{
    const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
    for (Region& region : g_regions) {
        if (address < region.begin.load() || address >= region.end.load())
            continue;
        const std::uintptr_t page = address & ~(g_pageSize - 1);
        if (mmap(reinterpret_cast<void*>(page), g_pageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
            == MAP_FAILED)
            break;
        std::uintptr_t lowest = region.lowestFault.load();
        while (page < lowest && !region.lowestFault.compare_exchange_weak(lowest, page)) { }
        return; // the faulting read runs again and sees zeros
    }
    // Not ours: hand over to whoever handled SIGBUS before (by default, the process dies).
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(signal, info, context);
    } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN && g_previous.sa_handler) {
        g_previous.sa_handler(signal);
    } else {
        ::signal(SIGBUS, SIG_DFL); // the read faults again and the default action applies
    }
}

void installHandler()
{
    static std::once_flag once;
    std::call_once(once, [] {
        g_pageSize = std::uintptr_t(sysconf(_SC_PAGESIZE));
        struct sigaction action { };
        action.sa_sigaction = &onSigbus;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(SIGBUS, &action, &g_previous);
    });
}

} // namespace

MapGuard::MapGuard(const void* data, std::size_t size)
{
    m_size = size;
    if (!data || size == 0)
        return;
    installHandler();
    for (int i = 0; i < kMaxRegions; ++i) {
        Region& region = g_regions[std::size_t(i)];
        bool expected = false;
        if (!region.used.compare_exchange_strong(expected, true))
            continue;
        region.lowestFault.store(kNoFault);
        region.begin.store(reinterpret_cast<std::uintptr_t>(data));
        region.end.store(reinterpret_cast<std::uintptr_t>(data) + size);
        m_slot = i;
        return;
    }
}

MapGuard::~MapGuard()
{
    if (m_slot < 0)
        return;
    Region& region = g_regions[std::size_t(m_slot)];
    region.end.store(0);
    region.begin.store(0);
    region.used.store(false);
}

std::size_t MapGuard::intactBytes() const noexcept
{
    if (m_slot < 0)
        return m_size;
    const Region& region = g_regions[std::size_t(m_slot)];
    const std::uintptr_t fault = region.lowestFault.load();
    if (fault == kNoFault)
        return m_size;
    const std::uintptr_t begin = region.begin.load();
    return fault >= begin + g_pageSize ? std::size_t(fault - g_pageSize - begin) : 0;
}

} // namespace rwb
