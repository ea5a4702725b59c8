#include "core/run/runrecorder.h"

namespace rwb {

void RecordedPipeline::build(const PipelineSpec& spec, std::uint32_t serviceIndex, std::size_t expectedBuckets,
    EventSink* userSink, std::uint64_t* eventCounter, EventSink* pipelineSink, std::uint64_t seed,
    RecordedPipeline* sharedWith, RetryBudgetRegistry* budgets)
{
    service = serviceIndex;
    series.name = spec.name();
    series.service = spec.service;
    series.buckets.reserve(expectedBuckets);
    if (spec.breaker) {
        series.breaker = spec.breaker->name;
        if (sharedWith && sharedWith->breaker) {
            breaker = sharedWith->breaker;
            sharedWith->breakerUsers.push_back(&series);
        } else {
            ownsBreaker = true;
            breakerUsers.push_back(&series);
            breakerSink = std::make_unique<CountingSink>(userSink, eventCounter);
            breakerSink->m_observe = [users = &breakerUsers](const Event& e) {
                if (e.kind == EventKind::BreakerTransition)
                    for (PipelineSeries* s : *users)
                        ++s->summary.breakerTransitions;
            };
            breakerSink->m_observeKinds = {EventKind::BreakerTransition};
            CircuitBreakerConfig cfg = *spec.breaker;
            breaker = std::make_shared<CircuitBreaker>(std::move(cfg), breakerSink.get());
        }
    }
    PipelineConfig cfg = spec.config;
    cfg.seed = seed;
    pipeline = std::make_unique<Pipeline>(std::move(cfg), breaker, pipelineSink, budgets);
}

void RecordedPipeline::closeBucket()
{
    if (bucket.count() == 0)
        return;
    auto& b = seriesBucket(series.buckets, bucketIndex);
    b.latencyP50Ms = float(bucket.percentile(0.50) / 1e6);
    b.latencyP95Ms = float(bucket.percentile(0.95) / 1e6);
    b.latencyP99Ms = float(bucket.percentile(0.99) / 1e6);
    bucket.clear();
}

void RecordedPipeline::onBucketEnded(std::int64_t ended, TimePoint now)
{
    if (bucketIndex <= ended) {
        closeBucket();
        bucketIndex = ended + 1;
    }
    auto& b = seriesBucket(series.buckets, ended); // keeps every series as long as the run
    if (breaker)
        b.breakerState = breaker->state(now);
}

void RecordedPipeline::finish(std::size_t buckets, std::size_t openBucket, TimePoint now)
{
    // Buckets not closed by a tick (the run ended inside them) show the final state.
    extendPipelineSeries(series, buckets, openBucket, breaker ? std::optional(breaker->state(now)) : std::nullopt);
    auto& sum = series.summary;
    sum.latencyP50Ms = total.percentile(0.50) / 1e6;
    sum.latencyP95Ms = total.percentile(0.95) / 1e6;
    sum.latencyP99Ms = total.percentile(0.99) / 1e6;
    sum.latencyMaxMs = double(total.max()) / 1e6;
    sum.latencyMeanMs = total.count() ? latencySumNs / double(total.count()) / 1e6 : 0.0;
    sum.lastFinishMs = double(lastFinishNs) / 1e6;
}

void extendPipelineSeries(PipelineSeries& series, std::size_t buckets, std::size_t from, std::optional<BreakerState> breakerAtEnd)
{
    series.buckets.resize(buckets);
    if (breakerAtEnd)
        for (std::size_t i = from; i < buckets; ++i)
            series.buckets[i].breakerState = *breakerAtEnd;
}

void finishServiceSeries(ServiceSeries& series, std::size_t buckets)
{
    series.buckets.resize(buckets);
    for (const auto& b : series.buckets)
        series.maxConcurrency = std::max(series.maxConcurrency, b.maxConcurrency);
}

} // namespace rwb
