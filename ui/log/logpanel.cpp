#include "ui/log/logpanel.h"

#include "core/log/logindexcache.h"

#include "ui/common/settings.h"
#include "ui/log/logdetailpane.h"
#include "ui/log/logexport.h"
#include "ui/log/logquerybar.h"
#include "ui/log/logtablemodel.h"
#include "ui/log/logtableview.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QProgressBar>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace rwb {

namespace {
struct QueryOutput {
    std::vector<qint64> rows;
    qint64 evaluatedUpTo = 0;
};
} // namespace

LogPanel::LogPanel(QWidget* parent)
    : QWidget(parent)
{
    m_bar = new LogQueryBar(this);
    m_followButton = new QToolButton(this);
    m_followButton->setText(tr("Follow"));
    m_followButton->setCheckable(true);
    m_followButton->setToolTip(tr("Keep reading lines appended to the file and scroll to the newest"));
    m_chartButton = new QToolButton(this);
    m_chartButton->setText(tr("Show in chart"));
    m_chartButton->setToolTip(tr("Move the charts' time cursor to the selected line (double-click a line does the same)"));
    m_chartButton->setEnabled(false);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #d6332b;"));
    m_errorLabel->setVisible(false);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_model = new LogTableModel(this);
    m_table = new LogTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    QHeaderView* hh = m_table->horizontalHeader();
    hh->setSectionResizeMode(QHeaderView::Interactive);
    hh->setStretchLastSection(true);
    hh->setHighlightSections(false);
    hh->setSectionsClickable(true);
    hh->setSortIndicatorShown(false);
    hh->setToolTip(tr("Click a column to sort by it (again: descending, a third time: back to file order)"));
    fitColumnsToFont();

    m_detail = new LogDetailPane(this);
    // a small screen gets a short log dock: a few rows and a line of detail still work
    m_table->setMinimumHeight(4 * m_table->rowHeight());
    m_detail->setMinimumHeight(2 * fontMetrics().height());
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    m_status = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(false);
    m_progress->setVisible(false);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_bar, 1);
    top->addWidget(m_followButton);
    top->addWidget(m_chartButton);
    auto* triage = new QHBoxLayout;
    triage->setContentsMargins(0, 0, 0, 0);
    buildTriageBar(triage);
    auto* bottom = new QHBoxLayout;
    bottom->setContentsMargins(0, 0, 0, 0);
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_progress);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addLayout(triage);
    layout->addWidget(m_errorLabel);
    layout->addWidget(splitter, 1);
    layout->addLayout(bottom);

    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(500);
    connect(m_pollTimer, &QTimer::timeout, this, [this] {
        if (m_index && !m_index->isIndexing())
            m_index->poll();
    });

    // query history survives restarts
    m_bar->setHistory(Settings::queryHistory());
    connect(m_bar, &LogQueryBar::submitted, this, [this] { Settings::setQueryHistory(m_bar->history()); });
    connect(hh, &QHeaderView::sectionClicked, this, [this](int column) {
        // ascending, descending, then file order again
        if (column != m_sortColumn)
            sortByColumn(column, Qt::AscendingOrder);
        else if (m_sortOrder == Qt::AscendingOrder)
            sortByColumn(column, Qt::DescendingOrder);
        else
            clearSort();
    });
    connect(m_bar, &LogQueryBar::submitted, this, &LogPanel::runQuery);
    connect(m_bar, &LogQueryBar::settled, this, &LogPanel::runQuery);
    connect(m_followButton, &QToolButton::toggled, this, &LogPanel::setFollow);
    connect(m_chartButton, &QToolButton::clicked, this, &LogPanel::emitShowInChart);
    connect(m_table, &LogTableView::doubleClicked, this, &LogPanel::emitShowInChart);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LogPanel::onSelectionChanged);
    // Ctrl+C copies the line as it is in the file (the view's own would copy one cell's text)
    auto* copy = new QAction(tr("Copy line"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &LogPanel::copyCurrentLine);
    m_table->addAction(copy);
    connect(m_table, &LogTableView::customContextMenuRequested, this, [this, copy](const QPoint& pos) {
        const QModelIndex at = m_table->indexAt(pos);
        if (!at.isValid())
            return;
        QMenu menu(this);
        menu.addAction(tr("Show in chart"), this, &LogPanel::emitShowInChart);
        menu.addAction(copy);
        const QString agent = m_model->index(at.row(), LogTableModel::Agent).data().toString();
        if (!agent.isEmpty())
            menu.addAction(tr("Only agent %1").arg(agent), this, [this, agent] {
                setQuery(QStringLiteral("agent=\"%1\"").arg(agent));
            });
        const QString task = m_model->index(at.row(), LogTableModel::Task).data().toString();
        if (!task.isEmpty())
            menu.addAction(tr("Only task %1").arg(task), this, [this, task] {
                setQuery(QStringLiteral("task_id=\"%1\"").arg(task));
            });
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow)
            m_table->scrollToBottom();
        updateStatus();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &LogPanel::updateStatus);
    updateStatus();
}

