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
    std::uint64_t nextU64() noexcept;

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
    std::uint64_t m_s[4] {};
    bool m_hasSpareNormal = false;
    double m_spareNormal = 0.0;
};

} // namespace rwb
