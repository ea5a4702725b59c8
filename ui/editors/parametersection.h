#pragma once

#include "ui/editors/parameterspec.h"
#include "ui/run/simulationrun.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <vector>

class QWidget;

namespace rwb {

class CollapsibleSection;
class ParameterControl;
class ScenarioDocument;

/// One ParameterGroup as a collapsible section of controls bound to a JSON object of the scenario
/// document, whose pointer the owner computes (the selected service's fault profile + "/ramp", a
/// client, the top level ""). Edits go through the document's undo stack, named after `subject()`.
/// An optional group's switch adds the whole object (every parameter at its default) or removes it,
/// as one undo step. GUI thread only; the section widget is a child of `parent`.
class ParameterSection final : public QObject {
    Q_OBJECT
public:
    ParameterSection(const ParameterGroup& group, std::function<QString()> objectPointer,
        std::function<QString()> subject, QWidget* parent);

    void setDocument(ScenarioDocument* document);
    CollapsibleSection* section() const noexcept { return m_section; }
    /// Shows the document's values (no edits emitted).
    void refresh();
    /// Marks controls whose pointer has a problem; clears the others.
    void setProblems(const std::vector<ScenarioProblem>& problems);
    ParameterControl* control(const QString& key) const;
    /// The JSON object an optional group adds when switched on.
    QJsonObject defaults() const;

private:
    QString pointerOf(const QString& key) const;

    ParameterGroup m_group;
    std::function<QString()> m_object;
    std::function<QString()> m_subject;
    QPointer<ScenarioDocument> m_document;
    CollapsibleSection* m_section;
    std::vector<ParameterControl*> m_controls;
    bool m_refreshing = false;
};

} // namespace rwb
