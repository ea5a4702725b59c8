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

} // namespace

Q_DECLARE_METATYPE(CircuitBreakerConfig)
Q_DECLARE_METATYPE(BreakerState)
Q_DECLARE_METATYPE(Tweak)

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
        QCOMPARE(a.retryAfter, Duration(40s));
        const auto events = s.sink.events();
        QCOMPARE(toString(events.back().kind), toString(EventKind::BreakerRejected));
        QCOMPARE(events.back().requestId, std::uint64_t(42));
        QCOMPARE(events.back().delay, Duration(40s));
        QCOMPARE(events.back().errorClass, ErrorClass::circuitOpen());
        QCOMPARE(s.cb.stats(s.now).rejections, std::uint64_t(1));
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
            QCOMPARE(s.cb.tryAcquire(s.now + open - 1ms).retryAfter, Duration(1ms));
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
        QCOMPARE(p3.retryAfter, Duration::zero());
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
        QCOMPARE(s.cb.tryAcquire(s.now).retryAfter, Duration(60s));
        s.cb.release(s.now);
        QCOMPARE(toString(s.cb.force()), toString(BreakerForce::None));
        QCOMPARE(s.run(QStringLiteral("s")), QStringLiteral("A"));
        QCOMPARE(s.reasons(), (QStringList { QStringLiteral("forced open"), QStringLiteral("released") }));
        QCOMPARE(s.cb.stats(s.now).rejections, std::uint64_t(3));
        QCOMPARE(s.cb.stats(s.now).trips, std::uint64_t(0));
    }

    void forceClosedCountsButNeverTrips()
    {
        Script s(countWindow(10, 2, 0.5));
        s.cb.forceClosed(s.now);
        QCOMPARE(s.run(QStringLiteral("f f f f")), QStringLiteral("AAAA"));
        const auto st = s.cb.stats(s.now);
        QCOMPARE(toString(st.state), toString(BreakerState::Closed));
        QCOMPARE(toString(st.force), toString(BreakerForce::ForcedClosed));
        QCOMPARE(st.failures, std::uint64_t(4));
        QCOMPARE(st.failureRate, 1.0);
        s.cb.release(s.now);
        QCOMPARE(s.cb.stats(s.now).windowCalls, std::int64_t(0));
        QCOMPARE(s.run(QStringLiteral("f f")), QStringLiteral("AA"));
        QCOMPARE(toString(s.cb.state(s.now)), toString(BreakerState::Open));
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
        s.cb.forceClosed(s.now);
        QCOMPARE(s.run(QStringLiteral("f f s")), QStringLiteral("AAA"));
        s.cb.forceClosed(s.now + 1s);
        QCOMPARE(s.cb.stats(s.now + 1s).windowCalls, std::int64_t(3));
        QCOMPARE(s.reasons(),
            (QStringList { QStringLiteral("forced open"), QStringLiteral("released"), QStringLiteral("forced closed") }));
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
        QCOMPARE(toString(BreakerForce::ForcedClosed), QStringLiteral("forced_closed"));
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
