#pragma once

#include <QDialog>
#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;
class QMenu;

namespace rwb {

/// The Help menu: the user guide and the log query syntax (the docs pages, built into the
/// application and shown in a browser window), the list of keyboard shortcuts (read from the
/// window's actions, so it is never out of date) and About. GUI thread only; owned by the window.
class HelpController final : public QObject {
    Q_OBJECT
public:
    explicit HelpController(QMainWindow* window);

    /// Fills `menu` with the help actions; `tour` (the window's, optional) follows the User Guide.
    void populate(QMenu* menu, QAction* tour = nullptr);
    /// Shows a docs page ("user-guide.md", "log-query.md") in the help browser.
    void showPage(const QString& page);
    void showShortcuts();
    void about();

    /// Every action of the window with a shortcut, as "text<TAB>keys" lines sorted by text (tests).
    QStringList shortcutList() const;
    QDialog* browser() const { return m_browser; }
    QDialog* shortcutsDialog() const { return m_shortcuts; }

private:
    QMainWindow* m_window;
    QPointer<QDialog> m_browser;
    QPointer<QDialog> m_shortcuts;
};

} // namespace rwb
