#pragma once

#include <QJsonObject>
#include <QObject>

class QAction;
class QDockWidget;
class QTabWidget;

namespace rwb {

class MainWindow;
class PipelineEditor;

/// Compare A/B: the Compare action (Ctrl+B) copies the scenario into variant B (same seed), shows B's
/// pipeline editor as a second tab of the Pipeline panel and keeps B simulated after every edit;
/// dropping B (asking first when it has unsaved edits) closes the tab and forgets B. Sweep points
/// load into B through loadAsVariantB().
///
/// GUI thread only. Owned by the window; the action is a child of the window.
class CompareController final : public QObject {
    Q_OBJECT
public:
    explicit CompareController(MainWindow* window);

    QAction* action() const noexcept { return m_action; }
    /// The Pipeline panel's tabs (A's editor; B's while comparing) and the docks to raise: call once
    /// the window built its docks.
    void attach(QTabWidget* pipelineTabs, PipelineEditor* editorB, QDockWidget* pipelineDock, QDockWidget* summaryDock);

    /// Copies the scenario into variant B (same seed) and shows B's editor.
    void start();
    void stop();
    bool isComparing() const noexcept;
    /// Loads a sweep point's values ({pointer: value}) into variant B, starting the comparison if needed.
    void loadAsVariantB(const QJsonObject& values);

signals:
    /// Comparing started or stopped.
    void comparingChanged();

private:
    void toggled(bool on);

    MainWindow* m_window;
    QAction* m_action;
    QTabWidget* m_tabs = nullptr;
    PipelineEditor* m_editorB = nullptr;
    QDockWidget* m_pipelineDock = nullptr;
    QDockWidget* m_summaryDock = nullptr;
};

} // namespace rwb
