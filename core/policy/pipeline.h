#pragma once

#include "core/common/configerror.h"
#include "core/common/outcome.h"
#include "core/common/random.h"
#include "core/common/time.h"
#include "core/events/event.h"
#include "core/policy/bulkhead.h"
#include "core/policy/circuitbreaker.h"
#include "core/policy/fallback.h"
#include "core/policy/hedging.h"
#include "core/policy/ratelimiter.h"
#include "core/policy/retrybudgetregistry.h"
#include "core/policy/retrypolicy.h"
#include "core/policy/timeout.h"

#include <QString>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace rwb {

class EventSink;
class Pipeline;

/// A pipeline stage. JSON spelling: "fallback", "retry", "circuit_breaker", "rate_limiter",
/// "bulkhead", "timeout".
enum class StageKind : std::uint8_t { Fallback, Retry, CircuitBreaker, RateLimiter, Bulkhead, Timeout };
QString toString(StageKind kind);
std::optional<StageKind> stageKindFromString(const QString& text);

/// Pipeline configuration. Every stage is optional (its `*Enabled` flag); the circuit breaker is enabled
/// by handing a breaker object to the Pipeline (breakers are shared and named, see the registry).
///
/// `order` lists stages outer -> inner. Stages outside Retry act once per call, stages inside once per
/// attempt: a Timeout outside Retry bounds the whole call (retries included), a breaker outside Retry
/// admits and records the call once. Disabled stages in `order` are skipped.
struct PipelineConfig {
    QString name = QStringLiteral("default"); ///< name: event source, not empty
    std::vector<StageKind> order = defaultOrder(); ///< order: each stage exactly once

    bool fallbackEnabled = false;     ///< fallback.enabled
    FallbackConfig fallback;          ///< fallback.*
    Fallback::Handler fallbackHandler;///< substitute outcome; empty: a success

    bool retryEnabled = true;         ///< retry.enabled
    RetryConfig retry;                ///< retry.*

    bool rateLimiterEnabled = false;  ///< rate_limiter.enabled
    RateLimiterConfig rateLimiter;    ///< rate_limiter.*

    bool bulkheadEnabled = false;     ///< bulkhead.enabled
    BulkheadConfig bulkhead;          ///< bulkhead.*

    bool timeoutEnabled = false;      ///< timeout.enabled
    TimeoutConfig timeout;            ///< timeout.*

    /// hedging.enabled. Not a member of `order`: hedging acts innermost, on the request itself (each try
    /// may send up to 1 + max_hedged_attempts requests), see docs/hedging.md.
    bool hedgingEnabled = false;
    HedgingConfig hedging;            ///< hedging.*

    /// seed: jitter of call `requestId` is drawn from Random(mix(seed, requestId)), so a schedule does
    /// not depend on how calls interleave (threads, simulator order).
    std::uint64_t seed = 1;

    /// Fallback, Retry, CircuitBreaker, RateLimiter, Bulkhead, Timeout.
    static std::vector<StageKind> defaultOrder();
    /// Every broken rule, sub-configs prefixed ("retry.max_attempts", "order").
    static FieldErrors validate(const PipelineConfig& config);
};

/// The end of a call.
struct CallResult {
    Outcome outcome;         ///< final outcome (the fallback's substitute when fallbackUsed)
    Outcome lastOutcome;     ///< outcome of the last attempt or rejection, before any fallback
    int attempts = 0;        ///< tries made (attempts performed plus tries rejected inside Retry)
    Duration total {};       ///< call start -> done
    bool fallbackUsed = false;
    RetryReason reason = RetryReason::Succeeded; ///< why the retry loop ended (MaxAttempts when retry is off and it failed)
    int hedges = 0;          ///< extra requests hedging sent (not counted in `attempts`)

    bool succeeded() const noexcept { return outcome.isSuccess(); }
};

