#include "core/common/random.h"

#include <cmath>

namespace rwb {

namespace {
__extension__ using UInt128 = unsigned __int128; // GCC/Clang extension; __extension__ keeps -Wpedantic quiet

std::uint64_t splitmix64(std::uint64_t& state) noexcept
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
} // namespace

void Random::reseed(std::uint64_t seed) noexcept
{
    std::uint64_t state = seed;
    for (auto& word : m_s)
        word = splitmix64(state);
    m_hasSpareNormal = false;
}

std::uint64_t Random::below(std::uint64_t bound) noexcept
{
    // Lemire's nearly divisionless method, with rejection to remove bias.
    UInt128 m = static_cast<UInt128>(nextU64()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
        const std::uint64_t threshold = -bound % bound;
        while (low < threshold) {
            m = static_cast<UInt128>(nextU64()) * bound;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

double Random::standardNormal() noexcept
{
    if (m_hasSpareNormal) {
        m_hasSpareNormal = false;
        return m_spareNormal;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform01() - 1.0;
        v = 2.0 * uniform01() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    m_spareNormal = v * factor;
    m_hasSpareNormal = true;
    return u * factor;
}

double Random::exponential(double rate) noexcept
{
    // 1 - u is in (0, 1], so the log is finite.
    return -std::log(1.0 - uniform01()) / rate;
}

double Random::logNormal(double mu, double sigma) noexcept { return std::exp(mu + sigma * standardNormal()); }

} // namespace rwb
