#pragma once

#include "core/events/event.h"
#include "ui/circuittile.h"
#include "ui/ringbuffer.h"
#include "ui/runscope.h"

#include <QHash>
#include <QScrollArea>

#include <memory>
#include <vector>

class QGridLayout;
class QTimer;

namespace rwb {

struct Scenario;
struct RunResult;
struct CircuitBreakerStats;

/// The dashboard of circuit tiles: one CircuitTile per pipeline (its circuit breaker), laid out in
/// as many columns as fit, scrolling vertically.
///
/// Live / replay: appendEvents() keeps a rolling window (default 10 s, like Hystrix) of per-second
/// counts per pipeline: RequestDone outcomes (success / failure / fallback) and end-to-end latencies,
/// Attempt timeouts, BreakerRejected refusals (short-circuited), and the breaker state from
/// BreakerTransition events; BreakerRejected's delay gives the time until half-open. A circuit named
/// differently from its pipeline is matched through setCircuitForPipeline() or learned from a refused
/// request's later RequestDone. Without a scenario (a replayed log) a tile shows a state badge once
/// its circuit was seen.
/// Simulate: setResult() shows whole-run figures per pipeline, the same counts from the summary.
/// setScope() shows the tiles of the pipelines *Show* selects.
/// Tiles repaint at most 4 times a second. Memory is bounded (60 s of per-second perSecond per tile).
/// GUI thread only.
class CircuitTileBoard final : public QScrollArea {
    Q_OBJECT
public:
    explicit CircuitTileBoard(QWidget* parent = nullptr);
    ~CircuitTileBoard() override;

    void clear();
    /// Which pipelines have a circuit breaker and which circuit guards each (kept across clear()
    /// until the next call; nullptr: unknown, learned from events).
    void setScenario(const Scenario* scenario);
    void setResult(const RunResult& result, const std::vector<Event>& events = {});
    void appendEvents(const std::vector<Event>& events);
    /// A breaker's own snapshot (live mode with access to the breaker objects).
    void applyStats(const QString& pipeline, const CircuitBreakerStats& stats);
    void setCircuitForPipeline(const QString& pipeline, const QString& circuit);
    /// Live mode: the run's clock reached `now`; the rolling windows slide even without events.
    void setNow(TimePoint now);

    /// Shows the tiles of the pipelines in `scope` only.
    void setScope(const RunScope& scope);
    void setWindow(Duration window);
    Duration window() const noexcept { return m_window; }
    void setPresenterMode(bool on);

    QStringList names() const { return m_order; }
    CircuitTile* tile(const QString& pipeline) const;
    /// Recomputes the tiles from the rolling windows now (tests; otherwise a timer does it).
    void refreshNow();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Slot {
        std::int64_t second = -1;
        std::uint64_t successes = 0, failures = 0, timeouts = 0, shortCircuited = 0, fallbacks = 0;
        std::vector<float> latencies; // capped per second
    };
    struct Entry {
        CircuitTile* tile = nullptr;
        RingBuffer<Slot> perSecond {60};
        BreakerState state = BreakerState::Closed;
        bool breakerSeen = false; // a transition or refusal of its circuit arrived
        std::optional<TimePoint> openUntil;
    };
    bool hasBreaker(const QString& pipeline, const Entry& e) const;
    Entry& entry(const QString& pipeline);
    Slot& slot(Entry& e, TimePoint t);
    QString pipelineOf(const QString& circuit) const;
    void relayout();
    void scheduleRefresh();

    QWidget* m_content = nullptr;
    QGridLayout* m_grid = nullptr;
    QTimer* m_timer = nullptr;
    std::vector<std::unique_ptr<Entry>> m_entries;
    QHash<QString, int> m_index;
    QStringList m_order;
    QHash<QString, QString> m_circuitToPipeline;
    std::optional<QHash<QString, bool>> m_breakers; // pipeline -> has a breaker (from the scenario)
    RunScope m_scope;
    QHash<std::uint64_t, QString> m_refusedBy; // requestId -> circuit (bounded)
    Duration m_window = std::chrono::seconds(10);
    TimePoint m_now {};
    bool m_presenter = false;
    bool m_simulate = false;
    int m_columns = 0;
};

} // namespace rwb
