#pragma once

#include "core/events/event.h"
#include "ui/chartbucketer.h"
#include "ui/chartview.h"

#include <functional>
#include <vector>

class QLineSeries;

namespace rwb {

struct SimulationResult;

/// Base of the charts drawn from per-second buckets (traffic, latency): one line per metric, fed by
/// a whole SimulationResult (simulate mode) or by event batches through a ChartBucketer (live and
/// replay), so both modes draw the same figures. Dense series are decimated to min/max per pixel
/// column; every refresh uses QXYSeries::replace(). Shows one pipeline or all of them (summed, or
/// the maximum for metrics that do not add up, such as percentiles). GUI thread only.
class BucketChart : public ChartView {
    Q_OBJECT
public:
    explicit BucketChart(QWidget* parent = nullptr);
    ~BucketChart() override;

    void clear();
    void setResult(const SimulationResult& result);
    /// Compare A/B: draws variant B's run over the current one, each metric as a thin twin of its
    /// line (same colour, no legend entry of its own: the metric's entry toggles both). nullptr
    /// removes the overlay.
    void setComparison(const SimulationResult* variantB);
    bool hasComparison() const noexcept { return m_hasB; }
    void appendEvents(const std::vector<Event>& events);

    /// Only this pipeline (empty: all pipelines combined).
    void setPipelineFilter(const QString& pipeline);
    QString pipelineFilter() const { return m_filter; }
    QStringList pipelines() const { return m_bucketer.pipelines(); }

    /// The drawn (decimated, visible) points of metric `index` (tests, export).
    QList<QPointF> points(int index) const;
    int metricCount() const noexcept { return static_cast<int>(m_metrics.size()); }
    /// The full-resolution values of metric `index`, one per bucket (x = bucket centre, seconds).
    QList<QPointF> values(int index) const;
    /// The same for variant B (empty without a comparison).
    QList<QPointF> valuesB(int index) const;
    /// The drawn points of metric `index` for variant B.
    QList<QPointF> pointsB(int index) const;
    const ChartBucketer& bucketer() const noexcept { return m_bucketer; }

protected:
    enum class Combine { Sum, Max };
    struct Metric {
        QString name;
        QColor color;
        std::function<double(const PipelineBucket&)> value; ///< of one bucket
        Combine combine = Combine::Sum;
        qreal widthFactor = 1.0; ///< of the chart's line width; a wide translucent line reads as a backdrop
        bool skipEmpty = false; ///< no point for buckets where value is 0 (percentiles of idle seconds)
        bool perSecond = true;  ///< divide by the bucket width (counts); false for levels (latency)
    };
    void addMetric(Metric metric);
    void refreshSeries() override;
    void applyStyle() override;
    void toggleSeries(QAbstractSeries* series) override;
    QString tooltipFor(QAbstractSeries* series, const QPointF& value) const override;
    /// Unit shown in tooltips ("/s", "ms").
    virtual QString unit() const = 0;

private:
    QList<QPointF> valuesFrom(const ChartBucketer& bucketer, int index, bool live) const;
    /// Metric index of `series` (an A line or its B twin), or -1.
    int metricOf(const QAbstractSeries* series) const;
    /// Shows metric's B twin when comparing and the metric itself is shown.
    void showTwin(std::size_t metric);

    std::vector<Metric> m_metrics;
    std::vector<QLineSeries*> m_series;
    std::vector<QLineSeries*> m_seriesB; // twins for variant B, same order as m_series
    ChartBucketer m_bucketer;
    ChartBucketer m_bucketerB;
    bool m_hasB = false;
    QString m_filter;
    bool m_live = false; // fed by events: the newest bucket is still filling
};

/// Offered load, attempts reaching the service, successes, failures, rejections and fallbacks per
/// second.
class TrafficChart final : public BucketChart {
    Q_OBJECT
public:
    explicit TrafficChart(QWidget* parent = nullptr);

protected:
    QString unit() const override { return tr("/s"); }
};

/// End-to-end latency percentiles p50 / p95 / p99 per second, in milliseconds.
class LatencyChart final : public BucketChart {
    Q_OBJECT
public:
    explicit LatencyChart(QWidget* parent = nullptr);

protected:
    QString unit() const override { return tr("ms"); }
};

} // namespace rwb
