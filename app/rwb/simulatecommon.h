#pragma once

#include "core/sim/scenario.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace rwb::cli {

/// Options shared by `rwb simulate` and `rwb demo NAME`.
struct SimulateArgs {
    QStringList positional;
    std::optional<std::uint64_t> seed;
    QString out;
    bool json = false;
    bool help = false;
};

bool parseSimulateArgs(const QStringList& args, SimulateArgs& out, QString& error, bool needsFile);
/// Runs the scenario, writes events to args.out when set, prints the summary. Returns an exit code.
int simulateAndReport(const Scenario& scenario, const SimulateArgs& args, const QString& command);

} // namespace rwb::cli
