#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace rwb {

/// Shares `slots` cores among more threads ("members") than that, so that they all finish as early as
/// possible. GroupRunner runs each group of a split run on a thread of its own under one: 3 groups on 2 cores
/// then finish in about 1.5 groups' time, where taking them one after another takes 2.
///
/// Every member waits for a slot from the start; the first `slots` members (the lowest indices) hold one at
/// once. A member runs only while it holds a slot: enter() waits for one, leave() gives it back. At the points
/// where it may stop, a member calls pause() with its progress (0..1) and the work done so far (any unit, the
/// same for every member: GroupRunner passes its thread's CPU time); the slot goes on to a waiting member whose
/// work left is larger by more than `margin` (longest remaining work first, which keeps every slot busy to the
/// end), and the member waits there for a slot again. Work left is extrapolated from the pace since the
/// member's first pause(); a member without two reports yet counts as having the most left, so every member
/// starts early and its pace is known. A free slot goes to the waiting member with the most work left, the
/// lowest index on a tie.
/// Which member runs when never changes what it computes: only when it runs.
///
/// Thread-safe: each member calls enter(), pause() and leave() from its own thread.
class SlotScheduler final {
public:
    /// `margin`: how much more work a waiting member must have left before a running one hands it its slot
    /// (fewer hand-overs, each of which moves a member's working set to another core).
    SlotScheduler(std::size_t members, int slots, double margin);

    /// Waits until `member` holds a slot.
    void enter(std::size_t member);
    /// `member` (holding a slot) has done `work` and reached `progress`; it may wait here for its next turn.
    void pause(std::size_t member, double progress, double work);
    /// `member` is done: its slot goes to a waiting member.
    void leave(std::size_t member);

    /// How many times a slot passed from a pausing member to a waiting one.
    int handOvers() const;

private:
    enum class State { Waiting, Running, Done };
    struct Member {
        State state = State::Waiting;
        bool reported = false;
        double firstProgress = 0; // at the first pause()
        double firstWork = 0;
        double progress = 0; // at the last pause()
        double work = 0;
    };
    double workLeft(const Member& m) const noexcept;
    std::size_t mostWorkWaiting() const noexcept; // m_members.size() when nobody waits
    void grantFreeSlots();
    void waitForSlot(std::unique_lock<std::mutex>& lock, std::size_t member);

    mutable std::mutex m_lock;
    std::condition_variable m_turn;
    std::vector<Member> m_members;
    int m_slots;
    int m_free;
    double m_margin;
    int m_handOvers = 0;
};

} // namespace rwb