void LogPanel::fitColumnsToFont()
{
    const int digit = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_table->setColumnWidth(LogTableModel::Time, digit * 25);
    m_table->setColumnWidth(LogTableModel::Level, digit * 11);
    m_table->setColumnWidth(LogTableModel::Agent, digit * 14);
    m_table->setColumnWidth(LogTableModel::Task, digit * 12);
}

void LogPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // presenter mode's larger font: timestamps would be cut short in columns sized for the old one
    if (event->type() == QEvent::FontChange)
        fitColumnsToFont();
}

LogPanel::~LogPanel()
{
    // m_queries waits for the query in flight: it reports progress to a child of this object
}

bool LogPanel::openFile(const QString& path, QString* error)
{
    auto index = std::make_unique<LogIndex>();
    // Re-opening a log loads its cached index (or extends it if the log grew) instead of indexing it all.
    LogIndex::Options options;
    options.background = true; // the window stays responsive while the log is indexed on every core
    options.cacheMaxBytes = LogIndexCache::configuredMaxBytes();
    if (options.cacheMaxBytes > 0)
        options.cacheDirectory = LogIndexCache::defaultDirectory();
    if (!index->open(path, options, error))
        return false;
    setLogIndex(index.get());
    m_ownIndex = std::move(index); // the old one (if owned) goes after the model let go of it
    return true;
}

void LogPanel::setLogIndex(LogIndex* index)
{
    cancelRunning();
    if (m_index)
        disconnect(m_index, nullptr, this, nullptr);
    m_index = index;
    m_model->setIndex(index);
    m_detail->clearLine();
    m_filteredUpTo = 0;
    m_query.reset();
    m_sortColumn = -1;
    m_table->horizontalHeader()->setSortIndicatorShown(false);
    if (index) {
        connect(index, &LogIndex::rowsAvailable, this, &LogPanel::onRowsAvailable);
        connect(index, &LogIndex::progressChanged, this, &LogPanel::updateStatus);
        connect(index, &LogIndex::finished, this, &LogPanel::updateStatus);
        connect(index, &LogIndex::reset, this, [this] {
            m_filteredUpTo = 0;
            if (m_query)
                runQuery(m_bar->text());
        });
    }
    if (!m_bar->text().trimmed().isEmpty())
        runQuery(m_bar->text());
    updateStatus();
}

void LogPanel::setQuery(const QString& text)
{
    m_bar->setText(text);
    m_bar->addToHistory(text);
    runQuery(text);
}

QString LogPanel::query() const { return m_bar->text(); }

qint64 LogPanel::shownRows() const { return m_model->rowCount(); }

void LogPanel::cancelRunning()
{
    m_queries.cancel();
}

