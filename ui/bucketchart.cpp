#include "ui/bucketchart.h"

#include "core/sim/simulationresult.h"
#include "ui/chartdecimation.h"
#include "ui/timeaxis.h"

#include <QCategoryAxis>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rwb {

BucketChart::BucketChart(QWidget* parent)
    : ChartView(parent)
{
}

BucketChart::~BucketChart() = default;

void BucketChart::addMetric(Metric metric)
{
    auto* s = new QLineSeries;
    s->setName(metric.name);
    auto* b = new QLineSeries;
    b->setName(tr("%1 (B)").arg(metric.name));
    b->setVisible(false);
    m_metrics.push_back(std::move(metric));
    m_series.push_back(s);
    m_seriesB.push_back(b);
    addChartSeries(s);
    addChartSeries(b, false);
    applyStyle();
}

void BucketChart::applyStyle()
{
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        // Solid pens only: Qt's dash stroker costs ~40x a solid line on a min/max-decimated series (64 ms
        // against 1.6 ms for 2,800 points), which was most of a redraw. Flat caps and bevel joins also
        // spare the stroker the curves of round ones.
        QPen pen(m_metrics[i].color);
        pen.setWidthF(lineWidth() * m_metrics[i].widthFactor);
        pen.setCapStyle(Qt::FlatCap);
        pen.setJoinStyle(Qt::BevelJoin);
        m_series[i]->setPen(pen);
        // variant B: the same colour, thinner and a little lighter, so A stays the reference
        QColor twin = m_metrics[i].color;
        twin.setAlphaF(twin.alphaF() * 0.8);
        pen.setColor(twin.lighter(115));
        pen.setWidthF(std::max(1.0, pen.widthF() * 0.45));
        m_seriesB[i]->setPen(pen);
    }
}

void BucketChart::setComparison(const SimulationResult* variantB)
{
    m_hasB = variantB != nullptr;
    if (variantB) {
        m_bucketerB.setResult(*variantB);
        extendTime(m_bucketerB.endSeconds());
    } else {
        m_bucketerB.clear();
    }
    for (std::size_t i = 0; i < m_series.size(); ++i)
        showTwin(i);
    scheduleRefresh();
}

void BucketChart::showTwin(std::size_t metric)
{
    const bool visible = m_hasB && m_series[metric]->isVisible();
    if (m_seriesB[metric]->isVisible() == visible)
        return;
    m_seriesB[metric]->setVisible(visible);
    updateLegendMarker(m_seriesB[metric]); // Qt would show its legend entry with it
}

int BucketChart::metricOf(const QAbstractSeries* series) const
{
    for (std::size_t i = 0; i < m_series.size(); ++i)
        if (m_series[i] == series || m_seriesB[i] == series)
            return static_cast<int>(i);
    return -1;
}

void BucketChart::toggleSeries(QAbstractSeries* series)
{
    ChartView::toggleSeries(series);
    if (const int i = metricOf(series); i >= 0)
        showTwin(std::size_t(i));
}

void BucketChart::clear()
{
    setComparison(nullptr);
    m_bucketer.clear();
    m_live = false;
    resetTime();
    scheduleRefresh();
}

void BucketChart::setResult(const SimulationResult& result)
{
    m_bucketer.setResult(result);
    m_live = false;
    resetTime();
    extendTime(m_bucketer.endSeconds());
    scheduleRefresh();
}

void BucketChart::appendEvents(const std::vector<Event>& events)
{
    if (events.empty())
        return;
    m_bucketer.add(events);
    m_live = true;
    extendTime(m_bucketer.endSeconds());
    scheduleRefresh();
}

void BucketChart::setPipelineFilter(const QString& pipeline)
{
    m_filter = pipeline;
    scheduleRefresh();
}

QList<QPointF> BucketChart::values(int index) const { return valuesFrom(m_bucketer, index, m_live); }

QList<QPointF> BucketChart::valuesB(int index) const
{
    return m_hasB ? valuesFrom(m_bucketerB, index, false) : QList<QPointF>();
}

QList<QPointF> BucketChart::valuesFrom(const ChartBucketer& bucketer, int index, bool live) const
{
    QList<QPointF> out;
    if (index < 0 || index >= metricCount())
        return out;
    const Metric& m = m_metrics[static_cast<std::size_t>(index)];
    const double width = toSeconds(bucketer.bucketWidth());
    // combine pipelines bucket by bucket; they may start at different indexes after old buckets dropped
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
    for (const QString& p : bucketer.pipelines()) {
        if (!m_filter.isEmpty() && p != m_filter)
            continue;
        const std::int64_t first = bucketer.firstBucket(p);
        lo = std::min(lo, first);
        hi = std::max(hi, first + static_cast<std::int64_t>(bucketer.bucketCount(p)));
    }
    if (hi <= lo)
        return out;
    std::vector<double> combined(static_cast<std::size_t>(hi - lo), 0.0);
    std::vector<bool> present(combined.size(), false);
    for (const QString& p : bucketer.pipelines()) {
        if (!m_filter.isEmpty() && p != m_filter)
            continue;
        std::size_t slot = static_cast<std::size_t>(bucketer.firstBucket(p) - lo);
        bucketer.forEachBucket(p, [&](const PipelineBucket& b) {
            const double v = m.perSecond ? m.value(b) / width : m.value(b);
            if (!present[slot])
                combined[slot] = v;
            else
                combined[slot] = m.combine == Combine::Sum ? combined[slot] + v : std::max(combined[slot], v);
            present[slot] = true;
            ++slot;
        });
    }
    const double end = bucketer.endSeconds();
    out.reserve(static_cast<qsizetype>(combined.size()));
    for (std::size_t i = 0; i < combined.size(); ++i) {
        if (!present[i])
            continue;
        const double start = static_cast<double>(lo + static_cast<std::int64_t>(i)) * width;
        if (live && start + width > end + 1e-9)
            continue; // still filling: drawing it would show a fake dip
        if (m.skipEmpty && combined[i] == 0)
            continue;
        out.append(QPointF(start + width / 2, combined[i]));
    }
    return out;
}

