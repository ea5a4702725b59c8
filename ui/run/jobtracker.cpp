#include "ui/run/jobtracker.h"

#include <algorithm>

namespace rwb {

JobTracker::JobTracker(QObject* context, Results results, QThreadPool* pool)
    : m_context(context)
    , m_pool(pool ? pool : QThreadPool::globalInstance())
    , m_state(std::make_shared<State>())
{
    m_state->results = results;
}

JobTracker::~JobTracker()
{
    cancel();
    for (Job& job : m_state->inFlight)
        job.work.waitForFinished();
}

std::shared_ptr<JobControl> JobTracker::add(quint64 id)
{
    auto control = std::make_shared<JobControl>();
    if (m_state->results == Results::LatestOnly) {
        for (const Job& older : m_state->inFlight)
            older.control->cancel.store(true);
    }
    m_state->inFlight.push_back(Job { id, control, {} });
    return control;
}

void JobTracker::cancel()
{
    for (const Job& job : m_state->inFlight)
        job.control->cancel.store(true);
}

bool JobTracker::isRunning() const
{
    const State& state = *m_state;
    return std::any_of(
        state.inFlight.begin(), state.inFlight.end(), [&state](const Job& job) { return state.wanted(job); });
}

int JobTracker::progress() const
{
    const std::vector<Job>& jobs = m_state->inFlight;
    if (jobs.empty() || jobs.back().id != m_state->latest)
        return 0;
    return jobs.back().control->progress.load(std::memory_order_relaxed);
}

bool JobTracker::State::wanted(const Job& job) const
{
    if (job.control->cancel.load())
        return false;
    return results == Results::Every || job.id == latest;
}

bool JobTracker::State::finish(quint64 id)
{
    const auto it = std::find_if(inFlight.begin(), inFlight.end(), [id](const Job& job) { return job.id == id; });
    if (it == inFlight.end())
        return false;
    const bool apply = wanted(*it);
    inFlight.erase(it);
    return apply;
}

} // namespace rwb
