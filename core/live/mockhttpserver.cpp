#include "core/live/mockhttpserver.h"

#include "core/live/prometheustext.h"

#include "core/clock/systemclock.h"
#include "core/config/jsonreader.h"
#include "core/config/scenariojson.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <chrono>

namespace rwb {

namespace {

int toTimerMs(Duration d)
{
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    return static_cast<int>(std::clamp<qint64>(ms, 0, std::numeric_limits<int>::max()));
}

QByteArray jsonBody(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

// Per-connection buffering. A client that pipelines requests without reading the responses must meet
// TCP flow control instead of growing the server's buffers: a connection takes no new request while
// more than kMaxUnsentBytes of its output wait to be sent, and reads ahead of the request it is
// answering only while it holds less than kReadAheadBytes of input.
constexpr qint64 kMaxUnsentBytes = 64 * 1024;
constexpr qsizetype kReadAheadBytes = 64 * 1024;
// Refused connections (over maxConnections) each hold a descriptor until their 503 is out; beyond
// this many at once the server stops accepting until one has closed.
constexpr int kMaxRejecting = 16;
// Retry interval of accept() after the process ran out of descriptors.
constexpr auto kAcceptRetry = 200ms;

} // namespace

// --- One client connection ----------------------------------------------------------------------------------------

/// Reads requests from one socket and answers them one at a time (pipelined requests wait their
/// turn, as HTTP/1.1 requires responses in order).
class MockConnection final : public QObject {
public:
    MockConnection(MockHttpServer* server, QTcpSocket* socket)
        : QObject(server)
        , m_server(server)
        , m_socket(socket)
        , m_parser(server->m_options.limits)
    {
        m_socket->setParent(this);
        m_socket->setReadBufferSize(kReadAheadBytes);
        m_actionTimer.setSingleShot(true);
        m_actionTimer.setTimerType(Qt::PreciseTimer);
        m_guardTimer.setSingleShot(true);
        connect(m_socket, &QTcpSocket::readyRead, this, &MockConnection::onReadyRead);
        connect(m_socket, &QTcpSocket::disconnected, this, &MockConnection::onDisconnected);
        connect(m_socket, &QTcpSocket::bytesWritten, this, &MockConnection::onBytesWritten);
        connect(&m_actionTimer, &QTimer::timeout, this, &MockConnection::onAction);
        connect(&m_guardTimer, &QTimer::timeout, this, &MockConnection::onGuard);
        updateGuard();
    }

    void shutdown()
    {
        if (m_closed)
            return;
        m_socket->abort();
        onDisconnected();
    }

    /// Writes a complete response. `close` ends the connection once it has been sent.
    void sendResponse(int status, const QByteArray& body, const QByteArray& contentType, bool close,
        const QByteArray& extraHeaders = {})
    {
        if (m_controlRequest)
            m_server->countControlStatus(status);
        else
            m_server->countStatus(status);
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status) + "\r\n";
        head += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        head += extraHeaders;
        if (close || m_closeAfter)
            head += "Connection: close\r\n";
        head += "\r\n";
        m_socket->write(m_headOnly ? head : head + body);
        finishResponse(close);
    }

private:
    // Reading -> [Travelling] -> [Queued] -> Waiting (in service) or Hanging -> [Returning] -> response
    enum class Phase { Reading, Travelling, Queued, Waiting, Returning, Dribbling, Hanging, Done };

    void onReadyRead()
    {
        if (m_closed)
            return;
        readInput();
        processNext();
    }

    /// Moves input from the socket into the parser: all of an incomplete request, but pipelined
    /// requests beyond the one being answered only up to kReadAheadBytes. What is not read stays in
    /// the socket (its buffer is capped too), so a client that floods us is slowed by TCP itself.
    void readInput()
    {
        while (m_socket->bytesAvailable() > 0 && !m_parser.failed()) {
            if (m_parser.bufferedBytes() >= kReadAheadBytes && m_parser.state() != HttpRequestParser::State::NeedMore)
                break;
            char buffer[16384];
            const qint64 n = m_socket->read(buffer, sizeof buffer);
            if (n <= 0)
                break;
            m_parser.feed(QByteArrayView(buffer, static_cast<qsizetype>(n)));
        }
    }

