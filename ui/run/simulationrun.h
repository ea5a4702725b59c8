#pragma once

#include "core/events/event.h"
#include "core/run/scenario.h"
#include "core/run/runresult.h"
#include "ui/run/jobcontrol.h"

#include <QMetaType>
#include <QString>

#include <chrono>
#include <memory>
#include <vector>

namespace rwb {

/// One problem found in the scenario before it could run: where (JSON pointer, line when known)
/// and what.
struct ScenarioProblem {
    QString pointer; ///< "/pipelines/0/retry/max_attempts"; empty when not tied to a value
    QString message; ///< "expected integer >= 1, got -3"
    int line = 0; ///< 1-based line in the file, 0 when unknown
};

/// What one background run hands to the GUI thread: an immutable value (the result and events are
/// shared, read-only) so it can be copied freely between threads.
struct SimulationRun {
    quint64 jobId = 0;
    quint64 revision = 0; ///< document revision the run reflects
    std::shared_ptr<const Scenario> scenario; ///< the loaded scenario; null when it did not load
    std::shared_ptr<const RunResult> result; ///< null when the scenario did not load
    std::shared_ptr<const std::vector<Event>> events; ///< chart-relevant events (transitions, retries, faults)
    std::vector<ScenarioProblem> problems; ///< non-empty when the scenario is invalid
    std::chrono::nanoseconds elapsed {}; ///< wall time of the run (load + simulate)
    /// Pipelines whose results were kept from the run before (nothing they depend on changed): the
    /// elapsed time did not simulate them.
    int reusedPipelines = 0;
    bool cancelled = false;

    bool ok() const noexcept { return result && problems.empty() && !cancelled; }
};

/// Shared between the GUI thread and one worker: the cancel flag the simulator polls and the
/// progress it reports (0..1000).
using RunControl = JobControl;

} // namespace rwb

Q_DECLARE_METATYPE(rwb::SimulationRun)
