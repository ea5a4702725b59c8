#pragma once

// Internals of LogIndex shared with LogQuery and LogSnapshot. Not a public header.

#include "core/log/fieldmapping.h"
#include "core/log/logindex.h"

#include <QFile>

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <vector>

namespace rwb::logindex_detail {

struct MappedFile {
    QFile file;
    const char* data = nullptr;
    qint64 size = 0;
    ~MappedFile();
};

/// A run of consecutive lines with their columns (struct of arrays: 23 bytes per line).
struct Chunk {
    qint64 firstRow = 0;
    qint64 base = 0; ///< file offset of the first line
    qint64 end = 0;  ///< one past the last line's terminator
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

/// What every snapshot of one opened file shares: dictionaries and the mapping.
struct State {
    mutable std::shared_mutex lock; ///< guards the dictionaries
    Dictionary agents;
    Dictionary tasks;
    Dictionary events;
    FieldMapping mapping;
};

} // namespace rwb::logindex_detail
