#include "core/events/eventsink.h"
#include "core/policy/circuitbreaker.h"

#include <QTest>

#include <cmath>
#include <functional>

using namespace rwb;

namespace {

// Drives a breaker through a script of whitespace-separated steps:
//   s success, f failure (connection_reset), t timeout, w slow success (10 s), e http_500 error,
//   i http_404 error (ignored in the rows that say so), +N advance N seconds (fractions allowed).
// Each call step appends 'A' (admitted) or 'R' (rejected) to the trace.
struct Script {
    explicit Script(const CircuitBreakerConfig& cfg)
        : cb(cfg, &sink)
    {
    }

    QString run(const QString& steps)
    {
        QString trace;
        for (const auto& step : steps.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (step.startsWith(QLatin1Char('+'))) {
                now += fromSeconds(step.mid(1).toDouble());
                continue;
            }
            auto a = cb.tryAcquire(now);
            trace += a ? QLatin1Char('A') : QLatin1Char('R');
            if (!a)
                continue;
            const QChar c = step.at(0);
            Outcome o = Outcome::success(1ms);
            if (c == QLatin1Char('f'))
                o = Outcome::error(ErrorClass::connectionReset(), 1ms);
            else if (c == QLatin1Char('t'))
                o = Outcome::timeout(1s);
            else if (c == QLatin1Char('w'))
                o = Outcome::success(10s);
            else if (c == QLatin1Char('e'))
                o = Outcome::httpError(500, 1ms);
            else if (c == QLatin1Char('i'))
                o = Outcome::httpError(404, 1ms);
            cb.onOutcome(a.permit, o, now);
        }
        return trace;
    }

    QStringList reasons() const
    {
        QStringList out;
        for (const auto& e : sink.events())
            if (e.kind == EventKind::BreakerTransition)
                out << e.text;
        return out;
    }

    CollectingSink sink;
    CircuitBreaker cb;
    TimePoint now {};
};

CircuitBreakerConfig consecutive(int threshold)
{
    CircuitBreakerConfig c;
    c.name = QStringLiteral("payments");
    c.failureThreshold = threshold;
    return c;
}

CircuitBreakerConfig countWindow(int size, int minimum, double rate)
{
    CircuitBreakerConfig c;
    c.name = QStringLiteral("payments");
    c.tripMode = TripMode::CountWindow;
    c.windowSize = size;
    c.minimumCalls = minimum;
    c.failureRateThreshold = rate;
    return c;
}

CircuitBreakerConfig timeWindow(Duration window, int minimum, double rate)
{
    CircuitBreakerConfig c;
    c.name = QStringLiteral("payments");
    c.tripMode = TripMode::TimeWindow;
    c.failureWindow = window;
    c.minimumCalls = minimum;
    c.failureRateThreshold = rate;
    return c;
}

using Tweak = std::function<void(CircuitBreakerConfig&)>;

BreakerAction command(BreakerCommand c, std::optional<Duration> openFor = {}, std::optional<TimePoint> openUntil = {})
{
    BreakerAction a;
    a.command = c;
    a.openFor = openFor;
    a.openUntil = openUntil;
    return a;
}

} // namespace

Q_DECLARE_METATYPE(CircuitBreakerConfig)
Q_DECLARE_METATYPE(BreakerState)
Q_DECLARE_METATYPE(Tweak)
Q_DECLARE_METATYPE(BreakerAction)
Q_DECLARE_METATYPE(BreakerForce)
Q_DECLARE_METATYPE(BreakerInitialState)

