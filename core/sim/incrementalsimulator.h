#pragma once

#include "core/sim/groupsimulation.h"
#include "core/sim/simulator.h"

#include <QByteArray>

#include <map>
#include <memory>
#include <vector>

namespace rwb {

/// Re-simulates a scenario after an edit, reusing what the edit cannot have changed: the scenario is cut
/// into independent groups (Simulator::parallelGroups), each group's result is kept under a key made of
/// everything that can influence it — its services and pipelines as the scenario file states them, every
/// client (call start times number the requests of all groups, and pipelines draw jitter from those
/// numbers), the seed, duration, drain limit and bucket width — and a group whose key is unchanged is
/// not simulated again. The result is identical to Simulator::run's for the same scenario and options.
///
/// The request-id plan (ArrivalPlan) of the last run that needed one is kept as well, under a key of what
/// it depends on (clients, seed, duration, numbers of services and pipelines): an edit to a service or a
/// pipeline re-simulates its group without drawing every client's arrivals again.
/// A kept group is reused only when the run ends when it ended before (one group draining longer makes
/// every group's series longer); otherwise it is simulated again.
///
/// Groups of earlier runs are kept too, least recently used first out, within a memory budget
/// (setKeptBytes(); the last run's groups are always kept): undoing an edit, or moving a slider back to a
/// value tried before, finds its groups kept and simulates nothing.
/// With a sink each group keeps its events too (the kinds the sink wants, part of the key) and the sink
/// gets the same stream as from Simulator::run, reused groups' events included; a sink of per-call kinds
/// (Simulator::streamsEvents) makes the run a plain Simulator::run that keeps nothing. A cancelled run keeps
/// the groups of the run before it.
/// Settings a scenario file cannot state (a fallback handler set in code) are not part of the key.
///
/// Not thread-safe: one instance per owner, one run at a time; the results it returns are independent
/// values. Fresh groups run on options.threads threads.
class IncrementalSimulator final {
public:
    /// As Simulator::run (same exceptions).
    RunResult run(const Scenario& scenario, const SimulationOptions& options = {});

    /// The groups of the last run, in Simulator::parallelGroups order; a reused group's part is the
    /// very object an earlier run made.
    const std::vector<std::shared_ptr<const SimGroupResult>>& lastParts() const noexcept { return m_lastParts; }
    /// How many groups of the last run were reused.
    int lastReused() const noexcept { return m_lastReused; }
    /// How many pipelines those groups hold: pipelines whose results the last run kept.
    int lastReusedPipelines() const noexcept { return m_lastReusedPipelines; }
    /// Whether the last run's result is the run before's: every group reused from that very run.
    bool lastRepeated() const noexcept { return m_lastRepeated; }
    /// The kept arrival plan: the last one a run needed (nullptr when none did yet).
    const std::shared_ptr<const ArrivalPlan>& keptPlan() const noexcept { return m_plan; }
    /// Forgets every kept result.
    void clear();

    /// The memory budget of the groups kept from runs before the last (an estimate of their series,
    /// events and keys, bytes); the default keeps 15-30 edits of a 1-hour scenario. 0 keeps the last run only.
    void setKeptBytes(std::size_t bytes);
    std::size_t keptBytes() const noexcept { return m_keptBytes; }
    /// How many group results are kept now (the last run's included).
    std::size_t keptGroups() const noexcept { return m_kept.size(); }
    /// What the groups kept from runs before the last take, as the budget counts it.
    std::size_t earlierBytes() const noexcept;
    /// The estimated size of a group's result (its series and events).
    static std::size_t estimatedBytes(const SimGroupResult& part) noexcept;

    static constexpr std::size_t kDefaultKeptBytes = std::size_t(128) << 20;

private:
    struct Kept {
        std::shared_ptr<const SimGroupResult> part;
        std::uint64_t lastUsed = 0; // the run that last used it (m_runs)
        std::size_t bytes = 0;
    };
    void keep(const std::vector<QByteArray>& keys, const std::vector<std::shared_ptr<const SimGroupResult>>& parts);
    void evict();

    std::map<QByteArray, Kept> m_kept;
    std::uint64_t m_runs = 0; // completed runs, to order the kept groups by use
    std::size_t m_keptBytes = kDefaultKeptBytes;
    bool m_lastRepeated = false;
    std::shared_ptr<const ArrivalPlan> m_plan;
    QByteArray m_planKey;
    std::vector<std::shared_ptr<const SimGroupResult>> m_lastParts;
    int m_lastReused = 0;
    int m_lastReusedPipelines = 0;
};

} // namespace rwb
