#include "ui/charts/breakerstatechart.h"

#include "core/run/runresult.h"
#include "core/common/ringbuffer.h"
#include "ui/common/timeaxis.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rwb {

namespace {

constexpr BreakerState kStates[] = {BreakerState::Closed, BreakerState::HalfOpen, BreakerState::Open};
constexpr double kBandLow = 0.18;
constexpr double kBandHigh = 0.82;

int stateSlot(BreakerState s)
{
    switch (s) {
    case BreakerState::Closed:
        return 0;
    case BreakerState::HalfOpen:
        return 1;
    case BreakerState::Open:
        return 2;
    }
    return 0;
}

QColor stateColor(BreakerState s)
{
    switch (s) {
    case BreakerState::Closed:
        return chartcolors::closed();
    case BreakerState::HalfOpen:
        return chartcolors::halfOpen();
    case BreakerState::Open:
        return chartcolors::open();
    }
    return chartcolors::closed();
}

// When bands are narrower than a pixel, the most alarming state of the column wins.
int severity(BreakerState s) { return stateSlot(s); }

} // namespace

struct BreakerStateChart::Lane {
    QString name;
    bool used = true; // seen since the last beginReload()
    RingBuffer<BreakerTransitionMark> transitions {100000};
    BreakerState initial = BreakerState::Closed;
    bool initialKnown = false;
    QAreaSeries* areas[3] = {};
    QLineSeries* upper[3] = {};
    QLineSeries* lower[3] = {};
};

BreakerStateChart::BreakerStateChart(QWidget* parent)
    : ChartView(parent)
{
    chart()->setTitle(tr("Breaker states"));
    valueAxis()->setVisible(false);
    valueAxis()->setRange(0, 1);
    m_laneAxis = new QCategoryAxis;
    m_laneAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    m_laneAxis->setGridLineVisible(false);
    m_laneAxis->setRange(0, 1);
    chart()->addAxis(m_laneAxis, Qt::AlignLeft);

    m_markers = new QScatterSeries;
    m_markers->setName(tr("transition"));
    m_markers->setProperty("rwbShortName", tr("change"));
    m_markers->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    m_markers->setPointsVisible(false); // drawn as light markers (a flapping hour has thousands)
    applyStyle();
    addChartSeries(m_markers, true, m_laneAxis);
    // The charts below carry the same synced time axis with its title; here it would only take
    // height from the lanes and the tick labels.
    timeAxis()->setTitleVisible(false);
    // an empty plot would look broken: say why it is empty
    m_emptyNote = new QGraphicsSimpleTextItem(tr("No circuit breaker has changed state"), chart());
    m_emptyNote->setBrush(QColor(0x6b, 0x72, 0x80));
    m_emptyNote->setZValue(10);
    connect(chart(), &QChart::plotAreaChanged, this, &BreakerStateChart::placeEmptyNote);
    updateMinimumHeight();
}

BreakerStateChart::~BreakerStateChart() = default;

void BreakerStateChart::applyStyle()
{
    const qreal markerSize = presenterMode() ? 13.0 : 8.0;
    m_markers->setMarkerSize(markerSize);
    m_markers->setColor(QColor(0x22, 0x22, 0x22));
    m_markers->setLightMarker(roundMarkerImage(markerSize, QColor(0x22, 0x22, 0x22), Qt::white, 0.15));
    QFont f = m_laneAxis->labelsFont();
    f.setPointSizeF(valueAxis()->labelsFont().pointSizeF());
    f.setBold(true);
    m_laneAxis->setLabelsFont(f);
    updateMinimumHeight();
}

void BreakerStateChart::updateMinimumHeight()
{
    // Qt Charts elides the tick labels ("…") as soon as the layout cannot give the time axis its
    // full label height, so reserve title, legend, labels and a readable band per lane.
    const QFontMetrics title(chart()->titleFont());
    const QFontMetrics labels(timeAxis()->labelsFont());
    const int lanes = std::max<int>(1, static_cast<int>(shownLanes().size()));
    const int lane = std::max(labels.height() * 2, presenterMode() ? 40 : 26);
    const QFontMetrics legend(chart()->legend()->font());
    // title, legend row, tick labels, margins; Qt elides the tick labels as soon as one pixel is missing
    const int chrome = title.height() + legend.height() + 3 * labels.height() + 52;
    setMinimumHeight(chrome + lanes * lane);
}

