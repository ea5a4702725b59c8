#include "core/clock/systemclock.h"
#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/exec/blockingexecutor.h"
#include "core/policy/pipeline.h"

#include <QTest>

#include <stdexcept>

using namespace rwb;

namespace {
const TimePoint t0 {std::chrono::seconds(1000)};

PipelineConfig baseConfig()
{
    PipelineConfig c;
    c.name = QStringLiteral("payments");
    c.retry.maxAttempts = 3;
    c.retry.backoff.baseDelay = 100ms;
    c.retry.backoff.maxDelay = 10s;
    c.retry.backoff.jitter = Jitter::None;
    c.retry.retryAfter.defaultRetryDelay = Duration::zero();
    return c;
}

std::shared_ptr<CircuitBreaker> breaker(int failureThreshold, Duration recovery)
{
    CircuitBreakerConfig c;
    c.name = QStringLiteral("svc");
    c.failureThreshold = failureThreshold;
    c.recoveryTimeout = recovery;
    c.successThreshold = 1;
    return std::make_shared<CircuitBreaker>(c);
}

QStringList kinds(const std::vector<Event>& events)
{
    QStringList out;
    for (const auto& e : events)
        out << toString(e.kind);
    return out;
}

QString str(Step::Kind k) { return Step::toString(k); }

/// Collects only the kinds it names, and counts how often it was asked what it wants.
class SelectiveSink final : public EventSink {
public:
    explicit SelectiveSink(EventKindSet kinds)
        : m_kinds(kinds)
    {
    }
    void onEvent(const Event& event) override { events.push_back(event); }
    EventKindSet interests() const override
    {
        ++asked;
        return m_kinds;
    }
    std::vector<Event> events;
    mutable int asked = 0;

private:
    EventKindSet m_kinds;
};
} // namespace

class TestPipeline : public QObject {
    Q_OBJECT
private slots:
    void successFirstTry()
    {
        CollectingSink sink;
        Pipeline p(baseConfig(), {}, &sink);
        PipelineCall call = p.begin(7, t0);
        Step s = call.start(t0);
        QCOMPARE(str(s.kind), QStringLiteral("attempt"));
        QCOMPARE(s.attempt, 1);
        QCOMPARE(s.deadline, Timeout::kNever);
        s = call.onAttemptDone(Outcome::success(), t0 + 30ms);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QVERIFY(call.result().succeeded());
        QCOMPARE(call.result().attempts, 1);
        QCOMPARE(call.result().total, Duration(30ms));
        QCOMPARE(call.result().lastOutcome.latency, Duration(30ms)); // filled in from the attempt start
        QVERIFY(call.isDone());
        const auto ev = sink.take();
        QCOMPARE(kinds(ev), (QStringList {QStringLiteral("attempt"), QStringLiteral("request_done")}));
        for (const auto& e : ev) {
            QCOMPARE(e.source, QStringLiteral("payments"));
            QCOMPARE(e.requestId, quint64(7));
        }
        QCOMPARE(ev[1].total, Duration(30ms));
        QCOMPARE(ev[1].text, QStringLiteral("succeeded"));
    }

    void retryThenSuccess()
    {
        CollectingSink sink;
        Pipeline p(baseConfig(), {}, &sink);
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        s = call.onAttemptDone(Outcome::httpError(500, 10ms), t0 + 10ms);
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        QCOMPARE(s.until, t0 + 110ms);
        QCOMPARE(Step::toString(s.waitReason), QStringLiteral("backoff"));
        s = call.resume(t0 + 110ms);
        QCOMPARE(str(s.kind), QStringLiteral("attempt"));
        QCOMPARE(s.attempt, 2);
        s = call.onAttemptDone(Outcome::error(ErrorClass::connectionReset(), 5ms), t0 + 115ms);
        QCOMPARE(s.until, t0 + 315ms);
        s = call.resume(t0 + 315ms);
        QCOMPARE(s.attempt, 3);
        s = call.onAttemptDone(Outcome::success(20ms), t0 + 335ms);
        QVERIFY(call.result().succeeded());
        QCOMPARE(call.result().attempts, 3);
        QCOMPARE(call.result().total, Duration(335ms));
        const auto ev = sink.take();
        QCOMPARE(kinds(ev), (QStringList {QStringLiteral("attempt"), QStringLiteral("retry_scheduled"),
                                QStringLiteral("attempt"), QStringLiteral("retry_scheduled"),
                                QStringLiteral("attempt"), QStringLiteral("request_done")}));
        QCOMPARE(ev[1].attempt, 1);
        QCOMPARE(ev[1].delay, Duration(100ms));
        QCOMPARE(ev[1].text, QStringLiteral("backoff"));
        QCOMPARE(ev[3].delay, Duration(200ms));
        QCOMPARE(ev[5].attempt, 3);
    }

