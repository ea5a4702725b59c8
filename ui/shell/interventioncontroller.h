#pragma once

#include "core/policy/circuitbreaker.h"

#include <QObject>

#include <optional>

namespace rwb {

class MainWindow;

/// What the user does to the system under test from the circuit tiles and the live bar. In Simulate a
/// breaker command becomes a schedule entry of the scenario (one undo step, at a run time the user
/// picks, the last chart click by default); during a live run it is applied to the run's breaker at
/// once, as is taking a service down or bringing it back, and the scenario is not touched.
///
/// GUI thread only. Owned by the window.
class InterventionController final : public QObject {
    Q_OBJECT
public:
    /// Connects to the window's circuit tiles, charts and live bar.
    explicit InterventionController(MainWindow* window);

    /// Adds a manual breaker command at run time `seconds` to the schedule of `circuit` (in the first
    /// pipeline naming it, which carries a shared circuit's schedule): one undo step. False when no
    /// pipeline has that circuit.
    bool scheduleBreakerAction(const QString& circuit, const BreakerAction& action, double seconds);

private:
    void askScheduleTime(const QString& circuit, const BreakerAction& action);
    void applyLive(const QString& circuit, const BreakerAction& action);
    void setOutage(const QString& service, bool down);

    MainWindow* m_window;
    std::optional<double> m_lastChartTime; // run time of the last click on a chart (seconds)
};

} // namespace rwb
