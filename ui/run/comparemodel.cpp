#include "ui/run/comparemodel.h"

#include <QColor>
#include <QFont>
#include <QLocale>

#include <cmath>

namespace rwb {

namespace {

struct RowInfo {
    const char* label;
    const char* tip;
    int better; ///< +1: higher is better, -1: lower is better, 0: neutral
};

const RowInfo Rows[] = {
    { "Requests", "Requests offered by the clients.", 0 },
    { "Succeeded", "Requests that ended with a success.", +1 },
    { "Failed", "Requests that ended with an error or timeout and no fallback.", -1 },
    { "Rejected", "Requests refused by a policy (breaker, bulkhead, rate limiter) without fallback.", -1 },
    { "Fallbacks", "Requests answered by the fallback.", 0 },
    { "Served", "Share of requests answered (successes plus fallbacks).", +1 },
    { "Attempts", "Tries that went past every policy toward the service.", -1 },
    { "Amplification", "Retry amplification: attempts per request, how much retries multiply the load.", -1 },
    { "Service load", "Attempts that reached the services.", -1 },
    { "Peak concurrency", "Most requests inside one service at the same time.", -1 },
    { "Transitions", "Circuit breaker state changes.", 0 },
    { "Time to detect", "From the first second the service mostly fails to the first second a breaker is open.", -1 },
    { "Time to recover", "From the last failing second until 95 % of requests are served again.", -1 },
    { "p50 latency", "Median end-to-end latency of a request.", -1 },
    { "p95 latency", "95th percentile end-to-end latency.", -1 },
    { "p99 latency", "99th percentile end-to-end latency.", -1 },
};
static_assert(std::size(Rows) == CompareModel::RowCount);

} // namespace

CompareModel::CompareModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    m_columns.emplace_back(Kind::Label, -1);
}

void CompareModel::setA(std::vector<Figures> columns)
{
    update(std::move(columns), m_b);
}

void CompareModel::setB(std::vector<Figures> columns)
{
    update(m_a, std::move(columns));
}

void CompareModel::update(std::vector<Figures> a, std::vector<Figures> b)
{
    std::vector<std::pair<Kind, int>> columns { { Kind::Label, -1 } };
    for (int i = 0; i < static_cast<int>(a.size()); ++i) {
        columns.emplace_back(Kind::A, i);
        if (!b.empty())
            columns.emplace_back(Kind::B, i);
    }
    if (a.size() == 1 && !b.empty())
        columns.emplace_back(Kind::Difference, 0);
    const bool sameShape = columns == m_columns && a.size() == m_a.size()
        && std::equal(a.begin(), a.end(), m_a.begin(), [](const Figures& x, const Figures& y) { return x.name == y.name; });
    if (!sameShape)
        beginResetModel();
    m_a = std::move(a);
    m_b = std::move(b);
    m_columns = std::move(columns);
    if (!sameShape)
        endResetModel();
    else
        emit dataChanged(index(0, 0), index(RowCount - 1, columnCount() - 1));
}

const CompareModel::Figures* CompareModel::matchB(int aIndex) const
{
    if (aIndex < 0 || aIndex >= static_cast<int>(m_a.size()))
        return nullptr;
    for (const Figures& f : m_b)
        if (f.name == m_a[std::size_t(aIndex)].name)
            return &f;
    return nullptr;
}

QStringList CompareModel::columnNames() const
{
    QStringList out;
    for (const Figures& f : m_a)
        out.append(f.name);
    return out;
}

std::pair<CompareModel::Kind, int> CompareModel::columnAt(int column) const
{
    return column >= 0 && column < static_cast<int>(m_columns.size()) ? m_columns[std::size_t(column)]
                                                                        : std::pair { Kind::Label, -1 };
}

std::optional<double> CompareModel::value(Row row, const QString& name, bool variantB) const
{
    for (const Figures& f : variantB ? m_b : m_a)
        if (f.name == name)
            return value(row, f.metrics);
    return std::nullopt;
}

std::optional<double> CompareModel::value(Row row, const RunMetrics& metrics)
{
    const auto& t = metrics.total;
    switch (row) {
    case Requests:
        return double(t.requests);
    case Succeeded:
        return double(t.succeeded);
    case Failed:
        return double(t.failed);
    case Rejected:
        return double(t.rejected);
    case Fallbacks:
        return double(t.fallbacks);
    case SuccessRate:
        return t.requests ? std::optional<double>(t.successRate() * 100.0) : std::nullopt;
    case Attempts:
        return double(t.attempts);
    case Amplification:
        return t.requests ? std::optional<double>(t.retryAmplification()) : std::nullopt;
    case ServiceLoad:
        return metrics.serviceLoad ? std::optional<double>(double(*metrics.serviceLoad)) : std::nullopt;
    case PeakConcurrency:
        return metrics.peakConcurrency ? std::optional<double>(double(*metrics.peakConcurrency)) : std::nullopt;
    case Transitions:
        return double(t.breakerTransitions);
    case TimeToDetect:
        return metrics.timeToDetect ? std::optional<double>(toSeconds(*metrics.timeToDetect)) : std::nullopt;
    case TimeToRecover:
        return metrics.timeToRecover ? std::optional<double>(toSeconds(*metrics.timeToRecover)) : std::nullopt;
    case LatencyP50:
        return t.requests ? std::optional<double>(t.latencyP50Ms) : std::nullopt;
    case LatencyP95:
        return t.requests ? std::optional<double>(t.latencyP95Ms) : std::nullopt;
    case LatencyP99:
        return t.requests ? std::optional<double>(t.latencyP99Ms) : std::nullopt;
    case RowCount:
        break;
    }
    return std::nullopt;
}

