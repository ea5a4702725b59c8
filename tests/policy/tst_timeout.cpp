#include "core/policy/timeout.h"

#include <QTest>

using namespace rwb;

class TestTimeout : public QObject {
    Q_OBJECT
private slots:
    void deadlines_data()
    {
        QTest::addColumn<qint64>("attemptMs"); // 0: unset
        QTest::addColumn<qint64>("overallMs"); // 0: unset
        QTest::addColumn<qint64>("attemptStartMs");
        QTest::addColumn<qint64>("expectedAttemptMs"); // -1: never
        QTest::addColumn<qint64>("expectedCallMs");    // -1: never
        QTest::newRow("none") << qint64(0) << qint64(0) << qint64(500) << qint64(-1) << qint64(-1);
        QTest::newRow("attempt-only") << qint64(200) << qint64(0) << qint64(500) << qint64(700) << qint64(-1);
        QTest::newRow("overall-only") << qint64(0) << qint64(1000) << qint64(500) << qint64(1000) << qint64(1000);
        QTest::newRow("attempt-first") << qint64(200) << qint64(1000) << qint64(500) << qint64(700) << qint64(1000);
        QTest::newRow("overall-first") << qint64(200) << qint64(1000) << qint64(900) << qint64(1000) << qint64(1000);
    }
    void deadlines()
    {
        QFETCH(qint64, attemptMs);
        QFETCH(qint64, overallMs);
        QFETCH(qint64, attemptStartMs);
        QFETCH(qint64, expectedAttemptMs);
        QFETCH(qint64, expectedCallMs);
        TimeoutConfig c;
        if (attemptMs)
            c.attemptTimeout = std::chrono::milliseconds(attemptMs);
        if (overallMs)
            c.overallTimeout = std::chrono::milliseconds(overallMs);
        const Timeout t(c);
        const TimePoint callStart {};
        const auto at = [](qint64 ms) { return ms < 0 ? Timeout::kNever : TimePoint(std::chrono::milliseconds(ms)); };
        QCOMPARE(t.attemptDeadline(callStart, at(attemptStartMs)), at(expectedAttemptMs));
        QCOMPARE(t.callDeadline(callStart), at(expectedCallMs));
    }

    void lateness()
    {
        const TimePoint d {1s};
        QVERIFY(!Timeout::isLate(d, d));
        QVERIFY(Timeout::isLate(d, d + Duration(1)));
        QVERIFY(!Timeout::isLate(Timeout::kNever, TimePoint {std::chrono::hours(1000000)}));
    }

    void saturates()
    {
        TimeoutConfig c;
        c.attemptTimeout = Duration::max();
        const Timeout t(c);
        QCOMPARE(t.attemptDeadline(TimePoint {}, TimePoint {1s}), Timeout::kNever);
    }

    void validation()
    {
        TimeoutConfig c;
        c.attemptTimeout = Duration::zero();
        c.overallTimeout = -5s;
        QStringList got;
        for (const auto& e : TimeoutConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, (QStringList {QStringLiteral("attempt_timeout: expected a duration > 0 ms, got 0 ms"),
                           QStringLiteral("overall_timeout: expected a duration > 0 ms, got -5000 ms")}));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, Timeout {c});
    }
};

QTEST_APPLESS_MAIN(TestTimeout)
#include "tst_timeout.moc"
