#pragma once

#include "ui/run/simulationrun.h"

#include <QJsonObject>

#include <chrono>
#include <functional>
#include <memory>

namespace rwb {

/// Receives the partial runs of a simulation in progress, on a simulating thread: the scenario and a
/// result whose per-second series end where the simulation has got (pipelines not reached yet have
/// none; no events, no summaries), over the scenario's whole duration. The final result replaces it.
using PartialRunFunction = std::function<void(SimulationRun partial)>;

/// Loads `scenario` with the engine's config loader and runs it in the Simulator, keeping the
/// events the charts draw. Runs on a worker thread; thread-safe (touches only its arguments).
/// Invalid scenarios come back with `problems` and no result.
SimulationRun simulateScenario(const QJsonObject& scenario, RunControl& control);

/// The same as simulateScenario(), re-simulating only what an edit can have changed: every run goes
/// through one IncrementalSimulator on `threads` threads (0: one per core), so groups of pipelines the
/// edit did not touch keep their results and events (core/sim/incrementalsimulator.h). The result is
/// identical to simulateScenario()'s. This class is thread-safe: runs are serialised, so a run waits for
/// the one before it (cancelled by then, it stops within a few thousand events).
class IncrementalScenarioSimulator final {
public:
    explicit IncrementalScenarioSimulator(int threads = 0);
    ~IncrementalScenarioSimulator();
    /// `partial`, when set, gets what is recorded so far at most once per partial interval, the first
    /// after 2.5 intervals (a run that ends within a quarter second hands over none: drawing a partial
    /// result would only delay the final one); the final result is unchanged by it.
    SimulationRun run(const QJsonObject& scenario, RunControl& control, const PartialRunFunction& partial = {});
    /// How many groups of pipelines the last run reused.
    int lastReused() const;
    /// Wall time between partial results (default 100 ms; 0: at every progress step, for tests).
    void setPartialInterval(std::chrono::milliseconds interval);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace rwb
