#include "core/run/eventbucketer.h"

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {
constexpr std::int64_t kOpenBuckets = 5;    // latency lists kept for the newest buckets
constexpr int kMaxPendingRequests = 100000; // bounded: refusals of requests that never finish
} // namespace

EventBucketer::EventBucketer(std::size_t capacity)
    : m_capacity(std::max<std::size_t>(capacity, 1))
{
}

void EventBucketer::clear()
{
    m_series.clear();
    m_index.clear();
    m_order.clear();
    m_pendingRejections.clear();
    m_breakerState.clear();
    m_transitions.clear();
    m_pipelineCircuit.clear();
    m_width = std::chrono::seconds(1);
    m_end = 0;
    m_drainStart = std::numeric_limits<double>::infinity();
}

void EventBucketer::setCircuit(const QString& circuit, const QString& pipeline)
{
    m_pipelineCircuit.insert(pipeline, circuit);
}

QString EventBucketer::circuitOf(const QString& pipeline) const
{
    if (auto it = m_pipelineCircuit.constFind(pipeline); it != m_pipelineCircuit.constEnd())
        return *it;
    return m_breakerState.contains(pipeline) ? pipeline : QString();
}

EventBucketer::Series& EventBucketer::series(const QString& pipeline)
{
    if (auto it = m_index.constFind(pipeline); it != m_index.constEnd())
        return *m_series[static_cast<std::size_t>(*it)];
    m_index.insert(pipeline, static_cast<int>(m_series.size()));
    m_order.append(pipeline);
    m_series.push_back(std::make_unique<Series>(m_capacity));
    return *m_series.back();
}

PipelineBucket* EventBucketer::bucket(Series& s, TimePoint t)
{
    const std::int64_t index = std::max<std::int64_t>(0, t.time_since_epoch() / m_width);
    if (index < s.first)
        return nullptr; // older than what is kept
    while (s.first + static_cast<std::int64_t>(s.buckets.size()) <= index) {
        PipelineBucket fresh;
        if (!s.buckets.empty())
            fresh.breakerState = s.buckets.back().breakerState;
        const bool wasFull = s.buckets.full();
        s.buckets.push(fresh);
        if (wasFull)
            ++s.first;
        if (index - s.first >= static_cast<std::int64_t>(m_capacity) * 2) {
            // a jump far ahead: restart the window instead of pushing millions of empty buckets
            s.buckets.clear();
            s.first = index;
        }
    }
    return &s.buckets[static_cast<std::size_t>(index - s.first)];
}

void EventBucketer::finishLatencies(Series& s, std::int64_t upTo)
{
    for (auto it = s.latencies.begin(); it != s.latencies.end() && it->first < upTo;)
        it = s.latencies.erase(it);
}

void EventBucketer::add(const Event& e)
{
    addOne(e);
    for (auto& s : m_series)
        flushPercentiles(*s);
}

void EventBucketer::flushPercentiles(Series& s)
{
    for (std::int64_t index : s.dirty) {
        auto it = s.latencies.find(index);
        if (it == s.latencies.end() || index < s.first || index >= s.first + static_cast<std::int64_t>(s.buckets.size()))
            continue;
        PipelineBucket& b = s.buckets[static_cast<std::size_t>(index - s.first)];
        b.latencyP50Ms = float(it->second.percentile(0.50) / 1e6);
        b.latencyP95Ms = float(it->second.percentile(0.95) / 1e6);
        b.latencyP99Ms = float(it->second.percentile(0.99) / 1e6);
    }
    s.dirty.clear();
}

