#pragma once

#include <cstdint>

namespace rwb {

/// A small, fast, seedable PRNG (xoshiro256**, seeded through splitmix64) with hand-written
/// distributions. The standard library's distributions differ between implementations; these give
/// bit-for-bit identical sequences on every platform for the same seed.
/// Not thread-safe: give each thread or simulation its own instance.
class Random final {
public:
    explicit Random(std::uint64_t seed = 0x5eed) noexcept { reseed(seed); }

    void reseed(std::uint64_t seed) noexcept;
    std::uint64_t nextU64() noexcept
    {
        // Inline: every distribution draws through here, often several times per simulated request.
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    double uniform01() noexcept { return double(nextU64() >> 11) * 0x1.0p-53; }
    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform01(); }
    /// Uniform integer in [0, bound) without modulo bias (Lemire). bound must be > 0.
    std::uint64_t below(std::uint64_t bound) noexcept;
    /// True with probability p (p <= 0 never, p >= 1 always).
    bool chance(double p) noexcept { return p > 0.0 && (p >= 1.0 || uniform01() < p); }
    /// Standard normal N(0, 1) (Marsaglia polar method; libm-free apart from log and sqrt).
    double standardNormal() noexcept;
    double normal(double mean, double stddev) noexcept { return mean + stddev * standardNormal(); }
    /// Exponential with the given rate (events per unit), mean 1/rate.
    double exponential(double rate) noexcept;
    /// Log-normal with parameters of the underlying normal.
    double logNormal(double mu, double sigma) noexcept;

    /// A child generator with an independent stream, derived deterministically from this one.
    Random split() noexcept { return Random(nextU64()); }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    std::uint64_t m_s[4] {};
    bool m_hasSpareNormal = false;
    double m_spareNormal = 0.0;
};

} // namespace rwb
