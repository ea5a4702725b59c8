#pragma once

#include "core/log/fieldmapping.h"
#include "core/log/logquery.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace rwb {

/// What a one-shot scan found.
struct LogScanResult {
    qint64 matches = 0;
    qint64 bytes = 0; ///< bytes of the file (or stream) the results cover
    qint64 candidates = 0; ///< lines the literal prefilter let through to the JSON scan
    bool fileShrank = false; ///< the file got shorter while it was read: results cover `bytes`
    FieldMapping mapping;
};

/// Receives the matching lines of one batch, in file order: each line's bytes (no terminator) followed
/// by "\n". Returns false to stop the scan (e.g. the output is gone).
using LogScanSink = std::function<bool(QByteArrayView lines)>;

/// Answers one query over a JSONL file in a single pass, without building (or keeping) a LogIndex.
///
/// Per block of lines: when the query implies literals that every matching line contains
/// (LogQuery::requiredLiterals), memmem finds them and only the lines holding one (or a backslash,
/// which may hide any text) are scanned; those lines are indexed exactly as LogIndex indexes them,
/// with only the columns the query reads, and the query's own evaluator decides. So the results equal
/// LogIndex + LogQuery::evaluate() on the same bytes, line for line. The mapping is detected from the
/// first 64 KB as LogIndex::open() does, unless one is given.
///
/// Files are read with pread() into per-thread buffers of `blockBytes` (or, with `useMap`, through a
/// read-only map), on `threads` threads; matches reach the sink in file order from whichever thread
/// completes the next block (never two at once).
///
/// Thread safety: scanFile() may run concurrently with itself on different files; a LogLineFilter
/// instance belongs to one thread.
class LogScan {
public:
    struct Options {
        LogFormat format = LogFormat::Auto;
        int threads = 0; ///< 0 = QThread::idealThreadCount()
        qint64 blockBytes = 4 << 20;
        bool useMap = false; ///< read through mmap instead of pread (for measurements)
        bool countOnly = false; ///< no sink calls, only LogScanResult::matches
        const std::atomic_bool* cancel = nullptr;
    };

    /// Scans `path`. Returns false with a message naming the file if it cannot be opened or read.
    static bool scanFile(const QString& path, const LogQuery& query, const Options& options, const LogScanSink& sink,
        LogScanResult* result, QString* error = nullptr);
};

/// The incremental form, for standard input and `--follow`: feed() bytes as they arrive; complete lines
/// are filtered at once, a trailing partial line waits for its newline (or for finish(), which takes it
/// as the last line of the input). The mapping is detected from the first 64 KB fed (or what finish()
/// sees, if less), unless one is given.
class LogLineFilter {
public:
    LogLineFilter(const LogQuery& query, LogFormat format, LogScanSink sink);
    ~LogLineFilter();
    /// Returns false if the sink asked to stop.
    bool feed(QByteArrayView bytes);
    bool finish();
    /// Drops any partial line and starts over (the file was truncated or replaced); keeps the mapping.
    void restart();
    qint64 matches() const noexcept;
    FieldMapping mapping() const;

private:
    bool process(bool atEnd);
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace rwb
