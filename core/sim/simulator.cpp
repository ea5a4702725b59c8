#include "core/sim/simulator.h"

#include "core/sim/groupsimulation.h"
#include "core/sim/groupevents.h"
#include "core/sim/hugepageallocator.h"

#include "core/events/eventsink.h"
#include "core/faults/contendedrecord.h"
#include "core/faults/servicequeue.h"
#include "core/sim/eventqueue.h"
#include "core/run/calldriver.h"
#include "core/run/runrecorder.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace rwb {

namespace {

enum class EvType : std::uint8_t {
    Tick, Transition, Arrival, Burst, AttemptDone, AttemptDeadline, QueueDeadline, WaitDone,
    ServiceArrive, // a request reaches its service after the network hop (index: job)
    ServiceDone,   // the service sends a job's response: served, refused or dropped (index: job)
    UserArrival,   // a closed-loop user sends its next request (index: user)
    BreakerAction, // a circuit's scheduled action (index: pipeline, token: schedule entry)
    HedgeTimer,    // a hedged try's timer for its next hedge (index: call slot)
    HedgeAnswer,   // a hedged request's response reaches its client (index: job, which lives until then)
    ServedDirect,  // the service sends the response a call slot carries instead of a job (index: call slot)
};

// Queue payload: the event type in the top 4 bits, an index (call slot, client, service or
// transition) below. Call events carry the slot's token: a token that no longer matches means the
// call has moved on and the event is stale.
constexpr std::uint32_t kIndexBits = 28;
constexpr std::uint32_t kIndexMask = (1u << kIndexBits) - 1;
constexpr std::size_t kMaxLiveCalls = std::size_t(1) << 21; // ~700 MB of call state; real scenarios stay far below
constexpr std::size_t kMaxJobs = std::size_t(1) << 23;      // requests inside services, abandoned ones included
constexpr std::uint32_t kNone = UINT32_MAX;

using PipelineState = RecordedPipeline;

struct ServiceState {
    const FaultSchedule* faults = nullptr;
    Random rng;
    ServiceQueue queue;
    ContendedRecord record;
    ServiceSeries series;
    std::vector<FaultSchedule::Transition> transitions;
    // The profile in force over [profileFrom, profileUntil): every attempt asks several times, and
    // finding it in the schedule each time showed up in profiles.
    const FaultProfile* profile = nullptr;
    std::int64_t profileFrom = 0;
    std::int64_t profileUntil = -1;
    // Some profile of the schedule checks optimistic writes, which need the job's start time.
    bool checksWrites = false;

    const FaultProfile& profileAt(std::int64_t t)
    {
        if (t >= profileFrom && t < profileUntil) [[likely]]
            return *profile;
        return lookUpProfile(t);
    }
    // Out of line so the check above inlines into every caller (~4 per attempt).
    [[gnu::noinline]] const FaultProfile& lookUpProfile(std::int64_t t)
    {
        const std::size_t index = faults->indexAt(TimePoint(Duration(t)));
        const auto& changes = faults->changes();
        profile = &faults->profile(index);
        profileFrom = index == 0 ? INT64_MIN : changes[index - 1].at.count();
        profileUntil = index < changes.size() ? changes[index].at.count() : INT64_MAX;
        return *profile;
    }
};

// One request inside a service (a job): from the moment it leaves the client until the service sends
// its response. It outlives its attempt when the client gives up and the service keeps working on it.
struct Job {
    enum class State : std::uint8_t { Travelling, Waiting, InService, Responding };
    PlannedResponse planned;
    std::int64_t startNs = 0;       // when a worker took it
    std::int64_t responseHopNs = 0; // network delay back to the client, drawn at send time
    ServiceQueue::Ticket ticket = 0;
    std::uint32_t slot = 0;
    std::uint32_t attemptToken = 0; // the slot's token while this job is its attempt
    std::uint32_t token = 0;        // bumped when the job is freed: its pending events go stale
    std::uint32_t service = 0;
    std::uint8_t request = 0;       // which request of its try (hedging: 0 = the first)
    State state = State::Travelling;
    bool holdsWorker = false;
    bool abandoned = false;         // its client gave up
};

// A closed-loop user: which client it belongs to and how many requests it may still send.
struct User {
    std::uint32_t client = 0;
    int remaining = 0; // < 0: no limit
};

struct ClientState {
    const ClientSpec* spec = nullptr;
    std::uint32_t pipeline = 0;
    Random rng;
    double rate = 0;       // requests per second, all `count` clients together
    std::int64_t end = 0;  // ns

    ClientState() = default;
    ClientState(const Scenario& scenario, std::size_t index, Random stream)
        : spec(&scenario.clients[index])
        , pipeline(std::uint32_t(std::max(scenario.pipelineIndex(spec->pipeline), 0)))
        , rng(stream)
        , rate(spec->arrival.kind == ArrivalProcess::Kind::Closed ? 0.0 : spec->arrival.rate * spec->count)
        , end(std::min(spec->arrival.end.value_or(scenario.duration), scenario.duration).count())
    {
    }
    bool bursts() const noexcept { return spec->arrival.kind == ArrivalProcess::Kind::Bursts; }
    std::int64_t start() const noexcept { return spec->arrival.start.count(); }
    // The time of the single arrival after one at `after` (kNoArrival when none is left).
    std::int64_t nextArrival(std::int64_t after)
    {
        if (!(rate > 0.0))
            return kNoArrival;
        const double gapSeconds = spec->arrival.kind == ArrivalProcess::Kind::Constant ? 1.0 / rate : rng.exponential(rate);
        const std::int64_t gap = std::max<std::int64_t>(std::int64_t(gapSeconds * 1e9 + 0.5), 1); // >= 0: no llround needed
        const std::int64_t t = after + gap;
        return t < end ? t : kNoArrival;
    }
    // The first single arrival: a constant stream starts at `start`, a Poisson one a gap after it.
    std::int64_t firstArrival()
    {
        if (spec->arrival.kind == ArrivalProcess::Kind::Constant)
            return start() < end && rate > 0 ? start() : kNoArrival;
        return nextArrival(start());
    }
    static constexpr std::int64_t kNoArrival = INT64_MAX;
};

// The random streams of a run, split from the master seed in a fixed order (services, pipelines,
// clients): a group simulated alone draws exactly what the whole run would.
struct RunStreams {
    std::vector<Random> services;
    std::vector<std::uint64_t> pipelineSeeds;
    std::vector<Random> clients;

