// Several std::threads feed one Metrics sink while another reads snapshots. Run under ThreadSanitizer in CI.
#include "core/events/metrics.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace rwb;

class TestMetricsThreads : public QObject {
    Q_OBJECT
private slots:
    void countsAreExact()
    {
        constexpr int kThreads = 4;
        constexpr int kEvents = 10'000;
        Metrics metrics(std::chrono::hours(1), 12);
        std::atomic<bool> stop { false };
        std::thread reader([&] {
            while (!stop.load())
                (void)metrics.snapshotAll(metrics.latestEventTime());
        });
        std::vector<std::thread> workers;
        for (int t = 0; t < kThreads; ++t) {
            workers.emplace_back([&metrics, t] {
                Event e;
                e.kind = EventKind::RequestDone;
                e.source = t % 2 ? QStringLiteral("odd") : QStringLiteral("even");
                e.attempt = 2;
                for (int i = 0; i < kEvents; ++i) {
                    e.time = TimePoint(std::chrono::milliseconds(i));
                    e.total = std::chrono::milliseconds(1 + i % 100);
                    e.outcome = i % 5 == 0 ? OutcomeKind::Error : OutcomeKind::Success;
                    metrics.onEvent(e);
                }
            });
        }
        for (auto& w : workers)
            w.join();
        stop = true;
        reader.join();
        for (const auto& s : metrics.snapshotAll(TimePoint(std::chrono::milliseconds(kEvents)))) {
            QCOMPARE(s.calls, std::uint64_t(2 * kEvents));
            QCOMPARE(s.failures, std::uint64_t(2 * kEvents / 5));
            QCOMPARE(s.retries, std::uint64_t(2 * kEvents));
            QCOMPARE(s.windowCalls, std::uint64_t(2 * kEvents));
        }
    }
};

QTEST_GUILESS_MAIN(TestMetricsThreads)
#include "tst_metrics_threads.moc"
