#include "core/live/liverunner.h"

#include "core/config/jsonreader.h"

#include "core/live/prometheustext.h"

#include "core/clock/systemclock.h"
#include "core/events/eventsink.h"
#include "core/policy/pipeline.h"
#include "core/policy/retryafterhint.h"
#include "core/run/calldriver.h"
#include "core/run/runrecorder.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <array>
#include <deque>

namespace rwb {

namespace {

constexpr int kRequestsPerManager = 6; // Qt's HTTP/1.1 connections per host:port and manager

TimePoint tp(std::int64_t ns)
{
    return TimePoint(Duration(ns));
}

int timerMs(std::int64_t ns)
{
    const std::int64_t ms = (std::max<std::int64_t>(ns, 0) + 999'999) / 1'000'000;
    return static_cast<int>(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
}

struct PipelineState : RecordedPipeline {
    std::uint64_t inFlight = 0;
};

struct ServiceState {
    QUrl url;
    std::uint32_t inFlight = 0;
    ServiceSeries series;
};

struct ClientState {
    const ClientSpec* spec = nullptr;
    std::uint32_t pipeline = 0;
    Random rng;
    double rate = 0;
    std::int64_t end = 0;
    std::int64_t nextArrival = 0;
    std::int64_t nextBurst = 0;
    std::unique_ptr<QTimer> arrivalTimer;
    std::unique_ptr<QTimer> burstTimer;
};

enum class TimerRole : std::uint8_t { None, AttemptDeadline, WaitDone, QueueDeadline };

// One HTTP request of a call's current try: the try's first, or a hedge (docs/hedging.md).
struct InFlightRequest {
    QNetworkReply* reply = nullptr;
    int manager = -1;
    std::int64_t start = 0;
    bool holdsService = false;
};

struct CallSlot {
    PipelineCall call;
    std::array<InFlightRequest, 1 + HedgingConfig::kMaxHedgedAttempts> requests; // [k] = request k of the try
    std::unique_ptr<QTimer> timer;
    std::unique_ptr<QTimer> hedgeTimer; // hedging pipelines only, made on first use
    TimerRole role = TimerRole::None;
    BulkheadTicket ticket = 0;
    std::uint32_t token = 0;
    std::uint32_t pipeline = 0;
    std::uint32_t user = UINT32_MAX; // the closed-loop user that sent this call
    bool active = false;
};

// A closed-loop user: its client and how many requests it may still send (< 0: no limit).
struct UserState {
    std::uint32_t client = 0;
    int remaining = -1;
};

} // namespace

struct LiveRunner::State : CallDriver<LiveRunner::State, CallSlot, std::deque<CallSlot>> {
    LiveRunner* q = nullptr;
    Scenario scenario;
    LiveRunOptions options;
    std::unique_ptr<SystemClock> ownClock;
    const Clock* clock = nullptr;
    TimePoint origin {};
    std::uint64_t seed = 1;
    std::int64_t bucketNs = 1'000'000'000;
    std::int64_t durationNs = 0;
    std::int64_t stopNs = 0;
    std::uint64_t events = 0;
    std::unique_ptr<CountingSink> pipelineSink;
    std::unique_ptr<RetryBudgetRegistry> budgets; // a run's pipelines share retry limits by name

    std::vector<PipelineState> pipelines;
    std::vector<ServiceState> services;
    std::vector<ClientState> clients;
    std::vector<UserState> users;
    std::vector<std::unique_ptr<QTimer>> breakerActions; // a circuit's scheduled manual actions
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    std::vector<int> managerLoad;
    std::uint64_t runId = 0; // a user's pending next request belongs to the run that scheduled it
    QTimer tickTimer;
    QTimer endTimer;
    QTimer drainTimer;
    bool trafficEnded = false;
    bool finishing = false;
    bool stopped = false; ///< ended by stop(), not by the drain

    std::int64_t now() const { return (clock->now() - origin).count(); }
    std::int64_t bucketOf(std::int64_t t) const noexcept { return std::max<std::int64_t>(t, 0) / bucketNs; }
    template <class V> static V& at(std::vector<V>& buckets, std::int64_t index)
    {
        index = std::max<std::int64_t>(index, 0);
        if (std::size_t(index) >= buckets.size())
            buckets.resize(std::size_t(index) + 1);
        return buckets[std::size_t(index)];
    }
    // CallDriver's hooks: timers on the event loop, requests over HTTP. Slots live in a deque so they
    // keep their address while more are added.
    RecordedPipeline& recordedPipeline(std::uint32_t index) noexcept { return pipelines[index]; }
    void onNewSlot(std::uint32_t slot);
    void onCallStarting(CallSlot& c) noexcept { ++pipelines[c.pipeline].inFlight; }
    void onStepSuperseded(CallSlot& c);
    void sendAttempt(std::uint32_t slot, const Step& step, std::int64_t t);
    void armWait(std::uint32_t slot, std::int64_t until, std::int64_t t) { armTimer(slot, TimerRole::WaitDone, until, t); }
    void armQueueDeadline(std::uint32_t slot, std::int64_t deadline, std::int64_t t)
    {
        armTimer(slot, TimerRole::QueueDeadline, deadline, t);
    }
    void cancelRequests(std::uint32_t slot, std::uint16_t requests, std::int64_t t);
    void onCallFinished(std::uint32_t slot, std::int64_t t);
    void onCallAbandoned(CallSlot& c);
    void endEveryRequest()
    {
        for (auto& c : m_slots)
            endAllRequests(c);
    }

    void build();
    void startTraffic();
    void scheduleBreakerActions();
    void onArrivalTimer(std::uint32_t client);
    void onBurstTimer(std::uint32_t client);
    void scheduleUser(std::uint32_t user, std::int64_t at);
    void sendRequest(std::uint32_t slot, std::int64_t t, int request);
    void armHedgeTimer(std::uint32_t slot, TimePoint at, std::int64_t t);
    void onReplyFinished(std::uint32_t slot, std::uint32_t token, int request);
    void onSlotTimer(std::uint32_t slot, std::uint32_t token);
    Outcome outcomeOf(QNetworkReply* reply, Duration latency) const;
    /// Aborts request k's reply if it is still running and frees its place in the service's count.
    void endRequest(CallSlot& c, int request);
    void endAllRequests(CallSlot& c);
    void armTimer(std::uint32_t slot, TimerRole role, std::int64_t at, std::int64_t t);
    void onTick();
    void onTrafficEnd();
    void maybeFinish();
    void finish();
    int pickManager();
};

// --- construction ----------------------------------------------------------------------------------------------------

bool LiveRunner::isLoopbackUrl(const QUrl& url, QString* why)
{
    auto fail = [why](QString message) {
        if (why)
            *why = std::move(message);
        return false;
    };
    if (!url.isValid())
        return fail(QStringLiteral("invalid URL '%1'").arg(url.toString()));
    if (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        return fail(QStringLiteral("'%1': expected an http:// or https:// URL").arg(url.toString()));
    const QString host = url.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    if (address.isNull() || !address.isLoopback())
        return fail(QStringLiteral("'%1': live mode only calls loopback hosts (127.0.0.1, ::1, localhost)")
                        .arg(url.toString()));
    return true;
}

LiveRunner::LiveRunner(Scenario scenario, LiveRunOptions options, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<State>())
{
    d->q = this;
    d->scenario = std::move(scenario);
    d->options = std::move(options);
    if (d->options.duration)
        d->scenario.duration = *d->options.duration;
    if (d->options.drainLimit)
        d->scenario.drainLimit = *d->options.drainLimit;
    FieldErrors errors = d->scenario.validate();
    if (d->options.bucketWidth <= Duration::zero())
        errors.push_back({ QStringLiteral("bucket_width"), QStringLiteral("expected a duration > 0") });
    for (std::size_t i = 0; i < d->scenario.services.size(); ++i) {
        const QString& name = d->scenario.services[i].name;
        const auto it = d->options.serviceUrls.find(name);
        QString why;
        if (it == d->options.serviceUrls.end())
            errors.push_back(
                { QStringLiteral("services/%1/url").arg(i), QStringLiteral("no URL for service '%1'").arg(name) });
        else if (!isLoopbackUrl(it->second, &why))
            errors.push_back({ QStringLiteral("services/%1/url").arg(i), why });
    }
    if (!errors.empty())
        throw InvalidConfig(std::move(errors));
    d->tickTimer.setTimerType(Qt::PreciseTimer);
    d->tickTimer.setSingleShot(true);
    connect(&d->tickTimer, &QTimer::timeout, this, [this] { d->onTick(); });
    d->endTimer.setSingleShot(true);
    d->endTimer.setTimerType(Qt::PreciseTimer);
    connect(&d->endTimer, &QTimer::timeout, this, [this] { d->onTrafficEnd(); });
    d->drainTimer.setSingleShot(true);
    connect(&d->drainTimer, &QTimer::timeout, this, [this] { d->finish(); });
    if (d->options.clock) {
        d->clock = d->options.clock;
    } else {
        d->ownClock = std::make_unique<SystemClock>();
        d->clock = d->ownClock.get();
    }
}

LiveRunner::~LiveRunner()
{
    if (m_running) {
        // Tear down without signals: replies and timers die with the state.
        d->endEveryRequest();
    }
}

void LiveRunner::State::build()
{
    // A runner may be started again after it finished: begin from a clean slate.
    resetCalls();
    clients.clear();
    users.clear();
    ++runId;
    pipelines.clear();
    services.clear();
    managers.clear();
    managerLoad.clear();
    events = 0;
    trafficEnded = false;
    stopped = false;
    finishing = false;
    seed = options.seed.value_or(scenario.seed);
    bucketNs = std::max<std::int64_t>(options.bucketWidth.count(), 1);
    durationNs = scenario.duration.count();
    stopNs = durationNs + scenario.drainLimit.count();
    pipelineSink = std::make_unique<CountingSink>(options.sink, &events);
    budgets = std::make_unique<RetryBudgetRegistry>(); // a new run starts with full allowances
    Random master(seed);
    const std::size_t buckets = std::size_t(durationNs / bucketNs) + 1;

    services.resize(scenario.services.size());
    for (std::size_t i = 0; i < scenario.services.size(); ++i) {
        auto& s = services[i];
        s.url = options.serviceUrls.at(scenario.services[i].name);
        s.series.name = scenario.services[i].name;
        s.series.buckets.reserve(buckets);
        master.split(); // keep the seed streams aligned with the simulator's
    }

    pipelines.resize(scenario.pipelines.size());
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i) {
        const auto& spec = scenario.pipelines[i];
        auto& p = pipelines[i];
        const auto service = std::uint32_t(std::max(scenario.serviceIndex(spec.service), 0));
        const int owner = scenario.sharedBreakerOwner(int(i));
        p.build(spec, service, buckets, options.sink, &events, pipelineSink.get(), master.nextU64(),
            owner >= 0 && owner != int(i) ? &pipelines[std::size_t(owner)] : nullptr, budgets.get());
    }

    clients.resize(scenario.clients.size());
    for (std::size_t i = 0; i < scenario.clients.size(); ++i) {
        const auto& spec = scenario.clients[i];
        auto& c = clients[i];
        c.spec = &spec;
        c.pipeline = std::uint32_t(std::max(scenario.pipelineIndex(spec.pipeline), 0));
        c.rng = master.split();
        c.rate = spec.arrival.kind == ArrivalProcess::Kind::Closed ? 0.0 : spec.arrival.rate * spec.count;
        if (spec.arrival.kind == ArrivalProcess::Kind::Closed)
            for (int u = 0; u < spec.count; ++u)
                users.push_back({ std::uint32_t(i), spec.arrival.requestsPerUser > 0 ? spec.arrival.requestsPerUser : -1 });
        c.end = std::min(spec.arrival.end.value_or(scenario.duration), scenario.duration).count();
        const auto index = std::uint32_t(i);
        c.arrivalTimer = std::make_unique<QTimer>();
        c.arrivalTimer->setSingleShot(true);
        c.arrivalTimer->setTimerType(Qt::PreciseTimer);
        QObject::connect(c.arrivalTimer.get(), &QTimer::timeout, q, [this, index] { onArrivalTimer(index); });
        c.burstTimer = std::make_unique<QTimer>();
        c.burstTimer->setSingleShot(true);
        c.burstTimer->setTimerType(Qt::PreciseTimer);
        QObject::connect(c.burstTimer.get(), &QTimer::timeout, q, [this, index] { onBurstTimer(index); });
    }
}

// --- traffic
// -----------------------------------------------------------------------------------------------------------

void LiveRunner::start()
{
    if (m_running)
        return;
    m_running = true;
    m_result = {};
    d->build();
    d->origin = d->clock->now();
    d->startTraffic();
}

void LiveRunner::State::startTraffic()
{
    for (std::uint32_t i = 0; i < clients.size(); ++i) {
        auto& c = clients[i];
        const std::int64_t start = c.spec->arrival.start.count();
        if (c.rate > 0 && start < c.end) {
            c.nextArrival = c.spec->arrival.kind == ArrivalProcess::Kind::Constant
                ? start
                : start + std::max<std::int64_t>(std::llround(c.rng.exponential(c.rate) * 1e9), 1);
            if (c.nextArrival < c.end)
                c.arrivalTimer->start(timerMs(c.nextArrival - now()));
        }
        if (c.spec->arrival.kind == ArrivalProcess::Kind::Bursts && start < c.end) {
            c.nextBurst = start;
            c.burstTimer->start(timerMs(start - now()));
        }
    }
    for (std::uint32_t u = 0; u < users.size(); ++u) {
        const auto& c = clients[users[u].client];
        const std::int64_t start = c.spec->arrival.start.count();
        if (start < c.end)
            scheduleUser(u, start);
    }
    scheduleBreakerActions();
    tickTimer.start(timerMs(bucketNs));
    endTimer.start(timerMs(durationNs));
}

// A closed-loop user sends its next request at `at` (run time), if it still may.
void LiveRunner::State::scheduleUser(std::uint32_t user, std::int64_t at)
{
    const auto& c = clients[users[user].client];
    if (users[user].remaining == 0 || at >= c.end)
        return;
    QTimer::singleShot(timerMs(at - now()), Qt::PreciseTimer, q, [this, user, run = runId] {
        if (run != runId || trafficEnded)
            return;
        UserState& u = users[user];
        if (u.remaining > 0)
            --u.remaining;
        startCall(clients[u.client].pipeline, now(), user);
    });
}

void LiveRunner::State::scheduleBreakerActions()
{
    breakerActions.clear();
    for (auto& p : pipelines) {
        if (!p.ownsBreaker)
            continue; // a shared circuit's actions run once, from the pipeline that built it
        for (const ScheduledBreakerAction& entry : p.breaker->config().schedule) {
            auto timer = std::make_unique<QTimer>();
            timer->setSingleShot(true);
            timer->setTimerType(Qt::PreciseTimer);
            CircuitBreaker* breaker = p.breaker.get();
            QObject::connect(timer.get(), &QTimer::timeout, q,
                [this, breaker, action = entry.action] { breaker->apply(action, tp(now())); });
            timer->start(timerMs(entry.at.count() - now()));
            breakerActions.push_back(std::move(timer));
        }
    }
}

void LiveRunner::State::onArrivalTimer(std::uint32_t client)
{
    auto& c = clients[client];
    const std::int64_t t = now();
    // Arrivals follow their own schedule; a late timer starts the overdue ones at once (bounded).
    for (int n = 0; n < 10000 && c.nextArrival <= t && c.nextArrival < c.end && !trafficEnded; ++n) {
        startCall(c.pipeline, t);
        const double gap
            = c.spec->arrival.kind == ArrivalProcess::Kind::Constant ? 1.0 / c.rate : c.rng.exponential(c.rate);
        c.nextArrival += std::max<std::int64_t>(std::llround(gap * 1e9), 1);
    }
    if (c.nextArrival < c.end && !trafficEnded)
        c.arrivalTimer->start(timerMs(c.nextArrival - now()));
}

void LiveRunner::State::onBurstTimer(std::uint32_t client)
{
    auto& c = clients[client];
    const std::int64_t t = now();
    const int n = c.spec->arrival.burstSize * c.spec->count;
    for (int i = 0; i < n && !trafficEnded; ++i)
        startCall(c.pipeline, t);
    c.nextBurst += c.spec->arrival.burstInterval.count();
    if (c.nextBurst < c.end && !trafficEnded)
        c.burstTimer->start(timerMs(c.nextBurst - now()));
}

void LiveRunner::State::onNewSlot(std::uint32_t slot)
{
    auto& c = m_slots[slot];
    c.timer = std::make_unique<QTimer>();
    c.timer->setSingleShot(true);
    c.timer->setTimerType(Qt::PreciseTimer);
    QObject::connect(c.timer.get(), &QTimer::timeout, q, [this, slot] { onSlotTimer(slot, m_slots[slot].token); });
}

void LiveRunner::State::armTimer(std::uint32_t slot, TimerRole role, std::int64_t at, std::int64_t t)
{
    auto& c = m_slots[slot];
    c.role = role;
    c.timer->start(timerMs(at - t));
}

void LiveRunner::State::onStepSuperseded(CallSlot& c)
{
    c.timer->stop();
    c.role = TimerRole::None;
    if (c.hedgeTimer)
        c.hedgeTimer->stop();
}

void LiveRunner::State::sendAttempt(std::uint32_t slot, const Step& step, std::int64_t t)
{
    if (step.request == 0 && step.deadline != Timeout::kNever)
        armTimer(slot, TimerRole::AttemptDeadline, step.deadline.time_since_epoch().count(), t);
    sendRequest(slot, t, step.request);
    if (step.hedgeTimer)
        armHedgeTimer(slot, step.until, t);
}

void LiveRunner::State::cancelRequests(std::uint32_t slot, std::uint16_t requests, std::int64_t)
{
    for (int k = 0; requests >> k != 0; ++k)
        if ((requests >> k) & 1u)
            endRequest(m_slots[slot], k);
}

int LiveRunner::State::pickManager()
{
    int best = -1;
    for (int i = 0; i < int(managers.size()); ++i) {
        if (best < 0 || managerLoad[i] < managerLoad[best])
            best = i;
    }
    if (best >= 0 && (managerLoad[best] < kRequestsPerManager || int(managers.size()) >= options.maxManagers))
        return best;
    auto manager = std::make_unique<QNetworkAccessManager>();
    manager->setProxy(QNetworkProxy::NoProxy); // loopback only: never through a proxy from the environment
    manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    manager->setAutoDeleteReplies(false);
    managers.push_back(std::move(manager));
    managerLoad.push_back(0);
    return int(managers.size()) - 1;
}

void LiveRunner::State::sendRequest(std::uint32_t slot, std::int64_t t, int request)
{
    auto& c = m_slots[slot];
    auto& r = c.requests[std::size_t(request)];
    auto& p = pipelines[c.pipeline];
    auto& s = services[p.service];
    ++s.inFlight;
    r.holdsService = true;
    ++s.series.arrivals;
    auto& sb = at(s.series.buckets, bucketOf(t));
    ++sb.arrivals;
    sb.maxConcurrency = std::max(sb.maxConcurrency, s.inFlight);

    QNetworkRequest http(s.url);
    http.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    http.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    http.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("rwb-live"));
    // <request>.<try>, and .<hedge> for a hedge
    QByteArray id = QByteArray::number(c.call.requestId()) + '.' + QByteArray::number(c.call.attempt());
    if (request > 0)
        id += '.' + QByteArray::number(request);
    http.setRawHeader("X-Request-Id", id);
    r.manager = pickManager();
    ++managerLoad[r.manager];
    r.start = t;
    r.reply = managers[r.manager]->get(http);
    const std::uint32_t token = c.token;
    QObject::connect(
        r.reply, &QNetworkReply::finished, q, [this, slot, token, request] { onReplyFinished(slot, token, request); });
}

void LiveRunner::State::armHedgeTimer(std::uint32_t slot, TimePoint at, std::int64_t t)
{
    auto& c = m_slots[slot];
    if (!c.hedgeTimer) {
        c.hedgeTimer = std::make_unique<QTimer>();
        c.hedgeTimer->setSingleShot(true);
        c.hedgeTimer->setTimerType(Qt::PreciseTimer);
        QObject::connect(c.hedgeTimer.get(), &QTimer::timeout, q, [this, slot] {
            auto& call = m_slots[slot];
            const std::int64_t at = now();
            if (call.active) // a stale timer is harmless: the call answers Pending
                drive(slot, call.call.onHedgeTimer(tp(at)), at);
        });
    }
    c.hedgeTimer->start(timerMs(at.time_since_epoch().count() - t));
}

Outcome LiveRunner::State::outcomeOf(QNetworkReply* reply, Duration latency) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // A connection cut mid-response is a reset even though a status line arrived.
    if (reply->error() == QNetworkReply::RemoteHostClosedError)
        return Outcome::error(ErrorClass::connectionReset(), latency);
    if (status >= 200 && status < 300) {
        const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        if (type.contains("json")) {
            QJsonParseError error;
            QJsonDocument::fromJson(reply->readAll(), &error);
            if (error.error != QJsonParseError::NoError)
                return { OutcomeKind::Error, status, std::nullopt, latency, ErrorClass::malformedResponse() };
        }
        return Outcome::success(latency, status);
    }
    if (status > 0) {
        std::optional<Duration> hint;
        const QByteArray header = reply->rawHeader("Retry-After");
        if (!header.isEmpty())
            hint = RetryAfterHint::parse(QString::fromLatin1(header), clock->toUtcMs(clock->now()));
        return Outcome::httpError(status, latency, hint);
    }
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return Outcome::error(ErrorClass::connectionRefused(), latency);
    case QNetworkReply::RemoteHostClosedError:
        return Outcome::error(ErrorClass::connectionReset(), latency);
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        return Outcome::error(ErrorClass::malformedResponse(), latency);
    default:
        return Outcome::error(ErrorClass::fromName(QStringLiteral("network_error")), latency);
    }
}

