#include "ui/shell/mainwindow.h"

#include "ui/charts/circuittileboard.h"
#include "ui/editors/clientseditor.h"
#include "ui/shell/centralarea.h"
#include "ui/shell/comparecontroller.h"
#include "ui/shell/compareview.h"
#include "ui/shell/filecontroller.h"
#include "ui/shell/helpcontroller.h"
#include "ui/common/icons.h"
#include "ui/shell/interopexportdialog.h"
#include "ui/shell/interventioncontroller.h"
#include "ui/run/livecontroller.h"
#include "ui/shell/livecontrols.h"
#include "ui/editors/lintpanel.h"
#include "ui/log/logpanel.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/shell/presenter.h"
#include "ui/shell/recordingcontroller.h"
#include "ui/shell/runcontrols.h"
#include "ui/shell/replaycontrols.h"
#include "ui/shell/replaysession.h"
#include "ui/shell/runpresenter.h"
#include "ui/shell/screenshottaker.h"
#include "ui/charts/resultsview.h"
#include "ui/document/scenariodocument.h"
#include "ui/log/logcachedialog.h"
#include "ui/editors/serviceseditor.h"
#include "ui/common/settings.h"
#include "ui/shell/shortcuts.h"
#include "ui/run/simulationcontroller.h"
#include "ui/shell/summarycontroller.h"
#include "ui/shell/windowlayout.h"
#include "ui/shell/windowtour.h"
#include "ui/sweep/sweepview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QUndoGroup>
#include <QUndoStack>
#include <QUndoView>


