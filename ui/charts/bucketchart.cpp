#include "ui/charts/bucketchart.h"

#include "core/run/runresult.h"
#include "ui/charts/chartdecimation.h"
#include "ui/common/timeaxis.h"

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
    m_metrics.push_back(std::move(metric));
    const int index = static_cast<int>(m_metrics.size()) - 1;
    // slot 0's A lines come first and in metric order: metric i's legend line is m_lines[i]
    std::vector<Line> rest(m_lines.begin() + index, m_lines.end());
    m_lines.erase(m_lines.begin() + index, m_lines.end());
    addLine(index, 0, false);
    m_lines.insert(m_lines.end(), rest.begin(), rest.end());
    addLine(index, 0, true);
    updateVisibility();
}

void BucketChart::setShortName(int index, const QString& shortName)
{
    if (QLineSeries* s = seriesAt(index, 0, false))
        setShortLegendName(s, shortName);
}

void BucketChart::addLine(int metric, int slot, bool variantB)
{
    auto* s = new QLineSeries;
    const QString& name = m_metrics[std::size_t(metric)].name;
    s->setName(variantB ? tr("%1 (B)").arg(name) : name);
    m_lines.push_back({ metric, slot, variantB, s });
    addChartSeries(s, slot == 0 && !variantB);
    styleLine(m_lines.back());
}

bool BucketChart::ensureSlots(int count)
{
    // Adding a series to a chart costs Qt several milliseconds (items, legend, axes): a second
    // pipeline's twelve lines at once stalled the window for ~140 ms. A few per refresh; the next
    // refresh adds the rest (the lines not yet there are simply not drawn meanwhile).
    int budget = 4;
    for (int slot = 1; slot < count; ++slot)
        for (int m = 0; m < metricCount(); ++m)
            for (const bool variantB : { false, true }) {
                if ((variantB && !m_hasB) || seriesAt(m, slot, variantB))
                    continue;
                if (budget-- <= 0)
                    return false;
                addLine(m, slot, variantB);
            }
    return true;
}

QLineSeries* BucketChart::seriesAt(int metric, int slot, bool variantB) const
{
    for (const Line& l : m_lines)
        if (l.metric == metric && l.slot == slot && l.variantB == variantB)
            return l.series;
    return nullptr;
}

const BucketChart::Line* BucketChart::lineOf(const QAbstractSeries* series) const
{
    for (const Line& l : m_lines)
        if (l.series == series)
            return &l;
    return nullptr;
}

void BucketChart::styleLine(const Line& line)
{
    // Solid pens only: Qt's dash stroker costs ~40x a solid line on a min/max-decimated series (64 ms
    // against 1.6 ms for 2,800 points), which was most of a redraw. Flat caps and bevel joins also
    // spare the stroker the curves of round ones.
    const Metric& m = m_metrics[std::size_t(line.metric)];
    QColor color = m.color;
    qreal width = lineWidth() * m.widthFactor;
    if (line.slot > 0) {
        // the other pipelines: thin and darker, so the first stays readable where they overlap
        color = color.darker(100 + 35 * line.slot);
        width = std::max(1.0, width * 0.5);
    }
    if (line.variantB) {
        // variant B: the same colour, thinner and a little lighter, so A stays the reference
        color.setAlphaF(color.alphaF() * 0.8);
        color = color.lighter(115);
        width = std::max(1.0, width * 0.45);
    }
    QPen pen(color);
    pen.setWidthF(width);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::BevelJoin);
    line.series->setPen(pen);
}

void BucketChart::applyStyle()
{
    for (const Line& l : m_lines)
        styleLine(l);
}

void BucketChart::updateVisibility()
{
    const int shownSlots = slotCount();
    for (const Line& l : m_lines) {
        if (l.slot == 0 && !l.variantB)
            continue; // the legend's line: the user's choice
        const bool metricShown = m_lines[std::size_t(l.metric)].series->isVisible();
        const bool visible = metricShown && l.slot < shownSlots && (!l.variantB || m_hasB);
        if (l.series->isVisible() != visible) {
            l.series->setVisible(visible);
            updateLegendMarker(l.series); // Qt would show its legend entry with it
        }
    }
}

