#include "ui/log/logexport.h"

#include "core/log/logrowtext.h"
#include "ui/log/logtablemodel.h"

#include <QCoreApplication>
#include <QSaveFile>

#include <algorithm>
#include <map>

namespace rwb::logexport {

namespace {

/// Rank of every id's name, so ids sort by name without comparing strings per row.
template <typename NameOf> std::map<std::uint32_t, int> ranks(const std::vector<std::uint32_t>& ids, NameOf nameOf)
{
    std::vector<std::pair<QString, std::uint32_t>> names;
    for (std::uint32_t id : ids)
        names.emplace_back(nameOf(id), id);
    std::sort(names.begin(), names.end());
    std::map<std::uint32_t, int> out;
    for (int i = 0; i < static_cast<int>(names.size()); ++i)
        out[names[std::size_t(i)].second] = i;
    return out;
}

} // namespace

QString write(const LogSnapshot& snapshot, const std::vector<qint64>& rows, Format format, const QString& path,
    const std::atomic_bool* cancel)
{
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return out.errorString();
    const FieldMapping mapping = snapshot.mapping();
    QByteArray buf;
    buf.reserve(1 << 20);
    if (format == Format::Csv)
        buf += logrowtext::csvHeader();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const RowIndex r(rows[i]);
        if ((i & 0xffff) == 0 && cancel && cancel->load()) {
            out.cancelWriting();
            return QCoreApplication::translate("rwb::logexport", "cancelled");
        }
        if (format == Format::Jsonl) {
            const QByteArrayView line = snapshot.line(r);
            buf.append(line.data(), line.size());
            buf.append('\n');
        } else {
            logrowtext::appendCsvRow(snapshot, mapping, r, buf);
        }
        if (buf.size() > (1 << 20) - 4096) {
            if (out.write(buf) != buf.size())
                return out.errorString();
            buf.clear();
        }
    }
    if (out.write(buf) != buf.size() || !out.commit())
        return out.errorString();
    return {};
}

void sortRows(const LogSnapshot& snapshot, std::vector<qint64>& rows, int column, bool descending)
{
    const auto order = [descending](auto a, auto b) { return descending ? b < a : a < b; };
    switch (column) {
    case LogTableModel::Time:
    case LogTableModel::Level: {
        std::vector<std::pair<qint64, qint64>> keyed;
        keyed.reserve(rows.size());
        for (qint64 r : rows) {
            const LogRow row = snapshot.row(RowIndex(r));
            keyed.emplace_back(column == LogTableModel::Time ? row.timestampMs : qint64(row.level), r);
        }
        std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) { return order(a.first, b.first); });
        for (std::size_t i = 0; i < rows.size(); ++i)
            rows[i] = keyed[i].second;
        return;
    }
    case LogTableModel::Agent:
    case LogTableModel::Task: {
        const bool agent = column == LogTableModel::Agent;
        std::vector<std::uint32_t> ids;
        for (qint64 r : rows) {
            const LogRow row = snapshot.row(RowIndex(r));
            ids.push_back(agent ? row.agentId : row.taskId);
        }
        std::vector<std::uint32_t> unique = ids;
        std::sort(unique.begin(), unique.end());
        unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
        const auto rank = ranks(unique, [&](std::uint32_t id) { return agent ? snapshot.agentName(id) : snapshot.taskName(id); });
        std::vector<std::pair<int, qint64>> keyed;
        keyed.reserve(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i)
            keyed.emplace_back(rank.at(ids[i]), rows[i]);
        std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) { return order(a.first, b.first); });
        for (std::size_t i = 0; i < rows.size(); ++i)
            rows[i] = keyed[i].second;
        return;
    }
    case LogTableModel::Message: {
        const FieldMapping mapping = snapshot.mapping();
        std::vector<std::pair<QByteArray, qint64>> keyed;
        keyed.reserve(rows.size());
        for (qint64 r : rows)
            keyed.emplace_back(logrowtext::message(snapshot, mapping, RowIndex(r)), r);
        std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) { return order(a.first, b.first); });
        for (std::size_t i = 0; i < rows.size(); ++i)
            rows[i] = keyed[i].second;
        return;
    }
    default:
        std::sort(rows.begin(), rows.end(), order); // line order
    }
}

} // namespace rwb::logexport