    RunStreams(const Scenario& scenario, std::uint64_t seed)
    {
        Random master(seed);
        for (std::size_t i = 0; i < scenario.services.size(); ++i)
            services.push_back(master.split());
        for (std::size_t i = 0; i < scenario.pipelines.size(); ++i)
            pipelineSeeds.push_back(master.nextU64());
        for (std::size_t i = 0; i < scenario.clients.size(); ++i)
            clients.push_back(master.split());
    }
};

struct CallSlot {
    PipelineCall call;
    PlannedResponse planned;   // the response on its way back to the client
    std::int64_t deadlineNs = INT64_MAX; // of the current attempt
    BulkheadTicket ticket = 0; // while queued in the bulkhead
    std::uint32_t token = 0;
    std::uint32_t pipeline = 0;
    std::uint32_t job = kNone; // the current attempt's job, while the service has it
    std::array<std::uint32_t, HedgingConfig::kMaxHedgedAttempts> hedgeJobs = noJobs(); // hedge k's job at [k - 1]

    static constexpr std::array<std::uint32_t, HedgingConfig::kMaxHedgedAttempts> noJobs()
    {
        std::array<std::uint32_t, HedgingConfig::kMaxHedgedAttempts> a {};
        a.fill(kNone);
        return a;
    }
    std::uint32_t user = kNone; // the closed-loop user that sent this call
    bool active = false;
    bool deadlineArmed = false; // an AttemptDeadline event is pending for the current attempt
    bool hedged = false;        // its pipeline hedges (docs/hedging.md)
};

// A run of one group of the scenario (see GroupRunner); with every index in the group, the whole run.
// Every pipeline, service and client is built, so the random streams are those of the whole run, but
// only the group's members get events.
class Run : public CallDriver<Run, CallSlot> {
    friend class CallDriver<Run, CallSlot>;

public:
    Run(const Scenario& scenario, const SimulationOptions& options, const SimGroup& group, const ArrivalPlan* plan);
    std::int64_t simulate();
    std::shared_ptr<SimGroupResult> finish(std::int64_t runEnd);

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
    // CallDriver's hooks: how this executor arms times and sends attempts.
    RecordedPipeline& recordedPipeline(std::uint32_t index) noexcept { return m_pipelines[index]; }
    void onNewSlot(std::uint32_t slot);
    void onCallStarting(CallSlot& c) noexcept
    {
        c.hedged = m_pipelines[c.pipeline].pipeline->hedging() != nullptr;
        c.job = kNone;
    }
    void onStepSuperseded(CallSlot&) noexcept {}
    void sendAttempt(std::uint32_t slot, const Step& step, std::int64_t t);
    void armWait(std::uint32_t slot, std::int64_t until, std::int64_t t)
    {
        push(std::max(until, t), EvType::WaitDone, slot, m_slots[slot].token);
    }
    void armQueueDeadline(std::uint32_t slot, std::int64_t deadline, std::int64_t t)
    {
        push(std::max(deadline, t), EvType::QueueDeadline, slot, m_slots[slot].token);
    }
    void cancelRequests(std::uint32_t slot, std::uint16_t requests, std::int64_t t);
    void onCallFinished(std::uint32_t slot, std::int64_t t);
    void onCallAbandoned(CallSlot&) noexcept {}

    void armArrival(std::uint32_t client, std::int64_t t);
    void scheduleNextArrival(std::uint32_t client, std::int64_t after);
    void onTick(std::int64_t t);
    void closeBuckets(std::int64_t t);
    void reportProgress(std::int64_t t);

    // The service side of an attempt (see docs/simulator.md, "Services are queues").
    void sendRequest(std::uint32_t slot, std::int64_t t, unsigned request = 0);
    static std::uint32_t& jobOf(CallSlot& c, unsigned request) { return request == 0 ? c.job : c.hedgeJobs[request - 1]; }
    void arriveAtService(std::uint32_t job, std::uint32_t slot, std::uint32_t service, std::int64_t t);
    void startService(std::uint32_t job, std::int64_t t, const PlannedResponse* plan = nullptr);
    void respondLater(std::uint32_t job, std::int64_t at);
    void onServiceDone(std::uint32_t job, std::int64_t t);
    void dispatch(std::uint32_t service, std::int64_t t);
    void deliver(std::uint32_t job, std::int64_t t);
    void respondToCall(std::uint32_t slot, std::uint32_t service, std::int64_t t);
    void onServedDirect(std::uint32_t slot, std::uint32_t token, std::int64_t t);
    void deliverHedged(std::uint32_t job, std::int64_t t);
    void onHedgeTimer(std::uint32_t slot, std::uint32_t token, std::int64_t t);
    void onHedgeAnswer(std::uint32_t job, std::uint32_t token, std::int64_t t);
    void abandonJob(std::uint32_t job, std::int64_t t);
    void armDeadline(std::uint32_t slot);
    std::uint32_t newJob(std::uint32_t slot, std::uint32_t service, unsigned request);
    void freeJob(std::uint32_t job);
    ServiceBucket& serviceBucket(ServiceState& s, std::int64_t t) { return at(s.series.buckets, bucketOf(t)); }

    const Scenario& m_scenario;
    const SimulationOptions& m_options;
    const SimGroup& m_group;
    const ArrivalPlan* m_plan;         // with a plan, arrivals and request ids come from it
    std::vector<std::size_t> m_arrived;   // per client: single arrivals so far
    std::vector<std::uint32_t> m_bursts;  // per client: bursts started so far
    std::int64_t m_now = 0;
    std::int64_t m_lastTick = 0;
    std::uint64_t m_seed;
    std::int64_t m_bucketNs;
    std::int64_t m_durationNs;
    std::int64_t m_stopNs;
    mutable std::int64_t m_cachedBucket = 0;
    mutable std::int64_t m_cachedBucketStart = 0;
    std::uint64_t m_events = 0;
    std::unique_ptr<CountingSink> m_pipelineSink;
    RetryBudgetRegistry m_budgets; // retry budgets and throttles the run's pipelines share by name

