#include "ui/shell/windowtour.h"

#include "ui/common/settings.h"
#include "ui/shell/firstruntour.h"

#include <QAction>
#include <QDockWidget>
#include <QToolBar>

namespace rwb {

WindowTour::WindowTour(QWidget* window, Targets targets)
    : QObject(window)
    , m_window(window)
    , m_targets(targets)
{
}

void WindowTour::start()
{
    if (!m_tour) {
        // Each step looks its widget up when shown: docks may have moved or been tabbed since.
        const auto dock = [](QDockWidget* d) {
            return [d]() -> QWidget* {
                d->raise();
                return d;
            };
        };
        QToolBar* bar = m_targets.toolBar;
        const auto button = [bar](QAction* a) { return [bar, a]() -> QWidget* { return bar->widgetForAction(a); }; };
        QWidget* charts = m_targets.charts;
        std::vector<FirstRunTour::Step> steps {
            { tr("Pipeline editor"),
                tr("Every call goes through these stages: fallback, retry, circuit breaker, rate limit, bulkhead "
                   "and timeout. Change a value and the scenario runs again at once, in virtual time. The "
                   "<b>Services</b> and <b>Run and Clients</b> tabs set how the dependencies fail and how much "
                   "traffic arrives."),
                dock(m_targets.pipelineDock) },
            { tr("Charts"),
                tr("Breaker states, retry delays, traffic and latency of the last run. Scroll or drag to zoom, "
                   "Home to reset; a click finds that moment in the log."),
                [charts]() -> QWidget* { return charts; } },
            { tr("Live"),
                tr("Runs the same scenario in real time against HTTP mock services on 127.0.0.1: press "
                   "<b>Run</b> (F5), then take a service down and bring it back from the bar above the charts."),
                button(m_targets.liveMode) },
            { tr("Logs"),
                tr("<b>Record</b> (Ctrl+R) writes a run as a JSON Lines log. <b>Replay</b> opens one (Ctrl+O, or "
                   "drop it on the window): the Log panel filters it with queries such as "
                   "<i>level&gt;=WARNING</i>, and the charts play it back."),
                button(m_targets.replayMode) },
            { tr("Compare A/B"),
                tr("<b>Compare A/B</b> (Ctrl+B) copies the pipeline into variant B: edit it, and this panel "
                   "sums up both runs side by side, on the same seed.<br><br><b>Help › Tour</b> shows this tour "
                   "again."),
                dock(m_targets.summaryDock) },
        };
        m_tour = new FirstRunTour(std::move(steps), m_window);
        connect(m_tour, &FirstRunTour::finished, this, [] { Settings::setTourSeen(true); });
    }
    m_tour->start();
}

bool WindowTour::startOnFirstRun()
{
    if (Settings::tourSeen())
        return false;
    start();
    return true;
}

} // namespace rwb
