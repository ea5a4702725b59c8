// JobTracker: stale results are dropped, cancellation reaches the job, every result is applied when
// asked, and destruction cancels and waits (no work outlives the tracker, no late result lands).
#include "ui/run/jobtracker.h"

#include <QSemaphore>
#include <QTest>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

using namespace rwb;

namespace {

/// A job the test holds until it releases it, so the interleaving is decided without timing.
struct Gate {
    QSemaphore started;
    QSemaphore release;
    bool waitStarted() { return started.tryAcquire(1, 10000); }
};

/// Waits until released or cancelled; returns `value`, or -1 when it saw the cancel flag.
auto heldJob(const std::shared_ptr<Gate>& gate, int value)
{
    return [gate, value](JobControl& control) {
        gate->started.release();
        while (!gate->release.tryAcquire(1, 5)) {
            if (control.cancel.load())
                return -1;
        }
        return value;
    };
}

} // namespace

class TestJobTracker : public QObject {
    Q_OBJECT
private slots:
    void appliesTheResultOnTheContextThread()
    {
        QObject context;
        JobTracker jobs(&context);
        Qt::HANDLE applyThread = nullptr;
        int applied = 0;
        const quint64 id = jobs.start([] { return 42; },
            [&](int value) {
                applied = value;
                applyThread = QThread::currentThreadId();
            });
        QCOMPARE(id, quint64(1));
        QCOMPARE(jobs.latestJob(), quint64(1));
        QVERIFY(jobs.isRunning());
        QTRY_COMPARE(applied, 42);
        QCOMPARE(applyThread, QThread::currentThreadId());
        QVERIFY(!jobs.isRunning());
    }

    void aNewerJobDropsTheStaleResultAndCancelsIt()
    {
        QObject context;
        JobTracker jobs(&context);
        std::vector<int> applied;
        auto first = std::make_shared<Gate>();
        auto second = std::make_shared<Gate>();
        std::atomic<bool> firstSawCancel { false };
        QSemaphore firstLooked; // the stale job's thread may still be on its way when the newer result lands
        jobs.start(
            [first, &firstSawCancel, &firstLooked](JobControl& control) {
                first->started.release();
                first->release.acquire(); // held past the start of the second job
                firstSawCancel = control.cancel.load();
                firstLooked.release();
                return 1;
            },
            [&](int value) { applied.push_back(value); });
        QVERIFY(first->waitStarted());
        jobs.start(heldJob(second, 2), [&](int value) { applied.push_back(value); });
        QVERIFY(second->waitStarted());
        first->release.release(); // the stale job finishes first, with a result that is not -1
        second->release.release();
        QTRY_VERIFY(!jobs.isRunning());
        QTRY_COMPARE(applied, std::vector<int> { 2 });
        QVERIFY(firstLooked.tryAcquire(1, 10000));
        QVERIFY(firstSawCancel.load());
        QCoreApplication::processEvents();
        QCOMPARE(applied, std::vector<int> { 2 });
    }

    void cancelReachesTheJobAndDropsItsResult()
    {
        QObject context;
        JobTracker jobs(&context);
        auto gate = std::make_shared<Gate>();
        bool applied = false;
        std::atomic<int> returned { 0 };
        jobs.start(
            [gate, &returned](JobControl& control) {
                const int value = heldJob(gate, 7)(control);
                returned = value;
                return value;
            },
            [&](int) { applied = true; });
        QVERIFY(gate->waitStarted());
        jobs.cancel();
        QVERIFY(!jobs.isRunning());
        QTRY_COMPARE(returned.load(), -1); // the job saw the flag; it was never released
        QCoreApplication::processEvents();
        QVERIFY(!applied);
    }

    void everyModeAppliesEachResult()
    {
        QObject context;
        JobTracker jobs(&context, JobTracker::Results::Every);
        std::vector<int> applied;
        auto a = std::make_shared<Gate>();
        auto b = std::make_shared<Gate>();
        jobs.start(heldJob(a, 1), [&](int value) { applied.push_back(value); });
        jobs.start(heldJob(b, 2), [&](int value) { applied.push_back(value); });
        QVERIFY(a->waitStarted());
        QVERIFY(b->waitStarted());
        b->release.release();
        QTRY_COMPARE(applied, std::vector<int> { 2 });
        QVERIFY(jobs.isRunning()); // the first is still held
        a->release.release();
        QTRY_COMPARE(applied, (std::vector<int> { 2, 1 }));
        QVERIFY(!jobs.isRunning());
    }

    void reportsTheNewestJobsProgress()
    {
        QObject context;
        JobTracker jobs(&context);
        auto gate = std::make_shared<Gate>();
        QCOMPARE(jobs.progress(), 0);
        jobs.start(
            [gate](JobControl& control) {
                control.progress = 500;
                return heldJob(gate, 0)(control);
            },
            [](int) {});
        QVERIFY(gate->waitStarted());
        QCOMPARE(jobs.progress(), 500);
        gate->release.release();
        QTRY_VERIFY(!jobs.isRunning());
        QCOMPARE(jobs.progress(), 0);
    }

    void runsVoidJobs()
    {
        QObject context;
        JobTracker jobs(&context);
        std::atomic<bool> ran { false };
        bool applied = false;
        jobs.start([&ran] { ran = true; }, [&applied] { applied = true; });
        QTRY_VERIFY(applied);
        QVERIFY(ran.load());
        // fire and forget: only destruction waits for it
        std::atomic<bool> freed { false };
        jobs.start([&freed] { freed = true; });
        QTRY_VERIFY(!jobs.isRunning());
        QVERIFY(freed.load());
    }

    void destructionCancelsAndWaitsForTheJob()
    {
        QObject context;
        auto gate = std::make_shared<Gate>();
        auto finished = std::make_shared<std::atomic<bool>>(false);
        bool applied = false;
        {
            JobTracker jobs(&context);
            jobs.start(
                [gate, finished](JobControl& control) {
                    const int value = heldJob(gate, 3)(control);
                    finished->store(true); // after the flag was seen: the tracker must still be waiting
                    return value;
                },
                [&applied](int) { applied = true; });
            QVERIFY(gate->waitStarted());
        } // never released: only the cancel flag ends the job
        QVERIFY(finished->load());
        QCoreApplication::processEvents();
        QVERIFY(!applied);
    }

    void aResultArrivingAfterTheTrackerIsGoneIsDropped()
    {
        QObject context;
        bool applied = false;
        {
            QThreadPool pool;
            JobTracker jobs(&context, JobTracker::Results::Every, &pool);
            jobs.start([] { return 5; }, [&applied](int) { applied = true; });
            pool.waitForDone(); // the continuation is queued, not yet run
        }
        QCoreApplication::processEvents();
        QVERIFY(!applied);
    }
};

QTEST_GUILESS_MAIN(TestJobTracker)
#include "tst_jobtracker.moc"
