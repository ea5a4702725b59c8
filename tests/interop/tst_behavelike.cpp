// A pipeline's behave_like: the engine runs the library's breaker rule where it differs from ours
// (opossum's rolling window), settings the library cannot express are refused with a JSON pointer and
// the library's name, and the export of a valid behave-like pipeline has no breaker warning.
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/interop/interop.h"
#include "core/policy/circuitbreaker.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace rwb;

namespace {

TimePoint at(qint64 ms)
{
    return TimePoint(std::chrono::milliseconds(ms));
}

/// A time-window breaker (10 s, 50 %, 4 calls, 1 s open), with our rule or opossum's.
CircuitBreakerConfig windowBreaker(BehaveLike library)
{
    PipelineSpec p;
    p.config.name = QStringLiteral("p");
    CircuitBreakerConfig b;
    b.name = QStringLiteral("p");
    b.tripMode = TripMode::TimeWindow;
    b.failureWindow = std::chrono::seconds(10);
    b.failureRateThreshold = 0.5;
    b.minimumCalls = 4;
    b.recoveryTimeout = std::chrono::seconds(1);
    b.permittedProbes = 1;
    b.successThreshold = 1;
    p.breaker = b;
    p.behaveLike = library;
    behavelike::apply(p);
    return *p.breaker;
}

/// Runs calls 100 ms apart, each taking 10 ms ('o' ok, 'x' failed); returns what each call met:
/// 'o' / 'x' when it ran, '-' when it was refused.
QString drive(CircuitBreaker& cb, const QString& calls, qint64 startMs = 0)
{
    QString met;
    qint64 t = startMs;
    for (QChar c : calls) {
        const Admission a = cb.tryAcquire(at(t));
        if (!a) {
            met += QLatin1Char('-');
        } else {
            const auto latency = std::chrono::milliseconds(10);
            cb.onOutcome(a.permit, c == QLatin1Char('o') ? Outcome::success(latency) : Outcome::httpError(503, latency),
                at(t + 10));
            met += c;
        }
        t += 100;
    }
    return met;
}

QString pipelineJson(const QString& breaker, const QString& library)
{
    return QStringLiteral(R"({"schema_version": 1, "name": "b", "duration": 10,
        "services": [{"name": "s", "fault": {"error_rate": 0.1}}],
        "pipelines": [{"name": "p", "service": "s", "behave_like": "%2", "circuit_breaker": %1}],
        "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "constant", "rate": 5}}]})")
        .arg(breaker, library);
}

} // namespace

class TestBehaveLike : public QObject {
    Q_OBJECT

private slots:
    // A failure rate exactly at the threshold: ours trips (>=), opossum's waits until it is above.
    void opossumTripsAboveNotAtTheThreshold()
    {
        CircuitBreaker ours(windowBreaker(BehaveLike::Workbench));
        CircuitBreaker opossum(windowBreaker(BehaveLike::Opossum));
        QCOMPARE(drive(ours, QStringLiteral("oxoxx")), QStringLiteral("oxox-")); // 2/4 = 50 %: open
        QCOMPARE(drive(opossum, QStringLiteral("oxoxxo")), QStringLiteral("oxoxx-")); // 3/5 = 60 % > 50 %: open
    }

    // opossum judges only when a call fails: a success that brings the volume up does not trip it.
    void opossumJudgesOnlyOnFailure()
    {
        CircuitBreaker ours(windowBreaker(BehaveLike::Workbench));
        CircuitBreaker opossum(windowBreaker(BehaveLike::Opossum));
        QCOMPARE(drive(ours, QStringLiteral("xxxoo")), QStringLiteral("xxxo-")); // 3/4 reached on a success
        QCOMPARE(drive(opossum, QStringLiteral("xxxoxo")), QStringLiteral("xxxox-")); // the next failure: 4/5
    }

