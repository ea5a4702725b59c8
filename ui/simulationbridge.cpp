#include "ui/simulationbridge.h"

#include <QCoreApplication>

namespace rwb {

SimulationRun simulateScenario(const QJsonObject& scenario, RunControl& control)
{
    Q_UNUSED(scenario);
    Q_UNUSED(control);
    SimulationRun run;
    run.problems.push_back({QString(), QCoreApplication::translate("rwb", "The simulator is not available in this build."), 0});
    return run;
}

} // namespace rwb
