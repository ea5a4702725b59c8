#include "ui/log/logtablemodel.h"

#include "core/log/jsonscan.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <QTimer>

#include <algorithm>
#include <climits>

namespace rwb {

namespace {
constexpr int kMaxMessageChars = 2000; // a table cell never needs more
}

LogTableModel::LogTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    m_announceTimer.setObjectName(QStringLiteral("LogTableModel row announcement")); // names it in profiles
    m_announceTimer.setSingleShot(true);
    m_announceTimer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire up to 5 % early
    connect(&m_announceTimer, &QTimer::timeout, this, &LogTableModel::announceRows);
}

LogTableModel::~LogTableModel() = default;

void LogTableModel::setIndex(LogIndex* index)
{
    beginResetModel();
    if (m_index)
        disconnect(m_index, nullptr, this, nullptr);
    m_index = index;
    m_filter.reset();
    m_fileOrder = true;
    m_messages.clear();
    m_rows = index ? std::min<qint64>(index->rowCount(), INT_MAX) : 0;
    if (index) {
        connect(index, &LogIndex::rowsAvailable, this, &LogTableModel::onRowsAvailable);
        connect(index, &LogIndex::reset, this, &LogTableModel::onReset);
    }
    endResetModel();
}

void LogTableModel::onRowsAvailable(qint64 rows)
{
    if (rows <= m_rows) {
        if (rows < m_rows)
            onReset();
        return;
    }
    if (m_filter) {
        m_rows = rows; // filtered rows grow through appendFiltered()
        return;
    }
    announceWhenDue();
}

void LogTableModel::announceWhenDue()
{
    if (m_announceTimer.isActive())
        return; // the pending announcement takes these rows too
    const qint64 waited = m_sinceAnnounce.isValid() ? m_sinceAnnounce.elapsed() : kAnnounceIntervalMs;
    if (waited >= kAnnounceIntervalMs)
        announceRows();
    else
        m_announceTimer.start(int(kAnnounceIntervalMs - waited));
}

void LogTableModel::announceRows()
{
    if (!m_index || m_filter)
        return;
    const qint64 to = std::min<qint64>(m_index->rowCount(), INT_MAX);
    if (to <= m_rows)
        return;
    beginInsertRows({}, static_cast<int>(m_rows), static_cast<int>(to - 1));
    m_rows = to;
    endInsertRows();
    m_sinceAnnounce.start();
}

void LogTableModel::onReset()
{
    beginResetModel();
    m_messages.clear();
    m_filter.reset();
    m_fileOrder = true;
    m_rows = m_index ? std::min<qint64>(m_index->rowCount(), INT_MAX) : 0;
    endResetModel();
}

void LogTableModel::setOrderedRows(std::vector<qint64> lines)
{
    beginResetModel();
    m_filter = std::move(lines);
    m_fileOrder = false;
    endResetModel();
}

void LogTableModel::setFilter(std::optional<std::vector<qint64>> lines)
{
    beginResetModel();
    m_filter = std::move(lines);
    m_fileOrder = true;
    if (!m_filter && m_index)
        m_rows = std::min<qint64>(m_index->rowCount(), INT_MAX);
    endResetModel();
}

void LogTableModel::appendFiltered(const std::vector<qint64>& lines)
{
    if (!m_filter || lines.empty())
        return;
    const int first = static_cast<int>(m_filter->size());
    const auto count = static_cast<int>(std::min<std::size_t>(lines.size(), std::size_t(INT_MAX - first)));
    if (count <= 0)
        return;
    beginInsertRows({}, first, first + count - 1);
    m_filter->insert(m_filter->end(), lines.begin(), lines.begin() + count);
    endInsertRows();
}

int LogTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_index)
        return 0;
    return m_filter ? static_cast<int>(std::min<std::size_t>(m_filter->size(), INT_MAX)) : static_cast<int>(m_rows);
}

int LogTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

RowIndex LogTableModel::lineAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return RowIndex(-1);
    return RowIndex(m_filter ? (*m_filter)[static_cast<std::size_t>(row)] : row);
}

int LogTableModel::rowOfLine(RowIndex at) const
{
    const qint64 line = at.value;
    if (!m_index || line < 0)
        return -1;
    if (!m_filter)
        return line < m_rows ? static_cast<int>(line) : -1;
    if (!m_fileOrder) {
        auto it = std::find(m_filter->begin(), m_filter->end(), line);
        return it == m_filter->end() ? -1 : static_cast<int>(it - m_filter->begin());
    }
    auto it = std::lower_bound(m_filter->begin(), m_filter->end(), line);
    return it == m_filter->end() ? -1 : static_cast<int>(it - m_filter->begin());
}

