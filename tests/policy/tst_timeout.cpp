#include "core/policy/timeout.h"

#include <QTest>

#include <limits>

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

    // Seed 001's "progressive timeout": 10 + attempt * 5 seconds -> 10 s, 15 s, 20 s.
    void growingAttemptLimit()
    {
        TimeoutConfig c;
        c.attemptTimeout = 10s;
        c.attemptTimeoutIncrement = 5s;
        c.overallTimeout = 100s;
        const Timeout t(c);
        QCOMPARE(t.attemptLimit(0), std::optional<Duration>(10s));
        QCOMPARE(t.attemptLimit(1), std::optional<Duration>(10s));
        QCOMPARE(t.attemptLimit(2), std::optional<Duration>(15s));
        QCOMPARE(t.attemptLimit(3), std::optional<Duration>(20s));
        QCOMPARE(t.attemptDeadline(TimePoint {}, TimePoint {40s}, 3), TimePoint {60s});
        QCOMPARE(t.attemptDeadline(TimePoint {}, TimePoint {90s}, 3), TimePoint {100s}); // overall first
        QCOMPARE(t.attemptLimit(std::numeric_limits<int>::max()), std::optional<Duration>(Duration::max()));
        QCOMPARE(Timeout(TimeoutConfig {}).attemptLimit(3), std::nullopt);
        // The executors' form: a deadline, kNever without a limit, saturating past the end of time.
        QCOMPARE(t.attemptEnd(TimePoint {40s}, 3), TimePoint {60s});
        QCOMPARE(t.attemptEnd(TimePoint {40s}, 0), TimePoint {50s});
        QCOMPARE(t.attemptEnd(TimePoint {40s}, std::numeric_limits<int>::max()), Timeout::kNever);
        QCOMPARE(Timeout(TimeoutConfig {}).attemptEnd(TimePoint {40s}, 1), Timeout::kNever);
    }

    void validation()
    {
        TimeoutConfig c;
        c.attemptTimeout = Duration::zero();
        c.attemptTimeoutIncrement = -1s;
        c.overallTimeout = -5s;
        QStringList got;
        for (const auto& e : TimeoutConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, (QStringList {QStringLiteral("attempt_timeout: expected a duration > 0 ms, got 0 ms"),
                           QStringLiteral("attempt_timeout_increment: expected a duration >= 0 ms, got -1000 ms"),
                           QStringLiteral("overall_timeout: expected a duration > 0 ms, got -5000 ms")}));
        TimeoutConfig orphan;
        orphan.attemptTimeoutIncrement = 5s;
        got.clear();
        for (const auto& e : TimeoutConfig::validate(orphan))
            got << e.toString();
        QCOMPARE(got, (QStringList {QStringLiteral("attempt_timeout_increment: grows attempt_timeout, which is not set "
                                                   "(got an increment of 5000 ms)")}));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, Timeout {c});
    }
};

QTEST_APPLESS_MAIN(TestTimeout)
#include "tst_timeout.moc"