class TestCircuitBreaker : public QObject {
    Q_OBJECT
private slots:
    void transitions_data()
    {
        QTest::addColumn<CircuitBreakerConfig>("config");
        QTest::addColumn<QString>("steps");
        QTest::addColumn<QString>("trace");
        QTest::addColumn<BreakerState>("state");
        QTest::addColumn<QStringList>("reasons");

        const QString five = QStringLiteral("f f f f f");
        QTest::newRow("consecutive below threshold")
            << consecutive(5) << QStringLiteral("f f f f") << QStringLiteral("AAAA") << BreakerState::Closed
            << QStringList {};
        QTest::newRow("consecutive trips at threshold")
            << consecutive(5) << five << QStringLiteral("AAAAA") << BreakerState::Open
            << QStringList { QStringLiteral("failure_threshold 5 reached") };
        QTest::newRow("success resets the run")
            << consecutive(5) << QStringLiteral("f f f f s f f f f") << QStringLiteral("AAAAAAAAA")
            << BreakerState::Closed << QStringList {};
        QTest::newRow("open rejects") << consecutive(5) << five + QStringLiteral(" s +59.999 s")
                                      << QStringLiteral("AAAAARR") << BreakerState::Open
                                      << QStringList { QStringLiteral("failure_threshold 5 reached") };
        QTest::newRow("recovers after two probe successes")
            << consecutive(5) << five + QStringLiteral(" +60 s s s") << QStringLiteral("AAAAAAAA")
            << BreakerState::Closed
            << QStringList { QStringLiteral("failure_threshold 5 reached"), QStringLiteral("recovery timeout elapsed"),
                   QStringLiteral("2 probe successes") };
        QTest::newRow("probe failure re-opens")
            << consecutive(5) << five + QStringLiteral(" +60 s f s") << QStringLiteral("AAAAAAAR") << BreakerState::Open
            << QStringList { QStringLiteral("failure_threshold 5 reached"), QStringLiteral("recovery timeout elapsed"),
                   QStringLiteral("probe failed") };
        QTest::newRow("timeouts are failures")
            << consecutive(2) << QStringLiteral("t t") << QStringLiteral("AA") << BreakerState::Open
            << QStringList { QStringLiteral("failure_threshold 2 reached") };
        {
            auto c = consecutive(2);
            c.ignored.insert(ErrorClass::forHttpStatus(404));
            QTest::newRow("ignored neither resets nor counts")
                << c << QStringLiteral("f i i f") << QStringLiteral("AAAA") << BreakerState::Open
                << QStringList { QStringLiteral("failure_threshold 2 reached") };
        }
        {
            auto c = consecutive(2);
            c.monitored.insert(ErrorClass::connectionReset());
            QTest::newRow("unmonitored error counts as success")
                << c << QStringLiteral("f e f") << QStringLiteral("AAA") << BreakerState::Closed << QStringList {};
        }
        {
            auto c = consecutive(2);
            c.isFailure = [](const Outcome& o) { return o.httpStatus == 500; };
            QTest::newRow("predicate decides")
                << c << QStringLiteral("f f e e") << QStringLiteral("AAAA") << BreakerState::Open
                << QStringList { QStringLiteral("failure_threshold 2 reached") };
        }
        QTest::newRow("count window below minimum calls")
            << countWindow(10, 5, 0.5) << QStringLiteral("f f f f") << QStringLiteral("AAAA") << BreakerState::Closed
            << QStringList {};
        QTest::newRow("count window rate below threshold")
            << countWindow(10, 5, 0.5) << QStringLiteral("f f s s s") << QStringLiteral("AAAAA") << BreakerState::Closed
            << QStringList {};
        QTest::newRow("count window trips on reaching minimum")
            << countWindow(10, 5, 0.5) << QStringLiteral("f f f s s") << QStringLiteral("AAAAA") << BreakerState::Open
            << QStringList { QStringLiteral("failure rate 60% >= 50%") };
        QTest::newRow("count window evicts oldest")
            << countWindow(4, 4, 0.5) << QStringLiteral("f s s s s s f") << QStringLiteral("AAAAAAA")
            << BreakerState::Closed << QStringList {};
        QTest::newRow("count window trips after eviction")
            << countWindow(4, 4, 0.5) << QStringLiteral("f s s s s s f f") << QStringLiteral("AAAAAAAA")
            << BreakerState::Open << QStringList { QStringLiteral("failure rate 50% >= 50%") };
        QTest::newRow("count window rate 62.5%")
            << countWindow(8, 8, 0.6) << QStringLiteral("s s s f f f f f") << QStringLiteral("AAAAAAAA")
            << BreakerState::Open << QStringList { QStringLiteral("failure rate 62.5% >= 60%") };
        QTest::newRow("time window keeps recent failures")
            << timeWindow(10s, 5, 0.5) << QStringLiteral("f f +5 s s f") << QStringLiteral("AAAAA")
            << BreakerState::Open << QStringList { QStringLiteral("failure rate 60% >= 50%") };
        QTest::newRow("time window forgets old failures")
            << timeWindow(10s, 5, 0.5) << QStringLiteral("f f +11 s s f s f") << QStringLiteral("AAAAAAA")
            << BreakerState::Closed << QStringList {};
        QTest::newRow("time window bucket edge")
            << timeWindow(10s, 3, 0.5) << QStringLiteral("+0.5 f f +9.4 f") << QStringLiteral("AAA")
            << BreakerState::Open << QStringList { QStringLiteral("failure rate 100% >= 50%") };
        QTest::newRow("time window expires at bucket boundary")
            << timeWindow(10s, 3, 0.5) << QStringLiteral("+0.5 f f +9.5 f") << QStringLiteral("AAA")
            << BreakerState::Closed << QStringList {};
        {
            auto c = countWindow(10, 4, 1.0);
            c.slowCallDuration = 2s;
            c.slowCallRateThreshold = 0.5;
            QTest::newRow("slow calls trip")
                << c << QStringLiteral("w s w s") << QStringLiteral("AAAA") << BreakerState::Open
                << QStringList { QStringLiteral("slow-call rate 50% >= 50%") };
            QTest::newRow("slow calls below rate")
                << c << QStringLiteral("w s s s") << QStringLiteral("AAAA") << BreakerState::Closed << QStringList {};
        }
        {
            auto c = consecutive(2);
            c.slowCallDuration = 2s;
            c.slowCallRateThreshold = 0.1;
            QTest::newRow("consecutive mode only counts slow calls")
                << c << QStringLiteral("w w w w") << QStringLiteral("AAAA") << BreakerState::Closed << QStringList {};
        }
        {
            auto c = consecutive(1);
            c.successThreshold = 1;
            c.recoveryTimeout = 0s;
            QTest::newRow("zero recovery timeout probes at once")
                << c << QStringLiteral("f s") << QStringLiteral("AA") << BreakerState::Closed
                << QStringList { QStringLiteral("failure_threshold 1 reached"),
                       QStringLiteral("recovery timeout elapsed"), QStringLiteral("1 probe success") };
        }
        {
            auto c = consecutive(1);
            c.ignored.insert(ErrorClass::forHttpStatus(404));
            QTest::newRow("ignored probe frees its slot")
                << c << QStringLiteral("f +60 i s s") << QStringLiteral("AAAA") << BreakerState::Closed
                << QStringList { QStringLiteral("failure_threshold 1 reached"),
                       QStringLiteral("recovery timeout elapsed"), QStringLiteral("2 probe successes") };
        }
    }

    // HALF_OPEN decisions, written from the peers' documented behaviour (docs/circuit-breaker.md has the table).
    void halfOpen_data()
    {
        QTest::addColumn<CircuitBreakerConfig>("config");
        QTest::addColumn<QString>("steps");
        QTest::addColumn<QString>("trace");
        QTest::addColumn<BreakerState>("state");
        QTest::addColumn<QStringList>("reasons");
        const QString trip = QStringLiteral("failure_threshold 1 reached");
        const QString half = QStringLiteral("recovery timeout elapsed");
        {
            // Issue 12, item 5: four slow probe successes used to close the circuit despite slow-call detection.
            auto c = consecutive(1);
            c.successThreshold = 4;
            c.slowCallDuration = 2s;
            QTest::newRow("any_failure: a slow probe re-opens")
                << c << QStringLiteral("f +60 w") << QStringLiteral("AA") << BreakerState::Open
                << QStringList { trip, half, QStringLiteral("slow probe (10000 ms >= 2000 ms)") };
            QTest::newRow("any_failure: fast probes close")
                << c << QStringLiteral("f +60 s s s s") << QStringLiteral("AAAAA") << BreakerState::Closed
                << QStringList { trip, half, QStringLiteral("4 probe successes") };
            c.slowCallDuration = Duration::zero();
            QTest::newRow("any_failure: slowness ignored without slow_call_duration")
                << c << QStringLiteral("f +60 w w w w") << QStringLiteral("AAAAA") << BreakerState::Closed
                << QStringList { trip, half, QStringLiteral("4 probe successes") };
        }
        {
            // Resilience4j: permittedNumberOfCallsInHalfOpenState trial calls, then their rates decide.
            auto c = consecutive(1);
            c.halfOpenRule = HalfOpenRule::Rates;
            c.permittedProbes = 3;
            c.failureRateThreshold = 0.5;
            QTest::newRow("rates: one failure in three closes")
                << c << QStringLiteral("f +60 s f s") << QStringLiteral("AAAA") << BreakerState::Closed
                << QStringList { trip, half, QStringLiteral("3 probes below the thresholds") };
            QTest::newRow("rates: two failures in three re-open")
                << c << QStringLiteral("f +60 f s f") << QStringLiteral("AAAA") << BreakerState::Open
                << QStringList { trip, half, QStringLiteral("probe failure rate 66.7% >= 50%") };
            QTest::newRow("rates: no decision before every trial reported")
                << c << QStringLiteral("f +60 f f") << QStringLiteral("AAA") << BreakerState::HalfOpen
                << QStringList { trip, half };
            c.ignored.insert(ErrorClass::forHttpStatus(404));
            QTest::newRow("rates: an ignored trial gives its permit back")
                << c << QStringLiteral("f +60 i s s s") << QStringLiteral("AAAAA") << BreakerState::Closed
                << QStringList { trip, half, QStringLiteral("3 probes below the thresholds") };
            c.slowCallDuration = 2s;
            c.slowCallRateThreshold = 0.5;
            QTest::newRow("rates: slow trials re-open")
                << c << QStringLiteral("f +60 w s w") << QStringLiteral("AAAA") << BreakerState::Open
                << QStringList { trip, half, QStringLiteral("probe slow-call rate 66.7% >= 50%") };
        }
    }

