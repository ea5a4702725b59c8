#pragma once

#include <QWidget>

class QLabel;
class QStackedWidget;

namespace rwb {

class LiveControls;
class ReplayControls;
class ResultsView;

/// The centre of the workbench window, top to bottom: the demo's lesson banner, the replay bar
/// (Replay mode), the live bar (Live mode), then the charts, or a placeholder until the first run
/// is drawn. Owns these widgets; GUI thread only.
class CentralArea final : public QWidget {
    Q_OBJECT
public:
    explicit CentralArea(QWidget* parent = nullptr);

    ResultsView* results() const noexcept { return m_results; }
    ReplayControls* replayControls() const noexcept { return m_replay; }
    LiveControls* liveControls() const noexcept { return m_liveControls; }
    /// The charts (or the placeholder), without the bars above them.
    QWidget* chartsArea() const noexcept;

    /// Shows the lesson in the banner; an empty lesson hides it.
    void setLesson(const QString& lesson);
    /// Replaces the placeholder by the charts (once a run is drawn).
    void showResults();

private:
    QWidget* createLessonBanner();
    QWidget* createPlaceholder();

    QWidget* m_lessonBanner = nullptr;
    QLabel* m_lessonText = nullptr;
    ReplayControls* m_replay = nullptr;
    LiveControls* m_liveControls = nullptr;
    QStackedWidget* m_charts = nullptr;
    ResultsView* m_results = nullptr;
};

} // namespace rwb
