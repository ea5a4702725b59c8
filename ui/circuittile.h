#pragma once

#include "core/common/breakerstate.h"
#include "core/common/time.h"

#include <QList>
#include <QWidget>

#include <optional>

namespace rwb {

struct CircuitBreakerStats;

/// What one circuit tile shows. Counts cover `window` (the rolling window in live and replay mode,
/// the whole run in simulate mode).
struct CircuitTileData {
    QString name;
    BreakerState state = BreakerState::Closed;
    double failureRate = 0.0; ///< 0..1: (failures + timeouts) / recorded calls in the window
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    std::uint64_t rejected = 0;
    std::uint64_t timeouts = 0;
    double requestRate = 0.0; ///< calls per second over the window
    double p50Ms = 0.0;
    double p95Ms = 0.0;
    double p99Ms = 0.0;
    std::optional<Duration> timeUntilHalfOpen; ///< OPEN: time left before probing
    QString windowLabel;       ///< "last 10 s", "whole run"
    QList<double> sparkline;   ///< recent calls per second, oldest first
    friend bool operator==(const CircuitTileData&, const CircuitTileData&) = default;
};

/// A Hystrix-dashboard-like tile for one circuit: the state in its colour, a health circle sized by
/// traffic and coloured by failure rate, the rolling counts (success / failure / timeout / rejected),
/// latency percentiles, time until half-open and a traffic sparkline. Painted by hand (cheap to
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