QString CompareModel::format(Row row, std::optional<double> v) const
{
    if (!v)
        return QStringLiteral("—");
    const QLocale locale;
    switch (row) {
    case SuccessRate:
        return locale.toString(*v, 'f', 2) + QStringLiteral(" %");
    case Amplification:
        return locale.toString(*v, 'f', 2) + QStringLiteral("×");
    case TimeToRecover:
        // counted in whole 1 s buckets (RunMetrics): "0 ms" claimed a precision it does not have
        return *v < 1 ? tr("< 1 s") : locale.toString(*v, 'f', 0) + QStringLiteral(" s");
    case TimeToDetect:
        return *v < 10 ? locale.toString(*v * 1000.0, 'f', 0) + QStringLiteral(" ms")
                       : locale.toString(*v, 'f', 1) + QStringLiteral(" s");
    case LatencyP50:
    case LatencyP95:
    case LatencyP99:
        return *v >= 10000 ? locale.toString(*v / 1000.0, 'f', 1) + QStringLiteral(" s")
                           : locale.toString(*v, 'f', *v < 10 ? 1 : 0) + QStringLiteral(" ms");
    default:
        return locale.toString(qint64(*v));
    }
}

int CompareModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : RowCount;
}

int CompareModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_columns.size());
}

QVariant CompareModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto row = Row(index.row());
    const RowInfo& info = Rows[row];
    const auto [kind, figures] = columnAt(index.column());
    if (role == Qt::TextAlignmentRole)
        return kind == Kind::Label ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (kind == Kind::Label) {
        if (role == Qt::DisplayRole)
            return tr(info.label);
        if (role == Qt::ToolTipRole)
            return tr(info.tip);
        return {};
    }
    const Figures& fa = m_a[std::size_t(figures)];
    const Figures* fb = matchB(figures);
    const auto a = value(row, fa.metrics);
    const auto b = fb ? value(row, fb->metrics) : std::nullopt;
    const bool same = a && b && format(row, a) == format(row, b);
    const double d = a && b ? *b - *a : 0.0;
    const QString difference
        = !a || !b ? QStringLiteral("—")
        : same     ? QStringLiteral("=")
                   : (d > 0 ? QStringLiteral("+") : QStringLiteral("−")) + format(row, std::abs(d));
    const auto improvementColor = [&]() -> QVariant {
        if (info.better == 0 || !a || !b || same)
            return {};
        const bool improved = (d > 0) == (info.better > 0);
        return improved ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28);
    };
    switch (kind) {
    case Kind::Difference:
        if (role == Qt::DisplayRole)
            return difference;
        if (role == Qt::ForegroundRole)
            return improvementColor();
        if (role == Qt::FontRole) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (role == Qt::ToolTipRole)
            return tr("%1: B − A").arg(tr(info.label));
        return {};
    case Kind::B:
        if (role == Qt::DisplayRole)
            return format(row, b);
        if (role == Qt::UserRole)
            return b ? QVariant(*b) : QVariant();
        if (role == Qt::ForegroundRole && m_a.size() > 1)
            return improvementColor(); // no difference column: the colour says it
        if (role == Qt::ToolTipRole)
            return tr("%1 of %2, variant B (B − A: %3)").arg(tr(info.label), fa.name, difference);
        return {};
    case Kind::A:
        if (role == Qt::DisplayRole)
            return format(row, a);
        if (role == Qt::UserRole)
            return a ? QVariant(*a) : QVariant();
        if (role == Qt::ToolTipRole)
            return tr("%1 of %2").arg(tr(info.label), fa.name);
        return {};
    case Kind::Label:
        break;
    }
    return {};
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const auto [kind, figures] = columnAt(section);
    const QString name = figures >= 0 && figures < static_cast<int>(m_a.size()) ? m_a[std::size_t(figures)].name : QString();
    switch (kind) {
    case Kind::Label:
        return role == Qt::DisplayRole ? tr("Figure") : QVariant();
    case Kind::A:
        if (role == Qt::ToolTipRole)
            return hasB() ? tr("%1, variant A").arg(name) : name;
        return hasB() ? tr("%1\nA").arg(name) : name;
    case Kind::B:
        if (role == Qt::ToolTipRole)
            return tr("%1, variant B").arg(name);
        return tr("%1\nB").arg(m_a.size() > 1 ? QString() : name);
    case Kind::Difference:
        return tr("\nB − A");
    }
    return {};
}

} // namespace rwb
