#pragma once

#include "core/events/eventsink.h"
#include "core/policy/circuitbreaker.h"
#include "core/policy/pipeline.h"
#include "core/run/latencyhistogram.h"
#include "core/run/scenario.h"
#include "core/run/runresult.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace rwb {

/// Forwards events to a user sink (counting what it forwards: only the kinds its interests() named) and
/// first hands each to an optional observer, so a runner sees breaker transitions even without a user
/// sink. Its interests are the user sink's and, with an observer, `m_observeKinds`: a kind neither wants
/// is not built.
/// Not thread-safe; the forward sink and the counter are not owned and must outlive this.
class CountingSink final : public EventSink {
public:
    CountingSink(EventSink* forward, std::uint64_t* counter)
        : m_forward(forward)
        , m_forwardKinds(forward ? forward->interests() : EventKindSet())
        , m_counter(counter)
    {
    }
    void onEvent(const Event& event) override
    {
        if (m_observe)
            m_observe(event);
        if (m_forwardKinds.contains(event.kind)) { // an observed kind the user sink did not ask for stays here
            ++*m_counter;
            m_forward->onEvent(event);
        }
    }
    EventKindSet interests() const override { return (m_observe ? m_observeKinds : EventKindSet()) | m_forwardKinds; }
    std::function<void(const Event&)> m_observe;
    EventKindSet m_observeKinds = EventKindSet::all(); ///< what m_observe needs to see

private:
    EventSink* m_forward;
    EventKindSet m_forwardKinds; // asked once, as executors do
    std::uint64_t* m_counter;
};

/// Returns buckets[index], growing the series so the bucket exists. Executors call it for nearly every
/// counter update, so the rare growth is kept out of line and the rest inlines.
template <class V> [[gnu::noinline]] void growSeries(std::vector<V>& buckets, std::int64_t index)
{
    buckets.resize(std::size_t(index) + 1);
}
template <class V> inline V& seriesBucket(std::vector<V>& buckets, std::int64_t index)
{
    if (std::size_t(index) >= buckets.size()) [[unlikely]]
        growSeries(buckets, index);
    return buckets[std::size_t(index)];
}

/// What the simulator and the live runner record for one pipeline of a run: its policies, its series and
/// latency histograms (the whole run and the bucket being collected). The simulator and the live runner
/// differ in how calls are driven, not in how their results are counted, so both record through this.
/// Not thread-safe; move-only.
struct RecordedPipeline {
    std::unique_ptr<Pipeline> pipeline;
    std::shared_ptr<CircuitBreaker> breaker;
    std::unique_ptr<CountingSink> breakerSink;        // only on the pipeline that built the breaker
    std::vector<PipelineSeries*> breakerUsers;        // the series its transitions count in (owner only)
    bool ownsBreaker = false;                         // false without a breaker or when sharing another's
    std::uint32_t service = 0;
    PipelineSeries series;
    LatencyHistogram total;
    LatencyHistogram bucket;
    std::int64_t bucketIndex = 0; // bucket the `bucket` histogram collects for
    double latencySumNs = 0;
    std::int64_t lastFinishNs = 0; // the executor notes when the last request finished

    /// Sets up series, breaker and pipeline. The breaker reports through a CountingSink that also counts
    /// its transitions into the series of every pipeline using it; with `sharedWith` (an earlier pipeline
    /// naming the same circuit, see Scenario::sharedBreakerOwner) this pipeline uses that one's breaker
    /// instead of building its own. `budgets` (the run's) shares retry budgets and throttles by name.
    /// `seed` becomes the pipeline's seed. The recorder must not move after
    /// build() (the breaker's observer points at the series).
    void build(const PipelineSpec& spec, std::uint32_t serviceIndex, std::size_t expectedBuckets, EventSink* userSink,
        std::uint64_t* eventCounter, EventSink* pipelineSink, std::uint64_t seed, RecordedPipeline* sharedWith,
        RetryBudgetRegistry* budgets);

    /// Counts `n` breaker refusals of one step of a call through this pipeline in the summary and in `b`.
    /// Executors take them from the call after each step (PipelineCall::takeBreakerRejections), so
    /// pipelines sharing a breaker each count their own.
    void countBreakerRejections(std::uint32_t n, PipelineBucket& b)
    {
        series.summary.breakerRejections += n;
        b.breakerRejections += n;
    }

    /// Counts a finished call in the summary and in `b` (the bucket of the finishing time `bucketNow`) and
    /// adds its latency to both histograms, closing the previous latency bucket when time moved on.
    void recordResult(const CallResult& result, PipelineBucket& b, std::int64_t bucketNow)
    {
        auto& sum = series.summary;
        if (result.fallbackUsed) {
            ++sum.fallbacks;
            ++b.fallbacks;
        } else if (result.outcome.isSuccess()) {
            ++sum.succeeded;
            ++b.succeeded;
        } else if (result.outcome.kind == OutcomeKind::Rejected) {
            ++sum.rejected;
            ++b.rejected;
        } else {
            ++sum.failed;
            ++b.failed;
        }
        if (bucketNow != bucketIndex) {
            closeBucket();
            bucketIndex = bucketNow;
        }
        const std::int64_t ns = result.total.count();
        latencySumNs += double(ns);
        const int bin = LatencyHistogram::binOf(ns);
        total.addToBin(bin, ns);
        bucket.addToBin(bin, ns);
    }
    /// Writes the collected bucket's latency percentiles into the series and starts a new collection.
    void closeBucket();
    /// At a bucket boundary: closes latency buckets up to `ended` and records the breaker state at `now`.
    void onBucketEnded(std::int64_t ended, TimePoint now);
    /// At the end of the run: `buckets` buckets, those from `openBucket` on showing the breaker state at
    /// `now`, and the run's latency percentiles in the summary.
    void finish(std::size_t buckets, std::size_t openBucket, TimePoint now);
};

/// Grows `series` to `buckets` buckets; with a breaker, buckets from `from` on show `breakerAtEnd` (the
/// state at the end of the run: no tick closed them).
void extendPipelineSeries(PipelineSeries& series, std::size_t buckets, std::size_t from, std::optional<BreakerState> breakerAtEnd);

/// The fewest buckets a result has: enough for the time simulated (`until`) and the scenario's duration.
inline std::size_t minResultBuckets(std::int64_t until, std::int64_t durationNs, std::int64_t bucketNs)
{
    return std::max(std::size_t((until + bucketNs - 1) / bucketNs), std::size_t(durationNs / bucketNs));
}

/// Service series at the end of the run: `buckets` buckets and the peak concurrency over them.
void finishServiceSeries(ServiceSeries& series, std::size_t buckets);

} // namespace rwb
