#pragma once

#include "ui/document/scenariodocument.h" // document() converts a QPointer: needs the complete type
#include "ui/run/simulationrun.h"

#include <QPointer>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QVBoxLayout;

namespace rwb {

class CollapsibleSection;
class ParameterControl;

/// Edits one pipeline of a scenario document: every policy parameter as a labelled slider + spin
/// box (or switch / choice), grouped per policy with an enable switch, and the policy order as a
/// drag-reorderable list. Every edit goes through the document's undo stack. Problems reported by
/// the engine are shown on the offending control. GUI thread only; does not own the document.
class PipelineEditor final : public QWidget {
    Q_OBJECT
public:
    explicit PipelineEditor(QWidget* parent = nullptr);

    void setDocument(ScenarioDocument* document);
    ScenarioDocument* document() const { return m_document; }

    /// Index of the pipeline being edited in the scenario's "pipelines" array.
    int pipelineIndex() const noexcept { return m_pipeline; }
    void setPipelineIndex(int index);
    /// JSON pointer of the edited pipeline ("/pipelines/0").
    QString pipelinePointer() const;

    /// Marks controls whose pointer has a problem; clears the others.
    void setProblems(const std::vector<ScenarioProblem>& problems);
    /// Marks controls that lint findings point at (pointer + message, as problems); clears the others.
    void setAdvice(const std::vector<ScenarioProblem>& advice);

    /// The control editing `key` of policy `policy` (e.g. "circuit_breaker", "failure_threshold"); for tests.
    ParameterControl* control(const QString& policy, const QString& key) const;
    CollapsibleSection* section(const QString& policy) const;
    QListWidget* orderList() const noexcept { return m_order; }
    /// "Behave like": Workbench, opossum, cockatiel, Resilience4j, Polly (docs/interop.md).
    QComboBox* behaveLikeCombo() const noexcept { return m_behaveLike; }

private:
    struct Group {
        QString key;
        CollapsibleSection* section = nullptr;
        std::vector<ParameterControl*> controls;
    };

    void build();
    void rebuildPipelineList();
    void refresh();
    void refreshOrder();
    void orderEdited();
    /// Switches the pipeline's behave_like, with the values the library fixes, as one undo step.
    void behaveLikeEdited(int index);
    void refreshPeerNames(const QJsonObject& pipeline);
    QString policyPointer(const QString& policy) const;
    /// Hands each control the messages of `items` aimed at its pointer (joined; empty when none).
    void markControls(const std::vector<ScenarioProblem>& items, void (ParameterControl::*mark)(const QString&));

    QPointer<ScenarioDocument> m_document;
    int m_pipeline = 0;
    QComboBox* m_pipelines;
    QLabel* m_binding;
    QComboBox* m_behaveLike;
    QListWidget* m_order;
    QLabel* m_orderHint;
    std::vector<Group> m_groups;
    std::vector<ScenarioProblem> m_advice; // re-marked when another pipeline is shown
    bool m_refreshing = false;
};

} // namespace rwb
