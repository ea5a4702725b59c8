#include "ui/shell/replaycontrols.h"

#include "core/clock/systemclock.h"
#include "ui/common/timeaxis.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {
constexpr int kSliderSteps = 10000;
constexpr std::size_t kOverviewSlice = 10000; // events per event-loop pass: a few ms of chart work
}

/// Forwards replayed events to the bridge (or drops them when there is none).
class ReplayControls::Forwarder final : public EventSink {
public:
    explicit Forwarder(ReplayControls* owner)
        : m_owner(owner)
    {
    }
    void onEvent(const Event& event) override { m_owner->emitTo(event); }

private:
    ReplayControls* m_owner;
};

const QList<double>& ReplayControls::speeds()
{
    static const QList<double> list {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    return list;
}

ReplayControls::ReplayControls(QWidget* parent, const Clock* driverClock)
    : QWidget(parent)
    , m_forwarder(std::make_unique<Forwarder>(this))
    , m_replayer(nullptr)
{
    if (!driverClock) {
        m_ownClock = std::make_unique<SystemClock>();
        driverClock = m_ownClock.get();
    }
    m_clock = driverClock;
    m_replayer.setSink(m_forwarder.get());

    const auto makeButton = [this](QStyle::StandardPixmap icon, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setIcon(style()->standardIcon(icon));
        b->setToolTip(tip);
        b->setAutoRaise(true);
        return b;
    };
    m_rewindButton = makeButton(QStyle::SP_MediaSkipBackward, tr("Back to the start"));
    m_playButton = makeButton(QStyle::SP_MediaPlay, tr("Play / pause (Space)"));
    m_playButton->setShortcut(QKeySequence(Qt::Key_Space));
    m_stepButton = makeButton(QStyle::SP_ArrowRight, tr("Step: play the next event only"));
    m_stepButton->setText(tr("Step"));
    m_stepButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_endButton = makeButton(QStyle::SP_MediaSkipForward, tr("Jump to the end: every event drawn"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, kSliderSteps);
    m_slider->setToolTip(tr("Seek in the recorded run"));
    m_speedBox = new QComboBox(this);
    for (double s : speeds())
        m_speedBox->addItem(QStringLiteral("×%1").arg(s), s);
    m_speedBox->setToolTip(tr("Replay speed"));
    m_positionLabel = new QLabel(this);
    m_positionLabel->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0:00:00.000 / 0:00:00.000")) + 8);
    m_positionLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    QFont mono = m_positionLabel->font();
    mono.setStyleHint(QFont::TypeWriter);
    mono.setFamily(QStringLiteral("monospace"));
    m_positionLabel->setFont(mono);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(m_rewindButton);
    layout->addWidget(m_playButton);
    layout->addWidget(m_endButton);
    layout->addWidget(m_stepButton);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_positionLabel);
    layout->addWidget(m_speedBox);

    m_timer = new QTimer(this);
    m_timer->setInterval(16);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &ReplayControls::tick);
    connect(m_playButton, &QToolButton::clicked, this, &ReplayControls::togglePlay);
    connect(m_stepButton, &QToolButton::clicked, this, &ReplayControls::step);
    connect(m_rewindButton, &QToolButton::clicked, this, &ReplayControls::rewind);
    connect(m_endButton, &QToolButton::clicked, this, &ReplayControls::jumpToEnd);
    connect(m_speedBox, &QComboBox::activated, this, [this](int i) { setSpeed(m_speedBox->itemData(i).toDouble()); });
    connect(m_slider, &QSlider::sliderPressed, this, [this] { m_sliderHeld = true; });
    connect(m_slider, &QSlider::sliderReleased, this, [this] {
        m_sliderHeld = false;
        const Duration span = m_replayer.endTime() - m_replayer.startTime();
        seek(m_replayer.startTime() + std::chrono::duration_cast<Duration>(span * (double(m_slider->value()) / kSliderSteps)));
    });
    connect(m_slider, &QSlider::actionTriggered, this, [this](int action) {
        // page/step clicks on the groove seek at once; drags seek on release
        if (action != QAbstractSlider::SliderMove && !m_sliderHeld)
            QTimer::singleShot(0, this, [this] {
                const Duration span = m_replayer.endTime() - m_replayer.startTime();
                seek(m_replayer.startTime() + std::chrono::duration_cast<Duration>(span * (double(m_slider->value()) / kSliderSteps)));
            });
    });
    updateUi();
}

ReplayControls::~ReplayControls() = default;

void ReplayControls::setBridge(EventBridge* bridge) { m_bridge = bridge; }

void ReplayControls::emitTo(const Event& e)
{
    if (m_bridge)
        m_bridge->onEvent(e);
}

std::size_t ReplayControls::loadLog(const LogSnapshot& snapshot, qint64 originUtcMs)
{
    pause();
    releaseInBackground(m_replayer.takeEvents());
    m_replayer.load(snapshot, originUtcMs);
    return loaded();
}

std::size_t ReplayControls::loadEvents(std::vector<Event> events)
{
    pause();
    releaseInBackground(m_replayer.takeEvents());
    m_replayer.load(std::move(events));
    return loaded();
}

std::size_t ReplayControls::loadDecoded(LogReplayer::Decoded decoded)
{
    pause();
    releaseInBackground(m_replayer.takeEvents());
    m_replayer.load(std::move(decoded));
    return loaded();
}

void ReplayControls::releaseInBackground(std::vector<Event> events)
{
    if (events.size() < 100000) // freeing fewer costs less than a thread hop
        return;
    // Millions of events (each with shared strings) take ~45 ms to free: not on the GUI thread.
    m_releases.start([events = std::move(events)]() mutable { std::vector<Event>().swap(events); });
}