    EventQueue m_queue;
    // The next arrival of each client, kept out of the queue: arrivals are half of all events and
    // each client's are already in time order, so a scan of a few entries beats a heap push and pop.
    std::vector<EventQueue::Entry> m_arrivals;
    std::size_t m_nextArrival = 0; // index of the earliest pending arrival; m_arrivals.size() when none
    std::uint64_t m_seq = 0;
    std::vector<PipelineState> m_pipelines;
    std::vector<ServiceState> m_services;
    std::vector<ClientState> m_clients;
    std::vector<Job> m_jobs;
    std::vector<std::uint32_t> m_freeJobs;
    std::vector<User> m_users;
    int m_lastPermille = -1;
    bool m_cancelled = false;
};

TimePoint tp(std::int64_t ns) { return TimePoint(Duration(ns)); }

Run::Run(const Scenario& scenario, const SimulationOptions& options, const SimGroup& group, const ArrivalPlan* plan)
    : m_scenario(scenario)
    , m_options(options)
    , m_group(group)
    , m_plan(plan)
    , m_arrived(scenario.clients.size(), 0)
    , m_bursts(scenario.clients.size(), 0)
    , m_seed(options.seed.value_or(scenario.seed))
    , m_bucketNs(std::max<std::int64_t>(options.bucketWidth.count(), 1))
    , m_durationNs(scenario.duration.count())
    , m_stopNs(scenario.duration.count() + scenario.drainLimit.count())
{
    if (options.sink)
        m_pipelineSink = std::make_unique<CountingSink>(options.sink, &m_events);
    RunStreams streams(scenario, m_seed);
    const std::size_t buckets = std::size_t(m_durationNs / m_bucketNs) + 1;
    // Series of the group's own members only get room reserved: a scenario of many groups stays small.
    std::vector<std::size_t> reserve(scenario.services.size() + scenario.pipelines.size(), 0);
    for (const int s : group.services)
        reserve[std::size_t(s)] = buckets;
    for (const int p : group.pipelines)
        reserve[scenario.services.size() + std::size_t(p)] = buckets;

    m_services.resize(scenario.services.size());
    for (std::size_t i = 0; i < scenario.services.size(); ++i) {
        auto& s = m_services[i];
        s.faults = &scenario.services[i].faults;
        s.rng = streams.services[i];
        s.series.name = scenario.services[i].name;
        s.series.buckets.reserve(reserve[i]);
        s.transitions = s.faults->transitions(tp(m_stopNs));
        for (std::size_t k = 0; k <= s.faults->changes().size(); ++k)
            s.checksWrites = s.checksWrites || s.faults->profile(k).optimisticConcurrency;
    }

    m_pipelines.resize(scenario.pipelines.size());
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i) {
        const auto& spec = scenario.pipelines[i];
        auto& p = m_pipelines[i];
        const auto service = std::uint32_t(std::max(scenario.serviceIndex(spec.service), 0));
        const int owner = scenario.sharedBreakerOwner(int(i));
        p.build(spec, service, reserve[scenario.services.size() + i], options.sink, &m_events, m_pipelineSink.get(), streams.pipelineSeeds[i],
            owner >= 0 && owner != int(i) ? &m_pipelines[std::size_t(owner)] : nullptr, &m_budgets);
    }

    m_clients.resize(scenario.clients.size());
    m_arrivals.assign(scenario.clients.size(), {INT64_MAX, UINT64_MAX, 0, 0});
    for (std::size_t i = 0; i < scenario.clients.size(); ++i) {
        const auto& spec = scenario.clients[i];
        m_clients[i] = ClientState(scenario, i, streams.clients[i]);
        if (spec.arrival.kind == ArrivalProcess::Kind::Closed)
            for (int u = 0; u < spec.count; ++u)
                m_users.push_back({std::uint32_t(i), spec.arrival.requestsPerUser > 0 ? spec.arrival.requestsPerUser : -1});
    }
}

// The client's next single arrival is at `t` (kNoArrival: none).
void Run::armArrival(std::uint32_t client, std::int64_t t)
{
    if (t != ClientState::kNoArrival)
        m_arrivals[client] = {t, ++m_seq, client, 0};
    else
        m_arrivals[client] = {INT64_MAX, UINT64_MAX, client, 0};
}

void Run::scheduleNextArrival(std::uint32_t client, std::int64_t after)
{
    armArrival(client, m_plan ? m_plan->arrivalTime(client, m_arrived[client]) : m_clients[client].nextArrival(after));
}

void Run::onNewSlot(std::uint32_t slot)
{
    if (slot >= kMaxLiveCalls)
        throw std::runtime_error("more than 2097152 requests in flight at once: lower the arrival rates, latencies or timeouts");
}

// A job for request `request` of the call in `slot`, on its way to `service`.
std::uint32_t Run::newJob(std::uint32_t slot, std::uint32_t service, unsigned request)
{
    std::uint32_t job;
    if (!m_freeJobs.empty()) {
        job = m_freeJobs.back();
        m_freeJobs.pop_back();
    } else {
        if (m_jobs.size() >= kMaxJobs)
            throw std::runtime_error("more than 8388608 requests inside the services at once: lower the arrival rates "
                                     "or latencies, or give the services a capacity");
        job = std::uint32_t(m_jobs.size());
        m_jobs.emplace_back();
    }
    Job& j = m_jobs[job];
    j.slot = slot;
    j.attemptToken = m_slots[slot].token;
    j.service = service;
    j.request = std::uint8_t(request);
    j.state = Job::State::Travelling;
    j.holdsWorker = false;
    j.abandoned = false;
    j.planned = PlannedResponse {};
    jobOf(m_slots[slot], request) = job;
    return job;
}

void Run::freeJob(std::uint32_t job)
{
    Job& j = m_jobs[job];
    ++j.token;
    std::uint32_t& owner = jobOf(m_slots[j.slot], j.request);
    if (owner == job)
        owner = kNone;
    m_freeJobs.push_back(job);
}

void Run::armDeadline(std::uint32_t slot)
{
    auto& c = m_slots[slot];
    if (!c.deadlineArmed && c.deadlineNs != INT64_MAX) {
        c.deadlineArmed = true;
        push(c.deadlineNs, EvType::AttemptDeadline, slot, c.token);
    }
}

// An Attempt step: the attempt's deadline, its request, and for a hedged try the hedge timer and the
// try's deadline (which holds whichever of its requests is slow).
void Run::sendAttempt(std::uint32_t slot, const Step& step, std::int64_t t)
{
    auto& c = m_slots[slot];
    if (step.request == 0) [[likely]] {
        c.deadlineNs = step.deadline == Timeout::kNever ? INT64_MAX : step.deadline.time_since_epoch().count();
        c.deadlineArmed = false;
    }
    sendRequest(slot, t, step.request);
    if (c.hedged) [[unlikely]] {
        if (step.hedgeTimer)
            push(std::max(step.until.time_since_epoch().count(), t), EvType::HedgeTimer, slot, c.token);
        armDeadline(slot);
    }
}

// A request leaves the client: one network hop to the service (inline when there is none).
void Run::sendRequest(std::uint32_t slot, std::int64_t t, unsigned request)
{
    const auto& c = m_slots[slot];
    const std::uint32_t service = m_pipelines[c.pipeline].service;
    auto& s = m_services[service];
    const Duration hop = s.profileAt(t).hop(s.rng);
    if (hop > Duration::zero()) {
        const std::uint32_t job = newJob(slot, service, request);
        armDeadline(slot); // the response time is unknown until the request is served
        push(t + hop.count(), EvType::ServiceArrive, job, m_jobs[job].token);
    } else {
        arriveAtService(c.hedged ? newJob(slot, service, request) : kNone, slot, service, t);
    }
}

