#include "core/clock/virtualclock.h"

#include <QTest>

#include <vector>

using namespace rwb;

class TestVirtualClock : public QObject {
    Q_OBJECT
private slots:
    void timeMovesOnlyWhenTold()
    {
        VirtualClock clock;
        QCOMPARE(clock.now(), TimePoint {});
        clock.advance(5s);
        QCOMPARE(clock.now(), TimePoint(5s));
        QCOMPARE(clock.toUtcMs(clock.now()), VirtualClock::kDefaultOriginUtcMs + 5000);
    }

    void firesInTimeThenSchedulingOrder()
    {
        VirtualClock clock;
        std::vector<int> fired;
        clock.schedule(TimePoint(3s), [&] { fired.push_back(3); });
        clock.schedule(TimePoint(1s), [&] { fired.push_back(1); });
        clock.schedule(TimePoint(2s), [&] { fired.push_back(21); });
        clock.schedule(TimePoint(2s), [&] { fired.push_back(22); });
        clock.runUntil(TimePoint(10s));
        QCOMPARE(fired, (std::vector<int> {1, 21, 22, 3}));
        QCOMPARE(clock.now(), TimePoint(10s));
    }

    void callbacksSeeTheirOwnTimeAndMayReschedule()
    {
        VirtualClock clock;
        std::vector<TimePoint> seen;
        std::function<void()> tick = [&] {
            seen.push_back(clock.now());
            if (seen.size() < 3)
                clock.scheduleAfter(100ms, tick);
        };
        clock.scheduleAfter(100ms, tick);
        while (clock.runNext()) { }
        QCOMPARE(seen, (std::vector<TimePoint> {TimePoint(100ms), TimePoint(200ms), TimePoint(300ms)}));
    }

    void cancel()
    {
        VirtualClock clock;
        int fired = 0;
        const auto a = clock.scheduleAfter(1s, [&] { ++fired; });
        clock.scheduleAfter(2s, [&] { ++fired; });
        QCOMPARE(clock.pendingTimers(), std::size_t(2));
        QVERIFY(clock.cancel(a));
        QVERIFY(!clock.cancel(a));
        QVERIFY(!clock.cancel(999));
        QCOMPARE(clock.pendingTimers(), std::size_t(1));
        QCOMPARE(clock.nextTimerAt(), std::optional<TimePoint>(TimePoint(2s)));
        clock.runUntil(TimePoint(5s));
        QCOMPARE(fired, 1);
        QCOMPARE(clock.pendingTimers(), std::size_t(0));
    }

    void pastTimersAreClampedAndTimeNeverGoesBack()
    {
        VirtualClock clock;
        clock.advance(10s);
        TimePoint firedAt {};
        clock.schedule(TimePoint(1s), [&] { firedAt = clock.now(); });
        clock.runUntil(TimePoint(2s));
        QCOMPARE(firedAt, TimePoint(10s));
        QCOMPARE(clock.now(), TimePoint(10s));
    }
};

QTEST_GUILESS_MAIN(TestVirtualClock)
#include "tst_virtualclock.moc"
