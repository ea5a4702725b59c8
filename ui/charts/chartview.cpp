#include "ui/charts/chartview.h"

#include "ui/common/timeaxis.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QContextMenuEvent>
#include <QCoreApplication>
#include <QCursor>
#include <QFileDialog>
#include <QFontMetrics>
#include <QGraphicsScene>
#include <QGuiApplication>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QRubberBand>
#include <QSaveFile>
#include <QTimer>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rwb {

namespace chartcolors {
QColor closed() { return QColor(0x2e, 0xa0, 0x43); }
QColor halfOpen() { return QColor(0xf0, 0xa2, 0x02); }
QColor open() { return QColor(0xd6, 0x33, 0x2b); }
QColor series(int index)
{
    // colour-blind friendly qualitative palette (Okabe-Ito, black replaced by slate)
    static const QColor palette[] = {QColor(0x00, 0x72, 0xb2), QColor(0xe6, 0x9f, 0x00), QColor(0x00, 0x9e, 0x73),
        QColor(0xd5, 0x5e, 0x00), QColor(0xcc, 0x79, 0xa7), QColor(0x56, 0xb4, 0xe9), QColor(0x5a, 0x64, 0x78),
        QColor(0xf0, 0xe4, 0x42)};
    return palette[static_cast<std::size_t>(std::abs(index)) % std::size(palette)];
}
} // namespace chartcolors

QImage roundMarkerImage(qreal size, const QBrush& fill, const QColor& rim, qreal rimWidth)
{
    const int side = std::max(2, qRound(size * 2));
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal pen = side * rimWidth;
    painter.setPen(QPen(rim, pen));
    painter.setBrush(fill);
    painter.drawEllipse(QRectF(pen / 2, pen / 2, side - pen, side - pen));
    return image;
}

namespace {

// A chart view never gets narrower or lower than this (Qt Charts widens it to what the chart needs).
constexpr QSize kBaseMinimumSize(320, 180);

double niceStep(double span, int targetTicks)
{
    static const double steps[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60,
        120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400};
    const double raw = span / std::max(targetTicks, 1);
    for (double s : steps)
        if (s >= raw)
            return s;
    return std::ceil(raw / 86400.0) * 86400.0;
}

double niceCeil(double value)
{
    if (!(value > 0))
        return 1.0;
    const double exponent = std::floor(std::log10(value));
    const double base = std::pow(10.0, exponent);
    for (double m : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
        if (m * base >= value * 1.05)
            return m * base;
    return 10.0 * base;
}

QString shortTimeLabel(double seconds, double step)
{
    if (step >= 1.0) {
        const auto total = std::llround(seconds);
        const QChar zero(u'0');
        if (std::abs(total) >= 3600)
            return QStringLiteral("%1:%2:%3").arg(total / 3600).arg((total % 3600) / 60, 2, 10, zero).arg(total % 60, 2, 10, zero);
        return QStringLiteral("%1:%2").arg(total / 60).arg(std::abs(total % 60), 2, 10, zero);
    }
    return formatRunTime(seconds);
}

/// Charts whose refresh fell due, refreshed one per event-loop pass: a run landing on four charts at
/// once would otherwise hold the GUI thread for all four refreshes in a row, with input, paints and
/// timers waiting behind them. Lives as a child of the application; GUI thread only.
class RefreshQueue final : public QObject {
public:
    static RefreshQueue& instance()
    {
        if (!s_queue)
            s_queue = new RefreshQueue(QCoreApplication::instance());
        return *s_queue;
    }
    static void forget(ChartView* view)
    {
        if (s_queue)
            s_queue->m_views.removeAll(view);
    }
    void add(ChartView* view)
    {
        if (!m_views.contains(view))
            m_views.append(view);
        if (!m_timer.isActive())
            m_timer.start();
    }

private:
    explicit RefreshQueue(QObject* parent)
        : QObject(parent)
    {
        m_timer.setObjectName(QStringLiteral("ChartView refresh turn")); // names it in profiles
        m_timer.setSingleShot(true);
        m_timer.setInterval(0);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (m_views.isEmpty())
                return;
            ChartView* view = m_views.takeFirst();
            if (!m_views.isEmpty())
                m_timer.start(); // the next chart on the next pass
            view->flushRefresh();
        });
    }

