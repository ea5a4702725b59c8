#include "ui/document/undocommands.h"

#include "ui/document/scenariodocument.h"

namespace rwb {

SetValueCommand::SetValueCommand(
    ScenarioDocument* document, QString pointer, QJsonValue before, QJsonValue after, const QString& text, int mergeKey)
    : QUndoCommand(text)
    , m_document(document)
    , m_pointer(std::move(pointer))
    , m_before(std::move(before))
    , m_after(std::move(after))
    , m_mergeKey(mergeKey)
{
}

void SetValueCommand::undo()
{
    m_document->apply(m_pointer, m_before);
}

void SetValueCommand::redo()
{
    m_document->apply(m_pointer, m_after);
}

bool SetValueCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const SetValueCommand*>(other);
    if (next->m_pointer != m_pointer || next->m_mergeKey != m_mergeKey)
        return false;
    m_after = next->m_after;
    // A drag that ends where it started leaves nothing to undo.
    if (m_after == m_before)
        setObsolete(true);
    return true;
}

} // namespace rwb