std::size_t ReplayControls::loaded()
{
    if (m_bridge)
        m_bridge->reset();
    emit rewound({});
    // the whole log at once, the playhead at the start: Play is an option, not a wait
    m_overview = m_replayer.eventCount() <= m_overviewLimit;
    m_overviewNext = 0;
    if (m_overview)
        QTimer::singleShot(0, this, &ReplayControls::drawOverviewSlice);
    updateUi();
    return m_replayer.eventCount();
}

void ReplayControls::drawOverviewSlice()
{
    if (!m_overview || m_overviewNext >= m_replayer.eventCount())
        return;
    const auto& all = m_replayer.events();
    const std::size_t end = std::min(all.size(), m_overviewNext + kOverviewSlice);
    const EventBatch slice(all.begin() + qsizetype(m_overviewNext), all.begin() + qsizetype(end));
    m_overviewNext = end;
    emit overviewEvents(slice);
    if (m_overviewNext < all.size())
        QTimer::singleShot(0, this, &ReplayControls::drawOverviewSlice);
    else
        emit wholeLogShown();
    updateUi();
}

void ReplayControls::endOverview()
{
    if (!m_overview)
        return;
    m_overview = false;
    // the charts hold (part of) the whole log: start them over from the playhead
    seek(m_replayer.position(m_clock->now()));
}

void ReplayControls::jumpToEnd()
{
    if (m_replayer.eventCount() == 0)
        return;
    pause();
    m_overview = false;
    seek(m_replayer.endTime());
    // the events at the very end are due only now: hand them out too
    while (!m_replayer.atEnd())
        m_replayer.step(m_clock->now());
    if (m_bridge)
        m_bridge->flush();
    emit wholeLogShown();
    updateUi();
}

TimePoint ReplayControls::position() const { return m_replayer.position(m_clock->now()); }

void ReplayControls::play()
{
    if (m_replayer.eventCount() == 0 || m_replayer.isPlaying())
        return;
    endOverview();
    if (m_replayer.atEnd())
        rewind();
    m_replayer.play(m_clock->now());
    m_timer->start();
    emit playingChanged(true);
    updateUi();
}

void ReplayControls::pause()
{
    if (!m_replayer.isPlaying())
        return;
    m_replayer.pause(m_clock->now());
    m_timer->stop();
    if (m_bridge)
        m_bridge->flush();
    emit playingChanged(false);
    updateUi();
}

void ReplayControls::togglePlay()
{
    if (m_replayer.isPlaying())
        pause();
    else
        play();
}

void ReplayControls::step()
{
    endOverview();
    const bool wasPlaying = m_replayer.isPlaying();
    m_timer->stop();
    m_replayer.step(m_clock->now());
    if (m_bridge)
        m_bridge->flush();
    if (wasPlaying)
        emit playingChanged(false);
    updateUi();
}

void ReplayControls::rewind() { seek(m_replayer.startTime()); }

void ReplayControls::seek(TimePoint logTime)
{
    m_overview = false;
    const TimePoint now = m_clock->now();
    logTime = std::clamp(logTime, m_replayer.startTime(), m_replayer.endTime());
    m_replayer.seek(logTime, now);
    if (m_bridge)
        m_bridge->reset();
    // rebuild: collect what lies before the new position and hand it over in one batch
    EventBatch history;
    history.reserve(m_replayer.nextIndex());
    CallbackSink collect([&history](const Event& e) { history.push_back(e); });
    m_replayer.setSink(&collect);
    m_replayer.emitHistory();
    m_replayer.setSink(m_forwarder.get());
    emit rewound(history);
    updateUi();
}

void ReplayControls::setSpeed(double factor)
{
    m_replayer.setSpeed(factor, m_clock->now());
    updateUi();
}

void ReplayControls::tick()
{
    if (!m_replayer.isPlaying())
        return;
    const TimePoint now = m_clock->now();
    m_replayer.advanceTo(now);
    if (m_replayer.atEnd()) {
        m_replayer.pause(now);
        m_timer->stop();
        if (m_bridge)
            m_bridge->flush();
        emit playingChanged(false);
        emit finished();
        emit wholeLogShown();
    }
    updateUi();
}

void ReplayControls::updateUi()
{
    const bool playing = m_replayer.isPlaying();
    const bool loaded = m_replayer.eventCount() > 0;
    m_playButton->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_playButton->setEnabled(loaded);
    m_stepButton->setEnabled(loaded && !m_replayer.atEnd());
    m_endButton->setEnabled(loaded && (!m_replayer.atEnd() || m_overview));
    m_rewindButton->setEnabled(loaded);
    m_slider->setEnabled(loaded);
    const int speedIndex = m_speedBox->findData(m_replayer.speed());
    if (speedIndex >= 0)
        m_speedBox->setCurrentIndex(speedIndex);
    const TimePoint start = m_replayer.startTime();
    const TimePoint end = m_replayer.endTime();
    const TimePoint pos = std::clamp(position(), start, std::max(start, end));
    if (!m_sliderHeld) {
        const double span = toSeconds(end - start);
        const int value = span > 0 ? static_cast<int>(std::lround(toSeconds(pos - start) / span * kSliderSteps)) : 0;
        const QSignalBlocker block(m_slider);
        m_slider->setValue(value);
    }
    m_positionLabel->setText(QStringLiteral("%1 / %2").arg(formatRunTime(pos), formatRunTime(end)));
    m_positionLabel->setToolTip(m_overview ? tr("The whole log is drawn; Play replays it from the playhead")
                                           : tr("Playhead / end of the log"));
    emit positionChanged(pos);
}

} // namespace rwb