    void processNext()
    {
        if (m_closed || m_phase != Phase::Reading || m_closeAfter)
            return;
        if (m_socket->bytesToWrite() > kMaxUnsentBytes) {
            // The client is not reading its responses: take no request until it does (onBytesWritten),
            // and give up on it after idleTimeout without progress.
            if (m_guardMode != GuardMode::Write) {
                ++m_server->m_stats.writeStalls;
                m_guardMode = GuardMode::Write;
            }
            m_guardTimer.start(toTimerMs(m_server->m_options.idleTimeout));
            return;
        }
        if (m_guardMode == GuardMode::Write) {
            m_guardMode = GuardMode::Idle;
            m_guardTimer.stop();
        }
        readInput();
        switch (m_parser.state()) {
        case HttpRequestParser::State::NeedMore:
            updateGuard();
            return;
        case HttpRequestParser::State::Failed:
            ++m_server->m_stats.badRequests;
            m_headOnly = false;
            m_controlRequest = false;
            sendResponse(m_parser.error().status, jsonBody({ { QStringLiteral("error"), m_parser.error().message } }),
                "application/json", true);
            return;
        case HttpRequestParser::State::Ready:
            break;
        }
        m_guardTimer.stop();
        HttpRequest request = m_parser.takeRequest();
        m_closeAfter = !request.keepAlive;
        m_headOnly = request.method == "HEAD";
        m_controlRequest = MockHttpServer::isControlPath(request.path);
        if (m_controlRequest) {
            m_server->handleControl(this, request);
            return;
        }
        m_active = true;
        m_server->requestStarted();
        m_returnHop = m_server->networkHop();
        const Duration hop = m_server->networkHop();
        if (hop > Duration::zero()) { // the request's own network hop before it reaches the service
            m_phase = Phase::Travelling;
            m_actionTimer.start(toTimerMs(hop));
            return;
        }
        m_server->admit(this);
    }

public:
    /// The service's queue took this connection's request: a worker serves it with `plan` from
    /// `startedAt` (clock time, never after now; `holdsWorker`), or it is refused with `plan` without one.
    void begin(const PlannedResponse& plan, bool holdsWorker, TimePoint startedAt)
    {
        m_plan = plan;
        m_holdsWorker = holdsWorker;
        m_phase = m_plan.hang() ? Phase::Hanging : Phase::Waiting;
        m_serviceEnd = startedAt + m_plan.latency;
        m_actionTimer.start(m_plan.hang() ? toTimerMs(m_server->m_options.hangLimit)
                                          : toTimerMs(m_serviceEnd - m_server->m_clock->now()));
    }
    /// The request waits for a worker; `ticket` names it in the service's queue.
    void wait(ServiceQueue::Ticket ticket)
    {
        m_phase = Phase::Queued;
        m_ticket = ticket;
    }
    quint32 jobId() const noexcept { return m_jobId; }
    ServiceQueue::Ticket ticket() const noexcept { return m_ticket; }
    void setJobId(quint32 id) noexcept { m_jobId = id; }

private:
    /// The service is done with the request: its worker takes the next one.
    void leaveService()
    {
        if (m_holdsWorker) {
            m_holdsWorker = false;
            m_server->workerFree(std::min(m_serviceEnd, m_server->m_clock->now()));
        }
    }

    void onBytesWritten()
    {
        if (!m_closed && m_guardMode == GuardMode::Write)
            processNext();
    }

    void onAction()
    {
        if (m_closed)
            return;
        switch (m_phase) {
        case Phase::Travelling:
            m_server->admit(this);
            break;
        case Phase::Waiting:
            leaveService();
            if (m_returnHop > Duration::zero()) { // the response's network hop back to the client
                m_phase = Phase::Returning;
                m_actionTimer.start(toTimerMs(m_returnHop));
                break;
            }
            carryOut();
            break;
        case Phase::Returning:
            carryOut();
            break;
        case Phase::Dribbling:
            dribble();
            break;
        case Phase::Hanging:
            // The hang outlived its limit: drop the connection without a response.
            shutdown();
            break;
        case Phase::Reading:
        case Phase::Queued:
        case Phase::Done:
            break;
        }
    }

    void carryOut()
    {
        auto& stats = m_server->m_stats;
        const qint64 sentUtcMs = m_server->m_clock->toUtcMs(m_server->m_clock->now());
        switch (m_plan.kind) {
        case FaultKind::ConnectionReset:
        case FaultKind::ConnectionRefused: {
            ++stats.resets;
            // Cut the connection in the middle of a response. Dropping it before the first byte would
            // make HTTP clients such as QNetworkAccessManager silently resend the request (they take
            // that for a stale keep-alive connection), hiding the fault from the resilience policies.
            const QByteArray body(64, 'x');
            m_socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body.left(body.size() / 2));
            m_socket->flush();
            shutdown();
            return;
        }
        case FaultKind::Hang:
            return;
        case FaultKind::Malformed: {
            ++stats.malformed;
            // A 200 whose body is cut-off JSON: the status line is fine, the payload is not.
            sendResponse(200, "{\"service\": \"" + m_server->name().toUtf8() + "\", \"result\": [1, 2,",
                "application/json", false);
            return;
        }
        case FaultKind::Ok: {
            QJsonObject body { { QStringLiteral("service"), m_server->name() },
                { QStringLiteral("status"), QStringLiteral("ok") },
                { QStringLiteral("latency_ms"), toMs(m_plan.latency) } };
            QByteArray bytes = jsonBody(body);
            if (bytes.size() < m_server->m_options.bodyBytes) {
                body.insert(
                    QStringLiteral("padding"), QString(m_server->m_options.bodyBytes - bytes.size(), QLatin1Char('.')));
                bytes = jsonBody(body);
            }
            if (m_server->m_options.slowBodyInterval > Duration::zero() && !m_headOnly) {
                startDribble(bytes);
                return;
            }
            sendResponse(200, bytes, "application/json", false);
            return;
        }
        case FaultKind::Http500:
        case FaultKind::Http503:
        case FaultKind::Http429:
        case FaultKind::Conflict: {
            QByteArray extra;
            const QString retryAfter = m_plan.retryAfterHeader(sentUtcMs);
            if (!retryAfter.isEmpty())
                extra = "Retry-After: " + retryAfter.toLatin1() + "\r\n";
            const int status = m_plan.httpStatus > 0 ? m_plan.httpStatus : httpStatusFor(m_plan.kind);
            sendResponse(status, jsonBody({ { QStringLiteral("error"), toString(m_plan.kind) } }), "application/json",
                false, extra);
            return;
        }
        }
    }

