#include "core/clock/systemclock.h"

namespace rwb {

SystemClock::SystemClock()
    : m_origin(std::chrono::steady_clock::now())
    , m_originUtcMs(std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count())
{
}

TimePoint SystemClock::now() const
{
    return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - m_origin));
}

} // namespace rwb
