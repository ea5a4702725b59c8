#include "core/sim/simulator.h"

#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/sim/eventqueue.h"
#include "core/sim/runrecorder.h"

#include <QHash>

#include <algorithm>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace rwb {

namespace {

enum class EvType : std::uint8_t { Tick, Transition, Arrival, Burst, AttemptDone, AttemptDeadline, QueueDeadline, WaitDone, ServiceRelease, BreakerAction };

// Queue payload: the event type in the top 4 bits, an index (call slot, client, service or
// transition) below. Call events carry the slot's token: a token that no longer matches means the
// call has moved on and the event is stale.
constexpr std::uint32_t kIndexBits = 28;
constexpr std::uint32_t kIndexMask = (1u << kIndexBits) - 1;
constexpr std::size_t kMaxLiveCalls = std::size_t(1) << 21; // ~700 MB of call state; real scenarios stay far below

using PipelineState = RecordedPipeline;

struct ServiceState {
    const FaultSchedule* faults = nullptr;
    Random rng;
    std::uint32_t inFlight = 0;
    ServiceSeries series;
    std::vector<FaultSchedule::Transition> transitions;
};

struct ClientState {
    const ClientSpec* spec = nullptr;
    std::uint32_t pipeline = 0;
    Random rng;
    double rate = 0;       // requests per second, all `count` clients together
    std::int64_t end = 0;  // ns
    std::int64_t nextBurst = 0;
};

struct CallSlot {
    PipelineCall call;
    PlannedResponse planned;
    std::int64_t attemptStart = 0;
    BulkheadTicket ticket = 0; // while queued in the bulkhead
    std::uint32_t token = 0;
    std::uint32_t pipeline = 0;
    bool active = false;
    bool holdsService = false; // the service counts this attempt as in flight
};

class Run {
public:
    Run(const Scenario& scenario, const SimulationOptions& options);
    SimulationResult execute();

private:
    // Ticks use sequence 0 so a bucket is closed before anything else happens at its boundary.
    void push(std::int64_t t, EvType type, std::uint32_t index, std::uint32_t token = 0)
    {
        m_queue.push({t, type == EvType::Tick ? 0 : ++m_seq, (std::uint32_t(type) << kIndexBits) | index, token});
    }
    template<class V>
    static V& at(std::vector<V>& buckets, std::int64_t index)
    {
        return seriesBucket(buckets, index);
    }
    bool pendingArrivals() const noexcept { return m_nextArrival != m_arrivals.size(); }
    // Only an arrival changes m_arrivals, so the earliest is found once per arrival, not per event.
    void findNextArrival() noexcept
    {
        std::size_t arrival = m_arrivals.size();
        for (std::size_t i = 0; i < m_arrivals.size(); ++i)
            if (m_arrivals[i].time != INT64_MAX && (arrival == m_arrivals.size() || EventQueue::less(m_arrivals[i], m_arrivals[arrival])))
                arrival = i;
        m_nextArrival = arrival;
    }
    // Nearly every call asks for the bucket of the current time, so the last answer is kept: a 64-bit
    // division per counter update would cost more than the rest of the bookkeeping.
    std::int64_t bucketOf(std::int64_t t) const noexcept
    {
        if (t >= m_cachedBucketStart && t < m_cachedBucketStart + m_bucketNs)
            return m_cachedBucket;
        m_cachedBucket = t / m_bucketNs;
        m_cachedBucketStart = m_cachedBucket * m_bucketNs;
        return m_cachedBucket;
    }
    PipelineBucket& pipelineBucket(PipelineState& p, std::int64_t t) { return at(p.series.buckets, bucketOf(t)); }

    void arrive(std::uint32_t client, std::int64_t t);
    void scheduleNextArrival(std::uint32_t client, std::int64_t after);
    void startRequest(std::uint32_t pipeline, std::int64_t t);
    void drive(std::uint32_t slot, const Step& first, std::int64_t t);
    void apply(std::uint32_t slot, const Step& step, std::int64_t t);
    void onTick(std::int64_t t);
    void finishCall(std::uint32_t slot, const CallResult& result, std::int64_t t);
    void releaseService(CallSlot& c, std::int64_t t);
    void reportProgress(std::int64_t t);

