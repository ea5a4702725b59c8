#include "ui/shell/runcontrols.h"

#include "core/config/scenariojson.h"
#include "ui/charts/bucketchart.h"
#include "ui/charts/circuittileboard.h"
#include "ui/charts/resultsview.h"
#include "ui/common/icons.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/livecontroller.h"
#include "ui/run/simulationcontroller.h"
#include "ui/shell/livecontrols.h"
#include "ui/shell/recordingcontroller.h"
#include "ui/shell/replaycontrols.h"
#include "ui/shell/runpresenter.h"
#include "ui/shell/summarycontroller.h"

#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>

namespace rwb {

RunControls::RunControls(MainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_run(new QAction(icons::icon(icons::Icon::Run), tr("&Run"), window))
    , m_pause(new QAction(icons::icon(icons::Icon::Pause), tr("&Pause"), window))
    , m_stop(new QAction(icons::icon(icons::Icon::Stop), tr("S&top"), window))
    , m_modes(new QActionGroup(window))
{
    m_run->setShortcut(QKeySequence(Qt::Key_F5));
    m_run->setToolTip(tr("Run the scenario now (F5)"));
    connect(m_run, &QAction::triggered, this, &RunControls::run);

    m_pause->setCheckable(true);
    m_pause->setShortcut(QKeySequence(Qt::Key_F6));
    m_pause->setToolTip(tr("Pause: edits no longer re-run the scenario until Run (F6)"));
    connect(m_pause, &QAction::triggered, this, [this] {
        if (m_window->mode() == MainWindow::Mode::Replay) {
            m_pause->setChecked(false);
            m_window->replayControls()->pause();
        }
    });
    connect(m_pause, &QAction::toggled, this, [this](bool paused) {
        if (m_window->mode() == MainWindow::Mode::Replay)
            return;
        m_autoRun = !paused;
        if (!paused)
            requestRun();
        emit stateChanged();
    });

    m_stop->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_stop->setToolTip(tr("Stop the running simulation (Shift+F5)"));
    connect(m_stop, &QAction::triggered, this, &RunControls::stop);

    m_modes->setExclusive(true);
    auto addMode = [this](icons::Icon icon, const QString& text, const QString& tip, int key, MainWindow::Mode mode) {
        auto* a = new QAction(icons::icon(icon), text, m_modes);
        a->setCheckable(true);
        a->setShortcut(QKeySequence(Qt::CTRL | key));
        a->setToolTip(tip + QStringLiteral(" (%1)").arg(a->shortcut().toString(QKeySequence::NativeText)));
        connect(a, &QAction::triggered, m_window, [this, mode] { m_window->setMode(mode); });
        return a;
    };
    m_simulate = addMode(icons::Icon::Simulate, tr("Simulate"),
        tr("Simulate: every edit re-runs the whole scenario in virtual time"), Qt::Key_1, MainWindow::Mode::Simulate);
    m_live = addMode(icons::Icon::Live, tr("Live"),
        tr("Live: run the scenario in real time against mock HTTP services"), Qt::Key_2, MainWindow::Mode::Live);
    m_replay = addMode(icons::Icon::Replay, tr("Replay"), tr("Replay: play back a recorded JSONL log"), Qt::Key_3,
        MainWindow::Mode::Replay);
    m_simulate->setChecked(true);
}

void RunControls::attach(RunPresenter* runs, RecordingController* recording, QLabel* status)
{
    m_runs = runs;
    m_recording = recording;
    m_status = status;
    LiveController* live = m_window->live();
    connect(live, &LiveController::eventsReady, runs, &RunPresenter::drawEvents);
    connect(live, &LiveController::finished, this, [this, live](const RunResult& result) {
        m_runs->showLiveResult(result);
        LiveControls* bar = m_window->liveControls();
        bar->setStopped();
        const QString recorded = live->recordingPath();
        bar->setRecording(
            recorded.isEmpty() ? QString() : tr("Recorded to %1").arg(QDir::toNativeSeparators(recorded)));
        emit stateChanged();
    });
}

void RunControls::showLiveServices()
{
    QStringList services;
    for (const QJsonValue& v : m_window->document()->value(QStringLiteral("/services")).toArray())
        services << v.toObject().value(QStringLiteral("name")).toString();
    m_window->liveControls()->setServices(services);
}

QList<QAction*> RunControls::modeActions() const
{
    return m_modes->actions();
}

QAction* RunControls::modeAction(MainWindow::Mode mode) const
{
    return mode == MainWindow::Mode::Simulate ? m_simulate : mode == MainWindow::Mode::Live ? m_live : m_replay;
}

QComboBox* RunControls::createSpeedBox(QWidget* parent)
{
    m_speed = new QComboBox(parent);
    m_speed->setObjectName(QStringLiteral("speedBox"));
    for (double factor : ReplayControls::speeds())
        m_speed->addItem(QStringLiteral("×%1").arg(factor), factor);
    m_speed->setToolTip(tr("Replay speed (Simulate runs as fast as possible; Live runs in real time)"));
    connect(m_speed, &QComboBox::currentIndexChanged, this,
        [this] { m_window->replayControls()->setSpeed(m_speed->currentData().toDouble()); });
    return m_speed;
}

void RunControls::run()
{
    if (m_window->mode() == MainWindow::Mode::Live) {
        startLive();
        return;
    }
    if (m_window->mode() == MainWindow::Mode::Replay) {
        m_window->replayControls()->play();
        return;
    }
    m_autoRun = true;
    m_pause->setChecked(false);
    ScenarioDocument* a = m_window->document();
    m_window->simulation()->request(a->json(), a->revision());
    m_window->simulation()->runNow();
    if (m_window->isComparing()) {
        ScenarioDocument* b = m_window->variantB();
        m_window->simulationB()->request(b->json(), b->revision());
        m_window->simulationB()->runNow();
    }
}

void RunControls::stop()
{
    if (m_window->mode() == MainWindow::Mode::Replay) {
        m_window->replayControls()->pause();
        m_window->replayControls()->rewind();
    }
    m_window->live()->stop();
    m_window->simulation()->cancel();
    m_window->simulationB()->cancel();
    m_window->statusBar()->showMessage(tr("Run stopped"), 3000);
}

void RunControls::requestRun()
{
    const QJsonObject json = m_window->document()->json();
    if (m_window->mode() != MainWindow::Mode::Simulate || !m_autoRun || json.isEmpty())
        return;
    m_window->simulation()->request(json, m_window->document()->revision());
}

void RunControls::update()
{
    const MainWindow::Mode mode = m_window->mode();
    const bool simulate = mode == MainWindow::Mode::Simulate;
    const bool live = mode == MainWindow::Mode::Live;
    const bool replay = mode == MainWindow::Mode::Replay;
    const bool liveRunning = m_window->live()->isRunning();
    const ReplayControls* replayControls = m_window->replayControls();
    const bool logLoaded = replayControls->replayer().eventCount() > 0;
    m_stop->setEnabled(m_window->simulation()->isRunning() || m_window->simulationB()->isRunning() || liveRunning
        || (replay && logLoaded));
    m_run->setEnabled(simulate || (live && !liveRunning) || (replay && logLoaded && !replayControls->isPlaying()));
    m_pause->setEnabled(simulate || (replay && replayControls->isPlaying()));
    m_speed->setEnabled(replay);
}

void RunControls::startLive()
{
    ScenarioDocument* document = m_window->document();
    const ScenarioLoad load = scenariojson::fromJson(document->json());
    if (!load.ok()) {
        QMessageBox::warning(m_window, tr("Cannot start the live run"),
            load.errors.empty() ? tr("The scenario does not load.") : load.errors.front().toString());
        return;
    }
    const auto scenario = std::make_shared<const Scenario>(*load.scenario);
    m_runs->clearDrawing(scenario);
    QString error;
    LiveController* live = m_window->live();
    if (!live->start(document->json(), &error, m_recording->liveDirectory())) {
        QMessageBox::warning(m_window, tr("Cannot start the live run"), error);
        return;
    }
    m_window->liveControls()->setRunning(live->serviceUrls());
    m_window->circuitTiles()->setBreakerMenu(CircuitTileBoard::BreakerMenu::Live);
    m_recording->showLiveTarget();
    const QString caption = tr("Live run in progress · seed %1").arg(scenario->seed);
    m_window->summary()->followEvents(
        &m_window->resultsView()->trafficChart()->bucketer(), runjson::Source::Live, caption);
    m_status->setText(caption);
    emit stateChanged();
}

} // namespace rwb
