#include "core/faults/contendedrecord.h"
#include "core/faults/servicequeue.h"

#include <QTest>

#include <vector>

using namespace rwb;

namespace {
using Admission = ServiceQueue::Admission;
using PickKind = ServiceQueue::Pick::Kind;

TimePoint ms(std::int64_t v) { return TimePoint(std::chrono::milliseconds(v)); }

QueueShape shape(int workers, int room, QueueDiscipline d = QueueDiscipline::Fifo)
{
    QueueShape s;
    s.workers = workers;
    s.waitingRoom = room;
    s.discipline = d;
    return s;
}

// Frees one worker at `t` and returns the jobs the free workers take, in order.
std::vector<ServiceQueue::Job> releaseAndTake(ServiceQueue& q, TimePoint t, const QueueShape& s)
{
    q.release(t);
    std::vector<ServiceQueue::Job> taken;
    for (auto p = q.pick(t, s); p.kind != PickKind::None; p = q.pick(t, s))
        if (p.kind == PickKind::Start)
            taken.push_back(p.job);
    return taken;
}
} // namespace

class TestServiceQueue : public QObject {
    Q_OBJECT

private slots:
    void workersThenWaitingRoomThenRefusal()
    {
        ServiceQueue q;
        const auto s = shape(2, 1);
        ServiceQueue::Ticket ticket = 0;
        QCOMPARE(q.arrive(ms(0), 1, s, &ticket), Admission::Start);
        QCOMPARE(q.arrive(ms(0), 2, s, &ticket), Admission::Start);
        QCOMPARE(q.arrive(ms(0), 3, s, &ticket), Admission::Wait);
        QCOMPARE(q.arrive(ms(0), 4, s, &ticket), Admission::Refuse);
        QCOMPARE(q.busy(), 2);
        QCOMPARE(q.waiting(), 1u);
        QCOMPARE(q.inSystem(), 3u);
    }

    void workConserving()
    {
        // A worker that frees up takes the waiting request at once: no idle worker while someone waits.
        ServiceQueue q;
        const auto s = shape(1, 10);
        ServiceQueue::Ticket t = 0;
        q.arrive(ms(0), 1, s, &t);
        q.arrive(ms(1), 2, s, &t);
        q.arrive(ms(2), 3, s, &t);
        QCOMPARE(releaseAndTake(q, ms(10), s), std::vector<ServiceQueue::Job>({2}));
        QCOMPARE(q.busy(), 1);
        QCOMPARE(releaseAndTake(q, ms(20), s), std::vector<ServiceQueue::Job>({3}));
        QCOMPARE(releaseAndTake(q, ms(30), s), std::vector<ServiceQueue::Job>());
        QCOMPARE(q.busy(), 0);
        // Busy from 0 to 30 ms: 30 worker-ms. In system: 1 until 1 ms, 2 until 2, 3 until 10, 2 until 20, 1 until 30.
        QCOMPARE(q.busyArea(), 30e6);
        QCOMPARE(q.systemArea(), 57e6);
    }

    void disciplines_data()
    {
        QTest::addColumn<int>("discipline");
        QTest::addColumn<std::vector<ServiceQueue::Job>>("order");
        QTest::newRow("fifo") << int(QueueDiscipline::Fifo) << std::vector<ServiceQueue::Job>({2, 3, 4});
        QTest::newRow("lifo") << int(QueueDiscipline::Lifo) << std::vector<ServiceQueue::Job>({4, 3, 2});
    }
    void disciplines()
    {
        QFETCH(int, discipline);
        QFETCH(std::vector<ServiceQueue::Job>, order);
        ServiceQueue q;
        const auto s = shape(1, 10, QueueDiscipline(discipline));
        ServiceQueue::Ticket t = 0;
        for (ServiceQueue::Job j = 1; j <= 4; ++j)
            q.arrive(ms(0), j, s, &t);
        std::vector<ServiceQueue::Job> got;
        for (int i = 0; i < 3; ++i)
            for (auto j : releaseAndTake(q, ms(1 + i), s))
                got.push_back(j);
        QCOMPARE(got, order);
    }

    void adaptiveLifoSwitchesUnderAStandingQueue()
    {
        ServiceQueue q;
        const auto s = shape(1, 10, QueueDiscipline::AdaptiveLifo); // congestion interval: 100 ms by default
        ServiceQueue::Ticket t = 0;
        q.arrive(ms(0), 1, s, &t);
        q.arrive(ms(1), 2, s, &t);
        q.arrive(ms(2), 3, s, &t);
        // 9 ms after the queue formed: not congested yet, oldest first.
        QCOMPARE(releaseAndTake(q, ms(10), s), std::vector<ServiceQueue::Job>({2}));
        q.arrive(ms(50), 4, s, &t);
        // The queue has not been empty since 1 ms: at 150 ms it is a standing queue, newest first.
        QCOMPARE(releaseAndTake(q, ms(150), s), std::vector<ServiceQueue::Job>({4}));
    }