// A request of the call in `slot` reaches `service`. `job` is kNone for an unhedged request sent without a
// network hop: a job is made only if the call slot cannot carry its response (see ServedDirect).
void Run::arriveAtService(std::uint32_t job, std::uint32_t slot, std::uint32_t service, std::int64_t t)
{
    auto& s = m_services[service];
    const FaultProfile& profile = s.profileAt(t);
    ++s.series.arrivals;
    auto& sb = serviceBucket(s, t);
    ++sb.arrivals;
    // A client that hung up before its request arrived: the service drops it if it learns of that.
    if (job != kNone && m_jobs[job].abandoned && profile.capacity.dropAbandoned) {
        freeJob(job);
        return;
    }
    const QueueShape shape = profile.capacity.shape();
    if (s.queue.hasFreeWorker(shape)) {
        // The common case: served at once, so the worker's decision (which also says when nobody listens)
        // is made now, with one look at the outage windows instead of two.
        PlannedResponse plan = profile.serve(tp(t), s.rng);
        const bool refused
            = plan.kind == FaultKind::ConnectionRefused && plan.cause != PlannedResponse::Cause::ErrorRate;
        auto& c = m_slots[slot];
        const std::int64_t done = t + plan.latency.count();
        if (job == kNone && !refused && !plan.hang() && done <= c.deadlineNs && !s.checksWrites) {
            // The response reaches the client before the attempt's deadline, so nothing can move the call on
            // meanwhile: the slot carries the response, and no job is needed.
            s.queue.start(tp(t));
            c.planned = plan;
            push(done, EvType::ServedDirect, slot, c.token);
            sb.maxConcurrency = std::max(sb.maxConcurrency, s.queue.inSystem());
            return;
        }
        if (job == kNone)
            job = newJob(slot, service, 0);
        Job& j = m_jobs[job];
        if (refused) {
            j.planned = plan;
            respondLater(job, t);
            return;
        }
        s.queue.start(tp(t));
        startService(job, t, &plan);
        sb.maxConcurrency = std::max(sb.maxConcurrency, s.queue.inSystem());
        return;
    }
    if (job == kNone)
        job = newJob(slot, service, 0);
    Job& j = m_jobs[job];
    if (profile.refusesConnections(tp(t))) { // nobody listens: refused at once, no worker involved
        j.planned = profile.serve(tp(t), s.rng);
        respondLater(job, t);
        return;
    }
    switch (s.queue.arrive(tp(t), job, shape, &j.ticket)) {
    case ServiceQueue::Admission::Start:
        startService(job, t);
        break;
    case ServiceQueue::Admission::Wait:
        j.state = Job::State::Waiting;
        if (m_slots[j.slot].job == job)
            armDeadline(j.slot);
        break;
    case ServiceQueue::Admission::Refuse:
        j.planned = profile.overloaded(s.rng);
        ++sb.overloaded;
        ++s.series.overloaded;
        respondLater(job, t + j.planned.latency.count());
        break;
    }
    sb.maxConcurrency = std::max(sb.maxConcurrency, s.queue.inSystem());
}

// A worker takes the job at `t`: only now is its service time drawn (unless the caller just did).
void Run::startService(std::uint32_t job, std::int64_t t, const PlannedResponse* plan)
{
    Job& j = m_jobs[job];
    auto& s = m_services[j.service];
    const bool waited = j.state == Job::State::Waiting;
    j.planned = plan ? *plan : s.profileAt(t).serve(tp(t), s.rng);
    j.planned.queued = waited;
    j.startNs = t;
    j.state = Job::State::InService;
    j.holdsWorker = true;
    auto& c = m_slots[j.slot];
    const bool current = c.job == job;
    if (j.planned.hang()) {
        // Only the client's deadline ends a hang; it holds its worker until then.
        if (current)
            armDeadline(j.slot);
        return;
    }
    const std::int64_t done = t + j.planned.latency.count();
    if (current && done > c.deadlineNs)
        armDeadline(j.slot);
    push(done, EvType::ServiceDone, job, j.token);
}

// A response sent without a worker (a refusal) at `at`.
void Run::respondLater(std::uint32_t job, std::int64_t at)
{
    Job& j = m_jobs[job];
    j.state = Job::State::Responding;
    j.holdsWorker = false;
    auto& c = m_slots[j.slot];
    if (c.job == job && at > c.deadlineNs)
        armDeadline(j.slot);
    push(at, EvType::ServiceDone, job, j.token);
}

void Run::onServiceDone(std::uint32_t job, std::int64_t t)
{
    Job& j = m_jobs[job];
    auto& s = m_services[j.service];
    if (j.holdsWorker && j.planned.isSuccess() && s.profileAt(t).optimisticConcurrency
        && !s.record.write(tp(j.startNs), tp(t)))
        s.profileAt(t).respond(j.planned, FaultKind::Conflict);
    auto& sb = serviceBucket(s, t);
    if (j.planned.isSuccess())
        ++sb.ok;
    else
        ++sb.errors;
    const bool freedWorker = j.holdsWorker;
    if (freedWorker) {
        j.holdsWorker = false;
        s.queue.release(tp(t));
    }
    const std::uint32_t service = j.service;
    deliver(job, t);
    if (freedWorker)
        dispatch(service, t);
}

// Free workers take waiting requests (or drop those that waited too long).
void Run::dispatch(std::uint32_t service, std::int64_t t)
{
    auto& s = m_services[service];
    if (s.queue.waiting() == 0)
        return; // nobody waits: nothing for a free worker to take
    const FaultProfile& profile = s.profileAt(t);
    const QueueShape shape = profile.capacity.shape();
    for (;;) {
        const ServiceQueue::Pick pick = s.queue.pick(tp(t), shape);
        if (pick.kind == ServiceQueue::Pick::Kind::None)
            return;
        if (pick.kind == ServiceQueue::Pick::Kind::Start) {
            startService(pick.job, t);
            continue;
        }
        Job& j = m_jobs[pick.job];
        j.planned = profile.overloaded(s.rng);
        j.planned.queued = true;
        auto& sb = serviceBucket(s, t);
        ++sb.overloaded;
        ++s.series.overloaded;
        respondLater(pick.job, t + j.planned.latency.count());
    }
}

// The service's response leaves for the client (one network hop); a client that gave up ignores it.
void Run::deliver(std::uint32_t job, std::int64_t t)
{
    Job& j = m_jobs[job];
    const std::uint32_t slot = j.slot;
    auto& c = m_slots[slot];
    const bool current = c.active && jobOf(c, j.request) == job && c.token == j.attemptToken;
    if (!current) {
        freeJob(job);
        return;
    }
    if (c.hedged) [[unlikely]] {
        deliverHedged(job, t);
        return;
    }
    const std::uint32_t service = j.service;
    c.planned = j.planned;
    freeJob(job);
    respondToCall(slot, service, t);
}