    void retryWaitsAreTheOnesBeforeAnotherTry_data()
    {
        QTest::addColumn<int>("reason");
        QTest::addColumn<bool>("retry");
        QTest::newRow("backoff") << int(Step::WaitReason::Backoff) << true;
        QTest::newRow("retry-after") << int(Step::WaitReason::RetryAfter) << true;
        QTest::newRow("rejected") << int(Step::WaitReason::Rejected) << true;
        QTest::newRow("rate limit") << int(Step::WaitReason::RateLimit) << false;
        QTest::newRow("server rate limit") << int(Step::WaitReason::ServerRateLimit) << false;
    }

    void retryWaitsAreTheOnesBeforeAnotherTry()
    {
        QFETCH(int, reason);
        QFETCH(bool, retry);
        Step s;
        s.kind = Step::Kind::Wait;
        s.waitReason = Step::WaitReason(reason);
        QCOMPARE(s.isRetryWait(), retry);
        s.kind = Step::Kind::Attempt;
        QVERIFY(!s.isRetryWait());
    }

    void sinkReceivesOnlyTheKindsItWants()
    {
        SelectiveSink sink({EventKind::RetryScheduled, EventKind::RetryGaveUp});
        Pipeline p(baseConfig(), {}, &sink);
        QCOMPARE(sink.asked, 1); // asked once, when attached
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        s = call.onAttemptDone(Outcome::httpError(500, 10ms), t0 + 10ms);
        s = call.resume(s.until);
        s = call.onAttemptDone(Outcome::httpError(500, 10ms), s.until + 10ms);
        s = call.resume(s.until);
        s = call.onAttemptDone(Outcome::httpError(500, 10ms), s.until + 10ms);
        QVERIFY(call.isDone());
        // three attempts and a request_done were not built; two retries and the give-up were
        QCOMPARE(kinds(sink.events), (QStringList {QStringLiteral("retry_scheduled"),
                                         QStringLiteral("retry_scheduled"), QStringLiteral("retry_gave_up")}));
        QCOMPARE(sink.asked, 1);
    }

    void fanOutWantsWhatAnyOfItsSinksWants()
    {
        SelectiveSink retries({EventKind::RetryScheduled});
        SelectiveSink done({EventKind::RequestDone});
        FanOutSink fan;
        QVERIFY(fan.interests().empty());
        fan.add(&retries);
        fan.add(&done);
        const EventKindSet kinds = fan.interests();
        QVERIFY(kinds.contains(EventKind::RetryScheduled));
        QVERIFY(kinds.contains(EventKind::RequestDone));
        QVERIFY(!kinds.contains(EventKind::Attempt));
        QCOMPARE(kinds, (EventKindSet {EventKind::RequestDone, EventKind::RetryScheduled}));
        QVERIFY(CollectingSink().interests() == EventKindSet::all());
    }

    void giveUpCarriesLastOutcome()
    {
        CollectingSink sink;
        Pipeline p(baseConfig(), {}, &sink);
        PipelineCall call = p.begin(2, t0);
        Step s = call.start(t0);
        TimePoint now = t0;
        while (s.kind != Step::Kind::Done) {
            if (s.kind == Step::Kind::Wait) {
                now = s.until;
                s = call.resume(now);
            } else {
                now += 1ms;
                s = call.onAttemptDone(Outcome::httpError(502), now);
            }
        }
        QVERIFY(!call.result().succeeded());
        QCOMPARE(call.result().attempts, 3);
        QCOMPARE(call.result().lastOutcome.httpStatus, 502);
        QCOMPARE(toString(call.result().reason), QStringLiteral("max_attempts"));
        const auto ev = sink.take();
        QCOMPARE(toString(ev[ev.size() - 2].kind), toString(EventKind::RetryGaveUp));
        QCOMPARE(ev[ev.size() - 2].text, QStringLiteral("max_attempts"));
        QCOMPARE(toString(ev.back().outcome), toString(OutcomeKind::Error));
    }

    void nonRetryableEndsAtOnce()
    {
        Pipeline p(baseConfig());
        PipelineCall call = p.begin(3, t0);
        call.start(t0);
        const Step s = call.onAttemptDone(Outcome::httpError(404), t0 + 1ms);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(toString(call.result().reason), QStringLiteral("non_retryable"));
    }

    void lateResultIsTimeoutAndDeadlineStep()
    {
        PipelineConfig c = baseConfig();
        c.timeoutEnabled = true;
        c.timeout.attemptTimeout = 200ms;
        Pipeline p(c);
        PipelineCall call = p.begin(4, t0);
        Step s = call.start(t0);
        QCOMPARE(s.deadline, t0 + 200ms);
        s = call.onDeadline(t0 + 200ms); // executor's deadline timer
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        s = call.resume(s.until);
        QCOMPARE(s.deadline, t0 + 300ms + 200ms); // a fresh per-attempt deadline
        s = call.onAttemptDone(Outcome::success(), t0 + 501ms); // too late: a timeout
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        s = call.resume(s.until);
        s = call.onAttemptDone(Outcome::success(), s.deadline);
        QVERIFY(call.result().succeeded());
        QCOMPARE(call.result().attempts, 3);
    }

