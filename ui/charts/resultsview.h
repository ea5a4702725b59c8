#pragma once

#include "core/events/event.h"
#include "core/policy/backoff.h"
#include "ui/run/runscope.h"
#include "ui/run/simulationrun.h"

#include <QMargins>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QSplitter;

namespace rwb {

class BreakerStateChart;
class ChartView;
class LatencyChart;
class RetryDelayChart;
class TimeAxisSync;
class TrafficChart;

/// The central charts of the workbench, stacked with one shared time axis: breaker states, retry
/// delays, traffic and latency. Fed by a whole run (Simulate) or by event batches (Live, Replay),
/// so all modes draw the same pictures. *Show* picks the scope of every chart: each pipeline side by
/// side (the default), one pipeline (its circuits only in the breaker chart), or all combined.
/// GUI thread only; owns its charts.
class ResultsView final : public QWidget {
    Q_OBJECT
public:
    explicit ResultsView(QWidget* parent = nullptr);

    /// Simulate: shows a finished run. `backoffs` are the pipelines' backoff configs (by pipeline
    /// order) for the retry chart's reference curves.
    void setRun(
        const SimulationRun& run, const std::vector<std::pair<QString, BackoffConfig>>& backoffs, int maxAttempts);
    /// Compare A/B: overlays variant B's run on the charts (thin twin lines, hollow retry rings, a
    /// "· B" breaker lane under each circuit). nullptr (or a run that failed) removes the overlay.
    void setComparison(const SimulationRun* variantB);
    bool isComparing() const noexcept { return m_runB.ok(); }
    /// Live / Replay: starts empty, then appendEvents() draws as events arrive. `scenario` (live mode)
    /// tells which circuit guards which pipeline; without it (a replayed log) that is learned.
    void clear(std::shared_ptr<const Scenario> scenario = {});
    void appendEvents(const std::vector<Event>& events);
    /// The live or replayed events are complete: every chart ends where the data end.
    void finishEvents();
    void setPresenterMode(bool on);
    /// Live runs scroll: the time axis follows the last minute.
    void setFollowMode(bool follow);
    /// Draws a time cursor at `seconds` on every chart ("show in chart" from the log).
    void markTime(double seconds);
    /// What *Show* selects; scopeChanged() follows the user's choice.
    RunScope scope() const;
    void setScope(const RunScope& scope);
    /// The pipelines offered by *Show* (those of the run drawn).
    QStringList pipelines() const;
    /// The circuits of `pipeline` (from the scenario, or learned from the events drawn).
    QStringList circuitsOf(const QString& pipeline) const;
    /// Writes every chart as <dir>/<prefix>-<chart>.png. Returns false with a message.
    bool exportPngs(const QString& dir, const QString& prefix, QString* error = nullptr);

    BreakerStateChart* breakerChart() const noexcept { return m_breakers; }
    RetryDelayChart* retryChart() const noexcept { return m_retries; }
    TrafficChart* trafficChart() const noexcept { return m_traffic; }
    LatencyChart* latencyChart() const noexcept { return m_latency; }
    TimeAxisSync* timeAxisSync() const noexcept { return m_sync; }
    /// The charts, top to bottom.
    std::vector<ChartView*> charts() const;
    QComboBox* scopeBox() const noexcept { return m_filter; }

signals:
    void scopeChanged(const rwb::RunScope& scope);
    /// A plain click on a chart at this run time.
    void timeClicked(double seconds);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    /// Shows the header's notes (pipeline key, variant B key, mouse hint) that fit, in that order of
    /// importance: a clipped note helps nobody (each has its tooltip).
    void fitHeaderNotes();
    void applyFilter();
    /// Offers every pipeline of `names` in *Show*, keeping the current choice when it still exists.
    void updateScopeChoices(const QStringList& names);
    /// Overlays (or removes) m_runB on the line and retry charts.
    void applyComparison();
    void drawBreakers();
    /// Pads each chart's margins so every plot area starts and ends at the same x: the shared time
    /// axis then lines up vertically across charts whatever their value labels' widths.
    void alignPlotAreas();

    TimeAxisSync* m_sync;
    QComboBox* m_filter;
    QLabel* m_hint = nullptr;
    QLabel* m_compareKey = nullptr;
    QLabel* m_pipelineKey = nullptr;
    QLabel* m_filterLabel = nullptr;
    QWidget* m_header = nullptr;
    bool m_wantPipelineKey = false;
    bool m_wantCompareKey = false;
    bool m_presenterHint = false; // presenter mode: no mouse hint
    std::shared_ptr<const Scenario> m_scenario; // live mode
    QSplitter* m_splitter;
    BreakerStateChart* m_breakers;
    RetryDelayChart* m_retries;
    TrafficChart* m_traffic;
    LatencyChart* m_latency;
    SimulationRun m_run;  // the run drawn (Simulate)
    SimulationRun m_runB; // variant B overlaid on it
    std::vector<std::pair<QString, BackoffConfig>> m_backoffs;
    struct Padding {
        QMargins base;  // the chart's own margins
        int left = 0;   // added by alignPlotAreas()
        int right = 0;
    };
    std::vector<Padding> m_padding; // one per chart, in charts() order
    bool m_alignQueued = false;
    int m_maxAttempts = 3;
};

} // namespace rwb