int LogTableModel::rowAtTime(qint64 utcMs) const
{
    if (!m_fileOrder) {
        // a sorted view: the row closest in time
        int best = -1;
        qint64 bestDistance = 0;
        for (int r = 0; r < rowCount(); ++r) {
            const qint64 t = m_index->row(lineAt(r)).timestampMs;
            if (t == LogRow::kNoTime)
                continue;
            const qint64 d = t > utcMs ? t - utcMs : utcMs - t;
            if (best < 0 || d < bestDistance) {
                best = r;
                bestDistance = d;
            }
        }
        return best;
    }
    // timestamps are mostly ascending in a log: binary search on the rows, then step over stragglers
    int lo = 0, hi = rowCount();
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        const qint64 t = m_index->row(lineAt(mid)).timestampMs;
        if (t != LogRow::kNoTime && t < utcMs)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rowCount() ? lo : -1;
}

QString LogTableModel::messageOf(RowIndex at) const
{
    const qint64 line = at.value;
    if (!m_index || line < 0 || line >= m_index->rowCount())
        return QString();
    if (const QString* cached = m_messages.object(line))
        return *cached;
    const LogRow row = m_index->row(at);
    const QByteArray bytes = m_index->line(at);
    QString text;
    if (!row.malformed()) {
        const jsonscan::Value v = rwb::messageOf(bytes, m_index->mapping()); // message key, then its fallback
        if (v.found())
            text = QString::fromUtf8(jsonscan::text(v));
    }
    if (text.isNull())
        text = QString::fromUtf8(bytes.left(kMaxMessageChars)); // malformed or no message: the raw line
    if (text.size() > kMaxMessageChars)
        text = text.left(kMaxMessageChars) + QChar(0x2026);
    text.replace(QLatin1Char('\n'), QChar(0x21b5));
    m_messages.insert(line, new QString(text));
    return text;
}

QString LogTableModel::formatTimestamp(qint64 utcMs)
{
    if (utcMs == LogRow::kNoTime)
        return QStringLiteral("—");
    return QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QColor LogTableModel::levelColor(LogLevel level)
{
    switch (level) {
    case LogLevel::Critical:
        return QColor(0xb0, 0x00, 0x20);
    case LogLevel::Error:
        return QColor(0xd6, 0x33, 0x2b);
    case LogLevel::Warning:
        return QColor(0xc0, 0x7a, 0x00);
    case LogLevel::Info:
        return QColor(0x1f, 0x6f, 0xb2);
    case LogLevel::Debug:
    case LogLevel::Trace:
        return QColor(0x80, 0x86, 0x90);
    case LogLevel::Unknown:
        break;
    }
    return QColor(0x80, 0x86, 0x90);
}

QVariant LogTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_index)
        return {};
    const RowIndex line = lineAt(index.row());
    if (line.value < 0 || line.value >= m_index->rowCount())
        return {};
    if (role == LineRole)
        return line.value;
    const LogRow row = m_index->row(line);
    if (role == TimestampMsRole)
        return row.timestampMs == LogRow::kNoTime ? QVariant() : QVariant(row.timestampMs);
    if (role == LevelRole)
        return static_cast<int>(row.level);

    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Time:
            return formatTimestamp(row.timestampMs);
        case Level:
            return row.malformed() ? tr("MALFORMED") : toString(row.level);
        case Agent:
            return m_index->agentName(row.agentId);
        case Task:
            return m_index->taskName(row.taskId);
        case Message:
            return role == Qt::ToolTipRole ? QVariant() : QVariant(messageOf(line));
        }
        return {};
    case Qt::ForegroundRole:
        if (row.malformed())
            return QColor(0x80, 0x86, 0x90);
        if (index.column() == Level)
            return levelColor(row.level);
        if (row.level >= LogLevel::Error && index.column() == Message)
            return levelColor(row.level);
        return {};
    case Qt::FontRole:
        if (index.column() == Level || row.malformed()) {
            QFont f;
            f.setBold(index.column() == Level && row.level >= LogLevel::Warning);
            f.setItalic(row.malformed());
            return f;
        }
        return {};
    case Qt::BackgroundRole:
        if (row.level == LogLevel::Critical)
            return QColor(0xb0, 0x00, 0x20, 36);
        if (row.level == LogLevel::Error)
            return QColor(0xd6, 0x33, 0x2b, 18);
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Message ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                         : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return toLineNumber(lineAt(section)).value; // 1-based line numbers, like an editor
    switch (section) {
    case Time:
        return tr("Time (UTC)");
    case Level:
        return tr("Level");
    case Agent:
        return tr("Agent");
    case Task:
        return tr("Task");
    case Message:
        return tr("Message");
    }
    return {};
}

} // namespace rwb