namespace rwb {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_document(new ScenarioDocument(this))
    , m_documentB(new ScenarioDocument(this))
    , m_simulation(new SimulationController(this))
    , m_simulationB(new SimulationController(this))
    , m_presenter(new Presenter(this))
    , m_live(new LiveController(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(icons::icon(icons::Icon::App));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);

    m_centre = new CentralArea(this);
    setCentralWidget(m_centre);
    m_results = m_centre->results();
    m_replay = m_centre->replayControls();
    m_liveControls = m_centre->liveControls();

    m_files = new FileController(this);
    m_help = new HelpController(this);
    m_recording = new RecordingController(this);
    m_comparing = new CompareController(this);
    m_runControls = new RunControls(this);
    connect(m_runControls, &RunControls::stateChanged, this, &MainWindow::updateRunActions);
    connect(m_comparing, &CompareController::comparingChanged, this, [this] {
        updateTitle();
        updateRunActions();
    });
    m_undoGroup = new QUndoGroup(this);
    m_undoGroup->addStack(m_document->undoStack());
    m_undoGroup->addStack(m_documentB->undoStack());
    m_undoGroup->setActiveStack(m_document->undoStack());
    qApp->installEventFilter(new UndoShortcutFilter(this));

    createActions();
    createMenus();
    createToolBar();
    createDocks();
    createStatusBar();
    m_tour = new WindowTour(this,
        { m_pipelineDock, m_centre->chartsArea(), m_toolBar, m_runControls->modeAction(Mode::Live),
            m_runControls->modeAction(Mode::Replay), m_compareDock });
    m_layout = new WindowLayout(this, m_presenter, m_compare, m_toolBar,
        { m_pipelineDock, m_servicesDock, m_clientsDock, m_compareDock, m_logDock, m_lintDock });
    m_summary = new SummaryController(m_compare, this);
    m_runs = new RunPresenter(m_centre, m_tiles, m_summary, m_statusRun, this);
    m_replaySession = new ReplaySession(this, m_runs, m_statusRun);
    m_screenshots = new ScreenshotTaker(this,
        { { m_servicesDock, QStringLiteral("services-panel.png") },
            { m_clientsDock, QStringLiteral("clients-panel.png") },
            { m_pipelineDock, QStringLiteral("pipeline-panel.png") },
            { m_compareDock, QStringLiteral("summary-panel.png") }, { m_lintDock, QStringLiteral("lint-panel.png") },
            { m_tilesDock, QStringLiteral("circuits-panel.png") } },
        m_compareDock, m_pipelineEditorB, m_replaySession, m_logDock);
    m_runControls->attach(m_runs, m_recording, m_statusRun);
    connect(m_replaySession, &ReplaySession::stateChanged, this, &MainWindow::updateRunActions);

    connect(m_document, &ScenarioDocument::changed, this, [this] {
        updateTitle();
        m_runControls->requestRun();
        if (m_mode == Mode::Live && !m_live->isRunning())
            m_runControls->showLiveServices();
    });
    connect(m_document, &ScenarioDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_documentB, &ScenarioDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_documentB, &ScenarioDocument::changed, this, &MainWindow::updateTitle);
    connect(m_simulation, &SimulationController::finished, this, &MainWindow::applyRun);
    connect(m_simulation, &SimulationController::partialResult, this, [this](const SimulationRun& run) {
        if (m_mode == Mode::Simulate)
            m_runs->showPartial(run);
    });
    connect(m_simulationB, &SimulationController::finished, this, &MainWindow::applyRunB);
    connect(m_simulation, &SimulationController::runningChanged, this, [this](bool running) {
        m_progress->setVisible(running);
        m_progress->setValue(0);
        updateRunActions();
    });
    connect(m_simulation, &SimulationController::progressChanged, this,
        [this](int permille) { m_progress->setValue(permille); });

    // *Show* applies to every chart (ResultsView), the Summary and the circuit tiles
    connect(m_results, &ResultsView::scopeChanged, this, [this](const RunScope& scope) {
        m_summary->setScope(scope);
        m_tiles->setScope(scope);
    });
    // a click on a chart selects the log lines of that moment
    connect(m_results, &ResultsView::timeClicked, this, [this](double seconds) {
        if (m_log->logIndex())
            m_log->scrollToRunTime(seconds);
    });

    m_interventions = new InterventionController(this);
    connect(m_pipelineTabs, &QTabWidget::currentChanged, this, [this](int index) {
        // Undo / Redo act on the variant being edited
        m_undoGroup->setActiveStack(index == 1 ? m_documentB->undoStack() : m_document->undoStack());
    });

    m_layout->restoreSession();
    if (Settings::presenterMode())
        m_presenterAction->setChecked(true);
    m_files->updateRecentMenu();
    updateTitle();
    updateRunActions();
}

// The job trackers stop a replay decode in flight (its result goes nowhere) and wait for a recording.
MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_undoAction = m_undoGroup->createUndoAction(this, tr("&Undo"));
    setStandardShortcut(m_undoAction, QKeySequence::Undo, QKeySequence(Qt::CTRL | Qt::Key_Z));
    m_redoAction = m_undoGroup->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcuts(standardShortcuts(QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)));

    m_presenterAction = new QAction(icons::icon(icons::Icon::Presenter), tr("&Presenter Mode"), this);
    m_presenterAction->setCheckable(true);
    m_presenterAction->setShortcut(QKeySequence(Qt::Key_F11));
    m_presenterAction->setToolTip(tr("Bigger fonts and chart lines for showing to a room (F11)"));
    connect(m_presenterAction, &QAction::toggled, this, [this](bool on) {
        if (on == m_presenter->isEnabled())
            return;
        m_layout->presenterSwitching(on);
        m_presenter->setEnabled(on);
        m_results->setPresenterMode(on);
        m_tiles->setPresenterMode(on);
        Settings::setPresenterMode(on);
        m_layout->presenterSwitched(on);
    });

    m_resetLayoutAction = new QAction(tr("Reset &Layout"), this);
    connect(m_resetLayoutAction, &QAction::triggered, this, &MainWindow::resetLayout);

    m_tourAction = new QAction(tr("&Tour"), this);
    m_tourAction->setObjectName(QStringLiteral("helpTour"));
    m_tourAction->setStatusTip(tr("A short tour of the window: pipeline, charts, live, logs and compare"));
    connect(m_tourAction, &QAction::triggered, this, &MainWindow::startTour);

}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_files->newAction());
    file->addAction(m_files->openAction());
    file->addMenu(m_files->recentMenu());
    m_demoMenu = file->addMenu(icons::icon(icons::Icon::Demo), tr("&Demos"));
    file->addSeparator();
    file->addAction(m_files->saveAction());
    file->addAction(m_files->saveAsAction());
    file->addAction(m_files->saveVariantBAsAction());
    file->addSeparator();
    file->addAction(m_files->importConfigAction());
    file->addAction(m_files->exportConfigAction());
    file->addMenu(createInteropExportMenu(
        this, [this] { return m_document->json(); },
        [this] { return QFileInfo(m_document->title()).completeBaseName(); }));
    file->addAction(m_files->exportSummaryAction());
    file->addAction(m_recording->action());
    file->addSeparator();
    file->addAction(m_files->quitAction());

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undoAction);
    edit->addAction(m_redoAction);
    edit->addSeparator();
    edit->addAction(tr("Log Index &Cache…"), this, [this] { LogCacheDialog(this).exec(); });

    m_viewMenu = menuBar()->addMenu(tr("&View"));

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_runControls->runAction());
    run->addAction(m_runControls->pauseAction());
    run->addAction(m_runControls->stopAction());
    run->addSeparator();
    run->addActions(m_runControls->modeActions());
    run->addSeparator();
    run->addAction(m_comparing->action());
    run->addAction(m_recording->action());

    // the File menu's Demos and a Demos menu of their own
    m_files->populateDemoMenu(m_demoMenu);
    m_files->populateDemoMenu(menuBar()->addMenu(tr("&Demos")));

    m_help->populate(menuBar()->addMenu(tr("&Help")), m_tourAction);
}

