#include "ui/shell/interventioncontroller.h"

#include "ui/charts/circuittileboard.h"
#include "ui/charts/resultsview.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/livecontroller.h"
#include "ui/shell/livecontrols.h"
#include "ui/shell/mainwindow.h"

#include <QInputDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QStatusBar>

namespace rwb {

InterventionController::InterventionController(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
    connect(
        window->resultsView(), &ResultsView::timeClicked, this, [this](double seconds) { m_lastChartTime = seconds; });
    connect(window->circuitTiles(), &CircuitTileBoard::breakerScheduleRequested, this,
        &InterventionController::askScheduleTime);
    connect(
        window->circuitTiles(), &CircuitTileBoard::breakerActionRequested, this, &InterventionController::applyLive);
    connect(window->liveControls(), &LiveControls::outageRequested, this, &InterventionController::setOutage);
}

void InterventionController::askScheduleTime(const QString& circuit, const BreakerAction& action)
{
    bool ok = false;
    const double duration = m_window->document()->value(QStringLiteral("/duration")).toDouble(300.0);
    const double at = QInputDialog::getDouble(m_window, tr("Schedule a breaker command"),
        tr("Run time (s) at which circuit %1 gets \"%2\":").arg(circuit, toString(action.command)),
        m_lastChartTime.value_or(duration / 2.0), 0.0, std::max(duration, 0.0), 1, &ok);
    if (ok)
        scheduleBreakerAction(circuit, action, at);
}

void InterventionController::applyLive(const QString& circuit, const BreakerAction& action)
{
    if (!m_window->live()->isRunning())
        return;
    m_window->live()->applyBreakerAction(circuit, action);
    m_window->statusBar()->showMessage(tr("Circuit %1: %2").arg(circuit, toString(action.command)), 4000);
}

void InterventionController::setOutage(const QString& service, bool down)
{
    m_window->live()->setOutage(service, down);
    m_window->statusBar()->showMessage(down ? tr("%1 is down now (live only; the scenario is unchanged)").arg(service)
                                            : tr("%1 recovers (live only)").arg(service),
        4000);
}

bool InterventionController::scheduleBreakerAction(const QString& circuit, const BreakerAction& action, double seconds)
{
    ScenarioDocument* document = m_window->document();
    const QJsonArray pipelines = document->value(QStringLiteral("/pipelines")).toArray();
    for (qsizetype i = 0; i < pipelines.size(); ++i) {
        const QJsonObject p = pipelines.at(i).toObject();
        const QJsonValue breaker = p.value(QStringLiteral("circuit_breaker"));
        if (!breaker.isObject() || !breaker.toObject().value(QStringLiteral("enabled")).toBool(true))
            continue;
        const QString name = breaker.toObject().value(QStringLiteral("name")).toString();
        if ((name.isEmpty() ? p.value(QStringLiteral("name")).toString() : name) != circuit)
            continue;
        QJsonObject entry { { QStringLiteral("at"), seconds }, { QStringLiteral("action"), toString(action.command) } };
        if (action.openFor)
            entry.insert(QStringLiteral("for"), toSeconds(*action.openFor));
        const QString pointer = QStringLiteral("/pipelines/%1/circuit_breaker/schedule").arg(i);
        QJsonArray schedule = document->value(pointer).toArray();
        schedule.append(entry);
        document->setValue(pointer, schedule,
            tr("Schedule %1 of %2 at %3 s").arg(toString(action.command), circuit).arg(seconds, 0, 'f', 1));
        return true;
    }
    return false;
}

} // namespace rwb