void BreakerStateChart::setMaxTransitionsPerCircuit(std::size_t max)
{
    m_maxTransitions = std::max<std::size_t>(max, 1);
    for (auto& l : m_lanes)
        l->transitions.setCapacity(m_maxTransitions);
}

void BreakerStateChart::beginReload()
{
    // a new run of the same scenario has the same circuits: keep their series (creating a chart series
    // costs milliseconds), forget their data
    for (auto& l : m_lanes) {
        l->transitions.clear();
        l->initial = BreakerState::Closed;
        l->initialKnown = false;
        l->used = false;
    }
    m_end = 0;
    resetTime(); // the markers stay until the refresh replaces them (clearing deletes Qt's items)
}

void BreakerStateChart::endReload()
{
    bool removed = false;
    for (std::size_t i = m_lanes.size(); i-- > 0;) {
        if (m_lanes[i]->used)
            continue;
        const bool legendLane = i == 0 && m_lanes.size() > 1; // the first lane carries the legend
        for (int s = 0; s < 3; ++s) {
            chart()->removeSeries(m_lanes[i]->areas[s]);
            delete m_lanes[i]->areas[s];
        }
        m_lanes.erase(m_lanes.begin() + static_cast<std::ptrdiff_t>(i));
        m_order.removeAt(static_cast<qsizetype>(i));
        removed = true;
        if (legendLane) {
            // the next first lane takes over the legend entries
            for (int s = 0; s < 3; ++s)
                for (auto* marker : chart()->legend()->markers(m_lanes.front()->areas[s])) {
                    marker->setProperty("rwbHiddenFromLegend", false);
                    marker->setVisible(true);
                }
        }
    }
    if (removed) {
        m_laneIndex.clear();
        for (int i = 0; i < m_order.size(); ++i)
            m_laneIndex.insert(m_order.at(i), i);
    }
    rebuildLaneAxis();
    scheduleRefresh();
}

void BreakerStateChart::clear()
{
    for (auto& l : m_lanes) {
        for (int s = 0; s < 3; ++s) {
            chart()->removeSeries(l->areas[s]);
            delete l->areas[s];
        }
    }
    m_lanes.clear();
    m_laneIndex.clear();
    m_order.clear();
    m_end = 0;
    m_markers->clear();
    rebuildLaneAxis();
    resetTime();
    scheduleRefresh();
}

BreakerStateChart::Lane& BreakerStateChart::lane(const QString& circuit)
{
    if (auto it = m_laneIndex.constFind(circuit); it != m_laneIndex.constEnd()) {
        Lane& existing = *m_lanes[static_cast<std::size_t>(*it)];
        existing.used = true;
        return existing;
    }
    auto l = std::make_unique<Lane>();
    l->name = circuit;
    l->transitions.setCapacity(m_maxTransitions);
    const bool first = m_lanes.empty();
    for (BreakerState s : kStates) {
        const int slot = stateSlot(s);
        // QAreaSeries does not own its boundary series: parent them to the area so they die with it.
        auto* area = new QAreaSeries;
        l->upper[slot] = new QLineSeries(area);
        l->lower[slot] = new QLineSeries(area);
        area->setUpperSeries(l->upper[slot]);
        area->setLowerSeries(l->lower[slot]);
        area->setName(toString(s));
        area->setProperty("rwbShortName", s == BreakerState::HalfOpen ? tr("HALF") : toString(s));
        area->setColor(stateColor(s));
        // No outline: every state's area runs along the lane's lower edge (zero height where the
        // state is absent), so an outline drew a stray line under the whole lane.
        area->setPen(Qt::NoPen);
        area->setVisible(m_visible[slot]);
        l->areas[slot] = area;
        // one legend entry per state (from the first lane) toggles that state in every lane
        addChartSeries(area, first, m_laneAxis);
    }
    m_laneIndex.insert(circuit, static_cast<int>(m_lanes.size()));
    m_order.append(circuit);
    m_lanes.push_back(std::move(l));
    // markers stay on top of the bands
    chart()->removeSeries(m_markers);
    chart()->addSeries(m_markers);
    m_markers->attachAxis(timeAxis());
    m_markers->attachAxis(m_laneAxis);
    for (auto* marker : chart()->legend()->markers(m_markers))
        marker->setVisible(true);
    rebuildLaneAxis();
    return *m_lanes.back();
}

bool BreakerStateChart::isShown(const Lane& l) const
{
    if (!m_filter)
        return true;
    for (const QString& circuit : *m_filter)
        if (l.name == circuit || l.name == variantBLane(circuit))
            return true;
    return false;
}