void LogPanel::runQuery(const QString& text)
{
    LogQueryError error;
    std::optional<LogQuery> parsed = LogQuery::parse(text, &error);
    if (!parsed) {
        m_bar->setError(error.column, error.message);
        m_errorLabel->setText(error.toString());
        m_errorLabel->setVisible(true);
        emit queryFinished(-1);
        return;
    }
    m_bar->clearError();
    m_errorLabel->setVisible(false);
    cancelRunning();
    if (!m_index)
        return;
    if (parsed->matchesAll()) {
        m_query.reset();
        m_model->setFilter(std::nullopt);
        m_sortColumn = -1;
        m_table->horizontalHeader()->setSortIndicatorShown(false);
        updateStatus();
        emit queryFinished(m_model->rowCount());
        return;
    }
    m_query = std::move(parsed);
    m_filteredUpTo = 0;

    const LogSnapshot snapshot = m_index->snapshot();
    const LogQuery query = *m_query;
    auto lastPermille = std::make_shared<std::atomic_int>(-1);
    QProgressBar* progress = m_progress;
    m_queries.start(
        [snapshot, query, lastPermille, progress](JobControl& job) {
            LogQueryControl control;
            control.cancel = &job.cancel;
            control.progress = [lastPermille, progress](double p) {
                // throttled: at most one update per permille reaches the GUI thread
                const int permille = static_cast<int>(p * 1000);
                if (lastPermille->exchange(permille) != permille)
                    QMetaObject::invokeMethod(progress, "setValue", Qt::QueuedConnection, Q_ARG(int, permille));
            };
            QueryOutput out;
            out.rows = query.evaluate(snapshot, control);
            out.evaluatedUpTo = snapshot.rowCount();
            return out;
        },
        [this](QueryOutput out) { // dropped when a newer query replaced this one
            m_progress->setVisible(false);
            m_filteredUpTo = out.evaluatedUpTo;
            m_model->setFilter(std::move(out.rows));
            m_sortColumn = -1;
            m_table->horizontalHeader()->setSortIndicatorShown(false);
            updateStatus();
            emit queryFinished(m_model->rowCount());
            // rows indexed meanwhile
            if (m_index && m_index->rowCount() > m_filteredUpTo)
                filterAppended();
        });
    m_progress->setValue(0);
    m_progress->setVisible(true);
    updateStatus();
}

void LogPanel::onRowsAvailable()
{
    if (m_query && !m_queries.isRunning())
        filterAppended();
    updateStatus();
}

void LogPanel::filterAppended()
{
    if (!m_index || !m_query)
        return;
    const LogSnapshot snapshot = m_index->snapshot();
    const qint64 from = m_filteredUpTo;
    const qint64 to = snapshot.rowCount();
    if (to <= from)
        return;
    const LogQuery query = *m_query;
    m_queries.start(
        [snapshot, query, from, to](JobControl& job) {
            QueryOutput out;
            for (qint64 i = from; i < to; ++i) {
                if ((i & 0xfff) == 0 && job.cancel.load())
                    return out; // dropped: a newer query replaced this one
                if (query.matches(snapshot, RowIndex(i)))
                    out.rows.push_back(i);
            }
            out.evaluatedUpTo = to;
            return out;
        },
        [this](QueryOutput out) {
            m_filteredUpTo = out.evaluatedUpTo;
            m_model->appendFiltered(out.rows);
            updateStatus();
            emit queryFinished(m_model->rowCount());
            if (m_index && m_index->rowCount() > m_filteredUpTo)
                filterAppended();
        });
}

void LogPanel::setFollow(bool on)
{
    m_follow = on;
    if (m_followButton->isChecked() != on)
        m_followButton->setChecked(on);
    if (on) {
        m_pollTimer->start();
        m_table->scrollToBottom();
    } else {
        m_pollTimer->stop();
    }
}

void LogPanel::setTimeOrigin(std::optional<qint64> utcMs) { m_origin = utcMs; }

qint64 LogPanel::originMs() const
{
    if (m_origin)
        return *m_origin;
    if (m_index) {
        const LogStats stats = m_index->stats();
        if (stats.minTimeMs != LogRow::kNoTime)
            return stats.minTimeMs;
    }
    return 0;
}

void LogPanel::scrollToRunTime(double runSeconds)
{
    if (!m_index)
        return;
    const qint64 ms = originMs() + std::llround(runSeconds * 1000.0);
    const int row = m_model->rowAtTime(ms);
    if (row < 0)
        return;
    const QModelIndex idx = m_model->index(row, LogTableModel::Time);
    m_table->setCurrentIndex(idx);
    m_table->scrollTo(idx, QAbstractItemView::PositionAtCenter);
}

void LogPanel::onSelectionChanged()
{
    const QModelIndex current = m_table->currentIndex();
    const RowIndex line = m_model->lineAt(current.row());
    m_chartButton->setEnabled(line.value >= 0 && current.data(LogTableModel::TimestampMsRole).isValid());
    if (line.value < 0 || !m_index) {
        m_detail->clearLine();
        return;
    }
    m_detail->showLine(m_index->line(line), toLineNumber(line));
    emit lineSelected(line);
}

void LogPanel::copyCurrentLine()
{
    const RowIndex line = m_model->lineAt(m_table->currentIndex().row());
    if (line.value < 0 || !m_index)
        return;
    if (QClipboard* clipboard = QGuiApplication::clipboard())
        clipboard->setText(QString::fromUtf8(m_index->line(line)));
}

