#pragma once

#include "core/clock/clock.h"
#include "core/exec/handoffboard.h"
#include "core/policy/pipeline.h"

#include <exception>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace rwb {

/// Runs pipeline calls synchronously on the calling thread: the third executor of the PipelineCall
/// state machine (next to the simulator and the live runner), for C++ code embedding `core`.
///
/// - Attempt steps call the callable. C++ cannot pre-empt it: the callable receives the deadline in its
///   AttemptContext and should honour it; a result returned after the deadline is classified as a timeout.
///   A C++ exception escaping the callable becomes Outcome::error(ErrorClass::exception()).
/// - Wait steps call the sleeper (default: sleep the thread until the clock reaches `until`). Tests pass a
///   sleeper that advances a VirtualClock instead, so nothing sleeps on the wall clock.
/// - Queued steps block on the executor's hand-off board until the slot is handed over or the queue
///   deadline passes (measured on the wall clock: with a VirtualClock only hand-offs wake a waiter).
/// - Hedging is refused: a blocking callable cannot have several requests of one call in flight.
///
/// An executor is the blocking front of one pipeline. Bulkhead slots are handed from the thread that
/// releases one to the thread whose call is queued for it through this executor's HandoffBoard, so every
/// thread calling through a pipeline with a queueing bulkhead must share one BlockingExecutor: a call
/// queued through one executor never sees a slot handed to it by a call through another.
///
/// This class is thread-safe: several threads may execute() through one executor concurrently, provided
/// the Clock's now() is safe to call concurrently (SystemClock is; a VirtualClock is only while nobody
/// advances it).
class BlockingExecutor final {
public:
    using Sleeper = std::function<void(TimePoint until)>;

    /// `pipeline` and `clock` are not owned and must outlive the executor. Empty sleeper: real sleeping.
    /// Throws InvalidConfig ("hedging.enabled") for a hedging pipeline: one thread sends one request at a time.
    BlockingExecutor(Pipeline& pipeline, const Clock& clock, Sleeper sleeper = {});

    /// Runs one call. `fn` is invoked per attempt as fn(const AttemptContext&) -> Outcome, or fn() -> Outcome.
    template<class F>
    CallResult execute(F&& fn)
    {
        const std::uint64_t id = m_pipeline.allocateRequestId();
        TimePoint now = m_clock.now();
        PipelineCall call = m_pipeline.begin(id, now);
        Step step = call.start(now);
        // Each next step is built in place (see replace()).
        for (;;) {
            if (step.handoff != 0)
                m_handoffs.post(step.handoff);
            switch (step.kind) {
            case Step::Kind::Attempt: {
                const AttemptContext ctx {id, step.attempt, now, step.deadline};
                Outcome outcome = invoke(fn, ctx);
                now = m_clock.now();
                replace(step, [&] { return call.onAttemptDone(outcome, now); });
                break;
            }
            case Step::Kind::Wait:
                sleepUntil(step.until);
                now = m_clock.now();
                replace(step, [&] { return call.resume(now); });
                break;
            case Step::Kind::Queued: {
                const Step queued = step; // not read through the slot its successor is built in
                replace(step, [&] { return waitQueued(call, queued); });
                now = m_clock.now();
                break;
            }
            case Step::Kind::Done:
            case Step::Kind::Pending: // hedged calls only, which the constructor refuses
                return call.result();
            }
        }
    }

    /// Like execute(fn), and when the call ends failed, returns `fallback(result)`'s value in `value`.
    /// `fn` returns std::pair<T, Outcome>; the value of the last attempt is kept when it succeeded.
    template<class T, class F, class G>
    std::pair<std::optional<T>, CallResult> executeValue(F&& fn, G&& fallback)
    {
        std::optional<T> value;
        CallResult result = execute([&](const AttemptContext& ctx) {
            auto [v, outcome] = fn(ctx);
            if (outcome.isSuccess())
                value = std::move(v);
            return outcome;
        });
        if (!result.lastOutcome.isSuccess())
            value = fallback(result);
        return {std::move(value), std::move(result)};
    }

private:
    /// step = next(), with next()'s result built in `step` itself. An assignment would copy it from a
    /// temporary with wide loads of the callee's narrow stores: a store-forwarding stall that was the
    /// hottest instruction of execute() (perf).
    template<class Next>
    static void replace(Step& step, Next&& next)
    {
        static_assert(std::is_trivially_destructible_v<Step>);
        ::new (static_cast<void*>(&step)) Step(next());
    }
    template<class F>
    static Outcome invoke(F& fn, const AttemptContext& ctx) noexcept
    {
        try {
            if constexpr (std::is_invocable_v<F&, const AttemptContext&>)
                return fn(ctx);
            else
                return fn();
        } catch (...) {
            return Outcome::error(ErrorClass::exception());
        }
    }

    void sleepUntil(TimePoint until);
    Step waitQueued(PipelineCall& call, const Step& queued);

    Pipeline& m_pipeline;
    const Clock& m_clock;
    Sleeper m_sleeper;
    HandoffBoard m_handoffs;
};

} // namespace rwb
