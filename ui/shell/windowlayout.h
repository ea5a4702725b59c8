#pragma once

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QSize>

#include <array>
#include <utility>

class QDockWidget;
class QMainWindow;
class QToolBar;

namespace rwb {

class CompareView;
class Presenter;

/// How the workbench window arranges itself: the first window's size, the layout Reset Layout returns
/// to, the scenario editors put away in Replay mode, presenter mode's wider panels (and the exact
/// layout given back when it ends), and keeping the charts room on a narrow window (side docks
/// narrowed, toolbar icons only). GUI thread only; owned by the window, owns none of its widgets.
class WindowLayout final : public QObject {
    Q_OBJECT
public:
    /// The docks the layout moves: the three scenario editors, the Summary and the Log.
    struct Docks {
        QDockWidget* pipeline = nullptr;
        QDockWidget* services = nullptr;
        QDockWidget* clients = nullptr;
        QDockWidget* summary = nullptr;
        QDockWidget* log = nullptr;
        QDockWidget* checks = nullptr; ///< lint and expectations: about a scenario, so hidden in Replay
    };

    WindowLayout(QMainWindow* window, Presenter* presenter, CompareView* compare, QToolBar* toolBar, Docks docks);

    /// Takes the window's current layout as the default, then restores the last session's geometry
    /// and docks (the first window takes most of the screen).
    void restoreSession();
    /// The layout of a fresh window; `replay` keeps the editors away and the Log shown.
    void reset(bool replay);
    /// Hides the scenario editors and checks in Replay mode (a log has no scenario to edit or check)
    /// and restores them.
    void showEditorDocks(bool show);

    /// Call before presenter mode changes fonts: switching on remembers the layout to give back.
    void presenterSwitching(bool on);
    /// Call after: widens the panels for the bigger fonts (within the screen), or restores the layout.
    void presenterSwitched(bool on);

    /// Icons only on the toolbar when the labels do not fit the window's width.
    void fitToolBar();
    /// Narrows the side docks (to their minimum at most) when the charts get too little width.
    void balanceDocks();

private:
    /// Shrinks the window into the screen's available area (presenter fonts must not push it out).
    void fitToScreen();
    /// Panels measured with the old fonts measure again.
    void refitPanels();

    QMainWindow* m_window;
    Presenter* m_presenter;
    CompareView* m_compare;
    QToolBar* m_toolBar;
    Docks m_docks;
    QByteArray m_defaultState;
    bool m_editorsHidden = false;
    /// The scenario's docks and whether each was visible before Replay hid them.
    std::array<std::pair<QDockWidget*, bool>, 4> m_scenarioDocks;
    std::pair<QByteArray, QByteArray> m_beforePresenter; // geometry and state
    QMap<QDockWidget*, QSize> m_dockSizes; // before presenter mode
};

} // namespace rwb