void EventBucketer::addOne(const Event& e)
{
    m_end = std::max(m_end, toSeconds(e.time));
    switch (e.kind) {
    case EventKind::BreakerTransition: {
        m_breakerState.insert(e.source, e.to);
        ++m_transitions[e.source];
        // Every pipeline the circuit guards: pipelines naming one circuit share its state.
        for (const QString& pipeline : m_order)
            if (circuitOf(pipeline) == e.source)
                if (PipelineBucket* b = bucket(*m_series[static_cast<std::size_t>(m_index.value(pipeline))], e.time))
                    b->breakerState = e.to;
        return;
    }
    case EventKind::BreakerRejected: {
        auto& refusals = m_pendingRejections[e.requestId];
        refusals.push_back({ e.time, e.source });
        if (m_pendingRejections.size() > kMaxPendingRequests)
            m_pendingRejections.erase(m_pendingRejections.begin());
        return;
    }
    case EventKind::Attempt: {
        Series& s = series(e.source);
        if (e.outcome != OutcomeKind::Rejected) {
            ++s.summary.attempts;
            if (PipelineBucket* b = bucket(s, e.time - e.latency))
                ++b->attempts;
        }
        if (e.outcome == OutcomeKind::Timeout) {
            ++s.summary.timeouts;
            if (PipelineBucket* b = bucket(s, e.time))
                ++b->timeouts;
        }
        return;
    }
    case EventKind::RetryScheduled: {
        Series& s = series(e.source);
        ++s.summary.retries;
        if (PipelineBucket* b = bucket(s, e.time))
            ++b->retries;
        return;
    }
    case EventKind::RequestDone: {
        Series& s = series(e.source);
        ++s.summary.requests;
        if (e.fallback)
            ++s.summary.fallbacks;
        else if (e.outcome == OutcomeKind::Success)
            ++s.summary.succeeded;
        else if (e.outcome == OutcomeKind::Rejected)
            ++s.summary.rejected;
        else
            ++s.summary.failed;
        s.total.add(e.total.count());
        s.latencySumNs += double(e.total.count());
        s.lastFinish = std::max(s.lastFinish, e.time);
        if (PipelineBucket* b = bucket(s, e.time - e.total))
            ++b->requests;
        const std::int64_t index = std::max<std::int64_t>(0, e.time.time_since_epoch() / m_width);
        if (PipelineBucket* b = bucket(s, e.time)) {
            if (e.fallback)
                ++b->fallbacks;
            else if (e.outcome == OutcomeKind::Success)
                ++b->succeeded;
            else if (e.outcome == OutcomeKind::Rejected)
                ++b->rejected;
            else
                ++b->failed;
            s.latencies[index].add(e.total.count());
            s.dirty.insert(index);
        }
        if (index - kOpenBuckets > s.first && !s.latencies.empty() && s.latencies.begin()->first < index - kOpenBuckets) {
            flushPercentiles(s);
            finishLatencies(s, index - kOpenBuckets);
        }
        if (auto it = m_pendingRejections.find(e.requestId); it != m_pendingRejections.end()) {
            for (const Refusal& r : *it) {
                ++s.summary.breakerRejections;
                if (PipelineBucket* b = bucket(s, r.time))
                    ++b->breakerRejections;
                if (!m_pipelineCircuit.contains(e.source))
                    m_pipelineCircuit.insert(e.source, r.circuit); // learned: this circuit guards e.source
            }
            m_pendingRejections.erase(it);
        }
        const QString circuit = circuitOf(e.source);
        if (auto st = m_breakerState.constFind(circuit); st != m_breakerState.constEnd())
            if (PipelineBucket* b = bucket(s, e.time))
                b->breakerState = *st;
        return;
    }
    case EventKind::HedgeLaunched:
        ++series(e.source).summary.hedges; // load on the service beyond the attempts, as the simulator counts
        return;
    case EventKind::RetryGaveUp:      // the call's RequestDone counts it
    case EventKind::BulkheadRejected: // the attempt's Attempt event counts it
    case EventKind::RateLimited:
        return;
    case EventKind::FaultChanged:
    case EventKind::HedgeCancelled:
        return;
    }
}

void EventBucketer::add(const std::vector<Event>& events)
{
    for (const Event& e : events)
        addOne(e);
    for (auto& s : m_series)
        flushPercentiles(*s);
}