    static inline QPointer<RefreshQueue> s_queue;
    QList<ChartView*> m_views;
    QTimer m_timer;
};

} // namespace

ChartView::ChartView(QWidget* parent)
    : QChartView(new QChart, parent) // setChart() later would orphan the default chart (a leak)
{
    QChart* chart = this->chart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 8, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->legend()->setShowToolTips(true);
    const bool dark = palette().color(QPalette::Window).lightness() < 110;
    chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    if (!dark) {
        chart->setBackgroundBrush(QColor(0xfc, 0xfc, 0xfd));
        chart->setPlotAreaBackgroundBrush(Qt::white);
        chart->setPlotAreaBackgroundVisible(true);
    }
    setRenderHint(QPainter::Antialiasing);
    // Charts replace their items wholesale on every refresh: keeping a BSP index of thousands of
    // scatter markers up to date cost more than the drawing itself.
    scene()->setItemIndexMethod(QGraphicsScene::NoIndex);
    setDragMode(QGraphicsView::NoDrag);
    setRubberBand(QChartView::NoRubberBand);
    setMinimumSize(kBaseMinimumSize);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Wheel: zoom · Drag: pan · Shift+drag: zoom to area · Double-click: reset"));

    m_timeAxis = new QCategoryAxis;
    m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_timeAxis->setTitleText(tr("run time"));
    m_timeAxis->setGridLineColor(QColor(0, 0, 0, 28));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_valueAxis = new QCategoryAxis;
    m_valueAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_valueAxis->setGridLineColor(QColor(0, 0, 0, 28));
    m_valueAxis->setMinorGridLineVisible(false);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);

    m_markSeries = new QLineSeries;
    m_markSeries->setName(tr("cursor"));
    QPen markPen(QColor(0x44, 0x44, 0x44));
    markPen.setStyle(Qt::DashLine);
    markPen.setWidthF(1.5);
    m_markSeries->setPen(markPen);
    m_markSeries->setVisible(false);
    chart->addSeries(m_markSeries);
    m_markSeries->attachAxis(m_timeAxis);
    m_markSeries->attachAxis(m_valueAxis);
    for (auto* marker : chart->legend()->markers(m_markSeries)) {
        marker->setVisible(false);
        marker->setProperty("rwbHiddenFromLegend", true); // Qt would show it again with the series
    }

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    // tick labels are counted for the plot's width, known only once the chart laid itself out;
    // queued: the chart reports this from inside its layout pass
    connect(chart, &QChart::plotAreaChanged, this, [this] {
        const int target = std::max(2, plotColumns() / (m_presenter ? 140 : 90));
        if (target != m_timeLabelTarget)
            QMetaObject::invokeMethod(
                this, [this] { updateTimeLabels(visibleMin(), visibleMax()); }, Qt::QueuedConnection);
    });
    connect(m_refreshTimer, &QTimer::timeout, this, [this] { RefreshQueue::instance().add(this); });

    m_ownSync = new TimeAxisSync(this);
    setTimeAxisSync(nullptr);
    applyFonts();
}

ChartView::~ChartView()
{
    RefreshQueue::forget(this);
    if (m_sync && m_sync != m_ownSync)
        m_sync->forgetSource(this);
}

QValueAxis* ChartView::valueAxis() const noexcept { return m_valueAxis; }

