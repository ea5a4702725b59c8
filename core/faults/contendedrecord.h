#pragma once

#include "core/common/time.h"

#include <cstdint>

namespace rwb {

/// One record updated with optimistic concurrency control: each request reads its version when a
/// worker takes it and writes it back when done; the write is refused (409 Conflict) if another write
/// committed after the read. This is the contention behind the classic backoff-and-jitter experiment:
/// N clients racing for one row, where retries that stay in lockstep keep colliding.
/// Not thread-safe; a plain value type.
class ContendedRecord final {
public:
    /// A write completing at `now` for a read taken at `readAt`: commits (true) unless a write committed
    /// after the read. A write committed at the very instant of the read was seen by it.
    bool write(TimePoint readAt, TimePoint now) noexcept
    {
        if (m_lastCommit > readAt)
            return false;
        m_lastCommit = now;
        return true;
    }
    TimePoint lastCommit() const noexcept { return m_lastCommit; }

private:
    TimePoint m_lastCommit {Duration(-1)};
};

} // namespace rwb
