#pragma once

#include "ui/run/simulationrun.h"

#include <QPointer>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace rwb {

class CollapsibleSection;
class JsonArrayModel;
class ParameterControl;
class ParameterSection;
class ScheduleTimeline;
class ScenarioDocument;

/// Edits the mock services of a scenario: the fault profile of the selected service (error rate,
/// latency, capacity, Retry-After) as sliders, big "Outage now" / "Recover" buttons and the outage
/// windows as an editable list. Every edit goes through the document's undo stack.
/// In Live mode the outage buttons also act at once on the running service (outageRequested()).
/// GUI thread only; does not own the document.
class ServicesEditor final : public QWidget {
    Q_OBJECT
public:
    explicit ServicesEditor(QWidget* parent = nullptr);

    void setDocument(ScenarioDocument* document);
    int serviceIndex() const noexcept { return m_service; }
    void setServiceIndex(int index);
    QString servicePointer() const;
    /// JSON pointer of the selected service's fault profile.
    QString profilePointer() const;
    void setProblems(const std::vector<ScenarioProblem>& problems);

    ParameterControl* control(const QString& key) const;
    QPushButton* outageButton() const noexcept { return m_outage; }
    QPushButton* recoverButton() const noexcept { return m_recover; }
    JsonArrayModel* outagesModel() const noexcept { return m_outages; }
    JsonArrayModel* scheduleModel() const noexcept { return m_schedule; }
    ScheduleTimeline* timeline() const noexcept { return m_timeline; }
    /// The sections of the profile's parts: error mix, flapping, ramp (in that order).
    const std::vector<ParameterSection*>& sections() const noexcept { return m_sections; }

signals:
    /// The user asked to take `service` down (true) or bring it back (false).
    void outageRequested(const QString& service, bool down);

private:
    void build();
    void rebuildServiceList();
    void refresh();
    void setOutage(bool down);
    QWidget* buildScheduleSection(QWidget* content);

    QPointer<ScenarioDocument> m_document;
    int m_service = 0;
    QComboBox* m_services;
    QLabel* m_description;
    QPushButton* m_outage;
    QPushButton* m_recover;
    CollapsibleSection* m_profileSection = nullptr;
    std::vector<ParameterControl*> m_controls;
    JsonArrayModel* m_outages;
    QTableView* m_outageTable = nullptr;
    JsonArrayModel* m_schedule;
    QTableView* m_scheduleTable = nullptr;
    ScheduleTimeline* m_timeline = nullptr;
    std::vector<ParameterSection*> m_sections;
    bool m_refreshing = false;
};

} // namespace rwb