    void startDribble(const QByteArray& body)
    {
        m_server->countStatus(200);
        QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n" + (m_closeAfter ? "Connection: close\r\n" : "") + "\r\n";
        m_socket->write(head);
        m_pending = body;
        m_phase = Phase::Dribbling;
        dribble();
    }

    void dribble()
    {
        const qsizetype chunk = std::max<qsizetype>(1, m_server->m_options.slowBodyChunk);
        m_socket->write(m_pending.left(chunk));
        m_pending.remove(0, std::min(chunk, m_pending.size()));
        if (m_pending.isEmpty()) {
            finishResponse(false);
            return;
        }
        m_actionTimer.start(toTimerMs(m_server->m_options.slowBodyInterval));
    }

    void finishResponse(bool close)
    {
        if (m_active) {
            m_active = false;
            m_server->requestFinished();
        }
        if (close || m_closeAfter) {
            m_phase = Phase::Done;
            m_closeAfter = true;
            m_guardTimer.start(toTimerMs(5s)); // bounded wait for the peer to read what we wrote
            m_socket->disconnectFromHost();
            return;
        }
        m_phase = Phase::Reading;
        // Continue with pipelined requests from the event loop, so a long pipeline cannot recurse.
        QMetaObject::invokeMethod(this, &MockConnection::processNext, Qt::QueuedConnection);
    }

    void onDisconnected()
    {
        if (m_closed)
            return;
        m_closed = true;
        m_actionTimer.stop();
        m_guardTimer.stop();
        m_server->clientLeft(this, m_phase == Phase::Queued, m_holdsWorker, m_phase == Phase::Hanging, m_serviceEnd);
        m_holdsWorker = false;
        if (m_active) {
            m_active = false;
            if (m_phase == Phase::Hanging)
                ++m_server->m_stats.hangs;
            else if (m_plan.kind != FaultKind::ConnectionReset && m_plan.kind != FaultKind::ConnectionRefused)
                ++m_server->m_stats.clientAborts;
            m_server->requestFinished();
        }
        m_server->connectionClosed(this);
        deleteLater();
    }

    void updateGuard()
    {
        if (m_phase != Phase::Reading) {
            return;
        }
        const bool mid = m_parser.midRequest();
        if (mid && m_guardMode == GuardMode::Request && m_guardTimer.isActive())
            return; // the request deadline runs from its first byte; trickling does not extend it
        m_guardMode = mid ? GuardMode::Request : GuardMode::Idle;
        m_guardTimer.start(toTimerMs(mid ? m_server->m_options.requestTimeout : m_server->m_options.idleTimeout));
    }

    void onGuard()
    {
        if (m_closed)
            return;
        if (m_phase == Phase::Done) {
            shutdown();
            return;
        }
        if (m_phase != Phase::Reading)
            return;
        ++m_server->m_stats.timedOutConnections;
        if (m_guardMode == GuardMode::Request && m_parser.midRequest()) {
            m_headOnly = false;
            m_controlRequest = false;
            sendResponse(408,
                jsonBody({ { QStringLiteral("error"), QStringLiteral("request not completed in time") } }),
                "application/json", true);
            return;
        }
        shutdown();
    }

    enum class GuardMode { Idle, Request, Write };

    MockHttpServer* m_server;
    QTcpSocket* m_socket;
    HttpRequestParser m_parser;
    QTimer m_actionTimer;
    QTimer m_guardTimer;
    GuardMode m_guardMode = GuardMode::Idle;
    Phase m_phase = Phase::Reading;
    PlannedResponse m_plan;
    QByteArray m_pending;
    Duration m_returnHop {};
    TimePoint m_serviceEnd {};        ///< when the worker will be done with the request (clock time)
    ServiceQueue::Ticket m_ticket = 0; ///< while Queued
    quint32 m_jobId = 0;
    bool m_holdsWorker = false;
    bool m_active = false;
    bool m_closeAfter = false;
    bool m_headOnly = false;
    bool m_controlRequest = false; ///< the request being answered is a control call
    bool m_closed = false;
};

// --- Listener --------------------------------------------------------------------------------------------------------

