#include "ui/charts/retrydelaychart.h"

#include "core/common/configerror.h"
#include "ui/charts/chartdecimation.h"
#include "ui/common/timeaxis.h"

#include <QCategoryAxis>
#include <QFontMetricsF>
#include <QLegend>
#include <QLegendMarker>
#include <QPen>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rwb {

namespace {
constexpr int kNewPointsPerRefresh = 1000; // new scatter points a refresh may add (about 10-20 ms of Qt's work)
QColor groupColor(int group)
{
    static const QColor colors[] = {QColor(0x00, 0x72, 0xb2), QColor(0x00, 0x9e, 0x73), QColor(0xe6, 0x9f, 0x00),
        QColor(0xcc, 0x79, 0xa7), QColor(0x6a, 0x3d, 0x9a)};
    return colors[std::clamp(group, 0, 4)];
}

QColor variantBColor() { return QColor(0x22, 0x22, 0x22, 0xa0); }
QColor hedgeColor() { return QColor(0xd5, 0x5e, 0x00); } // vermillion: apart from the retry groups' colours
} // namespace

RetryDelayChart::RetryDelayChart(QWidget* parent)
    : ChartView(parent)
{
    chart()->setTitle(tr("Retry delays"));
    for (int g = 0; g < kGroups; ++g) {
        auto* s = new QScatterSeries;
        s->setName(g + 1 < kGroups ? tr("retry %1").arg(g + 1) : tr("retry %1+").arg(kGroups));
        s->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        s->setColor(groupColor(g));
        s->setBorderColor(groupColor(g).darker(130));
        // Light markers are painted in one pass by the series; the default markers are one graphics
        // item each, which cost ~30 ms per thousand points on every refresh.
        s->setPointsVisible(false);
        m_groups[g] = s;
        addChartSeries(s);
    }
    m_hedges = new QScatterSeries;
    m_hedges->setName(tr("hedges"));
    m_hedges->setColor(hedgeColor());
    m_hedges->setPointsVisible(false);
    addChartSeries(m_hedges);
    for (int g = 0; g < kGroups; ++g) {
        auto* c = new QLineSeries;
        c->setName(g == 0 ? tr("backoff curve") : tr("backoff, retry %1").arg(g + 1));
        m_curves[g] = c;
        addChartSeries(c, g == 0);
        // drawn by hand in the right margin: Qt's point labels centre on the point and get cut there
        m_curveLabels[g] = new QGraphicsSimpleTextItem(tr("retry %1").arg(g + 1), chart());
        m_curveLabels[g]->setZValue(10);
        m_curveLabels[g]->hide();
    }
    m_cap = new QLineSeries;
    m_cap->setName(tr("max_delay"));
    addChartSeries(m_cap);
    m_groupB = new QScatterSeries;
    m_groupB->setName(tr("retries (B)"));
    m_groupB->setColor(variantBColor());
    m_groupB->setPointsVisible(false);
    m_groupB->setVisible(false);
    addChartSeries(m_groupB, false);
    connect(chart(), &QChart::plotAreaChanged, this, &RetryDelayChart::placeCurveLabels);
    applyStyle();
    for (int g = 0; g < kGroups; ++g)
        setShortLegendName(m_groups[g], g + 1 < kGroups ? QString::number(g + 1) : tr("%1+").arg(kGroups));
    setShortLegendName(m_hedges, tr("hedge"));
    setShortLegendName(m_curves[0], tr("backoff"));
    setShortLegendName(m_cap, tr("cap"));
    setValueTitle(tr("ms"));
    setValueMax(1000);
    setValueScale(ValueScale::Auto);
}

RetryDelayChart::~RetryDelayChart() = default;

void RetryDelayChart::placeCurveLabels()
{
    // one label per dashed line, right of the plot at its height; a label closer than a text line to
    // the one below is left out (capped retries share a height), so labels never overlap
    const QRectF plot = chart()->plotArea();
    qreal lastTop = std::numeric_limits<qreal>::max();
    for (int g = 0; g < kGroups; ++g) {
        QGraphicsSimpleTextItem* label = m_curveLabels[g];
        if (m_curves[g]->count() < 2 || !m_curves[g]->isVisible()) {
            label->hide();
            continue;
        }
        const QPointF at = chart()->mapToPosition(m_curves[g]->at(1), m_curves[g]);
        const QRectF box = label->boundingRect();
        const qreal top = at.y() - box.height() / 2;
        const bool fits = at.y() >= plot.top() - 1 && at.y() <= plot.bottom() + 1 && top + box.height() <= lastTop;
        label->setVisible(fits);
        if (!fits)
            continue;
        // right of the plot; inside it when the legend stands there (a narrow chart)
        const bool legendRight = chart()->legend()->alignment() == Qt::AlignRight;
        label->setPos(legendRight ? plot.right() - box.width() - 4 : plot.right() + 4, top);
        lastTop = top;
    }
}