void EventBucketer::setResult(const RunResult& result)
{
    clear();
    m_width = result.bucketWidth > Duration::zero() ? result.bucketWidth : std::chrono::seconds(1);
    for (const PipelineSeries& p : result.pipelines) {
        Series& s = series(p.name);
        const std::size_t skip = p.buckets.size() > m_capacity ? p.buckets.size() - m_capacity : 0;
        s.first = static_cast<std::int64_t>(skip);
        for (std::size_t i = skip; i < p.buckets.size(); ++i)
            s.buckets.push(p.buckets[i]);
        m_end = std::max(m_end, toSeconds(m_width * static_cast<std::int64_t>(p.buckets.size())));
    }
    m_end = std::max(m_end, toSeconds(result.duration));
    m_drainStart = toSeconds(result.duration);
}

PipelineSummary EventBucketer::summary(const QString& pipeline) const
{
    auto it = m_index.constFind(pipeline);
    if (it == m_index.constEnd())
        return {};
    const Series& s = *m_series[static_cast<std::size_t>(*it)];
    PipelineSummary out = s.summary;
    out.latencyP50Ms = s.total.percentile(0.50) / 1e6;
    out.latencyP95Ms = s.total.percentile(0.95) / 1e6;
    out.latencyP99Ms = s.total.percentile(0.99) / 1e6;
    out.latencyMaxMs = double(s.total.max()) / 1e6;
    out.latencyMeanMs = s.total.count() ? s.latencySumNs / double(s.total.count()) / 1e6 : 0.0;
    out.lastFinishMs = double(s.lastFinish.time_since_epoch().count()) / 1e6;
    out.breakerTransitions = m_transitions.value(circuitOf(pipeline));
    return out;
}

RunResult EventBucketer::result() const
{
    RunResult r;
    r.bucketWidth = m_width;
    r.duration = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(m_end));
    r.simulatedUntil = r.duration;
    for (const QString& name : m_order) {
        const Series& s = *m_series[static_cast<std::size_t>(m_index.value(name))];
        PipelineSeries p;
        p.name = name;
        p.summary = summary(name);
        p.breaker = circuitOf(name);
        p.buckets.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, s.first))); // dropped: empty
        p.buckets.reserve(p.buckets.size() + s.buckets.size());
        s.buckets.forEach([&](const PipelineBucket& b) { p.buckets.push_back(b); });
        r.pipelines.push_back(std::move(p));
    }
    // every pipeline covers the same buckets, as a simulation's do
    std::size_t buckets = 0;
    for (const auto& p : r.pipelines)
        buckets = std::max(buckets, p.buckets.size());
    for (auto& p : r.pipelines) {
        PipelineBucket padding;
        padding.breakerState = p.buckets.empty() ? BreakerState::Closed : p.buckets.back().breakerState;
        p.buckets.resize(buckets, padding);
    }
    return r;
}

std::int64_t EventBucketer::firstBucket(const QString& pipeline) const
{
    auto it = m_index.constFind(pipeline);
    return it == m_index.constEnd() ? 0 : m_series[static_cast<std::size_t>(*it)]->first;
}

std::size_t EventBucketer::bucketCount(const QString& pipeline) const
{
    auto it = m_index.constFind(pipeline);
    return it == m_index.constEnd() ? 0 : m_series[static_cast<std::size_t>(*it)]->buckets.size();
}

std::vector<PipelineBucket> EventBucketer::buckets(const QString& pipeline) const
{
    std::vector<PipelineBucket> out;
    auto it = m_index.constFind(pipeline);
    if (it == m_index.constEnd())
        return out;
    const Series& s = *m_series[static_cast<std::size_t>(*it)];
    out.reserve(s.buckets.size());
    s.buckets.forEach([&](const PipelineBucket& b) { out.push_back(b); });
    return out;
}

} // namespace rwb
