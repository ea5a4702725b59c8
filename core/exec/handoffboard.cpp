#include "core/exec/handoffboard.h"

#include <algorithm>

namespace rwb {

void HandoffBoard::post(BulkheadTicket ticket)
{
    {
        std::lock_guard lock(m_mutex);
        m_tickets.insert(ticket);
    }
    m_posted.notify_all();
}

bool HandoffBoard::wait(BulkheadTicket ticket, Duration timeout)
{
    std::unique_lock lock(m_mutex);
    const bool found
        = m_posted.wait_for(lock, std::max(timeout, Duration::zero()), [&] { return m_tickets.count(ticket) != 0; });
    if (found)
        m_tickets.erase(ticket);
    return found;
}

} // namespace rwb