    void timeoutOutsideRetryBoundsTheCall()
    {
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 10;
        c.timeoutEnabled = true;
        c.timeout.attemptTimeout = 250ms;
        c.order = {StageKind::Fallback, StageKind::Timeout, StageKind::Retry, StageKind::CircuitBreaker,
            StageKind::RateLimiter, StageKind::Bulkhead};
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        PipelineCall call = p.begin(5, t0);
        Step s = call.start(t0);
        QCOMPARE(s.deadline, t0 + 250ms);
        s = call.onAttemptDone(Outcome::httpError(503), t0 + 10ms);
        QCOMPARE(s.until, t0 + 110ms);
        s = call.resume(s.until);
        QCOMPARE(s.deadline, t0 + 250ms); // same call deadline for attempt 2
        s = call.onAttemptDone(Outcome::httpError(503), t0 + 120ms);
        // next delay 200 ms would start at 320 ms > 250 ms
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(toString(call.result().reason), QStringLiteral("budget_exhausted"));
        QCOMPARE(call.result().attempts, 2);
    }

    void overallTimeout()
    {
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 10;
        c.timeoutEnabled = true;
        c.timeout.overallTimeout = 1s;
        c.timeout.attemptTimeout = 600ms;
        Pipeline p(c);
        PipelineCall call = p.begin(6, t0);
        Step s = call.start(t0);
        QCOMPARE(s.deadline, t0 + 600ms);
        s = call.onDeadline(t0 + 600ms);
        s = call.resume(s.until); // 700 ms
        QCOMPARE(s.deadline, t0 + 1s); // capped by the overall deadline
    }

    void breakerOpenRejection()
    {
        auto cb = breaker(1, 5s);
        CollectingSink sink;
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 1;
        Pipeline p(c, cb, &sink);
        {
            PipelineCall call = p.begin(1, t0);
            call.start(t0);
            QCOMPARE(str(call.onAttemptDone(Outcome::httpError(500), t0 + 1ms).kind), QStringLiteral("done"));
            QVERIFY(!call.result().succeeded());
        }
        QCOMPARE(toString(cb->state(t0 + 1ms)), toString(BreakerState::Open));
        sink.take();
        PipelineCall call = p.begin(2, t0 + 2ms);
        const Step s = call.start(t0 + 2ms);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(toString(call.result().outcome.kind), toString(OutcomeKind::Rejected));
        QCOMPARE(call.result().outcome.errorClass, ErrorClass::circuitOpen());
        QCOMPARE(call.result().attempts, 1);
        QCOMPARE(toString(call.result().reason), QStringLiteral("rejection_not_retried"));
        QCOMPARE(kinds(sink.take()),
            (QStringList {QStringLiteral("attempt"), QStringLiteral("retry_gave_up"), QStringLiteral("request_done")}));
    }

    void breakerRetryAfterUsedWhenRetryingRejections()
    {
        auto cb = breaker(1, 5s);
        PipelineConfig c = baseConfig();
        c.retry.retryOnRejection = true;
        c.retry.retryAfter.maxRetryDelay = 60s;
        Pipeline p(c, cb);
        cb->forceOpen(t0);
        cb->release(t0); // back to closed; now trip it with one failure
        PipelineCall first = p.begin(1, t0);
        first.start(t0);
        c.retry.maxAttempts = 1;
        // attempt 1 fails -> breaker opens; the retry's second try is rejected with 5 s retry-after.
        Step s = first.onAttemptDone(Outcome::httpError(500), t0);
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        s = first.resume(s.until); // 100 ms later: breaker open
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        QCOMPARE(Step::toString(s.waitReason), QStringLiteral("rejected"));
        QCOMPARE(s.until, t0 + 5s);
        s = first.resume(s.until); // half-open: probe admitted
        QCOMPARE(str(s.kind), QStringLiteral("attempt"));
        QCOMPARE(s.attempt, 3);
        s = first.onAttemptDone(Outcome::success(), t0 + 5s + 1ms);
        QVERIFY(first.result().succeeded());
        QCOMPARE(toString(cb->state(t0 + 6s)), toString(BreakerState::Closed));
    }

    // Regression (issue 12, bug 1): with retry_on_rejection, tries rejected by a busy HALF_OPEN used to be
    // retried 0 ms apart (the rejection's zero hint won over the backoff).
    void busyHalfOpenRejectionsWaitForTheBackoff()
    {
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 5;
        c.retry.retryOnRejection = true;
        auto halfOpen = breaker(1, 5s);
        const Admission first = halfOpen->tryAcquire(t0);
        halfOpen->onOutcome(first.permit, Outcome::httpError(500), t0);
        const Admission probe = halfOpen->tryAcquire(t0 + 5s); // the only probe slot, never finished
        QVERIFY(probe && probe.permit.probe);

        Pipeline busy(c, halfOpen);
        PipelineCall call = busy.begin(2, t0 + 5s);
        Step s = call.start(t0 + 5s);
        std::vector<Duration> waits;
        for (TimePoint now = t0 + 5s; s.kind == Step::Kind::Wait; now = s.until, s = call.resume(now))
            waits.push_back(s.until - now);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(call.result().attempts, 5);
        // Exponential backoff from 100 ms, no jitter: 100, 200, 400, 800 ms.
        QCOMPARE(waits, (std::vector<Duration> {100ms, 200ms, 400ms, 800ms}));
    }

