#pragma once

#include <array>
#include <cstdint>

namespace rwb {

/// Log-linear histogram of non-negative nanosecond values for percentiles in constant memory:
/// exact below 32 us, then 16 bins per power of two (relative error below 3.2 %). Percentiles
/// report the middle of their bin. A plain value type; not thread-safe.
class LatencyHistogram final {
public:
    static constexpr int kBins = 32 + 16 * 40;

    void add(std::int64_t ns) noexcept;
    void clear() noexcept;
    std::uint64_t count() const noexcept { return m_count; }
    std::int64_t max() const noexcept { return m_max; }
    /// The value below which a fraction `q` (0..1) of the samples lie (nearest rank); 0 when empty.
    double percentile(double q) const noexcept;

    static int binOf(std::int64_t ns) noexcept;
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
