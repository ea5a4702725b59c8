#include "core/run/latencyhistogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace rwb {

double LatencyHistogram::binValue(int bin) noexcept
{
    if (bin < 32)
        return (double(bin) + 0.5) * 1000.0;
    const int e = (bin - 32) / 16 + 5;
    const int sub = (bin - 32) % 16;
    const double width = std::ldexp(1.0, e - 4);
    return (double(16 + sub) * width + width / 2) * 1000.0;
}

void LatencyHistogram::clear() noexcept
{
    if (m_hi >= m_lo)
        std::fill(m_bins.begin() + m_lo, m_bins.begin() + m_hi + 1, 0u);
    m_count = 0;
    m_max = 0;
    m_lo = kBins;
    m_hi = -1;
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept
{
    for (int b = other.m_lo; b <= other.m_hi; ++b)
        m_bins[std::size_t(b)] += other.m_bins[std::size_t(b)];
    m_count += other.m_count;
    m_max = std::max(m_max, other.m_max);
    m_lo = std::min(m_lo, other.m_lo);
    m_hi = std::max(m_hi, other.m_hi);
}

double LatencyHistogram::percentile(double q) const noexcept
{
    if (m_count == 0)
        return 0.0;
    const auto rank = std::max<std::uint64_t>(1, std::uint64_t(std::ceil(q * double(m_count))));
    std::uint64_t seen = 0;
    for (int b = m_lo; b <= m_hi; ++b) {
        seen += m_bins[std::size_t(b)];
        if (seen >= rank)
            return std::min(binValue(b), double(m_max));
    }
    return double(m_max);
}

} // namespace rwb