std::vector<int> BreakerStateChart::shownLanes() const
{
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(m_lanes.size()); ++i)
        if (isShown(*m_lanes[static_cast<std::size_t>(i)]))
            out.push_back(i);
    return out;
}

void BreakerStateChart::setNoLaneNote(const QString& text)
{
    m_noLaneNote = text;
    scheduleRefresh();
}

QStringList BreakerStateChart::shownCircuits() const
{
    QStringList out;
    for (int i : shownLanes())
        out.append(m_order.at(i));
    return out;
}

void BreakerStateChart::setCircuitFilter(const std::optional<QStringList>& circuits, const QString& emptyText)
{
    if (circuits == m_filter && emptyText == m_filterEmptyText)
        return;
    m_filter = circuits;
    m_filterEmptyText = emptyText;
    rebuildLaneAxis();
    scheduleRefresh();
}

void BreakerStateChart::rebuildLaneAxis()
{
    const std::vector<int> shown = shownLanes();
    const int n = static_cast<int>(shown.size());
    const double top = std::max(n, 1);
    m_laneAxis->setRange(0, top);
    valueAxis()->setRange(0, top);
    // first circuit at the top
    QList<QPair<double, QString>> labels;
    for (int i = n - 1; i >= 0; --i) {
        QString label = m_order.at(shown[static_cast<std::size_t>(i)]);
        if (label.size() > 18)
            label = label.left(17) + QChar(0x2026);
        labels.append({ double(n - i), label });
    }
    setAxisCategories(m_laneAxis, 0, labels);
    updateMinimumHeight();
}

void BreakerStateChart::addTransition(const QString& circuit, const BreakerTransitionMark& mark)
{
    Lane& l = lane(circuit);
    if (!l.initialKnown) {
        l.initial = mark.from;
        l.initialKnown = true;
    }
    l.transitions.push(mark);
    m_end = std::max(m_end, toSeconds(mark.time));
}

void BreakerStateChart::appendEvents(const std::vector<Event>& events)
{
    if (events.empty())
        return;
    for (const Event& e : events) {
        if (e.kind == EventKind::BreakerTransition)
            addTransition(e.source, {e.time, e.from, e.to, e.text});
        else if (e.kind == EventKind::BreakerRejected)
            lane(e.source); // a circuit that rejects is worth a lane even before it transitions
        m_end = std::max(m_end, toSeconds(e.time));
    }
    extendTime(m_end);
    scheduleRefresh();
}

void BreakerStateChart::setNow(TimePoint now)
{
    if (toSeconds(now) <= m_end)
        return;
    m_end = toSeconds(now);
    extendTime(m_end);
    scheduleRefresh();
}

void BreakerStateChart::setResult(const RunResult& result, const std::vector<Event>& events)
{
    beginReload();
    if (!events.empty()) {
        appendEvents(events);
    } else {
        const double width = toSeconds(result.bucketWidth);
        QStringList drawn;
        for (const PipelineSeries& p : result.pipelines) {
            // one lane per circuit: pipelines sharing a circuit record the same states
            const QString circuit = p.breaker.isEmpty() ? p.name : p.breaker;
            if (drawn.contains(circuit))
                continue;
            drawn.append(circuit);
            Lane& l = lane(circuit);
            l.initialKnown = true;
            BreakerState previous = BreakerState::Closed;
            for (std::size_t i = 0; i < p.buckets.size(); ++i) {
                const BreakerState s = p.buckets[i].breakerState;
                if (s != previous) {
                    const TimePoint at {std::chrono::duration_cast<Duration>(result.bucketWidth * static_cast<long long>(i))};
                    l.transitions.push({at, previous, s, tr("state at the end of second %1 (1 s buckets)").arg(i + 1)});
                    previous = s;
                }
            }
            m_end = std::max(m_end, width * static_cast<double>(p.buckets.size()));
        }
    }
    m_end = std::max(m_end, toSeconds(result.simulatedUntil));
    endReload();
    extendTime(m_end);
}

QString BreakerStateChart::variantBLane(const QString& circuit) { return circuit + tr(" · B"); }