/// Accepts connections for one server. When accept() fails for lack of descriptors, Qt stops accepting
/// for good; this listener pauses instead and retries shortly (or as soon as one of its connections
/// closes), so the server neither spins nor goes dark.
class MockHttpServer::Listener final : public QTcpServer {
public:
    explicit Listener(MockHttpServer* server)
        : QTcpServer(server)
        , m_server(server)
    {
        m_retry.setSingleShot(true);
        connect(&m_retry, &QTimer::timeout, this, &Listener::resume);
        connect(this, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::SocketResourceError)
                ++m_server->m_stats.acceptPauses;
            pause();
            m_retry.start(kAcceptRetry);
        });
    }

    void pause()
    {
        if (isListening())
            pauseAccepting();
        m_paused = true;
    }

    /// Accepts again unless the server is still holding back (too many refused connections closing).
    void resume()
    {
        if (!m_paused || !isListening() || m_server->m_rejecting >= kMaxRejecting)
            return;
        m_paused = false;
        m_retry.stop();
        resumeAccepting();
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_server->onNewConnection(descriptor); }

private:
    MockHttpServer* m_server;
    QTimer m_retry;
    bool m_paused = false;
};

// --- MockHttpServer
// ---------------------------------------------------------------------------------------------------

MockHttpServer::MockHttpServer(FaultSchedule schedule, MockServiceOptions options, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_schedule(std::move(schedule))
    , m_options(std::move(options))
    , m_clock(clock)
    , m_rng(m_options.seed)
{
    if (!m_clock) {
        m_ownClock = std::make_unique<SystemClock>();
        m_clock = m_ownClock.get();
    }
    m_transitionTimer.setSingleShot(true);
    m_transitionTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_transitionTimer, &QTimer::timeout, this, [this] {
        if (m_nextTransition < m_transitions.size()) {
            const auto& t = m_transitions[m_nextTransition++];
            if (!m_override)
                emitFaultChanged(t.description);
        }
        scheduleNextTransition();
    });
}

MockHttpServer::~MockHttpServer()
{
    close();
}

bool MockHttpServer::listen(QString* error)
{
    auto fail = [error](QString message) {
        if (error)
            *error = std::move(message);
        return false;
    };
    if (m_listener && m_listener->isListening())
        return true;
    if (!m_options.address.isLoopback() && !m_options.allowNonLoopback)
        return fail(QStringLiteral("service '%1': refusing to listen on non-loopback address %2")
                        .arg(m_options.name, m_options.address.toString()));
    if (!m_listener)
        m_listener = new Listener(this);
    m_listener->setListenBacklogSize(4096);
    if (!m_listener->listen(m_options.address, m_options.port))
        return fail(QStringLiteral("service '%1': cannot listen on %2:%3: %4")
                        .arg(m_options.name, m_options.address.toString())
                        .arg(m_options.port)
                        .arg(m_listener->errorString()));
    if (!m_started)
        start(m_clock->now());
    return true;
}

void MockHttpServer::close()
{
    if (m_listener)
        m_listener->close();
    const auto connections = m_connections;
    for (auto* connection : connections)
        connection->shutdown();
    // Refused connections still sending their 503 are the only sockets parented directly to the server.
    for (auto* socket : findChildren<QTcpSocket*>(Qt::FindDirectChildrenOnly)) {
        socket->disconnect(this);
        socket->disconnect(socket);
        socket->abort();
        delete socket;
    }
    m_rejecting = 0;
    m_transitionTimer.stop();
}

bool MockHttpServer::isListening() const
{
    return m_listener && m_listener->isListening();
}

quint16 MockHttpServer::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

QUrl MockHttpServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_options.address.toString());
    url.setPort(port());
    url.setPath(QStringLiteral("/"));
    return url;
}

void MockHttpServer::start(TimePoint origin)
{
    m_origin = origin;
    m_started = true;
    m_transitions = m_schedule.transitions(TimePoint(24h));
    m_nextTransition = 0;
    const TimePoint now = scheduleTime();
    while (m_nextTransition < m_transitions.size() && m_transitions[m_nextTransition].at <= now)
        ++m_nextTransition;
    scheduleNextTransition();
}

void MockHttpServer::scheduleNextTransition()
{
    m_transitionTimer.stop();
    if (m_nextTransition >= m_transitions.size())
        return;
    m_transitionTimer.start(toTimerMs(m_transitions[m_nextTransition].at - scheduleTime()));
}

TimePoint MockHttpServer::scheduleTime() const
{
    return TimePoint(m_clock->now() - m_origin);
}

void MockHttpServer::setSchedule(FaultSchedule schedule)
{
    m_schedule = std::move(schedule);
    start(m_origin);
    emitFaultChanged(QStringLiteral("schedule replaced: ") + currentProfile().describe());
}

void MockHttpServer::setFaultOverride(FaultProfile profile, const QString& label)
{
    m_override = std::move(profile);
    emitFaultChanged(label.isEmpty() ? m_override->describe() : label + QStringLiteral(": ") + m_override->describe());
}

void MockHttpServer::clearFaultOverride()
{
    if (!m_override)
        return;
    m_override.reset();
    emitFaultChanged(QStringLiteral("schedule restored: ") + currentProfile().describe());
}

const FaultProfile& MockHttpServer::currentProfile() const
{
    return m_override ? *m_override : m_schedule.profileAt(scheduleTime());
}