/// What a PipelineCall asks its executor to do next. Small on purpose (executors get one per state
/// change): the result of a finished call is read from PipelineCall::result().
struct Step {
    enum class Kind : std::uint8_t {
        Attempt, ///< perform attempt `attempt`; then onAttemptDone(outcome, now), or onDeadline(now) at `deadline`
        Wait,    ///< do nothing until `until`, then resume(now)
        Queued,  ///< waiting for a bulkhead slot (ticket `ticket`): resume(now) when a step names the ticket
                 ///< in `handoff`, or onDeadline(now) at `deadline`
        Done,    ///< finished; PipelineCall::result() holds the result. Only result() may be used any more.
        Pending, ///< hedged calls only: nothing new to do; other requests of the try are still in flight
                 ///< (or the step answered a request that was already cancelled)
    };
    enum class WaitReason : std::uint8_t {
        Backoff,         ///< retry backoff
        RetryAfter,      ///< retry delayed by a server Retry-After (or the 429/503 default)
        Rejected,        ///< retry after a rejection, delayed by the rejecting policy's hint
        RateLimit,       ///< client token bucket: a token is reserved at `until`
        ServerRateLimit, ///< rate limiter paused by a server 429 Retry-After
    };

    Kind kind = Kind::Done;
    /// Attempt: which request of the try to send (0 = the first, k = hedge k); its outcome goes to
    /// onAttemptDone(outcome, now, request). Always 0 without hedging.
    std::uint8_t request = 0;
    /// Any kind, hedged calls only: bit k set = the executor must cancel request k of the try (a loser,
    /// or every request still in flight at the deadline) and drop its answer.
    std::uint16_t cancel = 0;
    int attempt = 0;                      ///< Attempt: 1-based try number
    TimePoint deadline = Timeout::kNever; ///< Attempt / Queued; kNever = none
    TimePoint until {};                   ///< Wait; Attempt with hedgeTimer: when to call onHedgeTimer(now)
    WaitReason waitReason = WaitReason::Backoff;
    /// Attempt: the executor calls onHedgeTimer(now) at `until` unless the try ended before (a late or
    /// repeated timer is harmless: the call ignores it).
    bool hedgeTimer = false;
    BulkheadTicket ticket = 0;            ///< Queued
    /// Any kind: non-zero when this step released a bulkhead slot straight to the call queued with this
    /// ticket. That call now owns the slot: the executor must resume() it (and cancel its deadline).
    BulkheadTicket handoff = 0;

    /// A Wait before another try of the call (a retry), as opposed to a rate-limit pause.
    bool isRetryWait() const noexcept
    {
        return kind == Kind::Wait
            && (waitReason == WaitReason::Backoff || waitReason == WaitReason::RetryAfter
                || waitReason == WaitReason::Rejected);
    }

    static QString toString(Kind kind);       ///< "attempt", "wait", "queued", "done", "pending"
    static QString toString(WaitReason why);  ///< "backoff", "retry_after", "rejected", "rate_limit", "server_rate_limit"
};

/// One call through a Pipeline: the per-call state machine that every executor drives, so the
/// simulator, the live runner and the blocking executor share one implementation of the stage logic.
/// A small value type (no heap allocation); not thread-safe itself (one executor drives it at a time),
/// while the Pipeline's shared policies are. The Pipeline must outlive it. docs/pipeline.md describes
/// the protocol with a sequence example.
///
///   PipelineCall call = pipeline.begin(requestId, now);
///   Step s = call.start(now);
///   while (s.kind != Step::Kind::Done) { ...perform / wait as `s` says, then onAttemptDone / resume /
///   onDeadline... }
///   const CallResult& r = call.result();
class PipelineCall final {
public:
    PipelineCall() = default; ///< an inert call; only assignable

    Step start(TimePoint now);
    /// Request `request` of the current try (Step::request; 0 without hedging) answered.
    Step onAttemptDone(Outcome outcome, TimePoint now, int request = 0);
    /// The deadline of the current Attempt or Queued step passed first. For an attempt the executor must
    /// drop the attempt's late result (abort the request if it can); a hedged call lists every request
    /// still in flight in the step's `cancel`.
    Step onDeadline(TimePoint now);
    /// The hedge timer of an Attempt step (hedgeTimer, at `until`) fired: an Attempt for the next hedge,
    /// or Pending when the timer is stale (the try ended, or a failure already sent that hedge).
    Step onHedgeTimer(TimePoint now);
    /// After a Wait step's `until`, or for a Queued call after its ticket was handed a slot.
    Step resume(TimePoint now);
    /// Gives up a call that has not reached Done (executor shutdown): frees any bulkhead slot or queue
    /// ticket and breaker permit, emits nothing. Returns a ticket handed a freed slot (0 = none).
    BulkheadTicket abandon(TimePoint now);