void ChartView::setTimeAxisSync(TimeAxisSync* sync)
{
    if (m_syncConnection)
        disconnect(m_syncConnection);
    if (m_sync)
        m_sync->forgetSource(this);
    m_sync = sync ? sync : m_ownSync;
    m_sync->setDataEnd(this, m_timeEnd);
    m_syncConnection = connect(m_sync, &TimeAxisSync::rangeChanged, this, &ChartView::applyRange);
    applyRange(m_sync->rangeMin(), m_sync->rangeMax());
}

void ChartView::applyRange(double min, double max)
{
    m_timeAxis->setRange(min, max);
    updateTimeLabels(min, max);
    scheduleRefresh(); // decimation depends on the visible range
}

void ChartView::updateTimeLabels(double min, double max)
{
    const double span = max - min;
    if (!(span > 0)) {
        setAxisCategories(m_timeAxis, m_timeAxis->startValue(), {});
        return;
    }
    const int target = std::max(2, plotColumns() / (m_presenter ? 140 : 90));
    m_timeLabelTarget = target;
    const double step = niceStep(span, target);
    QList<QPair<double, QString>> labels;
    double v = std::ceil(min / step) * step;
    for (int guard = 0; v <= max + step * 1e-6 && guard < 200; v += step, ++guard)
        labels.append({ v, shortTimeLabel(v, step) });
    setAxisCategories(m_timeAxis, min, labels);
}

void ChartView::setPresenterMode(bool on)
{
    if (m_presenter == on)
        return;
    m_presenter = on;
    // Qt Charts only ever widens the view's minimum to the chart's on a resize: start again from the
    // base, or the presenter fonts' minimum would outlive presenter mode
    setMinimumSize(kBaseMinimumSize); // the breaker chart sets its height again in applyStyle()
    applyFonts();
    applyStyle();
    updateTimeLabels(visibleMin(), visibleMax());
    scheduleRefresh();
}

void ChartView::applyFonts()
{
    QFont base = font();
    // Same factor as the rest of the window (Presenter::scale()); 1.6 left four stacked charts at
    // 1600x1000 too little height, and Qt Charts then elides every axis label to "…".
    const qreal scale = m_presenter ? 1.45 : 1.0;
    QFont labels = base;
    labels.setPointSizeF(std::max<qreal>(8.0, base.pointSizeF() * 0.9) * scale);
    QFont title = base;
    title.setPointSizeF(std::max<qreal>(9.0, base.pointSizeF()) * scale * 1.1);
    title.setBold(true);
    chart()->setTitleFont(title);
    // Qt lays the legend out on one row and elides what does not fit, and elides an axis title longer
    // than the plot is high: both grow less than the tick labels in presenter mode
    QFont legend = labels;
    legend.setPointSizeF(labels.pointSizeF() / scale * (m_presenter ? 1.2 : 1.0));
    chart()->legend()->setFont(legend);
    QFont axisTitle = legend;
    axisTitle.setItalic(true);
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(m_timeAxis), static_cast<QAbstractAxis*>(m_valueAxis)}) {
        axis->setLabelsFont(labels);
        axis->setTitleFont(axisTitle);
    }
    // m:ss ticks speak for themselves; in presenter mode the axis title's row goes to the plot.
    m_timeAxis->setTitleVisible(!m_presenter);
    fitLegendLabels();
}

void ChartView::setMaxRefreshRate(int perSecond)
{
    m_maxRate = std::clamp(perSecond, 1, 120);
}

void ChartView::scheduleRefresh()
{
    m_dirty = true;
    if (m_refreshTimer->isActive())
        return;
    // At most maxRefreshRate() refreshes a second, but a change after a quiet spell is drawn at once
    // (on the next event loop pass, so a batch of changes still costs one refresh).
    const qint64 sinceLast = m_lastRefresh.isValid() ? m_lastRefresh.elapsed() : std::numeric_limits<qint64>::max();
    m_refreshTimer->start(int(std::max<qint64>(0, 1000 / m_maxRate - sinceLast)));
}

