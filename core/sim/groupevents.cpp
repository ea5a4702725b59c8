#include "core/sim/groupevents.h"

#include "core/sim/groupsimulation.h"

#include <queue>

namespace rwb {

void deliverGroupEvents(const std::vector<std::shared_ptr<const SimGroupResult>>& parts, EventSink& sink)
{
    // A k-way merge on (time, part): the heap's top is the earliest head, the first part on a tie.
    struct Head {
        TimePoint time;
        std::size_t part;
        bool operator>(const Head& other) const noexcept
        {
            return time != other.time ? time > other.time : part > other.part;
        }
    };
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    std::vector<std::size_t> next(parts.size(), 0);
    for (std::size_t p = 0; p < parts.size(); ++p)
        if (!parts[p]->eventLog.empty())
            heads.push({ parts[p]->eventLog.front().time, p });
    while (!heads.empty()) {
        const std::size_t p = heads.top().part;
        heads.pop();
        const std::vector<Event>& log = parts[p]->eventLog;
        // the rest of this part's events up to the next part's head go without touching the heap
        const TimePoint until = heads.empty() ? TimePoint::max() : heads.top().time;
        const std::size_t other = heads.empty() ? parts.size() : heads.top().part;
        std::size_t& k = next[p];
        do
            sink.onEvent(log[k++]);
        while (k < log.size() && (log[k].time < until || (log[k].time == until && p < other)));
        if (k < log.size())
            heads.push({ log[k].time, p });
    }
}

} // namespace rwb
