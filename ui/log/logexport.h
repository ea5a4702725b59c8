#pragma once

#include "core/log/logindex.h"

#include <QString>

#include <atomic>
#include <vector>

namespace rwb::logexport {

enum class Format { Jsonl, Csv };

/// Writes the lines `rows` (RowIndex values) of `snapshot` (the rows the log panel shows, in its order) to `path`,
/// atomically (QSaveFile): JSONL copies each line's bytes as they are; CSV has the columns of
/// `rwb logs query --format csv` (line, timestamp, level, agent, task_id, message; RFC 4180 quoting).
/// Returns "" or the error. Thread-safe (reads only the immutable snapshot); `cancel` is polled.
QString write(const LogSnapshot& snapshot, const std::vector<qint64>& rows, Format format, const QString& path,
    const std::atomic_bool* cancel = nullptr);

/// The sort keys of the log panel's columns, applied to `rows` in place (stable: ties keep their
/// order). `column` is LogTableModel::Column. Thread-safe; meant for a worker (messages are read
/// from the lines).
void sortRows(const LogSnapshot& snapshot, std::vector<qint64>& rows, int column, bool descending);

} // namespace rwb::logexport