void MainWindow::createToolBar()
{
    QToolBar* bar = addToolBar(tr("Main"));
    m_toolBar = bar;
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(20, 20));
    bar->addAction(m_runControls->runAction());
    bar->addAction(m_runControls->pauseAction());
    bar->addAction(m_runControls->stopAction());

    auto* speedLabel = new QLabel(tr(" Speed "), bar);
    bar->addWidget(speedLabel);
    bar->addWidget(m_runControls->createSpeedBox(bar));
    bar->addSeparator();
    bar->addActions(m_runControls->modeActions());
    bar->addSeparator();
    bar->addAction(m_files->openAction());
    bar->addAction(m_files->saveAction());
    auto* exportButton = new QToolButton(bar);
    exportButton->setDefaultAction(m_files->exportConfigAction());
    exportButton->setText(tr("Export"));
    exportButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    exportButton->setPopupMode(QToolButton::MenuButtonPopup);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(m_files->exportConfigAction());
    exportMenu->addAction(m_files->exportSummaryAction());
    exportMenu->addAction(m_recording->action());
    exportButton->setMenu(exportMenu);
    bar->addWidget(exportButton);
    bar->addSeparator();
    bar->addAction(m_comparing->action());
    bar->addAction(m_presenterAction);
    m_viewMenu->addAction(bar->toggleViewAction());
}

