#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace rwb {

/// Bulkhead configuration. Field comments give the JSON name, default and rule.
struct BulkheadConfig {
    int maxConcurrent = 10;         ///< max_concurrent: slots, >= 1
    int maxQueue = 0;               ///< max_queue: calls that may wait for a slot, >= 0 (0 = reject at once)
    Duration maxQueueWait = 0s;     ///< max_queue_wait: longest wait in the queue, >= 0

    static FieldErrors validate(const BulkheadConfig& config);
};

/// Identifies a queued call. Never 0 (0 means "no ticket").
using BulkheadTicket = std::uint64_t;

/// Result of Bulkhead::tryAcquire().
struct BulkheadDecision {
    enum class Kind : std::uint8_t { Acquired, Queued, Rejected };
    Kind kind = Kind::Rejected;
    BulkheadTicket ticket = 0; ///< Queued: wait for release() to hand this ticket a slot
    TimePoint queueDeadline {};///< Queued: give up (cancel()) at this time
};

struct BulkheadStats {
    int maxConcurrent = 0;
    int maxQueue = 0;
    int active = 0;              ///< slots in use
    int queued = 0;              ///< tickets waiting
    int availableCapacity = 0;   ///< free slots (max_concurrent - active)
    std::uint64_t acquired = 0;  ///< cumulative slots granted (directly or by hand-off)
    std::uint64_t rejected = 0;  ///< cumulative rejections (full queue or queue wait expired)
};

/// Max-concurrency limiter with a bounded FIFO queue. A decision object: it never blocks; a queued
/// caller is told which ticket to wait for, and whoever releases a slot learns which ticket it was
/// handed to (the executor then resumes that call). Slots pass directly to the oldest waiter, so a
/// newcomer can never overtake the queue.
///
/// Protocol: tryAcquire() -> Acquired (caller owns a slot; must release() it exactly once)
///                         | Queued{ticket, deadline} (caller waits) | Rejected.
/// release() -> nullopt (slot freed) | ticket (slot now owned by that queued caller, resume it).
/// cancel(ticket) at the queue deadline -> true (removed, counted as rejected) | false (the slot was
/// already handed to it: the caller owns a slot after all).
///
/// This class is thread-safe (a mutex guards the state). Not copyable.
class Bulkhead final {
public:
    /// Throws InvalidConfig listing every broken rule.
    explicit Bulkhead(BulkheadConfig config = {});
    Bulkhead(const Bulkhead&) = delete;
    Bulkhead& operator=(const Bulkhead&) = delete;
    const BulkheadConfig& config() const noexcept { return m_config; }

    BulkheadDecision tryAcquire(TimePoint now);
    std::optional<BulkheadTicket> release(TimePoint now);
    bool cancel(BulkheadTicket ticket, TimePoint now);
    BulkheadStats stats() const;

private:
    struct Waiter {
        BulkheadTicket ticket;
        TimePoint deadline;
    };
    const BulkheadConfig m_config;
    mutable std::mutex m_mutex;
    int m_active = 0;
    std::deque<Waiter> m_queue;
    BulkheadTicket m_nextTicket = 1;
    std::uint64_t m_acquired = 0;
    std::uint64_t m_rejected = 0;
};

} // namespace rwb
