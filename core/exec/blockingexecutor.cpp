#include "core/exec/blockingexecutor.h"

#include <thread>

namespace rwb {

BlockingExecutor::BlockingExecutor(Pipeline& pipeline, const Clock& clock, Sleeper sleeper)
    : m_pipeline(pipeline)
    , m_clock(clock)
    , m_sleeper(std::move(sleeper))
{
    if (pipeline.hedging())
        throw InvalidConfig({{QStringLiteral("hedging.enabled"),
            QStringLiteral("the blocking executor runs one request at a time and cannot hedge (pipeline '%1')")
                .arg(pipeline.name())}});
}

void BlockingExecutor::sleepUntil(TimePoint until)
{
    if (m_sleeper) {
        m_sleeper(until);
        return;
    }
    const Duration left = until - m_clock.now();
    if (left > Duration::zero())
        std::this_thread::sleep_for(left);
}

Step BlockingExecutor::waitQueued(PipelineCall& call, const Step& queued)
{
    const BulkheadTicket ticket = queued.ticket;
    // A year stands in for "no deadline"; the hand-off board measures real time.
    const Duration left = queued.deadline == Timeout::kNever ? Duration(std::chrono::hours(24 * 365))
                                                             : queued.deadline - m_clock.now();
    if (m_handoffs.wait(ticket, left))
        return call.resume(m_clock.now());
    Step step = call.onDeadline(m_clock.now());
    if (call.handedSlotAtDeadline()) {
        // The releasing thread will post the hand-off any moment: consume it so the board does not leak.
        m_handoffs.wait(ticket, Duration(std::chrono::hours(24 * 365)));
    }
    return step;
}

} // namespace rwb