    void halfOpen() { transitions(); }

    void transitions()
    {
        QFETCH(CircuitBreakerConfig, config);
        QFETCH(QString, steps);
        QFETCH(QString, trace);
        QFETCH(BreakerState, state);
        QFETCH(QStringList, reasons);
        Script s(config);
        QCOMPARE(s.run(steps), trace);
        QCOMPARE(toString(s.cb.state(s.now)), toString(state));
        QCOMPARE(s.reasons(), reasons);
    }

    // Resilience4j admits permittedNumberOfCallsInHalfOpenState trial calls in all; Polly (any_failure here)
    // limits how many run at a time.
    void ratesRuleCountsTrialsInAll()
    {
        for (const HalfOpenRule rule : { HalfOpenRule::AnyFailure, HalfOpenRule::Rates }) {
            auto c = consecutive(1);
            c.halfOpenRule = rule;
            c.permittedProbes = 2;
            c.successThreshold = 3;
            CircuitBreaker cb(c);
            const auto first = cb.tryAcquire(TimePoint {});
            cb.onOutcome(first.permit, Outcome::timeout(1s), TimePoint {});
            const TimePoint t = TimePoint(60s);
            const auto p1 = cb.tryAcquire(t);
            const auto p2 = cb.tryAcquire(t);
            QVERIFY(p1 && p2 && !cb.tryAcquire(t));
            cb.onOutcome(p1.permit, Outcome::success(), t);
            const auto p3 = cb.tryAcquire(t);
            QCOMPARE(bool(p3), rule == HalfOpenRule::AnyFailure); // a finished probe frees a slot only there
            QCOMPARE(cb.stats(t).probesAdmitted, rule == HalfOpenRule::AnyFailure ? 3 : 2);
            QCOMPARE(cb.stats(t).probeSuccesses, 1);
        }
    }

    // Resilience4j maxWaitDurationInHalfOpenState: a HALF_OPEN whose probes never report goes back to OPEN.
    void maxWaitInHalfOpenReopens()
    {
        auto c = consecutive(1);
        c.recoveryTimeout = 10s;
        c.maxWaitInHalfOpen = 5s;
        Script s(c);
        s.run(QStringLiteral("f +10"));
        const auto lost = s.cb.tryAcquire(s.now); // the probe whose outcome never comes
        QVERIFY(lost && lost.permit.probe);
        QVERIFY(!s.cb.tryAcquire(s.now + 4999ms));
        QCOMPARE(toString(s.cb.state(s.now + 4999ms)), toString(BreakerState::HalfOpen));
        // state() already reports what the next call finds; nothing changed yet.
        QCOMPARE(toString(s.cb.state(s.now + 5s)), toString(BreakerState::Open));
        QCOMPARE(s.cb.stats(s.now + 5s).timeUntilHalfOpen, Duration(10s));
        QCOMPARE(s.reasons().size(), 2);
        const auto a = s.cb.tryAcquire(s.now + 6s);
        QVERIFY(!a);
        QCOMPARE(toString(a.cause), QStringLiteral("open"));
        QCOMPARE(a.retryAfter, std::optional<Duration>(10s));
        QCOMPARE(s.reasons().back(), QStringLiteral("no probe decision within max_wait_in_half_open 5000 ms"));
        QCOMPARE(s.cb.stats(s.now + 6s).trips, std::uint64_t(2));
        // The lost probe's late outcome belongs to an old epoch: counted, but it decides nothing.
        s.cb.onOutcome(lost.permit, Outcome::success(), s.now + 7s);
        QCOMPARE(toString(s.cb.state(s.now + 7s)), toString(BreakerState::Open));
        QVERIFY(s.cb.tryAcquire(s.now + 16s).permit.probe);
    }

    void maxWaitExpiryFoundByALateOutcome()
    {
        auto c = consecutive(1);
        c.recoveryTimeout = 0s;
        c.maxWaitInHalfOpen = 5s;
        Script s(c);
        s.run(QStringLiteral("f"));
        const auto slow = s.cb.tryAcquire(s.now);
        QVERIFY(slow.permit.probe);
        // Zero open duration: past the deadline the circuit reads HALF_OPEN again (a fresh epoch).
        QCOMPARE(toString(s.cb.state(s.now + 5s)), toString(BreakerState::HalfOpen));
        s.cb.onOutcome(slow.permit, Outcome::success(), s.now + 5s);
        QCOMPARE(s.reasons().mid(2),
            (QStringList { QStringLiteral("no probe decision within max_wait_in_half_open 5000 ms") }));
        QCOMPARE(s.cb.stats(s.now + 5s).probeSuccesses, 0); // the stale probe decided nothing
        const auto fresh = s.cb.tryAcquire(s.now + 5s);
        QVERIFY(fresh.permit.probe);
        QCOMPARE(s.reasons().back(), QStringLiteral("recovery timeout elapsed"));
    }

    // Resilience4j's window metrics: slow successes vs slow failures, call durations.
    void windowDurationsAndSlowSplit_data()
    {
        QTest::addColumn<CircuitBreakerConfig>("config");
        QTest::addColumn<int>("calls");
        QTest::addColumn<int>("slowSuccesses");
        QTest::addColumn<int>("slowFailures");
        QTest::addColumn<double>("meanMs");
        QTest::addColumn<double>("maxMs");
        auto slow = [](CircuitBreakerConfig c) {
            c.slowCallDuration = 2s;
            c.initialState = BreakerInitialState::MetricsOnly; // never opens: every call lands in the window
            return c;
        };
        // Calls: ok 10 ms, err 30 ms, ok 3 s (slow), err 5 s (slow), ok 20 ms, each 1 s apart.
        QTest::newRow("consecutive: since the last close")
            << slow(consecutive(100)) << 5 << 1 << 1 << (10 + 30 + 3000 + 5000 + 20) / 5.0 << 5000.0;
        QTest::newRow("count window of 3: the last three")
            << slow(countWindow(3, 1, 1.0)) << 3 << 1 << 1 << (3000 + 5000 + 20) / 3.0 << 5000.0;
        QTest::newRow("count window of 2: the slow failure and the last")
            << slow(countWindow(2, 1, 1.0)) << 2 << 0 << 1 << (5000 + 20) / 2.0 << 5000.0;
        QTest::newRow("time window of 3 s: buckets 2..4")
            << slow(timeWindow(3s, 1, 1.0)) << 3 << 1 << 1 << (3000 + 5000 + 20) / 3.0 << 5000.0;
    }

