#pragma once

#include "core/common/breakerstate.h"
#include "core/common/time.h"

#include <QList>
#include <QWidget>

#include <optional>

namespace rwb {

struct CircuitBreakerStats;

/// What one circuit tile shows: the requests of one pipeline and what its circuit breaker did. Counts
/// cover `window` (the rolling window in live and replay mode, the whole run in simulate mode).
struct CircuitTileData {
    QString name;
    bool hasBreaker = true;   ///< false: the pipeline has no breaker (no state badge)
    BreakerState state = BreakerState::Closed;
    /// 0..1: share of finished requests the service did not answer (failed, refused, or answered by
    /// the fallback), so a breaker sending calls to the fallback shows the failing service.
    double failureRate = 0.0;
    std::uint64_t successes = 0;      ///< requests the service answered
    std::uint64_t failures = 0;       ///< requests that failed or were refused, without a fallback
    std::uint64_t timeouts = 0;       ///< tries abandoned at their deadline
    std::uint64_t shortCircuited = 0; ///< tries refused by the open breaker (Hystrix's "short-circuited")
    std::uint64_t fallbacks = 0;      ///< requests answered by the fallback
    double requestRate = 0.0; ///< requests per second over the window
    double p50Ms = 0.0;
    double p95Ms = 0.0;
    double p99Ms = 0.0;
    std::optional<Duration> timeUntilHalfOpen; ///< OPEN: time left before probing
    QString windowLabel;       ///< "last 10 s", "whole run"
    QList<double> sparkline;   ///< recent calls per second, oldest first
    QStringList pipelines;     ///< the pipelines whose calls it counts (several share a named circuit)
    friend bool operator==(const CircuitTileData&, const CircuitTileData&) = default;
};

/// A Hystrix-dashboard-like tile for one circuit: the state in its colour (no badge when the pipeline
/// has no breaker), a health circle sized by traffic and coloured by failure rate, the counts
/// (success / failure / timeout / short-circuited / fallback), latency percentiles, time until
/// half-open and a traffic sparkline. Painted by hand (cheap to
/// update many times a second). GUI thread only.
class CircuitTile final : public QWidget {
    Q_OBJECT
public:
    explicit CircuitTile(QWidget* parent = nullptr);

    void setData(const CircuitTileData& data);
    const CircuitTileData& data() const noexcept { return m_data; }
    /// Overrides the state, failure rate and time until half-open with a breaker's own snapshot.
    void applyStats(const CircuitBreakerStats& stats);

    void setPresenterMode(bool on);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    static QColor stateColor(BreakerState state);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void updateToolTip();

    CircuitTileData m_data;
    bool m_presenter = false;
};

} // namespace rwb
