#include "core/sim/slotplan.h"

#include <algorithm>

namespace rwb {

std::vector<std::vector<SlotSegment>> wrapAround(const std::vector<double>& costs, int slots)
{
    std::vector<std::vector<SlotSegment>> layout(std::size_t(std::max(slots, 1)));
    double total = 0;
    double largest = 0;
    for (const double c : costs) {
        total += std::max(c, 0.0);
        largest = std::max(largest, c);
    }
    const double end = std::max(largest, total / double(layout.size()));
    const double slack = end * 1e-9;
    std::size_t s = 0;
    double load = 0;
    for (std::size_t task = 0; task < costs.size(); ++task) {
        const double cost = std::max(costs[task], 0.0);
        const bool last = s + 1 == layout.size();
        if (last || load + cost <= end + slack) {
            layout[s].push_back({task, 1});
            load += cost;
        } else {
            // the part that fits closes slot s; the rest opens slot s + 1 and runs before it
            const double rest = cost - (end - load);
            layout[s].push_back({task, 1});
            layout[++s].push_back({task, rest / cost});
            load = rest;
        }
        if (load >= end - slack && s + 1 < layout.size() && !layout[s].empty()) {
            ++s;
            load = 0;
        }
    }
    return layout;
}

SlotTurns::SlotTurns(std::vector<std::vector<SlotSegment>> layout)
    : m_layout(std::move(layout))
    , m_at(m_layout.size(), 0)
{
    std::size_t tasks = 0;
    for (const auto& slot : m_layout)
        for (const SlotSegment& segment : slot)
            tasks = std::max(tasks, segment.task + 1);
    m_places.resize(tasks);
    m_current.assign(tasks, 0);
    for (std::size_t s = 0; s < m_layout.size(); ++s)
        for (std::size_t i = 0; i < m_layout[s].size(); ++i)
            m_places[m_layout[s][i].task].push_back({s, i, m_layout[s][i].until});
    // a split task's first part ends before 1
    for (auto& places : m_places)
        std::sort(places.begin(), places.end(), [](const Place& a, const Place& b) { return a.until < b.until; });
}

void SlotTurns::waitForTurn(std::unique_lock<std::mutex>& lock, const Place& place)
{
    m_turn.wait(lock, [&] { return m_at[place.slot] == place.index; });
}

void SlotTurns::release(const Place& place)
{
    ++m_at[place.slot];
    m_turn.notify_all();
}

void SlotTurns::start(std::size_t task)
{
    std::unique_lock lock(m_lock);
    waitForTurn(lock, m_places[task].front());
}

void SlotTurns::reached(std::size_t task, double progress)
{
    // m_places is fixed and m_current[task] changes on this task's thread only: no lock until a turn ends
    const std::vector<Place>& places = m_places[task];
    const std::size_t current = m_current[task];
    if (current + 1 >= places.size() || progress < places[current].until)
        return;
    std::unique_lock lock(m_lock);
    release(places[current]);
    m_current[task] = current + 1;
    waitForTurn(lock, places[current + 1]);
}

void SlotTurns::finish(std::size_t task)
{
    std::unique_lock lock(m_lock);
    const std::vector<Place>& places = m_places[task];
    release(places[m_current[task]]);
    for (std::size_t k = m_current[task] + 1; k < places.size(); ++k) {
        waitForTurn(lock, places[k]);
        release(places[k]);
    }
    m_current[task] = places.size() - 1;
}

} // namespace rwb
