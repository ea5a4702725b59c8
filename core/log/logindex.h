#pragma once

#include "core/log/fieldmapping.h"
#include "core/log/lineref.h"
#include "core/log/loglevel.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <vector>

namespace rwb {

namespace logindex_detail {
struct Chunk;
struct MappedFile;
class Dictionary;
struct State;
} // namespace logindex_detail

/// One indexed line, assembled from the columns. `timestampMs` is kNoTime when the line has no
/// readable timestamp; agent/task/event ids are 0 when the field is absent (0 is the empty string).
/// Ids are opaque tokens of one index: equal ids mean equal strings; names via agentName() etc.
/// (task ids like "req-42" are encoded inline rather than interned, see docs/log-format.md).
struct LogRow {
    static constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();

    qint64 offset = 0; ///< byte offset of the first byte of the line (after a BOM on line 0)
    qint64 length = 0; ///< bytes of the line without "\n" / "\r\n"
    qint64 timestampMs = kNoTime; ///< UTC milliseconds since the Unix epoch
    LogLevel level = LogLevel::Unknown;
    std::uint32_t agentId = 0;
    std::uint32_t taskId = 0;
    std::uint8_t eventId = 0; ///< dictionary id of the mapping's eventKey value (workbench: extra.event)
    std::uint8_t flags = 0; ///< bit-or of LogRow::Flag

    enum Flag : std::uint8_t {
        Malformed = 1, ///< not a JSON object (or structurally broken: unterminated string, no closing brace)
        Blank = 2, ///< empty or whitespace only (not counted as malformed)
        InvalidUtf8 = 4, ///< the line contains bytes that are not valid UTF-8 (still indexed)
        Truncated = 8, ///< the last line of the file, without a final newline, and malformed
        Huge = 16, ///< longer than LogIndex::kHugeLine (informational; indexed like any line)
    };
    bool malformed() const noexcept { return flags & Malformed; }
    bool blank() const noexcept { return flags & Blank; }
};

/// Figures over the whole file (or what has been indexed so far).
struct LogStats {
    qint64 lines = 0; ///< rows, including blank and malformed ones
    qint64 blankLines = 0;
    qint64 malformedLines = 0;
    qint64 invalidUtf8Lines = 0;
    std::vector<LineNumber> firstMalformed; ///< the first malformed lines (at most 100)
    qint64 minTimeMs = LogRow::kNoTime; ///< earliest/latest timestamp (UTC ms); kNoTime when none
    qint64 maxTimeMs = LogRow::kNoTime;
    qint64 perLevel[7] {}; ///< indexed by LogLevel
    std::map<QString, qint64> perAgent;
    qint64 bytes = 0;
    bool hadBom = false;
    bool crlf = false; ///< at least one line ended with "\r\n"
    /// The file got shorter while it was being indexed (truncated in place, e.g. by copytruncate):
    /// indexing stopped, and these figures cover the lines read before.
    bool fileShrank = false;
};

/// An immutable view of the rows indexed at one moment. Cheap to copy (shared pointers); safe to
/// use from any thread, concurrently with further indexing; it keeps the memory map it reads
/// alive, so line() views stay valid for the snapshot's lifetime even if the index re-maps or
/// re-opens the file. This is what queries and exporters run on.
class LogSnapshot {
public:
    LogSnapshot();
    ~LogSnapshot();
    LogSnapshot(const LogSnapshot&);
    LogSnapshot& operator=(const LogSnapshot&);

    qint64 rowCount() const noexcept { return m_rows; }
    LogRow row(RowIndex index) const;
    /// Raw bytes of the line (no line terminator, no BOM). Valid while this snapshot lives.
    QByteArrayView line(RowIndex index) const;
    QString agentName(std::uint32_t id) const;
    QString taskName(std::uint32_t id) const;
    QString eventName(std::uint8_t id) const;
    /// Dictionary ids of a value, or nullopt if no indexed line carries it.
    std::optional<std::uint32_t> agentId(QByteArrayView utf8) const;
    std::optional<std::uint32_t> taskId(QByteArrayView utf8) const;
    std::optional<std::uint8_t> eventId(QByteArrayView utf8) const;
    const FieldMapping& mapping() const;

