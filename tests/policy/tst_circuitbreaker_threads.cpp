// Several std::threads hammer one CircuitBreaker; totals must be exact. Run under ThreadSanitizer in CI.
#include "core/events/eventsink.h"
#include "core/policy/circuitbreaker.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace rwb;

namespace {
constexpr int kThreads = 4;
constexpr int kIterations = 20'000;
} // namespace

class TestCircuitBreakerThreads : public QObject {
    Q_OBJECT
private slots:
    void closedPathCountsAreExact()
    {
        CircuitBreakerConfig cfg;
        cfg.tripMode = TripMode::CountWindow;
        cfg.windowSize = 50;
        cfg.minimumCalls = 50;
        cfg.failureRateThreshold = 1.0; // never reached: one call in four fails
        CircuitBreaker cb(cfg);
        std::atomic<bool> stop { false };
        std::thread reader([&] {
            while (!stop.load())
                (void)cb.stats(TimePoint(1s));
        });
        std::vector<std::thread> workers;
        for (int t = 0; t < kThreads; ++t) {
            workers.emplace_back([&cb, t] {
                for (int i = 0; i < kIterations; ++i) {
                    const TimePoint now { std::chrono::microseconds(i) };
                    auto a = cb.tryAcquire(now);
                    if (!a)
                        continue;
                    if ((i + t) % 4 == 0)
                        cb.onOutcome(a.permit, Outcome::error(ErrorClass::connectionReset(), 1ms), now);
                    else
                        cb.onOutcome(a.permit, Outcome::success(1ms), now);
                }
            });
        }
        for (auto& w : workers)
            w.join();
        stop = true;
        reader.join();
        const auto s = cb.stats(TimePoint(1s));
        QCOMPARE(s.calls, std::uint64_t(kThreads * kIterations));
        QCOMPARE(s.failures, std::uint64_t(kThreads * kIterations / 4));
        QCOMPARE(s.successes, std::uint64_t(kThreads * kIterations * 3 / 4));
        QCOMPARE(s.rejections, std::uint64_t(0));
        QCOMPARE(s.windowCalls, std::int64_t(50));
        QCOMPARE(toString(s.state), toString(BreakerState::Closed));
    }

    void trippingUnderContentionKeepsInvariants()
    {
        CircuitBreakerConfig cfg;
        cfg.failureThreshold = 3;
        cfg.recoveryTimeout = 50us;
        cfg.permittedProbes = 2;
        cfg.successThreshold = 2;
        CollectingSink sink;
        CircuitBreaker cb(cfg, &sink);
        std::atomic<std::int64_t> clock { 0 };
        std::atomic<std::uint64_t> admitted { 0 }, rejected { 0 }, cancelled { 0 };
        std::vector<std::thread> workers;
        for (int t = 0; t < kThreads; ++t) {
            workers.emplace_back([&, t] {
                for (int i = 0; i < kIterations; ++i) {
                    const TimePoint now { std::chrono::microseconds(clock.fetch_add(1)) };
                    auto a = cb.tryAcquire(now, std::uint64_t(t) * kIterations + std::uint64_t(i));
                    if (!a) {
                        ++rejected;
                        continue;
                    }
                    ++admitted;
                    // Runs of four failures trip the circuit even when the threads happen to run one
                    // after the other.
                    const int phase = (i + t) % 12;
                    if (phase == 11) {
                        cb.onCancelled(a.permit);
                        ++cancelled;
                    } else if (phase < 4) {
                        cb.onOutcome(a.permit, Outcome::timeout(1ms), now);
                    } else {
                        cb.onOutcome(a.permit, Outcome::success(1ms), now);
                    }
                }
            });
        }
        for (auto& w : workers)
            w.join();
        const auto end = TimePoint(std::chrono::microseconds(clock.load()));
        const auto s = cb.stats(end);
        QCOMPARE(admitted + rejected, std::uint64_t(kThreads * kIterations));
        QCOMPARE(s.rejections, rejected.load());
        QCOMPARE(s.calls + cancelled.load(), admitted.load());
        QCOMPARE(s.probesInFlight, 0);
        QVERIFY(s.trips > 10);
        qInfo("%llu trips, %llu rejected", static_cast<unsigned long long>(s.trips),
            static_cast<unsigned long long>(rejected.load()));
        QVERIFY(rejected > 0);

        std::uint64_t opens = 0, rejectedEvents = 0;
        for (const auto& e : sink.events()) {
            if (e.kind == EventKind::BreakerTransition && e.to == BreakerState::Open)
                ++opens;
            if (e.kind == EventKind::BreakerRejected)
                ++rejectedEvents;
        }
        QCOMPARE(opens, s.trips);
        QCOMPARE(rejectedEvents, rejected.load());
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreakerThreads)
#include "tst_circuitbreaker_threads.moc"
