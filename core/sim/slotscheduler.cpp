#include "core/sim/slotscheduler.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace rwb {

SlotScheduler::SlotScheduler(std::size_t members, int slots, double margin)
    : m_members(members)
    , m_slots(slots)
    , m_free(slots)
    , m_margin(margin)
{
    if (slots < 1)
        throw std::invalid_argument("SlotScheduler: at least one slot");
    grantFreeSlots();
}

double SlotScheduler::workLeft(const Member& m) const noexcept
{
    // The pace since the first report: what came before it (a member's setting up) says little of the rest.
    if (!(m.progress > m.firstProgress))
        return std::numeric_limits<double>::infinity();
    return (m.work - m.firstWork) * (1 - m.progress) / (m.progress - m.firstProgress);
}

std::size_t SlotScheduler::mostWorkWaiting() const noexcept
{
    std::size_t best = m_members.size();
    for (std::size_t i = 0; i < m_members.size(); ++i)
        if (m_members[i].state == State::Waiting
            && (best == m_members.size() || workLeft(m_members[i]) > workLeft(m_members[best])))
            best = i;
    return best;
}

void SlotScheduler::grantFreeSlots()
{
    bool granted = false;
    for (std::size_t next; m_free > 0 && (next = mostWorkWaiting()) != m_members.size();) {
        m_members[next].state = State::Running;
        --m_free;
        granted = true;
    }
    if (granted)
        m_turn.notify_all();
}

void SlotScheduler::waitForSlot(std::unique_lock<std::mutex>& lock, std::size_t member)
{
    m_turn.wait(lock, [&] { return m_members[member].state == State::Running; });
}

void SlotScheduler::enter(std::size_t member)
{
    std::unique_lock lock(m_lock);
    waitForSlot(lock, member);
}

void SlotScheduler::pause(std::size_t member, double progress, double work)
{
    std::unique_lock lock(m_lock);
    Member& me = m_members[member];
    if (!me.reported) {
        me.reported = true;
        me.firstProgress = progress;
        me.firstWork = work;
    }
    me.progress = progress;
    me.work = work;
    // Hand over only to a waiting member that cannot wait any longer without the whole set finishing later:
    // one with as much work left as the best possible finish from now (the larger of the most work any
    // member has left and all work left shared over the slots). Few hand-overs, each of which costs the
    // member that moves its caches.
    const std::size_t next = mostWorkWaiting();
    if (next == m_members.size() || !(workLeft(m_members[next]) > workLeft(me)))
        return;
    double total = 0;
    double most = 0;
    for (const Member& m : m_members)
        if (m.state != State::Done) {
            total += workLeft(m);
            most = std::max(most, workLeft(m));
        }
    const double bestFinish = std::max(most, total / double(m_slots));
    if (workLeft(m_members[next]) + m_margin < bestFinish)
        return;
    me.state = State::Waiting;
    m_members[next].state = State::Running;
    ++m_handOvers;
    m_turn.notify_all();
    waitForSlot(lock, member);
}

void SlotScheduler::leave(std::size_t member)
{
    const std::lock_guard lock(m_lock);
    m_members[member].state = State::Done;
    ++m_free;
    grantFreeSlots();
}

int SlotScheduler::handOvers() const
{
    const std::lock_guard lock(m_lock);
    return m_handOvers;
}

} // namespace rwb