    void windowDurationsAndSlowSplit()
    {
        QFETCH(CircuitBreakerConfig, config);
        QFETCH(int, calls);
        QFETCH(int, slowSuccesses);
        QFETCH(int, slowFailures);
        QFETCH(double, meanMs);
        QFETCH(double, maxMs);
        CircuitBreaker cb(config);
        const Outcome outcomes[] = { Outcome::success(10ms), Outcome::httpError(500, 30ms), Outcome::success(3s),
            Outcome::httpError(500, 5s), Outcome::success(20ms) };
        TimePoint now {};
        for (const auto& o : outcomes) {
            const auto a = cb.tryAcquire(now);
            QVERIFY(a);
            cb.onOutcome(a.permit, o, now);
            now += 1s;
        }
        const auto st = cb.stats(now - 1s);
        QCOMPARE(st.windowCalls, std::int64_t(calls));
        QCOMPARE(st.windowSlowSuccesses, std::int64_t(slowSuccesses));
        QCOMPARE(st.windowSlowFailures, std::int64_t(slowFailures));
        QCOMPARE(st.windowSlowCalls, std::int64_t(slowSuccesses + slowFailures));
        QCOMPARE(st.windowMeanDuration, Duration(static_cast<Duration::rep>(meanMs * 1e6)));
        QCOMPARE(st.windowMaxDuration, fromMs(maxMs));
    }

    // Resilience4j transitionToOpenStateFor / Until, transitionToHalfOpenState, transitionToClosedState.
    void manualTransitions()
    {
        auto c = consecutive(3);
        c.recoveryTimeout = 30s;
        Script s(c);
        s.cb.transitionToOpenFor(5s, s.now);
        QCOMPARE(toString(s.cb.state(s.now)), toString(BreakerState::Open));
        QCOMPARE(s.cb.tryAcquire(s.now + 1s).retryAfter, std::optional<Duration>(4s));
        QVERIFY(s.cb.tryAcquire(s.now + 5s).permit.probe); // then HALF_OPEN as after a trip
        s.cb.transitionToOpenUntil(TimePoint(20s), s.now + 5s);
        QCOMPARE(s.cb.stats(s.now + 6s).timeUntilHalfOpen, Duration(14s));
        s.cb.transitionToOpenUntil(TimePoint(8s), s.now + 6s); // already OPEN: only the deadline moves
        QCOMPARE(s.cb.stats(s.now + 6s).timeUntilHalfOpen, Duration(2s));
        s.cb.transitionToOpen(s.now + 6s); // the next open duration: recovery_timeout
        QCOMPARE(s.cb.stats(s.now + 6s).timeUntilHalfOpen, Duration(30s));
        s.cb.transitionToHalfOpen(s.now + 7s);
        s.cb.transitionToHalfOpen(s.now + 8s);
        QCOMPARE(s.cb.stats(s.now + 8s).lastTransition, s.now + 7s);
        s.cb.forceOpen(s.now + 9s);
        s.cb.transitionToClosed(s.now + 10s); // a transition ends the forced mode
        QCOMPARE(toString(s.cb.force()), toString(BreakerForce::None));
        s.cb.transitionToClosed(s.now + 11s);
        QCOMPARE(s.reasons(),
            (QStringList { QStringLiteral("manual open"), QStringLiteral("recovery timeout elapsed"),
                QStringLiteral("manual open"), QStringLiteral("manual half-open"), QStringLiteral("forced open"),
                QStringLiteral("manual close") }));
        QCOMPARE(s.cb.stats(s.now + 11s).trips, std::uint64_t(0)); // manual opens are not trips
    }

    void applyCarriesOutCommands_data()
    {
        QTest::addColumn<BreakerAction>("action");
        QTest::addColumn<BreakerState>("state");
        QTest::addColumn<BreakerForce>("force");
        QTest::addColumn<qint64>("untilHalfOpenMs");
        QTest::newRow("close") << command(BreakerCommand::Close) << BreakerState::Closed << BreakerForce::None
                               << qint64(0);
        QTest::newRow("open") << command(BreakerCommand::Open) << BreakerState::Open << BreakerForce::None
                              << qint64(60000);
        QTest::newRow("open for") << command(BreakerCommand::Open, 2s) << BreakerState::Open << BreakerForce::None
                                  << qint64(2000);
        QTest::newRow("open until") << command(BreakerCommand::Open, std::nullopt, TimePoint(13s)) << BreakerState::Open
                                    << BreakerForce::None << qint64(3000);
        QTest::newRow("half_open") << command(BreakerCommand::HalfOpen) << BreakerState::HalfOpen << BreakerForce::None
                                   << qint64(0);
        QTest::newRow("isolate") << command(BreakerCommand::Isolate) << BreakerState::Open << BreakerForce::ForcedOpen
                                 << qint64(0);
        QTest::newRow("disable") << command(BreakerCommand::Disable) << BreakerState::Closed << BreakerForce::Disabled
                                 << qint64(0);
        QTest::newRow("metrics_only") << command(BreakerCommand::MetricsOnly) << BreakerState::Closed
                                      << BreakerForce::MetricsOnly << qint64(0);
        QTest::newRow("release") << command(BreakerCommand::Release) << BreakerState::Closed << BreakerForce::None
                                 << qint64(0);
        QTest::newRow("reset") << command(BreakerCommand::Reset) << BreakerState::Closed << BreakerForce::None
                               << qint64(0);
    }

    void applyCarriesOutCommands()
    {
        QFETCH(BreakerAction, action);
        QFETCH(BreakerState, state);
        QFETCH(BreakerForce, force);
        QFETCH(qint64, untilHalfOpenMs);
        CircuitBreaker cb(consecutive(5));
        cb.forceOpen(TimePoint {});
        cb.apply(action, TimePoint(10s));
        const auto st = cb.stats(TimePoint(10s));
        QCOMPARE(toString(st.state), toString(state));
        QCOMPARE(toString(st.force), toString(force));
        QCOMPARE(st.timeUntilHalfOpen, std::chrono::milliseconds(untilHalfOpenMs));
    }

