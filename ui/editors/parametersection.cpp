#include "ui/editors/parametersection.h"

#include "ui/common/collapsiblesection.h"
#include "core/config/jsonpointer.h"
#include "ui/editors/parametercontrol.h"
#include "ui/document/scenariodocument.h"

#include <QGridLayout>
#include <QJsonObject>

namespace rwb {

ParameterSection::ParameterSection(const ParameterGroup& group, std::function<QString()> objectPointer,
    std::function<QString()> subject, QWidget* parent)
    : QObject(parent)
    , m_group(group)
    , m_object(std::move(objectPointer))
    , m_subject(std::move(subject))
    , m_section(new CollapsibleSection(group.title, group.summary, group.optional, parent))
{
    m_section->setObjectName(QStringLiteral("section_") + (group.key.isEmpty() ? group.title : group.key));
    auto* grid = new QGridLayout(m_section->body());
    grid->setContentsMargins(12, 0, 8, 0);
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(4);
    grid->setColumnStretch(1, 1);
    int row = 0;
    for (const ParameterSpec& spec : m_group.parameters) {
        auto* control = new ParameterControl(spec, grid, row++, m_section->body());
        connect(control, &ParameterControl::edited, this, [this, control](const QJsonValue& value, int mergeKey) {
            if (!m_document || m_refreshing)
                return;
            const QString description = tr("Set %1 › %2").arg(m_subject(), control->spec().label);
            // A choice hides the settings of the other choices; the engine refuses those as unknown
            // keys, so they go in the same undo step.
            QJsonValue object = m_document->value(m_object());
            bool pruned = false;
            for (const ParameterControl* other : m_controls) {
                const ParameterSpec& dependent = other->spec();
                if (dependent.visibleKey == control->spec().key && !dependent.visibleValues.isEmpty()
                    && !dependent.visibleValues.contains(value.toString()))
                    pruned = json::remove(object, QLatin1Char('/') + dependent.key) || pruned;
            }
            if (pruned && json::set(object, QLatin1Char('/') + control->spec().key, value))
                m_document->setValue(m_object(), object, description, mergeKey);
            else
                m_document->setValue(pointerOf(control->spec().key), value, description, mergeKey);
        });
        m_controls.push_back(control);
    }
    if (m_group.optional) {
        connect(m_section, &CollapsibleSection::toggled, this, [this](bool on) {
            if (!m_document || m_refreshing)
                return;
            m_document->setValue(m_object(), on ? QJsonValue(defaults()) : QJsonValue(QJsonValue::Undefined),
                on ? tr("Add %1 to %2").arg(m_group.title, m_subject())
                   : tr("Remove %1 from %2").arg(m_group.title, m_subject()));
        });
    }
}

void ParameterSection::setDocument(ScenarioDocument* document)
{
    m_document = document;
    refresh();
}

QString ParameterSection::pointerOf(const QString& key) const
{
    return m_object() + QLatin1Char('/') + key;
}

QJsonObject ParameterSection::defaults() const
{
    QJsonValue object = QJsonObject();
    for (const ParameterSpec& spec : m_group.parameters)
        if (!spec.defaultValue.isUndefined())
            json::set(object, QLatin1Char('/') + spec.key, spec.defaultValue);
    return object.toObject();
}

void ParameterSection::refresh()
{
    m_refreshing = true;
    const QJsonValue value = m_document ? m_document->value(m_object()) : QJsonValue();
    const QJsonObject object = value.toObject();
    if (m_group.optional)
        m_section->setChecked(value.isObject());
    for (ParameterControl* c : m_controls) {
        c->setValue(json::get(object, QLatin1Char('/') + c->spec().key));
        c->updateVisibility(object);
    }
    m_refreshing = false;
}

void ParameterSection::setProblems(const std::vector<ScenarioProblem>& problems)
{
    for (ParameterControl* c : m_controls) {
        const QString pointer = pointerOf(c->spec().key);
        QString message;
        for (const auto& p : problems)
            if (p.pointer == pointer)
                message = message.isEmpty() ? p.message : message + QLatin1Char('\n') + p.message;
        c->setError(message);
    }
}

ParameterControl* ParameterSection::control(const QString& key) const
{
    for (ParameterControl* c : m_controls)
        if (c->spec().key == key)
            return c;
    return nullptr;
}

} // namespace rwb
