#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace rwb {

/// A std::allocator for large arrays that are written once and read a few times (the arrival plan's times
/// and request ids). Touching a fresh 4 KiB page costs a page fault, and on a virtual machine a fault costs
/// more than filling the page (measured on the 2-core build machine: 65-70 ms of CPU to write 17 MB of fresh
/// memory, 2.5 ms in 2 MiB pages). So a block of 2 MiB or more is aligned to 2 MiB and asked for as
/// transparent huge pages (madvise(MADV_HUGEPAGE), Linux; elsewhere, and when the kernel declines, it gets
/// ordinary pages). Smaller blocks come from operator new.
/// construct() without arguments default-initialises: vector::resize() leaves trivial values unwritten, so
/// the pages are touched only by the writes that fill them.
/// Stateless, so thread-safe as operator new is.
template<class T>
class HugePageAllocator {
public:
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t(2) << 20;

    HugePageAllocator() = default;
    template<class U>
    HugePageAllocator(const HugePageAllocator<U>&) noexcept
    {
    }

    T* allocate(std::size_t n)
    {
        static_assert(alignof(T) <= alignof(std::max_align_t));
        if (n > std::size_t(-1) / sizeof(T))
            throw std::bad_array_new_length();
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kHugePage)
            return static_cast<T*>(::operator new(bytes));
        const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        void* block = std::aligned_alloc(kHugePage, rounded);
        if (!block)
            throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        madvise(block, rounded, MADV_HUGEPAGE); // advice only: ordinary pages if it fails
#endif
        return static_cast<T*>(block);
    }
    void deallocate(T* p, std::size_t n) noexcept
    {
        if (n * sizeof(T) < kHugePage)
            ::operator delete(p);
        else
            std::free(p);
    }

    template<class U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>)
    {
        ::new (static_cast<void*>(p)) U;
    }
    template<class U, class... Args>
    void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }

    friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) noexcept { return true; }
};

} // namespace rwb
