#pragma once

#include "core/clock/clock.h"

#include <chrono>

namespace rwb {

/// Real time: a monotonic clock (std::chrono::steady_clock) whose zero is the moment of
/// construction. This class is thread-safe (it is immutable after construction).
class SystemClock final : public Clock {
public:
    SystemClock();
    TimePoint now() const override;
    qint64 originUtcMs() const override { return m_originUtcMs; }

private:
    std::chrono::steady_clock::time_point m_origin;
    qint64 m_originUtcMs;
};

} // namespace rwb