    std::uint64_t requestId() const noexcept { return m_requestId; }
    int attempt() const noexcept { return m_attempt; }
    bool isDone() const noexcept { return m_phase == Phase::Done; }
    bool isQueued() const noexcept { return m_phase == Phase::Queued; }
    /// True after onDeadline() on a Queued call found its ticket already handed a slot (the hand-off
    /// raced with the deadline): the call went on with the slot, and a step of another call names the ticket.
    bool handedSlotAtDeadline() const noexcept { return m_handedAtDeadline; }
    /// How many times the circuit breaker refused this call since the last take (a step refuses at
    /// most once). Executors take it after each step to count refusals per pipeline even when pipelines
    /// share one breaker, whose own events do not say which pipeline called.
    std::uint32_t takeBreakerRejections() noexcept { return std::exchange(m_breakerRejections, 0u); }
    /// The result, once a step of kind Done was returned (not meaningful before that, nor after
    /// abandon()). Stays valid as long as the call object.
    const CallResult& result() const noexcept { return m_result; }

private:
    friend class Pipeline;
    enum class Phase : std::uint8_t { Idle, Entering, Attempting, Waiting, Queued, Done };

    Step advance(TimePoint now);
    Step reject(Outcome outcome, int fromStage, TimePoint now, BulkheadTicket handoff = 0);
    Step unwind(Outcome outcome, int fromStage, TimePoint now, BulkheadTicket handoff);
    Step finish(const Outcome& outcome, TimePoint now, BulkheadTicket handoff);
    /// The try ended with `outcome` (an answer or a timeout): the stages unwind from the innermost.
    Step endTry(const Outcome& outcome, TimePoint now, std::uint16_t cancel);
    // Hedging (docs/hedging.md): the requests of a try, bit k of m_inFlight = request k awaits its answer.
    Step onHedgedAnswer(const Outcome& outcome, TimePoint now, int request);
    Step hedgeStep(int request, TimePoint now);
    void armHedgeTimer(Step& s, TimePoint now);
    std::uint16_t cancelInFlight(TimePoint now);
    static Step pending() noexcept;
    static Step attemptStep(int attempt, TimePoint deadline) noexcept;
    /// The retry decision after the pipeline's throttle and budget had their say.
    RetryDecision limitRetry(RetryDecision decision, const Outcome& outcome, TimePoint now) const;
    /// An event of this call: time, kind, source, request id and attempt filled in.
    Event makeEvent(EventKind kind, TimePoint now) const;
    void emitAttempt(const Outcome& outcome, TimePoint now) const;
    void sendAttemptEvent(const Outcome& outcome, TimePoint now) const;

    const Pipeline* m_pipeline = nullptr;
    std::uint64_t m_requestId = 0;
    TimePoint m_callStart {};
    TimePoint m_callDeadline = Timeout::kNever;    // overall limit (overall_timeout, outer Timeout stage)
    TimePoint m_attemptDeadline = Timeout::kNever; // inner Timeout stage of the current try
    TimePoint m_attemptStart {};
    std::optional<Random> m_rng; // seeded on the first retry decision: successes never pay for it
    RetryContext m_retry;
    Permit m_permit;
    BulkheadTicket m_ticket = 0;
    CallResult m_result; // lastOutcome kept up to date; the rest filled in by finish()
    int m_attempt = 0;
    int m_next = 0; // index of the next stage to enter
    Phase m_phase = Phase::Idle;
    bool m_permitHeld = false;
    bool m_slotHeld = false;
    bool m_tokenReserved = false;
    bool m_fallbackUsed = false;
    bool m_retryDecided = false;
    bool m_handedAtDeadline = false;
    std::uint32_t m_breakerRejections = 0;
    RetryReason m_reason = RetryReason::Succeeded;
    // Hedging (set when a hedged try starts, so zero is fine for every other call): requests sent in
    // this try, bit k = request k awaits its answer, and when the next hedge is due.
    std::uint8_t m_launched = 0;
    std::uint16_t m_inFlight = 0;
    TimePoint m_nextHedgeAt {};
};

/// Passed to a blocking callable for each attempt.
struct AttemptContext {
    std::uint64_t requestId = 0;
    int attempt = 0;                      ///< 1-based
    TimePoint start {};                   ///< attempt start on the executor's clock
    TimePoint deadline = Timeout::kNever; ///< the attempt should give up by then; a later result counts as a timeout
};

