// The event bridge: batching on a controllable (virtual) pacing clock, order, bounded memory,
// delivery from worker threads to the GUI thread.

#include "core/clock/virtualclock.h"
#include "ui/run/eventbridge.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <thread>

using namespace rwb;

namespace {
Event numbered(std::uint64_t i)
{
    Event e;
    e.kind = EventKind::Attempt;
    e.requestId = i;
    e.time = TimePoint(std::chrono::microseconds(i));
    return e;
}
} // namespace

class TestEventBridge : public QObject {
    Q_OBJECT
private slots:
    void batchesAtMostMaxRate_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("tickMs");
        QTest::newRow("30/s, 1 ms ticks") << 30 << 1;
        QTest::newRow("60/s, 5 ms ticks") << 60 << 5;
        QTest::newRow("30/s, 16 ms ticks") << 30 << 16;
        QTest::newRow("clamped 500 -> 60/s") << 500 << 1;
    }
    void batchesAtMostMaxRate()
    {
        QFETCH(int, rate);
        QFETCH(int, tickMs);
        VirtualClock clock;
        EventBridge bridge(nullptr, &clock);
        bridge.setAutoFlush(false);
        bridge.setMaxRate(rate);
        QSignalSpy batches(&bridge, &EventBridge::eventsReady);
        std::uint64_t posted = 0;
        // ten simulated seconds of a steady event stream, ticking like a timer
        for (int ms = 0; ms < 10000; ms += tickMs) {
            for (int k = 0; k < 7; ++k)
                bridge.onEvent(numbered(posted++));
            clock.advance(std::chrono::milliseconds(tickMs));
            bridge.tick();
        }
        bridge.flush();
        const int allowed = std::min(rate, 60) * 10 + 2;
        QVERIFY2(batches.size() <= allowed, qPrintable(QString::number(batches.size())));
        QVERIFY(batches.size() >= allowed * 8 / 10); // and it does keep up
        // every event delivered once, in order
        std::uint64_t expected = 0;
        for (const auto& args : batches) {
            const auto batch = args.at(0).value<EventBatch>();
            QVERIFY(!batch.empty());
            for (const Event& e : batch)
                QCOMPARE(e.requestId, expected++);
        }
        QCOMPARE(expected, posted);
        QCOMPARE(bridge.delivered(), posted);
    }

    void noBatchWhenIdle()
    {
        VirtualClock clock;
        EventBridge bridge(nullptr, &clock);
        bridge.setAutoFlush(false);
        QSignalSpy batches(&bridge, &EventBridge::eventsReady);
        for (int i = 0; i < 100; ++i) {
            clock.advance(100ms);
            QVERIFY(!bridge.tick());
        }
        QCOMPARE(batches.size(), 0);
    }

    void boundedMemoryDropsAndReports()
    {
        VirtualClock clock;
        EventBridge bridge(nullptr, &clock);
        bridge.setAutoFlush(false);
        bridge.setCapacity(1000);
        QSignalSpy dropped(&bridge, &EventBridge::eventsDropped);
        QSignalSpy batches(&bridge, &EventBridge::eventsReady);
        for (std::uint64_t i = 0; i < 5000; ++i)
            bridge.onEvent(numbered(i));
        QCOMPARE(bridge.pending(), std::size_t(1000));
        QCOMPARE(bridge.dropped(), std::uint64_t(4000));
        bridge.post({numbered(1), numbered(2)});
        QCOMPARE(bridge.dropped(), std::uint64_t(4002));
        bridge.flush();
        QCOMPARE(dropped.size(), 1);
        QCOMPARE(dropped.at(0).at(0).toULongLong(), 4002ull);
        QCOMPARE(batches.at(0).at(0).value<EventBatch>().size(), std::size_t(1000));
        QCOMPARE(bridge.pending(), std::size_t(0));
    }

    void deliversFromWorkerThreadsOnTheGuiThread()
    {
        EventBridge bridge; // real clock and timer
        bridge.setMaxRate(60);
        std::uint64_t received = 0;
        int batches = 0;
        bool onGuiThread = true;
        connect(&bridge, &EventBridge::eventsReady, this, [&](const EventBatch& b) {
            received += b.size();
            ++batches;
            onGuiThread = onGuiThread && QThread::currentThread() == qApp->thread();
        });
        constexpr int kThreads = 4;
        constexpr int kPerThread = 50000;
        std::vector<std::thread> producers;
        for (int t = 0; t < kThreads; ++t)
            producers.emplace_back([&bridge, t] {
                for (int i = 0; i < kPerThread; ++i)
                    bridge.onEvent(numbered(std::uint64_t(t) * kPerThread + std::uint64_t(i)));
            });
        for (auto& p : producers)
            p.join();
        QTRY_COMPARE(received, std::uint64_t(kThreads) * kPerThread);
        QVERIFY(onGuiThread);
        QVERIFY(batches >= 1);
    }
};

QTEST_MAIN(TestEventBridge)
#include "tst_eventbridge.moc"
