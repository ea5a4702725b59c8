#pragma once

#include "core/policy/pipeline.h"
#include "core/run/runrecorder.h"

#include <QHash>

#include <cstdint>
#include <new>
#include <type_traits>
#include <vector>

namespace rwb {

/// The part of running calls through pipelines that does not depend on how time passes or how a request
/// travels: call slots (a free list, and a token per slot so stale timers and answers are recognised),
/// the step protocol of `PipelineCall` (counting requests, attempts, retries, hedges and breaker refusals;
/// bulkhead queueing and hand-offs) and recording each finished call through `RecordedPipeline`.
///
/// The simulator (virtual time, its event queue) and the live runner (Qt event loop, HTTP) derive from it
/// (CRTP, so the simulator's hot path is inlined) and supply only what differs — `Derived` provides:
///   RecordedPipeline& recordedPipeline(std::uint32_t index);
///   std::int64_t bucketOf(std::int64_t t) const;              // the result bucket of time t
///   void onNewSlot(std::uint32_t slot);                       // a slot was added (limits, timers)
///   void onCallStarting(Slot& c);                             // before the first step of a call
///   void onStepSuperseded(Slot& c);                           // the previous step's timers are stale
///   void sendAttempt(std::uint32_t slot, const Step& step, std::int64_t t); // an Attempt step, counted
///   void armWait(std::uint32_t slot, std::int64_t until, std::int64_t t);
///   void armQueueDeadline(std::uint32_t slot, std::int64_t deadline, std::int64_t t);
///   void cancelRequests(std::uint32_t slot, std::uint16_t requests, std::int64_t t); // hedging's losers
///   void onCallFinished(std::uint32_t slot, std::int64_t t); // after the call is recorded and its slot freed
///   void onCallAbandoned(Slot& c);                            // the run ends with the call unfinished
/// `Slot` has the members `PipelineCall call; BulkheadTicket ticket; std::uint32_t token, pipeline, user;
/// bool active`. Times are nanoseconds since the run's origin. Not thread-safe: one run, one thread.
template <class Derived, class Slot, class SlotStore = std::vector<Slot>> class CallDriver {
public:
    static constexpr std::uint32_t kNoUser = UINT32_MAX;

    /// Calls started and not finished.
    std::uint64_t callsInFlight() const noexcept { return m_live; }

protected:
    static TimePoint timeAt(std::int64_t ns) noexcept { return TimePoint(Duration(ns)); }

    /// Starts a call of `pipeline` at `t` (for closed-loop `user`, or kNoUser) and drives it to its first step.
    void startCall(std::uint32_t pipeline, std::int64_t t, std::uint32_t user = kNoUser)
    {
        std::uint32_t slot;
        if (!m_freeSlots.empty()) {
            slot = m_freeSlots.back();
            m_freeSlots.pop_back();
        } else {
            slot = std::uint32_t(m_slots.size());
            m_slots.emplace_back();
            self().onNewSlot(slot);
        }
        Slot& c = m_slots[slot];
        c.active = true;
        c.pipeline = pipeline;
        c.user = user;
        ++c.token;
        ++m_live;
        RecordedPipeline& p = self().recordedPipeline(pipeline);
        ++p.series.summary.requests;
        ++bucket(p, t).requests;
        self().onCallStarting(c);
        // Built in place: a call is a few hundred bytes, and this runs once per request.
        static_assert(std::is_trivially_destructible_v<PipelineCall>);
        ::new (&c.call) PipelineCall(p.pipeline->begin(m_nextRequestId++, timeAt(t)));
        drive(slot, c.call.start(timeAt(t)), t);
    }

    /// Applies `first`, then resumes every call a bulkhead slot was handed to meanwhile (rare; their
    /// steps may hand off in turn).
    void drive(std::uint32_t slot, const Step& first, std::int64_t t)
    {
        apply(slot, first, t);
        while (!m_pending.empty()) {
            const std::uint32_t next = m_pending.back();
            m_pending.pop_back();
            const Step step = m_slots[next].call.resume(timeAt(t));
            apply(next, step, t);
        }
    }

    /// The current attempt's deadline passed with its request unanswered: counted as a timeout.
    void onAttemptDeadline(std::uint32_t slot, std::int64_t t)
    {
        RecordedPipeline& p = self().recordedPipeline(m_slots[slot].pipeline);
        ++p.series.summary.timeouts;
        ++bucket(p, t).timeouts;
        drive(slot, m_slots[slot].call.onDeadline(timeAt(t)), t);
    }

    /// A bulkhead wait reached its deadline: the pipeline cancels the ticket (or learns it was just handed
    /// a slot).
    void onQueueDeadline(std::uint32_t slot, std::int64_t t)
    {
        m_queued.remove(m_slots[slot].ticket);
        drive(slot, m_slots[slot].call.onDeadline(timeAt(t)), t);
    }

    /// At the end of a run: calls still running count as unfinished and give back what they hold.
    void abandonUnfinishedCalls(std::int64_t t)
    {
        for (auto& c : m_slots) {
            if (c.active) {
                self().onCallAbandoned(c);
                ++self().recordedPipeline(c.pipeline).series.summary.unfinished;
                c.call.abandon(timeAt(t));
                c.active = false;
                ++c.token;
            }
        }
        m_live = 0;
    }

    /// The request id of the next call started (ids count up from 1 in start order). An executor running
    /// part of a run sets the id the whole run would have given the call (pipelines draw jitter from it).
    void setNextRequestId(std::uint64_t id) noexcept { m_nextRequestId = id; }

    /// Forgets every call, for a runner that starts again.
    void resetCalls()
    {
        m_slots.clear();
        m_freeSlots.clear();
        m_queued.clear();
        m_pending.clear();
        m_nextRequestId = 1;
        m_live = 0;
    }

    SlotStore m_slots;
    std::vector<std::uint32_t> m_freeSlots;

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
    PipelineBucket& bucket(RecordedPipeline& p, std::int64_t t) { return seriesBucket(p.series.buckets, self().bucketOf(t)); }

    void apply(std::uint32_t slot, const Step& step, std::int64_t t)
    {
        Slot& c = m_slots[slot];
        if (step.cancel != 0) // hedging: the losers (or everything in flight at the deadline)
            self().cancelRequests(slot, step.cancel, t);
        // Whatever was armed for the previous step is stale now, except for a hedged try's other
        // requests: a hedge, or nothing new, leaves them (and the try's deadline) in force.
        if (step.kind != Step::Kind::Pending && step.request == 0) {
            ++c.token;
            self().onStepSuperseded(c);
        }
        RecordedPipeline& p = self().recordedPipeline(c.pipeline);
        if (const std::uint32_t refused = c.call.takeBreakerRejections()) // rare: the bucket only then
            p.countBreakerRejections(refused, bucket(p, t));
        switch (step.kind) {
        case Step::Kind::Attempt:
            if (step.request == 0) [[likely]] {
                ++p.series.summary.attempts;
                ++bucket(p, t).attempts;
            } else {
                ++p.series.summary.hedges;
            }
            self().sendAttempt(slot, step, t);
            break;
        case Step::Kind::Pending: // other requests of a hedged try are still running
            break;
        case Step::Kind::Wait:
            if (step.isRetryWait()) {
                ++p.series.summary.retries;
                ++bucket(p, t).retries;
            }
            self().armWait(slot, step.until.time_since_epoch().count(), t);
            break;
        case Step::Kind::Queued:
            m_queued.insert(step.ticket, slot);
            c.ticket = step.ticket;
            if (step.deadline != Timeout::kNever)
                self().armQueueDeadline(slot, step.deadline.time_since_epoch().count(), t);
            break;
        case Step::Kind::Done:
            finishCall(slot, t);
            break;
        }
        if (step.handoff != 0) {
            const auto it = m_queued.constFind(step.handoff);
            if (it != m_queued.cend()) {
                m_pending.push_back(*it);
                m_queued.erase(it);
            }
        }
    }

    void finishCall(std::uint32_t slot, std::int64_t t)
    {
        Slot& c = m_slots[slot];
        RecordedPipeline& p = self().recordedPipeline(c.pipeline);
        const std::int64_t b = self().bucketOf(t);
        p.recordResult(c.call.result(), seriesBucket(p.series.buckets, b), b);
        p.lastFinishNs = t;
        c.active = false;
        ++c.token;
        --m_live;
        m_freeSlots.push_back(slot);
        self().onCallFinished(slot, t);
    }

    QHash<BulkheadTicket, std::uint32_t> m_queued; // bulkhead ticket -> slot
    std::vector<std::uint32_t> m_pending;          // slots handed a bulkhead slot, to resume
    std::uint64_t m_nextRequestId = 1;
    std::uint64_t m_live = 0;
};

} // namespace rwb