void LiveRunner::State::endRequest(CallSlot& c, int request)
{
    auto& r = c.requests[std::size_t(request)];
    if (QNetworkReply* reply = std::exchange(r.reply, nullptr)) {
        QObject::disconnect(reply, nullptr, q, nullptr);
        if (!reply->isFinished())
            reply->abort(); // closes the connection: a hung server request is released
        reply->deleteLater();
        if (r.manager >= 0)
            --managerLoad[r.manager];
        r.manager = -1;
    }
    if (r.holdsService) {
        r.holdsService = false;
        --services[pipelines[c.pipeline].service].inFlight;
    }
}

void LiveRunner::State::endAllRequests(CallSlot& c)
{
    for (int k = 0; k < int(c.requests.size()); ++k)
        endRequest(c, k);
}

void LiveRunner::State::onReplyFinished(std::uint32_t slot, std::uint32_t token, int request)
{
    auto& c = m_slots[slot];
    auto& r = c.requests[std::size_t(request)];
    if (c.token != token || !c.active || !r.reply)
        return;
    const std::int64_t t = now();
    const Outcome outcome = outcomeOf(r.reply, Duration(t - r.start));
    endRequest(c, request);
    auto& s = services[pipelines[c.pipeline].service];
    auto& sb = at(s.series.buckets, bucketOf(t));
    if (outcome.isSuccess())
        ++sb.ok;
    else
        ++sb.errors;
    drive(slot, c.call.onAttemptDone(outcome, tp(t), request), t);
}