    const Scenario& m_scenario;
    const SimulationOptions& m_options;
    VirtualClock m_clock;
    std::uint64_t m_seed;
    std::int64_t m_bucketNs;
    std::int64_t m_durationNs;
    std::int64_t m_stopNs;
    mutable std::int64_t m_cachedBucket = 0;
    mutable std::int64_t m_cachedBucketStart = 0;
    std::uint64_t m_events = 0;
    std::unique_ptr<CountingSink> m_pipelineSink;

    EventQueue m_queue;
    // The next arrival of each client, kept out of the queue: arrivals are half of all events and
    // each client's are already in time order, so a scan of a few entries beats a heap push and pop.
    std::vector<EventQueue::Entry> m_arrivals;
    std::size_t m_nextArrival = 0; // index of the earliest pending arrival; m_arrivals.size() when none
    std::uint64_t m_seq = 0;
    std::vector<PipelineState> m_pipelines;
    std::vector<ServiceState> m_services;
    std::vector<ClientState> m_clients;
    std::vector<CallSlot> m_slots;
    std::vector<std::uint32_t> m_free;
    QHash<BulkheadTicket, std::uint32_t> m_queued; // bulkhead ticket -> slot
    std::vector<std::uint32_t> m_pending; // slots handed a bulkhead slot, to resume
    std::uint64_t m_nextRequestId = 1;
    std::uint64_t m_live = 0;
    int m_lastPermille = -1;
    bool m_cancelled = false;
};

TimePoint tp(std::int64_t ns) { return TimePoint(Duration(ns)); }

Run::Run(const Scenario& scenario, const SimulationOptions& options)
    : m_scenario(scenario)
    , m_options(options)
    , m_seed(options.seed.value_or(scenario.seed))
    , m_bucketNs(std::max<std::int64_t>(options.bucketWidth.count(), 1))
    , m_durationNs(scenario.duration.count())
    , m_stopNs(scenario.duration.count() + scenario.drainLimit.count())
{
    if (options.sink)
        m_pipelineSink = std::make_unique<CountingSink>(options.sink, &m_events);
    Random master(m_seed);
    const std::size_t buckets = std::size_t(m_durationNs / m_bucketNs) + 1;

    m_services.resize(scenario.services.size());
    for (std::size_t i = 0; i < scenario.services.size(); ++i) {
        auto& s = m_services[i];
        s.faults = &scenario.services[i].faults;
        s.rng = master.split();
        s.series.name = scenario.services[i].name;
        s.series.buckets.reserve(buckets);
        s.transitions = s.faults->transitions(tp(m_stopNs));
    }

    m_pipelines.resize(scenario.pipelines.size());
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i) {
        const auto& spec = scenario.pipelines[i];
        auto& p = m_pipelines[i];
        const auto service = std::uint32_t(std::max(scenario.serviceIndex(spec.service), 0));
        p.build(spec, service, buckets, options.sink, &m_events, m_pipelineSink.get(), m_bucketNs, master.nextU64());
    }

    m_clients.resize(scenario.clients.size());
    m_arrivals.assign(scenario.clients.size(), {INT64_MAX, UINT64_MAX, 0, 0});
    for (std::size_t i = 0; i < scenario.clients.size(); ++i) {
        const auto& spec = scenario.clients[i];
        auto& c = m_clients[i];
        c.spec = &spec;
        c.pipeline = std::uint32_t(std::max(scenario.pipelineIndex(spec.pipeline), 0));
        c.rng = master.split();
        c.rate = spec.arrival.rate * spec.count;
        c.end = std::min(spec.arrival.end.value_or(scenario.duration), scenario.duration).count();
    }
}

void Run::scheduleNextArrival(std::uint32_t client, std::int64_t after)
{
    auto& c = m_clients[client];
    if (!(c.rate > 0.0))
        return;
    const double gapSeconds = c.spec->arrival.kind == ArrivalProcess::Kind::Constant ? 1.0 / c.rate : c.rng.exponential(c.rate);
    const std::int64_t gap = std::max<std::int64_t>(std::int64_t(gapSeconds * 1e9 + 0.5), 1); // >= 0: no llround needed
    const std::int64_t t = after + gap;
    if (t < c.end)
        m_arrivals[client] = {t, ++m_seq, client, 0};
    else
        m_arrivals[client] = {INT64_MAX, UINT64_MAX, client, 0};
}