void BreakerStateChart::setResult(const RunResult& result, const std::vector<Event>& events,
    const RunResult& resultB, const QStringList& circuitsB, const std::vector<Event>& variantB)
{
    beginReload();
    // lanes first, so each circuit's B lane sits right under it
    QStringList circuits;
    for (const Event& e : events)
        if ((e.kind == EventKind::BreakerTransition || e.kind == EventKind::BreakerRejected)
            && !circuits.contains(e.source))
            circuits.append(e.source);
    for (const QString& c : std::as_const(circuits)) {
        lane(c);
        if (circuitsB.contains(c))
            lane(variantBLane(c));
    }
    appendEvents(events);
    std::vector<Event> renamed;
    for (const Event& e : variantB) {
        if (e.kind != EventKind::BreakerTransition)
            continue;
        renamed.push_back(e);
        renamed.back().source = variantBLane(e.source);
    }
    appendEvents(renamed);
    m_end = std::max({m_end, toSeconds(result.simulatedUntil), toSeconds(resultB.simulatedUntil)});
    endReload();
    extendTime(m_end);
}

std::vector<BreakerTransitionMark> BreakerStateChart::transitions(const QString& circuit) const
{
    std::vector<BreakerTransitionMark> out;
    if (auto it = m_laneIndex.constFind(circuit); it != m_laneIndex.constEnd())
        m_lanes[static_cast<std::size_t>(*it)]->transitions.forEach([&](const BreakerTransitionMark& m) { out.push_back(m); });
    return out;
}

std::vector<BreakerSegment> BreakerStateChart::segments(const QString& circuit) const
{
    std::vector<BreakerSegment> out;
    auto it = m_laneIndex.constFind(circuit);
    if (it == m_laneIndex.constEnd())
        return out;
    const Lane& l = *m_lanes[static_cast<std::size_t>(*it)];
    double start = 0;
    BreakerState state = l.initial;
    if (l.transitions.dropped() > 0 && !l.transitions.empty()) {
        start = toSeconds(l.transitions.front().time);
        state = l.transitions.front().from;
    }
    l.transitions.forEach([&](const BreakerTransitionMark& m) {
        const double t = toSeconds(m.time);
        if (t > start)
            out.push_back({start, t, state});
        start = std::max(start, t);
        state = m.to;
    });
    if (m_end > start || out.empty())
        out.push_back({start, std::max(m_end, start), state});
    return out;
}

QString BreakerStateChart::emptyNote() const { return m_emptyNote->isVisible() ? m_emptyNote->text() : QString(); }

void BreakerStateChart::placeEmptyNote()
{
    m_emptyNote->setFont(valueAxis()->labelsFont());
    const bool none = shownLanes().empty();
    m_emptyNote->setText(!m_lanes.empty() && !m_filterEmptyText.isEmpty() ? m_filterEmptyText
            : !m_noLaneNote.isEmpty()                                       ? m_noLaneNote
                                                                            : tr("No circuit breaker has changed state"));
    m_emptyNote->setVisible(none);
    const QRectF plot = chart()->plotArea();
    const QRectF text = m_emptyNote->boundingRect();
    m_emptyNote->setPos(plot.center() - QPointF(text.width() / 2, text.height() / 2));
}