    // Seed 001's progressive timeout through the pipeline: tries 1, 2, 3 get 10 s, 15 s, 20 s.
    void attemptTimeoutGrowsPerTry()
    {
        PipelineConfig c = baseConfig();
        c.timeoutEnabled = true;
        c.timeout.attemptTimeout = 10s;
        c.timeout.attemptTimeoutIncrement = 5s;
        Pipeline p(c);
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        std::vector<Duration> limits;
        TimePoint attemptStart = t0;
        while (s.kind == Step::Kind::Attempt) {
            limits.push_back(s.deadline - attemptStart);
            s = call.onDeadline(s.deadline); // every try hangs
            if (s.kind == Step::Kind::Wait) {
                attemptStart = s.until;
                s = call.resume(s.until);
            }
        }
        QCOMPARE(limits, (std::vector<Duration> {10s, 15s, 20s}));
        QCOMPARE(toString(call.result().outcome.kind), toString(OutcomeKind::Timeout));
    }

    // retry.budget: a pipeline retries at most percent of its requests over the window (Finagle, Envoy).
    // 20 calls into an outage, max 3 tries each, 20 % and no floor: call k may retry while the window's
    // retries + 1 <= 0.2 k, so only calls 5, 10, 15 and 20 get one retry each.
    void retryBudgetCapsRetriesInAnOutage()
    {
        PipelineConfig c = baseConfig();
        RetryBudgetConfig b;
        b.percent = 20;
        b.minRetriesPerSecond = 0;
        b.window = 60s;
        c.retry.budget = b;
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        QVERIFY(p.retryBudget());
        VirtualClock clock;
        BlockingExecutor ex(p, clock, [&clock](TimePoint until) { clock.runUntil(until); });
        QList<int> attempts;
        for (int k = 1; k <= 20; ++k)
            attempts << ex.execute([](const AttemptContext&) { return Outcome::httpError(500); }).attempts;
        QList<int> expected;
        for (int k = 1; k <= 20; ++k)
            expected << (k % 5 == 0 ? 2 : 1);
        QCOMPARE(attempts, expected);
        int spent = 0;
        for (const auto& e : sink.events())
            spent += e.kind == EventKind::RetryGaveUp && e.text == QStringLiteral("retry_budget_spent") ? 1 : 0;
        QCOMPARE(spent, 20); // every call ends on the budget: 16 at once, 4 after their one retry
        QCOMPARE(p.retryBudget()->stats(clock.now()).granted, std::uint64_t(4));
    }

    // A budget named in several pipelines is one budget when they share a registry: the healthy
    // pipeline's requests pay for the failing one's retries.
    void retryBudgetSharedByName()
    {
        RetryBudgetRegistry registry;
        PipelineConfig c = baseConfig();
        RetryBudgetConfig b;
        b.name = QStringLiteral("backend");
        b.percent = 20;
        b.minRetriesPerSecond = 0;
        c.retry.budget = b;
        c.name = QStringLiteral("healthy");
        Pipeline healthy(c, {}, nullptr, &registry);
        c.name = QStringLiteral("failing");
        Pipeline failing(c, {}, nullptr, &registry);
        Pipeline alone(c); // no registry: its own budget
        QCOMPARE(healthy.retryBudget(), failing.retryBudget());
        QVERIFY(alone.retryBudget() != failing.retryBudget());
        for (int i = 0; i < 9; ++i) {
            PipelineCall call = healthy.begin(std::uint64_t(i), t0);
            call.start(t0);
            call.onAttemptDone(Outcome::success(), t0);
        }
        const auto tries = [](const Pipeline& p) {
            PipelineCall call = p.begin(100, t0);
            Step s = call.start(t0);
            while (s.kind != Step::Kind::Done)
                s = s.kind == Step::Kind::Attempt ? call.onAttemptDone(Outcome::httpError(500), t0) : call.resume(s.until);
            return call.result().attempts;
        };
        QCOMPARE(tries(failing), 3); // 10 requests in the shared window: 2 retries
        QCOMPARE(tries(alone), 1);   // 1 request of its own: none
    }

