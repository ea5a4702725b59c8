#pragma once

#include <QList>
#include <QPointF>

namespace rwb {

/// Reduces a dense line series to what a plot `columns` pixels wide can show: for every pixel
/// column its minimum and maximum point (in x order), so spikes survive and each column's drawn
/// extent is the data's. `points`
/// must be sorted by x. Points outside [xMin, xMax] are dropped except the nearest one on each
/// side, so lines still run to the plot edges. Series already small enough are returned as they are
/// (clipped the same way).
QList<QPointF> decimateMinMax(const QList<QPointF>& points, double xMin, double xMax, int columns);

/// Reduces a scatter plot to at most one point per (column, row) pixel cell inside the given range;
/// points outside the range are dropped. Order of the kept points follows the input.
QList<QPointF> decimateScatter(
    const QList<QPointF>& points, double xMin, double xMax, double yMin, double yMax, int columns, int rows);

} // namespace rwb