void RetryDelayChart::applyStyle()
{
    for (int g = 0; g < kGroups; ++g) {
        const qreal markerSize = presenterMode() ? 10.0 : 6.0;
        m_groups[g]->setMarkerSize(markerSize);
        m_groups[g]->setLightMarker(roundMarkerImage(markerSize, groupColor(g), groupColor(g).darker(130), 1.0 / 8));
        QPen pen(QColor(0x44, 0x4b, 0x5a));
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(lineWidth() * 0.6);
        m_curves[g]->setPen(pen);
        QFont f = valueAxis()->labelsFont();
        f.setBold(true);
        m_curveLabels[g]->setFont(f);
        m_curveLabels[g]->setBrush(groupColor(g).darker(140));
    }
    // room for the widest label right of the plot
    const qreal labelWidth = QFontMetricsF(m_curveLabels[kGroups - 1]->font()).horizontalAdvance(m_curveLabels[kGroups - 1]->text());
    chart()->setMargins(QMargins(4, 4, int(std::ceil(labelWidth)) + 10, 4));
    const qreal hedgeSize = presenterMode() ? 10.0 : 6.0;
    m_hedges->setMarkerSize(hedgeSize);
    m_hedges->setLightMarker(roundMarkerImage(hedgeSize, hedgeColor(), hedgeColor().darker(130), 1.0 / 8));
    const qreal ringSize = presenterMode() ? 11.0 : 7.0;
    m_groupB->setMarkerSize(ringSize);
    // variant B: hollow rings, readable on top of A's filled dots
    m_groupB->setLightMarker(roundMarkerImage(ringSize, Qt::NoBrush, variantBColor(), 1.0 / 8));
    QPen cap(chartcolors::open());
    cap.setStyle(Qt::DashDotLine);
    cap.setWidthF(lineWidth());
    m_cap->setPen(cap);
}

void RetryDelayChart::clear()
{
    setComparison(nullptr); // B's points name pipelines by the ids cleared below
    m_points.clear();
    m_pipelines.clear();
    m_filter = m_filterName.isEmpty() ? -1 : pipelineId(m_filterName);
    m_end = 0;
    resetTime();
    scheduleRefresh();
}

void RetryDelayChart::setCapacity(std::size_t retries)
{
    m_points.setCapacity(retries);
    m_pointsB.setCapacity(retries);
}

void RetryDelayChart::setComparison(const std::vector<Event>* variantB)
{
    m_pointsB.clear();
    if (variantB)
        for (const Event& e : *variantB)
            if (e.kind == EventKind::RetryScheduled)
                m_pointsB.push({toSeconds(e.time), toMs(e.delay), e.requestId, e.attempt, pipelineId(e.source)});
    for (QLegendMarker* marker : chart()->legend()->markers(m_groupB))
        marker->setProperty("rwbHiddenFromLegend", variantB == nullptr);
    m_groupB->setVisible(variantB != nullptr);
    updateLegendMarker(m_groupB);
    scheduleRefresh();
}

int RetryDelayChart::drawnPointsB() const { return m_groupB->count(); }

int RetryDelayChart::pipelineId(const QString& name)
{
    const auto i = m_pipelines.indexOf(name);
    if (i >= 0)
        return static_cast<int>(i);
    m_pipelines.append(name);
    return static_cast<int>(m_pipelines.size() - 1);
}

void RetryDelayChart::setPipelineFilter(const QString& pipeline)
{
    m_filterName = pipeline;
    m_filter = pipeline.isEmpty() ? -1 : pipelineId(pipeline);
    scheduleRefresh();
}

void RetryDelayChart::setBackoff(const std::optional<BackoffConfig>& config, int maxRetries)
{
    m_backoff.reset();
    m_maxRetries = std::clamp(maxRetries, 0, kGroups);
    if (config) {
        try {
            m_backoff.emplace(*config);
        } catch (const InvalidConfig&) {
            // an invalid config has no curve to show; the editor flags it
        }
    }
    scheduleRefresh();
}

void RetryDelayChart::add(const Event& e)
{
    m_end = std::max(m_end, toSeconds(e.time));
    if (e.kind == EventKind::RetryScheduled)
        m_points.push({toSeconds(e.time), toMs(e.delay), e.requestId, e.attempt, pipelineId(e.source)});
    else if (e.kind == EventKind::HedgeLaunched)
        m_points.push({toSeconds(e.time), toMs(e.delay), e.requestId, e.text.toInt(), pipelineId(e.source), true});
}

void RetryDelayChart::setEvents(const std::vector<Event>& events)
{
    clear();
    appendEvents(events);
}

