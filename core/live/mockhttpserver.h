#pragma once

#include "core/clock/clock.h"
#include "core/common/random.h"
#include "core/common/time.h"
#include "core/events/eventsink.h"
#include "core/faults/faultprofile.h"
#include "core/faults/faultschedule.h"
#include "core/faults/servicequeue.h"
#include "core/live/httprequestparser.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

class QTcpServer;

namespace rwb {

class MockConnection;

/// How one mock service listens and protects itself. Defaults suit tests and `rwb serve`.
struct MockServiceOptions {
    QString name = QStringLiteral("service");
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0; ///< 0 picks an ephemeral port
    bool allowNonLoopback = false; ///< listen() refuses a non-loopback address unless set
    int maxConnections = 1024; ///< beyond this a new connection gets 503 and is closed
    Duration idleTimeout = 30s; ///< keep-alive connection with nothing to do
    Duration requestTimeout = 10s; ///< a request must arrive completely within this (slow clients get 408)
    Duration hangLimit = 300s; ///< a hung request is dropped after this, so resources stay bounded
    HttpRequestParser::Limits limits;
    qsizetype bodyBytes = 64; ///< approximate size of a successful response body
    /// Slow body: successful bodies are written `slowBodyChunk` bytes every `slowBodyInterval`
    /// (disabled when the interval is zero).
    Duration slowBodyInterval {};
    qsizetype slowBodyChunk = 8;
    std::uint64_t seed = 1;
};

/// Counters of one mock service. Requests to /_control/ and /metrics are not counted in `requests`.
struct MockServiceStats {
    quint64 requests = 0; ///< service requests that were planned (answered, reset or hung)
    /// HTTP status sent -> count: responses to service requests, parse errors, timeouts and refused
    /// connections; not control calls (those are in controlByStatus).
    std::map<int, quint64> byStatus;
    std::map<int, quint64> controlByStatus; ///< responses to /_control/* and /metrics
    quint64 acceptPauses = 0; ///< times accepting paused because the process ran out of descriptors
    quint64 writeStalls = 0; ///< times a connection stopped taking requests: its client was not reading
    quint64 resets = 0;
    quint64 hangs = 0;
    quint64 malformed = 0;
    quint64 badRequests = 0; ///< requests refused by the parser (4xx/5xx, connection closed)
    quint64 timedOutConnections = 0; ///< idle or slow clients closed by the server
    quint64 clientAborts = 0; ///< client went away before its response was complete
    quint64 connectionsAccepted = 0;
    quint64 connectionsRejected = 0; ///< over maxConnections
    int connectionsOpen = 0;
    int concurrent = 0; ///< service requests in progress now (travelling, queued, served or being answered)
    int maxConcurrent = 0;
    int queued = 0;     ///< requests waiting for a worker now
    int maxQueued = 0;
    quint64 overloaded = 0; ///< refused for lack of room, or dropped after waiting too long
};

/// A real HTTP/1.1 server on loopback that plays one scenario service: each request is planned by the
/// service's FaultSchedule (FaultProfile::decide) and carried out for real — latency with a timer,
/// 500/503/429 with Retry-After (seconds or HTTP-date), connection reset (abort), hang (never
/// answer), malformed body, slow body. Outage windows and schedule changes follow real time counted
/// from start() (or listen()). Faults can be changed at runtime with setFaultOverride() or
/// `POST /_control/fault`; counters are at `GET /_control/stats` (JSON) and `GET /metrics`
/// (Prometheus text format).
///
/// Requests go through the service's queue exactly as in the simulator (core/faults/servicequeue.h):
/// with a capacity, at most `max_concurrent` requests are served at once and the others really wait,
/// in the queue's order, until a worker is free; the service time is drawn when a worker takes a
/// request; a full queue refuses. A client that hangs up leaves its request to be worked on in vain
/// unless `drop_abandoned` is set; a hung request frees its worker when its client goes away.
/// `network_delay` delays each request before it reaches the queue and each response after it.
/// A request counts in `concurrent` until it is answered, reset, or its client goes away. Malformed requests get 400/413/414/431/501/505 and the
/// connection is closed; nothing a client sends can crash it or grow its memory without bound: a
/// connection takes no further request while more than 64 KiB of its responses are unsent, and reads
/// ahead at most 64 KiB of pipelined input, so a client that never reads meets TCP flow control (and
/// is closed after `idleTimeout` without progress). When the process runs out of file descriptors,
/// accepting pauses and resumes once one is free, instead of failing in a loop.
///
/// The control endpoints answer only loopback callers that are not a web page: a request whose `Host`
/// is not a loopback name or address (DNS rebinding) or whose `Origin` is not a loopback origin
/// (cross-site request from a browser) gets 403, a POST that is not `application/json` gets 415.
///
/// Lives on one thread (the one running its event loop); not thread-safe. The clock and event sink,
/// when given, are not owned and must outlive the server.
class MockHttpServer final : public QObject {
    Q_OBJECT
public:
    explicit MockHttpServer(FaultSchedule schedule, MockServiceOptions options = {}, const Clock* clock = nullptr,
        QObject* parent = nullptr);
    ~MockHttpServer() override;

