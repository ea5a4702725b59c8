#pragma once

#include "core/run/runfigures.h"
#include "core/sweep/sweeprunner.h"

#include <QJsonObject>
#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineSeries;
class QProgressBar;
class QPushButton;
class QScatterSeries;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace rwb {

class SweepHeatmap;

/// The Sweep view: pick one or two of the scenario's numeric parameters (the editors' catalog, as JSON
/// pointers) and their ranges, run the grid in the background on every core (SweepRunner: progress,
/// cancel) and watch the results fill in — one parameter as a line chart, two as a heatmap, coloured by
/// any figure of the catalog (core/run/runfigures.h) — next to a Pareto scatter of two figures.
/// Clicking a point (scatter or heatmap cell) asks for that configuration as variant B.
///
/// Results are applied in batches from a 100 ms timer, so the GUI thread never waits on a simulation.
/// GUI thread only.
class SweepView final : public QWidget {
    Q_OBJECT
public:
    explicit SweepView(QWidget* parent = nullptr);
    ~SweepView() override;

    /// The scenario to sweep (the editor's document); refreshes the parameter choices. A running sweep
    /// keeps its own copy.
    void setScenario(const QJsonObject& document);
    /// The parameters offered: (label, JSON pointer).
    QList<QPair<QString, QString>> parameterChoices() const;
    /// Picks parameter `which` (0 or 1; 1 also switches the second parameter on) and its grid.
    bool setParameter(int which, const QString& pointer, double low, double high, int steps);
    void setSecondParameterEnabled(bool on);
    void setColourFigure(const QString& name);
    void setParetoFigures(const QString& x, const QString& y);

    /// Starts the sweep; false (with the reason in the status line) when the scenario or a range is refused.
    bool start();
    void cancel();
    bool isRunning() const noexcept { return m_runner != nullptr; }
    int finishedPoints() const noexcept { return m_finishedPoints; }
    int pointCount() const;
    QString statusText() const;

    SweepHeatmap* heatmap() const noexcept { return m_heatmap; }
    QLineSeries* lineSeries() const noexcept { return m_line; }
    QScatterSeries* scatterSeries() const noexcept { return m_scatter; }
    QScatterSeries* paretoSeries() const noexcept { return m_pareto; }
    /// Emits variantRequested for a finished point (what a click does).
    void requestPoint(int point);
    /// The finished point nearest to a scatter position (figure units); -1 when none.
    int nearestScatterPoint(const QPointF& value) const;

signals:
    /// {pointer: value} of the configuration to load as variant B.
    void variantRequested(const QJsonObject& values);
    void finished();

private:
    struct Row; // one parameter's controls
    void buildParameterRow(Row& row, QWidget* parent);
    void poll();
    void finish(bool cancelled);
    void redraw();
    int figureIndex(const QString& name) const;
    double pointValue(int point, int figure) const; ///< mean over the seeds; NaN when none

    std::vector<figures::FigureRef> m_figures; ///< every catalog figure, computed for every run
    QJsonObject m_document;
    QList<QPair<QString, QString>> m_choices;

    std::unique_ptr<Row> m_rows[2];
    QCheckBox* m_second = nullptr;
    QSpinBox* m_seeds = nullptr;
    QComboBox* m_colour = nullptr;
    QComboBox* m_paretoX = nullptr;
    QComboBox* m_paretoY = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QStackedWidget* m_charts = nullptr;
    QChartView* m_lineView = nullptr;
    QLineSeries* m_line = nullptr;
    SweepHeatmap* m_heatmap = nullptr;
    QChartView* m_scatterView = nullptr;
    QScatterSeries* m_scatter = nullptr;
    QScatterSeries* m_pareto = nullptr;
    QTimer* m_poll = nullptr;

    std::unique_ptr<SweepPlan> m_plan;
    std::unique_ptr<SweepRunner> m_runner;
    std::vector<std::vector<double>> m_sums; ///< per point: per figure, the sum over finished seeds
    std::vector<int> m_seedsDone; ///< per point
    int m_finishedPoints = 0;
};

} // namespace rwb