    // Polly's CircuitBreakerManualControl(isIsolated: true) starts isolated; the other states start as named.
    void initialState_data()
    {
        QTest::addColumn<BreakerInitialState>("initial");
        QTest::addColumn<BreakerState>("state");
        QTest::addColumn<BreakerForce>("force");
        QTest::addColumn<QString>("trace"); // tryAcquire at 0 s, 59 s, 60 s
        QTest::newRow("closed") << BreakerInitialState::Closed << BreakerState::Closed << BreakerForce::None
                                << QStringLiteral("AAA");
        QTest::newRow("open") << BreakerInitialState::Open << BreakerState::Open << BreakerForce::None
                              << QStringLiteral("RRA");
        QTest::newRow("half_open") << BreakerInitialState::HalfOpen << BreakerState::HalfOpen << BreakerForce::None
                                   << QStringLiteral("ARR");
        QTest::newRow("isolated") << BreakerInitialState::Isolated << BreakerState::Open << BreakerForce::ForcedOpen
                                  << QStringLiteral("RRR");
        QTest::newRow("disabled") << BreakerInitialState::Disabled << BreakerState::Closed << BreakerForce::Disabled
                                  << QStringLiteral("AAA");
        QTest::newRow("metrics_only") << BreakerInitialState::MetricsOnly << BreakerState::Closed
                                      << BreakerForce::MetricsOnly << QStringLiteral("AAA");
    }

    void initialState()
    {
        QFETCH(BreakerInitialState, initial);
        QFETCH(BreakerState, state);
        QFETCH(BreakerForce, force);
        QFETCH(QString, trace);
        auto c = consecutive(5);
        c.initialState = initial;
        CollectingSink sink;
        CircuitBreaker cb(c, &sink);
        QCOMPARE(toString(cb.state(TimePoint {})), toString(state));
        QCOMPARE(toString(cb.force()), toString(force));
        QString got;
        for (const TimePoint t : { TimePoint {}, TimePoint(59s), TimePoint(60s) })
            got += cb.tryAcquire(t) ? QLatin1Char('A') : QLatin1Char('R'); // permits left open on purpose
        QCOMPARE(got, trace);
        QCOMPARE(cb.stats(TimePoint(60s)).trips, std::uint64_t(0));
        for (const auto& e : sink.events()) // the initial state is not a transition
            QVERIFY(e.kind != EventKind::BreakerTransition || e.text == QStringLiteral("recovery timeout elapsed"));
    }

    void transitionEventFields()
    {
        Script s(consecutive(1));
        s.run(QStringLiteral("+2 f"));
        const auto events = s.sink.events();
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(toString(events[0].kind), toString(EventKind::BreakerTransition));
        QCOMPARE(events[0].source, QStringLiteral("payments"));
        QCOMPARE(toString(events[0].from), toString(BreakerState::Closed));
        QCOMPARE(toString(events[0].to), toString(BreakerState::Open));
        QCOMPARE(events[0].time, TimePoint(2s));
    }

    void rejectionEventCarriesTimeUntilHalfOpen()
    {
        Script s(consecutive(1));
        s.run(QStringLiteral("f +20"));
        const auto a = s.cb.tryAcquire(s.now, 42);
        QVERIFY(!a);
        QCOMPARE(a.retryAfter, std::optional<Duration>(40s));
        QCOMPARE(toString(a.cause), QStringLiteral("open"));
        const auto events = s.sink.events();
        QCOMPARE(toString(events.back().kind), toString(EventKind::BreakerRejected));
        QCOMPARE(events.back().requestId, std::uint64_t(42));
        QCOMPARE(events.back().delay, Duration(40s));
        QCOMPARE(events.back().errorClass, ErrorClass::circuitOpen());
        QCOMPARE(events.back().text, QStringLiteral("open"));
        QCOMPARE(s.cb.stats(s.now).rejections, std::uint64_t(1));
    }

    // A sink that skips BreakerRejected (the GUI's chart sink) gets its transitions, and no rejection is built.
    void rejectionEventOnlyForASinkThatWantsIt()
    {
        struct TransitionsOnly final : EventSink {
            void onEvent(const Event& e) override { kinds.push_back(e.kind); }
            EventKindSet interests() const override { return {EventKind::BreakerTransition}; }
            std::vector<EventKind> kinds;
        } sink;
        CircuitBreaker cb(consecutive(1), &sink);
        TimePoint now {};
        const auto a = cb.tryAcquire(now);
        QVERIFY(a);
        cb.onOutcome(a.permit, Outcome::error(ErrorClass::connectionReset()), now);
        QVERIFY(!cb.tryAcquire(now + 1s, 7));
        QVERIFY(!cb.tryAcquire(now + 2s, 8));
        QCOMPARE(sink.kinds.size(), std::size_t(1));
        QVERIFY(sink.kinds[0] == EventKind::BreakerTransition);
        QCOMPARE(cb.stats(now + 2s).rejections, std::uint64_t(2)); // still counted
    }

    void lazyHalfOpen()
    {
        Script s(consecutive(1));
        s.run(QStringLiteral("f"));
        QCOMPARE(toString(s.cb.state(TimePoint(59s))), toString(BreakerState::Open));
        QCOMPARE(toString(s.cb.state(TimePoint(60s))), toString(BreakerState::HalfOpen));
        QCOMPARE(toString(s.cb.stats(TimePoint(60s)).state), toString(BreakerState::HalfOpen));
        QCOMPARE(s.cb.stats(TimePoint(45s)).timeUntilHalfOpen, Duration(15s));
        QCOMPARE(s.reasons().size(), 1); // reporting does not transition
        QVERIFY(s.cb.tryAcquire(TimePoint(61s)));
        QCOMPARE(s.reasons().size(), 2);
        QCOMPARE(s.cb.stats(TimePoint(61s)).lastTransition, TimePoint(61s));
    }

    void recoveryGrowth_data()
    {
        QTest::addColumn<double>("factor");
        QTest::addColumn<int>("maxSeconds");
        QTest::addColumn<QList<int>>("openSeconds");
        QTest::newRow("no growth") << 1.0 << 0 << QList<int> { 60, 60, 60, 60 };
        QTest::newRow("doubling capped") << 2.0 << 300 << QList<int> { 60, 120, 240, 300, 300 };
        QTest::newRow("1.5 uncapped") << 1.5 << 0 << QList<int> { 60, 90, 135 };
    }

