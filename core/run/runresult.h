#pragma once

#include "core/common/breakerstate.h"
#include "core/common/time.h"

#include <QString>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rwb {

/// One second (bucketWidth) of one pipeline, as seen by its callers. Counters count things that
/// *happened* in the bucket: a request started at 9.9 s and finished at 10.2 s adds to `requests`
/// of bucket 9 and to `succeeded` of bucket 10.
struct PipelineBucket {
    std::uint32_t requests = 0;   ///< offered load: requests started
    std::uint32_t attempts = 0;   ///< attempts started (calls that went past every policy toward the service)
    std::uint32_t retries = 0;    ///< retries scheduled
    std::uint32_t succeeded = 0;  ///< requests finished with a success (fallbacks not included)
    std::uint32_t failed = 0;     ///< requests finished with an error or timeout and no fallback
    std::uint32_t rejected = 0;   ///< requests finished rejected by a policy (breaker, bulkhead, rate limiter), no fallback
    std::uint32_t fallbacks = 0;  ///< requests whose failure was replaced by the fallback
    std::uint32_t timeouts = 0;   ///< attempts abandoned at their deadline
    std::uint32_t breakerRejections = 0; ///< breaker refusals (each refused try, not each request)
    float latencyP50Ms = 0;       ///< end-to-end latency of requests finished in the bucket; 0 when none
    float latencyP95Ms = 0;
    float latencyP99Ms = 0;
    BreakerState breakerState = BreakerState::Closed; ///< at the end of the bucket (Closed when no breaker)

    /// attempts / requests of this bucket (0 when no request started).
    double retryAmplification() const noexcept { return requests ? double(attempts) / double(requests) : 0.0; }
    std::uint32_t finished() const noexcept { return succeeded + failed + rejected + fallbacks; }
    friend bool operator==(const PipelineBucket&, const PipelineBucket&) = default;
};

/// One second of one service, as seen by the service.
struct ServiceBucket {
    std::uint32_t arrivals = 0;      ///< load reaching the service: attempts that arrived
    std::uint32_t ok = 0;            ///< responses planned as success
    std::uint32_t errors = 0;        ///< responses planned as failure (error rate, outage, flapping, overload)
    std::uint32_t overloaded = 0;    ///< of `errors`: refused for lack of capacity
    std::uint32_t maxConcurrency = 0;///< most requests in the service (in service + waiting) at once during the bucket
    friend bool operator==(const ServiceBucket&, const ServiceBucket&) = default;
};

/// Whole-run totals for one pipeline. Every request started in the run ends in exactly one of
/// succeeded, failed, rejected, fallbacks or unfinished.
struct PipelineSummary {
    std::uint64_t requests = 0;
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
    std::uint64_t rejected = 0;
    std::uint64_t fallbacks = 0;
    std::uint64_t unfinished = 0;  ///< still running when the drain limit was reached (e.g. a hang without timeout)
    std::uint64_t attempts = 0;
    std::uint64_t retries = 0;
    std::uint64_t hedges = 0;      ///< extra requests sent by hedging (load on the service beyond `attempts`)
    std::uint64_t timeouts = 0;
    std::uint64_t breakerRejections = 0;
    std::uint64_t breakerTransitions = 0;
    double latencyMeanMs = 0;      ///< end-to-end latency over all finished requests
    double latencyP50Ms = 0;
    double latencyP95Ms = 0;
    double latencyP99Ms = 0;
    double latencyMaxMs = 0;
    double lastFinishMs = 0;       ///< run time at which the last request finished (0 when none did)

