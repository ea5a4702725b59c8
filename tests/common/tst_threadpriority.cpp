#include "core/common/threadpriority.h"

#include <QtTest>

#include <thread>

using namespace rwb;

class TestThreadPriority : public QObject {
    Q_OBJECT
private slots:
    void lowersOnlyTheCallingThread();
    void staysWithinTheNiceRange();
};

void TestThreadPriority::lowersOnlyTheCallingThread()
{
#ifndef __linux__
    QSKIP("thread priorities are Linux only");
#endif
    const int mainBefore = thisThreadNiceValue();
    int workerBefore = 0;
    int workerAfter = 0;
    bool applied = false;
    std::thread worker([&] {
        workerBefore = thisThreadNiceValue();
        applied = lowerThisThreadPriority(5);
        workerAfter = thisThreadNiceValue();
    });
    worker.join();
    QVERIFY(applied);
    QCOMPARE(workerBefore, mainBefore); // a new thread starts with its creator's value
    QCOMPARE(workerAfter, std::min(19, workerBefore + 5));
    QCOMPARE(thisThreadNiceValue(), mainBefore); // the rest of the process is untouched
}

void TestThreadPriority::staysWithinTheNiceRange()
{
#ifndef __linux__
    QSKIP("thread priorities are Linux only");
#endif
    int after = 0;
    std::thread worker([&] {
        lowerThisThreadPriority(100);
        lowerThisThreadPriority(100);
        after = thisThreadNiceValue();
    });
    worker.join();
    QCOMPARE(after, 19);
}

QTEST_GUILESS_MAIN(TestThreadPriority)
#include "tst_threadpriority.moc"
