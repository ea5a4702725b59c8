// Hedging in the per-call state machine, on explicit time points. Behaviours from Polly v8's hedging
// strategy documentation: a hedge after `Delay` with no answer, up to MaxHedgedAttempts extra requests;
// Delay 0 sends them all at once (parallel mode), an infinite Delay only after a failure (fallback mode);
// a handled failure starts the next hedge at once; the first acceptable outcome wins and the other
// requests are cancelled; when every request failed, the last outcome is the result.
#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/exec/blockingexecutor.h"
#include "core/policy/pipeline.h"

#include <QTest>

using namespace rwb;

namespace {
const TimePoint t0 { std::chrono::seconds(1000) };

PipelineConfig hedged(int maxHedged, Duration delay)
{
    PipelineConfig c;
    c.name = QStringLiteral("search");
    c.retryEnabled = false;
    c.hedgingEnabled = true;
    c.hedging.maxHedgedAttempts = maxHedged;
    c.hedging.delay = delay;
    return c;
}

QString str(Step::Kind k)
{
    return Step::toString(k);
}

QStringList kinds(const std::vector<Event>& events)
{
    QStringList out;
    for (const auto& e : events)
        out << toString(e.kind);
    return out;
}

constexpr std::uint16_t bits(std::initializer_list<int> requests)
{
    std::uint16_t b = 0;
    for (int r : requests)
        b = std::uint16_t(b | (1u << unsigned(r)));
    return b;
}
} // namespace

class TestHedging : public QObject {
    Q_OBJECT
private slots:
    void hedgeAfterDelayFirstAnswerWinsOthersCancelled()
    {
        CollectingSink sink;
        Pipeline p(hedged(2, 100ms), {}, &sink);
        PipelineCall call = p.begin(9, t0);
        Step s = call.start(t0);
        QCOMPARE(str(s.kind), QStringLiteral("attempt"));
        QCOMPARE(int(s.request), 0);
        QVERIFY(s.hedgeTimer);
        QCOMPARE(s.until, t0 + 100ms);

        s = call.onHedgeTimer(t0 + 100ms);
        QCOMPARE(str(s.kind), QStringLiteral("attempt"));
        QCOMPARE(int(s.request), 1);
        QCOMPARE(s.attempt, 1); // the same try
        QVERIFY(s.hedgeTimer);
        QCOMPARE(s.until, t0 + 200ms);

        s = call.onAttemptDone(Outcome::success(), t0 + 150ms, 1);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(s.cancel, bits({ 0 })); // the slow first request loses
        const CallResult& r = call.result();
        QVERIFY(r.succeeded());
        QCOMPARE(r.attempts, 1);
        QCOMPARE(r.hedges, 1);
        QCOMPARE(r.total, Duration(150ms));

        const auto ev = sink.take();
        QCOMPARE(kinds(ev),
            (QStringList { QStringLiteral("hedge_launched"), QStringLiteral("hedge_cancelled"),
                QStringLiteral("attempt"), QStringLiteral("request_done") }));
        QCOMPARE(ev[0].delay, Duration(100ms));
        QCOMPARE(ev[0].text, QStringLiteral("1"));
        QCOMPARE(ev[0].attempt, 1);
        QCOMPARE(ev[1].text, QStringLiteral("0"));
        QVERIFY(ev[2].outcome == OutcomeKind::Success);

        // The timer armed for a second hedge is stale now.
        QCOMPARE(str(call.onHedgeTimer(t0 + 200ms).kind), QStringLiteral("pending"));
        QCOMPARE(call.result().hedges, 1);
    }

    void earlyOrStaleTimersAreIgnored()
    {
        Pipeline p(hedged(1, 100ms));
        PipelineCall call = p.begin(1, t0);
        call.start(t0);
        QCOMPARE(str(call.onHedgeTimer(t0 + 99ms).kind), QStringLiteral("pending"));
        Step s = call.onHedgeTimer(t0 + 100ms);
        QCOMPARE(int(s.request), 1);
        QVERIFY(!s.hedgeTimer); // max_hedged_attempts reached: no further timer
        QCOMPARE(str(call.onHedgeTimer(t0 + 300ms).kind), QStringLiteral("pending"));
        QCOMPARE(call.result().hedges, 1);
    }