// The response in the slot leaves `service` for its client: one network hop, or straight to the call.
void Run::respondToCall(std::uint32_t slot, std::uint32_t service, std::int64_t t)
{
    auto& c = m_slots[slot];
    auto& s = m_services[service];
    const Duration hop = s.profileAt(t).hop(s.rng);
    if (hop > Duration::zero()) {
        if (t + hop.count() > c.deadlineNs)
            armDeadline(slot);
        push(t + hop.count(), EvType::AttemptDone, slot, c.token);
        return;
    }
    drive(slot, c.call.onAttemptDone(c.planned.toOutcome(), tp(t)), t);
}

// The service sends the response a call slot carries (onServiceDone and deliver, without a job). The call
// is still waiting for it: its deadline is not before, and no other event of the attempt is armed.
void Run::onServedDirect(std::uint32_t slot, [[maybe_unused]] std::uint32_t token, std::int64_t t)
{
    const auto& c = m_slots[slot];
    Q_ASSERT(c.active && c.token == token);
    const std::uint32_t service = m_pipelines[c.pipeline].service;
    auto& s = m_services[service];
    auto& sb = serviceBucket(s, t);
    if (c.planned.isSuccess())
        ++sb.ok;
    else
        ++sb.errors;
    s.queue.release(tp(t));
    respondToCall(slot, service, t);
    dispatch(service, t);
}

// Out of the event loop's body on purpose: it stays small enough for the compiler to inline the hot
// handlers (a measurable share of the simulator's time, callgrind: bench_sim --profile).
void Run::onHedgeTimer(std::uint32_t slot, std::uint32_t token, std::int64_t t)
{
    auto& c = m_slots[slot];
    if (c.token == token && c.active)
        drive(slot, c.call.onHedgeTimer(tp(t)), t);
}

void Run::onHedgeAnswer(std::uint32_t job, std::uint32_t token, std::int64_t t)
{
    Job& j = m_jobs[job];
    if (j.token != token)
        return;
    auto& c = m_slots[j.slot];
    const std::uint32_t slot = j.slot;
    const unsigned request = j.request;
    const bool current = c.active && jobOf(c, request) == job && c.token == j.attemptToken;
    const Outcome outcome = j.planned.toOutcome();
    freeJob(job);
    if (current)
        drive(slot, c.call.onAttemptDone(outcome, tp(t), int(request)), t);
}

// Several requests of a hedged call may be on their way back: each answer travels in its own job.
void Run::deliverHedged(std::uint32_t job, std::int64_t t)
{
    Job& j = m_jobs[job];
    auto& s = m_services[j.service];
    const Duration hop = s.profileAt(t).hop(s.rng);
    j.state = Job::State::Responding;
    push(t + std::max<std::int64_t>(hop.count(), 0), EvType::HedgeAnswer, job, j.token);
}

// The client of `job` gave up at `t` (its attempt deadline).
void Run::abandonJob(std::uint32_t job, std::int64_t t)
{
    Job& j = m_jobs[job];
    auto& s = m_services[j.service];
    j.abandoned = true;
    std::uint32_t& owner = jobOf(m_slots[j.slot], j.request);
    if (owner == job)
        owner = kNone; // the job stays with the service; the call has moved on
    const bool drop = s.profileAt(t).capacity.dropAbandoned;
    switch (j.state) {
    case Job::State::Travelling:
    case Job::State::Responding:
        return; // it arrives (and is dropped there), or its response is ignored
    case Job::State::Waiting:
        if (drop && s.queue.abandon(tp(t), j.ticket, job))
            freeJob(job);
        return;
    case Job::State::InService:
        if (drop || j.planned.hang()) { // a hung request ends when its client hangs up
            j.holdsWorker = false;
            s.queue.release(tp(t));
            const std::uint32_t service = j.service;
            freeJob(job);
            dispatch(service, t);
        }
        return;
    }
}

void Run::cancelRequests(std::uint32_t slot, std::uint16_t requests, std::int64_t t)
{
    auto& c = m_slots[slot];
    for (unsigned k = 0; k <= unsigned(HedgingConfig::kMaxHedgedAttempts); ++k)
        if ((requests & (1u << k)) != 0 && jobOf(c, k) != kNone)
            abandonJob(jobOf(c, k), t);
}

void Run::onCallFinished(std::uint32_t slot, std::int64_t t)
{
    const auto& c = m_slots[slot];
    if (c.user != kNone) { // a closed-loop user thinks, then sends its next request
        User& u = m_users[c.user];
        if (u.remaining != 0) {
            auto& client = m_clients[u.client];
            const std::int64_t next = t + client.spec->arrival.thinkTime.sample(client.rng).count();
            if (next < client.end)
                push(next, EvType::UserArrival, c.user);
        }
    }
}

void Run::onTick(std::int64_t t)
{
    closeBuckets(t);
    reportProgress(t);
    if (m_options.cancel && m_options.cancel->load(std::memory_order_relaxed))
        m_cancelled = true;
}

// The bucket that ends at `t` is complete: latency percentiles, breaker state, series lengths.
void Run::closeBuckets(std::int64_t t)
{
    const std::int64_t ended = bucketOf(t) - 1;
    for (const int p : m_group.pipelines)
        m_pipelines[std::size_t(p)].onBucketEnded(ended, tp(t));
    for (const int s : m_group.services)
        at(m_services[std::size_t(s)].series.buckets, ended);
    m_lastTick = t;
}

void Run::reportProgress(std::int64_t t)
{
    if (!m_options.progress && !m_options.checkpoint)
        return;
    const int permille = int(std::min<std::int64_t>(999, t / std::max<std::int64_t>(m_durationNs / 1000, 1)));
    if (permille != m_lastPermille) {
        m_lastPermille = permille;
        if (m_options.progress)
            m_options.progress(permille);
        if (m_options.checkpoint) {
            std::vector<std::pair<int, const PipelineSeries*>> recorded;
            for (const int p : m_group.pipelines)
                recorded.emplace_back(p, &m_pipelines[std::size_t(p)].series);
            m_options.checkpoint(std::size_t(bucketOf(t)), recorded); // closeBuckets(t) ended the one before
        }
    }
}