void MockHttpServer::setSlowBody(Duration interval, qsizetype chunk)
{
    m_options.slowBodyInterval = interval;
    m_options.slowBodyChunk = std::max<qsizetype>(1, chunk);
}

void MockHttpServer::emitFaultChanged(const QString& description)
{
    if (m_sink) {
        Event event;
        event.time = scheduleTime();
        event.kind = EventKind::FaultChanged;
        event.source = m_options.name;
        event.text = description;
        m_sink->onEvent(event);
    }
    emit faultChanged(description);
}

const FaultProfile& MockHttpServer::profileNow(TimePoint now) const
{
    return m_override ? *m_override : m_schedule.profileNow(now);
}

Duration MockHttpServer::networkHop()
{
    return profileNow(scheduleTime()).hop(m_rng);
}

PlannedResponse MockHttpServer::planned(PlannedResponse p)
{
    ++m_stats.requests;
    emit requestPlanned(p);
    return p;
}

void MockHttpServer::admit(MockConnection* connection)
{
    const TimePoint clockNow = m_clock->now();
    m_queueClock = std::max(m_queueClock, clockNow);
    const TimePoint now = scheduleTime();
    const FaultProfile& profile = profileNow(now);
    if (profile.refusesConnections(now)) { // nobody listens: refused at once, no worker involved
        connection->begin(planned(profile.serve(now, m_rng)), false, clockNow);
        return;
    }
    const quint32 job = m_nextJob++;
    connection->setJobId(job);
    ServiceQueue::Ticket ticket = 0;
    switch (m_queue.arrive(now, job, profile.capacity.shape(), &ticket)) {
    case ServiceQueue::Admission::Start:
        connection->begin(planned(profile.serve(now, m_rng)), true, clockNow);
        break;
    case ServiceQueue::Admission::Wait:
        m_waiting.insert(job, connection);
        connection->wait(ticket);
        break;
    case ServiceQueue::Admission::Refuse:
        ++m_stats.overloaded;
        connection->begin(planned(profile.overloaded(m_rng)), false, clockNow);
        break;
    }
    m_stats.queued = int(m_queue.waiting());
    m_stats.maxQueued = std::max(m_stats.maxQueued, m_stats.queued);
}

void MockHttpServer::workerFree(TimePoint freedAt)
{
    // A worker freed before the latest arrival we queued takes it no earlier than its arrival.
    freedAt = std::max(freedAt, m_queueClock);
    m_queueClock = freedAt;
    const TimePoint now(freedAt - m_origin); // schedule time
    const TimePoint clockNow = m_clock->now();
    m_queue.release(now);
    const FaultProfile& profile = profileNow(now);
    for (;;) {
        const ServiceQueue::Pick pick = m_queue.pick(now, profile.capacity.shape());
        if (pick.kind == ServiceQueue::Pick::Kind::None)
            break;
        MockConnection* connection = m_waiting.take(pick.job);
        if (pick.kind == ServiceQueue::Pick::Kind::Drop) {
            ++m_stats.overloaded;
            if (connection) {
                PlannedResponse refusal = profile.overloaded(m_rng);
                refusal.queued = true;
                connection->begin(planned(refusal), false, clockNow);
            }
            continue;
        }
        PlannedResponse plan = profile.serve(now, m_rng);
        plan.queued = true;
        if (connection) {
            connection->begin(planned(plan), true, freedAt);
        } else {
            // Its client left, but the server never learned: a worker does the work in vain.
            const TimePoint end = plan.hang() ? clockNow + m_options.hangLimit : freedAt + plan.latency;
            QTimer::singleShot(toTimerMs(end - clockNow), Qt::PreciseTimer, this, [this, end] { workerFree(end); });
        }
    }
    m_stats.queued = int(m_queue.waiting());
}

void MockHttpServer::clientLeft(MockConnection* connection, bool waiting, bool serving, bool hanging, TimePoint serviceEnd)
{
    const bool drop = profileNow(scheduleTime()).capacity.dropAbandoned;
    if (waiting) {
        m_waiting.remove(connection->jobId());
        if (drop) {
            m_queueClock = std::max(m_queueClock, m_clock->now());
            m_queue.abandon(TimePoint(m_queueClock - m_origin), connection->ticket(), connection->jobId());
        }
        else
            m_waiting.insert(connection->jobId(), nullptr); // stays queued: served in vain when its turn comes
        m_stats.queued = int(m_queue.waiting());
        return;
    }
    if (!serving)
        return;
    const Duration left = serviceEnd - m_clock->now();
    if (drop || hanging || left <= Duration::zero()) { // a hang ends when its client hangs up
        workerFree(drop || hanging ? m_clock->now() : serviceEnd);
        return;
    }
    QTimer::singleShot(toTimerMs(left), Qt::PreciseTimer, this, [this, serviceEnd] { workerFree(serviceEnd); }); // in vain
}

void MockHttpServer::requestStarted()
{
    ++m_stats.concurrent;
    m_stats.maxConcurrent = std::max(m_stats.maxConcurrent, m_stats.concurrent);
}

