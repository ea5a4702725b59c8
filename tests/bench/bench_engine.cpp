// Prints ns/op of the engine's hot paths in one run, with an uncontended std::atomic increment as the
// floor: breaker admission + record (closed), backoff delay, token bucket acquire, retry budget and
// throttle, the pipeline's per-call state machine (also with a retry budget and throttle, and hedged) and the full
// blocking `BlockingExecutor::execute` success path on a SystemClock, with the cost of its two clock reads.
// Build with -O2.
#include "core/clock/systemclock.h"
#include "core/clock/virtualclock.h"
#include "core/exec/blockingexecutor.h"
#include "core/policy/backoff.h"
#include "core/policy/circuitbreaker.h"
#include "core/policy/pipeline.h"
#include "core/policy/ratelimiter.h"
#include "core/policy/retrybudget.h"
#include "core/policy/retrythrottle.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

#include <time.h>

using namespace rwb;

namespace {

// Keeps a value alive without a store the optimiser could drop.
template <typename T> inline void sink(const T& value) { asm volatile("" : : "r,m"(value) : "memory"); }

// CPU time of this thread: on a shared, loaded machine wall time would also count the time other
// processes ran on our core.
double threadCpuNs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

// Best of five rounds, in ns of thread CPU time per operation.
template <typename F> double nsPerOp(long iterations, F&& f)
{
    for (long i = 0; i < iterations / 20; ++i) // warm-up
        f(i);
    double best = 1e300;
    for (int round = 0; round < 5; ++round) {
        const double start = threadCpuNs();
        for (long i = 0; i < iterations; ++i)
            f(i);
        best = std::min(best, (threadCpuNs() - start) / static_cast<double>(iterations));
    }
    return best;
}

std::shared_ptr<CircuitBreaker> closedBreaker()
{
    CircuitBreakerConfig c;
    c.name = QStringLiteral("bench");
    c.failureThreshold = 1000000;
    return std::make_shared<CircuitBreaker>(c);
}

PipelineConfig defaultPipeline()
{
    PipelineConfig c;
    c.name = QStringLiteral("bench");
    return c; // retry (3 attempts, exponential + full jitter) and, with a breaker object, the breaker
}

} // namespace

