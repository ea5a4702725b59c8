#include "core/clock/clock.h"

#include <chrono>

namespace rwb {

Clock::~Clock() = default;

qint64 Clock::toUtcMs(TimePoint t) const
{
    return originUtcMs() + std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

} // namespace rwb