void ChartView::flushRefresh()
{
    m_refreshTimer->stop();
    if (!m_dirty)
        return;
    m_dirty = false;
    m_lastRefresh.start();
    ++m_refreshCount;
    refreshSeries();
    updateTimeMark();
    fitLegendLabels(); // a series renamed on the way gets its full label back from Qt
    emit refreshed();
}

void ChartView::extendTime(double seconds)
{
    // always reported: the sync may have forgotten every extent (resetData) since the last call
    m_timeEnd = std::max(m_timeEnd, seconds);
    m_sync->setDataEnd(this, m_timeEnd);
}

void ChartView::resetTime()
{
    m_timeEnd = 0.0;
    m_sync->setDataEnd(this, 0.0);
}

double ChartView::visibleMin() const { return m_timeAxis->min(); }
double ChartView::visibleMax() const { return m_timeAxis->max(); }

int ChartView::plotColumns() const
{
    const int w = static_cast<int>(chart()->plotArea().width());
    return w > 10 ? w : std::max(width() - 80, 200);
}

int ChartView::plotRows() const
{
    const int h = static_cast<int>(chart()->plotArea().height());
    return h > 10 ? h : std::max(height() - 60, 100);
}

void ChartView::setValueMax(double max)
{
    const double top = niceCeil(max);
    m_valueAxis->setRange(0.0, top);
    // up to 5 round steps, fewer on a short plot: Qt Charts elides labels closer than their height
    const int labelHeight = QFontMetrics(m_valueAxis->labelsFont()).height();
    const int steps = std::clamp(plotRows() * 10 / (18 * std::max(labelHeight, 1)), 2, 5);
    const double raw = top / steps;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    QList<QPair<double, QString>> labels;
    for (double v = 0; v <= top + step * 1e-6; v += step)
        labels.append({v, QString::number(v, 'g', 6)});
    setValueLabels(labels);
}

void ChartView::setValueScale(ValueScale scale)
{
    m_scale = scale;
    if (scale != ValueScale::Auto)
        m_logActive = scale == ValueScale::Log;
    scheduleRefresh();
}

void ChartView::setValueTitle(const QString& title) { m_valueAxis->setTitleText(title); }

void ChartView::setValueLabels(const QList<QPair<double, QString>>& labels)
{
    setAxisCategories(m_valueAxis, m_valueAxis->min(), labels);
}

void setAxisCategories(QCategoryAxis* axis, double start, const QList<QPair<double, QString>>& labels)
{
    // every category change makes Qt lay the chart out again (a few ms each, tens of them per run):
    // nothing to do when the axis already has these
    const QStringList current = axis->categoriesLabels();
    bool same = current.size() == labels.size() && axis->startValue() == start;
    for (qsizetype i = 0; same && i < labels.size(); ++i)
        same = current.at(i) == labels.at(i).second && axis->endValue(current.at(i)) == labels.at(i).first;
    if (same)
        return;
    for (const QString& label : current)
        axis->remove(label);
    axis->setStartValue(start);
    for (const auto& [value, text] : labels)
        axis->append(text, value);
}

double ChartView::toAxis(double value) const
{
    if (!m_logActive)
        return value;
    // QCategoryAxis draws negative ranges badly, so decades are shifted to start at zero
    return std::max(std::log10(std::max(value, 1e-12)) - m_logOffset, 0.0);
}

double ChartView::fromAxis(double coordinate) const { return m_logActive ? std::pow(10.0, coordinate + m_logOffset) : coordinate; }

std::pair<double, double> ChartView::lowAndTypical(std::vector<double> v)
{
    if (v.empty())
        return {0.0, 0.0};
    const auto at = [&v](double q) {
        const auto i = static_cast<std::size_t>(q * double(v.size() - 1));
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
        return v[i];
    };
    const double low = at(0.02);
    return {low, at(0.5)};
}

