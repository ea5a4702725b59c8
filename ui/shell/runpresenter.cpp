#include "ui/shell/runpresenter.h"

#include "ui/charts/circuittileboard.h"
#include "ui/charts/resultsview.h"
#include "ui/shell/centralarea.h"
#include "ui/shell/summarycontroller.h"

#include <QLabel>

namespace rwb {

namespace {

QString formatElapsed(std::chrono::nanoseconds d)
{
    const double ms = std::chrono::duration<double, std::milli>(d).count();
    return ms < 10 ? QString::number(ms, 'f', 1) + QStringLiteral(" ms")
                   : QString::number(qint64(ms)) + QStringLiteral(" ms");
}

QString formatSimulated(Duration d)
{
    const qint64 s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    if (s >= 3600 && s % 3600 == 0)
        return QObject::tr("%1 h").arg(s / 3600);
    if (s >= 60 && s % 60 == 0)
        return QObject::tr("%1 min").arg(s / 60);
    return QObject::tr("%1 s").arg(s);
}

} // namespace

RunPresenter::RunPresenter(
    CentralArea* centre, CircuitTileBoard* tiles, SummaryController* summary, QLabel* status, QObject* parent)
    : QObject(parent)
    , m_centre(centre)
    , m_tiles(tiles)
    , m_summary(summary)
    , m_status(status)
{
}

QString RunPresenter::statusText(const SimulationRun& run)
{
    if (!run.result)
        return {};
    const QString simulated = tr("%1 simulated in %2")
                                  .arg(formatSimulated(run.result->duration), formatElapsed(run.elapsed));
    // A pipeline whose result an earlier run made was not simulated in `elapsed`: say so, or the figure
    // claims a speed the simulator does not have.
    const QString kept = run.reusedPipelines > 0
        ? tr(" (%1 of %2 pipelines kept from earlier runs)").arg(run.reusedPipelines).arg(run.result->pipelines.size())
        : QString();
    return tr("%1%2 · seed %3").arg(simulated, kept).arg(run.result->seed);
}

void RunPresenter::showSimulation(const SimulationRun& run, const SimulationRun* b)
{
    m_status->setText(statusText(run));
    m_summary->showRuns(run, b, b ? tr("A: %1\nB: %2").arg(statusText(run), statusText(*b)) : statusText(run));
    drawCharts(run);
    ResultsView* results = m_centre->results();
    if (b)
        results->setComparison(b);
    m_centre->showResults();
    static const std::vector<Event> noEvents;
    m_tiles->setScenario(run.scenario.get());
    m_tiles->setResult(*run.result, run.events ? *run.events : noEvents);
}

void RunPresenter::showPartial(const SimulationRun& partial)
{
    if (!partial.result)
        return;
    drawCharts(partial);
    m_centre->showResults();
}

void RunPresenter::drawCharts(const SimulationRun& run)
{
    std::vector<std::pair<QString, BackoffConfig>> backoffs;
    int maxAttempts = 1;
    if (run.scenario) {
        for (const PipelineSpec& p : run.scenario->pipelines) {
            if (p.config.retryEnabled) {
                backoffs.emplace_back(p.name(), p.config.retry.backoff);
                maxAttempts = std::max(maxAttempts, p.config.retry.maxAttempts);
            }
        }
    }
    m_centre->results()->setRun(run, backoffs, maxAttempts);
}

void RunPresenter::showComparison(const SimulationRun& a, const SimulationRun& b)
{
    m_summary->showRuns(a, &b, tr("A: %1\nB: %2").arg(statusText(a), statusText(b)));
    m_centre->results()->setComparison(&b);
}

void RunPresenter::showLiveResult(const RunResult& result)
{
    m_tiles->setBreakerMenu(CircuitTileBoard::BreakerMenu::Schedule);
    m_centre->results()->finishEvents();
    const QString caption = tr("Live run of %1 s · seed %2 · %n request(s)", nullptr, int(result.total().requests))
                                .arg(toSeconds(result.simulatedUntil), 0, 'f', 1)
                                .arg(result.seed);
    m_summary->showResult(result, caption);
    m_status->setText(caption);
}

void RunPresenter::drawEvents(const std::vector<Event>& events)
{
    m_centre->results()->appendEvents(events);
    m_tiles->appendEvents(events);
    m_summary->appendEvents(events);
}

void RunPresenter::clearDrawing(std::shared_ptr<const Scenario> scenario)
{
    m_tiles->setScenario(scenario.get());
    m_tiles->clear();
    m_summary->setScenario(scenario.get());
    m_summary->clearEvents();
    m_centre->results()->clear(std::move(scenario));
    m_centre->showResults();
}

} // namespace rwb