    // retry.throttling (gRFC A6): retryable failures cost a token, successes refill, no retry at or below
    // half of max_tokens.
    void retryThrottleStopsRetries()
    {
        PipelineConfig c = baseConfig();
        RetryThrottleConfig t;
        t.maxTokens = 4;
        t.tokenRatio = 1;
        c.retry.throttling = t;
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        const auto run = [&p](std::uint64_t id, const Outcome& first) {
            PipelineCall call = p.begin(id, t0);
            Step s = call.start(t0);
            bool firstTry = true;
            while (s.kind != Step::Kind::Done) {
                if (s.kind == Step::Kind::Attempt) {
                    s = call.onAttemptDone(firstTry ? first : Outcome::httpError(500), t0);
                    firstTry = false;
                } else {
                    s = call.resume(s.until);
                }
            }
            return call.result();
        };
        // 4 -> 3 (retry) -> 2: at half, given up.
        CallResult r = run(1, Outcome::httpError(500));
        QCOMPARE(r.attempts, 2);
        QCOMPARE(toString(r.reason), QStringLiteral("throttled"));
        QCOMPARE(p.retryThrottle()->tokens(), 2.0);
        QCOMPARE(run(2, Outcome::httpError(404)).attempts, 1); // not retryable: costs nothing
        QCOMPARE(p.retryThrottle()->tokens(), 2.0);
        r = run(3, Outcome::success()); // refills 1
        QCOMPARE(p.retryThrottle()->tokens(), 3.0);
        QCOMPARE(run(4, Outcome::httpError(503)).attempts, 1); // 3 -> 2: no retry
        QCOMPARE(sink.events().back().text, QStringLiteral("throttled"));
    }

    void breakerOutsideRetryRecordsOncePerCall()
    {
        auto cb = breaker(100, 5s);
        PipelineConfig c = baseConfig();
        c.order = {StageKind::Fallback, StageKind::CircuitBreaker, StageKind::Retry, StageKind::RateLimiter,
            StageKind::Bulkhead, StageKind::Timeout};
        Pipeline p(c, cb);
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        TimePoint now = t0;
        while (s.kind != Step::Kind::Done) {
            now += 1ms;
            s = s.kind == Step::Kind::Wait ? call.resume(s.until) : call.onAttemptDone(Outcome::httpError(500), now);
        }
        QCOMPARE(call.result().attempts, 3);
        const auto st = cb->stats(now);
        QCOMPARE(st.calls, quint64(1));
        QCOMPARE(st.failures, quint64(1));
        // Inside Retry (default order): one record per attempt.
        auto cb2 = breaker(100, 5s);
        Pipeline p2(baseConfig(), cb2);
        PipelineCall call2 = p2.begin(1, t0);
        s = call2.start(t0);
        while (s.kind != Step::Kind::Done)
            s = s.kind == Step::Kind::Wait ? call2.resume(s.until) : call2.onAttemptDone(Outcome::httpError(500), now);
        QCOMPARE(cb2->stats(now).calls, quint64(3));
    }

    void fallbackReplacesFinalFailure()
    {
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 2;
        c.fallbackEnabled = true;
        c.fallbackHandler = [](const Outcome& failed) { return Outcome::success(failed.latency, 299); };
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        s = call.onAttemptDone(Outcome::httpError(500), t0 + 1ms);
        s = call.resume(s.until);
        s = call.onAttemptDone(Outcome::httpError(503), t0 + 200ms);
        QVERIFY(call.result().succeeded());
        QVERIFY(call.result().fallbackUsed);
        QCOMPARE(call.result().outcome.httpStatus, 299);
        QCOMPARE(call.result().lastOutcome.httpStatus, 503);
        QCOMPARE(call.result().attempts, 2);
        QVERIFY(sink.events().back().fallback);
        QCOMPARE(toString(sink.events().back().outcome), toString(OutcomeKind::Success));
    }

    void fallbackOnlyForConfiguredOutcomes()
    {
        PipelineConfig c = baseConfig();
        c.retryEnabled = false;
        c.fallbackEnabled = true;
        c.fallback.onFailure = false;
        Pipeline p(c);
        PipelineCall call = p.begin(1, t0);
        call.start(t0);
        Step s = call.onAttemptDone(Outcome::httpError(500), t0);
        QVERIFY(!call.result().fallbackUsed);
        QCOMPARE(toString(call.result().reason), QStringLiteral("max_attempts"));
        PipelineCall call2 = p.begin(2, t0);
        s = call2.start(t0);
        s = call2.onDeadline(t0 + 1s); // timeout -> fallback (on_timeout)
        QVERIFY(call2.result().fallbackUsed);
    }

    void fallbackInsideRetryStopsRetrying()
    {
        PipelineConfig c = baseConfig();
        c.fallbackEnabled = true;
        c.order = {StageKind::Retry, StageKind::Fallback, StageKind::CircuitBreaker, StageKind::RateLimiter,
            StageKind::Bulkhead, StageKind::Timeout};
        Pipeline p(c);
        PipelineCall call = p.begin(1, t0);
        call.start(t0);
        const Step s = call.onAttemptDone(Outcome::httpError(500), t0);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QVERIFY(call.result().fallbackUsed);
        QCOMPARE(call.result().attempts, 1);
    }

