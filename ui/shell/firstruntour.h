#pragma once

#include <QPointer>
#include <QWidget>

#include <functional>
#include <vector>

class QFrame;
class QLabel;
class QPushButton;

namespace rwb {

/// A short guided tour over a window: a dimmed overlay that leaves one real widget of the window
/// uncovered at a time, and a callout beside it with Back, Next and Skip (Esc skips, Left and Right
/// step). Each step finds its widget through a function when it is shown, so docks that moved,
/// closed or were tabbed away since the tour was made are handled: a step whose widget is not on
/// screen shows its callout centred, without a cut-out.
///
/// The tour is a child of the window it covers and follows its size. It keeps no settings: its
/// owner decides when to start it (again) and whether it counts as seen. GUI thread only.
class FirstRunTour final : public QWidget {
    Q_OBJECT
public:
    struct Step {
        QString title;
        QString text;
        /// The widget to point at: a descendant of the window; null or hidden for none.
        std::function<QWidget*()> target;
    };

    FirstRunTour(std::vector<Step> steps, QWidget* window);

    /// Covers the window and shows the first step.
    void start();
    /// The step shown, or -1 when the tour is not running.
    int currentStep() const noexcept { return m_current; }
    int stepCount() const noexcept { return int(m_steps.size()); }
    const Step& step(int index) const { return m_steps.at(std::size_t(index)); }

    void next(); ///< the next step; after the last one the tour finishes
    void back();
    void skip();

    /// The uncovered area around the current step's widget, in this widget's coordinates; empty
    /// when the step points at nothing visible.
    QRect highlightRect() const noexcept { return m_highlight; }
    QFrame* callout() const noexcept { return m_callout; }

signals:
    void stepChanged(int index);
    /// The tour closed: `skipped` is true when it was left before its last step.
    void finished(bool skipped);

protected:
    void paintEvent(QPaintEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showStep(int index);
    /// Places the cut-out and the callout for the current step (after the window moved its widgets).
    void relayout();
    void placeCallout();
    void finish(bool skipped);

    std::vector<Step> m_steps;
    int m_current = -1;
    QPointer<QWidget> m_target;
    QRect m_highlight;
    QFrame* m_callout;
    QLabel* m_title;
    QLabel* m_text;
    QLabel* m_progress;
    QPushButton* m_back;
    QPushButton* m_next;
    QPushButton* m_skip;
};

} // namespace rwb
