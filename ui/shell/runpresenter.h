#pragma once

#include "core/events/event.h"
#include "core/run/scenario.h"
#include "ui/run/simulationrun.h"

#include <QObject>

#include <memory>
#include <vector>

class QLabel;

namespace rwb {

class CentralArea;
class CircuitTileBoard;
struct RunResult;
class SummaryController;

/// Draws a run into the window's views: the charts (ResultsView), the circuit tiles, the Summary and
/// the run's line in the status bar. A simulation is drawn whole (showSimulation()); a live or
/// replayed run is drawn batch by batch from its events (clearDrawing(), then drawEvents()).
/// GUI thread only; does not own the views.
class RunPresenter final : public QObject {
    Q_OBJECT
public:
    RunPresenter(CentralArea* centre, CircuitTileBoard* tiles, SummaryController* summary, QLabel* status,
        QObject* parent = nullptr);

    /// Draws a successful simulation of variant A, beside variant B's when `b` is not null.
    void showSimulation(const SimulationRun& a, const SimulationRun* b);
    /// Draws what a simulation still running has recorded so far into the charts (the rest of their time
    /// axis stays empty); showSimulation() of the finished run replaces it.
    void showPartial(const SimulationRun& partial);
    /// Variant B's run landed: the Summary and the charts compare it with A's.
    void showComparison(const SimulationRun& a, const SimulationRun& b);
    /// A live run ended: its own result replaces the figures estimated from its events.
    void showLiveResult(const RunResult& result);

    /// Draws a batch of a live or replayed run's events (charts, tiles, Summary).
    void drawEvents(const std::vector<Event>& events);
    /// Empties the charts for a live or replayed run (`scenario`: the live run's, null for a log).
    void clearDrawing(std::shared_ptr<const Scenario> scenario);

    /// "5 min simulated in 12 ms · seed 7": the status line of a simulation ("" without a result).
    static QString statusText(const SimulationRun& run);

private:
    /// Draws `run` into the charts (with the retry chart's reference curves of its scenario).
    void drawCharts(const SimulationRun& run);

    CentralArea* m_centre;
    CircuitTileBoard* m_tiles;
    SummaryController* m_summary;
    QLabel* m_status;
};

} // namespace rwb
