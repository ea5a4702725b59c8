#pragma once

#include "core/events/event.h"
#include "core/run/latencyhistogram.h"
#include "core/run/runresult.h"
#include "core/common/ringbuffer.h"

#include <QHash>
#include <QStringList>

#include <limits>
#include <map>
#include <set>
#include <vector>

namespace rwb {

/// The counting rules of a run fed by its events rather than by an executor: builds per-pipeline 1 s
/// buckets (PipelineBucket, with the meaning documented in core/run/runresult.h) from a stream of engine
/// events, so a live run watched through its events, a replayed log and a simulation show the same
/// figures a RunResult carries (tests/ui/tst_charts checks them against the simulator's own counts):
/// - requests: RequestDone, counted in the bucket of its start (time - total);
/// - attempts: Attempt events that were not rejected, in the bucket of their start (time - latency);
///   timeouts: Attempt events with outcome timeout, at their time;
/// - retries: RetryScheduled; succeeded / failed / rejected / fallbacks: RequestDone by outcome;
/// - breakerRejections: BreakerRejected, attributed to the pipeline of the same request once that
///   request's RequestDone arrives;
/// - latency p50/p95/p99: of RequestDone totals finished in the bucket, through the simulator's
///   LatencyHistogram (same bins, same rounding);
/// - breakerState: from BreakerTransition events of the pipeline's circuit (set with setCircuit(),
///   learned: a request refused by circuit C that ends in pipeline P, or named like the pipeline).
///   Pipelines naming one circuit share it: each carries its state.
/// A request still running is counted once it finishes. Memory is bounded: at most `capacity`
/// buckets per pipeline (oldest dropped); whole-run totals (summary(), result()) keep counting.
/// Not thread-safe (one thread; the GUI uses it on its own).
class EventBucketer final {
public:
    explicit EventBucketer(std::size_t capacity = 24 * 3600);

    void clear();
    void add(const Event& event);
    void add(const std::vector<Event>& events);
    /// Loads a simulation's buckets as they are (simulate mode).
    void setResult(const RunResult& result);

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
    /// Buckets starting at or after this time (seconds) are the drain after the scenario's duration:
    /// no request starts there, so a chart of rates leaves them out. Infinite for event-fed data.
    double drainStart() const noexcept { return m_drainStart; }

    /// The data ends here (a finished live run, the end of a log): a last bucket cut short counts over
    /// the time it covers, like the last bucket of a simulation.
    void setEnd(double seconds) noexcept { m_drainStart = seconds; }

    /// `circuit` guards `pipeline` (from the scenario); otherwise it is learned from events.
    void setCircuit(const QString& circuit, const QString& pipeline);
    /// The circuit guarding a pipeline: set, learned, or a circuit named like the pipeline; empty when
    /// unknown (or the pipeline has no breaker).
    QString circuitOf(const QString& pipeline) const;
    /// Whole-run totals of one pipeline as the simulator counts them (percentiles of every finished
    /// request, transitions of its circuit, shared or not). Event-fed data only; setResult() data have their own.
    PipelineSummary summary(const QString& pipeline) const;
    /// The data as a RunResult without services: pipelines in order of appearance with their
    /// summaries and buckets (from bucket 0), duration and simulatedUntil at the end of the data.
    RunResult result() const;

private:
    struct Series {
        RingBuffer<PipelineBucket> buckets;
        std::int64_t first = 0; // bucket index of buckets[0]
        std::map<std::int64_t, LatencyHistogram> latencies; // open buckets only
        std::set<std::int64_t> dirty;                          // buckets whose percentiles are stale
        PipelineSummary summary;                               // whole run (percentiles: see `total`)
        LatencyHistogram total;                                // every finished request
        double latencySumNs = 0;                               // of every finished request (the mean)
        TimePoint lastFinish {};                               // when the last request finished
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
    struct Refusal {
        TimePoint time;
        QString circuit;
    };
    QHash<std::uint64_t, std::vector<Refusal>> m_pendingRejections; // requestId -> refusals
    QHash<QString, BreakerState> m_breakerState;                    // by circuit
    QHash<QString, std::uint64_t> m_transitions;                    // by circuit
    QHash<QString, QString> m_pipelineCircuit;                      // pipeline -> circuit, set or learned
    double m_end = 0;
    double m_drainStart = std::numeric_limits<double>::infinity();
};

} // namespace rwb