std::int64_t Run::simulate()
{
    // Start: arrivals, bursts, fault transitions and the first tick.
    std::vector<bool> member(m_clients.size(), false);
    for (const int client : m_group.clients) {
        const auto i = std::uint32_t(client);
        member[i] = true;
        auto& c = m_clients[i];
        armArrival(i, m_plan ? m_plan->arrivalTime(i, 0) : c.firstArrival());
        if (c.bursts() && c.start() < c.end)
            push(c.start(), EvType::Burst, i);
    }
    for (std::uint32_t u = 0; u < m_users.size(); ++u) {
        const auto& c = m_clients[m_users[u].client];
        if (member[m_users[u].client] && c.start() < c.end && m_users[u].remaining != 0)
            push(c.start(), EvType::UserArrival, u);
    }
    for (const int service : m_group.services) {
        const auto s = std::uint32_t(service);
        for (std::uint32_t k = 0; k < m_services[s].transitions.size(); ++k)
            push(m_services[s].transitions[k].at.time_since_epoch().count(), EvType::Transition, s, k);
    }
    // scheduled breaker actions (index = pipeline, token = entry), once per circuit even when shared
    for (const int pipeline : m_group.pipelines)
        if (const auto p = std::uint32_t(pipeline); m_pipelines[p].ownsBreaker) {
            const auto& breaker = m_pipelines[p].breaker;
            for (std::uint32_t k = 0; k < breaker->config().schedule.size(); ++k)
                push(breaker->config().schedule[k].at.count(), EvType::BreakerAction, p, k);
        }
    push(m_bucketNs, EvType::Tick, 0);
    findNextArrival();

    std::int64_t now = 0;
    std::uint32_t sinceCheck = 0;
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
        now = e.time; // policies and events are handed `now`: no clock to advance
        switch (ev.type) {
        case EvType::Tick:
            onTick(now);
            // Keep ticking while anything else is pending (ticks alone do not keep a run alive).
            if (!m_queue.empty() || now < m_durationNs || pendingArrivals())
                push(now + m_bucketNs, EvType::Tick, 0);
            break;
        case EvType::Transition:
            if (m_options.sink && m_pipelineSink->interests().contains(EventKind::FaultChanged)) {
                ++m_events;
                m_options.sink->onEvent(FaultSchedule::faultChangedEvent(
                    m_services[ev.index].series.name, m_services[ev.index].transitions[ev.token]));
            }
            break;
        case EvType::Arrival:
            if (m_plan)
                setNextRequestId(m_plan->arrivalId(ev.index, m_arrived[ev.index]++));
            startCall(m_clients[ev.index].pipeline, now);
            scheduleNextArrival(ev.index, now);
            findNextArrival();
            break;
        case EvType::Burst: {
            auto& c = m_clients[ev.index];
            const int n = c.spec->arrival.burstSize * c.spec->count;
            if (m_plan)
                setNextRequestId(m_plan->burstId(ev.index, m_bursts[ev.index]++));
            for (int i = 0; i < n; ++i)
                startCall(c.pipeline, now);
            const std::int64_t next = now + c.spec->arrival.burstInterval.count();
            if (next < c.end)
                push(next, EvType::Burst, ev.index);
            break;
        }
        case EvType::AttemptDone: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            drive(ev.index, c.call.onAttemptDone(c.planned.toOutcome(), tp(now)), now);
            break;
        }
        case EvType::AttemptDeadline: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            if (c.job != kNone)
                abandonJob(c.job, now); // a hedged try's other requests are in the step's `cancel`
            onAttemptDeadline(ev.index, now);
            break;
        }
        case EvType::QueueDeadline: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            onQueueDeadline(ev.index, now);
            break;
        }
        case EvType::WaitDone: {
            auto& c = m_slots[ev.index];
            if (c.token != ev.token || !c.active)
                break;
            drive(ev.index, c.call.resume(tp(now)), now);
            break;
        }
        case EvType::ServiceArrive:
            if (const Job& j = m_jobs[ev.index]; j.token == ev.token)
                arriveAtService(ev.index, j.slot, j.service, now);
            break;
        case EvType::ServedDirect:
            onServedDirect(ev.index, ev.token, now);
            break;
        case EvType::ServiceDone:
            if (m_jobs[ev.index].token == ev.token)
                onServiceDone(ev.index, now);
            break;
        case EvType::UserArrival: {
            User& u = m_users[ev.index];
            if (u.remaining > 0)
                --u.remaining;
            startCall(m_clients[u.client].pipeline, now, ev.index);
            break;
        }
        case EvType::HedgeTimer:
            onHedgeTimer(ev.index, ev.token, now);
            break;
        case EvType::HedgeAnswer:
            onHedgeAnswer(ev.index, ev.token, now);
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

    m_now = now;
    return now;
}

std::shared_ptr<SimGroupResult> Run::finish(std::int64_t runEnd)
{
    // The whole run ticked on until runEnd: the group's buckets up to there are complete too.
    for (std::int64_t t = m_lastTick + m_bucketNs; t <= runEnd; t += m_bucketNs)
        closeBuckets(t);
    auto result = std::make_shared<SimGroupResult>();
    std::size_t buckets = 0;
    for (const int p : m_group.pipelines) {
        m_pipelines[std::size_t(p)].closeBucket();
        buckets = std::max(buckets, m_pipelines[std::size_t(p)].series.buckets.size());
    }
    for (const int s : m_group.services)
        buckets = std::max(buckets, m_services[std::size_t(s)].series.buckets.size());
    const std::size_t openBucket = std::size_t(std::max<std::int64_t>(bucketOf(runEnd), 0));
    for (const int i : m_group.pipelines) {
        auto& p = m_pipelines[std::size_t(i)];
        p.finish(buckets, openBucket, tp(runEnd));
        result->breakerAtEnd.push_back(p.breaker ? std::optional(p.breaker->state(tp(runEnd))) : std::nullopt);
    }
    abandonUnfinishedCalls(runEnd);
    for (const int i : m_group.services) {
        auto& s = m_services[std::size_t(i)];
        s.queue.advance(tp(runEnd));
        finishServiceSeries(s.series, buckets);
        if (runEnd > 0) {
            s.series.meanBusyWorkers = s.queue.busyArea() / double(runEnd);
            s.series.meanInSystem = s.queue.systemArea() / double(runEnd);
        }
        result->services.push_back(std::move(s.series));
    }
    for (const int i : m_group.pipelines)
        result->pipelines.push_back(std::move(m_pipelines[std::size_t(i)].series));
    result->group = m_group;
    result->ownEnd = m_now;
    result->finishedAt = runEnd;
    result->buckets = buckets;
    result->events = m_events;
    result->cancelled = m_cancelled;
    return result;
}

} // namespace

struct GroupRunner::Group {
    SimGroup members;
    SimulationOptions options;
    std::unique_ptr<Run> run;
    std::unique_ptr<GroupEventBuffer> events; // Events::PerGroup with a sink: options.sink
};

GroupRunner::GroupRunner(const Scenario& scenario, const SimulationOptions& options, int threads, Events events,
    std::shared_ptr<const ArrivalPlan> plan)
    : m_scenario(scenario)
    , m_options(options)
    , m_threads(threads)
    , m_events(events)
    , m_seed(options.seed.value_or(scenario.seed))
    , m_plan(std::move(plan))
{
    if (m_plan && !m_plan->produced())
        throw std::logic_error("GroupRunner: an arrival plan that was not produced");
}