int main(int argc, char** argv)
{
    const long n = argc > 1 ? std::atol(argv[1]) : 2'000'000; // iterations per figure

    std::atomic<long> counter {0};
    const double floorNs = nsPerOp(n, [&](long) { counter.fetch_add(1, std::memory_order_relaxed); });

    auto cb = closedBreaker();
    const Outcome ok = Outcome::success(5ms);
    const double breakerNs = nsPerOp(n, [&](long i) {
        const TimePoint now {std::chrono::microseconds(i)};
        const Admission a = cb->tryAcquire(now);
        if (a)
            cb->onOutcome(a.permit, ok, now);
        sink(a.admitted);
    });

    BackoffConfig bc;
    bc.jitter = Jitter::Full;
    const Backoff backoff(bc);
    Random rng(1);
    const double backoffNs = nsPerOp(n, [&](long i) {
        const Duration d = backoff.delay(int(i & 7) + 1, Duration::zero(), rng);
        sink(d);
    });
    bc.jitter = Jitter::None;
    const Backoff plainBackoff(bc);
    const double backoffPlainNs = nsPerOp(n, [&](long i) {
        const Duration d = plainBackoff.baseDelay(int(i & 7) + 1);
        sink(d);
    });

    RateLimiterConfig rc;
    rc.ratePerSecond = 1e9;
    rc.burst = 1000;
    RateLimiter limiter(rc);
    const double limiterNs = nsPerOp(n, [&](long i) {
        const RateDecision d = limiter.tryAcquire(TimePoint {Duration(i * 2)});
        sink(d.kind);
    });

    RetryBudget budget(RetryBudgetConfig {});
    const double budgetNs = nsPerOp(n, [&](long i) {
        const TimePoint now {std::chrono::microseconds(i)};
        budget.onRequest(now);
        sink(budget.tryRetry(now));
    });

    RetryThrottle throttle(RetryThrottleConfig {});
    const double throttleNs = nsPerOp(n, [&](long i) {
        if (i & 1)
            throttle.onSuccess();
        else
            throttle.onFailure();
        sink(throttle.allowsRetry());
    });

    Pipeline machinePipeline(defaultPipeline(), closedBreaker());
    const double machineNs = nsPerOp(n, [&](long i) {
        const TimePoint now {std::chrono::microseconds(i)};
        PipelineCall call = machinePipeline.begin(std::uint64_t(i), now);
        Step s = call.start(now);
        s = call.onAttemptDone(ok, now + 1us);
        sink(s.kind);
        sink(call.result().attempts);
    });

    PipelineConfig limited = defaultPipeline();
    limited.retry.budget = RetryBudgetConfig {};
    limited.retry.throttling = RetryThrottleConfig {};
    Pipeline limitedPipeline(limited, closedBreaker());
    const double limitedNs = nsPerOp(n, [&](long i) {
        const TimePoint now {std::chrono::microseconds(i)};
        PipelineCall call = limitedPipeline.begin(std::uint64_t(i), now);
        Step s = call.start(now);
        s = call.onAttemptDone(ok, now + 1us);
        sink(s.kind);
        sink(call.result().attempts);
    });

    // Hedging: the first request answers before the hedging delay (the common case), and a call whose
    // hedge wins (timer, second request, the first cancelled).
    PipelineConfig hedgedConfig = defaultPipeline();
    hedgedConfig.hedgingEnabled = true;
    hedgedConfig.hedging.delay = 100ms;
    Pipeline hedgedPipeline(hedgedConfig, closedBreaker());
    const double hedgedNs = nsPerOp(n, [&](long i) {
        const TimePoint now {std::chrono::microseconds(i)};
        PipelineCall call = hedgedPipeline.begin(std::uint64_t(i), now);
        Step s = call.start(now);
        s = call.onAttemptDone(ok, now + 1us, s.request);
        sink(s.kind);
        sink(call.result().attempts);
    });
    const double hedgeWinsNs = nsPerOp(n, [&](long i) {
        const TimePoint now {std::chrono::microseconds(i)};
        PipelineCall call = hedgedPipeline.begin(std::uint64_t(i), now);
        Step s = call.start(now);
        s = call.onHedgeTimer(s.until);
        s = call.onAttemptDone(ok, s.until + 1us, s.request);
        sink(s.cancel);
        sink(call.result().hedges);
    });

    VirtualClock vclock;
    Pipeline templPipeline(defaultPipeline(), closedBreaker());
    BlockingExecutor executor(templPipeline, vclock, [](TimePoint) {});
    const double templNs = nsPerOp(n, [&](long) {
        const CallResult r = executor.execute([&ok](const AttemptContext&) { return ok; });
        sink(r.attempts);
    });

    SystemClock sclock;
    Pipeline execPipeline(defaultPipeline(), closedBreaker());
    BlockingExecutor systemExecutor(execPipeline, sclock);
    const std::function<Outcome(const AttemptContext&)> fn = [&ok](const AttemptContext&) { return ok; };
    const double executeNs = nsPerOp(n, [&](long) {
        const CallResult r = systemExecutor.execute(fn);
        sink(r.attempts);
    });

    // The executor reads the clock twice per successful call (start, answer): the floor under its figure.
    const Clock& clock = sclock;
    const double clockNs = nsPerOp(n, [&](long) { sink(clock.now()); });

    std::printf("sizeof Step %zu, PipelineCall %zu, CallResult %zu\n", sizeof(Step), sizeof(PipelineCall), sizeof(CallResult));
    std::printf("atomic increment, uncontended (floor)          %7.2f ns/op\n", floorNs);
    std::printf("breaker tryAcquire+onOutcome, closed           %7.2f ns/op   (target <= 15)\n", breakerNs);
    std::printf("backoff delay, exponential + full jitter       %7.2f ns/op\n", backoffNs);
    std::printf("backoff delay, exponential, no jitter          %7.2f ns/op\n", backoffPlainNs);
    std::printf("token bucket tryAcquire                        %7.2f ns/op\n", limiterNs);
    std::printf("retry budget onRequest+tryRetry                %7.2f ns/op\n", budgetNs);
    std::printf("retry throttle onSuccess|onFailure+allowsRetry %7.2f ns/op\n", throttleNs);
    std::printf("pipeline state machine, success (retry+cb)     %7.2f ns/op   (target <= 50)\n", machineNs);
    std::printf("  ... with retry budget + throttling           %7.2f ns/op\n", limitedNs);
    std::printf("  ... hedged (hedging + cb), no hedge needed   %7.2f ns/op\n", hedgedNs);
    std::printf("  ... hedged, the hedge wins (2 requests)      %7.2f ns/op\n", hedgeWinsNs);
    std::printf("BlockingExecutor::execute, VirtualClock        %7.2f ns/op\n", templNs);
    std::printf("BlockingExecutor::execute, SystemClock         %7.2f ns/op   (goal <= 80)\n", executeNs);
    std::printf("  ... of which two SystemClock::now() calls    %7.2f ns/op\n", 2 * clockNs);
    return counter.load() > 0 ? 0 : 1;
}
