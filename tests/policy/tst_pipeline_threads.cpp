// Several std::threads hammer one Pipeline through the blocking executor; every total must be exact.
// Runs under ThreadSanitizer in CI (label "tsan").
#include "core/clock/systemclock.h"
#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/exec/blockingexecutor.h"
#include "core/policy/pipeline.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace rwb;

namespace {
// Counts events by kind with atomics (the sink is shared by every thread).
class CountingSink final : public EventSink {
public:
    void onEvent(const Event& e) override
    {
        m_counts[std::size_t(e.kind)].fetch_add(1, std::memory_order_relaxed);
        if (e.kind == EventKind::Attempt && e.outcome != OutcomeKind::Rejected)
            m_performed.fetch_add(1, std::memory_order_relaxed);
    }
    long count(EventKind k) const { return m_counts[std::size_t(k)].load(); }
    long performed() const { return m_performed.load(); }

private:
    std::atomic<long> m_counts[16] {};
    std::atomic<long> m_performed {0};
};

struct Totals {
    std::atomic<long> calls {0}, successes {0}, failures {0}, rejections {0}, attempts {0}, invoked {0}, fallbacks {0};
};

void hammer(BlockingExecutor& ex, Totals& t, int callsPerThread)
{
    for (int i = 0; i < callsPerThread; ++i) {
        const CallResult r = ex.execute([&t](const AttemptContext& ctx) {
            t.invoked.fetch_add(1, std::memory_order_relaxed);
            // Deterministic per (request, attempt): some fail retryably, some never succeed.
            if (ctx.requestId % 7 == 0)
                return Outcome::httpError(503);
            if (ctx.requestId % 5 == 0)
                return Outcome::httpError(404);
            return (ctx.requestId + std::uint64_t(ctx.attempt)) % 3 == 0 ? Outcome::error(ErrorClass::connectionReset())
                                                                          : Outcome::success();
        });
        t.calls.fetch_add(1, std::memory_order_relaxed);
        t.attempts.fetch_add(r.attempts, std::memory_order_relaxed);
        if (r.fallbackUsed)
            t.fallbacks.fetch_add(1, std::memory_order_relaxed);
        if (r.lastOutcome.kind == OutcomeKind::Rejected)
            t.rejections.fetch_add(1, std::memory_order_relaxed);
        else if (r.lastOutcome.isSuccess())
            t.successes.fetch_add(1, std::memory_order_relaxed);
        else
            t.failures.fetch_add(1, std::memory_order_relaxed);
    }
}
} // namespace

class TestPipelineThreads : public QObject {
    Q_OBJECT
private slots:
    void exactTotalsUnderContention()
    {
        constexpr int kThreads = 8;
        constexpr int kCallsPerThread = 3000;
        PipelineConfig c;
        c.name = QStringLiteral("stress");
        c.retry.maxAttempts = 3;
        c.retry.backoff.jitter = Jitter::Full;
        c.retry.retryAfter.defaultRetryDelay = Duration::zero();
        c.bulkheadEnabled = true;
        c.bulkhead = {2, kThreads, std::chrono::hours(1)}; // queue always has room: nobody is rejected
        c.fallbackEnabled = true;
        c.fallback.onFailure = false; // only rejections and timeouts
        CircuitBreakerConfig bc;
        bc.name = QStringLiteral("stress-cb");
        bc.failureThreshold = 1000000; // never trips: the totals below are exact
        auto breaker = std::make_shared<CircuitBreaker>(bc);
        CountingSink sink;
        Pipeline p(c, breaker, &sink);
        // Time never advances (no one writes the clock), waits return at once.
        VirtualClock clock;
        BlockingExecutor ex(p, clock, [](TimePoint) {});

        Totals t;
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i)
            threads.emplace_back([&] { hammer(ex, t, kCallsPerThread); });
        for (auto& th : threads)
            th.join();

        const long calls = long(kThreads) * kCallsPerThread;
        QCOMPARE(t.calls.load(), calls);
        QCOMPARE(t.successes + t.failures + t.rejections, calls);
        QCOMPARE(t.rejections.load(), 0L);
        QCOMPARE(t.fallbacks.load(), 0L);
        QCOMPARE(t.attempts.load(), t.invoked.load());
        QCOMPARE(sink.count(EventKind::RequestDone), calls);
        QCOMPARE(sink.count(EventKind::Attempt), t.attempts.load());
        QCOMPARE(sink.performed(), t.invoked.load());
        QCOMPARE(sink.count(EventKind::RetryScheduled), t.attempts.load() - calls);
        QCOMPARE(sink.count(EventKind::RetryGaveUp), t.failures.load());

