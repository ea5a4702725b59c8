#pragma once

#include "core/advice/expectationcheck.h"
#include "core/advice/lint.h"
#include "ui/run/simulationrun.h"

#include <QPointer>
#include <QWidget>

#include <vector>

class QLabel;
class QListWidget;

namespace rwb {

class PipelineEditor;
class ScenarioDocument;

/// The Lint and Expectations panel: the config lint's findings for the scenario being edited,
/// re-computed on every edit (lint takes tens of microseconds, so it runs on the GUI thread), and a
/// pass/fail badge per `expect` entry, judged against each applied run (never a second simulation).
/// Activating a finding asks to reveal the setting it names (findingActivated). GUI thread only.
class LintPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LintPanel(QWidget* parent = nullptr);

    void setDocument(ScenarioDocument* document);
    /// Judges the scenario's expectations against `run` (the run MainWindow just applied).
    void showRun(const SimulationRun& run);

    const std::vector<LintFinding>& findings() const noexcept { return m_findings; }
    const std::vector<ExpectationResult>& expectations() const noexcept { return m_expectations; }
    /// The findings as (pointer, "rule: message") for the editors to mark their controls with.
    std::vector<ScenarioProblem> advice() const;
    QListWidget* findingList() const noexcept { return m_findingList; }
    QListWidget* expectationList() const noexcept { return m_expectationList; }

signals:
    /// The user activated a finding: `pointer` is the setting to change ("/pipelines/0/retry/backoff/jitter").
    void findingActivated(const QString& pointer);
    /// The findings were recomputed (after an edit).
    void findingsChanged();

private:
    void relint();

    QPointer<ScenarioDocument> m_document;
    QLabel* m_lintHeader;
    QListWidget* m_findingList;
    QLabel* m_expectHeader;
    QListWidget* m_expectationList;
    std::vector<LintFinding> m_findings;
    std::vector<ExpectationResult> m_expectations;
};

/// Shows the pipeline setting at `pointer` ("/pipelines/1/circuit_breaker/minimum_calls"): selects the
/// pipeline in `editor`, expands the policy's section and focuses the control (or the stage order list).
/// Returns false when the pointer names no pipeline setting the editor shows.
bool revealPipelineSetting(PipelineEditor& editor, const QString& pointer);

} // namespace rwb