void MainWindow::createDocks()
{
    m_pipelineEditor = new PipelineEditor(this);
    m_pipelineEditor->setDocument(m_document);
    m_pipelineEditorB = new PipelineEditor(this);
    m_pipelineEditorB->setObjectName(QStringLiteral("pipelineEditorB"));
    m_pipelineEditorB->setDocument(m_documentB);
    m_pipelineEditorB->hide(); // shown as the second tab while comparing
    m_pipelineTabs = new QTabWidget(this);
    m_pipelineTabs->setDocumentMode(true);
    m_pipelineTabs->addTab(m_pipelineEditor, tr("Pipeline"));
    m_pipelineTabs->tabBar()->hide();

    m_pipelineDock = new QDockWidget(tr("Pipeline"), this);
    m_pipelineDock->setObjectName(QStringLiteral("pipelineDock"));
    m_pipelineDock->setWidget(m_pipelineTabs);
    addDockWidget(Qt::LeftDockWidgetArea, m_pipelineDock);

    m_servicesEditor = new ServicesEditor(this);
    m_servicesEditor->setDocument(m_document);
    m_servicesDock = new QDockWidget(tr("Services"), this);
    m_servicesDock->setObjectName(QStringLiteral("servicesDock"));
    m_servicesDock->setWidget(m_servicesEditor);
    addDockWidget(Qt::LeftDockWidgetArea, m_servicesDock);
    tabifyDockWidget(m_pipelineDock, m_servicesDock);

    m_clientsEditor = new ClientsEditor(this);
    m_clientsEditor->setDocument(m_document);
    m_clientsDock = new QDockWidget(tr("Run and Clients"), this);
    m_clientsDock->setObjectName(QStringLiteral("clientsDock"));
    m_clientsDock->setWidget(m_clientsEditor);
    addDockWidget(Qt::LeftDockWidgetArea, m_clientsDock);
    tabifyDockWidget(m_servicesDock, m_clientsDock);
    m_pipelineDock->raise();

    m_compare = new CompareView(this);
    m_compareDock = new QDockWidget(tr("Summary and A/B"), this);
    m_compareDock->setObjectName(QStringLiteral("compareDock"));
    m_compareDock->setWidget(m_compare);
    addDockWidget(Qt::RightDockWidgetArea, m_compareDock);
    m_comparing->attach(m_pipelineTabs, m_pipelineEditorB, m_pipelineDock, m_compareDock);

    m_tiles = new CircuitTileBoard(this);
    m_tiles->setBreakerMenu(CircuitTileBoard::BreakerMenu::Schedule);
    m_tilesDock = new QDockWidget(tr("Circuits"), this);
    m_tilesDock->setObjectName(QStringLiteral("circuitsDock"));
    m_tilesDock->setWidget(m_tiles);
    addDockWidget(Qt::RightDockWidgetArea, m_tilesDock);
    splitDockWidget(m_compareDock, m_tilesDock, Qt::Vertical);

    m_log = new LogPanel(this);
    m_logDock = new QDockWidget(tr("Log"), this);
    m_logDock->setObjectName(QStringLiteral("logDock"));
    m_logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    m_logDock->hide();
    connect(m_log, &LogPanel::showInChart, this, [this](double seconds) {
        m_centre->showResults();
        m_results->markTime(seconds);
    });

    auto* history = new QUndoView(m_undoGroup, this);
    history->setEmptyLabel(tr("<opened>"));
    m_historyDock = new QDockWidget(tr("Edit History"), this);
    m_historyDock->setObjectName(QStringLiteral("historyDock"));
    m_historyDock->setWidget(history);
    addDockWidget(Qt::RightDockWidgetArea, m_historyDock);
    m_historyDock->hide();

    m_sweep = new SweepView(this);
    m_sweepDock = new QDockWidget(tr("Sweep"), this);
    m_sweepDock->setObjectName(QStringLiteral("sweepDock"));
    m_sweepDock->setWidget(m_sweep);
    addDockWidget(Qt::BottomDockWidgetArea, m_sweepDock);
    m_sweepDock->hide();
    const auto feedSweep = [this] {
        if (m_sweepDock->isVisible())
            m_sweep->setScenario(m_document->json());
    };
    connect(m_document, &ScenarioDocument::changed, m_sweep, feedSweep);
    connect(m_sweepDock, &QDockWidget::visibilityChanged, m_sweep, feedSweep);
    connect(m_sweep, &SweepView::variantRequested, m_comparing, &CompareController::loadAsVariantB);

    // Lint and expectations (docs/lint.md): a tab beside the editors, re-linted on every edit.
    m_lint = new LintPanel(this);
    connect(this, &MainWindow::runApplied, m_lint, &LintPanel::showRun);
    connect(m_lint, &LintPanel::findingsChanged, this, [this] { m_pipelineEditor->setAdvice(m_lint->advice()); });
    connect(m_lint, &LintPanel::findingActivated, this, [this](const QString& pointer) {
        m_pipelineDock->show();
        m_pipelineDock->raise();
        revealPipelineSetting(*m_pipelineEditor, pointer);
    });
    m_lintDock = new QDockWidget(tr("Checks"), this);
    m_lintDock->setObjectName(QStringLiteral("lintDock"));
    m_lintDock->setWidget(m_lint);
    addDockWidget(Qt::LeftDockWidgetArea, m_lintDock);
    tabifyDockWidget(m_clientsDock, m_lintDock);
    m_pipelineDock->raise();
    m_lint->setDocument(m_document);

    m_viewMenu->addSeparator();
    for (QDockWidget* dock : { m_pipelineDock, m_servicesDock, m_clientsDock, m_compareDock, m_tilesDock, m_lintDock,
             m_logDock, m_historyDock, m_sweepDock })
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_presenterAction);
    m_viewMenu->addAction(m_resetLayoutAction);
    resizeDocks({ m_pipelineDock, m_compareDock }, { 380, 340 }, Qt::Horizontal);
}

