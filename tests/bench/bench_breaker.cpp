// Prints ns/op of the circuit breaker's closed path (admission + record) per trip mode, with an
// uncontended std::atomic increment as the floor.
#include "core/policy/circuitbreaker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>

using namespace rwb;

namespace {

// Best of several rounds: the machine is shared, and the minimum is the figure least disturbed by it.
template <typename F> double nsPerOp(long iterations, F&& f)
{
    double best = 1e300;
    for (int round = 0; round < 5; ++round) {
        const auto start = std::chrono::steady_clock::now();
        for (long i = 0; i < iterations; ++i)
            f(i);
        const auto end = std::chrono::steady_clock::now();
        const double ns = std::chrono::duration<double, std::nano>(end - start).count();
        best = std::min(best, ns / static_cast<double>(iterations));
    }
    return best;
}

double benchMode(TripMode mode, long iterations)
{
    CircuitBreakerConfig cfg;
    cfg.tripMode = mode;
    cfg.failureThreshold = 1000000;
    cfg.windowSize = 100;
    cfg.failureRateThreshold = 1.0;
    CircuitBreaker cb(cfg);
    const Outcome ok = Outcome::success(5ms);
    const Outcome bad = Outcome::error(ErrorClass::connectionReset(), 5ms);
    return nsPerOp(iterations, [&](long i) {
        const TimePoint now { std::chrono::microseconds(i) };
        auto a = cb.tryAcquire(now);
        if (a)
            cb.onOutcome(a.permit, (i & 15) == 0 ? bad : ok, now);
    });
}

} // namespace

int main()
{
    constexpr long n = 4'000'000;
    std::atomic<long> counter { 0 };
    const double floor = nsPerOp(n, [&](long) { counter.fetch_add(1, std::memory_order_relaxed); });
    std::printf("atomic increment (floor)                 %6.2f ns/op\n", floor);
    std::printf("breaker admit+record, consecutive        %6.2f ns/op\n", benchMode(TripMode::Consecutive, n));
    std::printf("breaker admit+record, count_window(100)  %6.2f ns/op\n", benchMode(TripMode::CountWindow, n));
    std::printf("breaker admit+record, time_window(60s)   %6.2f ns/op\n", benchMode(TripMode::TimeWindow, n / 4));
    return counter.load() == 5 * n ? 0 : 1;
}
