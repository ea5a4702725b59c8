#include "ui/shell/shortcuts.h"

#include <QAbstractSpinBox>
#include <QDoubleSpinBox>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>

namespace rwb {

QList<QKeySequence> standardShortcuts(QKeySequence::StandardKey key, const QKeySequence& fallback)
{
    QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    if (!fallback.isEmpty() && !keys.contains(fallback))
        keys.append(fallback); // documented in the shortcut list, so it must work everywhere
    return keys;
}

void setStandardShortcut(QAction* action, QKeySequence::StandardKey key, const QKeySequence& fallback)
{
    action->setShortcuts(standardShortcuts(key, fallback));
}

UndoShortcutFilter::UndoShortcutFilter(QObject* parent)
    : QObject(parent)
{
}

bool UndoShortcutFilter::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress)
        return false;
    auto* key = static_cast<QKeyEvent*>(event);
    const bool undo = key->matches(QKeySequence::Undo);
    const bool redo = key->matches(QKeySequence::Redo)
        || (key->key() == Qt::Key_Z && key->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier));
    auto* spin = qobject_cast<QAbstractSpinBox*>(watched);
    if ((!undo && !redo) || !spin)
        return false;
    if (event->type() == QEvent::KeyPress)
        return true; // the line edit's own text undo never runs: it fought the document's
    auto* edit = spin->findChild<QLineEdit*>(); // lineEdit() is protected
    if (undo && edit && edit->isModified()) {
        // typed but not committed (no keyboard tracking): Ctrl+Z takes the typing back, showing the
        // committed value again (setValue re-renders the text even when the value is unchanged)
        if (auto* d = qobject_cast<QDoubleSpinBox*>(spin)) {
            const QSignalBlocker block(d);
            d->setValue(d->value());
        } else if (auto* i = qobject_cast<QSpinBox*>(spin)) {
            const QSignalBlocker block(i);
            i->setValue(i->value());
        }
        edit->setModified(false);
        event->accept(); // handled here: not the window's Undo
        return true;
    }
    // not accepted: the key press becomes the window's Undo / Redo shortcut
    event->ignore();
    return true;
}

} // namespace rwb
