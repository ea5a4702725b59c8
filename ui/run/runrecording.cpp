#include "ui/run/runrecording.h"

#include "core/clock/virtualclock.h"
#include "core/common/configerror.h"
#include "core/config/scenariojson.h"
#include "core/log/jsonlwriter.h"
#include "core/sim/simulator.h"
#include "ui/run/livecontroller.h"

#include <QCoreApplication>
#include <QDir>

namespace rwb {

RecordedRun recordSimulation(const QJsonObject& scenario, const QString& directory, const std::atomic<bool>* cancel,
    const std::function<void(int)>& progress)
{
    RecordedRun out;
    const ScenarioLoad load = scenariojson::fromJson(scenario);
    if (!load.ok()) {
        out.error = load.errors.empty() ? QCoreApplication::translate("rwb::recordSimulation", "the scenario does not load")
                                        : load.errors.front().toString();
        return out;
    }
    if (!QDir().mkpath(directory)) {
        out.error = QCoreApplication::translate("rwb::recordSimulation", "cannot create %1").arg(directory);
        return out;
    }
    // The writer reads times from a clock with the simulator's origin; the clock itself never runs.
    const VirtualClock clock;
    JsonlWriter::Options options;
    options.directory = directory;
    options.name = recordingName(load.scenario->name, directory, clock.originUtcMs());
    options.flush = JsonlWriter::FlushPolicy::Batched;
    options.batchBytes = 1 << 20;
    JsonlWriter writer(clock, options);
    writer.runStarted(load.scenario->name, load.scenario->seed);
    SimulationOptions sim;
    sim.sink = &writer;
    sim.cancel = cancel;
    sim.progress = progress;
    try {
        const RunResult result = Simulator::run(*load.scenario, sim);
        out.cancelled = result.cancelled;
    } catch (const std::exception& e) {
        out.error = QString::fromLocal8Bit(e.what());
        return out;
    }
    writer.flush();
    out.path = writer.currentPath();
    out.lines = writer.linesWritten();
    out.error = writer.lastError();
    return out;
}

} // namespace rwb