    // opossum counts refused calls as started ones and keeps its window across states: after a trial
    // closes the circuit, the outage's failures are still in its window, but so are the ten refusals,
    // which dilute the rate; ours starts a fresh window and trips again after minimum_calls failures.
    void opossumKeepsItsWindowAndCountsRefusals()
    {
        CircuitBreaker ours(windowBreaker(BehaveLike::Workbench));
        CircuitBreaker opossum(windowBreaker(BehaveLike::Opossum));
        // Both trip at the 4th call (3 of 4 failed), refuse for 1 s, close on a trial at 1.4 s.
        const QString calls = QStringLiteral("oxxx") + QString(10, QLatin1Char('x')) + QStringLiteral("o")
            + QString(12, QLatin1Char('x'));
        QCOMPARE(drive(ours, calls), QStringLiteral("oxxx----------oxxxx--------"));
        // opossum: (3 + k) / (15 + k) > 50 % first at k = 10 failures after the trial.
        QCOMPARE(drive(opossum, calls), QStringLiteral("oxxx----------oxxxxxxxxxx--"));
        const CircuitBreakerStats s = opossum.stats(at(2700));
        QCOMPARE(s.windowCalls, qint64(27)); // every start, refused ones included
        QCOMPARE(s.windowFailures, qint64(13)); // never cleared by the transitions
    }

    // The scenario key: refused values with the pointer and the library; valid ones load, save and
    // reach the breaker's engine variant.
    void scenarioKeyLoadsAndSaves()
    {
        const QString breaker = QStringLiteral(R"({"trip_mode": "time_window", "failure_window": 10,
            "failure_rate_threshold": 0.5, "minimum_calls": 10, "recovery_timeout": 3, "permitted_probes": 1,
            "success_threshold": 1})");
        const ScenarioLoad load = scenariojson::load(pipelineJson(breaker, QStringLiteral("opossum")).toUtf8());
        QVERIFY2(load.ok(), load.errors.empty() ? "" : qPrintable(load.errors.front().toString()));
        const PipelineSpec& p = load.scenario->pipelines.front();
        QVERIFY(p.behaveLike == BehaveLike::Opossum);
        QVERIFY(p.breaker->windowRule == WindowRule::Opossum);
        QCOMPARE(p.breaker->windowBuckets, 10);
        QCOMPARE(scenariojson::toJson(*load.scenario)[QStringLiteral("pipelines")][0][QStringLiteral("behave_like")]
                     .toString(),
            QStringLiteral("opossum"));
        // Exported, the breaker has no approximate or missing row.
        const InteropExport e = interop::exportPipeline(p, InteropFormat::Opossum);
        QCOMPARE(e.warnings.filter(QStringLiteral("circuit_breaker")), QStringList());

