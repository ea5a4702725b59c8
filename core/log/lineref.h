#pragma once

#include <QtGlobal>

#include <compare>
#include <type_traits>

namespace rwb {

/// Where a log line is, in the two ways the code counts, as distinct types so one cannot be passed
/// for the other (klogg keeps its line numbers apart the same way).
///
/// A LogIndex makes every line of the file a row, blank and malformed ones included (a BOM is skipped,
/// it is not a line), so row i is always line i + 1: toLineNumber() and toRowIndex() are the one place
/// that says so. Counts of rows (LogIndex::rowCount(), LogStats::lines) stay plain integers.

/// 0-based position of a line in a LogIndex / LogSnapshot: what row() and line() take.
struct RowIndex {
    qint64 value = 0;

    constexpr RowIndex() noexcept = default;
    constexpr explicit RowIndex(qint64 v) noexcept
        : value(v)
    {
    }
    friend constexpr auto operator<=>(RowIndex, RowIndex) noexcept = default;
};

/// 1-based number of a line in its file: what a person sees, what `rwb logs` prints and what
/// "Go to line" takes.
struct LineNumber {
    qint64 value = 1;

    constexpr LineNumber() noexcept = default;
    constexpr explicit LineNumber(qint64 v) noexcept
        : value(v)
    {
    }
    friend constexpr auto operator<=>(LineNumber, LineNumber) noexcept = default;
};

// The index cache stores LogStats::firstMalformed as raw 64-bit integers.
static_assert(sizeof(LineNumber) == sizeof(qint64) && std::is_trivially_copyable_v<LineNumber>);

constexpr LineNumber toLineNumber(RowIndex row) noexcept
{
    return LineNumber(row.value + 1);
}
constexpr RowIndex toRowIndex(LineNumber line) noexcept
{
    return RowIndex(line.value - 1);
}

} // namespace rwb
