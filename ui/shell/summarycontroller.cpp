#include "ui/shell/summarycontroller.h"

#include "core/run/eventbucketer.h"
#include "ui/shell/compareview.h"

#include <QTimer>

namespace rwb {

SummaryController::SummaryController(CompareView* view, QObject* parent)
    : QObject(parent)
    , m_view(view)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(250);
    connect(m_timer, &QTimer::timeout, this, &SummaryController::refreshNow);
}

SummaryController::~SummaryController() = default;

SummaryController::CircuitMap SummaryController::circuitsOf(const Scenario& scenario)
{
    CircuitMap map;
    for (const PipelineSpec& p : scenario.pipelines)
        map.insert(p.name(), p.breaker ? QStringList { p.breaker->name.isEmpty() ? p.name() : p.breaker->name } : QStringList());
    return map;
}

SummaryController::CircuitMap SummaryController::learnedCircuits() const
{
    if (m_haveScenario)
        return m_circuits;
    CircuitMap map;
    if (!m_bucketer)
        return map;
    for (const QString& pipeline : m_bucketer->pipelines())
        if (const QString circuit = m_bucketer->circuitOf(pipeline); !circuit.isEmpty())
            map.insert(pipeline, QStringList { circuit });
    return map;
}

void SummaryController::setScope(const RunScope& scope)
{
    if (scope == m_scope)
        return;
    m_scope = scope;
    refreshNow();
}

void SummaryController::setScenario(const Scenario* scenario)
{
    m_haveScenario = scenario != nullptr;
    m_circuits = scenario ? circuitsOf(*scenario) : CircuitMap();
}

std::vector<CompareModel::Figures> SummaryController::figuresOf(
    const RunResult& result, const std::vector<Event>* events, const CircuitMap& circuits) const
{
    std::vector<CompareModel::Figures> out;
    if (m_scope.kind == RunScope::Kind::All) {
        out.push_back({ tr("All pipelines"), RunMetrics::from(result, events) });
        return out;
    }
    for (const PipelineSeries& p : result.pipelines) {
        if (!m_scope.includes(p.name))
            continue;
        RunMetrics::Selection selection;
        selection.pipelines = QStringList { p.name };
        selection.circuits = circuits.value(p.name);
        out.push_back({ p.name, RunMetrics::from(result, events, selection) });
    }
    return out;
}

void SummaryController::showRuns(const SimulationRun& a, const SimulationRun* b, const QString& caption)
{
    m_timer->stop();
    m_source = Source::Runs;
    m_bucketer = nullptr;
    m_runA = a;
    m_runB = b && b->ok() ? *b : SimulationRun();
    m_view->setStatus(caption);
    refreshNow();
}

void SummaryController::showResult(const RunResult& result, const QString& caption)
{
    m_timer->stop();
    m_source = Source::Result;
    m_bucketer = nullptr;
    m_result = result;
    m_view->setStatus(caption);
    refreshNow();
}

void SummaryController::followEvents(const EventBucketer* bucketer, runjson::Source source, const QString& caption)
{
    m_source = Source::Events;
    m_bucketer = bucketer;
    m_eventSource = source;
    m_view->setStatus(caption);
    scheduleRefresh();
}

void SummaryController::appendEvents(const std::vector<Event>& events)
{
    for (const Event& e : events)
        if (e.kind == EventKind::BreakerTransition || e.kind == EventKind::FaultChanged)
            m_keyEvents.push_back(e);
    if (m_source == Source::Events)
        scheduleRefresh();
}

void SummaryController::clearEvents()
{
    m_keyEvents.clear();
    if (m_source == Source::Events)
        scheduleRefresh();
}

void SummaryController::setCaption(const QString& caption)
{
    m_view->setStatus(caption);
}

void SummaryController::clear(const QString& caption)
{
    m_timer->stop();
    m_source = Source::None;
    m_bucketer = nullptr;
    m_runA = {};
    m_runB = {};
    m_result = {};
    m_keyEvents.clear();
    m_view->model()->set({});
    m_view->setStatus(caption);
}

void SummaryController::scheduleRefresh()
{
    if (!m_timer->isActive())
        m_timer->start();
}

void SummaryController::refreshNow()
{
    m_timer->stop();
    CompareModel* model = m_view->model();
    switch (m_source) {
    case Source::None:
        return;
    case Source::Runs: {
        const CircuitMap circuitsA = m_runA.scenario ? circuitsOf(*m_runA.scenario) : CircuitMap();
        std::vector<CompareModel::Figures> b;
        if (m_runB.ok())
            b = figuresOf(*m_runB.result, m_runB.events.get(),
                m_runB.scenario ? circuitsOf(*m_runB.scenario) : CircuitMap());
        model->set(m_runA.ok() ? figuresOf(*m_runA.result, m_runA.events.get(), circuitsA)
                               : std::vector<CompareModel::Figures>(),
            std::move(b));
        return;
    }
    case Source::Result:
        model->set(figuresOf(m_result, &m_keyEvents, learnedCircuits()));
        return;
    case Source::Events:
        model->set(m_bucketer ? figuresOf(m_bucketer->result(), &m_keyEvents, learnedCircuits())
                              : std::vector<CompareModel::Figures>());
        return;
    }
}

std::optional<SummaryController::ShownRun> SummaryController::shownRun() const
{
    switch (m_source) {
    case Source::None:
        return std::nullopt;
    case Source::Runs:
        if (!m_runA.ok())
            return std::nullopt;
        return ShownRun { *m_runA.result, m_runA.events ? *m_runA.events : std::vector<Event>(), runjson::Source::Simulation };
    case Source::Result:
        return ShownRun { m_result, m_keyEvents, runjson::Source::Live };
    case Source::Events:
        if (!m_bucketer)
            return std::nullopt;
        return ShownRun { m_bucketer->result(), m_keyEvents, m_eventSource };
    }
    return std::nullopt;
}

} // namespace rwb
