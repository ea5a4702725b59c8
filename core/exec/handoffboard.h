#pragma once

#include "core/common/time.h"
#include "core/policy/bulkhead.h"

#include <condition_variable>
#include <mutex>
#include <unordered_set>

namespace rwb {

/// Where a blocking executor passes bulkhead slots between threads. The thread whose step released a
/// slot to a queued call posts that call's ticket; the thread running the queued call waits for it.
/// A ticket may be posted before anyone waits for it: it stays on the board until one wait() takes it.
///
/// This class is thread-safe. Timeouts are measured on the wall clock (std::condition_variable).
class HandoffBoard final {
public:
    HandoffBoard() = default;
    HandoffBoard(const HandoffBoard&) = delete;
    HandoffBoard& operator=(const HandoffBoard&) = delete;

    /// Marks `ticket` as handed a slot and wakes the threads waiting on the board.
    void post(BulkheadTicket ticket);
    /// Blocks until `ticket` was posted (takes it off the board, returns true) or the real-time `timeout`
    /// passed (returns false). A zero or negative timeout only checks.
    bool wait(BulkheadTicket ticket, Duration timeout);

private:
    std::mutex m_mutex;
    std::condition_variable m_posted;
    std::unordered_set<BulkheadTicket> m_tickets;
};

} // namespace rwb