void LiveRunner::State::onSlotTimer(std::uint32_t slot, std::uint32_t token)
{
    auto& c = m_slots[slot];
    if (c.token != token || !c.active)
        return;
    const std::int64_t t = now();
    const TimerRole role = std::exchange(c.role, TimerRole::None);
    switch (role) {
    case TimerRole::AttemptDeadline: {
        const bool anyRunning = std::any_of(c.requests.begin(), c.requests.end(), [](const InFlightRequest& r) { return r.reply; });
        if (!anyRunning)
            return;
        endRequest(c, 0); // a hedged try's other requests are in the step's `cancel`
        auto& p = pipelines[c.pipeline];
        ++at(services[p.service].series.buckets, bucketOf(t)).errors;
        onAttemptDeadline(slot, t);
        break;
    }
    case TimerRole::QueueDeadline:
        onQueueDeadline(slot, t);
        break;
    case TimerRole::WaitDone:
        drive(slot, c.call.resume(tp(t)), t);
        break;
    case TimerRole::None:
        break;
    }
}

void LiveRunner::State::onCallFinished(std::uint32_t slot, std::int64_t t)
{
    const auto& c = m_slots[slot];
    --pipelines[c.pipeline].inFlight;
    if (c.user != kNoUser) { // a closed-loop user thinks, then sends its next request
        auto& client = clients[users[c.user].client];
        scheduleUser(c.user, t + client.spec->arrival.thinkTime.sample(client.rng).count());
    }
    maybeFinish();
}

