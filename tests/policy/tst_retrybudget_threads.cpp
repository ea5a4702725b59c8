// A RetryBudget and a RetryThrottle shared by several threads keep exact totals. Run under
// ThreadSanitizer in CI.
#include "core/policy/retrybudget.h"
#include "core/policy/retrythrottle.h"

#include <QTest>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

using namespace rwb;

class TestRetryBudgetThreads : public QObject {
    Q_OBJECT
private slots:
    void grantsExactlyTheShare()
    {
        constexpr int kThreads = 4;
        constexpr int kRequests = 10'000;
        RetryBudgetConfig c;
        c.percent = 20;
        c.minRetriesPerSecond = 10; // reserve 100 over the 10 s window
        RetryBudget budget(c);
        std::atomic<int> granted { 0 };
        std::barrier depositsDone(kThreads);
        std::vector<std::thread> workers;
        for (int t = 0; t < kThreads; ++t) {
            workers.emplace_back([&] {
                const TimePoint now(3s);
                for (int i = 0; i < kRequests; ++i)
                    budget.onRequest(now);
                depositsDone.arrive_and_wait();
                for (int i = 0; i < kRequests; ++i)
                    granted += budget.tryRetry(now) ? 1 : 0;
            });
        }
        for (auto& w : workers)
            w.join();
        QCOMPARE(granted.load(), kThreads * kRequests / 5 + 100);
        QCOMPARE(budget.stats(TimePoint(3s)).denied, std::uint64_t(kThreads * kRequests - granted.load()));
    }

    void throttleCountsEveryToken()
    {
        constexpr int kThreads = 4;
        RetryThrottleConfig c;
        c.maxTokens = 1000;
        c.tokenRatio = 1;
        RetryThrottle throttle(c);
        std::vector<std::thread> workers;
        for (int t = 0; t < kThreads; ++t)
            workers.emplace_back([&] {
                for (int i = 0; i < 100; ++i)
                    throttle.onFailure();
                for (int i = 0; i < 40; ++i)
                    throttle.onSuccess();
            });
        for (auto& w : workers)
            w.join();
        QCOMPARE(throttle.tokens(), 1000.0 - 4 * 100 + 4 * 40);
    }
};

QTEST_GUILESS_MAIN(TestRetryBudgetThreads)
#include "tst_retrybudget_threads.moc"