QList<QPointF> BucketChart::points(int index) const
{
    return index < 0 || index >= metricCount() ? QList<QPointF>() : m_series[std::size_t(index)]->points();
}

QList<QPointF> BucketChart::pointsB(int index) const
{
    return index < 0 || index >= metricCount() ? QList<QPointF>() : m_seriesB[std::size_t(index)]->points();
}

void BucketChart::refreshSeries()
{
    const double visMin = visibleMin();
    const double visMax = visibleMax();
    double maxY = 0;
    std::vector<double> positives;
    // A's lines then B's twins, in one list so both share the value axis
    std::vector<QLineSeries*> lines = m_series;
    lines.insert(lines.end(), m_seriesB.begin(), m_seriesB.end());
    std::vector<QList<QPointF>> reduced(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const int metric = static_cast<int>(i % m_series.size());
        const bool twin = i >= m_series.size();
        reduced[i] = decimateMinMax(twin ? valuesB(metric) : values(metric), visMin, visMax, plotColumns());
        if (lines[i]->isVisible())
            for (const QPointF& p : std::as_const(reduced[i]))
                if (p.x() >= visMin && p.x() <= visMax) {
                    maxY = std::max(maxY, p.y());
                    if (p.y() > 0)
                        positives.push_back(p.y());
                }
    }
    const auto [low, typical] = lowAndTypical(std::move(positives));
    setValueRange(low, maxY > 0 ? maxY : 1.0, typical);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (isLogScale())
            for (QPointF& p : reduced[i])
                p.setY(toAxis(p.y()));
        lines[i]->replace(reduced[i]);
    }
}

QString BucketChart::tooltipFor(QAbstractSeries* series, const QPointF& value) const
{
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const bool twin = m_seriesB[i] == series;
        if (m_series[i] != series && !twin)
            continue;
        const QList<QPointF> v = twin ? valuesB(static_cast<int>(i)) : values(static_cast<int>(i));
        if (v.isEmpty())
            return QString();
        auto it = std::lower_bound(v.begin(), v.end(), value.x(), [](const QPointF& p, double x) { return p.x() < x; });
        if (it == v.end())
            --it;
        else if (it != v.begin() && std::abs((it - 1)->x() - value.x()) < std::abs(it->x() - value.x()))
            --it;
        const double width = toSeconds(m_bucketer.bucketWidth());
        QString text = QStringLiteral("<b>%1</b><br>%2 – %3<br>%4 %5")
                           .arg(series->name().toHtmlEscaped(), formatRunTime(it->x() - width / 2),
                               formatRunTime(it->x() + width / 2), QString::number(it->y(), 'g', 4), unit());
        if (!m_filter.isEmpty())
            text += QStringLiteral("<br><i>%1</i>").arg(m_filter.toHtmlEscaped());
        return text;
    }
    return ChartView::tooltipFor(series, value);
}

TrafficChart::TrafficChart(QWidget* parent)
    : BucketChart(parent)
{
    chart()->setTitle(tr("Traffic"));
    setValueTitle(tr("per second"));
    addMetric({tr("offered load"), QColor(0x5a, 0x64, 0x78, 0x66),
        [](const PipelineBucket& b) { return double(b.requests); }, Combine::Sum, 2.6, false});
    addMetric({tr("attempts to service"), QColor(0x00, 0x72, 0xb2),
        [](const PipelineBucket& b) { return double(b.attempts); }, Combine::Sum, 1.0, false});
    addMetric({tr("succeeded"), chartcolors::closed(), [](const PipelineBucket& b) { return double(b.succeeded); },
        Combine::Sum, 1.0, false});
    addMetric({tr("failed"), chartcolors::open(), [](const PipelineBucket& b) { return double(b.failed); },
        Combine::Sum, 1.0, false});
    addMetric({tr("rejected"), QColor(0xcc, 0x79, 0xa7), [](const PipelineBucket& b) { return double(b.rejected); },
        Combine::Sum, 1.0, false});
    addMetric({tr("fallback"), QColor(0xe6, 0x9f, 0x00), [](const PipelineBucket& b) { return double(b.fallbacks); },
        Combine::Sum, 1.0, false});
}

LatencyChart::LatencyChart(QWidget* parent)
    : BucketChart(parent)
{
    chart()->setTitle(tr("Latency"));
    setValueTitle(tr("ms"));
    setValueScale(ValueScale::Auto);
    addMetric({tr("p50"), QColor(0x00, 0x9e, 0x73), [](const PipelineBucket& b) { return double(b.latencyP50Ms); },
        Combine::Max, 1.0, true, false});
    addMetric({tr("p95"), QColor(0xe6, 0x9f, 0x00), [](const PipelineBucket& b) { return double(b.latencyP95Ms); },
        Combine::Max, 1.0, true, false});
    addMetric({tr("p99"), QColor(0xd5, 0x5e, 0x00), [](const PipelineBucket& b) { return double(b.latencyP99Ms); },
        Combine::Max, 1.0, true, false});
}

} // namespace rwb