GroupRunner::~GroupRunner() = default;

void GroupRunner::simulate(const std::vector<SimGroup>& groups)
{
    // Request ids count the calls of all clients: a group without every client needs them planned. The
    // plan is numbered on one of the threads while the groups run (task 0 is taken first, so a group
    // waiting for an id never waits for a plan nobody produces).
    const bool partial = std::any_of(groups.begin(), groups.end(),
        [&](const SimGroup& g) { return g.clients.size() != m_scenario.clients.size(); });
    const bool producePlan = partial && !m_plan;
    std::shared_ptr<ArrivalPlan> newPlan;
    if (producePlan) {
        newPlan = std::make_shared<ArrivalPlan>(m_scenario, m_seed);
        newPlan->drawTimes(m_threads);
        m_plan = newPlan;
    }

    const std::size_t first = m_groups.size();
    // Progress of several groups: the least advanced one's, reported by whichever thread advances it.
    std::mutex progressLock;
    std::vector<int> permille(groups.size(), 0);
    int reported = -1;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        auto group = std::make_unique<Group>(Group {groups[g], m_options, nullptr, nullptr});
        if (m_options.sink && m_events == Events::PerGroup) {
            group->events = std::make_unique<GroupEventBuffer>(m_options.sink->interests());
            group->options.sink = group->events.get();
        }
        if (m_options.progress && groups.size() > 1)
            group->options.progress = [&, g](int value) {
                const std::lock_guard lock(progressLock);
                permille[g] = value;
                const int least = *std::min_element(permille.begin(), permille.end());
                if (least > reported) {
                    reported = least;
                    m_options.progress(least);
                }
            };
        m_groups.push_back(std::move(group));
    }
    std::vector<std::int64_t> ends(groups.size(), 0);
    const std::size_t tasks = groups.size() + (producePlan ? 1 : 0);
    forEachParallel(tasks, m_threads, [&](std::size_t task) {
        if (producePlan && task == 0) {
            newPlan->number();
            return;
        }
        const std::size_t g = task - (producePlan ? 1 : 0);
        Group& group = *m_groups[first + g];
        group.run = std::make_unique<Run>(m_scenario, group.options, group.members, m_plan.get());
        ends[g] = group.run->simulate();
    });
    for (std::size_t g = 0; g < groups.size(); ++g) {
        m_groups[first + g]->options.progress = nullptr; // it refers to this call's counters
        m_end = std::max(m_end, ends[g]);
    }
}

std::vector<std::shared_ptr<const SimGroupResult>> GroupRunner::finish(std::int64_t runEnd)
{
    std::vector<std::shared_ptr<const SimGroupResult>> parts;
    for (auto& group : m_groups) {
        auto part = group->run->finish(runEnd);
        if (group->events)
            part->eventLog = group->events->take();
        parts.push_back(std::move(part));
        group->run.reset();
    }
    return parts;
}

// The ids of one stream of entries (a client's single arrivals or its bursts), as many as drawTimes() found:
// number() writes them in start order while groups on other threads read them. An entry is read only after
// `published` says it is there.
class ArrivalPlan::Ids {
public:
    void resize(std::size_t size) { m_ids.resize(size); }
    std::size_t size() const noexcept { return m_ids.size(); }
    void append(std::uint64_t id) noexcept
    {
        const std::size_t n = m_published.load(std::memory_order_relaxed);
        m_ids[n] = id;
        m_published.store(n + 1, std::memory_order_release);
    }
    std::uint64_t at(std::size_t k, const std::atomic<bool>& numberingEnded) const
    {
        while (k >= m_published.load(std::memory_order_acquire)) {
            if (k >= m_ids.size()
                || (numberingEnded.load(std::memory_order_acquire) && k >= m_published.load(std::memory_order_acquire)))
                throw std::logic_error("a call the arrival plan did not number");
            std::this_thread::yield(); // number() is far ahead nearly always: it only merges times
        }
        return m_ids[k];
    }

private:
    std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> m_ids; // sized by drawTimes(), filled by number()
    std::atomic<std::size_t> m_published {0};
};

struct ArrivalPlan::Client {
    std::vector<std::int64_t, HugePageAllocator<std::int64_t>> times; // of the single arrivals, ns
    Ids arrivals;
    Ids bursts;
};

ArrivalPlan::ArrivalPlan(const Scenario& scenario, std::uint64_t seed)
    : m_scenario(&scenario)
    , m_seed(seed)
    , m_clients(scenario.clients.size())
{
}

ArrivalPlan::~ArrivalPlan() = default;

bool ArrivalPlan::produced() const noexcept
{
    return m_produced.load(std::memory_order_acquire);
}

std::size_t ArrivalPlan::arrivals(std::size_t client) const noexcept
{
    return m_clients[client].times.size();
}

std::size_t ArrivalPlan::bursts(std::size_t client) const noexcept
{
    return m_clients[client].bursts.size();
}

std::int64_t ArrivalPlan::arrivalTime(std::size_t client, std::size_t k) const noexcept
{
    const auto& times = m_clients[client].times;
    return k < times.size() ? times[k] : INT64_MAX;
}

std::uint64_t ArrivalPlan::arrivalId(std::size_t client, std::size_t k) const
{
    return m_clients[client].arrivals.at(k, m_numberingEnded);
}

std::uint64_t ArrivalPlan::burstId(std::size_t client, std::size_t k) const
{
    return m_clients[client].bursts.at(k, m_numberingEnded);
}

void ArrivalPlan::produce(int threads)
{
    drawTimes(threads);
    number();
}

void ArrivalPlan::drawTimes(int threads)
{
    const Scenario& scenario = *m_scenario;
    const RunStreams streams(scenario, m_seed);
    // Each client's times are drawn from its own stream, exactly as the run draws them: clients in parallel.
    forEachParallel(scenario.clients.size(), threads, [&](std::size_t i) {
        ClientState c(scenario, i, streams.clients[i]);
        Client& client = m_clients[i];
        const double span = double(c.end - c.start()) / 1e9;
        const double expected = std::max(c.rate * span, 0.0);
        client.times.reserve(std::size_t(expected + 6 * std::sqrt(expected)) + 1);
        for (std::int64_t t = c.firstArrival(); t != ClientState::kNoArrival; t = c.nextArrival(t))
            client.times.push_back(t);
        client.arrivals.resize(client.times.size());
        const std::int64_t interval = c.spec->arrival.burstInterval.count();
        client.bursts.resize(c.bursts() && c.start() < c.end ? std::size_t((c.end - c.start() + interval - 1) / interval) : 0);
    });
}