void LogPanel::emitShowInChart()
{
    const QModelIndex current = m_table->currentIndex();
    const QVariant ms = m_model->index(current.row(), 0).data(LogTableModel::TimestampMsRole);
    if (!ms.isValid())
        return;
    emit showInChart(double(ms.toLongLong() - originMs()) / 1000.0);
}

void LogPanel::updateStatus()
{
    const QLocale locale;
    if (!m_index) {
        m_status->setText(tr("No log open"));
        return;
    }
    const qint64 total = m_index->rowCount();
    QString text = m_query ? tr("%1 matching of %2 lines").arg(locale.toString(qint64(m_model->rowCount())), locale.toString(total))
                           : tr("%1 lines").arg(locale.toString(total));
    if (m_index->isIndexing()) {
        text += tr(" · indexing %1 %").arg(std::lround(m_index->progress() * 100));
    }
    if (m_queries.isRunning())
        text += tr(" · searching…");
    if (!m_model->inFileOrder())
        text += tr(" · sorted");
    if (!m_index->isIndexing()) {
        const LogStats stats = m_index->stats();
        if (stats.malformedLines > 0)
            text += tr(
                " · %n malformed (first at line %1)", nullptr, int(std::min<qint64>(stats.malformedLines, INT_MAX)))
                        .arg(stats.firstMalformed.empty() ? 0 : stats.firstMalformed.front().value);
        // counted as `rwb logs stats` counts them: lines with bytes that are not UTF-8
        if (stats.invalidUtf8Lines > 0)
            text += tr(" · %n with invalid UTF-8", nullptr, int(std::min<qint64>(stats.invalidUtf8Lines, INT_MAX)));
    }
    m_status->setText(text);
    if (!m_queries.isRunning())
        m_progress->setVisible(false);
}

void LogPanel::buildTriageBar(QHBoxLayout* bar)
{
    const auto button = [this, bar](const QString& text, const QString& tip, const QKeySequence& key, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        auto* b = new QToolButton(this);
        b->setDefaultAction(action);
        b->setAutoRaise(true);
        bar->addWidget(b);
        return b;
    };
    button(tr("Go to line…"), tr("Select a line by its number"), QKeySequence(Qt::CTRL | Qt::Key_G),
        [this] { goToLineDialog(); });
    button(tr("◀ Error"), tr("Previous ERROR or CRITICAL line"), QKeySequence(Qt::SHIFT | Qt::Key_F8),
        [this] { findNext(Find::Error, false); });
    button(tr("Error ▶"), tr("Next ERROR or CRITICAL line"), QKeySequence(Qt::Key_F8), [this] { findNext(Find::Error); });
    button(tr("Malformed ▶"), tr("Next line that is not a JSON object"), QKeySequence(Qt::CTRL | Qt::Key_F8),
        [this] { findNext(Find::Malformed); });
    m_historyButton = new QToolButton(this);
    m_historyButton->setText(tr("History"));
    m_historyButton->setToolTip(tr("Queries run before (also Up / Down in the query line)"));
    m_historyButton->setPopupMode(QToolButton::InstantPopup);
    m_historyButton->setAutoRaise(true);
    auto* historyMenu = new QMenu(m_historyButton);
    connect(historyMenu, &QMenu::aboutToShow, this, [this, historyMenu] {
        historyMenu->clear();
        const QStringList history = m_bar->history();
        for (const QString& q : history)
            historyMenu->addAction(q, this, [this, q] { setQuery(q); });
        if (history.isEmpty())
            historyMenu->addAction(tr("No queries yet"))->setEnabled(false);
    });
    m_historyButton->setMenu(historyMenu);
    bar->addWidget(m_historyButton);
    bar->addStretch(1);
    button(tr("Export…"), tr("Write the lines shown (filtered, in their order) as JSONL or CSV"), QKeySequence(),
        [this] { exportDialog(); });
}

std::vector<qint64> LogPanel::shownLines() const
{
    std::vector<qint64> lines(static_cast<std::size_t>(m_model->rowCount()));
    for (int r = 0; r < m_model->rowCount(); ++r)
        lines[std::size_t(r)] = m_model->lineAt(r).value;
    return lines;
}

bool LogPanel::goToLine(LineNumber line)
{
    const int row = m_model->rowOfLine(toRowIndex(line));
    if (row < 0 || m_model->lineAt(row) != toRowIndex(line))
        return false;
    const QModelIndex idx = m_model->index(row, LogTableModel::Time);
    m_table->setCurrentIndex(idx);
    m_table->scrollTo(idx, QAbstractItemView::PositionAtCenter);
    return true;
}

