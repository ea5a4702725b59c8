#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

namespace rwb {

/// A two-parameter sweep as a grid of coloured cells: x = the first parameter's values (columns),
/// y = the second's (rows, lowest at the bottom), colour = one figure (dark blue low, yellow high;
/// `higherIsBetter` only flips the legend's wording). Cells without a value yet are grey, so a sweep
/// fills in live. Clicking a cell emits its point index. GUI thread only.
class SweepHeatmap final : public QWidget {
    Q_OBJECT
public:
    explicit SweepHeatmap(QWidget* parent = nullptr);

    /// A fresh grid: `columns` x `rows` cells, all empty. Point index = column * rows + row (the
    /// sweep's grid order: the first parameter varies slowest).
    void reset(
        const QStringList& columnLabels, const QStringList& rowLabels, const QString& xTitle, const QString& yTitle);
    void setValue(int point, double value); ///< NaN: no value (yet)
    void setFigure(const QString& title, const QString& unit);
    int filledCells() const;
    double valueAt(int point) const { return m_values.at(std::size_t(point)); }
    /// The cell under a widget position; -1 when none.
    int pointAt(const QPoint& position) const;
    QRect cellRect(int point) const;
    QSize sizeHint() const override { return { 420, 300 }; }
    QSize minimumSizeHint() const override { return { 240, 180 }; }

signals:
    void pointClicked(int point);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QRect plotRect() const;

    QStringList m_columns;
    QStringList m_rows;
    QString m_xTitle;
    QString m_yTitle;
    QString m_figure;
    QString m_unit;
    std::vector<double> m_values;
};

} // namespace rwb
