#pragma once

#include "core/events/event.h"
#include "core/run/scenario.h"
#include "core/run/runresult.h"
#include "core/run/runsummaryjson.h"
#include "ui/run/comparemodel.h"
#include "ui/run/runscope.h"
#include "ui/run/simulationrun.h"

#include <QHash>
#include <QObject>

#include <memory>
#include <optional>
#include <vector>

class QTimer;

namespace rwb {

class EventBucketer;
class CompareView;

/// Keeps the Summary (CompareView) describing exactly what the charts show, in every mode and for the
/// *Show* scope: one column per pipeline shown (or one for all pipelines combined), variant B's
/// columns beside A's, and a caption saying where the figures come from.
///
/// - Simulate: showRuns() with the runs drawn.
/// - Live / Replay: followEvents() with the bucketer the charts draw from; appendEvents() with the
///   same batches the charts get (the breaker transitions and fault changes are kept for the time
///   to detect); the table follows at most four times a second. A live run's own result, when it
///   ends, replaces the estimate (showResult()).
///
/// GUI thread only. Does not own the view or the bucketer.
class SummaryController final : public QObject {
    Q_OBJECT
public:
    explicit SummaryController(CompareView* view, QObject* parent = nullptr);
    ~SummaryController() override;

    void setScope(const RunScope& scope);
    const RunScope& scope() const noexcept { return m_scope; }
    /// Which circuits guard which pipeline (a scenario's breakers); cleared by clear().
    void setScenario(const Scenario* scenario);

    /// Simulate: the runs drawn (B may be null). The caption is `caption`.
    void showRuns(const SimulationRun& a, const SimulationRun* b, const QString& caption);
    /// A finished live run's result (its events come through appendEvents()).
    void showResult(const RunResult& result, const QString& caption);
    /// Live / Replay: figures from `bucketer` (the charts' own), refreshed as events arrive.
    void followEvents(const EventBucketer* bucketer, runjson::Source source, const QString& caption);
    void appendEvents(const std::vector<Event>& events);
    /// The charts were cleared (a seek, a new run): forget the events seen.
    void clearEvents();
    void setCaption(const QString& caption);
    /// Nothing to describe (no run yet, a log without workbench events).
    void clear(const QString& caption = {});

    /// Recomputes now (tests; a timer does it while following events).
    void refreshNow();

    /// The run the Summary describes (variant A when comparing), as File ▸ Export Run Summary writes
    /// it: the result, the transitions and fault changes that make the time to detect exact, and
    /// where it came from. nullopt when the Summary describes nothing.
    struct ShownRun {
        RunResult result;
        std::vector<Event> events;
        runjson::Source source = runjson::Source::Simulation;
    };
    std::optional<ShownRun> shownRun() const;

private:
    enum class Source { None, Runs, Result, Events };
    using CircuitMap = QHash<QString, QStringList>; // pipeline -> the circuits guarding it
    static CircuitMap circuitsOf(const Scenario& scenario);
    /// Circuits of `events` mapped to pipelines by the bucketer (learned from refusals, or by name).
    CircuitMap learnedCircuits() const;
    std::vector<CompareModel::Figures> figuresOf(
        const RunResult& result, const std::vector<Event>* events, const CircuitMap& circuits) const;
    void scheduleRefresh();

    CompareView* m_view;
    QTimer* m_timer;
    RunScope m_scope;
    Source m_source = Source::None;
    SimulationRun m_runA;
    SimulationRun m_runB;
    RunResult m_result;
    const EventBucketer* m_bucketer = nullptr;
    runjson::Source m_eventSource = runjson::Source::Live; // of followEvents()
    std::vector<Event> m_keyEvents; // transitions and fault changes of the events followed
    CircuitMap m_circuits; // from setScenario()
    bool m_haveScenario = false;
};

} // namespace rwb