    void handledFailureStartsTheNextHedgeAtOnce()
    {
        Pipeline p(hedged(2, 100ms));
        PipelineCall call = p.begin(1, t0);
        call.start(t0);
        Step s = call.onAttemptDone(Outcome::httpError(503), t0 + 20ms, 0);
        QCOMPARE(str(s.kind), QStringLiteral("attempt"));
        QCOMPARE(int(s.request), 1);
        QCOMPARE(s.cancel, std::uint16_t(0));
        QCOMPARE(s.until, t0 + 120ms); // the delay counts from this hedge
        s = call.onAttemptDone(Outcome::success(), t0 + 50ms, 1);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(s.cancel, std::uint16_t(0)); // nothing else in flight
        QVERIFY(call.result().succeeded());
        QCOMPARE(call.result().hedges, 1);
    }

    void unhandledOutcomeIsAcceptedAsTheAnswer()
    {
        // A 404 is not retryable: hedging accepts it (Polly: ShouldHandle false = the result wins).
        Pipeline p(hedged(2, 100ms));
        PipelineCall call = p.begin(1, t0);
        call.start(t0);
        call.onHedgeTimer(t0 + 100ms);
        const Step s = call.onAttemptDone(Outcome::httpError(404), t0 + 130ms, 0);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(s.cancel, bits({ 1 }));
        QCOMPARE(call.result().lastOutcome.httpStatus, 404);
    }

    void parallelModeAndAllFailing()
    {
        // Delay 0: every request goes at once; when all fail, the last failure is the result.
        Pipeline p(hedged(2, Duration::zero()));
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        QVERIFY(s.hedgeTimer);
        QCOMPARE(s.until, t0);
        s = call.onHedgeTimer(t0);
        QCOMPARE(int(s.request), 1);
        QCOMPARE(s.until, t0);
        s = call.onHedgeTimer(t0);
        QCOMPARE(int(s.request), 2);
        QVERIFY(!s.hedgeTimer);
        QCOMPARE(str(call.onAttemptDone(Outcome::httpError(500), t0 + 10ms, 2).kind), QStringLiteral("pending"));
        QCOMPARE(str(call.onAttemptDone(Outcome::httpError(502), t0 + 20ms, 0).kind), QStringLiteral("pending"));
        QCOMPARE(
            str(call.onAttemptDone(Outcome::httpError(502), t0 + 21ms, 0).kind), QStringLiteral("pending")); // repeated
        s = call.onAttemptDone(Outcome::httpError(503), t0 + 30ms, 1);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(call.result().lastOutcome.httpStatus, 503);
        QVERIFY(!call.result().succeeded());
        QCOMPARE(call.result().hedges, 2);
    }

    void onFailureOnlyNeverHedgesOnTime()
    {
        PipelineConfig c = hedged(1, 100ms);
        c.hedging.onFailureOnly = true;
        Pipeline p(c);
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        QVERIFY(!s.hedgeTimer);
        QCOMPARE(str(call.onHedgeTimer(t0 + 10s).kind), QStringLiteral("pending"));
        s = call.onAttemptDone(Outcome::timeout(5s), t0 + 10s, 0);
        QCOMPARE(int(s.request), 1);
        QVERIFY(!s.hedgeTimer);
        s = call.onAttemptDone(Outcome::success(), t0 + 10s + 30ms, 1);
        QVERIFY(call.result().succeeded());
    }

    void deadlineCancelsEveryRequestInFlight()
    {
        PipelineConfig c = hedged(2, 100ms);
        c.timeoutEnabled = true;
        c.timeout.attemptTimeout = 250ms;
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        QCOMPARE(s.deadline, t0 + 250ms);
        s = call.onHedgeTimer(t0 + 100ms);
        QCOMPARE(s.deadline, t0 + 250ms); // a hedge shares the try's deadline
        call.onHedgeTimer(t0 + 200ms);
        s = call.onDeadline(t0 + 250ms);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(s.cancel, bits({ 0, 1, 2 }));
        QVERIFY(call.result().lastOutcome.kind == OutcomeKind::Timeout);
        QCOMPARE(call.result().hedges, 2);
        const auto ev = sink.take();
        QCOMPARE(int(std::count_if(
                     ev.begin(), ev.end(), [](const Event& e) { return e.kind == EventKind::HedgeCancelled; })),
            3);
        QCOMPARE(
            int(std::count_if(ev.begin(), ev.end(), [](const Event& e) { return e.kind == EventKind::Attempt; })), 1);
    }

