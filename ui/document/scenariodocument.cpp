#include "ui/document/scenariodocument.h"

#include "core/config/jsonpointer.h"
#include "ui/document/undocommands.h"

#include <QFileInfo>
#include <QUndoStack>

namespace rwb {

ScenarioDocument::ScenarioDocument(QObject* parent)
    : QObject(parent)
    , m_undo(new QUndoStack(this))
{
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
}

ScenarioDocument::~ScenarioDocument() = default;

QJsonValue ScenarioDocument::value(const QString& pointer) const
{
    return json::get(m_json, pointer);
}

void ScenarioDocument::setValue(
    const QString& pointer, const QJsonValue& value, const QString& description, int mergeKey)
{
    const QJsonValue before = this->value(pointer);
    if (before == value)
        return;
    m_undo->push(new SetValueCommand(this, pointer, before, value, description, mergeKey));
}

bool ScenarioDocument::apply(const QString& pointer, const QJsonValue& value)
{
    QJsonValue root(m_json);
    const bool ok = value.isUndefined() ? json::remove(root, pointer) : json::set(root, pointer, value);
    if (!ok)
        return false;
    m_json = root.toObject();
    ++m_revision;
    emit valueChanged(pointer);
    emit changed();
    return true;
}

void ScenarioDocument::reset(const QJsonObject& json, const QString& filePath, const QString& title)
{
    m_json = json;
    m_filePath = filePath;
    m_title = title;
    ++m_revision;
    m_undo->clear();
    m_undo->setClean();
    emit documentReset();
    emit changed();
    emit modifiedChanged(false);
}

void ScenarioDocument::setFilePath(const QString& path)
{
    m_filePath = path;
    m_title.clear();
}

QString ScenarioDocument::title() const
{
    if (!m_title.isEmpty())
        return m_title;
    if (!m_filePath.isEmpty())
        return QFileInfo(m_filePath).fileName();
    return tr("Untitled scenario");
}

bool ScenarioDocument::isModified() const
{
    return !m_undo->isClean();
}

void ScenarioDocument::markSaved()
{
    m_undo->setClean();
}

} // namespace rwb
