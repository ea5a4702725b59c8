#pragma once

#include "core/log/logindex.h"
#include "core/log/logquery.h"
#include "ui/run/jobtracker.h"

#include <QPointer>
#include <QWidget>

#include <memory>
#include <optional>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QTimer;
class QToolButton;

namespace rwb {

class LogDetailPane;
class LogQueryBar;
class LogTableModel;
class LogTableView;

/// The log panel: a query bar (LogQuery language, inline error marking, history), a virtual table
/// over a LogIndex (time / level / agent / task / message), a detail pane with the selected line's
/// pretty-printed JSON, follow mode and "show in chart".
///
/// Indexing and query evaluation never run on the GUI thread: LogIndex indexes on its workers;
/// queries run with QtConcurrent over an immutable LogSnapshot with progress and cancellation
/// (a newer query cancels the older one; a stale result is dropped by job id). While a filter is
/// active, rows appended later (indexing in progress, follow mode) are filtered incrementally.
/// GUI thread only. Owns the index it opens with openFile(); does not own one set with setLogIndex().
class LogPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);
    ~LogPanel() override;

    /// Opens and indexes `path` (asynchronously). On failure the current log stays and `error` says why.
    bool openFile(const QString& path, QString* error = nullptr);
    void setLogIndex(LogIndex* index);
    LogIndex* logIndex() const noexcept { return m_index; }

    LogTableModel* model() const noexcept { return m_model; }
    LogTableView* tableView() const noexcept { return m_table; }
    LogQueryBar* queryBar() const noexcept { return m_bar; }
    LogDetailPane* detailPane() const noexcept { return m_detail; }

    /// Puts `text` in the query bar and runs it.
    void setQuery(const QString& text);
    QString query() const;
    bool isQueryRunning() const { return m_queries.isRunning(); }
    /// Rows shown (matching lines, or every line without a filter).
    qint64 shownRows() const;

    void setFollow(bool on);
    bool follow() const noexcept { return m_follow; }

    /// UTC milliseconds of the run's time zero, so a line's time maps to chart time. Unset: the
    /// first timestamp of the log.
    void setTimeOrigin(std::optional<qint64> utcMs);
    /// Selects the first line at or after `runSeconds` of chart time (the reverse of showInChart).
    void scrollToRunTime(double runSeconds);

    /// Selects line `line` (1-based, as numbered in the margin); false when it is not shown.
    bool goToLine(LineNumber line);
    enum class Find { Error, Malformed };
    /// Selects the next (or previous) shown row after the current one that is an error (ERROR or
    /// above) or a malformed line, wrapping around; returns its line (0-based) or -1 when none.
    std::optional<RowIndex> findNext(Find what, bool forward = true);
    /// Sorts the rows shown by a column (LogTableModel::Column) on a worker; sorted() follows.
    /// A new query returns to file order.
    void sortByColumn(int column, Qt::SortOrder order);
    /// Back to file order.
    void clearSort();
    /// Writes the rows shown (filtered, in their order) as JSONL or CSV on a worker; exported() follows.
    void exportShown(const QString& path, bool csv);

signals:
    /// The user asked to see the selected line's moment in the charts.
    void showInChart(double runSeconds);
    void lineSelected(RowIndex line);
    /// A query finished (matches) or failed to parse (-1).
    void queryFinished(qint64 matches);
    void sorted();
    /// An export ended: "" or the error.
    void exported(const QString& path, const QString& error);

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitColumnsToFont();
    void runQuery(const QString& text);
    void buildTriageBar(QHBoxLayout* bar);
    void exportDialog();
    void goToLineDialog();
    /// The rows shown, as line numbers in their order.
    std::vector<qint64> shownLines() const;
    void filterAppended();
    void onRowsAvailable();
    void onSelectionChanged();
    void emitShowInChart();
    /// Puts the current row's line, as it is in the file, on the clipboard.
    void copyCurrentLine();
    void updateStatus();
    void cancelRunning();
    qint64 originMs() const;

    QPointer<LogIndex> m_index;
    std::unique_ptr<LogIndex> m_ownIndex;
    LogTableModel* m_model = nullptr;
    LogTableView* m_table = nullptr;
    LogQueryBar* m_bar = nullptr;
    LogDetailPane* m_detail = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_errorLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_followButton = nullptr;
    QToolButton* m_chartButton = nullptr;
    QToolButton* m_historyButton = nullptr;
    QTimer* m_pollTimer = nullptr;

    std::optional<LogQuery> m_query;          // the active filter (nullopt: everything)
    qint64 m_filteredUpTo = 0;                // rows of the index the filter has looked at
    bool m_follow = false;
    std::optional<qint64> m_origin;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    // the query (or the filtering of appended rows) in flight; a newer one cancels it
    JobTracker m_queries { this };
    JobTracker m_sorts { this };
    JobTracker m_exports { this, JobTracker::Results::Every }; // each export reports its outcome
};

} // namespace rwb
