#pragma once

#include <QKeySequence>
#include <QList>
#include <QObject>

class QAction;

namespace rwb {

/// The platform's keys for a standard action, or `fallback` where the platform has none: some
/// platforms (the generic and offscreen ones, window managers other than KDE and GNOME) leave
/// QKeySequence::SaveAs and others empty, and the action would have no shortcut at all.
QList<QKeySequence> standardShortcuts(QKeySequence::StandardKey key, const QKeySequence& fallback);
/// Sets `action`'s shortcuts that way.
void setStandardShortcut(QAction* action, QKeySequence::StandardKey key, const QKeySequence& fallback);

/// Lets the window's Undo and Redo actions work while a spin box or combo box has the keyboard
/// focus. A spin box's line edit claims Ctrl+Z for its own text undo, so the document's undo did
/// nothing right after a value was typed. Installed on the application, this filter refuses that
/// claim for spin boxes: when the box holds typed text not yet committed, Ctrl+Z reverts that text
/// (the value shown again is the document's); otherwise the shortcut reaches the window's actions.
/// GUI thread only.
class UndoShortcutFilter final : public QObject {
    Q_OBJECT
public:
    explicit UndoShortcutFilter(QObject* parent = nullptr);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace rwb
