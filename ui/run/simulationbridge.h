#pragma once

#include "ui/run/simulationrun.h"

#include <QJsonObject>

#include <memory>

namespace rwb {

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
    SimulationRun run(const QJsonObject& scenario, RunControl& control);
    /// How many groups of pipelines the last run reused.
    int lastReused() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace rwb