void BreakerStateChart::refreshSeries()
{
    placeEmptyNote();
    const double visMin = visibleMin();
    const double visMax = visibleMax();
    const double px = (visMax - visMin) / std::max(plotColumns(), 1);
    const std::vector<int> shown = shownLanes();
    const int n = static_cast<int>(shown.size());
    QList<QPointF> markerPoints;
    // lanes filtered out keep their (legend-carrying) series, empty
    for (const auto& l : m_lanes) {
        if (isShown(*l))
            continue;
        for (int slot = 0; slot < 3; ++slot) {
            l->upper[slot]->clear();
            l->lower[slot]->clear();
        }
    }
    for (int i = 0; i < n; ++i) {
        const Lane& l = *m_lanes[static_cast<std::size_t>(shown[static_cast<std::size_t>(i)])];
        const double base = n - 1 - i;
        const double lo = base + kBandLow;
        const double hi = base + kBandHigh;

        // clip to the visible range and merge sub-pixel bands (worst state of the column wins)
        std::vector<BreakerSegment> drawn;
        for (BreakerSegment s : segments(l.name)) {
            if (s.end < visMin - px || s.start > visMax + px)
                continue;
            s.start = std::max(s.start, visMin - px);
            s.end = std::min(s.end, visMax + px);
            if (!drawn.empty() && s.end - s.start < px && drawn.back().end - drawn.back().start < px) {
                BreakerSegment& last = drawn.back();
                last.end = s.end;
                if (severity(s.state) > severity(last.state))
                    last.state = s.state;
                continue;
            }
            if (!drawn.empty() && drawn.back().state == s.state) {
                drawn.back().end = s.end;
                continue;
            }
            drawn.push_back(s);
        }
        for (BreakerState st : kStates) {
            const int slot = stateSlot(st);
            QList<QPointF> upper;
            upper.reserve(static_cast<qsizetype>(drawn.size()) * 4 + 2);
            upper.append(QPointF(visMin - px, lo));
            for (const BreakerSegment& s : drawn) {
                if (s.state != st)
                    continue;
                upper.append(QPointF(s.start, lo));
                upper.append(QPointF(s.start, hi));
                upper.append(QPointF(s.end, hi));
                upper.append(QPointF(s.end, lo));
            }
            upper.append(QPointF(visMax + px, lo));
            l.upper[slot]->replace(upper);
            l.lower[slot]->replace(QList<QPointF> {QPointF(visMin - px, lo), QPointF(visMax + px, lo)});
        }
        long long lastColumn = std::numeric_limits<long long>::min();
        l.transitions.forEach([&](const BreakerTransitionMark& m) {
            const double t = toSeconds(m.time);
            if (t < visMin || t > visMax)
                return;
            const auto column = static_cast<long long>(std::floor((t - visMin) / (px * 3)));
            if (column == lastColumn)
                return;
            lastColumn = column;
            markerPoints.append(QPointF(t, base + 0.5));
        });
    }
    // Qt makes an item per scatter point: a flapping log's thousands of markers at once stalled the
    // window; they grow by a bounded number per refresh (thinned meanwhile), the next refresh adds more
    constexpr qsizetype kNewMarkersPerRefresh = 1000;
    const qsizetype room = m_markers->count() + kNewMarkersPerRefresh;
    if (markerPoints.size() > room) {
        QList<QPointF> thinned;
        thinned.reserve(room);
        for (qsizetype i = 0; i < room; ++i)
            thinned.append(markerPoints.at(i * markerPoints.size() / room));
        markerPoints = std::move(thinned);
        scheduleRefresh();
    }
    m_markers->replace(markerPoints);
}

int BreakerStateChart::laneIndexAt(double y) const
{
    const std::vector<int> shown = shownLanes();
    const int n = static_cast<int>(shown.size());
    const int i = n - 1 - static_cast<int>(std::floor(y));
    return i >= 0 && i < n ? shown[static_cast<std::size_t>(i)] : -1;
}

QString BreakerStateChart::tooltipFor(QAbstractSeries* series, const QPointF& value) const
{
    const int i = laneIndexAt(value.y());
    if (i < 0)
        return QString();
    const Lane& l = *m_lanes[static_cast<std::size_t>(i)];
    const QString name = l.name.toHtmlEscaped();
    if (series == m_markers) {
        // nearest transition of this lane
        const BreakerTransitionMark* best = nullptr;
        double bestDistance = 0;
        l.transitions.forEach([&](const BreakerTransitionMark& m) {
            const double d = std::abs(toSeconds(m.time) - value.x());
            if (!best || d < bestDistance) {
                best = &m;
                bestDistance = d;
            }
        });
        if (!best)
            return QString();
        QString text = QStringLiteral("<b>%1</b> &nbsp;%2<br>%3 &rarr; <b>%4</b>")
                           .arg(name, formatRunTime(best->time), toString(best->from), toString(best->to));
        if (!best->reason.isEmpty())
            text += QStringLiteral("<br><i>%1</i>").arg(best->reason.toHtmlEscaped());
        return text;
    }
    for (const BreakerSegment& s : segments(l.name)) {
        if (value.x() >= s.start && value.x() <= s.end) {
            return QStringLiteral("<b>%1</b>: %2<br>%3 – %4 (%5)")
                .arg(name, toString(s.state), formatRunTime(s.start), formatRunTime(s.end),
                    formatDuration(fromSeconds(s.end - s.start)));
        }
    }
    return QString();
}

void BreakerStateChart::toggleSeries(QAbstractSeries* series)
{
    if (series == m_markers) {
        ChartView::toggleSeries(series);
        return;
    }
    for (BreakerState st : kStates) {
        const int slot = stateSlot(st);
        bool hit = false;
        for (auto& l : m_lanes)
            hit = hit || l->areas[slot] == series;
        if (!hit)
            continue;
        m_visible[slot] = !m_visible[slot];
        for (auto& l : m_lanes) {
            l->areas[slot]->setVisible(m_visible[slot]);
            updateLegendMarker(l->areas[slot]);
        }
    }
}

} // namespace rwb