void Run::startRequest(std::uint32_t pipeline, std::int64_t t)
{
    std::uint32_t slot;
    if (!m_free.empty()) {
        slot = m_free.back();
        m_free.pop_back();
    } else {
        if (m_slots.size() >= kMaxLiveCalls)
            throw std::runtime_error("more than 2097152 requests in flight at once: lower the arrival rates, latencies or timeouts");
        slot = std::uint32_t(m_slots.size());
        m_slots.emplace_back();
    }
    auto& p = m_pipelines[pipeline];
    auto& c = m_slots[slot];
    c.active = true;
    c.pipeline = pipeline;
    c.holdsService = false;
    ++c.token;
    ++m_live;
    ++p.series.summary.requests;
    ++pipelineBucket(p, t).requests;
    // Built in place: a call is a few hundred bytes, and this runs once per request.
    static_assert(std::is_trivially_destructible_v<PipelineCall>);
    ::new (&c.call) PipelineCall(p.pipeline->begin(m_nextRequestId++, tp(t)));
    drive(slot, c.call.start(tp(t)), t);
}

void Run::releaseService(CallSlot& c, std::int64_t /*t*/)
{
    if (c.holdsService) {
        c.holdsService = false;
        --m_services[m_pipelines[c.pipeline].service].inFlight;
    }
}

void Run::drive(std::uint32_t slot, const Step& first, std::int64_t t)
{
    apply(slot, first, t);
    // Hand-offs (rare) resume calls that waited for a bulkhead slot; their steps may hand off in turn.
    while (!m_pending.empty()) {
        const std::uint32_t next = m_pending.back();
        m_pending.pop_back();
        const Step step = m_slots[next].call.resume(tp(t));
        apply(next, step, t);
    }
}

void Run::apply(std::uint32_t slot, const Step& step, std::int64_t t)
{
    auto& c = m_slots[slot];
    ++c.token; // whatever was scheduled for the previous step is stale now
    auto& p = m_pipelines[c.pipeline];
    switch (step.kind) {
    case Step::Kind::Attempt: {
        auto& s = m_services[p.service];
        ++p.series.summary.attempts;
        ++pipelineBucket(p, t).attempts;
        const std::int64_t b = bucketOf(t);
        auto& sb = at(s.series.buckets, b);
        c.planned = s.faults->decide(tp(t), s.rng, int(s.inFlight));
        // Refused connections (overload, outage) never occupy the service.
        c.holdsService = c.planned.cause != PlannedResponse::Cause::Overload
            && c.planned.kind != FaultKind::ConnectionRefused;
        if (c.holdsService) {
            ++s.inFlight;
            sb.maxConcurrency = std::max(sb.maxConcurrency, s.inFlight);
        }
        ++s.series.arrivals;
        ++sb.arrivals;
        if (c.planned.isSuccess()) {
            ++sb.ok;
        } else {
            ++sb.errors;
            if (c.planned.cause == PlannedResponse::Cause::Overload) {
                ++sb.overloaded;
                ++s.series.overloaded;
            }
        }
        c.attemptStart = t;
        const std::int64_t deadline =
            step.deadline == Timeout::kNever ? INT64_MAX : step.deadline.time_since_epoch().count();
        if (c.planned.hang()) {
            // Only the client's deadline ends a hang; without one the call never finishes.
            if (deadline != INT64_MAX)
                push(deadline, EvType::AttemptDeadline, slot, c.token);
        } else {
            const std::int64_t done = t + c.planned.latency.count();
            if (done > deadline) {
                push(deadline, EvType::AttemptDeadline, slot, c.token);
                if (c.holdsService) { // the service keeps working after the client gave up
                    c.holdsService = false;
                    push(done, EvType::ServiceRelease, p.service);
                }
            } else {
                push(done, EvType::AttemptDone, slot, c.token);
            }
        }
        break;
    }
    case Step::Kind::Wait:
        if (step.isRetryWait()) {
            ++p.series.summary.retries;
            ++pipelineBucket(p, t).retries;
        }
        push(std::max(step.until.time_since_epoch().count(), t), EvType::WaitDone, slot, c.token);
        break;
    case Step::Kind::Queued:
        m_queued.insert(step.ticket, slot);
        c.ticket = step.ticket;
        if (step.deadline != Timeout::kNever)
            push(std::max(step.deadline.time_since_epoch().count(), t), EvType::QueueDeadline, slot, c.token);
        break;
    case Step::Kind::Done:
        finishCall(slot, c.call.result(), t);
        break;
    }
    if (step.handoff != 0) {
        const auto it = m_queued.constFind(step.handoff);
        if (it != m_queued.cend()) {
            const std::uint32_t queuedSlot = *it;
            m_queued.erase(it);
            m_pending.push_back(queuedSlot);
        }
    }
}

