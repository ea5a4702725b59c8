#pragma once

#include <QByteArray>
#include <QString>

#include <vector>

namespace rwb {

/// A built-in demo scenario as the Demos menu shows it.
struct DemoInfo {
    QString name;   ///< identifier, e.g. "outage-and-recovery" (what `--demo NAME` takes)
    QString title;  ///< human title
    QString lesson; ///< the one sentence it teaches
    QByteArray json;///< the scenario document
};

/// The engine's built-in demo scenarios, in menu order. Thread-safe.
std::vector<DemoInfo> builtInDemos();
/// The demo opened by default (`--demo` without a name, first start).
QString defaultDemoName();

} // namespace rwb