void LogPanel::goToLineDialog()
{
    if (!m_index)
        return;
    bool ok = false;
    const qint64 current = toLineNumber(m_model->lineAt(m_table->currentIndex().row())).value;
    const int line = QInputDialog::getInt(this, tr("Go to Line"), tr("Line (1 to %1):").arg(m_index->rowCount()),
        int(std::max<qint64>(1, current)), 1, int(std::min<qint64>(m_index->rowCount(), INT_MAX)), 1, &ok);
    if (ok && !goToLine(LineNumber(line)))
        m_status->setText(tr("Line %1 is not shown: the query filters it out").arg(line));
}

std::optional<RowIndex> LogPanel::findNext(Find what, bool forward)
{
    const int rows = m_model->rowCount();
    if (!m_index || rows == 0)
        return std::nullopt;
    const int start = std::max(-1, m_table->currentIndex().row());
    // the index columns are in memory: a pass over even millions of rows takes milliseconds
    for (int i = 1; i <= rows; ++i) {
        const int row = ((forward ? start + i : start - i) % rows + rows) % rows;
        const RowIndex line = m_model->lineAt(row);
        const LogRow r = m_index->row(line);
        const bool hit = what == Find::Error ? !r.malformed() && r.level >= LogLevel::Error : r.malformed();
        if (!hit)
            continue;
        const QModelIndex idx = m_model->index(row, LogTableModel::Time);
        m_table->setCurrentIndex(idx);
        m_table->scrollTo(idx, QAbstractItemView::PositionAtCenter);
        return line;
    }
    m_status->setText(what == Find::Error ? tr("No ERROR line among the lines shown")
                                          : tr("No malformed line among the lines shown"));
    return std::nullopt;
}

void LogPanel::sortByColumn(int column, Qt::SortOrder order)
{
    if (!m_index)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    QHeaderView* hh = m_table->horizontalHeader();
    hh->setSortIndicatorShown(true);
    hh->setSortIndicator(column, order);
    // sorting always starts from file order, so ties keep the order of the file
    std::vector<qint64> lines = shownLines();
    if (!m_model->inFileOrder())
        std::sort(lines.begin(), lines.end());
    m_sorts.start(
        [snapshot = m_index->snapshot(), lines = std::move(lines), column, order]() mutable {
            logexport::sortRows(snapshot, lines, column, order == Qt::DescendingOrder);
            return lines;
        },
        [this](std::vector<qint64> rows) {
            m_model->setOrderedRows(std::move(rows));
            updateStatus();
            emit sorted();
        });
}

void LogPanel::clearSort()
{
    m_sorts.cancel(); // a sort in flight is now stale
    m_sortColumn = -1;
    m_table->horizontalHeader()->setSortIndicatorShown(false);
    if (!m_model->inFileOrder()) {
        std::vector<qint64> lines = shownLines();
        std::sort(lines.begin(), lines.end());
        if (m_query)
            m_model->setFilter(std::move(lines));
        else
            m_model->setFilter(std::nullopt);
    }
    updateStatus();
    emit sorted();
}

void LogPanel::exportShown(const QString& path, bool csv)
{
    if (!m_index) {
        emit exported(path, tr("no log is open"));
        return;
    }
    m_exports.start(
        [snapshot = m_index->snapshot(), lines = shownLines(), path, csv] {
            return logexport::write(snapshot, lines, csv ? logexport::Format::Csv : logexport::Format::Jsonl, path);
        },
        [this, path](const QString& error) {
            m_status->setText(error.isEmpty() ? tr("Exported to %1").arg(path) : tr("Export failed: %1").arg(error));
            emit exported(path, error);
        });
}

void LogPanel::exportDialog()
{
    if (!m_index)
        return;
    QString selected;
    const QString jsonl = tr("JSON lines, as in the log (*.jsonl)");
    const QString csv = tr("CSV: line, timestamp, level, agent, task, message (*.csv)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the Lines Shown"),
        QFileInfo(m_index->path()).dir().filePath(QFileInfo(m_index->path()).completeBaseName() + QStringLiteral("-filtered.jsonl")),
        jsonl + QStringLiteral(";;") + csv, &selected);
    if (!path.isEmpty())
        exportShown(path, selected == csv || path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive));
}

} // namespace rwb
