#pragma once

#include <cstddef>

namespace rwb {

/// Lets a reader of a memory-mapped file survive the file shrinking under the map, as logrotate's
/// copytruncate or `truncate -s 0` do to a log being read: touching a mapped page past the new end of
/// the file raises SIGBUS, which kills the process.
///
/// While a MapGuard watches a mapped region, a SIGBUS inside it is answered by mapping a page of zeros
/// over the faulting page, so the read returns zeros and the program goes on, and the guard is marked
/// damaged(). Truncation takes every page from the new end of the file on, so the lowest faulting
/// page bounds what is still the file: intactBytes() is the part of the region before it, less one
/// page (the last page of a shrunk file reads zeros past its end without a fault). A reader checks,
/// after reading a range, that the range ends within intactBytes(), and keeps only such results. A
/// SIGBUS anywhere else keeps its previous handling (by default the process dies).
///
/// Thread-safe: any thread may fault in a watched region, and guards may be created and destroyed
/// from any thread. The signal handler is installed process-wide when the first guard is created and
/// touches only atomics and mmap(). At most kMaxRegions regions are watched at once; beyond that
/// isWatching() is false and the region is read unguarded. Destroy the guard before unmapping.
class MapGuard final {
public:
    static constexpr int kMaxRegions = 256;

    MapGuard(const void* data, std::size_t size);
    ~MapGuard();
    MapGuard(const MapGuard&) = delete;
    MapGuard& operator=(const MapGuard&) = delete;

    bool isWatching() const noexcept { return m_slot >= 0; }
    /// A read in the region hit a page the file no longer has (it read zeros there).
    bool damaged() const noexcept { return intactBytes() < m_size; }
    /// Bytes from the start of the region that reads can trust: all of them until a fault.
    std::size_t intactBytes() const noexcept;

private:
    int m_slot = -1;
    std::size_t m_size = 0;
};

} // namespace rwb
