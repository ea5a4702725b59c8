#include "ui/sweep/sweepheatmap.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {

/// A perceptually ordered ramp (dark blue -> teal -> yellow), readable in greyscale too.
QColor ramp(double t)
{
    static const QColor stops[] = { QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b), QColor(0x21, 0x91, 0x8c),
        QColor(0x5e, 0xc9, 0x62), QColor(0xfd, 0xe7, 0x25) };
    t = std::clamp(t, 0.0, 1.0) * 4.0;
    const int i = std::min(3, int(t));
    const double f = t - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * f),
        float(a.greenF() + (b.greenF() - a.greenF()) * f), float(a.blueF() + (b.blueF() - a.blueF()) * f));
}

QString compact(double v)
{
    return QString::number(v, 'g', 4);
}

} // namespace

SweepHeatmap::SweepHeatmap(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(false);
    setToolTip(tr("Click a cell to load that configuration as variant B"));
}

void SweepHeatmap::reset(
    const QStringList& columnLabels, const QStringList& rowLabels, const QString& xTitle, const QString& yTitle)
{
    m_columns = columnLabels;
    m_rows = rowLabels;
    m_xTitle = xTitle;
    m_yTitle = yTitle;
    m_values.assign(std::size_t(m_columns.size() * m_rows.size()), std::nan(""));
    update();
}

void SweepHeatmap::setValue(int point, double value)
{
    if (point < 0 || std::size_t(point) >= m_values.size())
        return;
    m_values[std::size_t(point)] = value;
    update();
}

void SweepHeatmap::setFigure(const QString& title, const QString& unit)
{
    m_figure = title;
    m_unit = unit;
    update();
}

int SweepHeatmap::filledCells() const
{
    return int(std::count_if(m_values.begin(), m_values.end(), [](double v) { return !std::isnan(v); }));
}

QRect SweepHeatmap::plotRect() const
{
    const QFontMetrics fm(font());
    const int left = fm.horizontalAdvance(QStringLiteral("00000.0")) + fm.height() + 8;
    const int bottom = 2 * fm.height() + 8;
    const int right = fm.horizontalAdvance(QStringLiteral("00000.0")) + 30;
    return QRect(
        left, fm.height() + 6, std::max(10, width() - left - right), std::max(10, height() - bottom - fm.height() - 6));
}

QRect SweepHeatmap::cellRect(int point) const
{
    const int rows = int(m_rows.size());
    const int columns = int(m_columns.size());
    if (rows == 0 || columns == 0)
        return {};
    const QRect plot = plotRect();
    const int column = point / rows;
    const int row = point % rows;
    const int x0 = plot.left() + plot.width() * column / columns;
    const int x1 = plot.left() + plot.width() * (column + 1) / columns;
    const int y1 = plot.bottom() + 1 - plot.height() * row / rows; // row 0 at the bottom
    const int y0 = plot.bottom() + 1 - plot.height() * (row + 1) / rows;
    return QRect(QPoint(x0, y0), QPoint(x1 - 1, y1 - 1));
}

int SweepHeatmap::pointAt(const QPoint& position) const
{
    for (int i = 0; i < int(m_values.size()); ++i)
        if (cellRect(i).contains(position))
            return i;
    return -1;
}

void SweepHeatmap::mousePressEvent(QMouseEvent* event)
{
    const int point = pointAt(event->position().toPoint());
    if (point >= 0 && !std::isnan(m_values[std::size_t(point)]))
        emit pointClicked(point);
}

void SweepHeatmap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QFontMetrics fm(font());
    const QColor text = palette().color(QPalette::WindowText);
    double lo = INFINITY, hi = -INFINITY;
    for (const double v : m_values)
        if (!std::isnan(v) && std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    for (int i = 0; i < int(m_values.size()); ++i) {
        const double v = m_values[std::size_t(i)];
        const QColor fill = std::isnan(v) || !std::isfinite(lo) ? palette().color(QPalette::Mid)
                                                                : ramp(hi > lo ? (v - lo) / (hi - lo) : 0.5);
        p.fillRect(cellRect(i), fill);
    }
    const QRect plot = plotRect();
    p.setPen(text);
    p.drawRect(plot.adjusted(0, 0, -1, -1));
    // Axis labels: at most ~8 per axis so they never overlap.
    const int columns = int(m_columns.size());
    const int rows = int(m_rows.size());
    const int columnStride
        = std::max(1, columns / std::max(1, plot.width() / (fm.horizontalAdvance(QStringLiteral("0000.0")) + 6)));
    for (int c = 0; c < columns; c += columnStride) {
        const QRect cell = cellRect(c * rows);
        p.drawText(QRect(cell.center().x() - 40, plot.bottom() + 3, 80, fm.height()), Qt::AlignHCenter, m_columns[c]);
    }
    const int rowStride = std::max(1, rows / std::max(1, plot.height() / (fm.height() + 2)));
    for (int r = 0; r < rows; r += rowStride) {
        const QRect cell = cellRect(r);
        p.drawText(QRect(0, cell.center().y() - fm.height() / 2, plot.left() - 4, fm.height()),
            Qt::AlignRight | Qt::AlignVCenter, m_rows[r]);
    }
    p.drawText(
        QRect(plot.left(), plot.bottom() + fm.height() + 5, plot.width(), fm.height()), Qt::AlignHCenter, m_xTitle);
    p.save();
    p.translate(fm.height() / 2.0 + 1, plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-plot.height() / 2, -fm.height() / 2, plot.height(), fm.height()), Qt::AlignHCenter, m_yTitle);
    p.restore();
    p.drawText(QRect(plot.left(), 2, plot.width(), fm.height()), Qt::AlignLeft,
        m_unit.isEmpty() ? m_figure : QStringLiteral("%1 (%2)").arg(m_figure, m_unit));
    // The legend: the colour ramp with its ends.
    const QRect legend(plot.right() + 10, plot.top(), 12, plot.height());
    for (int y = 0; y < legend.height(); ++y)
        p.fillRect(QRect(legend.left(), legend.bottom() - y, legend.width(), 1),
            ramp(double(y) / std::max(1, legend.height() - 1)));
    if (std::isfinite(lo)) {
        p.drawText(QRect(legend.right() + 3, legend.top(), width() - legend.right() - 3, fm.height()), Qt::AlignLeft,
            compact(hi));
        p.drawText(QRect(legend.right() + 3, legend.bottom() - fm.height(), width() - legend.right() - 3, fm.height()),
            Qt::AlignLeft, compact(lo));
    }
}

} // namespace rwb