void ChartView::setValueRange(double minPositive, double max, double typical)
{
    if (m_scale == ValueScale::Auto)
        m_logActive = minPositive > 0 && typical > 0 && max / typical > 20.0;
    if (!m_logActive) {
        setValueMax(max);
        return;
    }
    const double hi = std::ceil(std::log10(std::max(max, 1e-6) * 1.05));
    // at most four decades: tinier values sit on the floor
    const double lo = std::max(std::floor(std::log10(std::max(minPositive, 1e-6))), hi - 4);
    m_logOffset = lo;
    m_valueAxis->setRange(0, std::max(hi - lo, 1.0));
    QList<QPair<double, QString>> labels;
    for (double d = lo; d <= std::max(hi, lo + 1) + 1e-9; d += 1)
        labels.append({d - lo, QString::number(std::pow(10.0, d), 'g', 6)});
    setValueLabels(labels);
}

void ChartView::addChartSeries(QAbstractSeries* series, bool inLegend, QAbstractAxis* yAxis)
{
    chart()->addSeries(series);
    series->attachAxis(m_timeAxis);
    series->attachAxis(yAxis ? yAxis : m_valueAxis);
    const auto markers = chart()->legend()->markers(series);
    for (QLegendMarker* marker : markers) {
        marker->setVisible(inLegend);
        marker->setProperty("rwbHiddenFromLegend", !inLegend);
        connect(marker, &QLegendMarker::clicked, this, [this, series] { toggleSeries(series); });
    }
    fitLegendLabels();
    if (auto* xy = qobject_cast<QXYSeries*>(series)) {
        connect(xy, &QXYSeries::hovered, this,
            [this, series](const QPointF& point, bool state) { onHovered(series, point, state); });
    } else if (auto* area = qobject_cast<QAreaSeries*>(series)) {
        connect(area, &QAreaSeries::hovered, this,
            [this, series](const QPointF& point, bool state) { onHovered(series, point, state); });
    }
}

void ChartView::toggleSeries(QAbstractSeries* series)
{
    series->setVisible(!series->isVisible());
    updateLegendMarker(series);
    scheduleRefresh(); // the value axis scales to the visible series
}

void ChartView::updateLegendMarker(QAbstractSeries* series)
{
    // the legend reacts to the visibility change after us (queued): restyle once it has
    QTimer::singleShot(0, this, [this, series = QPointer<QAbstractSeries>(series)] {
        if (series)
            styleLegendMarker(series);
    });
    styleLegendMarker(series);
}

void ChartView::styleLegendMarker(QAbstractSeries* series)
{
    for (QLegendMarker* marker : chart()->legend()->markers(series)) {
        // Qt shows and hides the marker with its series: keep series left out of the legend out, and
        // hidden ones visible (dimmed) so they can be clicked back on
        if (marker->property("rwbHiddenFromLegend").toBool()) {
            marker->setVisible(false);
            continue;
        }
        marker->setVisible(true);
        const qreal alpha = series->isVisible() ? 1.0 : 0.35;
        QColor label = chart()->legend()->labelColor();
        label.setAlphaF(alpha);
        marker->setLabelBrush(label);
        QBrush brush = marker->brush();
        QColor c = brush.color();
        c.setAlphaF(alpha);
        brush.setColor(c);
        marker->setBrush(brush);
        QPen pen = marker->pen();
        QColor pc = pen.color();
        pc.setAlphaF(alpha);
        pen.setColor(pc);
        marker->setPen(pen);
    }
}

QString ChartView::tooltipFor(QAbstractSeries* series, const QPointF& value) const
{
    auto* xy = qobject_cast<QXYSeries*>(series);
    if (!xy || xy->count() == 0)
        return QString();
    int lo = 0, hi = xy->count() - 1;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (xy->at(mid).x() < value.x())
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && std::abs(xy->at(lo - 1).x() - value.x()) < std::abs(xy->at(lo).x() - value.x()))
        --lo;
    const QPointF p = xy->at(lo);
    return QStringLiteral("<b>%1</b><br>%2: %3").arg(series->name().toHtmlEscaped(), formatRunTime(p.x()),
        QString::number(fromAxis(p.y()), 'g', 4));
}

