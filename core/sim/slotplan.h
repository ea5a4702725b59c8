#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace rwb {

/// A part of a task run on one slot (a core): from where the task's previous part ended up to progress
/// `until` (0..1; 1: to the task's end).
struct SlotSegment {
    std::size_t task = 0;
    double until = 1;
    friend bool operator==(const SlotSegment&, const SlotSegment&) = default;
};

/// The tasks (estimated `costs`, in task order) laid out on `slots` slots so that all end as early as
/// possible with at most one pause per slot (McNaughton's wrap-around rule): the slots are filled one
/// after another up to T = max(largest cost, total / slots); a task that does not fit whole is split, its
/// first part opening the next slot and its rest closing this one, so its two parts never overlap in
/// time. 3 equal tasks on 2 slots: slot 0 runs task 0, then the second half of task 1; slot 1 runs the
/// first half of task 1, then task 2: all end at 1.5 tasks' time, one task paused once.
/// Returns each slot's segments in the order they run. Pure function.
std::vector<std::vector<SlotSegment>> wrapAround(const std::vector<double>& costs, int slots);

/// Runs tasks on their own threads following a wrapAround() layout: a task runs only while its current
/// segment is the one its slot is at. Each task's thread calls start() before it begins, reached() at the
/// points where it may stop (it returns when the task may go on: at once, or after waiting for its next
/// segment's turn when the task passed its segment's end), and finish() when it ends (which releases its
/// remaining segments in turn). Which thread runs when never changes what a task computes.
/// Thread-safe: each task calls these from its own thread.
class SlotTurns final {
public:
    explicit SlotTurns(std::vector<std::vector<SlotSegment>> layout);

    void start(std::size_t task);
    void reached(std::size_t task, double progress);
    void finish(std::size_t task);

private:
    struct Place {
        std::size_t slot;
        std::size_t index; // in the slot's segments
        double until;
    };
    void waitForTurn(std::unique_lock<std::mutex>& lock, const Place& place);
    void release(const Place& place);

    std::mutex m_lock;
    std::condition_variable m_turn;
    std::vector<std::vector<SlotSegment>> m_layout;
    std::vector<std::size_t> m_at;                   // per slot: the segment running or next
    std::vector<std::vector<Place>> m_places;        // per task: its segments in the order they run
    std::vector<std::size_t> m_current;              // per task: its segment now
};

} // namespace rwb
