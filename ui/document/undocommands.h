#pragma once

#include <QJsonValue>
#include <QString>
#include <QUndoCommand>

namespace rwb {

class ScenarioDocument;

/// Sets one JSON value in the document. Consecutive commands with the same merge key and pointer
/// merge (a slider drag is one undo step). Not thread-safe (QUndoStack lives on the GUI thread).
class SetValueCommand final : public QUndoCommand {
public:
    SetValueCommand(ScenarioDocument* document, QString pointer, QJsonValue before, QJsonValue after,
        const QString& text, int mergeKey);

    void undo() override;
    void redo() override;
    int id() const override { return m_mergeKey == 0 ? -1 : m_mergeKey; }
    bool mergeWith(const QUndoCommand* other) override;

    const QString& pointer() const noexcept { return m_pointer; }

private:
    ScenarioDocument* m_document;
    QString m_pointer;
    QJsonValue m_before;
    QJsonValue m_after;
    int m_mergeKey;
};

} // namespace rwb