    void recoveryGrowth()
    {
        QFETCH(double, factor);
        QFETCH(int, maxSeconds);
        QFETCH(QList<int>, openSeconds);
        auto c = consecutive(1);
        c.recoveryBackoffFactor = factor;
        if (maxSeconds > 0)
            c.maxRecoveryTimeout = std::chrono::seconds(maxSeconds);
        Script s(c);
        s.run(QStringLiteral("f"));
        for (int i = 0; i < openSeconds.size(); ++i) {
            const Duration open = std::chrono::seconds(openSeconds[i]);
            QCOMPARE(s.cb.stats(s.now).consecutiveTrips, i + 1);
            QCOMPARE(s.cb.stats(s.now).currentRecoveryTimeout, open);
            QCOMPARE(s.cb.tryAcquire(s.now + open - 1ms).retryAfter, std::optional<Duration>(1ms));
            s.now += open;
            QCOMPARE(s.run(QStringLiteral("f")), QStringLiteral("A")); // probe fails: trip again
        }
        // Closing resets the growth.
        s.now += std::chrono::hours(1);
        s.run(QStringLiteral("s s"));
        QCOMPARE(toString(s.cb.state(s.now)), toString(BreakerState::Closed));
        QCOMPARE(s.cb.stats(s.now).consecutiveTrips, 0);
        s.run(QStringLiteral("f"));
        QCOMPARE(s.cb.stats(s.now).timeUntilHalfOpen, Duration(60s));
        QCOMPARE(s.cb.stats(s.now).trips, std::uint64_t(openSeconds.size() + 2));
    }

    void probesAreLimitedAndReturned()
    {
        auto c = consecutive(1);
        c.permittedProbes = 2;
        c.successThreshold = 3;
        CircuitBreaker cb(c);
        const auto stale = cb.tryAcquire(TimePoint(0s));
        QVERIFY(stale);
        auto first = cb.tryAcquire(TimePoint(0s));
        cb.onOutcome(first.permit, Outcome::timeout(1s), TimePoint(1s));
        QCOMPARE(toString(cb.state(TimePoint(1s))), toString(BreakerState::Open));

        const TimePoint t = TimePoint(61s);
        auto p1 = cb.tryAcquire(t);
        auto p2 = cb.tryAcquire(t);
        auto p3 = cb.tryAcquire(t);
        QVERIFY(p1 && p2 && !p3);
        QVERIFY(p1.permit.probe);
        QCOMPARE(p3.retryAfter, std::nullopt); // nobody knows when a slot frees up
        QCOMPARE(toString(p3.cause), QStringLiteral("half_open_busy"));
        QCOMPARE(cb.stats(t).probesInFlight, 2);

        // A call admitted while CLOSED finishing now is counted but does not drive HALF_OPEN.
        cb.onOutcome(stale.permit, Outcome::error(ErrorClass::connectionReset()), t);
        QCOMPARE(toString(cb.state(t)), toString(BreakerState::HalfOpen));
        QCOMPARE(cb.stats(t).failures, std::uint64_t(2));

        cb.onCancelled(p2.permit);
        auto p4 = cb.tryAcquire(t);
        QVERIFY(p4);
        cb.onOutcome(p1.permit, Outcome::success(), t);
        cb.onOutcome(p4.permit, Outcome::success(), t);
        QCOMPARE(toString(cb.state(t)), toString(BreakerState::HalfOpen));
        QCOMPARE(cb.stats(t).probeSuccesses, 2);
        auto p5 = cb.tryAcquire(t);
        cb.onOutcome(p5.permit, Outcome::success(), t);
        QCOMPARE(toString(cb.state(t)), toString(BreakerState::Closed));
        // Cancelling a stale permit is harmless.
        cb.onCancelled(p2.permit);
        QCOMPARE(cb.stats(t).probesInFlight, 0);
    }

    void forceOpenIsolates()
    {
        Script s(consecutive(5));
        s.cb.forceOpen(s.now);
        QCOMPARE(toString(s.cb.force()), toString(BreakerForce::ForcedOpen));
        QCOMPARE(s.run(QStringLiteral("s +3600 s")), QStringLiteral("RR"));
        QCOMPARE(toString(s.cb.state(s.now)), toString(BreakerState::Open));
        const Admission isolated = s.cb.tryAcquire(s.now);
        QCOMPARE(isolated.retryAfter, std::nullopt); // only a person ends isolation
        QCOMPARE(toString(isolated.cause), QStringLiteral("isolated"));
        QCOMPARE(s.sink.events().back().text, QStringLiteral("isolated"));
        s.cb.release(s.now);
        QCOMPARE(toString(s.cb.force()), toString(BreakerForce::None));
        QCOMPARE(s.run(QStringLiteral("s")), QStringLiteral("A"));
        QCOMPARE(s.reasons(), (QStringList { QStringLiteral("forced open"), QStringLiteral("released") }));
        QCOMPARE(s.cb.stats(s.now).rejections, std::uint64_t(3));
        QCOMPARE(s.cb.stats(s.now).trips, std::uint64_t(0));
    }

    // Resilience4j METRICS_ONLY: every call admitted and recorded, thresholds evaluated, a crossing reported
    // (FAILURE_RATE_EXCEEDED there, a CLOSED -> CLOSED transition naming the rule here), never opened.
    void metricsOnlyCountsButNeverTrips()
    {
        Script s(countWindow(10, 2, 0.5));
        s.cb.metricsOnly(s.now);
        QCOMPARE(s.run(QStringLiteral("f f f f")), QStringLiteral("AAAA"));
        auto st = s.cb.stats(s.now);
        QCOMPARE(toString(st.state), toString(BreakerState::Closed));
        QCOMPARE(toString(st.force), toString(BreakerForce::MetricsOnly));
        QCOMPARE(st.failures, std::uint64_t(4));
        QCOMPARE(st.failureRate, 1.0);
        QCOMPARE(st.thresholdsExceeded, std::uint64_t(1)); // once per crossing, not once per call
        // Falling below the threshold re-arms the report: f f f f s s s s s s is 40 %; five more failures
        // push the four old ones out and reach 5 of 10 = 50 % with the fifth.
        QCOMPARE(s.run(QStringLiteral("s s s s s s f f f f f")), QStringLiteral("AAAAAAAAAAA"));
        st = s.cb.stats(s.now);
        QCOMPARE(st.thresholdsExceeded, std::uint64_t(2));
        QCOMPARE(s.reasons(),
            (QStringList { QStringLiteral("metrics only"),
                QStringLiteral("metrics only, not opened: failure rate 100% >= 50%"),
                QStringLiteral("metrics only, not opened: failure rate 50% >= 50%") }));
        QCOMPARE(toString(s.sink.events().back().from), toString(BreakerState::Closed));
        QCOMPARE(toString(s.sink.events().back().to), toString(BreakerState::Closed));
        s.cb.release(s.now);
        QCOMPARE(s.cb.stats(s.now).windowCalls, std::int64_t(0));
        QCOMPARE(s.run(QStringLiteral("f f")), QStringLiteral("AA"));
        QCOMPARE(toString(s.cb.state(s.now)), toString(BreakerState::Open));
    }

