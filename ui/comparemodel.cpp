#include "ui/comparemodel.h"

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
    { "Retry amplification", "Attempts per request: how much retries multiply the load.", -1 },
    { "Load on the services", "Attempts that reached the services.", -1 },
    { "Peak concurrency", "Most requests inside one service at the same time.", -1 },
    { "Breaker transitions", "Circuit state changes.", 0 },
    { "Time to detect", "From the first second the service mostly fails to the first second a breaker is open.", -1 },
    { "Time to recover", "From the last failing second until 95 % of requests are served again.", -1 },
    { "Latency p50", "Median end-to-end latency of a request.", -1 },
    { "Latency p95", "95th percentile end-to-end latency.", -1 },
    { "Latency p99", "99th percentile end-to-end latency.", -1 },
};
static_assert(std::size(Rows) == CompareModel::RowCount);

} // namespace

CompareModel::CompareModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void CompareModel::setA(std::optional<RunMetrics> metrics)
{
    m_a = std::move(metrics);
    emit dataChanged(index(0, VariantA), index(RowCount - 1, columnCount() - 1));
}

void CompareModel::setB(std::optional<RunMetrics> metrics)
{
    const bool had = m_b.has_value();
    m_b = std::move(metrics);
    if (had != m_b.has_value()) {
        // Columns B and difference appear only when there is a variant B.
        if (m_b) {
            beginInsertColumns({}, VariantB, Difference);
            endInsertColumns();
        } else {
            beginRemoveColumns({}, VariantB, Difference);
            endRemoveColumns();
        }
    }
    if (m_b)
        emit dataChanged(index(0, VariantA), index(RowCount - 1, Difference));
}

std::optional<double> CompareModel::value(Row row, const std::optional<RunMetrics>& metrics) const
{
    if (!metrics)
        return std::nullopt;
    const auto& t = metrics->total;
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
        return t.successRate() * 100.0;
    case Attempts:
        return double(t.attempts);
    case Amplification:
        return t.retryAmplification();
    case ServiceLoad:
        return double(metrics->serviceLoad);
    case PeakConcurrency:
        return double(metrics->peakConcurrency);
    case Transitions:
        return double(t.breakerTransitions);
    case TimeToDetect:
        return metrics->timeToDetect ? std::optional<double>(toSeconds(*metrics->timeToDetect)) : std::nullopt;
    case TimeToRecover:
        return metrics->timeToRecover ? std::optional<double>(toSeconds(*metrics->timeToRecover)) : std::nullopt;
    case LatencyP50:
        return t.latencyP50Ms;
    case LatencyP95:
        return t.latencyP95Ms;
    case LatencyP99:
        return t.latencyP99Ms;
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
        return locale.toString(*v, 'f', *v < 10 ? 1 : 0) + QStringLiteral(" ms");
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
    if (parent.isValid())
        return 0;
    return m_b ? ColumnCount : VariantB;
}

QVariant CompareModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto row = Row(index.row());
    const RowInfo& info = Rows[row];
    const int column = index.column();
    if (role == Qt::ToolTipRole)
        return tr(info.tip);
    if (role == Qt::TextAlignmentRole)
        return column == Metric ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (column == Metric) {
        if (role == Qt::DisplayRole)
            return tr(info.label);
        return {};
    }
    const auto a = value(row, m_a);
    const auto b = value(row, m_b);
    if (column == Difference) {
        if (!a || !b)
            return role == Qt::DisplayRole ? QVariant(QStringLiteral("—")) : QVariant();
        const double d = *b - *a;
        const bool same = format(row, a) == format(row, b);
        if (role == Qt::DisplayRole) {
            if (same)
                return QStringLiteral("=");
            QString text = format(row, std::abs(d));
            return QString((d > 0 ? QStringLiteral("+") : QStringLiteral("−")) + text);
        }
        if (role == Qt::ForegroundRole && info.better != 0 && !same) {
            const bool improved = (d > 0) == (info.better > 0);
            return improved ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28);
        }
        if (role == Qt::FontRole) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    }
    if (role == Qt::DisplayRole)
        return format(row, column == VariantA ? a : b);
    if (role == Qt::UserRole) {
        const auto v = column == VariantA ? a : b;
        return v ? QVariant(*v) : QVariant();
    }
    return {};
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Metric:
        return tr("Figure");
    case VariantA:
        return m_b ? tr("A") : tr("Value");
    case VariantB:
        return tr("B");
    case Difference:
        return tr("B − A");
    default:
        return {};
    }
}

} // namespace rwb
