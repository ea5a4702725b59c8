#include "core/run/runmetrics.h"

namespace rwb {

RunMetrics RunMetrics::from(const RunResult& result, const std::vector<Event>* events, const Selection& selection)
{
    const bool everything = selection.pipelines.isEmpty();
    std::vector<const PipelineSeries*> pipelines;
    QStringList services;
    for (const auto& p : result.pipelines) {
        if (!everything && !selection.pipelines.contains(p.name))
            continue;
        pipelines.push_back(&p);
        if (!services.contains(p.service))
            services.append(p.service);
    }

    RunMetrics m;
    PipelineTotal total;
    for (const PipelineSeries* p : pipelines)
        total.add(*p);
    m.total = total.summary();

    const std::size_t buckets = result.bucketCount();
    std::vector<bool> failing(buckets, false);
    std::vector<bool> observed(buckets, false); // some attempt reached a service / some call finished
    const bool serviceData = !result.services.empty();
    if (serviceData) {
        m.serviceLoad = 0;
        m.peakConcurrency = 0;
        for (const auto& s : result.services) {
            if (!everything && !services.contains(s.name))
                continue;
            *m.serviceLoad += s.arrivals;
            m.peakConcurrency = std::max(*m.peakConcurrency, s.maxConcurrency);
            for (std::size_t i = 0; i < std::min(buckets, s.buckets.size()); ++i) {
                const auto& b = s.buckets[i];
                if (b.arrivals > 0)
                    observed[i] = true;
                if (b.arrivals > 0 && b.errors * 2 >= b.arrivals)
                    failing[i] = true;
            }
        }
    } else {
        for (std::size_t i = 0; i < buckets; ++i) {
            std::uint64_t finished = 0, answered = 0;
            for (const PipelineSeries* p : pipelines)
                if (i < p->buckets.size()) {
                    finished += p->buckets[i].finished();
                    answered += p->buckets[i].succeeded;
                }
            observed[i] = finished > 0;
            failing[i] = finished > 0 && answered * 2 < finished;
        }
    }
    const auto width = result.bucketWidth;
    // The fault is the first failing stretch of the traffic period: a second or two of failures later on
    // (a few retries answered during the drain, noise) is not the same fault. One healthy bucket inside
    // a stretch does not end it (a fault that lets some calls through flickers bucket by bucket), and a
    // bucket nobody reached (an open breaker let no attempt through) neither ends nor extends it.
    const std::size_t trafficBuckets = std::min(buckets,
        std::size_t(std::max<std::int64_t>(1, (result.duration.count() + width.count() - 1) / std::max<std::int64_t>(width.count(), 1))));
    std::optional<std::size_t> first;
    std::optional<std::size_t> last;
    int healthySinceLast = 0;
    for (std::size_t i = 0; i < trafficBuckets; ++i) {
        if (failing[i]) {
            if (!first)
                first = i;
            last = i;
            healthySinceLast = 0;
        } else if (last && observed[i] && ++healthySinceLast > 1) {
            break;
        }
    }
    if (!first)
        return m;
    m.faultStart = width * std::int64_t(*first);
    m.faultEnd = width * std::int64_t(*last + 1);
    const auto guards = [&](const QString& circuit) { return everything || selection.circuits.contains(circuit); };
    if (events) {
        // The fault change that starts the failing period, and the first trip after it.
        const TimePoint bucketStart = TimePoint(*m.faultStart);
        TimePoint start = bucketStart;
        for (const Event& e : *events) {
            if (e.kind == EventKind::FaultChanged && (everything || services.contains(e.source))
                && e.time <= bucketStart + width && e.time + width >= bucketStart) {
                start = e.time;
                break;
            }
        }
        m.faultStart = start.time_since_epoch();
        // ...and the fault change that ends it, when one falls in or right after its last failing bucket.
        const TimePoint lastStart = TimePoint(width * std::int64_t(*last));
        for (const Event& e : *events) {
            if (e.kind == EventKind::FaultChanged && (everything || services.contains(e.source)) && e.time > start
                && e.time >= lastStart && e.time <= lastStart + 2 * width) {
                m.faultEnd = e.time.time_since_epoch();
                break;
            }
        }
        for (const Event& e : *events) {
            if (e.kind == EventKind::BreakerTransition && e.to == BreakerState::Open && e.time >= start
                && guards(e.source)) {
                m.timeToDetect = e.time - start;
                break;
            }
        }
    } else {
        for (std::size_t i = *first; i < buckets && !m.timeToDetect; ++i) {
            for (const PipelineSeries* p : pipelines) {
                if (i < p->buckets.size() && p->buckets[i].breakerState != BreakerState::Closed) {
                    m.timeToDetect = width * std::int64_t(i - *first);
                    break;
                }
            }
        }
    }
    for (std::size_t i = *last + 1; i < buckets && !m.timeToRecover; ++i) {
        std::uint64_t finished = 0;
        std::uint64_t served = 0;
        for (const PipelineSeries* p : pipelines) {
            if (i < p->buckets.size()) {
                finished += p->buckets[i].finished();
                served += p->buckets[i].succeeded + p->buckets[i].fallbacks;
            }
        }
        if (finished > 0 && served * 100 >= finished * 95)
            m.timeToRecover = width * std::int64_t(i - *last - 1);
    }
    return m;
}

} // namespace rwb