int BucketChart::slotCount() const
{
    return m_scope.kind == RunScope::Kind::Each ? std::max<int>(1, static_cast<int>(m_bucketer.pipelines().size())) : 1;
}

QString BucketChart::slotPipeline(int slot) const
{
    switch (m_scope.kind) {
    case RunScope::Kind::One:
        return m_scope.pipeline;
    case RunScope::Kind::All:
        return {};
    case RunScope::Kind::Each:
        break;
    }
    const QStringList all = m_bucketer.pipelines();
    return slot >= 0 && slot < all.size() ? all.at(slot) : QString();
}

void BucketChart::setComparison(const RunResult* variantB)
{
    m_hasB = variantB != nullptr;
    if (variantB) {
        m_bucketerB.setResult(*variantB);
        extendTime(std::min(m_bucketerB.endSeconds(), m_bucketerB.drainStart()));
    } else {
        m_bucketerB.clear();
    }
    updateVisibility();
    scheduleRefresh();
}

void BucketChart::toggleSeries(QAbstractSeries* series)
{
    ChartView::toggleSeries(series);
    updateVisibility();
}

void BucketChart::clear()
{
    setComparison(nullptr);
    m_bucketer.clear();
    m_live = false;
    resetTime();
    scheduleRefresh();
}

void BucketChart::setResult(const RunResult& result)
{
    m_bucketer.setResult(result);
    m_live = false;
    resetTime();
    extendTime(std::min(m_bucketer.endSeconds(), m_bucketer.drainStart()));
    scheduleRefresh();
}

void BucketChart::appendEvents(const std::vector<Event>& events)
{
    if (events.empty())
        return;
    m_bucketer.add(events);
    m_bucketer.setEnd(std::numeric_limits<double>::infinity());
    m_live = true;
    extendTime(m_bucketer.endSeconds());
    scheduleRefresh();
}

void BucketChart::finishEvents()
{
    if (!m_live)
        return;
    m_live = false;
    // the data end a hair past the last event: its bucket counts over the time it really covers
    m_bucketer.setEnd(std::max(m_bucketer.endSeconds(), 1e-3));
    scheduleRefresh();
}

void BucketChart::setScope(const RunScope& scope)
{
    m_scope = scope;
    scheduleRefresh();
}

void BucketChart::setPipelineFilter(const QString& pipeline)
{
    setScope(pipeline.isEmpty() ? RunScope::all() : RunScope::one(pipeline));
}

QList<QPointF> BucketChart::values(int index, int slot) const
{
    return valuesFrom(m_bucketer, index, m_live, slotPipeline(slot));
}

QList<QPointF> BucketChart::valuesB(int index, int slot) const
{
    return m_hasB ? valuesFrom(m_bucketerB, index, false, slotPipeline(slot)) : QList<QPointF>();
}