    void bulkheadQueueAndHandoff()
    {
        PipelineConfig c = baseConfig();
        c.bulkheadEnabled = true;
        c.bulkhead = {1, 1, 50ms};
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        PipelineCall a = p.begin(1, t0);
        PipelineCall b = p.begin(2, t0);
        PipelineCall d = p.begin(3, t0);
        QCOMPARE(str(a.start(t0).kind), QStringLiteral("attempt"));
        const Step qb = b.start(t0 + 1ms);
        QCOMPARE(str(qb.kind), QStringLiteral("queued"));
        QCOMPARE(qb.deadline, t0 + 51ms);
        QVERIFY(b.isQueued());
        // queue full -> d rejected (not retried by default)
        QCOMPARE(str(d.start(t0 + 2ms).kind), QStringLiteral("done"));
        QCOMPARE(d.result().outcome.errorClass, ErrorClass::bulkheadFull());
        const Step sa = a.onAttemptDone(Outcome::success(), t0 + 20ms);
        QCOMPARE(str(sa.kind), QStringLiteral("done"));
        QCOMPARE(sa.handoff, qb.ticket);
        const Step sb = b.resume(t0 + 20ms);
        QCOMPARE(str(sb.kind), QStringLiteral("attempt"));
        QCOMPARE(p.bulkhead()->stats().active, 1);
        QCOMPARE(str(b.onAttemptDone(Outcome::success(), t0 + 30ms).kind), QStringLiteral("done"));
        QVERIFY(b.result().succeeded());
        QCOMPARE(p.bulkhead()->stats().active, 0);
        int rejectedEvents = 0;
        for (const auto& e : sink.events())
            rejectedEvents += e.kind == EventKind::BulkheadRejected ? 1 : 0;
        QCOMPARE(rejectedEvents, 1);
    }

    void bulkheadQueueDeadline()
    {
        PipelineConfig c = baseConfig();
        c.retryEnabled = false;
        c.bulkheadEnabled = true;
        c.bulkhead = {1, 1, 50ms};
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        PipelineCall a = p.begin(1, t0);
        PipelineCall b = p.begin(2, t0);
        a.start(t0);
        const Step qb = b.start(t0);
        Step sb = b.onDeadline(qb.deadline);
        QCOMPARE(str(sb.kind), QStringLiteral("done"));
        QCOMPARE(b.result().outcome.errorClass, ErrorClass::bulkheadFull());
        QCOMPARE(b.result().attempts, 0);
        QCOMPARE(sink.events().front().text, QStringLiteral("queue_timeout"));
        QCOMPARE(a.onAttemptDone(Outcome::success(), t0 + 60ms).handoff, BulkheadTicket(0));
    }

    void bulkheadHandoffRacingDeadline()
    {
        PipelineConfig c = baseConfig();
        c.bulkheadEnabled = true;
        c.bulkhead = {1, 1, 50ms};
        Pipeline p(c);
        PipelineCall a = p.begin(1, t0);
        PipelineCall b = p.begin(2, t0);
        a.start(t0);
        const Step qb = b.start(t0);
        QCOMPARE(a.onAttemptDone(Outcome::success(), qb.deadline).handoff, qb.ticket);
        const Step sb = b.onDeadline(qb.deadline); // deadline processed before the hand-off
        QCOMPARE(str(sb.kind), QStringLiteral("attempt"));
        QVERIFY(b.handedSlotAtDeadline());
    }

    void innerRejectionCancelsBreakerPermit()
    {
        auto cb = breaker(5, 1s);
        PipelineConfig c = baseConfig();
        c.retryEnabled = false;
        c.bulkheadEnabled = true;
        c.bulkhead = {1, 0, Duration::zero()};
        Pipeline p(c, cb);
        PipelineCall a = p.begin(1, t0);
        PipelineCall b = p.begin(2, t0);
        a.start(t0);
        QCOMPARE(str(b.start(t0).kind), QStringLiteral("done"));
        QCOMPARE(b.result().outcome.errorClass, ErrorClass::bulkheadFull());
        const auto st = cb->stats(t0);
        QCOMPARE(st.calls, quint64(0));
        QCOMPARE(st.ignored, quint64(0)); // cancelled, not recorded
    }

    void handoffAtCallDeadlineTimesOut()
    {
        PipelineConfig c = baseConfig();
        c.bulkheadEnabled = true;
        c.bulkhead = {1, 1, 1s};
        c.timeoutEnabled = true;
        c.timeout.overallTimeout = 50ms;
        Pipeline p(c);
        PipelineCall a = p.begin(1, t0);
        PipelineCall b = p.begin(2, t0);
        a.start(t0);
        const Step qb = b.start(t0);
        QCOMPARE(qb.deadline, t0 + 50ms); // the call deadline comes before the queue deadline
        const Step sa = a.onAttemptDone(Outcome::success(), t0 + 50ms);
        QCOMPARE(sa.handoff, qb.ticket);
        const Step sb = b.resume(t0 + 50ms);
        QCOMPARE(str(sb.kind), QStringLiteral("done"));
        QCOMPARE(toString(b.result().outcome.kind), toString(OutcomeKind::Timeout));
        QCOMPARE(p.bulkhead()->stats().active, 0);
    }

