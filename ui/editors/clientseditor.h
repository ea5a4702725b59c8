#pragma once

#include "ui/run/simulationrun.h"

#include <QPointer>
#include <QWidget>

#include <vector>

class QComboBox;
class QToolButton;

namespace rwb {

class ParameterSection;
class ScenarioDocument;

/// Edits what drives a run: the seed, the duration and the drain limit, and the clients (which
/// pipeline each calls, how many, the arrival process: evenly spaced, Poisson or bursts, its rate,
/// bursts and active time). Clients can be added and removed. Every edit goes through the document's
/// undo stack; the engine's problems are shown on the controls. GUI thread only; does not own the
/// document.
class ClientsEditor final : public QWidget {
    Q_OBJECT
public:
    explicit ClientsEditor(QWidget* parent = nullptr);

    void setDocument(ScenarioDocument* document);
    int clientIndex() const noexcept { return m_client; }
    void setClientIndex(int index);
    QString clientPointer() const;
    void setProblems(const std::vector<ScenarioProblem>& problems);

    ParameterSection* runSection() const noexcept { return m_run; }
    ParameterSection* clientSection() const noexcept { return m_clientSection; }
    QComboBox* pipelineBox() const noexcept { return m_pipeline; }
    QComboBox* clientBox() const noexcept { return m_clients; }
    /// Adds a client calling the first pipeline at the engine's default rate (undoable).
    void addClient();
    void removeClient();

private:
    void refresh();

    QPointer<ScenarioDocument> m_document;
    int m_client = 0;
    ParameterSection* m_run;
    QComboBox* m_clients;
    QComboBox* m_pipeline;
    QToolButton* m_remove;
    ParameterSection* m_clientSection;
    bool m_refreshing = false;
};

} // namespace rwb
