#pragma once

#include "core/config/scenariojson.h"

#include <QString>

#include <vector>

namespace rwb {

/// A built-in demo scenario (resources/scenarios/*.json, compiled into the rwb_resources library).
struct DemoInfo {
    QString name;     ///< file name without ".json", e.g. "outage-recovery"
    QString title;    ///< the scenario's "name"
    QString lesson;   ///< the one-sentence lesson
    QString resource; ///< Qt resource path, e.g. ":/scenarios/outage-recovery.json"
};

/// Lists and loads the built-in demos. The resources live in the rwb_resources static library:
/// executables that want demos link it (its object files register the resources at start-up).
/// Thread-safe (reads only).
namespace demos {
inline constexpr const char* kResourceDir = ":/scenarios";
/// Every demo, sorted by name; empty when rwb_resources is not linked.
std::vector<DemoInfo> list();
/// Loads demo `name` ("outage-recovery" or "outage-recovery.json"); an unknown name gives one error
/// listing the available demos.
ScenarioLoad load(const QString& name);
} // namespace demos

} // namespace rwb