/// An ordered composition of resilience policies, shared by every call through it.
///
/// Retry limits: with retry.budget or retry.throttling configured, every call deposits in the budget when
/// it starts, every try's outcome feeds the throttle, and a retry the RetryPolicy grants is still given up
/// ("throttled", "retry_budget_spent") when either says no. Named limits come from the registry handed to
/// the constructor (shared with other pipelines); unnamed ones, or all without a registry, are the
/// pipeline's own.
///
/// Executors: `begin()` creates the per-call state machine (see PipelineCall) that an executor drives on
/// its own clock; the pipeline only decides. It reads no clock, never sleeps and never waits for an event
/// (only small locks keep its shared policies consistent): the simulator, the live runner and the
/// blocking executor (core/exec) own time.
///
/// Events (Attempt, RetryScheduled, RetryGaveUp, RequestDone, BulkheadRejected, RateLimited, HedgeLaunched,
/// HedgeCancelled) go to the
/// sink with source = name(), only the kinds the sink's interests() named when the pipeline was built;
/// the breaker emits its own to its own sink.
///
/// This class is thread-safe: any number of calls may run concurrently on any threads (the sink must
/// then be thread-safe too). Not copyable or movable.
class Pipeline final {
public:
    /// Throws InvalidConfig listing every broken rule. `sink` is not owned and must outlive the pipeline;
    /// `budgets` (optional, not owned) supplies the named retry budgets and throttles.
    explicit Pipeline(PipelineConfig config, std::shared_ptr<CircuitBreaker> breaker = {}, EventSink* sink = nullptr,
        RetryBudgetRegistry* budgets = nullptr);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    const PipelineConfig& config() const noexcept { return m_config; }
    const QString& name() const noexcept { return m_config.name; }
    EventSink* eventSink() const noexcept { return m_sink; }

    /// Enabled stages outer -> inner, as applied.
    const std::vector<StageKind>& activeStages() const noexcept { return m_activeOrder; }

    /// Policies (nullptr when the stage is disabled), e.g. for stats.
    CircuitBreaker* circuitBreaker() const noexcept { return m_breaker.get(); }
    const RetryPolicy* retryPolicy() const noexcept { return m_retry.get(); }
    RateLimiter* rateLimiter() const noexcept { return m_rateLimiter.get(); }
    Bulkhead* bulkhead() const noexcept { return m_bulkhead.get(); }
    const Timeout* timeout() const noexcept { return m_timeout.get(); }
    const Fallback* fallback() const noexcept { return m_fallback.get(); }
    Hedging* hedging() const noexcept { return m_hedging.get(); }
    RetryBudget* retryBudget() const noexcept { return m_budget.get(); }
    RetryThrottle* retryThrottle() const noexcept { return m_throttle.get(); }

    /// Starts a call at `now`; then call start(now) on it.
    PipelineCall begin(std::uint64_t requestId, TimePoint now) const;

    /// A request id not handed out before by this pipeline (1, 2, ...), for executors that number calls.
    std::uint64_t allocateRequestId() noexcept { return m_nextRequestId.fetch_add(1, std::memory_order_relaxed); }

private:
    friend class PipelineCall;
    bool emits(EventKind kind) const noexcept { return m_sink && m_sinkKinds.contains(kind); }

    PipelineConfig m_config;
    std::shared_ptr<CircuitBreaker> m_breaker;
    EventSink* m_sink;
    EventKindSet m_sinkKinds;
    std::unique_ptr<RetryPolicy> m_retry;
    std::shared_ptr<RetryBudget> m_budget;
    std::shared_ptr<RetryThrottle> m_throttle;
    std::unique_ptr<RateLimiter> m_rateLimiter;
    std::unique_ptr<Bulkhead> m_bulkhead;
    std::unique_ptr<Timeout> m_timeout;
    std::unique_ptr<Fallback> m_fallback;
    std::unique_ptr<Hedging> m_hedging;
    std::vector<StageKind> m_activeOrder;
    std::array<StageKind, 6> m_stages {};
    int m_stageCount = 0;
    int m_retryIndex = -1; // position of Retry in m_stages, -1 when disabled

    std::atomic<std::uint64_t> m_nextRequestId {1};
};

} // namespace rwb
