#include "core/policy/bulkhead.h"

#include <QTest>

using namespace rwb;

namespace {
BulkheadConfig cfg(int maxConcurrent, int maxQueue, Duration wait = 100ms)
{
    BulkheadConfig c;
    c.maxConcurrent = maxConcurrent;
    c.maxQueue = maxQueue;
    c.maxQueueWait = maxQueue > 0 ? wait : Duration::zero();
    return c;
}
const TimePoint t0 {std::chrono::seconds(10)};
using Kind = BulkheadDecision::Kind;
} // namespace

class TestBulkhead : public QObject {
    Q_OBJECT
private slots:
    void acquireUntilFullThenReject()
    {
        Bulkhead b(cfg(2, 0));
        QVERIFY(b.tryAcquire(t0).kind == Kind::Acquired);
        QVERIFY(b.tryAcquire(t0).kind == Kind::Acquired);
        QVERIFY(b.tryAcquire(t0).kind == Kind::Rejected);
        auto s = b.stats();
        QCOMPARE(s.active, 2);
        QCOMPARE(s.availableCapacity, 0);
        QCOMPARE(s.rejected, quint64(1));
        QCOMPARE(b.release(t0), std::nullopt);
        QCOMPARE(b.stats().availableCapacity, 1);
        QVERIFY(b.tryAcquire(t0).kind == Kind::Acquired);
    }

    void queueIsFifoAndHandsOffSlots()
    {
        Bulkhead b(cfg(1, 2, 50ms));
        QVERIFY(b.tryAcquire(t0).kind == Kind::Acquired);
        const auto q1 = b.tryAcquire(t0);
        const auto q2 = b.tryAcquire(t0 + 5ms);
        QVERIFY(q1.kind == Kind::Queued && q2.kind == Kind::Queued);
        QVERIFY(q1.ticket != 0 && q2.ticket != q1.ticket);
        QCOMPARE(q1.queueDeadline, t0 + 50ms);
        QCOMPARE(q2.queueDeadline, t0 + 55ms);
        QVERIFY(b.tryAcquire(t0).kind == Kind::Rejected); // queue full
        QCOMPARE(b.stats().queued, 2);
        // A release hands the slot to the oldest ticket; active stays 1.
        QCOMPARE(b.release(t0 + 10ms), std::optional<BulkheadTicket>(q1.ticket));
        QCOMPARE(b.stats().active, 1);
        QCOMPARE(b.stats().queued, 1);
        // A newcomer cannot overtake the queue even though... the slot count is full anyway: queued behind q2.
        const auto q3 = b.tryAcquire(t0 + 11ms);
        QVERIFY(q3.kind == Kind::Queued);
        QCOMPARE(b.release(t0 + 12ms), std::optional<BulkheadTicket>(q2.ticket));
        QCOMPARE(b.release(t0 + 13ms), std::optional<BulkheadTicket>(q3.ticket));
        QCOMPARE(b.release(t0 + 14ms), std::nullopt);
        QCOMPARE(b.stats().active, 0);
        QCOMPARE(b.stats().acquired, quint64(4));
    }

    void cancelAtDeadline()
    {
        Bulkhead b(cfg(1, 1, 50ms));
        QVERIFY(b.tryAcquire(t0).kind == Kind::Acquired);
        const auto q = b.tryAcquire(t0);
        QVERIFY(b.cancel(q.ticket, q.queueDeadline)); // removed: counted as rejected
        QCOMPARE(b.stats().rejected, quint64(1));
        QCOMPARE(b.stats().queued, 0);
        QVERIFY(!b.cancel(q.ticket, q.queueDeadline)); // not queued any more
        QCOMPARE(b.release(t0), std::nullopt);
    }

    void cancelLosesRaceToHandoff()
    {
        Bulkhead b(cfg(1, 1, 50ms));
        QVERIFY(b.tryAcquire(t0).kind == Kind::Acquired);
        const auto q = b.tryAcquire(t0);
        QCOMPARE(b.release(t0 + 50ms), std::optional<BulkheadTicket>(q.ticket));
        QVERIFY(!b.cancel(q.ticket, t0 + 50ms)); // the caller owns the slot after all
        QCOMPARE(b.stats().active, 1);
        QCOMPARE(b.stats().rejected, quint64(0));
    }

    void validation_data()
    {
        QTest::addColumn<int>("maxConcurrent");
        QTest::addColumn<int>("maxQueue");
        QTest::addColumn<qint64>("waitMs");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("ok") << 1 << 0 << qint64(0) << QStringList {};
        QTest::newRow("zero-capacity") << 0 << 0 << qint64(0)
                                       << QStringList {QStringLiteral("max_concurrent: expected an integer >= 1, got 0")};
        QTest::newRow("negative-queue") << 1 << -1 << qint64(0)
                                        << QStringList {QStringLiteral("max_queue: expected an integer >= 0, got -1")};
        QTest::newRow("queue-without-wait")
            << 1 << 3 << qint64(0)
            << QStringList {QStringLiteral("max_queue_wait: expected a duration > 0 ms when max_queue > 0, got 0 ms")};
        QTest::newRow("negative-wait") << 1 << 0 << qint64(-5)
                                       << QStringList {QStringLiteral("max_queue_wait: expected a duration >= 0 ms, got -5 ms")};
    }
    void validation()
    {
        QFETCH(int, maxConcurrent);
        QFETCH(int, maxQueue);
        QFETCH(qint64, waitMs);
        QFETCH(QStringList, expected);
        const BulkheadConfig c {maxConcurrent, maxQueue, std::chrono::milliseconds(waitMs)};
        QStringList got;
        for (const auto& e : BulkheadConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, expected);
        if (!expected.isEmpty())
            QVERIFY_THROWS_EXCEPTION(InvalidConfig, Bulkhead {c});
    }
};

QTEST_APPLESS_MAIN(TestBulkhead)
#include "tst_bulkhead.moc"