void ArrivalPlan::number()
{
    // Readers must not wait forever: they learn when numbering ended, however it ended.
    struct Ended {
        std::atomic<bool>& flag;
        ~Ended() { flag.store(true, std::memory_order_release); }
    } ended {m_numberingEnded};

    // A merge of every client's arrivals and bursts. Ties at one instant go as the run's queue breaks them, by
    // sequence number: the order in which each entry was scheduled, i.e. when its stream's previous entry ran
    // (its rank), or for first entries the order in which the run arms them (by client, arrival before burst).
    struct Stream {
        Ids* ids;
        const std::int64_t* times; // single arrivals; nullptr: bursts, every `interval` from the first
        std::int64_t interval;
        std::size_t next;
        std::uint64_t calls;         // per entry
        std::int64_t time = 0;       // of the next entry
        std::uint64_t scheduled = 0; // tie-breaker of the next entry
    };
    const Scenario& scenario = *m_scenario;
    std::vector<Stream> active;
    for (std::size_t i = 0; i < scenario.clients.size(); ++i) {
        Client& client = m_clients[i];
        const ClientSpec& spec = scenario.clients[i];
        if (client.arrivals.size() > 0)
            active.push_back({&client.arrivals, client.times.data(), 0, 0, 1, client.times.front()});
        if (client.bursts.size() > 0)
            active.push_back({&client.bursts, nullptr, spec.arrival.burstInterval.count(), 0,
                std::uint64_t(spec.arrival.burstSize) * std::uint64_t(spec.count), spec.arrival.start.count()});
    }
    const std::uint64_t firstRank = active.size();
    for (std::size_t k = 0; k < active.size(); ++k)
        active[k].scheduled = k;
    std::uint64_t id = 1;
    while (!active.empty()) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < active.size(); ++k)
            if (active[k].time < active[best].time
                || (active[k].time == active[best].time && active[k].scheduled < active[best].scheduled))
                best = k;
        Stream& s = active[best];
        s.ids->append(id);
        s.scheduled = firstRank + id;
        id += s.calls;
        if (++s.next == s.ids->size())
            active.erase(active.begin() + std::ptrdiff_t(best));
        else
            s.time = s.times ? s.times[s.next] : s.time + s.interval;
    }
    m_scenario = nullptr; // the plan is complete: it outlives the scenario it was drawn from
    m_produced.store(true, std::memory_order_release);
}

RunResult mergeGroups(const Scenario& scenario, const SimulationOptions& options,
    const std::vector<std::shared_ptr<const SimGroupResult>>& parts)
{
    RunResult result;
    result.seed = options.seed.value_or(scenario.seed);
    result.duration = scenario.duration;
    result.bucketWidth = Duration(std::max<std::int64_t>(options.bucketWidth.count(), 1));
    const std::int64_t bucketNs = result.bucketWidth.count();
    const std::int64_t end = parts.empty() ? 0 : parts.front()->finishedAt;
    result.simulatedUntil = Duration(end);
    std::size_t buckets = minResultBuckets(end, scenario.duration.count(), bucketNs);
    for (const auto& part : parts) {
        buckets = std::max(buckets, part->buckets);
        result.events += part->events;
        result.cancelled = result.cancelled || part->cancelled;
    }
    const std::size_t openBucket = std::size_t(std::max<std::int64_t>(end / bucketNs, 0));
    result.pipelines.resize(scenario.pipelines.size());
    result.services.resize(scenario.services.size());
    for (const auto& part : parts) {
        for (std::size_t k = 0; k < part->pipelines.size(); ++k) {
            PipelineSeries& series = result.pipelines[std::size_t(part->group.pipelines[k])];
            series = part->pipelines[k];
            extendPipelineSeries(series, buckets, std::max(series.buckets.size(), openBucket), part->breakerAtEnd[k]);
        }
        for (std::size_t k = 0; k < part->services.size(); ++k) {
            ServiceSeries& series = result.services[std::size_t(part->group.services[k])];
            series = part->services[k];
            finishServiceSeries(series, buckets);
        }
    }
    return result;
}

void forEachParallel(std::size_t count, int threads, const std::function<void(std::size_t)>& work)
{
    std::atomic<std::size_t> next {0};
    std::vector<std::exception_ptr> errors(count);
    const auto loop = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < count;) {
            try {
                work(i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> helpers;
    const std::size_t workers = std::min(count, std::size_t(std::max(threads, 1)));
    for (std::size_t k = 1; k < workers; ++k)
        helpers.emplace_back(loop);
    loop();
    for (auto& t : helpers)
        t.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
}

std::vector<SimGroup> Simulator::parallelGroups(const Scenario& scenario)
{
    const bool closedLoop = std::any_of(scenario.clients.begin(), scenario.clients.end(),
        [](const ClientSpec& c) { return c.arrival.kind == ArrivalProcess::Kind::Closed; });
    std::vector<SimGroup> groups;
    if (!closedLoop)
        groups = independentGroups(scenario);
    if (groups.size() <= 1)
        return {wholeScenario(scenario)};
    return groups;
}

int Simulator::threadCount(const SimulationOptions& options)
{
    return options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

bool Simulator::streamsEvents(const SimulationOptions& options)
{
    if (!options.sink)
        return false;
    const EventKindSet wanted = options.sink->interests();
    return wanted.contains(EventKind::Attempt) || wanted.contains(EventKind::RequestDone);
}

void validateRun(const Scenario& scenario, const SimulationOptions& options)
{
    FieldErrors errors = scenario.validate();
    if (options.bucketWidth <= Duration::zero())
        errors.push_back({QStringLiteral("bucket_width"), QStringLiteral("expected a duration > 0")});
    if (!errors.empty())
        throw InvalidConfig(std::move(errors));
}

RunResult Simulator::run(const Scenario& scenario, const SimulationOptions& options)
{
    validateRun(scenario, options);
    const int threads = threadCount(options);
    // A sink of per-call kinds streams from one queue (buffering millions of events cost 17x the memory
    // and, on one thread, 1.7x the time of `rwb simulate --out`); a sink of rare kinds makes the groups
    // always run apart, so the events come in the same order on any number of threads
    // (deliverGroupEvents). Without a sink the result is the same either way.
    const bool split = !streamsEvents(options) && (threads > 1 || options.sink);
    const std::vector<SimGroup> groups = split ? parallelGroups(scenario) : std::vector {wholeScenario(scenario)};
    const auto events = groups.size() > 1 ? GroupRunner::Events::PerGroup : GroupRunner::Events::Direct;
    GroupRunner runner(scenario, options, threads, events);
    runner.simulate(groups);
    const auto parts = runner.finish(runner.end());
    RunResult result = mergeGroups(scenario, options, parts);
    if (options.sink && events == GroupRunner::Events::PerGroup)
        deliverGroupEvents(parts, *options.sink);
    if (options.progress)
        options.progress(1000);
    return result;
}

} // namespace rwb
