#pragma once

#include "ui/run/simulationrun.h"

#include <QJsonObject>

namespace rwb {

/// Loads `scenario` with the engine's config loader and runs it in the Simulator, keeping the
/// events the charts draw. Runs on a worker thread; thread-safe (touches only its arguments).
/// Invalid scenarios come back with `problems` and no result.
SimulationRun simulateScenario(const QJsonObject& scenario, RunControl& control);

} // namespace rwb