void LiveRunner::State::onCallAbandoned(CallSlot& c)
{
    c.timer->stop();
    if (c.hedgeTimer)
        c.hedgeTimer->stop();
    endAllRequests(c);
}

void LiveRunner::State::onTick()
{
    const std::int64_t t = now();
    const std::int64_t ended = bucketOf(t) - 1;
    if (ended < 0) { // woke up early
        tickTimer.start(timerMs(bucketNs - t));
        return;
    }
    for (auto& p : pipelines)
        p.onBucketEnded(ended, tp(t));
    for (auto& s : services)
        at(s.series.buckets, ended);
    // Re-aim at the next bucket boundary so timer drift does not accumulate.
    tickTimer.start(timerMs((ended + 2) * bucketNs - t));
}

void LiveRunner::State::onTrafficEnd()
{
    trafficEnded = true;
    for (auto& c : clients) {
        c.arrivalTimer->stop();
        c.burstTimer->stop();
    }
    drainTimer.start(timerMs(stopNs - now()));
    maybeFinish();
}

void LiveRunner::State::maybeFinish()
{
    if (trafficEnded && callsInFlight() == 0 && !finishing)
        QMetaObject::invokeMethod(
            q, [this] { finish(); }, Qt::QueuedConnection);
}

std::uint64_t LiveRunner::inFlight() const noexcept
{
    return d->callsInFlight();
}