    // Resilience4j DISABLED: every call admitted, nothing recorded (not even the cumulative counters).
    void disabledAdmitsAndRecordsNothing()
    {
        Script s(consecutive(1));
        s.run(QStringLiteral("s"));
        s.cb.disable(s.now);
        QCOMPARE(s.run(QStringLiteral("f f t f")), QStringLiteral("AAAA"));
        const auto st = s.cb.stats(s.now);
        QCOMPARE(toString(st.state), toString(BreakerState::Closed));
        QCOMPARE(toString(st.force), toString(BreakerForce::Disabled));
        QCOMPARE(st.calls, std::uint64_t(1));
        QCOMPARE(st.windowCalls, std::int64_t(0));
        QCOMPARE(st.thresholdsExceeded, std::uint64_t(0));
        QCOMPARE(s.reasons(), (QStringList { QStringLiteral("disabled") }));
    }

    // Regression (issue 12, bug 2): the open deadline used to overflow near the end of the clock's range
    // (signed overflow; the wrapped deadline lay in the past, so the circuit read HALF_OPEN at once).
    void openDeadlineSaturates()
    {
        auto c = consecutive(1);
        c.recoveryBackoffFactor = 2.0;
        CircuitBreaker cb(c);
        const TimePoint late = TimePoint::max() - 1s;
        const auto a = cb.tryAcquire(late);
        cb.onOutcome(a.permit, Outcome::timeout(1s), late);
        QCOMPARE(toString(cb.state(late)), toString(BreakerState::Open));
        QCOMPARE(cb.stats(late).timeUntilHalfOpen, TimePoint::max() - late);
        QVERIFY(!cb.tryAcquire(TimePoint::max() - 1ns));
    }

    // Regression (issue 12, bug 3): repeating a forced mode emitted OPEN -> OPEN (counted as another open)
    // or CLOSED -> CLOSED (and cleared the window). A repeat is a silent no-op.
    void repeatedForcedModeIsSilent()
    {
        Script s(countWindow(10, 5, 0.5));
        s.cb.forceOpen(s.now);
        s.cb.forceOpen(s.now + 1s);
        QCOMPARE(s.reasons(), (QStringList { QStringLiteral("forced open") }));
        QCOMPARE(s.cb.stats(s.now + 1s).lastTransition, s.now);

        s.cb.release(s.now);
        s.cb.metricsOnly(s.now);
        QCOMPARE(s.run(QStringLiteral("f s s")), QStringLiteral("AAA"));
        s.cb.metricsOnly(s.now + 1s);
        QCOMPARE(s.cb.stats(s.now + 1s).windowCalls, std::int64_t(3));
        s.cb.disable(s.now);
        s.cb.disable(s.now + 1s);
        QCOMPARE(s.reasons(),
            (QStringList { QStringLiteral("forced open"), QStringLiteral("released"), QStringLiteral("metrics only"),
                QStringLiteral("disabled") }));
    }

    void resetClearsEverything()
    {
        Script s(consecutive(2));
        s.run(QStringLiteral("s f f s"));
        QCOMPARE(toString(s.cb.state(s.now)), toString(BreakerState::Open));
        s.cb.reset(s.now);
        const auto st = s.cb.stats(s.now);
        QCOMPARE(toString(st.state), toString(BreakerState::Closed));
        QCOMPARE(st.calls, std::uint64_t(0));
        QCOMPARE(st.rejections, std::uint64_t(0));
        QCOMPARE(st.trips, std::uint64_t(0));
        QCOMPARE(st.consecutiveFailures, 0);
        QCOMPARE(s.reasons().back(), QStringLiteral("reset"));
        QCOMPARE(s.run(QStringLiteral("f s f")), QStringLiteral("AAA"));
        QCOMPARE(toString(s.cb.state(s.now)), toString(BreakerState::Closed));
    }

    void statsSnapshot()
    {
        auto c = timeWindow(10s, 100, 0.5);
        c.slowCallDuration = 2s;
        c.ignored.insert(ErrorClass::forHttpStatus(404));
        Script s(c);
        s.run(QStringLiteral("s f w i +3 f s t"));
        auto st = s.cb.stats(s.now);
        QCOMPARE(st.name, QStringLiteral("payments"));
        QCOMPARE(toString(st.tripMode), toString(TripMode::TimeWindow));
        QCOMPARE(st.calls, std::uint64_t(6));
        QCOMPARE(st.successes, std::uint64_t(3));
        QCOMPARE(st.failures, std::uint64_t(3));
        QCOMPARE(st.slowCalls, std::uint64_t(1));
        QCOMPARE(st.ignored, std::uint64_t(1));
        QCOMPARE(st.windowCalls, std::int64_t(6));
        QCOMPARE(st.failureRate, 0.5);
        QCOMPARE(st.slowCallRate, 1.0 / 6.0);
        QCOMPARE(st.consecutiveFailures, 1);
        // Looking later expires the first second's calls from the window.
        st = s.cb.stats(s.now + 8s);
        QCOMPARE(st.windowCalls, std::int64_t(3));
        QCOMPARE(st.calls, std::uint64_t(6));
    }

    void rejectedOutcomesAreNotRecorded()
    {
        CircuitBreaker cb(consecutive(1));
        auto a = cb.tryAcquire(TimePoint {});
        cb.onOutcome(a.permit, Outcome::rejected(ErrorClass::bulkheadFull()), TimePoint {});
        QCOMPARE(toString(cb.state(TimePoint {})), toString(BreakerState::Closed));
        QCOMPARE(cb.stats(TimePoint {}).calls, std::uint64_t(0));
        QVERIFY(cb.classify(Outcome::rejected(ErrorClass::bulkheadFull())) == OutcomeClass::Ignored);
        cb.onOutcome(Permit {}, Outcome::timeout(1s), TimePoint {}); // invalid permit: ignored
        QCOMPARE(cb.stats(TimePoint {}).calls, std::uint64_t(0));
    }

