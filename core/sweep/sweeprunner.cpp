#include "core/sweep/sweeprunner.h"

namespace rwb {

SweepRunner::SweepRunner(
    const SweepPlan& plan, std::vector<SweepTask> tasks, int threads, std::vector<figures::FigureRef> figures)
    : m_plan(plan)
    , m_tasks(std::move(tasks))
    , m_figures(std::move(figures))
    , m_threadCount(threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())))
{
}

SweepRunner::~SweepRunner()
{
    cancel();
    wait();
}

void SweepRunner::start()
{
    const int n = std::min(m_threadCount, std::max(1, total()));
    m_running = n;
    for (int i = 0; i < n; ++i)
        m_threads.emplace_back([this] { work(); });
}

void SweepRunner::cancel()
{
    m_cancel = true;
}

void SweepRunner::wait()
{
    for (std::thread& t : m_threads)
        t.join();
    m_threads.clear();
}

void SweepRunner::work()
{
    for (;;) {
        const int position = m_next.fetch_add(1);
        if (position >= total() || m_cancel.load())
            break;
        auto record = m_plan.run(m_tasks[std::size_t(position)], m_figures, &m_cancel);
        if (!record)
            break; // interrupted
        {
            std::lock_guard lock(m_mutex);
            m_done.emplace(position, std::move(*record));
        }
        ++m_finished;
    }
    --m_running;
}

std::vector<SweepRecord> SweepRunner::takeReady()
{
    std::vector<SweepRecord> out;
    std::lock_guard lock(m_mutex);
    for (auto it = m_done.begin(); it != m_done.end() && it->first == m_nextOut; it = m_done.erase(it)) {
        out.push_back(std::move(it->second));
        ++m_nextOut;
    }
    return out;
}

std::vector<SweepRecord> SweepRunner::takeFinished()
{
    std::vector<SweepRecord> out;
    std::lock_guard lock(m_mutex);
    for (auto& [position, record] : m_done) {
        out.push_back(std::move(record));
        m_nextOut = position + 1;
    }
    m_done.clear();
    return out;
}

std::vector<QByteArray> SweepRunner::runAll(const SweepPlan& plan, const std::vector<SweepTask>& tasks, int threads)
{
    SweepRunner runner(plan, tasks, threads);
    runner.start();
    runner.wait();
    std::vector<QByteArray> lines;
    for (SweepRecord& r : runner.takeFinished())
        lines.push_back(std::move(r.line));
    return lines;
}

} // namespace rwb