    // For evaluators that work over columns (LogQuery): the chunks, in row order.
    const std::vector<std::shared_ptr<const logindex_detail::Chunk>>& chunks() const noexcept { return m_chunks; }
    const char* data() const noexcept; ///< start of the mapped file
    /// The file is now shorter than the snapshot's map (truncated in place): reads past its end return
    /// zeros instead of crashing, and only results from lines within intactBytes() are sound.
    bool fileShrank() const noexcept;
    /// The part of the file, from its start, that reads of this snapshot can trust: all of it unless
    /// fileShrank(). A result computed from lines that end within it is sound. Costs an fstat().
    qint64 intactBytes() const noexcept;
    const std::shared_ptr<const logindex_detail::State>& state() const noexcept { return m_state; }

private:
    friend class LogIndex;
    std::vector<std::shared_ptr<const logindex_detail::Chunk>> m_chunks;
    std::shared_ptr<const logindex_detail::MappedFile> m_file;
    std::shared_ptr<const logindex_detail::State> m_state; // dictionaries + mapping
    qint64 m_rows = 0;
};

/// A memory-mapped, column-indexed JSONL file.
///
/// open() maps the file (QFile::map; nothing is read into memory) and starts indexing on worker
/// threads (parallel chunks of ~8 MB, published in file order as soon as each is done), so the first
/// rows are available within milliseconds. Per line it keeps a byte offset and compact columns
/// (timestamp, level, agent/task/event dictionary ids, flags): 23 bytes per line, dictionaries aside.
///
/// Damage is tolerated and reported, never fatal: malformed lines are rows flagged Malformed (their
/// 1-based numbers are in stats()), blank lines are rows flagged Blank, a UTF-8 BOM is skipped,
/// "\r\n" is accepted, invalid UTF-8 is flagged, a huge line (10 MB) costs time linear in its size, a last
/// line without newline is indexed (and flagged Truncated if it is not a complete object).
///
/// Foreign dialects (pino, bunyan, zap, structlog, ECS, CLEF) are read through a FieldMapping,
/// detected from the first lines unless Options::mapping sets one.
///
/// Follow mode: poll() (called by a timer every Options::followIntervalMs when follow is on, or
/// explicitly) indexes what was appended since the last look; if the file shrank or was replaced
/// (another inode) it re-opens and re-indexes from scratch and emits reset(). In follow mode a last
/// line without newline is left for the next poll (the writer may be in the middle of it).
/// Files that shrink: if the file is truncated in place (copytruncate) while it is mapped, bytes of
/// the old length are gone. Reading them never crashes (a MapGuard answers the SIGBUS with a page of
/// zeros); an indexing pass that meets them ends with the rows read before and stats().fileShrank,
/// a query reports it (LogQueryOutcome), LogSnapshot::fileShrank() tells any other reader, and
/// row()/line() return empty values in follow mode until poll() re-opens the file and emits reset().
///
/// Threads: the object lives in (and its signals are delivered to) the thread that created it;
/// all const methods are thread-safe and may be called while the workers index (they see the rows
/// published so far). open/close/cancel/poll must be called from the owner thread.
class LogIndex final : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kHugeLine = 1 << 20; ///< lines above 1 MB get the Huge flag

    struct Options {
        LogFormat format = LogFormat::Auto; ///< Auto = detect from the first lines
        int threads = 0; ///< 0 = QThread::idealThreadCount()
        qint64 chunkBytes = 8 << 20;
        bool follow = false;
        int followIntervalMs = 500;
        /// Where to keep the index between runs (LogIndexCache, usually LogIndexCache::defaultDirectory());
        /// empty: no cache. The directory is trimmed to `cacheMaxBytes` after each save (0: no cache).
        QString cacheDirectory;
        qint64 cacheMaxBytes = qint64(1) << 30;
        /// Open only if the cache holds the index of the file (or of its first part, then extended):
        /// otherwise open() indexes nothing and returns false with an empty error.
        bool cachedOnly = false;
        /// The workers run at a lower priority than the rest of the process (a higher nice value), so that
        /// a GUI thread waking while a large log is indexed on every core gets a core at once.
        bool background = false;
    };

    /// What open() did with the cache (Options::cacheDirectory).
    enum class CacheUse {
        None, ///< no cache directory given
        Built, ///< no cache file yet: indexed, and saved when the pass completes
        Loaded, ///< the log is unchanged: its index was loaded, nothing indexed
        Extended, ///< the log grew: the cached index was loaded, the appended lines indexed, the cache updated
        Rebuilt, ///< the log changed, shrank or was replaced, or the cache file was damaged: re-indexed and saved
    };

    explicit LogIndex(QObject* parent = nullptr);
    ~LogIndex() override; ///< cancels and joins the workers

    /// Maps `path` and starts indexing. Returns false (with a message naming the file) if the file
    /// cannot be opened or mapped; the previous file, if any, is closed either way.
    bool open(const QString& path, const Options& options, QString* error = nullptr);
    bool open(const QString& path, QString* error = nullptr) { return open(path, Options {}, error); }
    void close();
    QString path() const;

    void cancel(); ///< stops indexing; rows published so far stay usable
    void waitForFinished(); ///< blocks until the current indexing pass ends (tests, the CLI)
    bool isIndexing() const noexcept;
    bool wasCancelled() const noexcept;
    double progress() const noexcept; ///< 0..1 of the bytes known at the start of the pass

    /// Follow mode: index appended lines, or re-open after truncation/rotation. Returns true if the
    /// file changed. Starts an asynchronous pass; use waitForFinished() to wait for it.
    bool poll();

    qint64 rowCount() const noexcept;
    LogRow row(RowIndex index) const;
    QByteArray line(RowIndex index) const; ///< a copy (the map may change under follow mode)
    LogSnapshot snapshot() const;
    LogStats stats() const;
    FieldMapping mapping() const;
    QString agentName(std::uint32_t id) const;
    QString taskName(std::uint32_t id) const;
    /// What the pass did with the cache: the pass reads the cache on a worker, so this is final once
    /// finished() is emitted (at once after open() with Options::cachedOnly, which reads it in open()).
    CacheUse cacheUse() const noexcept;
    QString cacheNote() const; ///< why the cache was not used as it was (Rebuilt), for messages and tests
    /// Bytes held by the columns (not the dictionaries) divided by rows; 0 when empty.
    double bytesPerRow() const;
    qint64 indexMemoryBytes() const; ///< columns + dictionaries

signals:
    void rowsAvailable(qint64 rowCount); ///< more rows were published (coalesced)
    void progressChanged(double progress);
    void finished(); ///< the current pass ended (complete or cancelled)
    void reset(); ///< the file was truncated/replaced: row numbers restart

private:
    void startPass(qint64 from);
    void onTimer();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace rwb