void RetryDelayChart::appendEvents(const std::vector<Event>& events)
{
    if (events.empty())
        return;
    for (const Event& e : events)
        add(e);
    extendTime(m_end);
    scheduleRefresh();
}

int RetryDelayChart::drawnPoints(int group) const
{
    return group >= 0 && group < kGroups ? m_groups[group]->count() : 0;
}

int RetryDelayChart::drawnHedges() const { return m_hedges->count(); }

double RetryDelayChart::curveMs(int group) const
{
    if (group < 0 || group >= kGroups || m_curves[group]->count() == 0)
        return -1;
    return fromAxis(m_curves[group]->at(0).y()) * m_unit;
}

double RetryDelayChart::capMs() const { return m_cap->count() ? m_cap->at(0).y() * m_unit : -1; }

void RetryDelayChart::refreshSeries()
{
    const double visMin = visibleMin();
    const double visMax = visibleMax();
    double maxMs = 0;
    std::vector<double> positives;
    const auto measure = [&](const Point& p) {
        if (p.t >= visMin && p.t <= visMax && (m_filter < 0 || p.pipeline == m_filter)) {
            maxMs = std::max(maxMs, p.delayMs);
            if (p.delayMs > 0)
                positives.push_back(p.delayMs);
        }
    };
    m_points.forEach(measure);
    if (m_groupB->isVisible())
        m_pointsB.forEach(measure);
    const double dataMax = maxMs;
    auto [lowMs, typicalMs] = lowAndTypical(std::move(positives));
    double curves[kGroups];
    for (int g = 0; g < kGroups; ++g) {
        curves[g] = -1;
        if (m_backoff && g < m_maxRetries)
            curves[g] = toMs(m_backoff->baseDelay(g + 1));
        maxMs = std::max(maxMs, curves[g]);
        if (curves[g] > 0 && (lowMs <= 0 || curves[g] < lowMs))
            lowMs = curves[g];
        if (typicalMs <= 0 && curves[g] > 0)
            typicalMs = curves[g];
    }
    const double capMsValue = m_backoff ? toMs(m_backoff->config().maxDelay) : -1;
    // the cap is drawn when it is within reach of the data (otherwise it would squash the cloud); a
    // log axis (outliers far above the typical delay) has room for it further up
    const bool logLikely = typicalMs > 0 && std::max(maxMs, capMsValue) / typicalMs > 20.0;
    const bool showCap = capMsValue > 0 && (dataMax <= 0 || capMsValue <= maxMs * 1.6 || (logLikely && capMsValue <= maxMs * 20));
    if (showCap)
        maxMs = std::max(maxMs, capMsValue);
    if (maxMs <= 0)
        maxMs = 1000;

    m_unit = maxMs >= 2000 ? 1000.0 : 1.0;
    setValueTitle(m_unit > 1 ? tr("s") : tr("ms"));
    // the log scale takes over when the range spans decades (e.g. a few 30 s Retry-After waits)
    setValueRange(lowMs > 0 ? lowMs / m_unit / 1.5 : 0.0, maxMs / m_unit, typicalMs / m_unit);
    const double yMin = valueAxis()->min();
    const double yMax = valueAxis()->max();
    // one point per marker-sized cell: denser points only overlap, and every drawn point is an item
    // Qt moves on each refresh (a dense cloud of half-marker cells cost the scene hundreds of ms);
    // bounds the work by the plot size rather than the number of retries
    const qreal cell = std::max<qreal>(4.0, m_groups[0]->markerSize());
    const int cellsX = std::max(1, static_cast<int>(plotColumns() / cell));
    const int cellsY = std::max(1, static_cast<int>(plotRows() / cell));

    QList<QPointF> raw[kGroups];
    QList<QPointF> rawHedges;
    m_points.forEach([&](const Point& p) {
        if (m_filter >= 0 && p.pipeline != m_filter)
            return;
        (p.hedge ? rawHedges : raw[groupOf(p.retry)]).append(QPointF(p.t, toAxis(p.delayMs / m_unit)));
    });
    // Qt makes a marker item per scatter point (light markers or not): ~10-45 us each, so a cloud that
    // grows by thousands at once stalled the window for hundreds of ms. It grows by a bounded number of
    // points per refresh instead, evenly thinned meanwhile, and the next refresh adds the rest.
    int budget = kNewPointsPerRefresh;
    bool growing = false;
    const auto bounded = [&budget, &growing](QScatterSeries* series, QList<QPointF> points) {
        const qsizetype room = series->count() + std::max(0, budget);
        if (points.size() > room) {
            QList<QPointF> thinned;
            thinned.reserve(room);
            for (qsizetype i = 0; i < room; ++i)
                thinned.append(points.at(i * points.size() / std::max<qsizetype>(room, 1)));
            points = std::move(thinned);
            growing = true;
        }
        budget -= int(std::max<qsizetype>(0, points.size() - series->count()));
        series->replace(points);
    };
    for (int g = 0; g < kGroups; ++g) {
        bounded(m_groups[g], decimateScatter(raw[g], visMin, visMax, yMin, yMax, cellsX, cellsY));
        if (curves[g] >= 0) {
            const double y = toAxis(curves[g] / m_unit);
            m_curves[g]->replace(QList<QPointF> {QPointF(visMin, y), QPointF(visMax, y)});
        } else {
            m_curves[g]->clear();
        }
    }
    bounded(m_hedges, decimateScatter(rawHedges, visMin, visMax, yMin, yMax, cellsX, cellsY));
    placeCurveLabels();
    QList<QPointF> rawB;
    m_pointsB.forEach([&](const Point& p) {
        if (m_filter < 0 || p.pipeline == m_filter)
            rawB.append(QPointF(p.t, toAxis(p.delayMs / m_unit)));
    });
    bounded(m_groupB, decimateScatter(rawB, visMin, visMax, yMin, yMax, cellsX, cellsY));
    if (growing)
        scheduleRefresh();
    if (showCap) {
        const double y = toAxis(capMsValue / m_unit);
        m_cap->replace(QList<QPointF> {QPointF(visMin, y), QPointF(visMax, y)});
    } else {
        m_cap->clear();
    }
    m_cap->setName(capMsValue > 0 ? tr("max_delay %1%2").arg(formatDuration(m_backoff->config().maxDelay),
                                        showCap ? QString() : tr(" (above)"))
                                  : tr("max_delay"));
}

