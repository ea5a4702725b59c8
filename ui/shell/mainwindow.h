#pragma once

#include "ui/run/jobtracker.h"
#include "ui/run/simulationrun.h"

#include "core/policy/circuitbreaker.h"

#include <QMainWindow>

#include <optional>
#include <QPointer>

#include "core/events/event.h"

#include <atomic>
#include <functional>
#include <memory>

class QAction;
class QActionGroup;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolBar;
class QUndoGroup;

namespace rwb {

class CentralArea;
class CircuitTileBoard;
class ClientsEditor;
class EventBridge;
class FileController;
class FirstRunTour;
class HelpController;
class InterventionController;
class LiveControls;
class LiveController;
class RecordingController;
class ReplayControls;
class ReplaySession;
class LintPanel;
class LogPanel;
class CompareController;
class CompareView;
class SweepView;
class ResultsView;
class RunControls;
class RunPresenter;
class PipelineEditor;
class Presenter;
class ScenarioDocument;
class ScreenshotTaker;
class ServicesEditor;
class SimulationController;
class SummaryController;
class WindowLayout;
class WindowTour;

/// The workbench window: charts in the centre, dockable editor panels (pipeline, services, summary
/// and A/B compare), a toolbar (run controls, speed, mode, files), menus with shortcuts and a status
/// bar with progress. Layout, geometry, recent files and the last scenario persist in QSettings.
/// The File menu's work is FileController's, the Help menu's HelpController's; the Summary follows
/// what the charts show through SummaryController. GUI thread only.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    enum class Mode { Simulate, Live, Replay };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a scenario (.json) or a log (.jsonl, Replay mode). On a broken file shows a dialog naming
    /// file, line and JSON pointer and keeps the current session; returns false then.
    bool openFile(const QString& path);
    /// Opens a built-in demo by name (empty: the default demo). Returns false when unknown.
    bool openDemo(const QString& name = {});
    /// Loads scenario JSON directly (used by openFile/openDemo and tests).
    bool openScenarioJson(const QByteArray& text, const QString& sourceName, const QString& filePath = {});
    FileController* files() const noexcept { return m_files; }
    HelpController* help() const noexcept { return m_help; }
    SummaryController* summary() const noexcept { return m_summary; }
    LiveControls* liveControls() const noexcept { return m_liveControls; }
    CentralArea* centralArea() const noexcept { return m_centre; }
    CompareController* comparing() const noexcept { return m_comparing; }
    RecordingController* recording() const noexcept { return m_recording; }
    InterventionController* interventions() const noexcept { return m_interventions; }

    /// Shows the tour of the window (Help › Tour); finishing or skipping it marks it seen.
    void startTour();
    /// Starts the tour unless it was seen before (the application does this on a start that no
    /// automation asked for). Returns whether it started.
    bool startTourOnFirstRun();
    FirstRunTour* tour() const noexcept;

    /// Writes PNGs of the window and each panel into `dir` once the first simulation has finished,
    /// then calls `done` (with false when nothing could be written).
    void screenshotWhenReady(const QString& dir, std::function<void(bool)> done);

    Mode mode() const noexcept { return m_mode; }
    void setPresenterMode(bool on);
    void setMode(Mode mode);

    ScenarioDocument* document() const noexcept { return m_document; }
    ScenarioDocument* variantB() const noexcept { return m_documentB; }
    SimulationController* simulation() const noexcept { return m_simulation; }
    SimulationController* simulationB() const noexcept { return m_simulationB; }
    PipelineEditor* pipelineEditor() const noexcept { return m_pipelineEditor; }
    ServicesEditor* servicesEditor() const noexcept { return m_servicesEditor; }
    ClientsEditor* clientsEditor() const noexcept { return m_clientsEditor; }
    CompareView* compareView() const noexcept { return m_compare; }
    SweepView* sweepView() const noexcept { return m_sweep; }
    ResultsView* resultsView() const noexcept { return m_results; }
    CircuitTileBoard* circuitTiles() const noexcept { return m_tiles; }
    LiveController* live() const noexcept { return m_live; }
    LogPanel* logPanel() const noexcept { return m_log; }
    LintPanel* lintPanel() const noexcept { return m_lint; }
    ReplayControls* replayControls() const noexcept { return m_replay; }
    Presenter* presenter() const noexcept { return m_presenter; }

    bool isComparing() const noexcept;

    /// The layout of a fresh window (docks, toolbar); Reset Layout returns to it, keeping the Log
    /// panel in Replay mode.
    void resetLayout();

signals:
    /// Emitted when a run of variant A was applied to the views.
    void runApplied(const rwb::SimulationRun& run);

protected:
    void closeEvent(QCloseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    void createDocks();
    void createStatusBar();
    void updateTitle();
    void updateRunActions();
    void applyRun(const SimulationRun& run);
    void applyRunB(const SimulationRun& run);
    void showProblems(const std::vector<ScenarioProblem>& problems);

    Mode m_mode = Mode::Simulate;
    ScenarioDocument* m_document;
    ScenarioDocument* m_documentB;
    SimulationController* m_simulation;
    SimulationController* m_simulationB;
    Presenter* m_presenter;
    LiveController* m_live;
    SummaryController* m_summary = nullptr;
    RunPresenter* m_runs = nullptr;
    WindowLayout* m_layout = nullptr;
    RecordingController* m_recording = nullptr;
    CompareController* m_comparing = nullptr;
    RunControls* m_runControls = nullptr;
    ReplaySession* m_replaySession = nullptr;
    FileController* m_files = nullptr;
    HelpController* m_help = nullptr;
    WindowTour* m_tour = nullptr;
    ScreenshotTaker* m_screenshots = nullptr;
    InterventionController* m_interventions = nullptr;
    QAction* m_tourAction = nullptr;
    QUndoGroup* m_undoGroup = nullptr;

    CentralArea* m_centre = nullptr;
    ResultsView* m_results = nullptr;
    CircuitTileBoard* m_tiles = nullptr;
    QDockWidget* m_tilesDock = nullptr;
    LogPanel* m_log = nullptr;
    ReplayControls* m_replay = nullptr;
    LiveControls* m_liveControls = nullptr;
    QDockWidget* m_logDock = nullptr;
    PipelineEditor* m_pipelineEditor = nullptr;
    PipelineEditor* m_pipelineEditorB = nullptr;
    QTabWidget* m_pipelineTabs = nullptr;
    ServicesEditor* m_servicesEditor = nullptr;
    ClientsEditor* m_clientsEditor = nullptr;
    QDockWidget* m_clientsDock = nullptr;
    CompareView* m_compare = nullptr;
    QDockWidget* m_pipelineDock = nullptr;
    QDockWidget* m_servicesDock = nullptr;
    QDockWidget* m_compareDock = nullptr;
    QDockWidget* m_historyDock = nullptr;
    SweepView* m_sweep = nullptr;
    QDockWidget* m_sweepDock = nullptr;
    LintPanel* m_lint = nullptr;
    QDockWidget* m_lintDock = nullptr;

    QLabel* m_statusRun = nullptr;
    QLabel* m_statusMode = nullptr;
    QProgressBar* m_progress = nullptr;

    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_presenterAction = nullptr;
    QAction* m_resetLayoutAction = nullptr;
    QMenu* m_demoMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QToolBar* m_toolBar = nullptr;
};

} // namespace rwb
