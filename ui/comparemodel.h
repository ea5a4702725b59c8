#pragma once

#include "ui/runmetrics.h"

#include <QAbstractTableModel>

#include <optional>

namespace rwb {

/// The run summary as a table: one row per figure, columns A, and (when a variant B ran) B and the
/// difference B - A, coloured by whether the change is an improvement. GUI thread only.
class CompareModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Metric, VariantA, VariantB, Difference, ColumnCount };
    enum Row {
        Requests,
        Succeeded,
        Failed,
        Rejected,
        Fallbacks,
        SuccessRate,
        Attempts,
        Amplification,
        ServiceLoad,
        PeakConcurrency,
        Transitions,
        TimeToDetect,
        TimeToRecover,
        LatencyP50,
        LatencyP95,
        LatencyP99,
        RowCount
    };

    explicit CompareModel(QObject* parent = nullptr);

    void setA(std::optional<RunMetrics> metrics);
    void setB(std::optional<RunMetrics> metrics);
    bool hasB() const noexcept { return m_b.has_value(); }

    /// The raw value of a cell as a number (nullopt when not applicable); for tests and export.
    std::optional<double> value(Row row, const std::optional<RunMetrics>& metrics) const;
    const std::optional<RunMetrics>& a() const noexcept { return m_a; }
    const std::optional<RunMetrics>& b() const noexcept { return m_b; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString format(Row row, std::optional<double> v) const;

    std::optional<RunMetrics> m_a;
    std::optional<RunMetrics> m_b;
};

} // namespace rwb
