#include "ui/shell/helpcontroller.h"

#include "ui/shell/shortcuts.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace rwb {

namespace {

/// The action's text without mnemonic ampersands and trailing ellipsis.
QString plainText(const QAction* a)
{
    QString text = a->text();
    text.remove(QLatin1Char('&'));
    if (text.endsWith(QChar(0x2026)))
        text.chop(1);
    return text;
}

} // namespace

HelpController::HelpController(QMainWindow* window)
    : QObject(window)
    , m_window(window)
{
}

void HelpController::populate(QMenu* menu, QAction* tour)
{
    QAction* guide = menu->addAction(tr("&User Guide"), this, [this] { showPage(QStringLiteral("user-guide.md")); });
    guide->setObjectName(QStringLiteral("helpUserGuide"));
    setStandardShortcut(guide, QKeySequence::HelpContents, QKeySequence(Qt::Key_F1));
    if (tour)
        menu->addAction(tour);
    QAction* query = menu->addAction(tr("Log &Query Syntax"), this, [this] { showPage(QStringLiteral("log-query.md")); });
    query->setObjectName(QStringLiteral("helpQuerySyntax"));
    QAction* keys = menu->addAction(tr("&Keyboard Shortcuts"), this, &HelpController::showShortcuts);
    keys->setObjectName(QStringLiteral("helpShortcuts"));
    keys->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    menu->addSeparator();
    menu->addAction(tr("&About Resilience Workbench"), this, &HelpController::about);
}

void HelpController::showPage(const QString& page)
{
    if (!m_browser) {
        auto* dialog = new QDialog(m_window);
        dialog->setObjectName(QStringLiteral("helpBrowser"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        auto* browser = new QTextBrowser(dialog);
        browser->setObjectName(QStringLiteral("helpText"));
        browser->setOpenExternalLinks(true);
        browser->setSearchPaths({ QStringLiteral(":/docs") });
        auto* layout = new QVBoxLayout(dialog);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(browser);
        // a readable page width, never more than the window offers
        dialog->resize(std::min(900, m_window->width()), std::min(760, m_window->height()));
        m_browser = dialog;
    }
    auto* browser = m_browser->findChild<QTextBrowser*>(QStringLiteral("helpText"));
    browser->setSource(QUrl(QStringLiteral("qrc:/docs/") + page), QTextDocument::MarkdownResource);
    m_browser->setWindowTitle(browser->documentTitle().isEmpty() ? tr("Help") : browser->documentTitle());
    m_browser->show();
    m_browser->raise();
}

QStringList HelpController::shortcutList() const
{
    QStringList lines;
    const auto actions = m_window->findChildren<QAction*>();
    for (const QAction* a : actions) {
        if (a->shortcuts().isEmpty() || plainText(a).isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence& k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        const QString line = plainText(a) + QLatin1Char('\t') + keys.join(QStringLiteral(", "));
        if (!lines.contains(line))
            lines << line;
    }
    std::sort(lines.begin(), lines.end(), [](const QString& x, const QString& y) { return x.localeAwareCompare(y) < 0; });
    return lines;
}

void HelpController::showShortcuts()
{
    if (!m_shortcuts) {
        auto* dialog = new QDialog(m_window);
        dialog->setObjectName(QStringLiteral("shortcutsDialog"));
        dialog->setWindowTitle(tr("Keyboard Shortcuts"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        auto* table = new QTableWidget(dialog);
        table->setObjectName(QStringLiteral("shortcutTable"));
        table->setColumnCount(2);
        table->setHorizontalHeaderLabels({ tr("Action"), tr("Keys") });
        table->verticalHeader()->hide();
        table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
        table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        table->setSelectionBehavior(QAbstractItemView::SelectRows);
        table->setAlternatingRowColors(true);
        QStringList lines = shortcutList();
        // keys that belong to widgets rather than actions
        lines << tr("Charts: zoom / pan / reset") + QLatin1Char('\t') + tr("Wheel, drag, +/-, arrows, Home or Esc")
              << tr("Charts: zoom to an area") + QLatin1Char('\t') + tr("Shift+drag")
              << tr("Replay: play / pause") + QLatin1Char('\t') + tr("Space")
              << tr("Log: run the query, walk the history") + QLatin1Char('\t') + tr("Enter, Up / Down");
        table->setRowCount(int(lines.size()));
        for (int i = 0; i < lines.size(); ++i) {
            const QStringList parts = lines.at(i).split(QLatin1Char('\t'));
            table->setItem(i, 0, new QTableWidgetItem(parts.value(0)));
            table->setItem(i, 1, new QTableWidgetItem(parts.value(1)));
        }
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        auto* layout = new QVBoxLayout(dialog);
        layout->addWidget(table);
        layout->addWidget(buttons);
        dialog->resize(std::min(560, m_window->width()), std::min(640, m_window->height()));
        m_shortcuts = dialog;
    }
    m_shortcuts->show();
    m_shortcuts->raise();
}

void HelpController::about()
{
    QMessageBox::about(m_window, tr("About Resilience Workbench"),
        tr("<h3>Resilience Workbench %1</h3><p>Tune circuit breakers, retries, timeouts, bulkheads and "
           "rate limits against misbehaving services, and watch what they do.</p>"
           "<p>Help › User Guide (F1) explains the window; Help › Keyboard Shortcuts lists every key.</p>")
            .arg(QApplication::applicationVersion()));
}

} // namespace rwb
