#pragma once

#include "core/log/logindex.h"
#include "core/log/logreplayer.h"
#include "ui/run/eventbridge.h"
#include "ui/run/jobtracker.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace rwb {

class Clock;

/// Replay controls: play / pause, step, back to start, a seek slider and a speed choice (x1 to x1000)
/// driving a LogReplayer with a QTimer. Replayed events go to the EventBridge set with setBridge(),
/// so charts receive them exactly as they receive a live run's events.
///
/// Seeking: the charts must be rebuilt from the start; the controls reset the bridge and emit
/// rewound() with every event before the new position (one batch: the consumer clears its charts
/// and appends it), then playback continues through the bridge.
///
/// A loaded log is shown whole at once (the overview): the playhead stays at the start and the
/// events reach the charts through overviewEvents() in slices of a few tens of thousands, one per
/// event-loop pass, so a big log never freezes the window. Play, Step or a seek leave the overview
/// (the charts start over from the playhead); End (⏭) jumps to the end with everything drawn. A log
/// of more than overviewLimit() events (default 1,000,000) opens undrawn, at the start, as drawing
/// millions of events into the charts takes Qt seconds of GUI-thread work: ⏭ draws it on request.
///
/// Driver time comes from `driverClock` (SystemClock by default; a VirtualClock in tests, which then
/// call tick()). GUI thread only. Owns its LogReplayer; does not own the bridge.
class ReplayControls final : public QWidget {
    Q_OBJECT
public:
    explicit ReplayControls(QWidget* parent = nullptr, const Clock* driverClock = nullptr);
    ~ReplayControls() override;

    void setBridge(EventBridge* bridge);
    /// Loads the workbench events of a log (paused at the start). Returns the number of events.
    std::size_t loadLog(const LogSnapshot& snapshot, qint64 originUtcMs = -1);
    /// Loads decoded events (sorted by time), e.g. a simulation's.
    std::size_t loadEvents(std::vector<Event> events);
    /// Loads a log decoded on a worker (LogReplayer::decode), origin and skipped lines included.
    std::size_t loadDecoded(LogReplayer::Decoded decoded);

    const LogReplayer& replayer() const noexcept { return m_replayer; }
    TimePoint position() const;
    bool isPlaying() const noexcept { return m_replayer.isPlaying(); }
    /// The whole log is shown while the playhead waits at the start.
    bool isOverview() const noexcept { return m_overview; }
    void setOverviewLimit(std::size_t events) noexcept { m_overviewLimit = events; }
    std::size_t overviewLimit() const noexcept { return m_overviewLimit; }
    /// Every event of the overview has been handed out.
    bool overviewDrawn() const noexcept
    {
        return m_overview && m_replayer.eventCount() > 0 && m_overviewNext >= m_replayer.eventCount();
    }
    double speed() const noexcept { return m_replayer.speed(); }

    static const QList<double>& speeds(); ///< 1, 2, 5, ... 1000

public slots:
    void play();
    void pause();
    void togglePlay();
    /// Emits the next event now and pauses.
    void step();
    void rewind();
    /// Moves to the end with every event drawn.
    void jumpToEnd();
    void seek(rwb::TimePoint logTime);
    void setSpeed(double factor);
    /// Advances the replayer to the driver clock's now (the timer calls it; tests call it directly).
    void tick();

signals:
    /// The replay moved back or jumped: clear the charts, then append `history` (the events before
    /// the new position).
    void rewound(const rwb::EventBatch& history);
    void positionChanged(rwb::TimePoint logTime);
    void playingChanged(bool playing);
    void finished();
    /// A slice of the overview, in order: append it to the charts.
    void overviewEvents(const rwb::EventBatch& events);
    /// The charts hold every event of the log (the overview is drawn, or the end was reached).
    void wholeLogShown();

private:
    /// After any load: resets the bridge, tells the charts to start over, returns the event count.
    std::size_t loaded();
    /// Frees the events of the previous load on a worker thread.
    void releaseInBackground(std::vector<Event> events);
    void updateUi();
    void emitTo(const Event& e);
    void drawOverviewSlice();
    /// Leaves the overview: the charts will show the replay up to the playhead again.
    void endOverview();

    class Forwarder;
    std::unique_ptr<Forwarder> m_forwarder;
    LogReplayer m_replayer;
    std::unique_ptr<Clock> m_ownClock;
    const Clock* m_clock = nullptr;
    QPointer<EventBridge> m_bridge;
    QTimer* m_timer = nullptr;
    QToolButton* m_rewindButton = nullptr;
    QToolButton* m_playButton = nullptr;
    QToolButton* m_stepButton = nullptr;
    QToolButton* m_endButton = nullptr;
    QSlider* m_slider = nullptr;
    QComboBox* m_speedBox = nullptr;
    QLabel* m_positionLabel = nullptr;
    bool m_sliderHeld = false;
    bool m_overview = false;
    std::size_t m_overviewNext = 0;
    std::size_t m_overviewLimit = 1000000;
    JobTracker m_releases { this, JobTracker::Results::Every };
};

} // namespace rwb
