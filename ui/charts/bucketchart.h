#pragma once

#include "core/events/event.h"
#include "core/run/eventbucketer.h"
#include "ui/charts/chartview.h"
#include "ui/run/runscope.h"

#include <functional>
#include <vector>

class QLineSeries;

namespace rwb {

struct RunResult;

/// Base of the charts drawn from per-second buckets (traffic, latency): one line per metric, fed by
/// a whole RunResult (simulate mode) or by event batches through a EventBucketer (live and
/// replay), so both modes draw the same figures. Dense series are decimated to min/max per pixel
/// column; every refresh uses QXYSeries::replace(). Shows one pipeline, all of them combined (summed,
/// or the maximum for metrics that do not add up, such as percentiles), or each pipeline as its own
/// line per metric (the first pipeline's lines full width, the others' thin and darker; one legend
/// entry per metric toggles them all). In simulate mode the drain after the scenario's duration is
/// left out: no request starts there, so every rate would fall to zero. GUI thread only.
class BucketChart : public ChartView {
    Q_OBJECT
public:
    explicit BucketChart(QWidget* parent = nullptr);
    ~BucketChart() override;

    void clear();
    void setResult(const RunResult& result);
    /// Compare A/B: draws variant B's run over the current one, each metric as a thin twin of its
    /// line (same colour, no legend entry of its own: the metric's entry toggles both). nullptr
    /// removes the overlay.
    void setComparison(const RunResult* variantB);
    bool hasComparison() const noexcept { return m_hasB; }
    void appendEvents(const std::vector<Event>& events);
    /// Events to come: `circuit` guards `pipeline` (a live run's scenario says so; cleared by clear()).
    void setCircuit(const QString& circuit, const QString& pipeline) { m_bucketer.setCircuit(circuit, pipeline); }
    /// The events are complete (a live run ended, a log was drawn to its end): the newest bucket
    /// is drawn too, scaled to the time it covers, so every line ends where the data ends.
    void finishEvents();

    /// What is drawn: each pipeline, one, or all combined (the default of a chart on its own).
    void setScope(const RunScope& scope);
    const RunScope& scope() const noexcept { return m_scope; }
    /// Only this pipeline (empty: all pipelines combined); shorthand for setScope().
    void setPipelineFilter(const QString& pipeline);
    QString pipelineFilter() const { return m_scope.kind == RunScope::Kind::One ? m_scope.pipeline : QString(); }
    QStringList pipelines() const { return m_bucketer.pipelines(); }
    /// Lines drawn per metric: the pipelines shown side by side (1 unless the scope is Each).
    int slotCount() const;
    /// The pipeline slot `slot` draws ("" when it draws all pipelines combined).
    QString slotPipeline(int slot) const;

    /// The drawn (decimated, visible) points of metric `index` in slot `slot` (tests, export).
    QList<QPointF> points(int index, int slot = 0) const;
    int metricCount() const noexcept { return static_cast<int>(m_metrics.size()); }
    /// The full-resolution values of metric `index` of slot `slot`, one per bucket (x = bucket centre, seconds).
    QList<QPointF> values(int index, int slot = 0) const;
    /// The same for variant B (empty without a comparison).
    QList<QPointF> valuesB(int index, int slot = 0) const;
    /// The drawn points of metric `index` for variant B.
    QList<QPointF> pointsB(int index, int slot = 0) const;
    const EventBucketer& bucketer() const noexcept { return m_bucketer; }

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
    /// The legend's line of metric `index` gets a short label for narrow charts.
    void setShortName(int index, const QString& shortName);
    void refreshSeries() override;
    void applyStyle() override;
    void toggleSeries(QAbstractSeries* series) override;
    QString tooltipFor(QAbstractSeries* series, const QPointF& value) const override;
    /// Unit shown in tooltips ("/s", "ms").
    virtual QString unit() const = 0;

private:
    /// One drawn line: a metric of one slot (a pipeline, or the combination) of variant A or B.
    struct Line {
        int metric = 0;
        int slot = 0;
        bool variantB = false;
        QLineSeries* series = nullptr;
    };
    /// `pipeline` empty: every pipeline combined.
    QList<QPointF> valuesFrom(const EventBucketer& bucketer, int index, bool live, const QString& pipeline) const;
    const Line* lineOf(const QAbstractSeries* series) const;
    QLineSeries* seriesAt(int metric, int slot, bool variantB) const;
    /// Creates (a few of) the missing lines of slots up to `count` - 1; true when none is missing.
    bool ensureSlots(int count);
    void addLine(int metric, int slot, bool variantB);
    void styleLine(const Line& line);
    /// Shows each line when its metric, its slot and (for B) the comparison are shown.
    void updateVisibility();

    std::vector<Metric> m_metrics;
    std::vector<Line> m_lines; // slot 0's A lines first (they carry the legend), in metric order
    EventBucketer m_bucketer;
    EventBucketer m_bucketerB;
    bool m_hasB = false;
    RunScope m_scope = RunScope::all();
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
