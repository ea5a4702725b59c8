// Prints ns/op of the circuit breaker's closed path (admission + record) per trip mode, with an
// uncontended std::atomic increment as the floor.
#include "core/policy/circuitbreaker.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <time.h>

using namespace rwb;

namespace {

// Thread CPU time, so time other processes spend on our core (the machine is shared) is not counted.
double cpuNs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Best of five rounds, the figure least disturbed by cache and frequency noise.
template <typename F> double nsPerOp(long iterations, F&& f)
{
    double best = 1e300;
    for (int round = 0; round < 5; ++round) {
        const double start = cpuNs();
        for (long i = 0; i < iterations; ++i)
            f(i);
        best = std::min(best, (cpuNs() - start) / static_cast<double>(iterations));
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
