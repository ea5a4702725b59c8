#pragma once

#include <chrono>
#include <cstdint>

namespace rwb {

/// Engine time. Every policy decides on a TimePoint handed to it; none reads a clock itself.
/// A TimePoint counts nanoseconds since the origin of the Clock that produced it (the start of a
/// simulation, or the construction of a SystemClock).
struct EngineTime {
    using rep = std::int64_t;
    using period = std::nano;
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<EngineTime, duration>;
    static constexpr bool is_steady = true;
};

using Duration = std::chrono::nanoseconds;
using TimePoint = EngineTime::time_point;

using namespace std::chrono_literals;

/// Milliseconds as a double, for display, JSON and charts.
constexpr double toMs(Duration d) noexcept { return std::chrono::duration<double, std::milli>(d).count(); }
constexpr double toSeconds(Duration d) noexcept { return std::chrono::duration<double>(d).count(); }
constexpr double toSeconds(TimePoint t) noexcept { return toSeconds(t.time_since_epoch()); }

/// Converts floating seconds/milliseconds (as found in JSON configs) to a Duration, rounding to ns.
constexpr Duration fromSeconds(double s) noexcept
{
    return std::chrono::round<Duration>(std::chrono::duration<double>(s));
}
constexpr Duration fromMs(double ms) noexcept
{
    return std::chrono::round<Duration>(std::chrono::duration<double, std::milli>(ms));
}

/// t + d clamped to [TimePoint::min(), TimePoint::max()] instead of overflowing (a deadline a century
/// away, or a long open duration near the end of the clock's range).
constexpr TimePoint saturatingAdd(TimePoint t, Duration d) noexcept
{
    if (d > Duration::zero() && t > TimePoint::max() - d)
        return TimePoint::max();
    if (d < Duration::zero() && t < TimePoint::min() - d)
        return TimePoint::min();
    return t + d;
}

} // namespace rwb
