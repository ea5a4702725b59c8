#include "ui/shell/screenshottaker.h"

#include "ui/charts/chartview.h"
#include "ui/charts/resultsview.h"
#include "ui/document/scenariodocument.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/run/simulationcontroller.h"
#include "ui/shell/comparecontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/replaycontrols.h"
#include "ui/shell/replaysession.h"

#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QTimer>

#include <algorithm>

namespace rwb {

ScreenshotTaker::ScreenshotTaker(MainWindow* window, std::vector<std::pair<QDockWidget*, QString>> panels,
    QDockWidget* summaryDock, PipelineEditor* editorB, ReplaySession* replay, QDockWidget* logDock)
    : QObject(window)
    , m_window(window)
    , m_panels(std::move(panels))
    , m_summaryDock(summaryDock)
    , m_editorB(editorB)
    , m_logDock(logDock)
{
    connect(window, &MainWindow::runApplied, this, [this] {
        if (!m_dir.isEmpty())
            whenChartsDrawn([this] { take(); });
    });
    ReplayControls* controls = window->replayControls();
    connect(replay, &ReplaySession::eventsLoaded, this, [this, controls](std::size_t events) {
        if (m_dir.isEmpty())
            return;
        if (events == 0)
            whenChartsDrawn([this] { takeReplay(); }); // nothing to draw: the Log panel tells the story
        else if (!controls->isOverview())
            controls->jumpToEnd(); // too large to draw at once: draw it whole (wholeLogShown follows)
    });
    connect(controls, &ReplayControls::wholeLogShown, this, [this] {
        if (!m_dir.isEmpty())
            whenChartsDrawn([this] { takeReplay(); });
    });
}

void ScreenshotTaker::whenChartsDrawn(std::function<void()> then)
{
    // Deferred, so the run's other receivers have applied it; then a chart draws new data on its
    // refresh timer: grab once none is pending.
    QTimer::singleShot(0, this, [this, then = std::move(then)]() mutable {
        const auto charts = m_window->findChildren<ChartView*>();
        const auto pending
            = std::find_if(charts.begin(), charts.end(), [](const ChartView* c) { return c->isRefreshPending(); });
        if (pending == charts.end()) {
            then();
            return;
        }
        connect(
            *pending, &ChartView::refreshed, this,
            [this, then = std::move(then)]() mutable { whenChartsDrawn(std::move(then)); }, Qt::SingleShotConnection);
    });
}

void ScreenshotTaker::takeWhenReady(const QString& dir, std::function<void(bool)> done)
{
    m_dir = dir;
    m_done = std::move(done);
}

void ScreenshotTaker::take()
{
    if (m_dir.isEmpty())
        return; // a second run landed before the first screenshot timer fired: already taken
    const QString dir = std::exchange(m_dir, QString());
    auto done = std::exchange(m_done, nullptr);
    const bool ok = grabWindow(dir, m_panels);
    // The A/B comparison: variant B switches the circuit breaker off, the demo's own lesson.
    m_window->comparing()->start();
    connect(
        m_window->simulationB(), &SimulationController::finished, this,
        [this, dir, done, ok](const SimulationRun&) {
            whenChartsDrawn([this, dir, done, ok] {
                bool all = ok && m_window->grab().save(dir + QStringLiteral("/compare.png"));
                all = m_summaryDock->grab().save(dir + QStringLiteral("/compare-panel.png")) && all;
                if (done)
                    done(all);
            });
        },
        Qt::SingleShotConnection);
    m_window->variantB()->setValue(m_editorB->pipelinePointer() + QStringLiteral("/circuit_breaker/enabled"), false,
        tr("Disable circuit breaker"));
}

void ScreenshotTaker::takeReplay()
{
    if (m_dir.isEmpty())
        return; // already taken
    const QString dir = std::exchange(m_dir, QString());
    auto done = std::exchange(m_done, nullptr);
    const bool ok = grabWindow(
        dir, { { m_summaryDock, QStringLiteral("summary-panel.png") }, { m_logDock, QStringLiteral("log-panel.png") } });
    if (done)
        done(ok);
}

bool ScreenshotTaker::grabWindow(const QString& dir, const std::vector<std::pair<QDockWidget*, QString>>& panels)
{
    QDir().mkpath(dir);
    bool ok = m_window->grab().save(dir + QStringLiteral("/main-window.png"));
    QString error;
    ok = m_window->resultsView()->exportPngs(dir, QStringLiteral("chart-"), &error) && ok;
    // Panels are grabbed as their docks (title bar included); tabbed docks are raised first.
    for (const auto& [dock, name] : panels) {
        dock->raise();
        QCoreApplication::processEvents();
        ok = dock->grab().save(dir + QLatin1Char('/') + name) && ok;
    }
    return ok;
}

} // namespace rwb
