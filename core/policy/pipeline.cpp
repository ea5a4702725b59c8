#include "core/policy/pipeline.h"

#include "core/events/eventsink.h"

#include <QStringList>

#include <algorithm>

namespace rwb {

// Executors receive one Step per state change: hedging's fields live in what was padding.
static_assert(sizeof(Step) == 48);

namespace {
constexpr StageKind kAllStages[] = {StageKind::Fallback, StageKind::Retry, StageKind::CircuitBreaker,
    StageKind::RateLimiter, StageKind::Bulkhead, StageKind::Timeout};

void appendPrefixed(FieldErrors& out, const QString& prefix, FieldErrors errors)
{
    for (auto& e : errors)
        out.push_back({prefix + e.field, std::move(e.message)});
}

std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t requestId) noexcept
{
    std::uint64_t z = seed ^ (requestId * 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
    return z ^ (z >> 29);
}

Step::WaitReason waitReasonFor(RetryReason reason) noexcept
{
    switch (reason) {
    case RetryReason::RetryAfter:
        return Step::WaitReason::RetryAfter;
    case RetryReason::Rejected:
        return Step::WaitReason::Rejected;
    default:
        return Step::WaitReason::Backoff;
    }
}
} // namespace

QString toString(StageKind kind)
{
    switch (kind) {
    case StageKind::Fallback:
        return QStringLiteral("fallback");
    case StageKind::Retry:
        return QStringLiteral("retry");
    case StageKind::CircuitBreaker:
        return QStringLiteral("circuit_breaker");
    case StageKind::RateLimiter:
        return QStringLiteral("rate_limiter");
    case StageKind::Bulkhead:
        return QStringLiteral("bulkhead");
    case StageKind::Timeout:
        return QStringLiteral("timeout");
    }
    return QStringLiteral("unknown");
}

std::optional<StageKind> stageKindFromString(const QString& text)
{
    for (auto k : kAllStages)
        if (toString(k) == text)
            return k;
    return std::nullopt;
}

QString Step::toString(Kind kind)
{
    switch (kind) {
    case Kind::Attempt:
        return QStringLiteral("attempt");
    case Kind::Wait:
        return QStringLiteral("wait");
    case Kind::Queued:
        return QStringLiteral("queued");
    case Kind::Done:
        return QStringLiteral("done");
    case Kind::Pending:
        return QStringLiteral("pending");
    }
    return QStringLiteral("unknown");
}

QString Step::toString(WaitReason why)
{
    switch (why) {
    case WaitReason::Backoff:
        return QStringLiteral("backoff");
    case WaitReason::RetryAfter:
        return QStringLiteral("retry_after");
    case WaitReason::Rejected:
        return QStringLiteral("rejected");
    case WaitReason::RateLimit:
        return QStringLiteral("rate_limit");
    case WaitReason::ServerRateLimit:
        return QStringLiteral("server_rate_limit");
    }
    return QStringLiteral("unknown");
}

std::vector<StageKind> PipelineConfig::defaultOrder()
{
    return {std::begin(kAllStages), std::end(kAllStages)};
}

FieldErrors PipelineConfig::validate(const PipelineConfig& config)
{
    FieldErrors errors;
    if (config.name.trimmed().isEmpty())
        errors.push_back({QStringLiteral("name"), QStringLiteral("expected a non-empty name")});
    QStringList problems;
    for (auto k : kAllStages) {
        const auto n = std::count(config.order.begin(), config.order.end(), k);
        if (n == 0)
            problems << QStringLiteral("'%1' missing").arg(toString(k));
        else if (n > 1)
            problems << QStringLiteral("'%1' appears %2 times").arg(toString(k)).arg(n);
    }
    if (!problems.isEmpty())
        errors.push_back({QStringLiteral("order"),
            QStringLiteral("expected each of fallback, retry, circuit_breaker, rate_limiter, bulkhead, timeout exactly "
                           "once; ")
                + problems.join(QStringLiteral(", "))});
    if (config.fallbackEnabled)
        appendPrefixed(errors, QStringLiteral("fallback."), FallbackConfig::validate(config.fallback));
    if (config.retryEnabled)
        appendPrefixed(errors, QStringLiteral("retry."), RetryConfig::validate(config.retry));
    if (config.rateLimiterEnabled)
        appendPrefixed(errors, QStringLiteral("rate_limiter."), RateLimiterConfig::validate(config.rateLimiter));
    if (config.bulkheadEnabled)
        appendPrefixed(errors, QStringLiteral("bulkhead."), BulkheadConfig::validate(config.bulkhead));
    if (config.timeoutEnabled)
        appendPrefixed(errors, QStringLiteral("timeout."), TimeoutConfig::validate(config.timeout));
    if (config.hedgingEnabled)
        appendPrefixed(errors, QStringLiteral("hedging."), HedgingConfig::validate(config.hedging));
    return errors;
}

namespace {
const PipelineConfig& validated(const PipelineConfig& config)
{
    if (auto errors = PipelineConfig::validate(config); !errors.empty())
        throw InvalidConfig(std::move(errors));
    return config;
}
} // namespace

Pipeline::Pipeline(
    PipelineConfig config, std::shared_ptr<CircuitBreaker> breaker, EventSink* sink, RetryBudgetRegistry* budgets)
    : m_config(validated(config))
    , m_breaker(std::move(breaker))
    , m_sink(sink)
    , m_sinkKinds(sink ? sink->interests() : EventKindSet())
{
    if (m_config.retryEnabled) {
        m_retry = std::make_unique<RetryPolicy>(m_config.retry);
        if (const auto& b = m_config.retry.budget)
            m_budget = budgets && !b->name.isEmpty() ? budgets->budget(b->name, *b) : std::make_shared<RetryBudget>(*b);
        if (const auto& t = m_config.retry.throttling)
            m_throttle
                = budgets && !t->name.isEmpty() ? budgets->throttle(t->name, *t) : std::make_shared<RetryThrottle>(*t);
    }
    if (m_config.rateLimiterEnabled)
        m_rateLimiter = std::make_unique<RateLimiter>(m_config.rateLimiter);
    if (m_config.bulkheadEnabled)
        m_bulkhead = std::make_unique<Bulkhead>(m_config.bulkhead);
    if (m_config.timeoutEnabled)
        m_timeout = std::make_unique<Timeout>(m_config.timeout);
    if (m_config.fallbackEnabled)
        m_fallback = std::make_unique<Fallback>(m_config.fallback, m_config.fallbackHandler);
    if (m_config.hedgingEnabled)
        m_hedging = std::make_unique<Hedging>(m_config.hedging, m_config.retry);
    for (auto k : m_config.order) {
        const bool enabled = (k == StageKind::Fallback && m_fallback) || (k == StageKind::Retry && m_retry)
            || (k == StageKind::CircuitBreaker && m_breaker) || (k == StageKind::RateLimiter && m_rateLimiter)
            || (k == StageKind::Bulkhead && m_bulkhead) || (k == StageKind::Timeout && m_timeout);
        if (!enabled)
            continue;
        if (k == StageKind::Retry)
            m_retryIndex = m_stageCount;
        m_stages[std::size_t(m_stageCount++)] = k;
        m_activeOrder.push_back(k);
    }
}

Pipeline::~Pipeline() = default;

PipelineCall Pipeline::begin(std::uint64_t requestId, TimePoint now) const
{
    PipelineCall call;
    call.m_pipeline = this;
    call.m_requestId = requestId;
    call.m_callStart = now;
    call.m_retry.callStart = now;
    if (m_timeout)
        call.m_callDeadline = m_timeout->callDeadline(now);
    return call;
}

// ---------------------------------------------------------------------------------------------------------------

Step PipelineCall::start(TimePoint now)
{
    if (m_phase != Phase::Idle || !m_pipeline)
        return {};
    m_phase = Phase::Entering;
    if (RetryBudget* budget = m_pipeline->m_budget.get())
        budget->onRequest(now);
    return advance(now);
}

Step PipelineCall::resume(TimePoint now)
{
    switch (m_phase) {
    case Phase::Waiting:
        m_phase = Phase::Entering;
        return advance(now);
    case Phase::Queued:
        // Our ticket was handed a slot by a release().
        m_ticket = 0;
        m_slotHeld = true;
        m_phase = Phase::Entering;
        return advance(now);
    case Phase::Idle:
        return start(now);
    default:
        return {};
    }
}

Step PipelineCall::onDeadline(TimePoint now)
{
    switch (m_phase) {
    case Phase::Attempting:
        if (m_pipeline->m_hedging) // every request still in flight times out with the try
            return endTry(Outcome::timeout(now - m_attemptStart), now, cancelInFlight(now));
        return onAttemptDone(Outcome::timeout(now - m_attemptStart), now);
    case Phase::Queued: {
        const Pipeline& p = *m_pipeline;
        const BulkheadTicket ticket = m_ticket;
        m_ticket = 0;
        m_phase = Phase::Entering;
        if (!p.m_bulkhead->cancel(ticket, now)) {
            m_handedAtDeadline = true;
            m_slotHeld = true;
            return advance(now);
        }
        if (p.emits(EventKind::BulkheadRejected)) {
            Event e;
            e.time = now;
            e.kind = EventKind::BulkheadRejected;
            e.source = p.m_config.name;
            e.requestId = m_requestId;
            e.text = QStringLiteral("queue_timeout");
            p.m_sink->onEvent(e);
        }
        return reject(Outcome::rejected(ErrorClass::bulkheadFull()), m_next, now);
    }
    case Phase::Waiting:
        return resume(now);
    default:
        return {};
    }
}

Step PipelineCall::onAttemptDone(Outcome outcome, TimePoint now, int request)
{
    if (m_phase != Phase::Attempting)
        return m_pipeline && m_pipeline->m_hedging ? pending() : Step {};
    const TimePoint deadline = std::min(m_callDeadline, m_attemptDeadline);
    if (Timeout::isLate(deadline, now))
        outcome = Outcome::timeout(now - m_attemptStart);
    else if (outcome.latency == Duration::zero() && outcome.kind != OutcomeKind::Rejected)
        outcome.latency = now - m_attemptStart;
    if (m_pipeline->m_hedging) [[unlikely]]
        return onHedgedAnswer(outcome, now, request);
    // endTry() without a cancellation, spelled out: this is the hot path of every call
    m_phase = Phase::Entering;
    m_result.lastOutcome = outcome;
    emitAttempt(outcome, now);
    return unwind(outcome, m_pipeline->m_stageCount - 1, now, 0);
}

Step PipelineCall::onHedgedAnswer(const Outcome& outcome, TimePoint now, int request)
{
    Hedging* hedging = m_pipeline->m_hedging.get();
    const auto bit = std::uint16_t(1u << unsigned(std::clamp(request, 0, 15)));
    if (request < 0 || request >= m_launched || (m_inFlight & bit) == 0)
        return pending(); // a cancelled request's late answer
    m_inFlight = std::uint16_t(m_inFlight & ~bit);
    if (request == 0 && hedging->observes())
        hedging->recordPrimaryLatency(now - m_attemptStart);
    if (!hedging->accepts(outcome)) {
        // Handled (a failure to hedge against): the next hedge goes at once; else wait for the others.
        m_result.lastOutcome = outcome;
        if (m_launched < hedging->maxRequests())
            return hedgeStep(m_launched, now);
        if (m_inFlight != 0)
            return pending();
        return endTry(outcome, now, 0); // every request failed: the last failure ends the try
    }
    return endTry(outcome, now, cancelInFlight(now));
}

Step PipelineCall::onHedgeTimer(TimePoint now)
{
    const Hedging* hedging = m_pipeline ? m_pipeline->m_hedging.get() : nullptr;
    if (m_phase != Phase::Attempting || !hedging || m_launched >= hedging->maxRequests() || now < m_nextHedgeAt)
        return pending();
    return hedgeStep(m_launched, now);
}

Step PipelineCall::endTry(const Outcome& outcome, TimePoint now, std::uint16_t cancel)
{
    m_phase = Phase::Entering;
    m_result.lastOutcome = outcome;
    emitAttempt(outcome, now);
    Step s = unwind(outcome, m_pipeline->m_stageCount - 1, now, 0);
    s.cancel = cancel;
    return s;
}

Step PipelineCall::hedgeStep(int request, TimePoint now)
{
    const Pipeline& p = *m_pipeline;
    m_launched = std::uint8_t(request + 1);
    m_inFlight = std::uint16_t(m_inFlight | (1u << unsigned(request)));
    ++m_result.hedges;
    if (p.emits(EventKind::HedgeLaunched)) {
        Event e = makeEvent(EventKind::HedgeLaunched, now);
        e.delay = now - m_attemptStart;
        e.text = QString::number(request);
        p.m_sink->onEvent(e);
    }
    Step s;
    s.kind = Step::Kind::Attempt;
    s.request = std::uint8_t(request);
    s.attempt = m_attempt;
    s.deadline = std::min(m_callDeadline, m_attemptDeadline);
    armHedgeTimer(s, now);
    return s;
}

void PipelineCall::armHedgeTimer(Step& s, TimePoint now)
{
    const Hedging& hedging = *m_pipeline->m_hedging;
    if (m_launched >= hedging.maxRequests() || hedging.config().onFailureOnly) {
        m_nextHedgeAt = Timeout::kNever;
        return;
    }
    m_nextHedgeAt = saturatingAdd(now, hedging.delay());
    s.hedgeTimer = true;
    s.until = m_nextHedgeAt;
}

std::uint16_t PipelineCall::cancelInFlight(TimePoint now)
{
    const Pipeline& p = *m_pipeline;
    const std::uint16_t cancel = m_inFlight;
    if ((cancel & 1u) != 0 && p.m_hedging->observes()) // the primary ran at least this long
        p.m_hedging->recordPrimaryLatency(now - m_attemptStart);
    if (p.emits(EventKind::HedgeCancelled)) {
        for (int k = 0; k < m_launched; ++k) {
            if ((cancel & (1u << unsigned(k))) == 0)
                continue;
            Event e = makeEvent(EventKind::HedgeCancelled, now);
            e.text = QString::number(k);
            p.m_sink->onEvent(e);
        }
    }
    m_inFlight = 0;
    m_nextHedgeAt = Timeout::kNever;
    return cancel;
}

Step PipelineCall::pending() noexcept
{
    Step s;
    s.kind = Step::Kind::Pending;
    return s;
}

BulkheadTicket PipelineCall::abandon(TimePoint now)
{
    if (!m_pipeline || m_phase == Phase::Done)
        return 0;
    const Pipeline& p = *m_pipeline;
    BulkheadTicket handoff = 0;
    if (m_phase == Phase::Queued && m_ticket != 0 && !p.m_bulkhead->cancel(m_ticket, now))
        m_slotHeld = true; // handed a slot meanwhile: give it back below
    m_ticket = 0;
    if (m_slotHeld) {
        m_slotHeld = false;
        if (auto t = p.m_bulkhead->release(now))
            handoff = *t;
    }
    if (m_permitHeld) {
        m_permitHeld = false;
        p.m_breaker->onCancelled(m_permit);
    }
    m_phase = Phase::Done;
    return handoff;
}

Step PipelineCall::advance(TimePoint now)
{
    const Pipeline& p = *m_pipeline;
    for (; m_next < p.m_stageCount; ++m_next) {
        const int i = m_next;
        switch (p.m_stages[std::size_t(i)]) {
        case StageKind::Fallback:
            break;
        case StageKind::Retry:
            ++m_attempt;
            m_attemptDeadline = Timeout::kNever;
            break;
        case StageKind::CircuitBreaker: {
            const Admission a = p.m_breaker->tryAcquire(now, m_requestId);
            if (!a) {
                ++m_breakerRejections;
                return reject(Outcome::rejected(ErrorClass::circuitOpen(), a.retryAfter), i, now);
            }
            // Field by field: one copy of the pair of flags would read back two stores of different
            // widths in one load, which stalls store forwarding.
            m_permit.generation = a.permit.generation;
            m_permit.probe = a.permit.probe;
            m_permit.valid = true; // every admission's permit is
            m_permitHeld = true;
            break;
        }
        case StageKind::RateLimiter: {
            if (m_tokenReserved) { // resumed after a Wait: the token was reserved for us
                m_tokenReserved = false;
                break;
            }
            const std::optional<TimePoint> notAfter
                = m_callDeadline == Timeout::kNever ? std::nullopt : std::optional<TimePoint>(m_callDeadline);
            const RateDecision d = p.m_rateLimiter->tryAcquire(now, notAfter);
            if (d.kind == RateDecision::Kind::Granted)
                break;
            const bool server = d.source == RateDecision::Source::Server;
            if (p.emits(EventKind::RateLimited)) {
                Event e = makeEvent(EventKind::RateLimited, now);
                e.delay = d.until - now;
                e.text = server ? QStringLiteral("server") : QStringLiteral("client");
                if (d.kind == RateDecision::Kind::Rejected)
                    e.outcome = OutcomeKind::Rejected;
                p.m_sink->onEvent(e);
            }
            if (d.kind == RateDecision::Kind::Rejected)
                return reject(Outcome::rejected(ErrorClass::rateLimited(), d.until - now), i, now);
            m_tokenReserved = true;
            m_phase = Phase::Waiting;
            Step s;
            s.kind = Step::Kind::Wait;
            s.attempt = m_attempt;
            s.until = d.until;
            s.waitReason = server ? Step::WaitReason::ServerRateLimit : Step::WaitReason::RateLimit;
            return s;
        }
        case StageKind::Bulkhead: {
            if (m_slotHeld) // handed over while queued
                break;
            const BulkheadDecision d = p.m_bulkhead->tryAcquire(now);
            if (d.kind == BulkheadDecision::Kind::Acquired) {
                m_slotHeld = true;
                break;
            }
            if (d.kind == BulkheadDecision::Kind::Queued) {
                m_ticket = d.ticket;
                m_phase = Phase::Queued;
                Step s;
                s.kind = Step::Kind::Queued;
                s.attempt = m_attempt;
                s.ticket = d.ticket;
                s.deadline = std::min(d.queueDeadline, m_callDeadline);
                return s;
            }
            if (p.emits(EventKind::BulkheadRejected)) {
                Event e = makeEvent(EventKind::BulkheadRejected, now);
                e.text = QStringLiteral("full");
                p.m_sink->onEvent(e);
            }
            return reject(Outcome::rejected(ErrorClass::bulkheadFull()), i, now);
        }
        case StageKind::Timeout: {
            const TimePoint d = p.m_timeout->attemptEnd(now, m_attempt);
            if (i < p.m_retryIndex) // outside Retry: bounds the whole call
                m_callDeadline = std::min(m_callDeadline, d);
            else
                m_attemptDeadline = std::min(m_attemptDeadline, d);
            break;
        }
        }
    }
    if (p.m_retryIndex < 0)
        m_attempt = 1;
    m_attemptStart = now;
    const TimePoint deadline = std::min(m_callDeadline, m_attemptDeadline);
    if (deadline <= now) { // the call's time ran out while waiting: no point starting the attempt
        const Outcome timedOut = Outcome::timeout(Duration::zero());
        m_result.lastOutcome = timedOut;
        emitAttempt(timedOut, now);
        return unwind(timedOut, p.m_stageCount - 1, now, 0);
    }
    m_phase = Phase::Attempting;
    if (p.m_hedging) [[unlikely]] { // request 0 of a hedged try
        m_launched = 1;
        m_inFlight = 1;
        Step s = attemptStep(m_attempt, deadline);
        armHedgeTimer(s, now);
        return s;
    }
    // Built in the return slot: a named local returned from here besides other returns is copied,
    // and that copy's wide loads of its narrow stores stalled store forwarding on every call.
    return attemptStep(m_attempt, deadline);
}

Step PipelineCall::attemptStep(int attempt, TimePoint deadline) noexcept
{
    Step s;
    s.kind = Step::Kind::Attempt;
    s.attempt = attempt;
    s.deadline = deadline;
    return s;
}

Step PipelineCall::reject(Outcome outcome, int fromStage, TimePoint now, BulkheadTicket handoff)
{
    m_result.lastOutcome = outcome;
    const int retryIndex = m_pipeline->m_retryIndex;
    if (retryIndex >= 0 && fromStage > retryIndex)
        emitAttempt(outcome, now); // a try inside Retry that a policy refused
    m_phase = Phase::Entering;
    return unwind(outcome, fromStage - 1, now, handoff);
}

Step PipelineCall::unwind(Outcome outcome, int fromStage, TimePoint now, BulkheadTicket handoff)
{
    const Pipeline& p = *m_pipeline;
    for (int i = fromStage; i >= 0; --i) {
        switch (p.m_stages[std::size_t(i)]) {
        case StageKind::Timeout:
            break;
        case StageKind::Bulkhead:
            if (m_slotHeld) {
                m_slotHeld = false;
                if (auto t = p.m_bulkhead->release(now))
                    handoff = *t;
            }
            break;
        case StageKind::RateLimiter:
            if (outcome.httpStatus == 429 && outcome.retryAfter && p.m_rateLimiter->config().respectServerRetryAfter) {
                const Duration cap = p.m_retry ? p.m_retry->config().retryAfter.maxRetryDelay : RetryAfterConfig {}.maxRetryDelay;
                const Duration pause = std::clamp(*outcome.retryAfter, Duration::zero(), cap);
                p.m_rateLimiter->onServerRetryAfter(now + pause);
                if (p.emits(EventKind::RateLimited)) {
                    Event e = makeEvent(EventKind::RateLimited, now);
                    e.httpStatus = outcome.httpStatus;
                    e.delay = pause;
                    e.text = QStringLiteral("server");
                    p.m_sink->onEvent(e);
                }
            }
            break;
        case StageKind::CircuitBreaker:
            if (m_permitHeld) {
                m_permitHeld = false;
                // Refused by an inner stage (bulkhead, limiter): the call never happened.
                if (outcome.kind == OutcomeKind::Rejected)
                    p.m_breaker->onCancelled(m_permit);
                else
                    p.m_breaker->onOutcome(m_permit, outcome, now);
            }
            break;
        case StageKind::Fallback:
            if (p.m_fallback->appliesTo(outcome)) {
                outcome = p.m_fallback->apply(outcome);
                m_fallbackUsed = true;
            }
            break;
        case StageKind::Retry: {
            m_retry.rng = nullptr;
            if (!outcome.isSuccess() && p.m_retry->config().backoff.jitter != Jitter::None) {
                if (!m_rng)
                    m_rng.emplace(mixSeed(p.m_config.seed, m_requestId));
                m_retry.rng = &*m_rng;
            }
            const std::optional<TimePoint> deadline
                = m_callDeadline == Timeout::kNever ? std::nullopt : std::optional<TimePoint>(m_callDeadline);
            // Most calls succeed: RetryPolicy::next's answer for a success is known without the call.
            RetryDecision d = outcome.isSuccess() ? RetryDecision {false, {}, RetryReason::Succeeded}
                                                  : p.m_retry->next(m_attempt, outcome, now, m_retry, deadline);
            if (p.m_throttle || p.m_budget)
                d = limitRetry(d, outcome, now);
            m_retryDecided = true;
            m_reason = d.reason;
            if (d.retry) {
                if (p.emits(EventKind::RetryScheduled)) {
                    Event e = makeEvent(EventKind::RetryScheduled, now);
                    e.outcome = outcome.kind;
                    e.httpStatus = outcome.httpStatus;
                    e.errorClass = outcome.errorClass;
                    e.delay = d.delay;
                    e.text = toString(d.reason);
                    p.m_sink->onEvent(e);
                }
                m_next = i; // re-enter Retry: it starts the next try
                m_phase = Phase::Waiting;
                Step s;
                s.kind = Step::Kind::Wait;
                s.attempt = m_attempt;
                s.until = saturatingAdd(now, d.delay);
                s.waitReason = waitReasonFor(d.reason);
                s.handoff = handoff;
                return s;
            }
            if (!outcome.isSuccess() && p.emits(EventKind::RetryGaveUp)) {
                Event e = makeEvent(EventKind::RetryGaveUp, now);
                e.outcome = outcome.kind;
                e.httpStatus = outcome.httpStatus;
                e.errorClass = outcome.errorClass;
                e.text = toString(d.reason);
                p.m_sink->onEvent(e);
            }
            break;
        }
        }
    }
    return finish(outcome, now, handoff);
}

RetryDecision PipelineCall::limitRetry(RetryDecision d, const Outcome& outcome, TimePoint now) const
{
    const Pipeline& p = *m_pipeline;
    if (RetryThrottle* throttle = p.m_throttle.get()) {
        // gRPC: a failure the policy would retry costs a token, a success refills; rejections cost nothing.
        if (outcome.isSuccess())
            throttle->onSuccess();
        else if (outcome.kind != OutcomeKind::Rejected && p.m_retry->isRetryable(outcome))
            throttle->onFailure();
        if (d.retry && !throttle->allowsRetry())
            return {false, d.delay, RetryReason::Throttled};
    }
    if (d.retry && p.m_budget && !p.m_budget->tryRetry(now))
        return {false, d.delay, RetryReason::RetryBudgetSpent};
    return d;
}

Step PipelineCall::finish(const Outcome& outcome, TimePoint now, BulkheadTicket handoff)
{
    const Pipeline& p = *m_pipeline;
    if (!m_retryDecided) {
        if (m_result.lastOutcome.isSuccess())
            m_reason = RetryReason::Succeeded;
        else if (m_result.lastOutcome.kind == OutcomeKind::Rejected)
            m_reason = RetryReason::RejectionNotRetried;
        else
            m_reason = p.m_retry ? RetryReason::NonRetryable : RetryReason::MaxAttempts;
    }
    m_phase = Phase::Done;
    Step s;
    s.kind = Step::Kind::Done;
    s.attempt = m_attempt;
    s.handoff = handoff;
    m_result.outcome = outcome;
    m_result.attempts = m_attempt;
    m_result.total = now - m_callStart;
    m_result.fallbackUsed = m_fallbackUsed;
    m_result.reason = m_reason;
    if (p.emits(EventKind::RequestDone)) {
        Event e = makeEvent(EventKind::RequestDone, now);
        e.outcome = outcome.kind;
        e.httpStatus = m_result.lastOutcome.httpStatus;
        e.errorClass = m_result.lastOutcome.errorClass;
        e.latency = m_result.lastOutcome.latency;
        e.total = m_result.total;
        e.fallback = m_fallbackUsed;
        e.text = toString(m_reason);
        p.m_sink->onEvent(e);
    }
    return s;
}

Event PipelineCall::makeEvent(EventKind kind, TimePoint now) const
{
    Event e;
    e.time = now;
    e.kind = kind;
    e.source = m_pipeline->m_config.name;
    e.requestId = m_requestId;
    e.attempt = m_attempt;
    return e;
}

// The check inlines into every try's end; building the event stays out of line.
void PipelineCall::emitAttempt(const Outcome& outcome, TimePoint now) const
{
    if (m_pipeline->emits(EventKind::Attempt)) [[unlikely]]
        sendAttemptEvent(outcome, now);
}

[[gnu::noinline]] void PipelineCall::sendAttemptEvent(const Outcome& outcome, TimePoint now) const
{
    const Pipeline& p = *m_pipeline;
    Event e = makeEvent(EventKind::Attempt, now);
    e.outcome = outcome.kind;
    e.httpStatus = outcome.httpStatus;
    e.latency = outcome.latency;
    e.errorClass = outcome.errorClass;
    p.m_sink->onEvent(e);
}

} // namespace rwb