void MockHttpServer::requestFinished()
{
    --m_stats.concurrent;
}

void MockHttpServer::onNewConnection(qintptr descriptor)
{
    auto* socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (static_cast<int>(m_connections.size()) >= m_options.maxConnections) {
        ++m_stats.connectionsRejected;
        countStatus(503);
        socket->setParent(this);
        socket->write(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n");
        // Each refused socket holds a descriptor until it is gone: bound how many there are at once.
        ++m_rejecting;
        if (m_rejecting >= kMaxRejecting)
            m_listener->pause();
        auto done = [this, socket, counted = std::make_shared<bool>(false)] {
            if (!*counted) {
                *counted = true;
                rejectedClosed();
            }
            socket->deleteLater();
        };
        connect(socket, &QTcpSocket::disconnected, socket, done);
        QTimer::singleShot(1000, socket, [socket, done] {
            socket->abort();
            done();
        });
        socket->disconnectFromHost();
        return;
    }
    ++m_stats.connectionsAccepted;
    ++m_stats.connectionsOpen;
    m_connections.insert(new MockConnection(this, socket));
}

void MockHttpServer::rejectedClosed()
{
    --m_rejecting;
    if (m_listener)
        m_listener->resume();
}

void MockHttpServer::connectionClosed(MockConnection* connection)
{
    if (m_connections.erase(connection) > 0)
        --m_stats.connectionsOpen;
    if (m_listener)
        m_listener->resume(); // a descriptor is free again
}

bool MockHttpServer::isControlPath(const QByteArray& path)
{
    return path == "/metrics" || path.startsWith("/_control/");
}

namespace {

/// "localhost", "127.0.0.1", "[::1]", with or without ":port".
bool isLoopbackHost(QByteArrayView hostAndPort)
{
    QByteArrayView host = hostAndPort;
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        if (close < 0)
            return false;
        host = host.sliced(1, close - 1);
    } else if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0) {
        host = host.first(colon);
    }
    if (host.compare("localhost", Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(QString::fromLatin1(host));
    return !address.isNull() && address.isLoopback();
}

/// Why a control request is refused (empty: it may proceed). Browsers send Origin with cross-site
/// requests and the page's host name in Host, so these two stop a web page from driving the mock
/// through a form post (CSRF) or a host name that resolves to 127.0.0.1 (DNS rebinding).
QString refusalOf(const HttpRequest& request)
{
    const QByteArray host = request.header("host");
    if (!host.isNull() && !isLoopbackHost(host))
        return QStringLiteral("Host '%1' is not a loopback address; the control API answers only "
                              "127.0.0.1, [::1] and localhost")
            .arg(QString::fromLatin1(host.left(100)));
    const QByteArray origin = request.header("origin");
    if (!origin.isNull()) {
        const QUrl url(QString::fromLatin1(origin));
        const bool web = url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
        const bool loopback
            = url.isValid() && web && url.path().isEmpty() && isLoopbackHost(url.authority().toLatin1());
        if (!loopback)
            return QStringLiteral("Origin '%1' is not a loopback origin; the control API does not answer web pages")
                .arg(QString::fromLatin1(origin.left(100)));
    }
    return {};
}

/// True for "application/json", any case, with parameters ("; charset=utf-8").
bool isJsonContentType(const QByteArray& value)
{
    const qsizetype semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.left(semicolon)).trimmed().compare("application/json", Qt::CaseInsensitive)
        == 0;
}

} // namespace