void LiveRunner::stop()
{
    if (!m_running)
        return;
    d->stopped = true;
    d->finish();
}

void LiveRunner::State::finish()
{
    if (finishing || !q->m_running)
        return;
    finishing = true;
    tickTimer.stop();
    endTimer.stop();
    drainTimer.stop();
    breakerActions.clear();
    for (auto& c : clients) {
        c.arrivalTimer->stop();
        c.burstTimer->stop();
    }
    const std::int64_t t = now();
    abandonUnfinishedCalls(t);

    RunResult result;
    result.seed = seed;
    // A stopped run reports the traffic it really had, not the planned duration.
    result.cancelled = stopped;
    result.duration = stopped && !trafficEnded ? std::min(Duration(t), scenario.duration) : scenario.duration;
    result.simulatedUntil = Duration(t);
    result.bucketWidth = Duration(bucketNs);
    result.events = events;
    std::size_t buckets = minResultBuckets(t, durationNs, bucketNs);
    for (auto& p : pipelines) {
        p.closeBucket();
        buckets = std::max(buckets, p.series.buckets.size());
    }
    for (auto& s : services)
        buckets = std::max(buckets, s.series.buckets.size());
    for (auto& p : pipelines) {
        p.finish(buckets, std::size_t(bucketOf(t)), tp(t));
        result.pipelines.push_back(p.series);
    }
    for (auto& s : services) {
        finishServiceSeries(s.series, buckets);
        result.services.push_back(s.series);
    }
    q->m_result = std::move(result);
    q->m_running = false;
    emit q->finished();
}

