#include "core/log/logrowtext.h"

#include "core/common/iso8601.h"
#include "core/log/fieldmapping.h"
#include "core/log/jsonscan.h"

namespace rwb::logrowtext {

QByteArray csvHeader() { return QByteArrayLiteral("line,timestamp,level,agent,task_id,message\n"); }

QByteArray csvField(const QByteArray& value)
{
    if (!value.contains(',') && !value.contains('"') && !value.contains('\n') && !value.contains('\r'))
        return value;
    QByteArray quoted = value;
    quoted.replace("\"", "\"\"");
    return '"' + quoted + '"';
}

QByteArray message(const LogSnapshot& snapshot, const FieldMapping& mapping, RowIndex row)
{
    const QByteArrayView line = snapshot.line(row);
    if (snapshot.row(row).malformed())
        return QByteArray(line.data(), line.size());
    return jsonscan::text(messageOf(line, mapping));
}

QByteArray timestamp(const LogRow& row)
{
    QByteArray out;
    if (row.timestampMs != LogRow::kNoTime)
        iso8601::appendTimestamp(row.timestampMs, out);
    return out;
}

QByteArray level(const LogRow& row)
{
    return row.level == LogLevel::Unknown ? QByteArray() : QByteArray(levelName(row.level));
}

void appendCsvRow(const LogSnapshot& snapshot, const FieldMapping& mapping, RowIndex row, QByteArray& out)
{
    const LogRow r = snapshot.row(row);
    out += QByteArray::number(toLineNumber(row).value) + ',' + timestamp(r) + ',' + level(r) + ','
        + csvField(snapshot.agentName(r.agentId).toUtf8()) + ',' + csvField(snapshot.taskName(r.taskId).toUtf8()) + ','
        + csvField(message(snapshot, mapping, row)) + '\n';
}

} // namespace rwb::logrowtext