QList<QPointF> BucketChart::valuesFrom(
    const EventBucketer& bucketer, int index, bool live, const QString& pipeline) const
{
    QList<QPointF> out;
    if (index < 0 || index >= metricCount())
        return out;
    const Metric& m = m_metrics[static_cast<std::size_t>(index)];
    const double width = toSeconds(bucketer.bucketWidth());
    // combine pipelines bucket by bucket; they may start at different indexes after old buckets dropped
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
    for (const QString& p : bucketer.pipelines()) {
        if (!pipeline.isEmpty() && p != pipeline)
            continue;
        const std::int64_t first = bucketer.firstBucket(p);
        lo = std::min(lo, first);
        hi = std::max(hi, first + static_cast<std::int64_t>(bucketer.bucketCount(p)));
    }
    if (hi <= lo)
        return out;
    std::vector<double> combined(static_cast<std::size_t>(hi - lo), 0.0);
    std::vector<bool> present(combined.size(), false);
    const double drain = bucketer.drainStart();
    for (const QString& p : bucketer.pipelines()) {
        if (!pipeline.isEmpty() && p != pipeline)
            continue;
        std::size_t slot = static_cast<std::size_t>(bucketer.firstBucket(p) - lo);
        bucketer.forEachBucket(p, [&](const PipelineBucket& b) {
            // a last bucket cut by the end of the scenario counts over the time it covers
            const double start = static_cast<double>(lo + static_cast<std::int64_t>(slot)) * width;
            const double covered = std::clamp(drain - start, 1e-9, width);
            const double v = m.perSecond ? m.value(b) / covered : m.value(b);
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
        if (start >= drain - 1e-9)
            break; // the drain: no request starts any more
        if (drain - start < width / 2)
            break; // a sliver of a last bucket: its rate would be noise
        if (m.skipEmpty && combined[i] == 0)
            continue;
        out.append(QPointF(start + std::min(width, drain - start) / 2, combined[i]));
    }
    return out;
}

QList<QPointF> BucketChart::points(int index, int slot) const
{
    const QLineSeries* s = seriesAt(index, slot, false);
    return s ? s->points() : QList<QPointF>();
}

QList<QPointF> BucketChart::pointsB(int index, int slot) const
{
    const QLineSeries* s = seriesAt(index, slot, true);
    return s ? s->points() : QList<QPointF>();
}

void BucketChart::refreshSeries()
{
    const bool complete = ensureSlots(slotCount());
    if (!complete)
        scheduleRefresh();
    updateVisibility();
    const double visMin = visibleMin();
    const double visMax = visibleMax();
    double maxY = 0;
    std::vector<double> positives;
    // Min/max per two pixel columns: lines are 2 px wide or more, so a finer reduction draws nothing more,
    // while Qt strokes every point twice (the hover shape on replace(), the pen on paint): on 1 h of two
    // pipelines that halved the GUI thread's work per edit.
    const int columns = std::max(1, plotColumns() / 2);
    // every line in one pass so all share the value axis
    std::vector<QList<QPointF>> reduced(m_lines.size());
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        const Line& l = m_lines[i];
        if (!l.series->isVisible())
            continue;
        reduced[i] = decimateMinMax(
            l.variantB ? valuesB(l.metric, l.slot) : values(l.metric, l.slot), visMin, visMax, columns);
        for (const QPointF& p : std::as_const(reduced[i]))
            if (p.x() >= visMin && p.x() <= visMax) {
                maxY = std::max(maxY, p.y());
                if (p.y() > 0)
                    positives.push_back(p.y());
            }
    }
    const auto [low, typical] = lowAndTypical(std::move(positives));
    setValueRange(low, maxY > 0 ? maxY : 1.0, typical);
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        const Line& l = m_lines[i];
        if (!l.series->isVisible()) {
            // a slot no longer drawn lets go of its points; a hidden metric keeps them until shown again
            if (l.slot >= slotCount() && l.series->count() > 0)
                l.series->clear();
            continue;
        }
        if (isLogScale())
            for (QPointF& p : reduced[i])
                p.setY(toAxis(p.y()));
        // a line whose data did not change (a pipeline the edit left alone) keeps its series: replace()
        // would rebuild its shape all the same
        if (l.series->points() != reduced[i])
            l.series->replace(reduced[i]);
    }
}

QString BucketChart::tooltipFor(QAbstractSeries* series, const QPointF& value) const
{
    const Line* line = lineOf(series);
    if (!line)
        return ChartView::tooltipFor(series, value);
    const QList<QPointF> v = line->variantB ? valuesB(line->metric, line->slot) : values(line->metric, line->slot);
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
    const QString pipeline = slotPipeline(line->slot);
    text += QStringLiteral("<br><i>%1</i>")
                .arg(pipeline.isEmpty() ? tr("all pipelines combined") : pipeline.toHtmlEscaped());
    return text;
}

TrafficChart::TrafficChart(QWidget* parent)
    : BucketChart(parent)
{
    chart()->setTitle(tr("Traffic"));
    setValueTitle(tr("per s")); // short: an axis title longer than the plot is high is elided
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
    const QStringList shortNames { tr("load"), tr("attempts"), tr("ok"), tr("failed"), tr("rejected"), tr("fallback") };
    for (int m = 0; m < metricCount(); ++m)
        setShortName(m, shortNames.at(m));
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
