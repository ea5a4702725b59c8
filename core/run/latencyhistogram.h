#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace rwb {

/// Log-linear histogram of non-negative nanosecond values for percentiles in constant memory:
/// exact below 32 us, then 16 bins per power of two (relative error below 3.2 %). Percentiles
/// report the middle of their bin. A plain value type; not thread-safe.
class LatencyHistogram final {
public:
    static constexpr int kBins = 32 + 16 * 40;

    void add(std::int64_t ns) noexcept { addToBin(binOf(ns), ns); }
    /// add() with the bin already known (`bin` must be binOf(ns)): one value recorded in several histograms.
    void addToBin(int bin, std::int64_t ns) noexcept
    {
        ++m_bins[std::size_t(bin)];
        ++m_count;
        m_max = std::max(m_max, ns);
        m_lo = std::min(m_lo, bin);
        m_hi = std::max(m_hi, bin);
    }
    void clear() noexcept;
    /// Adds every sample of `other` (the histogram of a longer span from those of its parts).
    void merge(const LatencyHistogram& other) noexcept;
    std::uint64_t count() const noexcept { return m_count; }
    std::int64_t max() const noexcept { return m_max; }
    /// The value below which a fraction `q` (0..1) of the samples lie (nearest rank); 0 when empty.
    double percentile(double q) const noexcept;

    static int binOf(std::int64_t ns) noexcept
    {
        const std::uint64_t us = ns > 0 ? std::uint64_t(ns) / 1000 : 0;
        if (us < 32)
            return int(us);
        const int e = 63 - std::countl_zero(us); // >= 5
        const int sub = int((us >> (e - 4)) & 15);
        return std::min(32 + (e - 5) * 16 + sub, kBins - 1);
    }
    /// Middle of a bin, in ns.
    static double binValue(int bin) noexcept;

private:
    std::array<std::uint32_t, kBins> m_bins {};
    std::uint64_t m_count = 0;
    std::int64_t m_max = 0;
    int m_lo = kBins; // lowest non-empty bin
    int m_hi = -1;    // highest non-empty bin
};

} // namespace rwb
