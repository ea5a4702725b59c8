#include "ui/charts/chartdecimation.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace rwb {

QList<QPointF> decimateMinMax(const QList<QPointF>& points, double xMin, double xMax, int columns)
{
    if (points.isEmpty() || !(xMax > xMin))
        return points;
    const auto byX = [](const QPointF& p, double x) { return p.x() < x; };
    auto first = std::lower_bound(points.begin(), points.end(), xMin, byX);
    auto last
        = std::upper_bound(points.begin(), points.end(), xMax, [](double x, const QPointF& p) { return x < p.x(); });
    if (first != points.begin())
        --first;
    if (last != points.end())
        ++last;
    const auto count = last - first;
    columns = std::max(columns, 1);
    if (count <= 2 * columns)
        return QList<QPointF>(first, last);

    // Two points per column are all a pixel column can show: the line's vertical extent there. First
    // and last points would only add segments inside that extent, yet Qt strokes every segment twice
    // (the hover shape on replace(), the pen on paint).
    QList<QPointF> out;
    out.reserve(2 * columns + 4);
    const double width = (xMax - xMin) / columns;
    auto it = first;
    while (it != last) {
        const auto column = static_cast<long long>(std::floor((it->x() - xMin) / width));
        QPointF lo = *it, hi = *it;
        for (++it; it != last && static_cast<long long>(std::floor((it->x() - xMin) / width)) == column; ++it) {
            if (it->y() < lo.y())
                lo = *it;
            if (it->y() > hi.y())
                hi = *it;
        }
        // in the order they happened, so the drawn line keeps its shape
        out.append(lo.x() <= hi.x() ? lo : hi);
        if (lo != hi)
            out.append(lo.x() <= hi.x() ? hi : lo);
    }
    return out;
}

QList<QPointF> decimateScatter(
    const QList<QPointF>& points, double xMin, double xMax, double yMin, double yMax, int columns, int rows)
{
    QList<QPointF> out;
    if (!(xMax > xMin) || !(yMax > yMin))
        return out;
    columns = std::max(columns, 1);
    rows = std::max(rows, 1);
    const double cw = (xMax - xMin) / columns;
    const double rh = (yMax - yMin) / rows;
    std::unordered_set<long long> seen;
    for (const QPointF& p : points) {
        if (p.x() < xMin || p.x() > xMax || p.y() < yMin || p.y() > yMax)
            continue;
        const auto c = static_cast<long long>((p.x() - xMin) / cw);
        const auto r = static_cast<long long>((p.y() - yMin) / rh);
        if (seen.insert(c * (rows + 1) + r).second)
            out.append(p);
    }
    return out;
}

} // namespace rwb
