// Replays a recorded run (simulated, written as JSONL, indexed) through the controls and the event
// bridge into a breaker chart, on a virtual driver clock: the chart ends up with exactly the
// transitions of the recording and the same bands a live feed draws.

#include "tst_chartfixture.h"

#include "core/clock/virtualclock.h"
#include "core/log/eventcodec.h"
#include "core/log/logindex.h"
#include "ui/charts/breakerstatechart.h"
#include "ui/run/eventbridge.h"
#include "ui/shell/replaycontrols.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {
constexpr qint64 kOrigin = 1767225600000;

std::vector<BreakerTransitionMark> recordedTransitions(const std::vector<Event>& events, const QString& circuit)
{
    std::vector<BreakerTransitionMark> out;
    for (const Event& e : events)
        if (e.kind == EventKind::BreakerTransition && e.source == circuit)
            out.push_back({e.time, e.from, e.to, e.text});
    return out;
}
} // namespace

class TestReplayControls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_run = testing::runDemo(60);
        QFile file(m_dir.filePath(QStringLiteral("run.jsonl")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray out;
        for (const Event& e : m_run.events)
            eventcodec::encode(e, kOrigin + std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count(), out);
        QVERIFY(file.write(out) == out.size());
        file.close();
        QVERIFY(m_index.open(file.fileName()));
        m_index.waitForFinished();
        QCOMPARE(m_index.rowCount(), qint64(m_run.events.size()));
    }

    void opensDrawnUnlessTooLarge()
    {
        VirtualClock driver;
        ReplayControls controls(nullptr, &driver);
        std::size_t overview = 0;
        connect(&controls, &ReplayControls::overviewEvents, this,
            [&overview](const EventBatch& batch) { overview += batch.size(); });
        QSignalSpy whole(&controls, &ReplayControls::wholeLogShown);

        // drawn whole, in slices, the playhead at the start
        controls.loadEvents(m_run.events);
        QVERIFY(controls.isOverview());
        QTRY_COMPARE(whole.count(), 1);
        QCOMPARE(overview, m_run.events.size());
        QVERIFY(controls.overviewDrawn());
        QCOMPARE(controls.position(), controls.replayer().startTime());

        // above the limit: nothing drawn until asked; the end button draws everything
        controls.setOverviewLimit(m_run.events.size() - 1);
        overview = 0;
        controls.loadEvents(m_run.events);
        QVERIFY(!controls.isOverview());
        QTest::qWait(20);
        QCOMPARE(overview, std::size_t(0));
        QSignalSpy rewound(&controls, &ReplayControls::rewound);
        controls.jumpToEnd();
        QVERIFY(controls.replayer().atEnd());
        QCOMPARE(rewound.count(), 1);
        QCOMPARE(whole.count(), 2);
    }

    void replayDrawsTheRecordedTransitions()
    {
        VirtualClock driver;
        EventBridge bridge(nullptr, &driver);
        bridge.setAutoFlush(false);
        ReplayControls controls(nullptr, &driver);
        controls.setBridge(&bridge);
        BreakerStateChart replayed;
        connect(&bridge, &EventBridge::eventsReady, &replayed, &BreakerStateChart::appendEvents);
        connect(&controls, &ReplayControls::rewound, &replayed, [&replayed](const EventBatch& history) {
            replayed.clear();
            replayed.appendEvents(history);
        });
        QCOMPARE(controls.loadLog(m_index.snapshot(), kOrigin), m_run.events.size());
        QSignalSpy finished(&controls, &ReplayControls::finished);
        controls.setSpeed(100);
        controls.play();
        int ticks = 0;
        while (finished.isEmpty() && ticks < 100000) {
            driver.advance(16ms); // a 60 Hz timer
            controls.tick();
            bridge.tick();
            ++ticks;
        }
        bridge.flush();
        QCOMPARE(finished.size(), 1);
        QVERIFY(bridge.batches() > 1);
        QCOMPARE(bridge.delivered(), std::uint64_t(m_run.events.size()));

        // the live picture: the same events straight from the run
        BreakerStateChart live;
        live.appendEvents(m_run.events);
        for (const QString& circuit : {QStringLiteral("payments"), QStringLiteral("inventory")}) {
            const auto expected = recordedTransitions(m_run.events, circuit);
            QVERIFY(!expected.empty());
            QCOMPARE(replayed.transitions(circuit), expected);
            QCOMPARE(replayed.segments(circuit), live.segments(circuit));
        }
    }

    void stepEmitsOneEvent()
    {
        VirtualClock driver;
        EventBridge bridge(nullptr, &driver);
        bridge.setAutoFlush(false);
        ReplayControls controls(nullptr, &driver);
        controls.setBridge(&bridge);
        std::vector<Event> got;
        connect(&bridge, &EventBridge::eventsReady, this, [&got](const EventBatch& b) { got.insert(got.end(), b.begin(), b.end()); });
        controls.loadLog(m_index.snapshot(), kOrigin);
        controls.step();
        controls.step();
        QCOMPARE(got.size(), std::size_t(2));
        QCOMPARE(got[0], m_run.events[0]);
        QCOMPARE(got[1], m_run.events[1]);
        QVERIFY(!controls.isPlaying());
    }

    void seekRebuildsFromHistory()
    {
        VirtualClock driver;
        EventBridge bridge(nullptr, &driver);
        bridge.setAutoFlush(false);
        ReplayControls controls(nullptr, &driver);
        controls.setBridge(&bridge);
        controls.loadLog(m_index.snapshot(), kOrigin);
        QSignalSpy rewound(&controls, &ReplayControls::rewound);
        const TimePoint middle(30s);
        controls.seek(middle);
        QCOMPARE(rewound.size(), 1);
        const auto history = rewound.at(0).at(0).value<EventBatch>();
        const auto before = std::count_if(m_run.events.begin(), m_run.events.end(), [&](const Event& e) { return e.time < middle; });
        QCOMPARE(qint64(history.size()), qint64(before));
        QCOMPARE(controls.position(), middle);
        // speed choices stay within x1..x1000
        controls.setSpeed(5000);
        QCOMPARE(controls.speed(), 1000.0);
    }

private:
    QTemporaryDir m_dir;
    testing::DemoRun m_run;
    LogIndex m_index;
};

QTEST_MAIN(TestReplayControls)
#include "tst_replaycontrols.moc"