// --- manual breaker control
// -------------------------------------------------------------------------------------------------------------

std::vector<std::pair<QString, BreakerState>> LiveRunner::circuits() const
{
    std::vector<std::pair<QString, BreakerState>> out;
    for (const auto& p : d->pipelines)
        if (p.ownsBreaker)
            out.emplace_back(p.breaker->name(), p.breaker->state(tp(d->now())));
    return out;
}

bool LiveRunner::applyBreakerAction(const QString& circuit, const BreakerAction& action, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (const FieldErrors problems = BreakerAction::validate(action); !problems.empty())
        return fail(problems.front().toString());
    for (auto& p : d->pipelines) {
        if (p.ownsBreaker && p.breaker->name() == circuit) {
            p.breaker->apply(action, tp(d->now()));
            return true;
        }
    }
    QStringList names;
    for (const auto& [name, state] : circuits())
        names << name;
    return fail(names.isEmpty() ? QStringLiteral("no circuit \"%1\": no pipeline of this run has a breaker").arg(circuit)
                                : QStringLiteral("no circuit \"%1\"; the run has %2").arg(circuit, names.join(QStringLiteral(", "))));
}

std::pair<int, QJsonObject> LiveRunner::breakerControl(const QByteArray& method, const QByteArray& body)
{
    const auto listing = [this] {
        QJsonArray list;
        for (const auto& [name, state] : circuits())
            list.append(QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("state"), toString(state) } });
        return QJsonObject { { QStringLiteral("circuits"), list } };
    };
    const auto error = [](int status, const QString& message) {
        return std::pair<int, QJsonObject>(status, QJsonObject { { QStringLiteral("error"), message } });
    };
    if (method == "GET" || method == "HEAD")
        return { 200, listing() };
    if (method != "POST")
        return error(405, QStringLiteral("method not allowed; use GET, HEAD, POST"));
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parse);
    if (parse.error != QJsonParseError::NoError || !doc.isObject())
        return error(400,
            parse.error != QJsonParseError::NoError
                ? QStringLiteral("body is not JSON: %1 at offset %2").arg(parse.errorString()).arg(parse.offset)
                : QStringLiteral("expected a JSON object like {\"circuit\": \"payments\", \"action\": \"isolate\"}"));
    LoadErrors problems;
    JsonReader r(doc.object(), QString(), problems);
    QString circuit;
    BreakerAction action;
    for (const auto& key : { QStringLiteral("circuit"), QStringLiteral("action") })
        if (!r.has(key))
            r.error(QString(), QStringLiteral("missing key \"%1\"").arg(key));
    r.read(QStringLiteral("circuit"), circuit);
    r.readEnum(QStringLiteral("action"), action.command, &breakerCommandFromString,
        { QStringLiteral("close"), QStringLiteral("open"), QStringLiteral("half_open"), QStringLiteral("isolate"),
            QStringLiteral("disable"), QStringLiteral("metrics_only"), QStringLiteral("release"), QStringLiteral("reset") });
    r.readDuration(QStringLiteral("for"), action.openFor);
    std::optional<Duration> until;
    r.readDuration(QStringLiteral("until"), until);
    if (until)
        action.openUntil = TimePoint(*until);
    r.finish();
    if (!problems.empty()) {
        QStringList lines;
        for (const LoadError& e : problems)
            lines << e.toString();
        return error(422, lines.join(QStringLiteral("; ")));
    }
    QString message;
    if (!applyBreakerAction(circuit, action, &message))
        return error(message.startsWith(QStringLiteral("no circuit")) ? 404 : 422, message);
    for (const auto& [name, state] : circuits())
        if (name == circuit)
            return { 200,
                { { QStringLiteral("circuit"), name }, { QStringLiteral("action"), toString(action.command) },
                    { QStringLiteral("state"), toString(state) } } };
    return { 200, listing() };
}

