#pragma once

#include "core/config/scenariojson.h"

#include <stdexcept>

namespace rwb::testing {

/// A scenario from JSON text the test itself wrote: a load error is the test's bug, so it throws.
inline Scenario loadScenario(const QByteArray& json)
{
    const ScenarioLoad l = scenariojson::load(json);
    if (!l.ok())
        throw std::runtime_error(l.errors.empty() ? "bad scenario" : qPrintable(l.errors.front().message));
    return *l.scenario;
}

} // namespace rwb::testing