    double retryAmplification() const noexcept { return requests ? double(attempts) / double(requests) : 0.0; }
    /// Adds another pipeline's counts; latencies and the last finish take the larger of the two (a mean
    /// or a percentile cannot be summed), the mean is weighted by finished requests.
    void add(const PipelineSummary& s) noexcept
    {
        const double finishedHere = double(succeeded + failed + rejected + fallbacks);
        const double finishedThere = double(s.succeeded + s.failed + s.rejected + s.fallbacks);
        if (finishedHere + finishedThere > 0)
            latencyMeanMs = (latencyMeanMs * finishedHere + s.latencyMeanMs * finishedThere) / (finishedHere + finishedThere);
        requests += s.requests;
        succeeded += s.succeeded;
        failed += s.failed;
        rejected += s.rejected;
        fallbacks += s.fallbacks;
        unfinished += s.unfinished;
        attempts += s.attempts;
        retries += s.retries;
        hedges += s.hedges;
        timeouts += s.timeouts;
        breakerRejections += s.breakerRejections;
        breakerTransitions += s.breakerTransitions;
        latencyP50Ms = std::max(latencyP50Ms, s.latencyP50Ms);
        latencyP95Ms = std::max(latencyP95Ms, s.latencyP95Ms);
        latencyP99Ms = std::max(latencyP99Ms, s.latencyP99Ms);
        latencyMaxMs = std::max(latencyMaxMs, s.latencyMaxMs);
        lastFinishMs = std::max(lastFinishMs, s.lastFinishMs);
    }
    double successRate() const noexcept
    {
        return requests ? double(succeeded + fallbacks) / double(requests) : 0.0;
    }
    friend bool operator==(const PipelineSummary&, const PipelineSummary&) = default;
};

struct PipelineSeries {
    QString name;
    QString service;                     ///< the service the pipeline calls
    QString breaker;                     ///< its circuit's name; empty without a breaker. Pipelines naming
                                         ///< one circuit share it: the same transitions and states
    PipelineSummary summary;
    std::vector<PipelineBucket> buckets; ///< bucket i covers [i, i + 1) * bucketWidth
    friend bool operator==(const PipelineSeries&, const PipelineSeries&) = default;
};

/// The sum over several pipelines: their counts add up (PipelineSummary::add), except that a circuit
/// shared by several pipelines counts its transitions once (each pipeline counts its own refusals).
class PipelineTotal {
public:
    void add(const PipelineSeries& p)
    {
        PipelineSummary s = p.summary;
        if (!p.breaker.isEmpty()) {
            if (std::find(m_circuits.begin(), m_circuits.end(), p.breaker) != m_circuits.end())
                s.breakerTransitions = 0;
            else
                m_circuits.push_back(p.breaker);
        }
        m_sum.add(s);
    }
    const PipelineSummary& summary() const noexcept { return m_sum; }

private:
    PipelineSummary m_sum;
    std::vector<QString> m_circuits;
};

struct ServiceSeries {
    QString name;
    std::uint64_t arrivals = 0;  ///< total attempts that reached the service
    std::uint64_t overloaded = 0;   ///< refused for lack of room, or dropped after waiting too long
    std::uint32_t maxConcurrency = 0;
    double meanBusyWorkers = 0;     ///< time-average of busy workers (utilisation x workers)
    double meanInSystem = 0;        ///< time-average of requests in the service, waiting or served (L)
    std::vector<ServiceBucket> buckets;
    friend bool operator==(const ServiceSeries&, const ServiceSeries&) = default;
};

/// What a run produced, whoever drove it (the simulator, the live runner, or a replayed log): per
/// pipeline and per service time series in fixed buckets plus totals. An immutable value type once
/// returned: copy it freely between threads (it holds no pointers into the executor). The event stream
/// is not part of it (it can be millions of events): attach an EventSink to the run to receive events.
struct RunResult {
    std::uint64_t seed = 0;
    Duration duration {};              ///< simulated traffic duration (requests start in [0, duration))
    Duration simulatedUntil {};        ///< run time at which the run stopped (after draining)
    Duration bucketWidth = std::chrono::seconds(1);
    bool cancelled = false;            ///< stopped early by the cancel flag: series are partial
    std::uint64_t events = 0;          ///< events produced (whether or not a sink recorded them)
    std::vector<PipelineSeries> pipelines; ///< in scenario order
    std::vector<ServiceSeries> services;   ///< in scenario order

    std::size_t bucketCount() const noexcept { return pipelines.empty() ? 0 : pipelines.front().buckets.size(); }
    /// nullptr when absent.
    const PipelineSeries* pipeline(const QString& name) const noexcept
    {
        for (const auto& p : pipelines)
            if (p.name == name)
                return &p;
        return nullptr;
    }
    const ServiceSeries* service(const QString& name) const noexcept
    {
        for (const auto& s : services)
            if (s.name == name)
                return &s;
        return nullptr;
    }
    /// Sum of the pipelines' summaries (percentiles are not summed: they are the max over pipelines).
    PipelineSummary total() const
    {
        PipelineTotal t;
        for (const auto& p : pipelines)
            t.add(p);
        return t.summary();
    }
    friend bool operator==(const RunResult&, const RunResult&) = default;
};

} // namespace rwb