void MainWindow::createStatusBar()
{
    m_statusRun = new QLabel(this);
    m_statusRun->setObjectName(QStringLiteral("runStatus"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_statusMode = new QLabel(this);
    statusBar()->addPermanentWidget(m_statusRun);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_statusMode);
    m_statusMode->setText(tr("Simulate"));
}

void MainWindow::setMode(Mode mode)
{
    if (mode != m_mode && m_mode == Mode::Live)
        m_live->stop();
    m_mode = mode;
    // Live turns the menu on when its run starts; a replayed log has no breaker to command
    m_tiles->setBreakerMenu(mode == Mode::Simulate ? CircuitTileBoard::BreakerMenu::Schedule : CircuitTileBoard::BreakerMenu::Off);
    QAction* a = m_runControls->modeAction(mode);
    a->setChecked(true);
    m_statusMode->setText(a->text());
    m_results->setFollowMode(mode == Mode::Live);
    m_layout->showEditorDocks(mode != Mode::Replay); // first: the replay bar must not find them taking room
    m_replay->setVisible(mode == Mode::Replay);
    m_liveControls->setVisible(mode == Mode::Live);
    // in Live mode the outage buttons are live actions (the bar above the charts), not edits
    m_servicesEditor->outageButton()->setVisible(mode != Mode::Live);
    m_servicesEditor->recoverButton()->setVisible(mode != Mode::Live);
    m_recording->modeChanged();
    if (mode != Mode::Replay)
        m_replay->pause();
    if (mode == Mode::Replay) {
        m_simulation->cancel();
        if (!m_logDock->isVisible()) {
            m_logDock->show();
            // the charts keep most of the height; the log scrolls
            resizeDocks({ m_logDock }, { height() / 3 }, Qt::Vertical);
        }
        m_logDock->raise();
        if (m_replay->replayer().eventCount() == 0)
            m_summary->clear(tr("Replay: open a recorded .jsonl log (Ctrl+O)"));
        statusBar()->showMessage(tr("Replay: open a recorded .jsonl log (Ctrl+O) or drop it on the window"), 5000);
    } else if (mode == Mode::Live) {
        m_simulation->cancel();
        m_runControls->showLiveServices();
        statusBar()->showMessage(
            tr("Live: press Run (F5) to start the scenario against mock HTTP services on 127.0.0.1"), 5000);
    } else {
        m_replaySession->forget();
        // what the charts show is about to be the simulation again
        if (m_simulation->lastRun().ok() && m_simulation->lastRun().revision == m_document->revision())
            applyRun(m_simulation->lastRun());
        else
            m_runControls->requestRun();
    }
    updateTitle();
    updateRunActions();
}

void MainWindow::resetLayout()
{
    m_layout->reset(m_mode == Mode::Replay);
}

void MainWindow::setPresenterMode(bool on)
{
    m_presenterAction->setChecked(on);
}

void MainWindow::updateRunActions()
{
    m_runControls->update();
    m_recording->action()->setEnabled(
        (m_mode == Mode::Simulate && !m_recording->isRecording()) || m_mode == Mode::Live);
    m_files->saveVariantBAsAction()->setEnabled(isComparing());
    // a recorded log has no scenario to duplicate as variant B (a comparison running can still be dropped)
    m_comparing->action()->setEnabled(m_mode != Mode::Replay || isComparing());
    m_compare->setCompareAvailable(m_mode != Mode::Replay);
}

void MainWindow::applyRun(const SimulationRun& run)
{
    showProblems(run.problems);
    if (!run.ok()) {
        m_statusRun->setText(tr("Scenario has %n problem(s)", nullptr, int(run.problems.size())));
        if (!run.problems.empty())
            statusBar()->showMessage(run.problems.front().pointer.isEmpty()
                    ? run.problems.front().message
                    : run.problems.front().pointer + QStringLiteral(": ") + run.problems.front().message,
                8000);
        return;
    }
    if (m_mode != Mode::Simulate)
        return; // the charts show a live or replayed run now; setMode(Simulate) draws this one
    const SimulationRun* b = isComparing() && m_simulationB->lastRun().ok() ? &m_simulationB->lastRun() : nullptr;
    m_runs->showSimulation(run, b);
    emit runApplied(run);
}

void MainWindow::applyRunB(const SimulationRun& run)
{
    if (!isComparing())
        return;
    if (run.ok()) {
        if (m_mode != Mode::Simulate)
            return;
        m_runs->showComparison(m_simulation->lastRun(), run);
    } else if (!run.problems.empty()) {
        m_pipelineEditorB->setProblems(run.problems);
        statusBar()->showMessage(tr("Variant B: %1").arg(run.problems.front().message), 8000);
    }
}

void MainWindow::showProblems(const std::vector<ScenarioProblem>& problems)
{
    m_pipelineEditor->setProblems(problems);
    m_servicesEditor->setProblems(problems);
    m_clientsEditor->setProblems(problems);
}

bool MainWindow::openScenarioJson(const QByteArray& text, const QString& sourceName, const QString& filePath)
{
    return m_files->openScenarioJson(text, sourceName, filePath);
}

bool MainWindow::openFile(const QString& path)
{
    if (QFileInfo(path).suffix().compare(QStringLiteral("jsonl"), Qt::CaseInsensitive) == 0)
        return m_replaySession->open(path);
    return m_files->openScenarioFile(path);
}

bool MainWindow::openDemo(const QString& name)
{
    return m_files->openDemo(name);
}

void MainWindow::updateTitle()
{
    const bool modified = m_document->isModified() || (isComparing() && m_documentB->isModified());
    QString title = m_document->title();
    const QString replayed = m_replaySession->logName();
    if (m_mode == Mode::Replay && !replayed.isEmpty())
        title = tr("%1 (replay)").arg(replayed);
    else if (isComparing())
        title = tr("%1 · A/B").arg(title);
    setWindowTitle(tr("%1[*] — Resilience Workbench").arg(title));
    setWindowModified(modified && !(m_mode == Mode::Replay && !replayed.isEmpty()));
}

bool MainWindow::isComparing() const noexcept
{
    return m_comparing && m_comparing->isComparing();
}

void MainWindow::startTour()
{
    m_tour->start();
}

bool MainWindow::startTourOnFirstRun()
{
    return m_tour->startOnFirstRun();
}

FirstRunTour* MainWindow::tour() const noexcept
{
    return m_tour->tour();
}

void MainWindow::screenshotWhenReady(const QString& dir, std::function<void(bool)> done)
{
    m_screenshots->takeWhenReady(dir, std::move(done));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_files->maybeSave()) {
        event->ignore();
        return;
    }
    Settings::setWindow(saveGeometry(), saveState());
    m_simulation->cancel();
    m_simulationB->cancel();
    event->accept();
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    if (!m_layout)
        return;
    m_layout->fitToolBar();
    // after the layout followed the new size
    QMetaObject::invokeMethod(m_layout, &WindowLayout::balanceDocks, Qt::QueuedConnection);
}

} // namespace rwb