    void validation_data()
    {
        QTest::addColumn<Tweak>("tweak");
        QTest::addColumn<QStringList>("errors");
        auto row = [](const char* name, Tweak t, QStringList e) { QTest::newRow(name) << t << e; };
        row("valid defaults", [](CircuitBreakerConfig&) {}, {});
        row("empty name", [](CircuitBreakerConfig& c) { c.name.clear(); },
            { QStringLiteral("name: expected a non-empty string") });
        row("failure_threshold", [](CircuitBreakerConfig& c) { c.failureThreshold = 0; },
            { QStringLiteral("failure_threshold: expected an integer >= 1, got 0") });
        row("window_size", [](CircuitBreakerConfig& c) { c.windowSize = 0; },
            { QStringLiteral("window_size: expected an integer in [1, 1000000], got 0") });
        row("failure_window", [](CircuitBreakerConfig& c) { c.failureWindow = 0s; },
            { QStringLiteral("failure_window: expected a duration >= 1 ms, got 0 ms") });
        row("failure_rate_threshold", [](CircuitBreakerConfig& c) { c.failureRateThreshold = 1.5; },
            { QStringLiteral("failure_rate_threshold: expected a number in [0, 1], got 1.5") });
        row("failure_rate_threshold nan", [](CircuitBreakerConfig& c) { c.failureRateThreshold = std::nan(""); },
            { QStringLiteral("failure_rate_threshold: expected a number in [0, 1], got nan") });
        row("minimum_calls", [](CircuitBreakerConfig& c) { c.minimumCalls = -1; },
            { QStringLiteral("minimum_calls: expected an integer >= 1, got -1") });
        row("minimum_calls above window",
            [](CircuitBreakerConfig& c) {
                c.tripMode = TripMode::CountWindow;
                c.minimumCalls = 30;
            },
            { QStringLiteral("minimum_calls: expected an integer <= window_size (20), got 30") });
        row("slow_call_duration", [](CircuitBreakerConfig& c) { c.slowCallDuration = -1ms; },
            { QStringLiteral("slow_call_duration: expected a duration >= 0 ms, got -1 ms") });
        row("slow_call_rate_threshold", [](CircuitBreakerConfig& c) { c.slowCallRateThreshold = -0.1; },
            { QStringLiteral("slow_call_rate_threshold: expected a number in [0, 1], got -0.1") });
        row("recovery_timeout", [](CircuitBreakerConfig& c) { c.recoveryTimeout = -5s; },
            { QStringLiteral("recovery_timeout: expected a duration >= 0 ms, got -5000 ms") });
        row("recovery_backoff_factor", [](CircuitBreakerConfig& c) { c.recoveryBackoffFactor = 0.5; },
            { QStringLiteral("recovery_backoff_factor: expected a number >= 1, got 0.5") });
        row("recovery_backoff_factor inf", [](CircuitBreakerConfig& c) { c.recoveryBackoffFactor = INFINITY; },
            { QStringLiteral("recovery_backoff_factor: expected a finite number, got inf") });
        row("max_recovery_timeout", [](CircuitBreakerConfig& c) { c.maxRecoveryTimeout = 30s; },
            { QStringLiteral(
                "max_recovery_timeout: expected a duration >= recovery_timeout (60000 ms), got 30000 ms") });
        row("permitted_probes", [](CircuitBreakerConfig& c) { c.permittedProbes = 0; },
            { QStringLiteral("permitted_probes: expected an integer >= 1, got 0") });
        row("success_threshold", [](CircuitBreakerConfig& c) { c.successThreshold = -2; },
            { QStringLiteral("success_threshold: expected an integer >= 1, got -2") });
        row("max_wait_in_half_open", [](CircuitBreakerConfig& c) { c.maxWaitInHalfOpen = 0s; },
            { QStringLiteral("max_wait_in_half_open: expected a duration > 0 ms, got 0 ms") });
        row("half_open_rule out of range",
            [](CircuitBreakerConfig& c) { c.halfOpenRule = static_cast<HalfOpenRule>(7); },
            { QStringLiteral("half_open_rule: expected one of any_failure, rates, got 7") });
        row("initial_state out of range",
            [](CircuitBreakerConfig& c) { c.initialState = static_cast<BreakerInitialState>(9); },
            { QStringLiteral(
                "initial_state: expected one of closed, open, half_open, isolated, disabled, metrics_only, got 9") });
        row("schedule",
            [](CircuitBreakerConfig& c) {
                c.schedule = { { -1s, command(BreakerCommand::Isolate, 5s) },
                    { 1s, command(BreakerCommand::Open, 0s, TimePoint(3s)) },
                    { 2s, command(BreakerCommand::Release, std::nullopt, TimePoint(3s)) } };
            },
            { QStringLiteral("schedule/0/at: expected a duration >= 0 ms, got -1000 ms"),
                QStringLiteral("schedule/0/for: only an \"open\" action takes a duration, got \"isolate\""),
                QStringLiteral("schedule/1/until: expected either \"for\" or \"until\", got both"),
                QStringLiteral("schedule/1/for: expected a duration > 0 ms, got 0 ms"),
                QStringLiteral("schedule/2/until: only an \"open\" action takes an end time, got \"release\"") });
        row("several at once",
            [](CircuitBreakerConfig& c) {
                c.failureThreshold = 0;
                c.permittedProbes = 0;
            },
            { QStringLiteral("failure_threshold: expected an integer >= 1, got 0"),
                QStringLiteral("permitted_probes: expected an integer >= 1, got 0") });
    }

    void validation()
    {
        QFETCH(Tweak, tweak);
        QFETCH(QStringList, errors);
        CircuitBreakerConfig c;
        tweak(c);
        QStringList got;
        for (const auto& e : CircuitBreakerConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, errors);
        if (errors.isEmpty())
            return;
        try {
            CircuitBreaker cb(c);
            QFAIL("constructor accepted an invalid config");
        } catch (const InvalidConfig& e) {
            QCOMPARE(int(e.errors().size()), errors.size());
            QCOMPARE(QString::fromStdString(e.what()), errors.join(QLatin1Char('\n')));
        }
    }

    void names()
    {
        QCOMPARE(toString(TripMode::CountWindow), QStringLiteral("count_window"));
        QVERIFY(tripModeFromString(QStringLiteral("time_window")) == TripMode::TimeWindow);
        QVERIFY(!tripModeFromString(QStringLiteral("bogus")));
        QCOMPARE(toString(BreakerForce::MetricsOnly), QStringLiteral("metrics_only"));
        QCOMPARE(toString(BreakerForce::Disabled), QStringLiteral("disabled"));
        QVERIFY(halfOpenRuleFromString(QStringLiteral("rates")) == HalfOpenRule::Rates);
        QVERIFY(breakerCommandFromString(QStringLiteral("metrics_only")) == BreakerCommand::MetricsOnly);
        QVERIFY(!breakerCommandFromString(QStringLiteral("isolated")));
        QVERIFY(breakerInitialStateFromString(QStringLiteral("isolated")) == BreakerInitialState::Isolated);
        QCOMPARE(toString(RejectionCause::HalfOpenBusy), QStringLiteral("half_open_busy"));
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
