#include "core/sweep/sweepmerge.h"

#include "core/sweep/sweepplan.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <map>

namespace rwb {

SweepMerge SweepMerge::merge(const QList<QPair<QString, QByteArray>>& files)
{
    SweepMerge result;
    QString sweep;
    QString sweepFirstSeen;
    std::map<qint64, QByteArray> byTask;
    for (const auto& [name, content] : files) {
        int lineNumber = 0;
        for (const QByteArray& raw : content.split('\n')) {
            ++lineNumber;
            if (raw.trimmed().isEmpty())
                continue;
            const QString where = QStringLiteral("%1:%2").arg(name).arg(lineNumber);
            QJsonParseError parseError;
            const QJsonObject o = QJsonDocument::fromJson(raw, &parseError).object();
            if (parseError.error != QJsonParseError::NoError
                || o.value(QStringLiteral("format")).toString() != QLatin1String(SweepPlan::kLineFormat)) {
                result.errors << where
                        + QStringLiteral(": not a sweep line (expected a JSON object with \"format\": \"%1\")")
                              .arg(QLatin1String(SweepPlan::kLineFormat));
                return result;
            }
            const QString id = o.value(QStringLiteral("sweep")).toString();
            if (sweep.isEmpty()) {
                sweep = id;
                sweepFirstSeen = where;
                result.expected = o.value(QStringLiteral("points")).toInt() * o.value(QStringLiteral("seeds")).toInt();
            } else if (id != sweep) {
                result.errors << QStringLiteral("%1: belongs to sweep %2, but %3 belongs to sweep %4: refusing to mix "
                                                "different sweeps")
                                     .arg(where, id, sweepFirstSeen, sweep);
                return result;
            }
            const qint64 task
                = qint64(o.value(QStringLiteral("point")).toInt()) * o.value(QStringLiteral("seeds")).toInt()
                + o.value(QStringLiteral("seed_index")).toInt();
            const QByteArray line = raw + '\n';
            const auto [it, inserted] = byTask.emplace(task, line);
            if (!inserted && it->second != line) {
                result.errors << QStringLiteral("%1: point %2 seed %3 appears twice with different results")
                                     .arg(where)
                                     .arg(o.value(QStringLiteral("point")).toInt())
                                     .arg(o.value(QStringLiteral("seed")).toInteger());
                return result;
            }
        }
    }
    for (const auto& [task, line] : byTask)
        result.lines += line;
    result.tasks = int(byTask.size());
    return result;
}

} // namespace rwb