// --- metrics
// -------------------------------------------------------------------------------------------------------------

QByteArray LiveRunner::prometheusText() const
{
    PrometheusText out;
    const auto& ps = d->pipelines;
    // one family per counter of the pipelines' summaries
    const auto counter = [&](const char* name, const char* help, std::uint64_t PipelineSummary::*field) {
        out.family(name, "counter", help);
        for (const auto& p : ps)
            out.sample(name, { { "pipeline", p.series.name } }, p.series.summary.*field);
    };
    counter("rwb_client_requests_total", "Requests started by live clients, per pipeline.", &PipelineSummary::requests);
    counter("rwb_client_attempts_total", "Attempts sent to the service, per pipeline.", &PipelineSummary::attempts);
    counter("rwb_client_retries_total", "Retries scheduled, per pipeline.", &PipelineSummary::retries);
    counter("rwb_client_timeouts_total", "Attempts abandoned at their deadline, per pipeline.", &PipelineSummary::timeouts);
    out.family("rwb_client_requests_finished_total", "counter", "Requests finished, by result.");
    for (const auto& p : ps) {
        const auto& s = p.series.summary;
        const std::pair<const char*, std::uint64_t> results[]
            = { { "succeeded", s.succeeded }, { "failed", s.failed }, { "rejected", s.rejected }, { "fallback", s.fallbacks } };
        for (const auto& [result, count] : results)
            out.sample("rwb_client_requests_finished_total",
                { { "pipeline", p.series.name }, { "result", QLatin1String(result) } }, count);
    }
    out.family("rwb_client_in_flight", "gauge", "Requests in progress, per pipeline.");
    for (const auto& p : ps)
        out.sample("rwb_client_in_flight", { { "pipeline", p.series.name } }, std::uint64_t(p.inFlight));
    out.family("rwb_circuit_state", "gauge", "Circuit breaker state: 0 closed, 1 open, 2 half-open.");
    for (const auto& p : ps) {
        if (p.breaker)
            out.sample("rwb_circuit_state", { { "pipeline", p.series.name } },
                std::int64_t(p.breaker->state(tp(m_running ? d->now() : 0))));
    }
    out.family("rwb_client_latency_ms", "summary", "End-to-end request latency in ms over the run.");
    for (const auto& p : ps) {
        for (const double q : { 0.5, 0.95, 0.99 })
            out.sample("rwb_client_latency_ms", { { "pipeline", p.series.name }, { "quantile", QString::number(q) } },
                p.total.percentile(q) / 1e6);
        out.sample("rwb_client_latency_ms_count", { { "pipeline", p.series.name } }, std::uint64_t(p.total.count()));
    }
    return out.text();
}

} // namespace rwb
