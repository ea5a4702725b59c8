#pragma once

#include "core/common/time.h"

#include <QtGlobal>

namespace rwb {

/// The one source of time for policies and executors. Policies never call a clock themselves; the
/// executor asks its Clock for now() and hands the TimePoint to the policy.
class Clock {
public:
    virtual ~Clock();
    virtual TimePoint now() const = 0;
    /// Wall-clock time of TimePoint zero in milliseconds since the Unix epoch (UTC), so events
    /// can be stamped with calendar dates in logs.
    virtual qint64 originUtcMs() const = 0;

    /// Milliseconds since the Unix epoch (UTC) of a TimePoint on this clock.
    qint64 toUtcMs(TimePoint t) const;
};

} // namespace rwb
