#pragma once

#include "core/events/event.h"
#include "core/policy/circuitbreaker.h"
#include "ui/charts/circuittile.h"
#include "core/common/ringbuffer.h"
#include "core/run/latencyhistogram.h"
#include "ui/run/runscope.h"

#include <QHash>
#include <QScrollArea>

#include <memory>
#include <vector>

class QGridLayout;
class QMenu;
class QTimer;

namespace rwb {

struct Scenario;
struct RunResult;
struct CircuitBreakerStats;

/// The dashboard of circuit tiles: one CircuitTile per circuit breaker, counting the calls of every
/// pipeline it guards (pipelines naming one circuit share its tile), and one per pipeline without a
/// breaker; laid out in as many columns as fit, scrolling vertically.
///
/// Live / replay: appendEvents() keeps a rolling window (default 10 s, like Hystrix) of per-second
/// counts per tile: RequestDone outcomes (success / failure / fallback) and end-to-end latencies,
/// Attempt timeouts, BreakerRejected refusals (short-circuited), and the breaker state from
/// BreakerTransition events; BreakerRejected's delay gives the time until half-open. Which circuit
/// guards a pipeline comes from the scenario, setCircuitForPipeline(), or is learned from a refused
/// request's later RequestDone (a tile the pipeline had until then is folded into its circuit's).
/// Without a scenario (a replayed log) a tile shows a state badge once its circuit was seen.
/// Simulate: setResult() shows whole-run figures per tile, the summaries of its pipelines added up.
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
    /// A breaker's own snapshot (live mode with access to the breaker objects), shown on the tile of
    /// the circuit guarding `pipeline`.
    void applyStats(const QString& pipeline, const CircuitBreakerStats& stats);
    void setCircuitForPipeline(const QString& pipeline, const QString& circuit);
    /// Live mode: the run's clock reached `now`; the rolling windows slide even without events.
    void setNow(TimePoint now);

    /// Shows the tiles of the pipelines in `scope` only.
    void setScope(const RunScope& scope);
    void setWindow(Duration window);
    Duration window() const noexcept { return m_window; }
    void setPresenterMode(bool on);

    /// The tiles' names: circuits, and the pipelines without one.
    QStringList names() const { return m_order; }
    /// The tile named `name`, else the tile of the pipeline named `name`; nullptr when neither exists.
    CircuitTile* tile(const QString& name) const;
    /// The tile showing a pipeline: its circuit's name, or its own name without a breaker.
    QString tileOf(const QString& pipeline) const { return m_tileOfPipeline.value(pipeline, pipeline); }
    /// Recomputes the tiles from the rolling windows now (tests; otherwise a timer does it).
    void refreshNow();

    /// What a breaker tile's context menu does with a manual command: nothing, send it to the running
    /// breaker (Live: breakerActionRequested) or add it to the scenario's schedule (Simulate:
    /// breakerScheduleRequested).
    enum class BreakerMenu { Off, Live, Schedule };
    void setBreakerMenu(BreakerMenu mode) { m_menuMode = mode; }
    BreakerMenu breakerMenuMode() const noexcept { return m_menuMode; }
    /// The context menu of tile `name`: the manual commands for its circuit (Isolate, Open for 30 s,
    /// Half-open, Close, Disable, Metrics only, Release, Reset); nullptr when the tile has no breaker or
    /// the menu is off. The caller owns it.
    QMenu* breakerMenu(const QString& name);

signals:
    void breakerActionRequested(const QString& circuit, const rwb::BreakerAction& action);
    void breakerScheduleRequested(const QString& circuit, const rwb::BreakerAction& action);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Slot {
        std::int64_t second = -1;
        std::uint64_t successes = 0, failures = 0, timeouts = 0, shortCircuited = 0, fallbacks = 0;
        LatencyHistogram latencies; // every finished request, binned as the Summary's percentiles are
    };
    struct Entry {
        CircuitTile* tile = nullptr;
        RingBuffer<Slot> perSecond {60};
        BreakerState state = BreakerState::Closed;
        bool breakerSeen = false; // a transition or refusal of its circuit arrived
        std::optional<TimePoint> openUntil;
        QStringList pipelines;     // the pipelines whose calls it counts
    };
    bool hasBreaker(const QString& tile, const Entry& e) const;
    /// The tile `name`, created on first use; `pipeline` (if any) is recorded as one it counts.
    Entry& entry(const QString& name, const QString& pipeline = {});
    Slot& slot(Entry& e, TimePoint t);
    /// `pipeline` turned out to be guarded by `circuit`: its own tile (if any) is folded into the circuit's.
    void learnCircuit(const QString& pipeline, const QString& circuit);
    void showTile(Entry& e, CircuitTileData d) const;
    void relayout();
    void scheduleRefresh();

    QWidget* m_content = nullptr;
    QGridLayout* m_grid = nullptr;
    QTimer* m_timer = nullptr;
    std::vector<std::unique_ptr<Entry>> m_entries;
    QHash<QString, int> m_index;
    QStringList m_order;
    QHash<QString, QString> m_tileOfPipeline;        // pipeline -> its circuit (set or learned)
    std::optional<QHash<QString, bool>> m_breakers; // tile -> has a breaker (from the scenario)
    RunScope m_scope;
    QHash<std::uint64_t, QString> m_refusedBy; // requestId -> circuit (bounded)
    Duration m_window = std::chrono::seconds(10);
    TimePoint m_now {};
    bool m_presenter = false;
    bool m_simulate = false;
    BreakerMenu m_menuMode = BreakerMenu::Off;
    int m_columns = 0;
};

} // namespace rwb
