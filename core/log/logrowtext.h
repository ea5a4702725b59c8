#pragma once

#include "core/log/fieldmapping.h"
#include "core/log/logindex.h"

#include <QByteArray>

namespace rwb::logrowtext {

/// How one indexed log line reads as text: the same in `rwb logs query --format csv|table` and in the
/// GUI's CSV export, so a line exported from either is the same bytes. Thread-safe (reads a snapshot).

/// The CSV header: line,timestamp,level,agent,task_id,message.
QByteArray csvHeader();
/// An RFC 4180 field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF.
QByteArray csvField(const QByteArray& value);
/// The line's message by `mapping` (the snapshot's) (the message key, else the fallback key); a
/// malformed line's raw text, so nothing of it is lost.
QByteArray message(const LogSnapshot& snapshot, const FieldMapping& mapping, RowIndex row);
/// The ISO 8601 timestamp; empty when the line has none.
QByteArray timestamp(const LogRow& row);
/// The level's canonical name; empty when unknown.
QByteArray level(const LogRow& row);
/// One CSV record (with its newline): 1-based line number, timestamp, level, agent, task, message.
void appendCsvRow(const LogSnapshot& snapshot, const FieldMapping& mapping, RowIndex row, QByteArray& out);

} // namespace rwb::logrowtext
