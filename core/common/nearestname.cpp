#include "core/common/nearestname.h"

#include <algorithm>
#include <vector>

namespace rwb {

namespace {
int editDistance(QStringView a, QStringView b)
{
    std::vector<int> row(std::size_t(b.size()) + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[std::size_t(j)];
            const int substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[std::size_t(j)] = std::min({ above + 1, row[std::size_t(j - 1)] + 1, substitute });
            diagonal = above;
        }
    }
    return row.back();
}
} // namespace

QString nearestName(QStringView typed, const QStringList& known, int maxEdits)
{
    QString nearest;
    int best = maxEdits + 1;
    for (const QString& name : known) {
        const int d = editDistance(typed, name);
        if (d < best) {
            best = d;
            nearest = name;
        }
    }
    return nearest;
}

} // namespace rwb