void MockHttpServer::handleControl(MockConnection* connection, const HttpRequest& request)
{
    const QByteArray& path = request.path;
    auto json = [connection](int status, const QJsonObject& object, const QByteArray& extraHeaders = {}) {
        connection->sendResponse(status, jsonBody(object), "application/json", false, extraHeaders);
    };
    auto error = [&json](int status, const QString& message, const QByteArray& extraHeaders = {}) {
        json(status, { { QStringLiteral("error"), message } }, extraHeaders);
    };
    auto wrongMethod = [&error](const char* allowed) {
        error(405, QStringLiteral("method not allowed; use %1").arg(QLatin1String(allowed)),
            "Allow: " + QByteArray(allowed) + "\r\n");
    };
    if (const QString refusal = refusalOf(request); !refusal.isEmpty())
        return error(403, refusal);
    const bool get = request.method == "GET" || request.method == "HEAD";

    if (path == "/metrics") {
        if (!get)
            return wrongMethod("GET, HEAD");
        QByteArray text = prometheusText();
        if (m_metricsProvider)
            text += m_metricsProvider();
        connection->sendResponse(200, text, "text/plain; version=0.0.4; charset=utf-8", false);
    } else if (path == "/_control/stats") {
        if (!get)
            return wrongMethod("GET, HEAD");
        connection->sendResponse(200, statsJson(), "application/json", false);
    } else if (path == "/_control/fault") {
        if (get) {
            json(200,
                { { QStringLiteral("fault"), currentProfile().describe() },
                    { QStringLiteral("override"), m_override.has_value() } });
        } else if (request.method == "DELETE") {
            clearFaultOverride();
            json(200,
                { { QStringLiteral("fault"), currentProfile().describe() }, { QStringLiteral("override"), false } });
        } else if (request.method == "POST") {
            if (!isJsonContentType(request.header("content-type")))
                return error(415, QStringLiteral("POST /_control/fault needs 'Content-Type: application/json'"));
            QString message;
            auto profile = faultProfileFromControlJson(request.body, currentProfile(), &message);
            if (!profile)
                return error(400, message);
            if (const auto problems = profile->validate(); !problems.empty()) {
                QStringList lines;
                for (const auto& problem : problems)
                    lines << QLatin1Char('/') + problem.toString();
                return error(422, lines.join(QStringLiteral("; ")));
            }
            setFaultOverride(*profile, QStringLiteral("control endpoint"));
            json(200,
                { { QStringLiteral("fault"), currentProfile().describe() }, { QStringLiteral("override"), true } });
        } else {
            wrongMethod("GET, HEAD, POST, DELETE");
        }
    } else if (path == "/_control/breaker") {
        if (!m_breakerControl)
            return error(404, QStringLiteral("no live run here: /_control/breaker answers during `rwb live` and the GUI's live mode"));
        if (request.method == "POST" && !isJsonContentType(request.header("content-type")))
            return error(415, QStringLiteral("POST /_control/breaker needs 'Content-Type: application/json'"));
        const auto [status, answer] = m_breakerControl(request.method, request.body);
        json(status, answer, status == 405 ? QByteArray("Allow: GET, HEAD, POST\r\n") : QByteArray());
    } else {
        error(404, QStringLiteral("unknown control path; try /_control/stats, /_control/fault, /_control/breaker or /metrics"));
    }
}

QByteArray MockHttpServer::statsJson() const
{
    auto statusObject = [](const std::map<int, quint64>& counts) {
        QJsonObject object;
        for (const auto& [status, count] : counts)
            object.insert(QString::number(status), static_cast<qint64>(count));
        return object;
    };
    const QJsonObject connections { { QStringLiteral("open"), m_stats.connectionsOpen },
        { QStringLiteral("accepted"), static_cast<qint64>(m_stats.connectionsAccepted) },
        { QStringLiteral("rejected"), static_cast<qint64>(m_stats.connectionsRejected) },
        { QStringLiteral("timed_out"), static_cast<qint64>(m_stats.timedOutConnections) },
        { QStringLiteral("max"), m_options.maxConnections },
        { QStringLiteral("accept_pauses"), static_cast<qint64>(m_stats.acceptPauses) },
        { QStringLiteral("write_stalls"), static_cast<qint64>(m_stats.writeStalls) } };
    const QJsonObject object {
        { QStringLiteral("service"), m_options.name },
        { QStringLiteral("url"), url().toString() },
        { QStringLiteral("uptime_s"), toSeconds(scheduleTime()) },
        { QStringLiteral("requests"), static_cast<qint64>(m_stats.requests) },
        { QStringLiteral("by_status"), statusObject(m_stats.byStatus) },
        { QStringLiteral("control_by_status"), statusObject(m_stats.controlByStatus) },
        { QStringLiteral("resets"), static_cast<qint64>(m_stats.resets) },
        { QStringLiteral("hangs"), static_cast<qint64>(m_stats.hangs) },
        { QStringLiteral("malformed"), static_cast<qint64>(m_stats.malformed) },
        { QStringLiteral("bad_requests"), static_cast<qint64>(m_stats.badRequests) },
        { QStringLiteral("client_aborts"), static_cast<qint64>(m_stats.clientAborts) },
        { QStringLiteral("concurrent"), m_stats.concurrent },
        { QStringLiteral("max_concurrent"), m_stats.maxConcurrent },
        { QStringLiteral("busy_workers"), m_queue.busy() },
        { QStringLiteral("queued"), m_stats.queued },
        { QStringLiteral("max_queued"), m_stats.maxQueued },
        { QStringLiteral("overloaded"), qint64(m_stats.overloaded) },
        { QStringLiteral("connections"), connections },
        { QStringLiteral("fault"), currentProfile().describe() },
        { QStringLiteral("fault_override"), m_override.has_value() },
    };
    return jsonBody(object);
}

QByteArray MockHttpServer::prometheusText() const
{
    return prometheusText(m_metricsGroup.empty() ? std::vector<const MockHttpServer*> { this } : m_metricsGroup);
}

