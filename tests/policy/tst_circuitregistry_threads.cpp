// Concurrent get-or-create, use and stats on one CircuitRegistry. Run under ThreadSanitizer in CI.
#include "core/policy/circuitregistry.h"

#include <QTest>

#include <thread>
#include <vector>

using namespace rwb;

class TestCircuitRegistryThreads : public QObject {
    Q_OBJECT
private slots:
    void concurrentGetOrCreateYieldsOneCircuitPerName()
    {
        constexpr int kThreads = 4;
        constexpr int kIterations = 5'000;
        constexpr int kNames = 7;
        CircuitRegistry registry;
        CircuitBreakerConfig cfg;
        cfg.failureThreshold = 1'000'000;
        std::vector<std::thread> workers;
        for (int t = 0; t < kThreads; ++t) {
            workers.emplace_back([&registry, &cfg, t] {
                for (int i = 0; i < kIterations; ++i) {
                    auto cb = registry.getOrCreate(QStringLiteral("svc-%1").arg((i + t) % kNames), cfg);
                    auto a = cb->tryAcquire(TimePoint {});
                    cb->onOutcome(a.permit, Outcome::success(), TimePoint {});
                    if (i % 500 == 0)
                        (void)registry.status(TimePoint {});
                }
            });
        }
        for (auto& w : workers)
            w.join();
        QCOMPARE(registry.size(), std::size_t(kNames));
        std::uint64_t total = 0;
        for (const auto& s : registry.allStats(TimePoint {}))
            total += s.calls;
        QCOMPARE(total, std::uint64_t(kThreads * kIterations));
    }
};

QTEST_GUILESS_MAIN(TestCircuitRegistryThreads)
#include "tst_circuitregistry_threads.moc"