    void eachRetryIsHedgedAndLateAnswersAreDropped()
    {
        PipelineConfig c = hedged(1, 50ms);
        c.retryEnabled = true;
        c.retry.maxAttempts = 2;
        c.retry.backoff.baseDelay = 100ms;
        c.retry.backoff.jitter = Jitter::None;
        c.retry.retryAfter.defaultRetryDelay = Duration::zero();
        Pipeline p(c);
        PipelineCall call = p.begin(1, t0);
        call.start(t0);
        call.onHedgeTimer(t0 + 50ms);
        call.onAttemptDone(Outcome::httpError(500), t0 + 60ms, 0);
        Step s = call.onAttemptDone(Outcome::httpError(500), t0 + 70ms, 1);
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        QCOMPARE(s.until, t0 + 170ms);
        // An answer for a request of the finished try, e.g. delivered twice, changes nothing.
        QCOMPARE(str(call.onAttemptDone(Outcome::success(), t0 + 80ms, 1).kind), QStringLiteral("pending"));
        s = call.resume(t0 + 170ms);
        QCOMPARE(s.attempt, 2);
        QCOMPARE(int(s.request), 0);
        QCOMPARE(s.until, t0 + 220ms);
        s = call.onHedgeTimer(t0 + 220ms);
        QCOMPARE(int(s.request), 1);
        QCOMPARE(s.attempt, 2);
        s = call.onAttemptDone(Outcome::success(), t0 + 240ms, 1);
        QCOMPARE(s.cancel, bits({ 0 }));
        QVERIFY(call.result().succeeded());
        QCOMPARE(call.result().attempts, 2);
        QCOMPARE(call.result().hedges, 2);
    }

    void breakerRecordsOneOutcomePerTry()
    {
        // Hedges share the try's permit: two failed requests are one failure for the breaker.
        CircuitBreakerConfig bc;
        bc.name = QStringLiteral("svc");
        bc.failureThreshold = 2;
        bc.recoveryTimeout = 10s;
        auto breaker = std::make_shared<CircuitBreaker>(bc);
        Pipeline p(hedged(1, Duration::zero()), breaker);
        PipelineCall call = p.begin(1, t0);
        call.start(t0);
        call.onHedgeTimer(t0);
        call.onAttemptDone(Outcome::httpError(500), t0 + 10ms, 0);
        call.onAttemptDone(Outcome::httpError(500), t0 + 20ms, 1);
        QVERIFY(call.isDone());
        QVERIFY(breaker->state(t0 + 20ms) == BreakerState::Closed);
        PipelineCall second = p.begin(2, t0 + 30ms);
        second.start(t0 + 30ms);
        second.onHedgeTimer(t0 + 30ms);
        second.onAttemptDone(Outcome::httpError(500), t0 + 40ms, 0);
        second.onAttemptDone(Outcome::httpError(500), t0 + 50ms, 1);
        QVERIFY(breaker->state(t0 + 50ms) == BreakerState::Open);
    }

    void percentileDelayFollowsObservedLatencies()
    {
        PipelineConfig c = hedged(1, 1s);
        c.hedging.delayPercentile = 90.0;
        Pipeline p(c);
        TimePoint now = t0;
        // Runs a call whose primary answers after `latency`; returns its hedging delay.
        const auto runCall = [&](int i, Duration latency) {
            PipelineCall call = p.begin(std::uint64_t(i), now);
            const Step s = call.start(now);
            call.onAttemptDone(Outcome::success(), now + latency, 0);
            const Duration delay = s.until - now;
            now += 1s;
            return delay;
        };
        for (int i = 1; i < Hedging::kMinSamples; ++i)
            QCOMPARE(runCall(i, i * 10ms), Duration(1s)); // too few samples: the fixed delay
        runCall(Hedging::kMinSamples, Hedging::kMinSamples * 10ms);
        // Nearest rank: ceil(0.9 * 32) = 29th of 10, 20, ..., 320 ms.
        QCOMPARE(p.hedging()->delay(), Duration(290ms));
        QCOMPARE(runCall(100, 1ms), Duration(290ms));
        QCOMPARE(p.hedging()->samples(), Hedging::kMinSamples + 1);
    }

