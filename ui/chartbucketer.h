#pragma once

#include "core/events/event.h"
#include "core/sim/latencyhistogram.h"
#include "core/sim/simulationresult.h"
#include "ui/ringbuffer.h"

#include <QHash>
#include <QStringList>

#include <map>
#include <set>
#include <vector>

namespace rwb {

/// Builds per-pipeline 1 s buckets (PipelineBucket, with the meaning documented in
/// core/sim/simulationresult.h) from a stream of engine events, so live and replayed runs feed the
/// traffic and latency charts with the same figures a SimulationResult carries:
/// - requests: RequestDone, counted in the bucket of its start (time - total);
/// - attempts: Attempt events that were not rejected, in the bucket of their start (time - latency);
///   timeouts: Attempt events with outcome timeout, at their time;
/// - retries: RetryScheduled; succeeded / failed / rejected / fallbacks: RequestDone by outcome;
/// - breakerRejections: BreakerRejected, attributed to the pipeline of the same request once that
///   request's RequestDone arrives;
/// - latency p50/p95/p99: of RequestDone totals finished in the bucket, through the simulator's
///   LatencyHistogram (same bins, same rounding);
/// - breakerState: from BreakerTransition events of the circuit named like the pipeline.
/// A request still running is counted once it finishes. Memory is bounded: at most `capacity`
/// buckets per pipeline (oldest dropped). Not thread-safe (GUI thread).
class ChartBucketer final {
public:
    explicit ChartBucketer(std::size_t capacity = 24 * 3600);

    void clear();
    void add(const Event& event);
    void add(const std::vector<Event>& events);
    /// Loads a simulation's buckets as they are (simulate mode).
    void setResult(const SimulationResult& result);

    QStringList pipelines() const { return m_order; }
    Duration bucketWidth() const noexcept { return m_width; }
    /// Index of the first bucket still held (non-zero once old buckets were dropped).
    std::int64_t firstBucket(const QString& pipeline) const;
    /// Buckets of one pipeline, from firstBucket() on. Percentiles of the newest buckets may still
    /// change while events arrive.
    std::vector<PipelineBucket> buckets(const QString& pipeline) const;
    std::size_t bucketCount(const QString& pipeline) const;
    /// Calls f(const PipelineBucket&) for the buckets of one pipeline, oldest first (no copy).
    template<typename F>
    void forEachBucket(const QString& pipeline, F&& f) const
    {
        if (auto it = m_index.constFind(pipeline); it != m_index.constEnd())
            m_series[static_cast<std::size_t>(*it)]->buckets.forEach(f);
    }
    /// End of the data, in seconds.
    double endSeconds() const noexcept { return m_end; }

private:
    struct Series {
        RingBuffer<PipelineBucket> buckets;
        std::int64_t first = 0; // bucket index of buckets[0]
        std::map<std::int64_t, LatencyHistogram> latencies; // open buckets only
        std::set<std::int64_t> dirty;                          // buckets whose percentiles are stale
        explicit Series(std::size_t capacity)
            : buckets(capacity)
        {
        }
    };
    void addOne(const Event& event);
    void flushPercentiles(Series& s);
    Series& series(const QString& pipeline);
    PipelineBucket* bucket(Series& s, TimePoint t);
    void finishLatencies(Series& s, std::int64_t upTo);

    std::size_t m_capacity;
    Duration m_width = std::chrono::seconds(1);
    std::vector<std::unique_ptr<Series>> m_series;
    QHash<QString, int> m_index;
    QStringList m_order;
    QHash<std::uint64_t, std::vector<TimePoint>> m_pendingRejections; // requestId -> refusal times
    QHash<QString, BreakerState> m_breakerState;
    double m_end = 0;
};

} // namespace rwb
