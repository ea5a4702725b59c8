#pragma once

#include "ui/run/jobcontrol.h"

#include <QFuture>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace rwb {

/// One kind of background job of a GUI object (a query, a sort, a simulation, an export): runs the
/// work on a thread pool and hands its result to the owner on the owner's thread.
///
/// - `start(work, apply)`: `work()` or `work(JobControl&)` runs on the pool; `apply(result)` then runs
///   on the context object's thread, unless the job was cancelled or (in `LatestOnly` mode) a newer
///   job started since. A newer job sets the older one's cancel flag.
/// - `cancel()` sets the flags of the jobs in flight and drops their results.
/// - Destruction cancels the jobs in flight and waits for them, so no work outlives its owner.
///
/// Not thread-safe: create, use and destroy it on the context object's thread. The context must
/// outlive the tracker (make the tracker a member of it): a result posted to it after the tracker is
/// gone is dropped. Does not own the pool.
class JobTracker final {
public:
    enum class Results {
        LatestOnly, ///< a newer job cancels the older one and drops its result (re-run on every edit)
        Every, ///< every job's result is applied (each export reports its own outcome)
    };

    explicit JobTracker(QObject* context, Results results = Results::LatestOnly, QThreadPool* pool = nullptr);
    ~JobTracker();
    JobTracker(const JobTracker&) = delete;
    JobTracker& operator=(const JobTracker&) = delete;

    /// Starts a job; returns its id (counting from 1 for each tracker).
    template <typename Work, typename Apply> quint64 start(Work work, Apply apply);
    /// A job whose result nobody waits for (freeing memory): only destruction waits for it.
    template <typename Work> quint64 start(Work work)
    {
        return start(std::move(work), [](auto&&...) {});
    }

    /// Cancels every job in flight: their flags are set and their results dropped.
    void cancel();
    /// True while a job whose result would still be applied is in flight.
    bool isRunning() const;
    /// The id of the newest job started (0: none yet).
    quint64 latestJob() const noexcept { return m_state->latest; }
    /// The progress (0..1000) the newest job reported; 0 when none is in flight.
    int progress() const;

private:
    struct Job {
        quint64 id;
        std::shared_ptr<JobControl> control;
        QFuture<void> work;
    };
    struct State {
        Results results;
        quint64 latest = 0;
        std::vector<Job> inFlight;
        /// Removes the job from the list; true when its result should be applied.
        bool finish(quint64 id);
        bool wanted(const Job& job) const;
    };

    std::shared_ptr<JobControl> add(quint64 id);

    QObject* m_context;
    QThreadPool* m_pool;
    // Shared with the continuations: one that arrives after the tracker is gone finds its job stale.
    std::shared_ptr<State> m_state;
};

template <typename Work, typename Apply> quint64 JobTracker::start(Work work, Apply apply)
{
    const quint64 id = ++m_state->latest;
    std::shared_ptr<JobControl> control = add(id);
    // The worker posts the result itself (rather than QFuture::then): the job is then finished only
    // once the result is posted, so the destructor's wait leaves no worker touching the context.
    m_state->inFlight.back().work = QtConcurrent::run(m_pool,
        [work = std::move(work), apply = std::move(apply), control, state = m_state, id,
            context = m_context]() mutable {
            const auto run = [&] {
                if constexpr (std::is_invocable_v<Work&, JobControl&>)
                    return work(*control);
                else
                    return work();
            };
            if constexpr (std::is_void_v<decltype(run())>) {
                run();
                QMetaObject::invokeMethod(
                    context,
                    [state = std::move(state), id, apply = std::move(apply)]() mutable {
                        if (state->finish(id))
                            apply();
                    },
                    Qt::QueuedConnection);
            } else {
                QMetaObject::invokeMethod(
                    context,
                    [state = std::move(state), id, apply = std::move(apply), result = run()]() mutable {
                        if (state->finish(id))
                            apply(std::move(result));
                    },
                    Qt::QueuedConnection);
            }
        });
    return id;
}

} // namespace rwb
