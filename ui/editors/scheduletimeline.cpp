#include "ui/editors/scheduletimeline.h"

#include "ui/charts/chartview.h"
#include "ui/common/timeaxis.h"

#include <QJsonArray>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {
constexpr int kPad = 8;
}

ScheduleTimeline::ScheduleTimeline(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("scheduleTimeline"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("Red: outage windows · amber: degradation ramp · hatched: flapping · ▼ schedule changes "
                  "(click one to select it in the table)"));
}

QSize ScheduleTimeline::sizeHint() const { return { 260, 3 * fontMetrics().height() + 14 }; }
QSize ScheduleTimeline::minimumSizeHint() const { return { 120, sizeHint().height() }; }

void ScheduleTimeline::setService(const QJsonObject& service, double duration)
{
    m_service = service;
    double end = std::max(duration, 1.0);
    for (const QJsonValue& e : service.value(QStringLiteral("schedule")).toArray())
        end = std::max(end, e.toObject().value(QStringLiteral("at")).toDouble());
    m_end = end;
    update();
}

void ScheduleTimeline::setSelected(int entry)
{
    m_selected = entry;
    update();
}

double ScheduleTimeline::xOf(double seconds) const
{
    return kPad + (width() - 2 * kPad) * std::clamp(seconds / m_end, 0.0, 1.0);
}

void ScheduleTimeline::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const QRectF band(kPad, fm.height() + 4, width() - 2 * kPad, fm.height());
    p.fillRect(band, palette().color(QPalette::Base));
    const QJsonObject fault = m_service.value(QStringLiteral("fault")).toObject();

    // ramp: clear at its start, amber at its end, amber after
    const QJsonObject ramp = fault.value(QStringLiteral("ramp")).toObject();
    if (!ramp.isEmpty()) {
        const double x0 = xOf(ramp.value(QStringLiteral("start")).toDouble());
        const double x1 = xOf(ramp.value(QStringLiteral("end")).toDouble());
        QLinearGradient g(x0, 0, std::max(x1, x0 + 1), 0);
        QColor amber = chartcolors::halfOpen();
        g.setColorAt(0, QColor(amber.red(), amber.green(), amber.blue(), 0));
        g.setColorAt(1, amber);
        p.fillRect(QRectF(x0, band.top(), x1 - x0, band.height()), g);
        p.fillRect(QRectF(x1, band.top(), band.right() - x1, band.height()), amber);
    }
    // flapping: the down phases, hatched
    const QJsonObject flapping = fault.value(QStringLiteral("flapping")).toObject();
    const double period = flapping.value(QStringLiteral("period")).toDouble();
    if (period > 0 && m_end / period < 2000) {
        const double up = period * flapping.value(QStringLiteral("duty_cycle")).toDouble(0.5);
        const double offset = flapping.value(QStringLiteral("offset")).toDouble();
        for (double t = offset; t < m_end; t += period)
            p.fillRect(QRectF(xOf(t + up), band.top(), xOf(t + period) - xOf(t + up), band.height()),
                QBrush(chartcolors::open(), Qt::BDiagPattern));
    }
    for (const QJsonValue& v : fault.value(QStringLiteral("outages")).toArray()) {
        const QJsonObject o = v.toObject();
        const double x0 = xOf(o.value(QStringLiteral("start")).toDouble());
        const double x1 = xOf(o.value(QStringLiteral("end")).toDouble());
        p.fillRect(QRectF(x0, band.top(), std::max(1.0, x1 - x0), band.height()), chartcolors::open());
    }
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(band);

    // schedule entries: a marker above the band, the label above it when it fits
    const QJsonArray schedule = m_service.value(QStringLiteral("schedule")).toArray();
    double lastLabelEnd = -1e9;
    for (int i = 0; i < schedule.size(); ++i) {
        const QJsonObject e = schedule.at(i).toObject();
        const double x = xOf(e.value(QStringLiteral("at")).toDouble());
        const bool selected = i == m_selected;
        QPolygonF marker;
        marker << QPointF(x - 5, band.top() - 7) << QPointF(x + 5, band.top() - 7) << QPointF(x, band.top());
        p.setPen(Qt::NoPen);
        p.setBrush(selected ? palette().color(QPalette::Highlight) : palette().color(QPalette::Text));
        p.drawPolygon(marker);
        p.setPen(QPen(selected ? palette().color(QPalette::Highlight) : palette().color(QPalette::Mid), 1, Qt::DotLine));
        p.drawLine(QPointF(x, band.top()), QPointF(x, band.bottom()));
        QString label = e.value(QStringLiteral("label")).toString();
        if (label.isEmpty())
            label = formatRunTime(e.value(QStringLiteral("at")).toDouble());
        const double w = fm.horizontalAdvance(label);
        const double left = std::clamp(x - w / 2, double(kPad), width() - kPad - w);
        if (left > lastLabelEnd + 4) {
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QPointF(left, fm.ascent() + 1), label);
            lastLabelEnd = left + w;
        }
    }
    // the time scale: start and end
    p.setPen(palette().color(QPalette::PlaceholderText));
    const double y = band.bottom() + fm.ascent() + 2;
    p.drawText(QPointF(kPad, y), formatRunTime(0));
    const QString endText = formatRunTime(m_end);
    p.drawText(QPointF(width() - kPad - fm.horizontalAdvance(endText), y), endText);
}

void ScheduleTimeline::mousePressEvent(QMouseEvent* event)
{
    const QJsonArray schedule = m_service.value(QStringLiteral("schedule")).toArray();
    int best = -1;
    double bestDistance = 8; // pixels
    for (int i = 0; i < schedule.size(); ++i) {
        const double d = std::abs(xOf(schedule.at(i).toObject().value(QStringLiteral("at")).toDouble()) - event->position().x());
        if (d < bestDistance) {
            best = i;
            bestDistance = d;
        }
    }
    if (best >= 0) {
        setSelected(best);
        emit entryClicked(best);
    }
}

} // namespace rwb