    void rateLimitWait()
    {
        PipelineConfig c = baseConfig();
        c.rateLimiterEnabled = true;
        c.rateLimiter.ratePerSecond = 10;
        c.rateLimiter.burst = 1;
        c.rateLimiter.maxWait = 1s;
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        PipelineCall a = p.begin(1, t0);
        PipelineCall b = p.begin(2, t0);
        QCOMPARE(str(a.start(t0).kind), QStringLiteral("attempt"));
        Step s = b.start(t0);
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        QCOMPARE(Step::toString(s.waitReason), QStringLiteral("rate_limit"));
        QCOMPARE(s.until, t0 + 100ms);
        s = b.resume(s.until);
        QCOMPARE(str(s.kind), QStringLiteral("attempt"));
        const auto ev = sink.events();
        QCOMPARE(ev.size(), std::size_t(1));
        QCOMPARE(toString(ev[0].kind), toString(EventKind::RateLimited));
        QCOMPARE(ev[0].text, QStringLiteral("client"));
        QCOMPARE(ev[0].delay, Duration(100ms));
    }

    void rateLimitRejectAndServerPause()
    {
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 1;
        c.rateLimiterEnabled = true;
        c.rateLimiter.ratePerSecond = 1000;
        c.rateLimiter.burst = 100;
        c.rateLimiter.maxWait = 3s;
        CollectingSink sink;
        Pipeline p(c, {}, &sink);
        PipelineCall a = p.begin(1, t0);
        a.start(t0);
        a.onAttemptDone(Outcome::httpError(429, 1ms, 2s), t0 + 1ms);
        bool sawServer = false;
        for (const auto& e : sink.take())
            if (e.kind == EventKind::RateLimited && e.text == QStringLiteral("server") && e.delay == Duration(2s))
                sawServer = true;
        QVERIFY(sawServer);
        PipelineCall b = p.begin(2, t0 + 2ms);
        const Step s = b.start(t0 + 2ms);
        QCOMPARE(str(s.kind), QStringLiteral("wait"));
        QCOMPARE(Step::toString(s.waitReason), QStringLiteral("server_rate_limit"));
        QCOMPARE(s.until, t0 + 2001ms);
        // max_wait shorter than the pause: rejected as rate_limited
        c.rateLimiter.maxWait = 0s;
        Pipeline strict(c);
        strict.rateLimiter()->onServerRetryAfter(t0 + 1s);
        PipelineCall d = strict.begin(3, t0);
        QCOMPARE(str(d.start(t0).kind), QStringLiteral("done"));
        QCOMPARE(d.result().outcome.errorClass, ErrorClass::rateLimited());
        QCOMPARE(d.result().outcome.retryAfter, std::optional<Duration>(1s));
    }

    void disabledStagesAreSkipped()
    {
        PipelineConfig c = baseConfig();
        c.retryEnabled = false;
        Pipeline p(c);
        QVERIFY(p.activeStages().empty());
        PipelineCall call = p.begin(1, t0);
        Step s = call.start(t0);
        QCOMPARE(s.attempt, 1);
        s = call.onAttemptDone(Outcome::httpError(503), t0);
        QCOMPARE(str(s.kind), QStringLiteral("done"));
        QCOMPARE(call.result().attempts, 1);
        c.bulkheadEnabled = c.timeoutEnabled = c.retryEnabled = true;
        Pipeline p2(c, breaker(5, 1s));
        QCOMPARE(p2.activeStages(), (std::vector<StageKind> {StageKind::Retry, StageKind::CircuitBreaker,
                                        StageKind::Bulkhead, StageKind::Timeout}));
    }

    void abandonReleasesResources()
    {
        PipelineConfig c = baseConfig();
        c.bulkheadEnabled = true;
        c.bulkhead = {1, 1, 50ms};
        Pipeline p(c);
        PipelineCall a = p.begin(1, t0);
        PipelineCall b = p.begin(2, t0);
        a.start(t0);
        const Step qb = b.start(t0);
        QCOMPARE(a.abandon(t0), qb.ticket);
        QCOMPARE(b.abandon(t0), BulkheadTicket(0));
        QCOMPARE(p.bulkhead()->stats().active, 0);
    }

    void jitterDeterministicPerRequest()
    {
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 6;
        c.retry.backoff.jitter = Jitter::Full;
        c.seed = 99;
        Pipeline p1(c), p2(c);
        auto schedule = [](Pipeline& p, std::uint64_t id) {
            QList<qint64> untils;
            PipelineCall call = p.begin(id, t0);
            Step s = call.start(t0);
            while (s.kind != Step::Kind::Done) {
                if (s.kind == Step::Kind::Wait) {
                    untils << s.until.time_since_epoch().count();
                    s = call.resume(s.until);
                } else {
                    s = call.onAttemptDone(Outcome::timeout(1ms), t0);
                }
            }
            return untils;
        };
        const auto a = schedule(p1, 5);
        (void)schedule(p2, 4); // other calls in between do not matter
        QCOMPARE(schedule(p2, 5), a);
        QVERIFY(schedule(p1, 6) != a);
    }