void ChartView::onHovered(QAbstractSeries* series, const QPointF& point, bool state)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    const QString text = tooltipFor(series, point);
    if (!text.isEmpty())
        QToolTip::showText(QCursor::pos(), text, this);
}

double ChartView::xAtPixel(double px) const
{
    const QRectF area = chart()->plotArea();
    if (area.width() <= 0)
        return visibleMin();
    return visibleMin() + (px - area.left()) / area.width() * (visibleMax() - visibleMin());
}

void ChartView::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    const double factor = std::pow(0.8, steps);
    const QPointF pos = mapToScene(event->position().toPoint());
    const double anchor = xAtPixel(pos.x());
    double min = anchor - (anchor - visibleMin()) * factor;
    double max = anchor + (visibleMax() - anchor) * factor;
    if (max - min < 0.01)
        return;
    m_sync->setManualRange(min, max);
    event->accept();
}

void ChartView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_pressPos = event->position().toPoint();
        m_pressMin = visibleMin();
        m_pressMax = visibleMax();
        if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)) {
            m_zooming = true;
            if (!m_rubberBand)
                m_rubberBand = new QRubberBand(QRubberBand::Rectangle, viewport());
            const QRectF area = chart()->plotArea();
            m_rubberBand->setGeometry(QRect(m_pressPos.x(), static_cast<int>(area.top()), 1, static_cast<int>(area.height())));
            m_rubberBand->show();
        } else {
            m_panning = true;
            viewport()->setCursor(Qt::ClosedHandCursor);
        }
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void ChartView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    if (m_zooming && m_rubberBand) {
        const QRectF area = chart()->plotArea();
        m_rubberBand->setGeometry(QRect(std::min(pos.x(), m_pressPos.x()), static_cast<int>(area.top()),
            std::abs(pos.x() - m_pressPos.x()) + 1, static_cast<int>(area.height())));
        event->accept();
        return;
    }
    if (m_panning) {
        const QRectF area = chart()->plotArea();
        if (area.width() > 0 && pos.x() != m_pressPos.x()) {
            const double dx = (pos.x() - m_pressPos.x()) / area.width() * (m_pressMax - m_pressMin);
            m_sync->setManualRange(m_pressMin - dx, m_pressMax - dx);
        }
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
}

void ChartView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_zooming) {
        m_zooming = false;
        if (m_rubberBand) {
            m_rubberBand->hide();
            const QRect r = m_rubberBand->geometry();
            if (r.width() > 4) {
                const double a = xAtPixel(mapToScene(r.topLeft()).x());
                const double b = xAtPixel(mapToScene(r.topRight()).x());
                m_sync->setManualRange(std::min(a, b), std::max(a, b));
            }
        }
        event->accept();
        return;
    }
    if (m_panning) {
        m_panning = false;
        viewport()->unsetCursor();
        const QPoint pos = event->position().toPoint();
        if (event->button() == Qt::LeftButton && (pos - m_pressPos).manhattanLength() < 4
            && chart()->plotArea().contains(mapToScene(pos)))
            emit timeClicked(xAtPixel(mapToScene(pos).x()));
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void ChartView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        resetZoom();
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void ChartView::keyPressEvent(QKeyEvent* event)
{
    const double span = visibleMax() - visibleMin();
    switch (event->key()) {
    case Qt::Key_Home:
    case Qt::Key_Escape:
        resetZoom();
        return;
    case Qt::Key_Left:
        m_sync->setManualRange(visibleMin() - span * 0.1, visibleMax() - span * 0.1);
        return;
    case Qt::Key_Right:
        m_sync->setManualRange(visibleMin() + span * 0.1, visibleMax() + span * 0.1);
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        m_sync->setManualRange(visibleMin() + span * 0.125, visibleMax() - span * 0.125);
        return;
    case Qt::Key_Minus:
        m_sync->setManualRange(visibleMin() - span * 0.25, visibleMax() + span * 0.25);
        return;
    default:
        QChartView::keyPressEvent(event);
    }
}

void ChartView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    menu.addAction(tr("Reset zoom"), this, &ChartView::resetZoom);
    menu.addSeparator();
    menu.addAction(tr("Export as PNG…"), this, [this] {
        const QString name = chart()->title().isEmpty() ? QStringLiteral("chart") : chart()->title();
        const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"),
            name.toLower().replace(QLatin1Char(' '), QLatin1Char('-')) + QStringLiteral(".png"),
            tr("PNG images (*.png)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!exportPng(path, &error))
            QMessageBox::warning(this, tr("Export failed"), error);
    });
    menu.exec(event->globalPos());
}

void ChartView::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    fitLegendLabels();
    updateTimeLabels(visibleMin(), visibleMax());
    scheduleRefresh();
}

