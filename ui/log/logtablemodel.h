#pragma once

#include "core/log/logindex.h"

#include <QAbstractTableModel>
#include <QCache>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include <optional>
#include <vector>

namespace rwb {

/// A virtual table over a LogIndex: columns time / level / agent / task / message. Nothing of the
/// file is materialised: each visible cell reads the index's columns (time, level, agent, task), and
/// the message is extracted from the line's bytes on demand (a small cache keeps the visible ones),
/// so a million-line log opens instantly and scrolls smoothly.
///
/// Rows are either every indexed line (following the index as it grows) or a filter: the line
/// numbers a LogQuery matched, set with setFilter(). Rows of malformed lines show the raw text.
/// GUI thread only (model signals are emitted there); reads the index through its thread-safe const
/// API. Does not own the index.
class LogTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Level, Agent, Task, Message, ColumnCount };
    enum Role { LineRole = Qt::UserRole + 1, TimestampMsRole, LevelRole }; ///< LineRole: the RowIndex's value
    /// Rows are announced (rowsInserted) at most once per this interval (20 Hz), all that arrived
    /// meanwhile together: each announcement makes the view update its geometry and repaint and the
    /// panel rewrite its footer. The first rows are announced at once. A bulk of millions (an index
    /// read whole from its cache) is one announcement: LogTableView keeps nothing per row, so its
    /// cost does not grow with the rows (QTableView's vertical header spent 20-60 ms on each).
    static constexpr int kAnnounceIntervalMs = 50;

    explicit LogTableModel(QObject* parent = nullptr);
    ~LogTableModel() override;

    void setIndex(LogIndex* index);
    LogIndex* logIndex() const noexcept { return m_index; }

    /// Shows only these lines (ascending line numbers); nullopt shows every line.
    void setFilter(std::optional<std::vector<qint64>> lines);
    /// Shows these lines in this order (a sorted view; not ascending line numbers).
    void setOrderedRows(std::vector<qint64> lines);
    /// Rows are in file order (every line, or a filter): false for a sorted view.
    bool inFileOrder() const noexcept { return m_fileOrder; }
    /// Appends matching lines (follow mode with a filter); they must be beyond the current ones.
    void appendFiltered(const std::vector<qint64>& lines);
    bool isFiltered() const noexcept { return m_filter.has_value(); }

    /// Index row of the line shown in `row` (RowIndex(-1) when out of range).
    RowIndex lineAt(int row) const;
    /// Row showing index row `line`, or the nearest row at or after it when filtered (-1 if none).
    int rowOfLine(RowIndex line) const;
    /// Row of the first line at or after `utcMs` (-1 if none).
    int rowAtTime(qint64 utcMs) const;
    /// The message text of `line` (decoded; the raw line for malformed rows).
    QString messageOf(RowIndex line) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QColor levelColor(LogLevel level);
    static QString formatTimestamp(qint64 utcMs);

private:
    void onRowsAvailable(qint64 rows);
    void announceWhenDue();
    void announceRows();
    void onReset();

    QPointer<LogIndex> m_index;
    qint64 m_rows = 0; // rows the model has announced (unfiltered)
    QTimer m_announceTimer; // single shot: the next announcement, while one is not yet due
    QElapsedTimer m_sinceAnnounce;
    std::optional<std::vector<qint64>> m_filter;
    bool m_fileOrder = true;
    mutable QCache<qint64, QString> m_messages {4000};
};

} // namespace rwb
