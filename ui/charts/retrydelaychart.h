#pragma once

#include "core/events/event.h"
#include "core/policy/backoff.h"
#include "ui/charts/chartview.h"
#include "core/common/ringbuffer.h"

#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

class QGraphicsSimpleTextItem;
class QLineSeries;
class QScatterSeries;

namespace rwb {

/// Every scheduled retry as a point (x = time it was scheduled, y = its delay), coloured by retry
/// number (1, 2, 3, 4, 5+), with the configured backoff drawn as dashed lines (the un-jittered,
/// capped delay of each retry number, computed by the engine's Backoff) and the max_delay cap as a
/// red line, so jitter spread and the cap show at a glance. Hedges (HedgeLaunched) are points of their
/// own colour: x = when the hedge was sent, y = how long the try had waited for an answer.
///
/// Fed by RetryScheduled and HedgeLaunched events (appendEvents: live and replay; setEvents: a simulation run's event
/// stream). Keeps at most `capacity` retries (oldest dropped); dense clouds are decimated to one
/// point per pixel. GUI thread only.
class RetryDelayChart final : public ChartView {
    Q_OBJECT
public:
    static constexpr int kGroups = 5; ///< retry numbers 1..4 and "5 and more"

    explicit RetryDelayChart(QWidget* parent = nullptr);
    ~RetryDelayChart() override;

    void clear();
    void setEvents(const std::vector<Event>& events);
    void appendEvents(const std::vector<Event>& events);
    /// Compare A/B: variant B's retries drawn as hollow rings over the current ones (one legend
    /// entry, "retries (B)"). nullptr removes them; so do clear() and setEvents() (call this after).
    void setComparison(const std::vector<Event>* variantB);
    std::size_t retryCountB() const noexcept { return m_pointsB.size(); }
    int drawnPointsB() const;

    /// The configured backoff to draw; `maxRetries` limits the dashed lines. nullopt hides them.
    void setBackoff(const std::optional<BackoffConfig>& config, int maxRetries = 4);
    /// Only retries of this pipeline (empty: all).
    void setPipelineFilter(const QString& pipeline);

    void setCapacity(std::size_t retries);
    std::size_t retryCount() const noexcept { return m_points.size(); }
    /// Points currently drawn for a retry group (0-based: group 0 = first retries).
    int drawnPoints(int group) const;
    /// Hedge points currently drawn.
    int drawnHedges() const;
    /// The dashed line height (ms) of a group, or -1 when not drawn.
    double curveMs(int group) const;
    /// The cap line height (ms), or -1 when not drawn.
    double capMs() const;

protected:
    void refreshSeries() override;
    QString tooltipFor(QAbstractSeries* series, const QPointF& value) const override;
    void toggleSeries(QAbstractSeries* series) override;
    void applyStyle() override;

private:
    struct Point {
        double t = 0;
        double delayMs = 0;
        std::uint64_t requestId = 0;
        int retry = 0; // the retry number, or for a hedge its number within the try
        int pipeline = 0;
        bool hedge = false;
    };
    static int groupOf(int retry) { return std::clamp(retry, 1, kGroups) - 1; }
    void add(const Event& e);
    void placeCurveLabels();
    int pipelineId(const QString& name);
    /// The point of `points` nearest to `value` (axis coordinates) that passes the pipeline filter and
    /// `accept`, or nullptr.
    const Point* nearest(const RingBuffer<Point>& points, const QPointF& value,
        const std::function<bool(const Point&)>& accept) const;

    RingBuffer<Point> m_points {200000};
    RingBuffer<Point> m_pointsB {200000};
    QScatterSeries* m_groupB = nullptr;
    QStringList m_pipelines;
    int m_filter = -1; // -1: all
    QString m_filterName;
    QScatterSeries* m_groups[kGroups] = {};
    QScatterSeries* m_hedges = nullptr;
    QLineSeries* m_curves[kGroups] = {};
    QGraphicsSimpleTextItem* m_curveLabels[kGroups] = {};
    QLineSeries* m_cap = nullptr;
    std::optional<Backoff> m_backoff;
    int m_maxRetries = 4;
    double m_unit = 1.0; // ms per axis unit (1 or 1000)
    double m_end = 0;
};

} // namespace rwb