void Run::finishCall(std::uint32_t slot, const CallResult& result, std::int64_t t)
{
    auto& c = m_slots[slot];
    auto& p = m_pipelines[c.pipeline];
    const std::int64_t bucket = bucketOf(t);
    p.recordResult(result, at(p.series.buckets, bucket), bucket);
    c.active = false;
    ++c.token;
    --m_live;
    m_free.push_back(slot);
}

void Run::onTick(std::int64_t t)
{
    const std::int64_t ended = bucketOf(t) - 1; // the bucket that ends at t
    for (auto& p : m_pipelines)
        p.onBucketEnded(ended, tp(t));
    for (auto& s : m_services)
        at(s.series.buckets, ended);
    reportProgress(t);
    if (m_options.cancel && m_options.cancel->load(std::memory_order_relaxed))
        m_cancelled = true;
}

void Run::reportProgress(std::int64_t t)
{
    if (!m_options.progress)
        return;
    const int permille = int(std::min<std::int64_t>(999, t / std::max<std::int64_t>(m_durationNs / 1000, 1)));
    if (permille != m_lastPermille) {
        m_lastPermille = permille;
        m_options.progress(permille);
    }
}

SimulationResult Run::execute()
{
    // Start: arrivals, bursts, fault transitions and the first tick.
    for (std::uint32_t i = 0; i < m_clients.size(); ++i) {
        auto& c = m_clients[i];
        const std::int64_t start = c.spec->arrival.start.count();
        if (c.spec->arrival.kind == ArrivalProcess::Kind::Constant) {
            if (start < c.end && c.rate > 0)
                m_arrivals[i] = {start, ++m_seq, i, 0};
        } else {
            scheduleNextArrival(i, start);
        }
        if (c.spec->arrival.kind == ArrivalProcess::Kind::Bursts && start < c.end)
            push(start, EvType::Burst, i);
    }
    for (std::uint32_t s = 0; s < m_services.size(); ++s)
        for (std::uint32_t k = 0; k < m_services[s].transitions.size(); ++k)
            push(m_services[s].transitions[k].at.time_since_epoch().count(), EvType::Transition, s, k);
    for (std::uint32_t p = 0; p < m_pipelines.size(); ++p) // scheduled breaker actions: index = pipeline, token = entry
        if (const auto& breaker = m_pipelines[p].breaker)
            for (std::uint32_t k = 0; k < breaker->config().schedule.size(); ++k)
                push(breaker->config().schedule[k].at.count(), EvType::BreakerAction, p, k);
    push(m_bucketNs, EvType::Tick, 0);
    findNextArrival();

    std::int64_t now = 0;
    std::uint32_t sinceCheck = 0;
    const bool clockPerEvent = m_options.sink != nullptr;
    while (!m_cancelled) {
        const std::size_t arrival = m_nextArrival;
        const bool fromQueue = !m_queue.empty() && (arrival == m_arrivals.size() || EventQueue::less(m_queue.top(), m_arrivals[arrival]));
        if (!fromQueue && arrival == m_arrivals.size())
            break;
        const EventQueue::Entry e = fromQueue ? m_queue.top() : m_arrivals[arrival];
        if (e.time > m_stopNs)
            break;
        if (fromQueue)
            m_queue.pop();
        const struct {
            EvType type;
            std::uint32_t index;
            std::uint32_t token;
        } ev {fromQueue ? EvType(e.payload >> kIndexBits) : EvType::Arrival, fromQueue ? e.payload & kIndexMask : e.payload, e.token};
        now = e.time;
        // Policies are handed `now` directly; the clock only has to be current for sinks that read it.
        if (clockPerEvent || ev.type == EvType::Tick)
            m_clock.runUntil(tp(now));
        switch (ev.type) {
        case EvType::Tick:
            onTick(now);
            // Keep ticking while anything else is pending (ticks alone do not keep a run alive).
            if (!m_queue.empty() || now < m_durationNs || pendingArrivals())
                push(now + m_bucketNs, EvType::Tick, 0);
            break;
        case EvType::Transition:
            if (m_options.sink) {
                ++m_events;
                m_options.sink->onEvent(FaultSchedule::faultChangedEvent(
                    m_services[ev.index].series.name, m_services[ev.index].transitions[ev.token]));
            }
            break;
        case EvType::Arrival:
            startRequest(m_clients[ev.index].pipeline, now);
            scheduleNextArrival(ev.index, now);
            findNextArrival();
            break;
        case EvType::Burst: {
            auto& c = m_clients[ev.index];
            const int n = c.spec->arrival.burstSize * c.spec->count;
            for (int i = 0; i < n; ++i)
                startRequest(c.pipeline, now);
            const std::int64_t next = now + c.spec->arrival.burstInterval.count();
            if (next < c.end)
                push(next, EvType::Burst, ev.index);
            break;
        }
        case EvType::AttemptDone: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            releaseService(c, now);
            Outcome outcome = c.planned.toOutcome();
            drive(ev.index, c.call.onAttemptDone(outcome, tp(now)), now);
            break;
        }
        case EvType::AttemptDeadline: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            releaseService(c, now); // a hung attempt frees the service when the client hangs up
            auto& p = m_pipelines[c.pipeline];
            ++p.series.summary.timeouts;
            ++pipelineBucket(p, now).timeouts;
            drive(ev.index, c.call.onDeadline(tp(now)), now);
            break;
        }
        case EvType::QueueDeadline: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            // Still queued: the pipeline cancels the ticket (or learns it was just handed a slot).
            m_queued.remove(c.ticket);
            drive(ev.index, c.call.onDeadline(tp(now)), now);
            break;
        }
        case EvType::WaitDone: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            drive(ev.index, c.call.resume(tp(now)), now);
            break;
        }
        case EvType::ServiceRelease:
            --m_services[ev.index].inFlight;
            break;
        case EvType::BreakerAction: {
            CircuitBreaker& breaker = *m_pipelines[ev.index].breaker;
            breaker.apply(breaker.config().schedule[ev.token].action, tp(now));
            break;
        }
        }
        if (++sinceCheck >= 4096) {
            sinceCheck = 0;
            if (m_options.cancel && m_options.cancel->load(std::memory_order_relaxed))
                m_cancelled = true;
        }
    }

    m_clock.runUntil(tp(now));
    SimulationResult result;
    result.seed = m_seed;
    result.duration = m_scenario.duration;
    result.simulatedUntil = Duration(now);
    result.bucketWidth = Duration(m_bucketNs);
    result.cancelled = m_cancelled;
    result.events = m_events;
    std::size_t buckets = minResultBuckets(now, m_durationNs, m_bucketNs);
    for (auto& p : m_pipelines) {
        p.closeBucket();
        buckets = std::max(buckets, p.series.buckets.size());
    }
    for (auto& s : m_services)
        buckets = std::max(buckets, s.series.buckets.size());
    const std::size_t openBucket = std::size_t(std::max<std::int64_t>(bucketOf(now), 0));
    for (auto& p : m_pipelines)
        p.finish(buckets, openBucket, tp(now));
    for (auto& c : m_slots) {
        if (c.active) {
            ++m_pipelines[c.pipeline].series.summary.unfinished;
            c.call.abandon(tp(now));
            c.active = false;
        }
    }
    for (auto& s : m_services) {
        finishServiceSeries(s.series, buckets);
        result.services.push_back(std::move(s.series));
    }
    for (auto& p : m_pipelines)
        result.pipelines.push_back(std::move(p.series));
    if (m_options.progress)
        m_options.progress(1000);
    return result;
}

} // namespace

SimulationResult Simulator::run(const Scenario& scenario, const SimulationOptions& options)
{
    FieldErrors errors = scenario.validate();
    if (options.bucketWidth <= Duration::zero())
        errors.push_back({QStringLiteral("bucket_width"), QStringLiteral("expected a duration > 0")});
    if (!errors.empty())
        throw InvalidConfig(std::move(errors));
    Run run(scenario, options);
    return run.execute();
}

} // namespace rwb
