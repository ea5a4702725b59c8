#include "core/clock/virtualclock.h"
#include "core/log/eventcodec.h"
#include "core/log/jsonlwriter.h"
#include "core/log/logreplayer.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>

using namespace rwb;

namespace {
std::vector<Event> run()
{
    // Events at 0, 100 ms, 100 ms, 1 s, 10 s.
    std::vector<Event> events;
    const Duration at[] = {0ms, 100ms, 100ms, 1s, 10s};
    for (int i = 0; i < 5; ++i) {
        Event e;
        e.kind = i == 3 ? EventKind::BreakerTransition : EventKind::Attempt;
        e.time = TimePoint(at[i] + 2s);
        e.source = QStringLiteral("svc");
        e.requestId = std::uint64_t(i + 1);
        e.attempt = 1;
        e.latency = Duration(1234567 * (i + 1));
        if (i == 3) {
            e.requestId = 0;
            e.attempt = 0;
            e.latency = {};
            e.to = BreakerState::Open;
        }
        events.push_back(e);
    }
    return events;
}
} // namespace

class TestLogReplayer : public QObject {
    Q_OBJECT
private slots:
    void playsAtSpeedOnVirtualClock()
    {
        CollectingSink sink;
        LogReplayer replayer(&sink);
        replayer.load(run());
        VirtualClock driver;
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(0)); // paused
        replayer.play(driver.now());
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(1)); // the first event is due at once
        QCOMPARE(replayer.nextDueAt(driver.now()), std::optional<TimePoint>(TimePoint(100ms)));
        driver.advance(99ms);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(0));
        driver.advance(1ms);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(2));
        replayer.setSpeed(10, driver.now()); // 900 ms of log left until the transition: 90 ms
        driver.advance(89ms);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(0));
        driver.advance(1ms);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(1));
        QCOMPARE(replayer.position(driver.now()), TimePoint(3s));
        replayer.setSpeed(5000, driver.now()); // clamped to 1000
        QCOMPARE(replayer.speed(), LogReplayer::kMaxSpeed);
        driver.advance(9ms);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(1));
        QVERIFY(replayer.atEnd());
        QVERIFY(!replayer.nextDueAt(driver.now()).has_value());
        const auto got = sink.events();
        QCOMPARE(got.size(), std::size_t(5));
        QVERIFY(got == run()); // identical events, in order
    }

    void pauseStepSeek()
    {
        CollectingSink sink;
        LogReplayer replayer(&sink);
        replayer.load(run());
        VirtualClock driver;
        replayer.play(driver.now());
        driver.advance(150ms);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(3));
        replayer.pause(driver.now());
        QVERIFY(!replayer.isPlaying());
        driver.advance(1h);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(0));
        QCOMPARE(replayer.position(driver.now()), TimePoint(2150ms));

        QVERIFY(replayer.step(driver.now())); // the breaker transition, whatever its time
        QCOMPARE(sink.size(), std::size_t(4));
        QVERIFY(sink.events().back().kind == EventKind::BreakerTransition);
        QCOMPARE(replayer.position(driver.now()), TimePoint(3s));

        replayer.seek(TimePoint(2050ms), driver.now());
        QCOMPARE(replayer.nextIndex(), std::size_t(1));
        sink.take();
        QCOMPARE(replayer.emitHistory(), std::size_t(1));
        QCOMPARE(sink.take().front().requestId, std::uint64_t(1));
        replayer.play(driver.now());
        driver.advance(50ms);
        QCOMPARE(replayer.advanceTo(driver.now()), std::size_t(2));
        replayer.seek(TimePoint(1h), driver.now());
        QVERIFY(replayer.atEnd());
        QVERIFY(!replayer.step(driver.now()));
    }

    void loadsFromLogWrittenByWriter()
    {
        QTemporaryDir dir;
        VirtualClock clock;
        JsonlWriter::Options o;
        o.directory = dir.path();
        o.name = QStringLiteral("run");
        {
            JsonlWriter writer(clock, o);
            writer.info(QStringLiteral("scenario started")); // not an event: skipped
            for (const Event& e : run())
                writer.onEvent(e);
        }
        const QString path = JsonlWriter::pathFor(dir.path(), o.name, clock.originUtcMs());
        LogIndex index;
        QVERIFY(index.open(path));
        index.waitForFinished();
        LogReplayer replayer;
        replayer.load(index.snapshot(), clock.originUtcMs());
        QCOMPARE(replayer.eventCount(), std::size_t(5));
        QCOMPARE(replayer.skippedLines(), std::size_t(1));
        QVERIFY(replayer.events() == run()); // exact, down to the nanosecond fields
        QCOMPARE(replayer.startTime(), TimePoint(2s));
        QCOMPARE(replayer.endTime(), TimePoint(12s));

        LogReplayer automatic; // origin from the first event line: times relative to it
        automatic.load(index.snapshot());
        QCOMPARE(automatic.originUtcMs(), clock.originUtcMs() + 2000);
        QCOMPARE(automatic.startTime(), TimePoint {});
    }

    void takeEventsEmptiesTheReplayer()
    {
        LogReplayer replayer;
        replayer.load(run(), 1000);
        QCOMPARE(replayer.eventCount(), std::size_t(5));
        const std::vector<Event> taken = replayer.takeEvents();
        QVERIFY(taken == run());
        QCOMPARE(replayer.eventCount(), std::size_t(0));
        QVERIFY(!replayer.isPlaying());
        QCOMPARE(replayer.startTime(), TimePoint {});
    }

    void runStartedLineIsTimeZero()
    {
        QTemporaryDir dir;
        VirtualClock clock;
        clock.advance(1h); // the writer stamps the run start at the clock's origin, not at "now"
        JsonlWriter::Options o;
        o.directory = dir.path();
        o.name = QStringLiteral("run");
        {
            JsonlWriter writer(clock, o);
            writer.runStarted(QStringLiteral("outage"), 42);
            for (const Event& e : run()) // the first event is 2 s into the run
                writer.onEvent(e);
        }
        const QString path = JsonlWriter::pathFor(dir.path(), o.name, clock.originUtcMs());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray first = file.readLine();
        QVERIFY(first.contains(R"("event": "run_started", "scenario": "outage", "seed": 42)"));
        LogIndex index;
        QVERIFY(index.open(path));
        index.waitForFinished();
        LogReplayer replayer;
        replayer.load(index.snapshot()); // no origin given: the run_started line sets it
        QCOMPARE(replayer.originUtcMs(), clock.originUtcMs());
        QCOMPARE(replayer.skippedLines(), std::size_t(0)); // the marker is not an unreadable line
        QVERIFY(replayer.events() == run());
        QCOMPARE(replayer.startTime(), TimePoint(2s));
    }

    void decodesInParallelLikeOnePass_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
        QTest::newRow("7") << 7;
        QTest::newRow("auto") << 0;
    }
    void decodesInParallelLikeOnePass()
    {
        QFETCH(int, threads);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        std::vector<Event> expected;
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray out;
            for (int i = 0; i < 1000; ++i) {
                Event e;
                e.kind = EventKind::Attempt;
                e.source = QStringLiteral("svc%1").arg(i % 7);
                e.requestId = std::uint64_t(i + 1);
                e.attempt = 1;
                // line 500 was written 3 ms late: decoding must put it back in time order
                const Duration at = i == 500 ? Duration(503ms) : Duration(std::chrono::milliseconds(i));
                e.time = TimePoint(at);
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at).count();
                eventcodec::encode(e, 1767454200000 + ms, out);
                if (i % 10 == 0)
                    out += "not json\n"; // skipped
                expected.push_back(e);
            }
            QVERIFY(f.write(out) == out.size());
        }
        const auto byTime = [](const Event& a, const Event& b) { return a.time < b.time; };
        std::stable_sort(expected.begin(), expected.end(), byTime);
        LogIndex index;
        QVERIFY(index.open(path));
        index.waitForFinished();

        LogReplayer::Decoded decoded = LogReplayer::decode(index.snapshot(), -1, nullptr, threads);
        QVERIFY(!decoded.cancelled);
        QCOMPARE(decoded.originUtcMs, qint64(1767454200000));
        QCOMPARE(decoded.skipped, std::size_t(100));
        QCOMPARE(decoded.events.size(), expected.size());
        QVERIFY(decoded.events == expected);

        LogReplayer replayer;
        replayer.load(std::move(decoded));
        QCOMPARE(replayer.eventCount(), std::size_t(1000));
        QCOMPARE(replayer.skippedLines(), std::size_t(100));
        QCOMPARE(replayer.originUtcMs(), qint64(1767454200000));
        QCOMPARE(replayer.endTime(), TimePoint(999ms));

        std::atomic_bool cancel {true};
        const LogReplayer::Decoded cancelled = LogReplayer::decode(index.snapshot(), -1, &cancel, threads);
        QVERIFY(cancelled.cancelled);
        QVERIFY(cancelled.events.empty());
    }

    void loadSortsEventsOutOfOrder()
    {
        std::vector<Event> events = run();
        std::swap(events.front(), events.back());
        LogReplayer replayer;
        replayer.load(std::move(events));
        QVERIFY(replayer.events() == run()); // stable: the two events at 100 ms keep their order
    }
};

QTEST_GUILESS_MAIN(TestLogReplayer)
#include "tst_logreplayer.moc"
