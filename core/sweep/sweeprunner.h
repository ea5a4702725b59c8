#pragma once

#include "core/sweep/sweepplan.h"

#include <QByteArray>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace rwb {

/// Runs a sweep's tasks on a pool of worker threads (each simulation independent) and hands the
/// finished lines back in task order, whatever order the threads finish in, so the output is the same
/// for any thread count. The owner polls takeReady() (e.g. from a timer) and may cancel(); a cancelled
/// run's lines that finished are still available from takeFinished().
///
/// Threads: start(), cancel(), wait() and the take*/progress functions are called from one owner
/// thread; the workers only touch the internal queue under its lock. The plan must outlive the runner.
class SweepRunner final {
public:
    /// `threads` <= 0: one per core. `figures` are computed for each record (for views).
    SweepRunner(const SweepPlan& plan, std::vector<SweepTask> tasks, int threads = 0,
        std::vector<figures::FigureRef> figures = {});
    ~SweepRunner();
    SweepRunner(const SweepRunner&) = delete;
    SweepRunner& operator=(const SweepRunner&) = delete;

    void start();
    /// Stops handing out tasks and interrupts the simulations under way (their lines are dropped).
    void cancel();
    /// Blocks until every worker has returned.
    void wait();

    int total() const noexcept { return int(m_tasks.size()); }
    int finishedCount() const noexcept { return m_finished.load(); }
    bool isDone() const noexcept { return m_finished.load() == total() || (m_cancel.load() && m_running.load() == 0); }

    /// The records finished since the last call that continue the task order without a gap.
    std::vector<SweepRecord> takeReady();
    /// Every finished record not taken yet, in task order, gaps skipped (after cancel() and wait()).
    std::vector<SweepRecord> takeFinished();

    /// Convenience: runs every task and returns the lines in order (blocking).
    static std::vector<QByteArray> runAll(const SweepPlan& plan, const std::vector<SweepTask>& tasks, int threads = 0);

private:
    void work();

    const SweepPlan& m_plan;
    std::vector<SweepTask> m_tasks;
    std::vector<figures::FigureRef> m_figures;
    int m_threadCount = 1;
    std::vector<std::thread> m_threads;
    std::atomic<int> m_next { 0 };
    std::atomic<int> m_finished { 0 };
    std::atomic<int> m_running { 0 };
    std::atomic<bool> m_cancel { false };
    std::mutex m_mutex;
    std::map<int, SweepRecord> m_done; ///< by task position; guarded by m_mutex
    int m_nextOut = 0; ///< first position not handed out yet; owner thread only
};

} // namespace rwb
