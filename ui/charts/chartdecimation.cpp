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
    auto last = std::upper_bound(points.begin(), points.end(), xMax,
        [](double x, const QPointF& p) { return x < p.x(); });
    if (first != points.begin())
        --first;
    if (last != points.end())
        ++last;
    const auto count = last - first;
    columns = std::max(columns, 1);
    if (count <= 4 * columns)
        return QList<QPointF>(first, last);

    QList<QPointF> out;
    out.reserve(4 * columns + 2);
    const double width = (xMax - xMin) / columns;
    auto it = first;
    while (it != last) {
        const auto column = static_cast<long long>(std::floor((it->x() - xMin) / width));
        const QPointF head = *it;
        QPointF lo = head, hi = head, tail = head;
        ++it;
        while (it != last && static_cast<long long>(std::floor((it->x() - xMin) / width)) == column) {
            if (it->y() < lo.y())
                lo = *it;
            if (it->y() > hi.y())
                hi = *it;
            tail = *it;
            ++it;
        }
        out.append(head);
        // min and max in the order they happened, so the drawn line keeps its shape
        if (lo.x() <= hi.x()) {
            if (lo != head)
                out.append(lo);
            if (hi != head && hi != lo)
                out.append(hi);
        } else {
            if (hi != head)
                out.append(hi);
            if (lo != head && lo != hi)
                out.append(lo);
        }
        if (tail != out.last())
            out.append(tail);
    }
    return out;
}

QList<QPointF> decimateScatter(const QList<QPointF>& points, double xMin, double xMax, double yMin, double yMax,
    int columns, int rows)
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