    /// Binds and starts accepting. False with a message on failure (port in use, non-loopback address).
    /// Starts the fault schedule at the current time unless start() was called before.
    bool listen(QString* error = nullptr);
    /// Stops accepting and closes every connection.
    void close();
    bool isListening() const;
    quint16 port() const;
    QUrl url() const; ///< http://127.0.0.1:<port>/
    const QString& name() const noexcept { return m_options.name; }
    const MockServiceOptions& options() const noexcept { return m_options; }

    /// Sets the instant on the clock that counts as time zero of the fault schedule (shared with a
    /// LiveRunner so that outage windows line up).
    void start(TimePoint origin);
    TimePoint origin() const noexcept { return m_origin; }

    void setSchedule(FaultSchedule schedule);
    const FaultSchedule& schedule() const noexcept { return m_schedule; }
    /// Replaces the schedule's profile until clearFaultOverride(); emits a FaultChanged event.
    void setFaultOverride(FaultProfile profile, const QString& label = {});
    void clearFaultOverride();
    /// The profile in force now.
    const FaultProfile& currentProfile() const;

    void setSlowBody(Duration interval, qsizetype chunk);
    /// Receives FaultChanged events (source = service name). Not owned; may be null.
    void setEventSink(EventSink* sink) { m_sink = sink; }
    /// Extra Prometheus text appended to GET /metrics (for client-side metrics of a live run).
    void setMetricsProvider(std::function<QByteArray()> provider) { m_metricsProvider = std::move(provider); }
    /// Answers /_control/breaker (method, body -> HTTP status and JSON) during a live run; unset: 404.
    using BreakerControl = std::function<std::pair<int, QJsonObject>(const QByteArray& method, const QByteArray& body)>;
    void setBreakerControl(BreakerControl control) { m_breakerControl = std::move(control); }

    const MockServiceStats& stats() const noexcept { return m_stats; }
    QByteArray statsJson() const;
    /// The counters served at GET /metrics in Prometheus text exposition format: this service's, or
    /// those of its metrics group.
    QByteArray prometheusText() const;
    /// Several services' counters, each metric family once.
    static QByteArray prometheusText(const std::vector<const MockHttpServer*>& servers);
    /// Makes GET /metrics of this server report every server in `group` (e.g. all services of
    /// `rwb serve`). The servers must outlive this one or be removed from the group first.
    void setMetricsGroup(std::vector<const MockHttpServer*> group) { m_metricsGroup = std::move(group); }

signals:
    void requestPlanned(const rwb::PlannedResponse& plan);
    void faultChanged(const QString& description);

private:
    friend class MockConnection;
    class Listener;

    void onNewConnection(qintptr descriptor);
    void connectionClosed(MockConnection* connection);
    void rejectedClosed();
    void countControlStatus(int status) { ++m_stats.controlByStatus[status]; }
    TimePoint scheduleTime() const;
    const FaultProfile& profileNow(TimePoint now) const;
    Duration networkHop();
    PlannedResponse planned(PlannedResponse p); ///< counts and announces a plan
    // The service's queue (the same ServiceQueue the simulator drives): a request arrives, a worker is
    // free again, a client left (its connection closed). A worker's time runs on its own timeline
    // (`freedAt`, clock time, when its last job's service time ended), not on when our timer noticed:
    // timer rounding and event-loop lateness would otherwise cost the service capacity, which at high
    // utilisation stretches queueing delays far beyond the model's (the simulator has no such loss).
    void admit(MockConnection* connection);
    void workerFree(TimePoint freedAt);
    void clientLeft(MockConnection* connection, bool waiting, bool serving, bool hanging, TimePoint serviceEnd);
    void countStatus(int status) { ++m_stats.byStatus[status]; }
    void requestStarted();
    void requestFinished();
    void scheduleNextTransition();
    void emitFaultChanged(const QString& description);
    static bool isControlPath(const QByteArray& path); ///< /_control/* and /metrics
    void handleControl(MockConnection* connection, const HttpRequest& request);

    FaultSchedule m_schedule;
    std::optional<FaultProfile> m_override;
    MockServiceOptions m_options;
    const Clock* m_clock;
    std::unique_ptr<Clock> m_ownClock;
    TimePoint m_origin {};
    bool m_started = false;
    Random m_rng;
    ServiceQueue m_queue;
    TimePoint m_queueClock {}; ///< the latest clock time the queue has seen: its time never runs back
    QHash<quint32, MockConnection*> m_waiting; ///< queued requests by job id; null once their client left
    quint32 m_nextJob = 1;
    Listener* m_listener = nullptr;
    std::unordered_set<MockConnection*> m_connections;
    int m_rejecting = 0; ///< refused connections still sending their 503
    MockServiceStats m_stats;
    EventSink* m_sink = nullptr;
    std::function<QByteArray()> m_metricsProvider;
    BreakerControl m_breakerControl;
    std::vector<const MockHttpServer*> m_metricsGroup;
    QTimer m_transitionTimer;
    std::vector<FaultSchedule::Transition> m_transitions;
    std::size_t m_nextTransition = 0;
};

/// Parses the JSON body of `POST /_control/fault`: keys of a scenario file's fault profile
/// (docs/scenario-format.md: error_rate, error_mix, latency, retry_after, retry_after_format,
/// retry_after_on_503, outages, flapping, ramp, capacity) laid over `base`, plus "down": true or a
/// fault kind ("http_503", "hang", ...) to fail every request from now on. Errors carry JSON pointers.
std::optional<FaultProfile> faultProfileFromControlJson(
    const QByteArray& json, const FaultProfile& base, QString* error);

} // namespace rwb
