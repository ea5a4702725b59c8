#pragma once

#include "core/run/runmetrics.h"

#include <QAbstractTableModel>

#include <optional>

namespace rwb {

/// The run summary as a table: one row per figure and one column per pipeline shown (or a single
/// column for all pipelines combined), like the CLI's per-pipeline table turned on its side. With a
/// variant B each column is followed by B's; B's figures are coloured by whether they improve on
/// A's (tooltip: the difference), and with a single column a "B − A" column spells the difference
/// out. GUI thread only.
class CompareModel final : public QAbstractTableModel {
    Q_OBJECT
public:
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
    /// The figures of one column: a pipeline, or every pipeline combined.
    struct Figures {
        QString name;
        RunMetrics metrics;
    };
    enum class Kind { Label, A, B, Difference };

    explicit CompareModel(QObject* parent = nullptr);

    /// Both variants at once (one model update).
    void set(std::vector<Figures> a, std::vector<Figures> b = {}) { update(std::move(a), std::move(b)); }
    /// Variant A's columns (empty: no run to describe).
    void setA(std::vector<Figures> columns);
    /// Variant B's columns, matched to A's by name (empty: no variant B).
    void setB(std::vector<Figures> columns);
    bool hasB() const noexcept { return !m_b.empty(); }
    const std::vector<Figures>& a() const noexcept { return m_a; }
    const std::vector<Figures>& b() const noexcept { return m_b; }

    /// The raw value of a figure (nullopt when not applicable); for tests and export.
    static std::optional<double> value(Row row, const RunMetrics& metrics);
    /// The value of variant A's (or B's) column `name`; nullopt when there is no such column.
    std::optional<double> value(Row row, const QString& name, bool variantB = false) const;
    /// The names of the columns of variant A, in order.
    QStringList columnNames() const;
    /// What column `column` shows, and which figures (index into a() / b(), -1 for Label / Difference).
    std::pair<Kind, int> columnAt(int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString format(Row row, std::optional<double> v) const;
    const Figures* matchB(int aIndex) const;
    /// Rebuilds the column map, with a model reset when the columns changed.
    void update(std::vector<Figures> a, std::vector<Figures> b);

    std::vector<Figures> m_a;
    std::vector<Figures> m_b;
    std::vector<std::pair<Kind, int>> m_columns;
};

} // namespace rwb