    void cancelledPrimaryCountsAsAtLeastItsRunTime()
    {
        PipelineConfig c = hedged(1, 100ms);
        c.hedging.delayPercentile = 50.0;
        Pipeline p(c);
        for (int i = 0; i < Hedging::kMinSamples; ++i) {
            const TimePoint start = t0 + i * 1s;
            PipelineCall call = p.begin(std::uint64_t(i + 1), start);
            call.start(start);
            call.onHedgeTimer(start + 100ms);
            call.onAttemptDone(Outcome::success(), start + 130ms, 1); // the hedge wins, the primary is cut at 130 ms
        }
        QCOMPARE(p.hedging()->delay(), Duration(130ms));
    }

    void plainPipelineStepsCarryNoHedging()
    {
        PipelineConfig c = hedged(1, 1s);
        c.hedgingEnabled = false;
        c.hedging.maxHedgedAttempts = 0; // disabled: not validated
        Pipeline p(c);
        QVERIFY(!p.hedging());
        PipelineCall call = p.begin(1, t0);
        const Step s = call.start(t0);
        QVERIFY(!s.hedgeTimer);
        QCOMPARE(int(s.request), 0);
        QCOMPARE(s.until, TimePoint {});
        const Step done = call.onAttemptDone(Outcome::success(), t0 + 5ms);
        QCOMPARE(done.cancel, std::uint16_t(0));
        QCOMPARE(call.result().hedges, 0);
        QCOMPARE(str(call.onHedgeTimer(t0 + 1s).kind), QStringLiteral("pending"));
    }

    void validation_data()
    {
        QTest::addColumn<int>("maxHedged");
        QTest::addColumn<double>("delayMs");
        QTest::addColumn<double>("percentile");
        QTest::addColumn<bool>("onFailureOnly");
        QTest::addColumn<QString>("error");
        QTest::newRow("max 0") << 0 << 100.0 << -1.0 << false
                               << QStringLiteral("hedging.max_hedged_attempts: expected an integer in [1, 10] (extra "
                                                 "requests per try), got 0");
        QTest::newRow("max 11") << 11 << 100.0 << -1.0 << false
                                << QStringLiteral("hedging.max_hedged_attempts: expected an integer in [1, 10] (extra "
                                                  "requests per try), got 11");
        QTest::newRow("negative delay") << 1 << -5.0 << -1.0 << false
                                        << QStringLiteral("hedging.delay: expected a duration >= 0 ms, got -5 ms");
        QTest::newRow("percentile 100") << 1 << 100.0 << 100.0 << false
                                        << QStringLiteral(
                                               "hedging.delay_percentile: expected a percentile in (0, 100), got 100");
        QTest::newRow("percentile 0") << 1 << 100.0 << 0.0 << false
                                      << QStringLiteral(
                                             "hedging.delay_percentile: expected a percentile in (0, 100), got 0");
        QTest::newRow("percentile on failure only")
            << 1 << 100.0 << 95.0 << true
            << QStringLiteral(
                   "hedging.delay_percentile: has no effect with on_failure_only, which never hedges on time");
    }

    void validation()
    {
        QFETCH(int, maxHedged);
        QFETCH(double, delayMs);
        QFETCH(double, percentile);
        QFETCH(bool, onFailureOnly);
        QFETCH(QString, error);
        PipelineConfig c = hedged(
            maxHedged, std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(delayMs)));
        if (percentile >= 0)
            c.hedging.delayPercentile = percentile;
        c.hedging.onFailureOnly = onFailureOnly;
        QStringList got;
        for (const auto& e : PipelineConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, QStringList { error });
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, Pipeline { c });
    }

    void blockingExecutorRefusesHedging()
    {
        Pipeline p(hedged(1, 100ms));
        VirtualClock clock;
        try {
            BlockingExecutor ex(p, clock);
            QFAIL("expected InvalidConfig");
        } catch (const InvalidConfig& e) {
            QCOMPARE(e.errors().size(), std::size_t(1));
            QCOMPARE(e.errors()[0].field, QStringLiteral("hedging.enabled"));
        }
    }
};

QTEST_APPLESS_MAIN(TestHedging)
#include "tst_hedging.moc"