void ChartView::setShortLegendName(QAbstractSeries* series, const QString& shortName)
{
    series->setProperty("rwbShortName", shortName);
    fitLegendLabels();
}

void ChartView::fitLegendLabels()
{
    // Qt lays the legend out in one row and elides what does not fit, down to bare colour squares:
    // switch to short labels first (the full name stays in the tooltip), then stand the legend on
    // the right of the plot, one entry per line
    const QFontMetricsF fm(chart()->legend()->font());
    const qreal perMarker = fm.height() * 2 + 16; // the colour square and Qt's spacing
    std::vector<std::pair<QLegendMarker*, QAbstractSeries*>> shown;
    qreal full = 0;
    qreal brief = 0;
    for (QLegendMarker* marker : chart()->legend()->markers()) {
        if (marker->property("rwbHiddenFromLegend").toBool())
            continue;
        QAbstractSeries* series = marker->series();
        shown.emplace_back(marker, series);
        const QString shortName = series->property("rwbShortName").toString();
        full += fm.horizontalAdvance(series->name()) + perMarker;
        brief += fm.horizontalAdvance(shortName.isEmpty() ? series->name() : shortName) + perMarker;
    }
    const qreal room = width() - 24;
    const bool useShort = full > room;
    const Qt::Alignment alignment = brief > room ? Qt::AlignRight : Qt::AlignTop;
    if (chart()->legend()->alignment() != alignment)
        chart()->legend()->setAlignment(alignment);
    for (const auto& [marker, series] : shown) {
        const QString shortName = series->property("rwbShortName").toString();
        const QString label = useShort && !shortName.isEmpty() ? shortName : series->name();
        if (marker->label() != label)
            marker->setLabel(label);
    }
}

void ChartView::resetZoom() { m_sync->resetZoom(); }

QImage ChartView::renderImage()
{
    flushRefresh();
    // axis and label changes are laid out by the scene asynchronously: settle them before grabbing
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
    return grab().toImage();
}

bool ChartView::exportPng(const QString& path, QString* error)
{
    const QImage image = renderImage();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!image.save(&file, "PNG")) {
        if (error)
            *error = tr("Cannot encode the chart as PNG");
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ChartView::markTime(double seconds)
{
    m_mark = seconds;
    const double span = visibleMax() - visibleMin();
    if (seconds < visibleMin() || seconds > visibleMax())
        m_sync->setManualRange(seconds - span / 2, seconds + span / 2);
    m_markSeries->setVisible(true);
    updateLegendMarker(m_markSeries); // keeps the cursor out of the legend
    updateTimeMark();
}

void ChartView::clearTimeMark()
{
    m_mark = -1.0;
    m_markSeries->setVisible(false);
}

void ChartView::updateTimeMark()
{
    if (m_mark < 0)
        return;
    m_markSeries->replace(QList<QPointF> {QPointF(m_mark, m_valueAxis->min()), QPointF(m_mark, m_valueAxis->max())});
}

} // namespace rwb