    void queueTimeoutDropsStaleRequests()
    {
        ServiceQueue q;
        auto s = shape(1, 10);
        s.queueTimeout = 50ms;
        ServiceQueue::Ticket t = 0;
        q.arrive(ms(0), 1, s, &t);
        q.arrive(ms(0), 2, s, &t);
        q.arrive(ms(40), 3, s, &t);
        q.release(ms(60));
        const auto first = q.pick(ms(60), s);
        QCOMPARE(first.kind, PickKind::Drop);
        QCOMPARE(first.job, 2u);
        QCOMPARE(first.waited, Duration(60ms));
        const auto second = q.pick(ms(60), s);
        QCOMPARE(second.kind, PickKind::Start);
        QCOMPARE(second.job, 3u);
    }

    void codelTightensOnlyWhenCongested()
    {
        ServiceQueue q;
        auto s = shape(1, 100);
        s.codel = CoDel {5ms, 100ms};
        ServiceQueue::Ticket t = 0;
        q.arrive(ms(0), 1, s, &t);
        q.arrive(ms(0), 2, s, &t);
        // Waited 20 ms, queue non-empty for only 20 ms: the bound is the interval (100 ms), so it is served.
        QCOMPARE(releaseAndTake(q, ms(20), s), std::vector<ServiceQueue::Job>({2}));
        q.arrive(ms(30), 3, s, &t);
        for (ServiceQueue::Job j = 4; j < 20; ++j)
            q.arrive(ms(30 + j), j, s, &t);
        // At 200 ms the queue has stood for 170 ms: the bound tightens to 5 ms, so everything queued is stale.
        q.release(ms(200));
        int drops = 0;
        for (auto p = q.pick(ms(200), s); p.kind != PickKind::None; p = q.pick(ms(200), s))
            drops += p.kind == PickKind::Drop ? 1 : 0;
        QCOMPARE(drops, 17);
        QCOMPARE(q.busy(), 0);
    }

    void abandonRemovesOnlyTheNamedWaitingRequest()
    {
        ServiceQueue q;
        const auto s = shape(1, 10);
        ServiceQueue::Ticket t1 = 0, t2 = 0, t3 = 0, unused = 0;
        q.arrive(ms(0), 1, s, &unused);
        q.arrive(ms(0), 2, s, &t2);
        q.arrive(ms(0), 3, s, &t3);
        Q_UNUSED(t1);
        QVERIFY(q.abandon(ms(5), t2, 2));
        QVERIFY(!q.abandon(ms(5), t2, 2)); // already gone
        QVERIFY(!q.abandon(ms(5), t3, 7)); // ticket names another job
        QCOMPARE(q.waiting(), 1u);
        QCOMPARE(releaseAndTake(q, ms(10), s), std::vector<ServiceQueue::Job>({3}));
        QVERIFY(!q.abandon(ms(10), t3, 3)); // taken by a worker, no longer waiting
    }

    void ringGrowsAndKeepsOrder()
    {
        ServiceQueue q;
        const auto s = shape(1, 100000);
        ServiceQueue::Ticket t = 0;
        for (ServiceQueue::Job j = 0; j < 1000; ++j)
            q.arrive(ms(j), j, s, &t);
        for (ServiceQueue::Job j = 1; j < 1000; ++j)
            QCOMPARE(releaseAndTake(q, ms(1000 + j), s), std::vector<ServiceQueue::Job>({j}));
    }

    void unlimitedNeverWaits()
    {
        ServiceQueue q;
        const QueueShape s; // workers 0: unlimited
        ServiceQueue::Ticket t = 0;
        for (ServiceQueue::Job j = 0; j < 100; ++j)
            QCOMPARE(q.arrive(ms(0), j, s, &t), Admission::Start);
        QCOMPARE(q.busy(), 100);
        QCOMPARE(q.pick(ms(0), s).kind, PickKind::None);
    }

    void contendedRecordRefusesWritesAfterAConcurrentCommit()
    {
        ContendedRecord row;
        QVERIFY(row.write(ms(0), ms(10)));   // read at 0, commit at 10
        QVERIFY(!row.write(ms(5), ms(12)));  // read at 5, before the commit at 10: conflict
        QVERIFY(row.write(ms(10), ms(20)));  // read at the commit instant sees it
        QVERIFY(!row.write(ms(15), ms(25))); // read before the commit at 20
        QCOMPARE(row.lastCommit(), ms(20));
    }
};


QTEST_GUILESS_MAIN(TestServiceQueue)
#include "tst_servicequeue.moc"
