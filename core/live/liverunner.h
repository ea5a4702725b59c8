#pragma once

#include "core/clock/clock.h"
#include "core/run/scenario.h"
#include "core/run/runresult.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace rwb {

class EventSink;

/// Knobs of a live run that are not part of the scenario.
struct LiveRunOptions {
    /// Where each scenario service is called: service name -> URL (a mock server's url(), or the user's
    /// own service). Only loopback hosts are accepted (127.0.0.0/8, ::1, localhost).
    std::map<QString, QUrl> serviceUrls;
    std::optional<Duration> duration; ///< overrides Scenario::duration
    std::optional<Duration> drainLimit; ///< overrides Scenario::drainLimit (in-flight calls after `duration`)
    std::optional<std::uint64_t> seed; ///< overrides Scenario::seed (jitter and Poisson arrivals)
    EventSink* sink = nullptr; ///< every event (pipelines and breakers); not owned
    Duration bucketWidth = std::chrono::seconds(1);
    /// Time source shared with the mock servers; nullptr: the runner's own SystemClock. The run's time
    /// zero (what policies and events see as 0) is clock->now() when start() is called.
    const Clock* clock = nullptr;
    /// Upper bound of QNetworkAccessManager instances. Each sends at most 6 requests at once to one
    /// host:port (a fixed limit of Qt's HTTP/1.1 client), so the runner spreads attempts over a pool
    /// to keep that client-side queue from distorting latencies and deadlines.
    int maxManagers = 64;
};

/// Drives a Scenario's clients in real time: arrivals on QTimers, each request through its pipeline's
/// PipelineCall state machine (the same one the simulator drives), each attempt as a real HTTP GET with
/// QNetworkAccessManager. The attempt deadline aborts the reply; Retry-After is read from the real
/// response; breakers, bulkheads and rate limiters act on the real outcomes. A 2xx JSON response whose
/// body does not parse counts as `malformed_response`.
///
/// The result has the same shape as the simulator's (RunResult), so the same summary code
/// prints both. Service series are seen from the client: `arrivals` are attempts sent, `ok`/`errors`
/// the outcomes observed (timeouts count as errors), `overloaded` stays 0.
///
/// Lives on the thread that runs its event loop; not thread-safe. The scenario is copied.
class LiveRunner final : public QObject {
    Q_OBJECT
public:
    /// Throws InvalidConfig when the scenario does not validate or a service has no usable URL.
    LiveRunner(Scenario scenario, LiveRunOptions options, QObject* parent = nullptr);
    ~LiveRunner() override;

    /// Starts the run; finished() is emitted once every request ended or the drain limit passed.
    void start();
    /// Ends the run now: stops arrivals, aborts in-flight attempts (counted as unfinished) and emits
    /// finished(). The result is marked `cancelled` and its `duration` is the traffic time that really
    /// passed. Safe to call at any time, also from a signal handler's queued slot.
    void stop();
    bool isRunning() const noexcept { return m_running; }
    /// Valid after finished().
    const RunResult& result() const noexcept { return m_result; }
    /// Requests started and not yet done.
    std::uint64_t inFlight() const noexcept;
    /// Client-side counters of the run so far in Prometheus text format (for GET /metrics).
    QByteArray prometheusText() const;

    /// The run's circuits (shared ones once) and their state now.
    std::vector<std::pair<QString, BreakerState>> circuits() const;
    /// Carries out a manual breaker command now, as a scheduled one would (the live control API, the
    /// GUI's tile menu). An "open ... until" time counts from the start of the run. Returns false with
    /// a message when no circuit has that name or the action does not validate.
    bool applyBreakerAction(const QString& circuit, const BreakerAction& action, QString* error = nullptr);
    /// GET and POST /_control/breaker, served by the mock servers during a live run: the HTTP status
    /// and the JSON answer (docs/live-mode.md).
    std::pair<int, QJsonObject> breakerControl(const QByteArray& method, const QByteArray& body);

    /// Checks that `url` is http(s) on a loopback host; the message says why not.
    static bool isLoopbackUrl(const QUrl& url, QString* why = nullptr);

signals:
    void finished();

private:
    struct State;
    std::unique_ptr<State> d;
    RunResult m_result;
    bool m_running = false;
};

} // namespace rwb