void RetryDelayChart::toggleSeries(QAbstractSeries* series)
{
    if (series != m_curves[0]) {
        ChartView::toggleSeries(series);
        return;
    }
    const bool visible = !m_curves[0]->isVisible();
    for (QLineSeries* c : m_curves)
        c->setVisible(visible);
    updateLegendMarker(m_curves[0]);
}

QString RetryDelayChart::tooltipFor(QAbstractSeries* series, const QPointF& value) const
{
    if (series == m_cap)
        return QStringLiteral("<b>max_delay</b>: %1").arg(formatDuration(m_backoff->config().maxDelay));
    for (int g = 0; g < kGroups; ++g) {
        if (series == m_curves[g] && m_backoff)
            return tr("<b>backoff</b>: retry %1 waits %2 before jitter")
                .arg(g + 1)
                .arg(formatDuration(m_backoff->baseDelay(g + 1)));
    }
    if (series == m_hedges) {
        const Point* hedge = nearest(m_points, value, [](const Point& p) { return p.hedge; });
        if (!hedge)
            return QString();
        return tr("<b>hedge %1</b> of req-%2 (%3)<br>sent at %4<br>after %5 without an answer")
            .arg(hedge->retry)
            .arg(hedge->requestId)
            .arg(m_pipelines.value(hedge->pipeline).toHtmlEscaped(), formatRunTime(hedge->t),
                formatDuration(fromMs(hedge->delayMs)));
    }
    const bool variantB = series == m_groupB;
    int group = -1;
    for (int g = 0; g < kGroups; ++g)
        if (series == m_groups[g])
            group = g;
    if (group < 0 && !variantB)
        return ChartView::tooltipFor(series, value);
    const Point* best = variantB ? nearest(m_pointsB, value, [](const Point&) { return true; })
                                 : nearest(m_points, value, [group](const Point& p) { return !p.hedge && groupOf(p.retry) == group; });
    if (!best)
        return QString();
    return tr("<b>retry %1</b> of req-%2 (%3)%4<br>scheduled at %5<br>delay %6")
        .arg(best->retry)
        .arg(best->requestId)
        .arg(m_pipelines.value(best->pipeline).toHtmlEscaped(), variantB ? tr(", variant B") : QString(),
            formatRunTime(best->t), formatDuration(fromMs(best->delayMs)));
}

const RetryDelayChart::Point* RetryDelayChart::nearest(
    const RingBuffer<Point>& points, const QPointF& value, const std::function<bool(const Point&)>& accept) const
{
    const double xSpan = std::max(visibleMax() - visibleMin(), 1e-9);
    const double ySpan = std::max(valueAxis()->max() - valueAxis()->min(), 1e-9);
    const Point* best = nullptr;
    double bestDistance = 0;
    points.forEach([&](const Point& p) {
        if ((m_filter >= 0 && p.pipeline != m_filter) || !accept(p))
            return;
        const double dx = (p.t - value.x()) / xSpan;
        const double dy = (toAxis(p.delayMs / m_unit) - value.y()) / ySpan;
        const double d = dx * dx + dy * dy;
        if (!best || d < bestDistance) {
            best = &p;
            bestDistance = d;
        }
    });
    return best;
}

} // namespace rwb
