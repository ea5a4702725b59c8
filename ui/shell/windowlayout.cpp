#include "ui/shell/windowlayout.h"

#include "ui/common/editorscrollarea.h"
#include "ui/common/settings.h"
#include "ui/shell/compareview.h"
#include "ui/shell/presenter.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QMainWindow>
#include <QScreen>
#include <QTimer>
#include <QToolBar>

namespace rwb {

WindowLayout::WindowLayout(
    QMainWindow* window, Presenter* presenter, CompareView* compare, QToolBar* toolBar, Docks docks)
    : QObject(window)
    , m_window(window)
    , m_presenter(presenter)
    , m_compare(compare)
    , m_toolBar(toolBar)
    , m_docks(docks)
    , m_scenarioDocks { { { docks.pipeline, true }, { docks.services, true }, { docks.clients, true },
          { docks.checks, true } } }
{
}

void WindowLayout::restoreSession()
{
    m_defaultState = m_window->saveState();
    if (!m_window->restoreGeometry(Settings::windowGeometry())) {
        // the first window: most of the screen, as the charts and panels want room
        if (const QScreen* s = m_window->screen()) {
            const QRect available = s->availableGeometry();
            m_window->resize(available.size() * 0.92);
            m_window->move(available.center() - m_window->rect().center());
        }
    }
    m_window->restoreState(Settings::windowState());
}

void WindowLayout::reset(bool replay)
{
    m_window->restoreState(m_defaultState);
    m_editorsHidden = false;
    if (replay) {
        showEditorDocks(false);
        m_docks.log->show();
        m_docks.log->raise();
    }
}

void WindowLayout::showEditorDocks(bool show)
{
    if (show == !m_editorsHidden)
        return;
    for (auto& [dock, wasVisible] : m_scenarioDocks) {
        if (!show) {
            wasVisible = !dock->isHidden(); // a dock behind another's tab is open, though not visible
            dock->hide();
        } else {
            dock->setVisible(wasVisible);
        }
    }
    if (show)
        m_docks.pipeline->raise();
    m_editorsHidden = !show;
}

void WindowLayout::presenterSwitching(bool on)
{
    if (!on)
        return;
    // switching off restores exactly this: geometry, docks, and every widget's font
    m_beforePresenter = { m_window->saveGeometry(), m_window->saveState() };
    m_dockSizes.clear();
    for (QDockWidget* dock : m_window->findChildren<QDockWidget*>())
        if (dock->isVisible() && !dock->isFloating() && !dock->visibleRegion().isEmpty()) // not tabbed away
            m_dockSizes.insert(dock, dock->size());
}

void WindowLayout::presenterSwitched(bool on)
{
    if (on) {
        // bigger fonts need wider panels, but never a window wider than the screen
        m_window->resizeDocks({ m_docks.pipeline, m_docks.summary },
            { int(m_docks.pipeline->width() * Presenter::scale()), int(m_docks.summary->width() * Presenter::scale()) },
            Qt::Horizontal);
        QTimer::singleShot(0, this, [this] {
            refitPanels();
            fitToScreen();
        });
    } else if (!m_beforePresenter.first.isEmpty()) {
        QTimer::singleShot(0, this, [this] {
            refitPanels();
            // settle every layout of the normal fonts first, or they would move the restored docks
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            m_window->restoreGeometry(m_beforePresenter.first);
            m_window->restoreState(m_beforePresenter.second);
            // the state's split sizes can lag the docks' real ones: set those exactly
            QList<QDockWidget*> docks;
            QList<int> widths, heights;
            for (auto it = m_dockSizes.cbegin(); it != m_dockSizes.cend(); ++it) {
                if (!it.key() || !it.key()->isVisible())
                    continue;
                docks << it.key();
                widths << it->width();
                heights << it->height();
            }
            m_window->resizeDocks(docks, widths, Qt::Horizontal);
            m_window->resizeDocks(docks, heights, Qt::Vertical);
        });
    }
}

void WindowLayout::refitPanels()
{
    for (EditorScrollArea* area : m_window->findChildren<EditorScrollArea*>())
        area->fitWidth();
    m_compare->fitWidth();
}

void WindowLayout::balanceDocks()
{
    // On a narrow window the docks give up width down to their minimum (their content scrolls),
    // so the charts keep at least ~45 % of the width.
    QWidget* centre = m_window->centralWidget();
    if (!centre || m_presenter->isEnabled())
        return;
    const int wanted = std::max(centre->minimumSizeHint().width(), int(m_window->width() * 0.45));
    int missing = wanted - centre->width();
    if (missing <= 4)
        return;
    QList<QDockWidget*> docks;
    QList<int> widths;
    for (QDockWidget* dock : { m_docks.pipeline, m_docks.services, m_docks.clients, m_docks.summary }) {
        if (!dock->isVisible() || dock->isFloating() || dock->visibleRegion().isEmpty()
            || m_window->dockWidgetArea(dock) == Qt::BottomDockWidgetArea)
            continue;
        const int spare = dock->width() - dock->minimumSizeHint().width();
        if (spare <= 0)
            continue;
        const int give = std::min(spare, (missing + 1) / 2);
        docks << dock;
        widths << dock->width() - give;
    }
    if (!docks.isEmpty())
        m_window->resizeDocks(docks, widths, Qt::Horizontal);
}

void WindowLayout::fitToolBar()
{
    // measure with labels: a toolbar that needs more than the window shows icons (tooltips keep the words)
    const Qt::ToolButtonStyle current = m_toolBar->toolButtonStyle();
    if (current != Qt::ToolButtonTextBesideIcon)
        m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    const bool fits = m_toolBar->sizeHint().width() <= m_window->width();
    const Qt::ToolButtonStyle wanted = fits ? Qt::ToolButtonTextBesideIcon : Qt::ToolButtonIconOnly;
    if (m_toolBar->toolButtonStyle() != wanted)
        m_toolBar->setToolButtonStyle(wanted);
}

void WindowLayout::fitToScreen()
{
    const QScreen* screen = m_window->screen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    const QSize frame = m_window->frameGeometry().size() - m_window->geometry().size(); // title bar and borders
    const QSize most = available.size() - frame;
    if (m_window->width() <= most.width() && m_window->height() <= most.height())
        return;
    m_window->resize(std::min(m_window->width(), most.width()), std::min(m_window->height(), most.height()));
    if (!available.contains(m_window->frameGeometry()))
        m_window->move(available.topLeft());
}

} // namespace rwb