        const ScenarioLoad bad = scenariojson::load(pipelineJson(breaker, QStringLiteral("hystrix")).toUtf8());
        QVERIFY(!bad.ok());
        QCOMPARE(bad.errors.front().pointer, QStringLiteral("/pipelines/0/behave_like"));
        QVERIFY(bad.errors.front().message.contains(QStringLiteral("expected one of opossum, cockatiel")));
    }

    void refusesWhatTheLibraryCannotExpress_data()
    {
        QTest::addColumn<QString>("library");
        QTest::addColumn<QString>("breaker");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("says");
        QTest::newRow("opossum: count window")
            << "opossum" << R"({"trip_mode": "count_window", "permitted_probes": 1, "success_threshold": 1})"
                                               << "/pipelines/0/circuit_breaker/trip_mode" << "behave_like opossum";
        QTest::newRow("opossum: 3 probes")
            << "opossum" << R"({"trip_mode": "time_window", "permitted_probes": 3, "success_threshold": 1})"
            << "/pipelines/0/circuit_breaker/permitted_probes" << "one trial call";
        QTest::newRow("opossum: window not in 10 ms steps")
            << "opossum"
            << R"({"trip_mode": "time_window", "failure_window": 10.005, "permitted_probes": 1, "success_threshold": 1})"
            << "/pipelines/0/circuit_breaker/failure_window" << "multiple of 10 ms";
        QTest::newRow("cockatiel: time window")
            << "cockatiel" << R"({"trip_mode": "time_window", "permitted_probes": 1, "success_threshold": 1})"
            << "/pipelines/0/circuit_breaker/trip_mode" << "behave_like cockatiel";
        QTest::newRow("cockatiel: slow calls")
            << "cockatiel" << R"({"slow_call_duration": 2, "permitted_probes": 1, "success_threshold": 1})"
            << "/pipelines/0/circuit_breaker/slow_call_duration" << "no slow-call rule";
        QTest::newRow("resilience4j: slow calls off")
            << "resilience4j" << R"({"trip_mode": "count_window", "half_open_rule": "rates"})"
            << "/pipelines/0/circuit_breaker/slow_call_duration" << "cannot switch slow-call detection off";
        QTest::newRow("resilience4j: recovery growth")
            << "resilience4j"
            << R"({"trip_mode": "count_window", "half_open_rule": "rates", "slow_call_duration": 5, "recovery_backoff_factor": 2})"
            << "/pipelines/0/circuit_breaker/recovery_backoff_factor" << "behave_like resilience4j";
        QTest::newRow("polly: throughput 1")
            << "polly"
            << R"({"trip_mode": "time_window", "minimum_calls": 1, "permitted_probes": 1, "success_threshold": 1})"
            << "/pipelines/0/circuit_breaker/minimum_calls" << "MinimumThroughput";
    }
    void refusesWhatTheLibraryCannotExpress()
    {
        QFETCH(QString, library);
        QFETCH(QString, breaker);
        QFETCH(QString, pointer);
        QFETCH(QString, says);
        const ScenarioLoad load = scenariojson::load(pipelineJson(breaker, library).toUtf8());
        QVERIFY(!load.ok());
        QStringList all;
        for (const auto& e : load.errors)
            all << e.toString();
        QCOMPARE(load.errors.size(), std::size_t(1));
        QCOMPARE(load.errors.front().pointer, pointer);
        QVERIFY2(load.errors.front().message.contains(says), qPrintable(all.join(u'\n')));
    }

    // The values the GUI writes when switching (fixedSettings) satisfy the library's rules on their own
    // (Resilience4j aside, which also needs a slow-call duration chosen by the user).
    void fixedSettingsSatisfyTheRules()
    {
        for (BehaveLike library : allBehaveLike()) {
            QJsonObject breaker;
            for (const auto& [key, value] : behavelike::fixedSettings(library))
                breaker.insert(key, value);
            if (library == BehaveLike::Resilience4j)
                breaker.insert(QStringLiteral("slow_call_duration"), 2);
            const QString text = QString::fromUtf8(QJsonDocument(breaker).toJson(QJsonDocument::Compact));
            const ScenarioLoad load = scenariojson::load(pipelineJson(text, toString(library)).toUtf8());
            QVERIFY2(load.ok(), qPrintable(toString(library) + QStringLiteral(": ")
                                      + (load.errors.empty() ? QString() : load.errors.front().toString())));
            // Every setting the library fixes is one of these values.
            for (const char* key : { "half_open_rule", "permitted_probes", "recovery_backoff_factor" }) {
                const behavelike::PeerSetting peer = behavelike::peerSetting(library, QLatin1String(key));
                if (!peer.fixedBecause.isEmpty())
                    QVERIFY2(breaker.contains(QLatin1String(key)), key);
            }
        }
    }

    // Each library's valid breaker exports without a breaker warning.
    void validPipelinesExportWithoutBreakerWarnings_data()
    {
        QTest::addColumn<QString>("library");
        QTest::addColumn<QString>("breaker");
        QTest::addColumn<int>("format");
        QTest::newRow("cockatiel") << "cockatiel"
                                   << R"({"failure_threshold": 4, "permitted_probes": 1, "success_threshold": 1})"
                                   << int(InteropFormat::Cockatiel);
        QTest::newRow("resilience4j")
            << "resilience4j"
            << R"({"trip_mode": "count_window", "window_size": 30, "minimum_calls": 10, "half_open_rule": "rates",
                  "permitted_probes": 3, "slow_call_duration": 2, "slow_call_rate_threshold": 0.8})"
            << int(InteropFormat::Resilience4j);
    }
    void validPipelinesExportWithoutBreakerWarnings()
    {
        QFETCH(QString, library);
        QFETCH(QString, breaker);
        QFETCH(int, format);
        const ScenarioLoad load = scenariojson::load(pipelineJson(breaker, library).toUtf8());
        QVERIFY2(load.ok(), load.errors.empty() ? "" : qPrintable(load.errors.front().toString()));
        const InteropExport e = interop::exportPipeline(load.scenario->pipelines.front(), InteropFormat(format));
        QCOMPARE(e.warnings.filter(QStringLiteral("circuit_breaker")), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestBehaveLike)
#include "tst_behavelike.moc"
