#pragma once

#include "core/events/event.h"
#include "core/sim/simgroups.h"
#include "core/sim/simulator.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace rwb {

/// The arrival times and request ids of a run's open-loop clients' calls. Request ids number the calls of the
/// whole run in start order, and pipelines draw jitter from them, so a group simulated alone must give its
/// calls the ids the sequential run would. Only open-loop arrivals (constant, Poisson, bursts) can be planned
/// ahead: the simulator keeps a scenario with closed-loop clients in one group.
///
/// Made in two steps: drawTimes() draws each client's arrival times from the client's own random stream, as
/// the run would, clients in parallel; number() merges them in start order and numbers the calls, publishing
/// each id as it goes, so groups on other threads may read ids meanwhile (a reader of an id not yet published
/// waits for it). A group reads its clients' times from the plan instead of drawing them again.
/// Thread safety: drawTimes() must return before any reader starts (readers start on threads made after it,
/// or are otherwise synchronised with it); number() and readers may run concurrently. The scenario must
/// outlive number(). A produced plan depends on nothing else: it serves any run with the same seed, duration,
/// clients and numbers of services and pipelines (IncrementalSimulator keeps it between runs). It holds 16
/// bytes per open-loop call.
class ArrivalPlan final {
public:
    ArrivalPlan(const Scenario& scenario, std::uint64_t seed);
    ~ArrivalPlan();
    ArrivalPlan(const ArrivalPlan&) = delete;
    ArrivalPlan& operator=(const ArrivalPlan&) = delete;

    /// drawTimes(threads), then number(), on the calling thread.
    void produce(int threads = 1);
    /// Draws every open-loop client's arrival times, clients on up to `threads` threads (the calling thread
    /// one of them). First, once.
    void drawTimes(int threads);
    /// Numbers every call (once, on one thread, after drawTimes()). Readers waiting for an id it never
    /// publishes (it threw) get std::logic_error.
    void number();
    /// Whether number() numbered every call (it returned without throwing).
    bool produced() const noexcept;
    /// How many single arrivals and bursts client `client` has (known once drawTimes() returned).
    std::size_t arrivals(std::size_t client) const noexcept;
    std::size_t bursts(std::size_t client) const noexcept;
    /// The time (ns) of client `client`'s single arrival number `k` (from 0); INT64_MAX when it has no such arrival.
    std::int64_t arrivalTime(std::size_t client, std::size_t k) const noexcept;
    /// The request id of client `client`'s single arrival number `k`.
    std::uint64_t arrivalId(std::size_t client, std::size_t k) const;
    /// The first request id of client `client`'s burst number `k`; the burst's calls follow it.
    std::uint64_t burstId(std::size_t client, std::size_t k) const;

private:
    class Ids;
    struct Client;
    const Scenario* m_scenario; // until number() returns
    std::uint64_t m_seed;
    std::atomic<bool> m_numberingEnded { false };
    std::atomic<bool> m_produced { false };
    std::vector<Client> m_clients;
};

/// One group's part of a finished run: its pipelines' and services' series, complete up to
/// `finishedAt` (the end of the whole run), shorter than the run's other series at most by padding
/// that mergeGroups() adds. Immutable once made, so runs may share it (IncrementalSimulator).
struct SimGroupResult {
    SimGroup group;
    std::vector<PipelineSeries> pipelines; ///< in the order of group.pipelines
    std::vector<std::optional<BreakerState>> breakerAtEnd; ///< per pipeline: its circuit at `finishedAt`
    std::vector<ServiceSeries> services; ///< in the order of group.services
    std::int64_t ownEnd = 0; ///< ns: when the group alone would have stopped
    std::int64_t finishedAt = 0; ///< ns: the run end its series were completed for
    std::size_t buckets = 0; ///< buckets the group's series need (before padding)
    std::uint64_t events = 0;
    /// With GroupRunner::Events::PerGroup and a sink: the group's events of the kinds the sink wants, in
    /// the order the group made them (deliverGroupEvents() merges them).
    std::vector<Event> eventLog;
    bool cancelled = false;
};

/// Simulates groups of one scenario, each on its own (on up to `threads` threads, the calling thread one of
/// them): simulate() runs the groups' events to their ends, finish() completes every group simulated for
/// the end of the whole run (the latest end of all its groups), as the sequential run would have.
/// Progress (options.progress) is the least advanced group's, reported from any of the threads, one
/// call at a time.
/// Events (options.sink): `Direct` hands them to the sink as they happen, on the simulating thread (right
/// for a single group only); `PerGroup` keeps each group's in its SimGroupResult::eventLog for
/// deliverGroupEvents().
/// Not thread-safe itself. The scenario and options must outlive it.
class GroupRunner final {
public:
    enum class Events { Direct, PerGroup };
    /// `plan`: a produced ArrivalPlan of an earlier run that numbers this scenario's calls alike (see
    /// ArrivalPlan), used instead of drawing the arrivals again; nullptr: planned when a group needs it.
    GroupRunner(const Scenario& scenario, const SimulationOptions& options, int threads, Events events = Events::Direct,
        std::shared_ptr<const ArrivalPlan> plan = nullptr);
    ~GroupRunner();
    GroupRunner(const GroupRunner&) = delete;
    GroupRunner& operator=(const GroupRunner&) = delete;

    /// Simulates `groups` (independentGroups() of the scenario, or the whole scenario as one group).
    /// May be called again with more groups before finish(). Rethrows a group's exception.
    void simulate(const std::vector<SimGroup>& groups);
    /// The latest end (ns) of the groups simulated so far.
    std::int64_t end() const noexcept { return m_end; }
    /// The arrival plan the groups simulated so far used (nullptr when none needed one); produced once
    /// simulate() returned.
    const std::shared_ptr<const ArrivalPlan>& plan() const noexcept { return m_plan; }
    /// Every group simulated, in the order simulated, completed for `runEnd` (>= end()). Once.
    std::vector<std::shared_ptr<const SimGroupResult>> finish(std::int64_t runEnd);

private:
    struct Group;
    const Scenario& m_scenario;
    const SimulationOptions& m_options;
    int m_threads;
    Events m_events;
    std::uint64_t m_seed;
    std::shared_ptr<const ArrivalPlan> m_plan;
    std::vector<std::unique_ptr<Group>> m_groups;
    std::int64_t m_end = 0;
};

/// The run's result from its groups' parts (all finished for the same run end), pipelines and services
/// in scenario order.
RunResult mergeGroups(const Scenario& scenario, const SimulationOptions& options,
    const std::vector<std::shared_ptr<const SimGroupResult>>& parts);

/// Hands the events of a run's groups (SimGroupResult::eventLog) to `sink` as one stream, on the calling
/// thread: in time order, events at one instant in the order of `parts` (and each group's own in the order
/// it made them). The order depends on the groups only, never on the threads they ran on.
void deliverGroupEvents(const std::vector<std::shared_ptr<const SimGroupResult>>& parts, EventSink& sink);

/// Throws InvalidConfig when the scenario or the options do not validate (as Simulator::run does).
void validateRun(const Scenario& scenario, const SimulationOptions& options);

/// Calls work(i) for i in [0, count) on up to `threads` threads (the calling thread is one of them).
/// Rethrows the exception of the lowest failing i after all have ended.
void forEachParallel(std::size_t count, int threads, const std::function<void(std::size_t)>& work);

} // namespace rwb
