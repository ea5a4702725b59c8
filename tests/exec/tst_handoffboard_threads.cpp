// The blocking executor's hand-off board: tickets posted before or while a thread waits, never lost,
// each taken once. Uses plain std::thread (label "tsan").
#include "core/exec/handoffboard.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace rwb;

class TestHandoffBoardThreads : public QObject {
    Q_OBJECT
private slots:
    void postedTicketIsTakenOnce()
    {
        HandoffBoard board;
        board.post(7);
        QVERIFY(!board.wait(8, Duration::zero())); // another ticket does not count
        QVERIFY(board.wait(7, Duration::zero()));
        QVERIFY(!board.wait(7, Duration::zero())); // taken off the board
    }

    void waitTimesOutWithoutPost()
    {
        HandoffBoard board;
        QVERIFY(!board.wait(1, 5ms));
        QVERIFY(!board.wait(1, -5ms)); // a negative timeout only checks
    }

    void postWakesWaitingThreads()
    {
        constexpr int kThreads = 6;
        HandoffBoard board;
        std::atomic<int> woken { 0 };
        std::vector<std::thread> threads;
        for (int i = 1; i <= kThreads; ++i)
            threads.emplace_back([&board, &woken, i] {
                if (board.wait(BulkheadTicket(i), std::chrono::minutes(1)))
                    woken.fetch_add(1);
            });
        for (int i = kThreads; i >= 1; --i) // in any order, before or after each thread started waiting
            board.post(BulkheadTicket(i));
        for (auto& t : threads)
            t.join();
        QCOMPARE(woken.load(), kThreads);
        for (int i = 1; i <= kThreads; ++i)
            QVERIFY(!board.wait(BulkheadTicket(i), Duration::zero())); // nothing left behind
    }
};

QTEST_APPLESS_MAIN(TestHandoffBoardThreads)
#include "tst_handoffboard_threads.moc"
