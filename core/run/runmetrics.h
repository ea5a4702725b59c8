#pragma once

#include "core/events/event.h"
#include "core/events/eventsink.h"
#include "core/run/runresult.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace rwb {

/// Figures derived from a RunResult for the summary and A/B tables and the metrics export,
/// for all pipelines or a subset (one column of the Summary per pipeline). Pure functions of the
/// result (no policy decisions): thread-safe.
struct RunMetrics {
    PipelineSummary total; ///< the covered pipelines' summaries added up (percentiles: their maximum)
    std::optional<std::uint64_t> serviceLoad;   ///< attempts that reached the services; nullopt without service data
    std::optional<std::uint32_t> peakConcurrency; ///< highest concurrency seen in the services; likewise
    /// From the first second the services mostly fail (>= 50 % errors) to the first second a breaker is open.
    std::optional<Duration> timeToDetect;
    /// From the last mostly-failing second to the first later second with >= 95 % of requests served.
    std::optional<Duration> timeToRecover;
    std::optional<Duration> faultStart;
    std::optional<Duration> faultEnd;

    /// Which part of a run the figures cover.
    struct Selection {
        QStringList pipelines; ///< empty: every pipeline
        QStringList circuits;  ///< the circuits guarding them (whose opening detects the fault); ignored for every pipeline
    };

    /// With the run's events (FaultChanged, BreakerTransition) the fault start and the detection are
    /// exact instead of rounded to the 1 s buckets. Without service series (a run rebuilt from
    /// events) a second is failing when the services answered under half of its finished requests.
    static RunMetrics from(
        const RunResult& result, const std::vector<Event>* events = nullptr, const Selection& selection = {});
};

/// Keeps the events RunMetrics::from() reads (breaker transitions and fault changes) so the time to
/// detect is exact rather than rounded to whole buckets. Cheap: executors build no other event for it.
/// Not thread-safe (one executor thread).
class KeyEventSink final : public EventSink {
public:
    void onEvent(const Event& event) override
    {
        if (event.kind == EventKind::BreakerTransition || event.kind == EventKind::FaultChanged)
            m_events.push_back(event);
    }
    EventKindSet interests() const override { return { EventKind::BreakerTransition, EventKind::FaultChanged }; }
    const std::vector<Event>& events() const noexcept { return m_events; }

private:
    std::vector<Event> m_events;
};

} // namespace rwb