    void blockingExecutorOnVirtualClock()
    {
        VirtualClock clock;
        CollectingSink sink;
        Pipeline p(baseConfig(), {}, &sink);
        BlockingExecutor ex(p, clock, [&clock](TimePoint until) { clock.runUntil(until); });
        int calls = 0;
        bool numbered = true;
        const CallResult r = ex.execute([&](const AttemptContext& ctx) {
            ++calls;
            numbered = numbered && ctx.attempt == calls;
            return calls < 3 ? Outcome::httpError(503) : Outcome::success();
        });
        QVERIFY(r.succeeded());
        QCOMPARE(r.attempts, 3);
        QVERIFY(numbered);
        QCOMPARE(r.total, Duration(300ms));
        QCOMPARE(clock.now(), TimePoint(300ms));

        const CallResult e = ex.execute([]() -> Outcome { throw std::runtime_error("boom"); });
        QCOMPARE(e.lastOutcome.errorClass, ErrorClass::exception());
        QCOMPARE(e.attempts, 1); // "exception" is not retryable by default
    }

    void blockingExecutorLateResultIsTimeout()
    {
        VirtualClock clock;
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 1;
        c.timeoutEnabled = true;
        c.timeout.attemptTimeout = 50ms;
        Pipeline p(c);
        BlockingExecutor ex(p, clock, [&clock](TimePoint until) { clock.runUntil(until); });
        const CallResult r = ex.execute([&](const AttemptContext& ctx) {
            clock.runUntil(ctx.deadline + 1ms); // the callable overran its deadline
            return Outcome::success();
        });
        QCOMPARE(toString(r.outcome.kind), toString(OutcomeKind::Timeout));
    }

    void blockingValueWithFallback()
    {
        VirtualClock clock;
        PipelineConfig c = baseConfig();
        c.retry.maxAttempts = 2;
        Pipeline p(c);
        BlockingExecutor ex(p, clock, [&clock](TimePoint until) { clock.runUntil(until); });
        auto [value, result] = ex.executeValue<QString>(
            [](const AttemptContext&) { return std::pair(QString(), Outcome::httpError(500)); },
            [](const CallResult&) { return QStringLiteral("cached"); });
        QCOMPARE(value, std::optional<QString>(QStringLiteral("cached")));
        QCOMPARE(result.attempts, 2);
        auto [v2, r2] = ex.executeValue<int>(
            [](const AttemptContext& ctx) { return std::pair(ctx.attempt * 10, Outcome::success()); },
            [](const CallResult&) { return -1; });
        QCOMPARE(v2, std::optional<int>(10));
        QVERIFY(r2.succeeded());
    }

    void blockingExecutorOnSystemClock()
    {
        PipelineConfig c = baseConfig();
        c.retry.backoff.baseDelay = Duration::zero();
        c.retry.backoff.maxDelay = Duration::zero();
        Pipeline p(c);
        SystemClock clock;
        BlockingExecutor ex(p, clock); // real sleeping
        int n = 0;
        const CallResult r = ex.execute([&](const AttemptContext&) { return ++n < 2 ? Outcome::timeout(1ms) : Outcome::success(); });
        QVERIFY(r.succeeded());
        QCOMPARE(r.attempts, 2);
    }

    void validation()
    {
        PipelineConfig c = baseConfig();
        c.name = QStringLiteral("  ");
        c.order = {StageKind::Retry, StageKind::Retry, StageKind::Timeout};
        c.retry.maxAttempts = 0;
        c.bulkheadEnabled = true;
        c.bulkhead.maxConcurrent = 0;
        c.rateLimiter.burst = 0; // disabled: not validated
        QStringList got;
        for (const auto& e : PipelineConfig::validate(c))
            got << e.toString();
        QCOMPARE(got, (QStringList {QStringLiteral("name: expected a non-empty name"),
                           QStringLiteral("order: expected each of fallback, retry, circuit_breaker, rate_limiter, "
                                          "bulkhead, timeout exactly once; 'fallback' missing, 'retry' appears 2 "
                                          "times, 'circuit_breaker' missing, 'rate_limiter' missing, 'bulkhead' missing"),
                           QStringLiteral("retry.max_attempts: expected an integer >= 1, got 0"),
                           QStringLiteral("bulkhead.max_concurrent: expected an integer >= 1, got 0")}));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, Pipeline {c});
        QCOMPARE(stageKindFromString(QStringLiteral("circuit_breaker")), std::optional<StageKind>(StageKind::CircuitBreaker));
    }
};

QTEST_APPLESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
