#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QAction;
class QMenu;

namespace rwb {

class MainWindow;
class ScenarioDocument;

/// The File menu of the workbench window: New, Open, Save, Save As, Save Variant B As, the recent
/// files, opening scenarios and built-in demos, the unsaved-changes prompt (variant B's edits
/// included), config import / export and the run summary export. While comparing, Save writes both
/// variants: A to its file, B to its own (next to A's, "<name>-variant-b.json", unless saved elsewhere
/// before).
///
/// It also takes files dropped on the window: one local .json opens as a scenario, one .jsonl as a replayed
/// log (MainWindow::openFile), after the unsaved-changes prompt.
///
/// GUI thread only. Owned by the window; the actions are children of the window.
class FileController final : public QObject {
    Q_OBJECT
public:
    explicit FileController(MainWindow* window);

    QAction* newAction() const noexcept { return m_new; }
    QAction* openAction() const noexcept { return m_open; }
    QAction* saveAction() const noexcept { return m_save; }
    QAction* saveAsAction() const noexcept { return m_saveAs; }
    QAction* saveVariantBAsAction() const noexcept { return m_saveBAs; }
    QAction* importConfigAction() const noexcept { return m_importConfig; }
    QAction* exportConfigAction() const noexcept { return m_exportConfig; }
    QAction* exportSummaryAction() const noexcept { return m_exportSummary; }
    QAction* quitAction() const noexcept { return m_quit; }
    QMenu* recentMenu() const noexcept { return m_recent; }

    /// Asks what to do with unsaved changes of A (and of B while comparing). False: the user cancelled.
    bool maybeSave();
    /// Saves A (and B while comparing); asks for a file name where there is none.
    bool save();
    bool saveAs();
    bool saveVariantBAs();
    /// Writes A to `path` (no dialog); false with a message box on failure.
    bool saveTo(const QString& path);
    /// Writes B to `path` (no dialog).
    bool saveVariantBTo(const QString& path);
    /// Where B is saved when it has no file yet: next to A's file.
    QString defaultVariantBPath() const;
    /// A new scenario: one service, one pipeline, one client, every value the engine's default.
    void newScenario();
    void open();
    void updateRecentMenu();

    /// Loads scenario JSON into variant A (ending a comparison first). On a broken scenario shows a
    /// dialog naming file, line and JSON pointer and keeps the current session; returns false then.
    bool openScenarioJson(const QByteArray& text, const QString& sourceName, const QString& filePath = {});
    /// Opens a scenario file (.json), remembering it as recent and as the last session's.
    bool openScenarioFile(const QString& path);
    /// Opens a built-in demo by name (empty: the default demo). Returns false when unknown.
    bool openDemo(const QString& name = {});
    /// Restores the last session's scenario (file or demo); falls back to the default demo.
    void restoreLastSession();
    /// Fills `menu` with the built-in demos.
    void populateDemoMenu(QMenu* menu);

    /// Export helpers (also used by tests); each returns an empty string or the error. `variantB`
    /// exports B's pipelines.
    QString exportScenarioConfig(const QString& path, bool variantB = false) const;
    QString exportSeedConfig(const QString& path, QStringList* lossy = nullptr, bool variantB = false) const;
    /// Replaces the pipelines with those of a config file (scenario or seed-004 format), undoably.
    bool importConfig(const QString& path, QString* error);
    QString exportRunSummary(const QString& path) const;

protected:
    /// Drag and drop on the window.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void exportConfigDialog();
    void exportSummaryDialog();
    void importConfigDialog();
    ScenarioDocument* documentFor(bool variantB) const;

    MainWindow* m_window;
    QAction* m_new;
    QAction* m_open;
    QAction* m_save;
    QAction* m_saveAs;
    QAction* m_saveBAs;
    QAction* m_importConfig;
    QAction* m_exportConfig;
    QAction* m_exportSummary;
    QAction* m_quit;
    QMenu* m_recent;
};

} // namespace rwb
