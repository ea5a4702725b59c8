#pragma once

#include "core/log/logindex.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace rwb {

namespace logindex_detail {
struct ScanColumns;
} // namespace logindex_detail

/// Why a query text was rejected. `column` is 1-based, in characters of the query text.
struct LogQueryError {
    int column = 1;
    QString message;
    QString toString() const; ///< "column 7: expected a value after '>='"
};

/// How far an evaluation got.
struct LogQueryOutcome {
    qint64 rowsScanned = 0; ///< the rows the results cover: the first rowsScanned rows of the snapshot
    bool fileShrank = false; ///< the file got shorter during the evaluation; results cover what was read before
};

/// Controls a long evaluation. All members are optional. `progress` is called from worker
/// threads (0..1, monotonic, possibly often: throttle in the receiver); `cancel` is polled;
/// `outcome`, when set, receives how far the evaluation got.
struct LogQueryControl {
    std::function<void(double)> progress;
    const std::atomic_bool* cancel = nullptr;
    int threads = 0; ///< 0 = QThread::idealThreadCount()
    LogQueryOutcome* outcome = nullptr;
};

/// A compiled filter over a LogSnapshot, in the language of docs/log-query.md:
///
///   level>=WARNING and agent=payments and not extra.event=attempt
///   (extra.delay_ms>1000 or message~"timeout") and timestamp>="2026-01-03T15:30"
///   "connection reset"             -- a bare string: the raw line contains it
///   message=~"^retry .* gave up$"  -- regex (QRegularExpression syntax)
///
/// Fields: level, agent, task_id, message, timestamp (alias time), event (= the mapping's event
/// key), line (the raw line) and extra.<path>. Operators: = != < <= > >= (ordered for level,
/// timestamp and numbers), ~ (contains) !~ (does not contain), =~ (regex) !=~. Combinators: and, or,
/// not, parentheses; `and` binds tighter than `or`. Keywords are case-insensitive.
///
/// Evaluation uses the columns for level/agent/task_id/timestamp/event, and falls back to scanning
/// the line's JSON for message/extra.* (after a substring prefilter on the raw bytes). It is
/// parallel over chunks and returns rows in line order.
///
/// Malformed and blank lines have no fields: every field comparison on them is false for = < <= > >=
/// ~ =~ and true for != !~ !=~ (as for a missing field); `line` compares their raw text.
///
/// Any input is safe to parse: parentheses and 'not' may nest at most kMaxNesting deep, and so may
/// the and/or/not nodes of the query (deeper is a parse error with its column); chains of and/or are
/// flattened (a and b and c is one node), so neither the parser nor the evaluator recurses more.
///
/// A LogQuery is immutable after parse() and may be evaluated from several threads at once.
class LogQuery {
public:
    static constexpr int kMaxNesting = 100;

    LogQuery(); ///< matches everything
    ~LogQuery();
    LogQuery(const LogQuery&);
    LogQuery& operator=(const LogQuery&);
    LogQuery(LogQuery&&) noexcept;
    LogQuery& operator=(LogQuery&&) noexcept;

    /// Parses `text`; an empty (or blank) text matches everything. On error returns nullopt and
    /// fills `error`.
    static std::optional<LogQuery> parse(const QString& text, LogQueryError* error = nullptr);

    QString text() const;
    /// A canonical, fully parenthesised rendering (for tests and debugging).
    QString toString() const;
    bool matchesAll() const noexcept;

    /// True if row `row` of `snapshot` matches.
    bool matches(const LogSnapshot& snapshot, RowIndex row) const;

    /// All matching rows in line order (empty if cancelled: check the control's flag). If the file
    /// shrinks under the evaluation, the matches among the rows read before (see LogQueryOutcome).
    std::vector<qint64> evaluate(const LogSnapshot& snapshot, const LogQueryControl& control = {}) const;
    /// Only the number of matching rows (no result vector); partial like evaluate().
    qint64 count(const LogSnapshot& snapshot, const LogQueryControl& control = {}) const;

    // For the one-shot scanner (LogScan), which indexes only candidate lines, into standalone chunks:
    /// The columns the evaluation reads under `mapping` (the others need not be filled).
    logindex_detail::ScanColumns scanColumns(const FieldMapping& mapping) const;
    /// Byte strings of which every matching line that has no backslash contains at least one; empty
    /// when there is no such set (then every line is a candidate).
    std::vector<QByteArray> requiredLiterals(const FieldMapping& mapping) const;
    /// The level column values a matching line can have, as bits (1 << int(LogLevel)); 0x7F: any. When
    /// it is not 0x7F, no malformed or blank line matches.
    std::uint8_t requiredLevels() const;
    /// Clears mask[i] for the rows of a standalone chunk that do not match (rows already 0 stay 0).
    void evaluateChunk(const logindex_detail::Chunk& chunk, const char* data, const logindex_detail::State& state,
        std::vector<std::uint8_t>& mask) const;

    struct Node;

private:
    std::shared_ptr<const Node> m_root;
    QString m_text;
    int m_leaves = 0;
};

} // namespace rwb