        // Request ids 1..calls, each outcome a function of (id, attempt): recompute the exact expectation.
        long expSuccess = 0, expAttempts = 0;
        for (long id = 1; id <= calls; ++id) {
            if (id % 7 == 0) {
                expAttempts += 3;
            } else if (id % 5 == 0) {
                expAttempts += 1;
            } else {
                int a = 1;
                while ((id + a) % 3 == 0 && a < 3)
                    ++a;
                expAttempts += a;
                expSuccess += (id + a) % 3 == 0 ? 0 : 1;
            }
        }
        QCOMPARE(t.successes.load(), expSuccess);
        QCOMPARE(t.attempts.load(), expAttempts);

        const auto bs = breaker->stats(clock.now());
        QCOMPARE(long(bs.calls), t.invoked.load()); // breaker inside Retry: one record per attempt
        const auto bh = p.bulkhead()->stats();
        QCOMPARE(bh.active, 0);
        QCOMPARE(bh.queued, 0);
        QCOMPARE(long(bh.acquired), t.invoked.load());
        QCOMPARE(bh.rejected, quint64(0));
    }

    void rejectionsCountedExactly()
    {
        // No queue: concurrent calls beyond the slots are rejected; still calls = successes + rejections.
        constexpr int kThreads = 6;
        constexpr int kCallsPerThread = 2000;
        PipelineConfig c;
        c.name = QStringLiteral("narrow");
        c.retryEnabled = false;
        c.bulkheadEnabled = true;
        c.bulkhead = {1, 0, Duration::zero()};
        c.rateLimiterEnabled = true;
        c.rateLimiter.ratePerSecond = 1;
        c.rateLimiter.burst = kThreads * kCallsPerThread / 2; // half the calls get a token, never refilled
        CountingSink sink;
        Pipeline p(c, {}, &sink);
        VirtualClock clock;
        BlockingExecutor ex(p, clock, [](TimePoint) {});
        Totals t;
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i)
            threads.emplace_back([&] {
                for (int k = 0; k < kCallsPerThread; ++k) {
                    const CallResult r = ex.execute([&t] {
                        t.invoked.fetch_add(1, std::memory_order_relaxed);
                        return Outcome::success();
                    });
                    t.calls.fetch_add(1);
                    (r.succeeded() ? t.successes : t.rejections).fetch_add(1);
                }
            });
        for (auto& th : threads)
            th.join();
        const long calls = long(kThreads) * kCallsPerThread;
        QCOMPARE(t.successes + t.rejections, calls);
        QCOMPARE(t.successes.load(), t.invoked.load());
        const auto rl = p.rateLimiter()->stats(clock.now());
        QCOMPARE(long(rl.granted), calls / 2);
        QCOMPARE(long(rl.rejected), calls / 2);
        const auto bh = p.bulkhead()->stats();
        QCOMPARE(long(bh.acquired + bh.rejected), calls / 2);
        QCOMPARE(long(bh.acquired), t.successes.load());
        QCOMPARE(sink.count(EventKind::BulkheadRejected), long(bh.rejected));
        QCOMPARE(sink.count(EventKind::RateLimited), calls / 2);
        QCOMPARE(bh.active, 0);
    }

    void systemClockExecutorFromManyThreads()
    {
        PipelineConfig c;
        c.name = QStringLiteral("system");
        c.retry.maxAttempts = 2;
        c.retry.backoff.baseDelay = Duration::zero();
        c.retry.backoff.maxDelay = Duration::zero();
        Pipeline p(c);
        SystemClock clock;
        BlockingExecutor ex(p, clock); // shared by every thread, real sleeping
        std::atomic<long> ok {0}, attempts {0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i)
            threads.emplace_back([&] {
                for (int k = 0; k < 1000; ++k) {
                    const CallResult r = ex.execute([](const AttemptContext& ctx) {
                        return ctx.attempt == 1 ? Outcome::timeout(Duration(1)) : Outcome::success();
                    });
                    ok += r.succeeded() ? 1 : 0;
                    attempts += r.attempts;
                }
            });
        for (auto& th : threads)
            th.join();
        QCOMPARE(ok.load(), 4000L);
        QCOMPARE(attempts.load(), 8000L);
    }
};

QTEST_APPLESS_MAIN(TestPipelineThreads)
#include "tst_pipeline_threads.moc"
