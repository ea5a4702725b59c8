#pragma once

#include "core/common/breakerstate.h"
#include "core/events/event.h"
#include "ui/charts/chartview.h"

#include <QHash>
#include <QStringList>

#include <optional>

#include <vector>

class QAreaSeries;
class QCategoryAxis;
class QLineSeries;
class QGraphicsSimpleTextItem;
class QScatterSeries;

namespace rwb {

struct RunResult;

/// One recorded state change of a circuit.
struct BreakerTransitionMark {
    TimePoint time {};
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    QString reason;
    friend bool operator==(const BreakerTransitionMark&, const BreakerTransitionMark&) = default;
};

/// A stretch of time a circuit spent in one state (seconds since the start of the run).
struct BreakerSegment {
    double start = 0;
    double end = 0;
    BreakerState state = BreakerState::Closed;
    friend bool operator==(const BreakerSegment&, const BreakerSegment&) = default;
};

/// Timeline of every circuit's state: one lane per circuit with coloured bands (CLOSED green,
/// HALF_OPEN amber, OPEN red) and a marker on every transition (tooltip: time, from -> to, reason).
///
/// Data comes either from the events of a run (appendEvents: live, replay, or a simulation run with
/// an event sink; exact transitions) or, without events, from the per-bucket breaker state of a
/// RunResult (1 s resolution, one lane per pipeline). The same events always draw the same
/// picture, however they are batched. Lanes appear in the order circuits are first seen.
/// Memory: at most `maxTransitionsPerCircuit` transitions are kept per circuit (oldest dropped).
/// GUI thread only.
class BreakerStateChart final : public ChartView {
    Q_OBJECT
public:
    explicit BreakerStateChart(QWidget* parent = nullptr);
    ~BreakerStateChart() override;

    void clear();
    /// Simulate mode. With `events` (the run's event stream) the transitions are exact; without,
    /// lanes are derived from the result's per-bucket breaker states.
    void setResult(const RunResult& result, const std::vector<Event>& events = {});
    /// Compare A/B: the same, plus variant B's transitions (`variantB`, the B run's events) in a lane
    /// "<circuit> · B" right under each circuit's lane when B has that circuit (`circuitsB`); B's
    /// other circuits get a lane once they transition, as A's do.
    void setResult(const RunResult& result, const std::vector<Event>& events,
        const RunResult& resultB, const QStringList& circuitsB, const std::vector<Event>& variantB);
    /// The lane name variant B's circuit `circuit` is drawn in.
    static QString variantBLane(const QString& circuit);
    /// Live / replay mode: BreakerTransition events add transitions; every event extends the time.
    void appendEvents(const std::vector<Event>& events);

    /// Live mode: the run's clock reached `now` (bands grow to it even when no event arrives).
    void setNow(TimePoint now);

    QStringList circuits() const { return m_order; }
    std::vector<BreakerTransitionMark> transitions(const QString& circuit) const;
    /// The bands of a circuit from time zero to the end of the data.
    std::vector<BreakerSegment> segments(const QString& circuit) const;
    double endTime() const noexcept { return m_end; }
    /// The note shown over an empty plot (empty while circuits are drawn); refreshed with the series.
    QString emptyNote() const;
    /// Draws only the lanes of these circuits (and their "· B" lanes); nullopt draws every lane.
    /// `emptyText` is shown when none of them has a lane ("checkout has no circuit breaker").
    void setCircuitFilter(const std::optional<QStringList>& circuits, const QString& emptyText = {});
    /// The lanes drawn, top to bottom.
    QStringList shownCircuits() const;
    /// The note over an empty plot when no circuit has a lane ("" for the default one).
    void setNoLaneNote(const QString& text);

    void setMaxTransitionsPerCircuit(std::size_t max);

protected:
    void refreshSeries() override;
    QString tooltipFor(QAbstractSeries* series, const QPointF& value) const override;
    void toggleSeries(QAbstractSeries* series) override;
    void applyStyle() override;

private:
    struct Lane;
    Lane& lane(const QString& circuit);
    /// setResult() keeps the lanes (and their chart series) of circuits the new run still has.
    void beginReload();
    void endReload();
    void addTransition(const QString& circuit, const BreakerTransitionMark& mark);
    void rebuildLaneAxis();
    bool isShown(const Lane& lane) const;
    /// Indexes into m_lanes of the lanes drawn, top to bottom.
    std::vector<int> shownLanes() const;
    void updateMinimumHeight();
    int laneIndexAt(double y) const;
    /// Shows "no circuit breaker has changed state" in the middle of an empty plot.
    void placeEmptyNote();

    std::vector<std::unique_ptr<Lane>> m_lanes;
    QHash<QString, int> m_laneIndex;
    QStringList m_order;
    QCategoryAxis* m_laneAxis = nullptr;
    QScatterSeries* m_markers = nullptr;
    QGraphicsSimpleTextItem* m_emptyNote = nullptr; // shown while no circuit has a lane
    bool m_visible[3] = {true, true, true};
    std::optional<QStringList> m_filter;
    QString m_filterEmptyText;
    QString m_noLaneNote;
    double m_end = 0;
    std::size_t m_maxTransitions = 100000;
};

} // namespace rwb