QByteArray MockHttpServer::prometheusText(const std::vector<const MockHttpServer*>& servers)
{
    PrometheusText out;
    // Each metric family once (HELP, TYPE), with one sample per service: valid text exposition format.
    auto family = [&](const char* name, const char* type, const char* help,
                      const std::function<void(const MockHttpServer&, const QString& svc)>& samples) {
        out.family(name, type, help);
        for (const MockHttpServer* server : servers)
            samples(*server, server->name());
    };
    family("rwb_mock_requests_total", "counter", "Service requests received by the mock server.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_requests_total", { { "service", svc } }, std::int64_t(s.m_stats.requests));
        });
    family("rwb_mock_responses_total", "counter",
        "Responses sent by the mock service (not control calls), by HTTP status.",
        [&](const MockHttpServer& s, const QString& svc) {
            for (const auto& [status, count] : s.m_stats.byStatus)
                out.sample("rwb_mock_responses_total", { { "service", svc }, { "status", QString::number(status) } }, std::int64_t(count));
        });
    family("rwb_mock_control_responses_total", "counter", "Responses to /_control/* and /metrics, by HTTP status.",
        [&](const MockHttpServer& s, const QString& svc) {
            for (const auto& [status, count] : s.m_stats.controlByStatus)
                out.sample("rwb_mock_control_responses_total", { { "service", svc }, { "status", QString::number(status) } }, std::int64_t(count));
        });
    family("rwb_mock_faults_total", "counter", "Requests answered with a transport-level fault.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_faults_total", { { "service", svc }, { "kind", QStringLiteral("connection_reset") } }, std::int64_t(s.m_stats.resets));
            out.sample("rwb_mock_faults_total", { { "service", svc }, { "kind", QStringLiteral("hang") } }, std::int64_t(s.m_stats.hangs));
            out.sample("rwb_mock_faults_total", { { "service", svc }, { "kind", QStringLiteral("malformed") } }, std::int64_t(s.m_stats.malformed));
        });
    family("rwb_mock_bad_requests_total", "counter", "Requests refused because they did not parse.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_bad_requests_total", { { "service", svc } }, std::int64_t(s.m_stats.badRequests));
        });
    family("rwb_mock_in_flight", "gauge", "Service requests in progress.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_in_flight", { { "service", svc } }, std::int64_t(s.m_stats.concurrent));
        });
    family("rwb_mock_connections_open", "gauge", "Open client connections.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_connections_open", { { "service", svc } }, std::int64_t(s.m_stats.connectionsOpen));
        });
    family("rwb_mock_connections_total", "counter", "Client connections, by result.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_connections_total", { { "service", svc }, { "result", QStringLiteral("accepted") } }, std::int64_t(s.m_stats.connectionsAccepted));
            out.sample("rwb_mock_connections_total", { { "service", svc }, { "result", QStringLiteral("rejected") } }, std::int64_t(s.m_stats.connectionsRejected));
            out.sample("rwb_mock_connections_total", { { "service", svc }, { "result", QStringLiteral("timed_out") } }, std::int64_t(s.m_stats.timedOutConnections));
        });
    family("rwb_mock_accept_pauses_total", "counter", "Times accepting paused: the process was out of descriptors.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_accept_pauses_total", { { "service", svc } }, std::int64_t(s.m_stats.acceptPauses));
        });
    family("rwb_mock_write_stalls_total", "counter",
        "Times a connection stopped taking requests because its client did not read the responses.",
        [&](const MockHttpServer& s, const QString& svc) {
            out.sample("rwb_mock_write_stalls_total", { { "service", svc } }, std::int64_t(s.m_stats.writeStalls));
        });
    return out.text();
}

// --- Control JSON ---------------------------------------------------------------------------------------------------

std::optional<FaultProfile> faultProfileFromControlJson(
    const QByteArray& json, const FaultProfile& base, QString* error)
{
    auto fail = [error](const QString& message) -> std::optional<FaultProfile> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(
            QStringLiteral("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    if (!doc.isObject())
        return fail(QStringLiteral("/: expected an object"));

    // The scenario file's fault format, with the posted keys laid over the profile in force.
    QJsonObject posted = doc.object();
    const QJsonValue down = posted.take(QStringLiteral("down"));
    QJsonObject merged = scenariojson::faultProfileToJson(base);
    for (auto it = posted.constBegin(); it != posted.constEnd(); ++it)
        merged.insert(it.key(), it.value());
    LoadErrors errors;
    JsonReader reader(merged, QString(), errors);
    FaultProfile profile = scenariojson::faultProfileFromJson(reader);
    reader.accept(QStringLiteral("down"));
    reader.finish();
    static constexpr Duration kForever = std::chrono::hours(24 * 365 * 100); // far beyond any schedule time
    if (!down.isUndefined()) // "down" replaces an earlier "down"
        std::erase_if(
            profile.outages, [](const OutageWindow& w) { return w.start == Duration::zero() && w.end == kForever; });
    if (!down.isUndefined() && !down.isNull() && !(down.isBool() && !down.toBool())) {
        const auto kind
            = down.isBool() ? std::optional<FaultKind>(FaultKind::Http503) : faultKindFromString(down.toString());
        if (!kind)
            errors.push_back({ {}, 0, 0, QStringLiteral("/down"),
                QStringLiteral("expected true, false or a fault kind (http_500, http_503, http_429, "
                               "connection_reset, hang, malformed), got %1")
                    .arg(JsonReader::describe(down)) });
        else
            profile.outages.push_back({ Duration::zero(), kForever, *kind });
    }
    if (!errors.empty()) {
        QStringList lines;
        for (const auto& e : errors)
            lines << e.toString();
        return fail(lines.join(QStringLiteral("; ")));
    }
    return profile;
}

} // namespace rwb
