#pragma once

// Internals of LogIndex shared with LogQuery and LogSnapshot. Not a public header.

#include "core/log/fieldmapping.h"
#include "core/log/logindex.h"
#include "core/log/mapguard.h"

#include <QFile>

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rwb::logindex_detail {

/// An open file, its first `size` bytes mapped read-only and guarded against the file shrinking.
struct MappedFile {
    QFile file;
    const char* data = nullptr;
    qint64 size = 0;
    std::unique_ptr<MapGuard> guard;
    /// Maps the first `bytes` bytes of the open `file` (none for 0). False if the map failed.
    bool map(qint64 bytes);
    /// Bytes from the start that reads can trust: within the file's size now and before any page that
    /// vanished under a read (MapGuard::intactBytes()). Costs an fstat().
    qint64 intactBytes() const noexcept;
    ~MappedFile();
};

/// A run of consecutive lines with their columns (struct of arrays: 23 bytes per line).
struct Chunk {
    qint64 firstRow = 0;
    qint64 base = 0; ///< file offset of the first line
    qint64 end = 0; ///< one past the last line's terminator
    std::vector<std::uint32_t> rel; ///< line start - base
    std::vector<std::int64_t> ts;
    std::vector<std::uint8_t> level;
    std::vector<std::uint8_t> flags;
    std::vector<std::uint8_t> event;
    std::vector<std::uint32_t> agent;
    std::vector<std::uint32_t> task;

    std::size_t size() const noexcept { return rel.size(); }
    qint64 lineStart(std::size_t i) const noexcept { return base + rel[i]; }
    /// End of line i without its terminator ("\n" or "\r\n").
    qint64 lineEnd(std::size_t i, const char* data) const noexcept
    {
        qint64 e = i + 1 < rel.size() ? base + rel[i + 1] : end;
        if (e > lineStart(i) && data[e - 1] == '\n')
            --e;
        if (e > lineStart(i) && data[e - 1] == '\r')
            --e;
        return e;
    }
    std::size_t memoryBytes() const noexcept
    {
        return rel.capacity() * 4 + ts.capacity() * 8 + level.capacity() + flags.capacity() + event.capacity()
            + agent.capacity() * 4 + task.capacity() * 4;
    }
};

/// Interned strings with dense ids (0 is the empty string). Strings are copied into an arena of
/// fixed blocks that never move, so views stay valid. Not synchronised: callers lock.
class Dictionary {
public:
    Dictionary();
    std::uint32_t intern(std::string_view s);
    std::optional<std::uint32_t> find(std::string_view s) const;
    std::string_view name(std::uint32_t id) const noexcept
    {
        return id < m_entries.size() ? m_entries[id] : std::string_view();
    }
    std::uint32_t size() const noexcept { return std::uint32_t(m_entries.size()); }
    std::size_t memoryBytes() const noexcept;

private:
    std::string_view store(std::string_view s);
    void grow();
    std::vector<std::unique_ptr<char[]>> m_blocks;
    std::size_t m_blockUsed = 0;
    std::size_t m_blockSize = 0;
    std::vector<std::string_view> m_entries;
    std::vector<std::uint32_t> m_table; // id + 1; 0 = empty
};

/// Task ids such as "req-12345" are mostly unique per request: interning them would cost more
/// memory than all the columns. A canonical "<prefix><decimal number>" (no leading zero, number
/// < 2^28) is therefore stored inline in the 32-bit column: bit 31 set, bits 28..30 the index of the
/// prefix (up to 8 per file), bits 0..27 the number. Other values are dictionary ids (bit 31 clear).
namespace taskcode {
constexpr std::uint32_t kInline = 0x80000000u;
constexpr std::uint32_t kNumberMask = (1u << 28) - 1;
constexpr std::size_t kMaxPrefixes = 8;
inline bool isInline(std::uint32_t id) noexcept
{
    return id & kInline;
}
inline std::uint32_t make(std::size_t prefix, std::uint32_t number) noexcept
{
    return kInline | (std::uint32_t(prefix) << 28) | number;
}
inline std::size_t prefixOf(std::uint32_t id) noexcept
{
    return (id >> 28) & 7;
}
/// Splits a canonical "<prefix><number>"; false if `s` has no such form.
inline bool split(std::string_view s, std::string_view& prefix, std::uint32_t& number) noexcept
{
    std::size_t j = s.size();
    while (j > 0 && s[j - 1] >= '0' && s[j - 1] <= '9')
        --j;
    const std::size_t digits = s.size() - j;
    if (digits == 0 || digits > 8 || (digits > 1 && s[j] == '0'))
        return false;
    std::uint32_t n = 0;
    for (std::size_t i = j; i < s.size(); ++i)
        n = n * 10 + std::uint32_t(s[i] - '0');
    prefix = s.substr(0, j);
    number = n;
    return true;
}
inline void append(const std::vector<std::string>& prefixes, std::uint32_t id, std::string& out)
{
    const std::size_t p = prefixOf(id);
    if (p < prefixes.size())
        out += prefixes[p];
    out += std::to_string(id & kNumberMask);
}
} // namespace taskcode

/// What every snapshot of one opened file shares: dictionaries and the mapping.
struct State {
    mutable std::shared_mutex lock; ///< guards the dictionaries and taskPrefixes
    Dictionary agents;
    Dictionary tasks;
    Dictionary events;
    std::vector<std::string> taskPrefixes; ///< see taskcode
    FieldMapping mapping;

    /// Name of a task column value (inline or dictionary). Caller holds `lock`.
    std::string taskName(std::uint32_t id) const
    {
        if (!taskcode::isInline(id))
            return std::string(tasks.name(id));
        std::string out;
        taskcode::append(taskPrefixes, id, out);
        return out;
    }
    /// Column value of a task name, or nullopt if no line carries it. Caller holds `lock`.
    std::optional<std::uint32_t> findTask(std::string_view s) const
    {
        std::string_view prefix;
        std::uint32_t number = 0;
        if (taskcode::split(s, prefix, number)) {
            for (std::size_t i = 0; i < taskPrefixes.size(); ++i)
                if (taskPrefixes[i] == prefix)
                    return taskcode::make(i, number);
        }
        return tasks.find(s);
    }
};

/// Everything an index holds for the first `indexedTo` bytes of a file: what the cache saves and loads.
struct IndexImage {
    std::vector<std::shared_ptr<const Chunk>> chunks;
    std::shared_ptr<State> state;
    LogStats stats;
    std::vector<qint64> perAgent; ///< lines per global agent id
    qint64 indexedTo = 0;
    qint64 rows = 0;
};

/// What became of a cache file when a log was opened.
enum class CacheLoad { Missing, Loaded, Invalid };

/// Reads the cache file of the log whose first `file.size` bytes are mapped in `file`. Loaded: `out`
/// holds the index of its first out.indexedTo bytes (the log may have grown since). Invalid: the
/// log changed, shrank or was replaced, or the cache file is damaged (`why` says which).
/// `requested`: the mapping asked for (Auto: whichever the cache holds).
CacheLoad loadIndexImage(const QString& cacheFile, const QString& logPath, const MappedFile& file, LogFormat requested,
    IndexImage& out, QString* why = nullptr);
/// Writes `image` (of the log mapped in `file`) atomically to `cacheFile`. The caller holds no lock;
/// this takes the state's lock to read the dictionaries.
bool saveIndexImage(const QString& cacheFile, const QString& logPath, const MappedFile& file, const IndexImage& image,
    QString* error = nullptr);

/// The columns a scan fills; the others stay at their "absent" value. A one-shot query needs only the
/// columns its own fields read (LogQuery::scanColumns()), and no UTF-8 check (no query reads that flag).
struct ScanColumns {
    bool timestamp = true;
    bool level = true;
    bool agent = true;
    bool task = true;
    bool event = true;
    bool utf8 = true;
};

/// Indexes the lines of data[begin, end) into `chunk` (firstRow 0) exactly as LogIndex does, with
/// dictionary ids local to `state`, whose mapping the caller has set. `lastIsFileEnd`: a last line
/// without newline is the end of the file (flagged Truncated when malformed). Pure; any thread.
void indexLines(const char* data, qint64 begin, qint64 end, bool lastIsFileEnd, const ScanColumns& columns,
    Chunk& chunk, State& state);

} // namespace rwb::logindex_detail
