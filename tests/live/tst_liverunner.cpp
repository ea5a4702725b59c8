#include "core/live/liverunner.h"
#include "core/clock/systemclock.h"
#include "core/live/mockhttpserver.h"
#include "core/sim/simulator.h"
#include "livetesthelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <tuple>

using namespace rwb;

namespace {

FaultProfile failing(FaultKind kind, Duration latency = 1ms)
{
    FaultProfile p = FaultProfile::healthy(latency);
    p.errorRate = 1.0;
    p.errorMix = {};
    p.errorMix.http500 = 0;
    switch (kind) {
    case FaultKind::Http429:
        p.errorMix.http429 = 1;
        break;
    case FaultKind::Http503:
        p.errorMix.http503 = 1;
        break;
    case FaultKind::ConnectionReset:
        p.errorMix.connectionReset = 1;
        break;
    case FaultKind::Hang:
        p.errorMix.hang = 1;
        break;
    default:
        p.errorMix.http500 = 1;
        break;
    }
    return p;
}

PipelineConfig retrying(int attempts, Duration backoff)
{
    PipelineConfig c;
    c.name = QStringLiteral("client");
    c.retryEnabled = attempts > 1;
    c.retry.maxAttempts = std::max(attempts, 1);
    c.retry.backoff.strategy = BackoffStrategy::Constant;
    c.retry.backoff.baseDelay = backoff;
    c.retry.backoff.maxDelay = std::max<Duration>(backoff, 1ms);
    c.retry.backoff.jitter = Jitter::None;
    return c;
}

ArrivalProcess constant(double rate)
{
    ArrivalProcess a;
    a.kind = ArrivalProcess::Kind::Constant;
    a.rate = rate;
    return a;
}

Scenario scenario(FaultSchedule faults, PipelineConfig pipeline, ArrivalProcess arrival, Duration duration,
    std::optional<CircuitBreakerConfig> breaker = std::nullopt)
{
    Scenario s;
    s.name = QStringLiteral("live test");
    s.duration = duration;
    s.drainLimit = 10s;
    s.services.push_back({ QStringLiteral("svc"), std::move(faults) });
    PipelineSpec p;
    p.config = std::move(pipeline);
    p.service = QStringLiteral("svc");
    p.breaker = std::move(breaker);
    s.pipelines.push_back(std::move(p));
    s.clients.push_back({ QStringLiteral("users"), QStringLiteral("client"), 1, arrival });
    return s;
}

/// A mock server for the scenario's service and a runner aimed at it, on one shared clock.
struct LiveRig {
    SystemClock clock;
    CollectingSink sink;
    std::unique_ptr<MockHttpServer> server;
    std::unique_ptr<LiveRunner> runner;

    LiveRig(const Scenario& s, MockServiceOptions serverOptions = {})
    {
        serverOptions.name = s.services.front().name;
        server = std::make_unique<MockHttpServer>(s.services.front().faults, serverOptions, &clock);
        server->setEventSink(&sink);
        if (!server->listen())
            qFatal("cannot listen");
        LiveRunOptions options;
        options.serviceUrls[s.services.front().name] = server->url();
        options.sink = &sink;
        options.clock = &clock;
        runner = std::make_unique<LiveRunner>(s, options);
    }
    bool run(int timeoutMs = 20000)
    {
        QSignalSpy done(runner.get(), &LiveRunner::finished);
        server->start(clock.now());
        runner->start();
        return done.wait(timeoutMs) || done.count() == 1;
    }
    std::vector<Event> of(EventKind kind) const
    {
        std::vector<Event> out;
        for (const auto& e : sink.events())
            if (e.kind == kind)
                out.push_back(e);
        return out;
    }
};

double ms(Duration d)
{
    return toMs(d);
}

} // namespace

class TestLiveRunner : public QObject {
    Q_OBJECT
private slots:
    void retryAfterHonoured_data();
    void retryAfterHonoured();
    void resetLeadsToRetry();
    void hangCutByTimeout();
    void outageOpensBreakerAndRecoveryClosesIt();
    void agreesWithSimulator();
    void rejectsNonLoopbackUrls_data();
    void rejectsNonLoopbackUrls();
    void stopAbandonsInFlight();
    void prometheusText();
    void restartAfterFinish();
    void serverRetryAfterPausesRateLimiter();
    void bulkheadActsOnRealConcurrency();
    void closedLoopUsersWaitForTheirAnswers();
    void scheduledBreakerActions();
    void sharedCircuitActsOnce();
    void breakerControlEndpoint();
    void hedgeWinsAndTheLoserIsAborted();
    void hedgedTryTimesOutWithAllItsRequests();
};

void TestLiveRunner::retryAfterHonoured_data()
{
    QTest::addColumn<bool>("httpDate");
    QTest::addColumn<double>("minMs");
    QTest::addColumn<double>("maxMs");
    // Seconds: exactly 1 s. HTTP-date: whole-second resolution, the server rounds its send time up,
    // so anything in (1 s, 2 s] is a correct reading; 150 ms of scheduling slack on top.
    QTest::newRow("seconds") << false << 990.0 << 1150.0;
    QTest::newRow("http-date") << true << 990.0 << 2150.0;
}

void TestLiveRunner::retryAfterHonoured()
{
    QFETCH(bool, httpDate);
    QFETCH(double, minMs);
    QFETCH(double, maxMs);
    FaultProfile throttled = failing(FaultKind::Http429);
    throttled.retryAfter = 1s;
    throttled.retryAfterFormat = httpDate ? RetryAfterFormat::HttpDate : RetryAfterFormat::Seconds;
    FaultSchedule faults(throttled);
    faults.addChange(400ms, FaultProfile::healthy(1ms), QStringLiteral("recovered"));
    LiveRig rig(scenario(faults, retrying(3, 10ms), constant(1.0), 500ms)); // one request at t = 0
    QVERIFY(rig.run());

    const auto attempts = rig.of(EventKind::Attempt);
    QCOMPARE(attempts.size(), std::size_t(2));
    QCOMPARE(attempts[1].attempt, 2);
    QCOMPARE(attempts[0].httpStatus, 429);
    QVERIFY(attempts[1].outcome == OutcomeKind::Success);
    const auto scheduled = rig.of(EventKind::RetryScheduled);
    QCOMPARE(scheduled.size(), std::size_t(1));
    QCOMPARE(scheduled[0].text, QStringLiteral("retry_after"));
    const double waitedMs = ms((attempts[1].time - attempts[1].latency) - attempts[0].time);
    qInfo("Retry-After %s: waited %.1f ms (hint %.0f ms)", httpDate ? "http-date" : "seconds", waitedMs,
        ms(scheduled[0].delay));
    QVERIFY2(waitedMs >= minMs && waitedMs <= maxMs, qPrintable(QString::number(waitedMs)));
    QCOMPARE(rig.runner->result().pipelines[0].summary.succeeded, 1u);
    QCOMPARE(rig.server->stats().requests, 2u);
}

void TestLiveRunner::resetLeadsToRetry()
{
    FaultSchedule faults(failing(FaultKind::ConnectionReset));
    faults.addChange(150ms, FaultProfile::healthy(1ms));
    LiveRig rig(scenario(faults, retrying(3, 300ms), constant(1.0), 100ms));
    QVERIFY(rig.run());
    const auto attempts = rig.of(EventKind::Attempt);
    QCOMPARE(attempts.size(), std::size_t(2));
    QVERIFY(attempts[0].outcome == OutcomeKind::Error);
    QCOMPARE(attempts[0].errorClass, ErrorClass::connectionReset());
    QVERIFY(attempts[1].outcome == OutcomeKind::Success);
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QCOMPARE(summary.succeeded, 1u);
    QCOMPARE(summary.attempts, 2u);
    QCOMPARE(summary.retries, 1u);
    QCOMPARE(rig.server->stats().resets, 1u);
    QCOMPARE(rig.server->stats().requests, 2u); // the client did not silently resend
}

void TestLiveRunner::hangCutByTimeout()
{
    // One request, two attempts: each hangs and is cut by the 200 ms attempt timeout, then retried.
    PipelineConfig config = retrying(2, 10ms);
    config.timeoutEnabled = true;
    config.timeout.attemptTimeout = 200ms;
    LiveRig rig(scenario(FaultSchedule(failing(FaultKind::Hang)), config, constant(1.0), 100ms));
    QVERIFY(rig.run());
    const auto attempts = rig.of(EventKind::Attempt);
    QCOMPARE(attempts.size(), std::size_t(2));
    for (int i = 0; i < 2; ++i) {
        const Event& a = attempts[std::size_t(i)];
        QCOMPARE(a.attempt, i + 1);
        QVERIFY(a.outcome == OutcomeKind::Timeout);
        QVERIFY2(a.latency >= 195ms && a.latency <= 300ms, qPrintable(QString::number(ms(a.latency))));
    }
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QCOMPARE(summary.timeouts, 2u);
    QCOMPARE(summary.retries, 1u);
    QCOMPARE(summary.failed, 1u);
    // Aborting the reply frees the server's slot: no hang outlives its client.
    QTRY_COMPARE(rig.server->stats().concurrent, 0);
    QCOMPARE(rig.server->stats().hangs, 2u);
}

void TestLiveRunner::outageOpensBreakerAndRecoveryClosesIt()
{
    FaultProfile profile = FaultProfile::healthy(2ms);
    profile.outages.push_back({ 0ms, 700ms, FaultKind::Http503 });
    CircuitBreakerConfig breaker;
    breaker.name = QStringLiteral("svc-breaker");
    breaker.failureThreshold = 3;
    breaker.recoveryTimeout = 250ms;
    breaker.successThreshold = 1;
    LiveRig rig(scenario(FaultSchedule(profile), retrying(1, 0ms), constant(40.0), 1500ms, breaker));
    QVERIFY(rig.run());
    const auto transitions = rig.of(EventKind::BreakerTransition);
    QVERIFY(transitions.size() >= 3);
    QVERIFY(transitions.front().from == BreakerState::Closed);
    QVERIFY(transitions.front().to == BreakerState::Open);
    QVERIFY(transitions.front().time < TimePoint(700ms));
    QVERIFY(transitions.back().to == BreakerState::Closed);
    QVERIFY(transitions.back().time >= TimePoint(700ms));
    const auto& result = rig.runner->result();
    const auto& summary = result.pipelines[0].summary;
    QVERIFY(summary.breakerRejections > 0);
    QCOMPARE(summary.breakerTransitions, quint64(transitions.size()));
    QVERIFY(result.pipelines[0].buckets.back().breakerState == BreakerState::Closed);
    QVERIFY(summary.rejected > 0);
    QVERIFY(summary.succeeded > 0);
    // Rejected calls never reached the server.
    QCOMPARE(rig.server->stats().requests, summary.attempts);
}

// The live runner carries out a circuit's schedule on real time, as the simulator does on virtual time.
void TestLiveRunner::scheduledBreakerActions()
{
    CircuitBreakerConfig breaker;
    breaker.name = QStringLiteral("svc-breaker");
    breaker.schedule = { { 200ms, { BreakerCommand::Isolate, std::nullopt, std::nullopt } },
        { 500ms, { BreakerCommand::Release, std::nullopt, std::nullopt } } };
    LiveRig rig(scenario(FaultSchedule(FaultProfile::healthy(1ms)), retrying(1, 0ms), constant(40.0), 800ms, breaker));
    QVERIFY(rig.run());
    const auto transitions = rig.of(EventKind::BreakerTransition);
    QCOMPARE(transitions.size(), std::size_t(2));
    QCOMPARE(transitions[0].text, QStringLiteral("forced open"));
    QCOMPARE(transitions[1].text, QStringLiteral("released"));
    QVERIFY(transitions[0].time >= TimePoint(200ms));
    QVERIFY(transitions[1].time >= TimePoint(500ms));
    const auto rejections = rig.of(EventKind::BreakerRejected);
    QVERIFY(!rejections.empty());
    for (const auto& r : rejections) { // refused only while isolated, with no retry hint
        QVERIFY(r.time >= transitions[0].time && r.time <= transitions[1].time);
        QCOMPARE(r.text, QStringLiteral("isolated"));
        QCOMPARE(r.delay, Duration::zero());
    }
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QCOMPARE(summary.rejected, quint64(rejections.size()));
    QVERIFY(summary.succeeded > 0);
}

void TestLiveRunner::sharedCircuitActsOnce()
{
    CircuitBreakerConfig breaker;
    breaker.name = QStringLiteral("shared");
    breaker.schedule = { { 200ms, { BreakerCommand::Isolate, std::nullopt, std::nullopt } },
        { 500ms, { BreakerCommand::Release, std::nullopt, std::nullopt } } };
    Scenario s = scenario(FaultSchedule(FaultProfile::healthy(1ms)), retrying(1, 0ms), constant(40.0), 800ms, breaker);
    PipelineSpec second = s.pipelines.front();
    second.config.name = QStringLiteral("second");
    s.pipelines.push_back(second);
    s.clients.push_back({ QStringLiteral("others"), QStringLiteral("second"), 1, constant(25.0) });
    QVERIFY(s.validate().empty());
    LiveRig rig(s);
    QVERIFY(rig.run());
    // one breaker: the schedule runs once, and both pipelines are refused while it is isolated
    QCOMPARE(rig.of(EventKind::BreakerTransition).size(), std::size_t(2));
    const auto& result = rig.runner->result();
    QVERIFY(result.pipelines[0].summary.breakerRejections > 0);
    QVERIFY(result.pipelines[1].summary.breakerRejections > 0);
    QCOMPARE(result.pipelines[0].summary.breakerTransitions, 2u);
    QCOMPARE(result.pipelines[1].summary.breakerTransitions, 2u);
    QCOMPARE(result.total().breakerTransitions, 2u);
    QCOMPARE(result.total().breakerRejections, quint64(rig.of(EventKind::BreakerRejected).size()));
}

void TestLiveRunner::breakerControlEndpoint()
{
    // POST /_control/breaker on a mock server acts on the live run's breaker, as a scheduled action would.
    using testing::get;
    using testing::post;
    using testing::RawClient;
    using testing::RawResponse;
    CircuitBreakerConfig breaker;
    breaker.name = QStringLiteral("payments");
    LiveRig rig(scenario(FaultSchedule(FaultProfile::healthy(1ms)), retrying(1, 0ms), constant(40.0), 1500ms, breaker));
    rig.server->setBreakerControl(
        [&rig](const QByteArray& method, const QByteArray& body) { return rig.runner->breakerControl(method, body); });
    QSignalSpy done(rig.runner.get(), &LiveRunner::finished);
    rig.server->start(rig.clock.now());
    rig.runner->start();
    RawClient client(rig.server->url().port());
    QVERIFY(client.waitConnected());
    const auto ask = [&client](const QByteArray& request) {
        client.send(request);
        const RawResponse r = client.next();
        return std::pair(r.status, QJsonDocument::fromJson(r.body).object());
    };
    const auto control = [&ask](const QByteArray& body) { return ask(post("/_control/breaker", body)); };

    auto [status, answer] = ask(get("/_control/breaker"));
    QCOMPARE(status, 200);
    const QJsonObject listed = answer.value(QStringLiteral("circuits")).toArray().first().toObject();
    QCOMPARE(listed.value(QStringLiteral("name")).toString(), QStringLiteral("payments"));
    QCOMPARE(listed.value(QStringLiteral("state")).toString(), QStringLiteral("CLOSED"));

    // Bad requests change nothing and say why.
    std::tie(status, answer) = control(R"({"circuit": "nope", "action": "isolate"})");
    QCOMPARE(status, 404);
    QVERIFY(answer.value(QStringLiteral("error")).toString().contains(QStringLiteral("payments")));
    std::tie(status, answer) = control(R"({"circuit": "payments", "action": "isolate", "for": 5})");
    QCOMPARE(status, 422);
    QVERIFY2(answer.value(QStringLiteral("error")).toString().contains(QStringLiteral("for")),
        qPrintable(answer.value(QStringLiteral("error")).toString()));
    std::tie(status, answer) = control(R"({"circuit": 3, "action": "explode"})");
    QCOMPARE(status, 422);
    const QString both = answer.value(QStringLiteral("error")).toString();
    QVERIFY2(both.contains(QStringLiteral("/circuit")) && both.contains(QStringLiteral("/action")), qPrintable(both));
    std::tie(status, answer) = control("not json");
    QCOMPARE(status, 400);
    std::tie(status, answer) = ask("POST /_control/breaker HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                                   "Content-Length: 2\r\n\r\n{}");
    QCOMPARE(status, 415);
    QVERIFY(rig.of(EventKind::BreakerTransition).empty());

    // Isolate: calls are refused until the release.
    std::tie(status, answer) = control(R"({"circuit": "payments", "action": "isolate"})");
    QCOMPARE(status, 200);
    QVERIFY(answer.value(QStringLiteral("state")).toString() != QStringLiteral("CLOSED"));
    QVERIFY(QTest::qWaitFor([&rig] { return !rig.of(EventKind::BreakerRejected).empty(); }, 5000));
    std::tie(status, answer) = control(R"({"circuit": "payments", "action": "release"})");
    QCOMPARE(status, 200);
    QCOMPARE(answer.value(QStringLiteral("state")).toString(), QStringLiteral("CLOSED"));
    QVERIFY(done.wait(20000) || done.count() == 1);

    const auto transitions = rig.of(EventKind::BreakerTransition);
    QCOMPARE(transitions.size(), std::size_t(2));
    QCOMPARE(transitions[0].text, QStringLiteral("forced open"));
    QCOMPARE(transitions[1].text, QStringLiteral("released"));
    for (const auto& r : rig.of(EventKind::BreakerRejected))
        QVERIFY(r.time >= transitions[0].time && r.time <= transitions[1].time);
    QVERIFY(rig.runner->result().pipelines[0].summary.succeeded > 0);
}

void TestLiveRunner::agreesWithSimulator()
{
    FaultProfile profile = FaultProfile::healthy(5ms);
    profile.errorRate = 0.2;
    const Scenario s = scenario(FaultSchedule(profile), retrying(3, 20ms), constant(50.0), 3s);
    const RunResult sim = Simulator::run(s);
    LiveRig rig(s);
    QVERIFY(rig.run());
    const PipelineSummary a = sim.pipelines[0].summary;
    const PipelineSummary b = rig.runner->result().pipelines[0].summary;
    qInfo("requests sim %llu live %llu; attempts/request sim %.3f live %.3f; success sim %.3f live %.3f; "
          "p50 sim %.2f live %.2f ms; p99 sim %.2f live %.2f ms",
        qulonglong(a.requests), qulonglong(b.requests), a.retryAmplification(), b.retryAmplification(), a.successRate(),
        b.successRate(), a.latencyP50Ms, b.latencyP50Ms, a.latencyP99Ms, b.latencyP99Ms);
    // Stated tolerances: arrivals are scheduled identically (constant rate), faults are drawn from
    // different random streams (server vs simulator), and live latency adds real transport time.
    QVERIFY(qAbs(qint64(a.requests) - qint64(b.requests)) <= 1);
    QCOMPARE(b.unfinished, 0u);
    QVERIFY(qAbs(a.retryAmplification() - b.retryAmplification()) <= 0.2);
    QVERIFY(qAbs(a.successRate() - b.successRate()) <= 0.04);
    QVERIFY(b.latencyP50Ms >= a.latencyP50Ms - 0.5 && b.latencyP50Ms <= a.latencyP50Ms + 10.0);
    QCOMPARE(rig.runner->result().services[0].arrivals, b.attempts);
}

void TestLiveRunner::rejectsNonLoopbackUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("ok");
    QTest::newRow("127.0.0.1") << QStringLiteral("http://127.0.0.1:8080/api") << true;
    QTest::newRow("localhost") << QStringLiteral("http://localhost:1/") << true;
    QTest::newRow("ipv6 loopback") << QStringLiteral("http://[::1]:8080/") << true;
    QTest::newRow("127.0.0.2") << QStringLiteral("http://127.0.0.2/") << true;
    QTest::newRow("remote") << QStringLiteral("http://example.com/") << false;
    QTest::newRow("lan") << QStringLiteral("http://192.168.1.10/") << false;
    QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1/") << false;
}

void TestLiveRunner::rejectsNonLoopbackUrls()
{
    QFETCH(QString, url);
    QFETCH(bool, ok);
    QString why;
    QCOMPARE(LiveRunner::isLoopbackUrl(QUrl(url), &why), ok);
    QCOMPARE(why.isEmpty(), ok);
    LiveRunOptions options;
    options.serviceUrls[QStringLiteral("svc")] = QUrl(url);
    const Scenario s = scenario(FaultSchedule {}, retrying(1, 0ms), constant(1.0), 1s);
    bool threw = false;
    try {
        LiveRunner runner(s, options);
    } catch (const InvalidConfig& e) {
        threw = true;
        QCOMPARE(e.errors().front().field, QStringLiteral("services/0/url"));
    }
    QCOMPARE(threw, !ok);
}

void TestLiveRunner::stopAbandonsInFlight()
{
    // Hangs with no timeout: nothing ends by itself; stop() must abort and account for every call.
    LiveRig rig(scenario(FaultSchedule(failing(FaultKind::Hang)), retrying(1, 0ms), constant(20.0), 10s));
    QSignalSpy done(rig.runner.get(), &LiveRunner::finished);
    rig.runner->start();
    QTRY_VERIFY(rig.server->stats().concurrent >= 3);
    QVERIFY(rig.runner->inFlight() >= 3);
    rig.runner->stop();
    QCOMPARE(done.count(), 1);
    QVERIFY(!rig.runner->isRunning());
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QVERIFY(summary.unfinished >= 3);
    QCOMPARE(summary.unfinished, summary.requests);
    QTRY_COMPARE(rig.server->stats().concurrent, 0);
}

void TestLiveRunner::prometheusText()
{
    LiveRig rig(scenario(FaultSchedule(FaultProfile::healthy(1ms)), retrying(1, 0ms), constant(20.0), 300ms));
    rig.server->setMetricsProvider([&rig] { return rig.runner->prometheusText(); });
    QVERIFY(rig.run());
    const QByteArray text = rig.runner->prometheusText();
    QVERIFY(text.contains("# TYPE rwb_client_requests_total counter\n"));
    QVERIFY2(text.contains("rwb_client_requests_total{pipeline=\"client\"} 6\n"), text.constData());
    QVERIFY(text.contains("rwb_client_requests_finished_total{pipeline=\"client\",result=\"succeeded\"} 6\n"));
}

void TestLiveRunner::restartAfterFinish()
{
    LiveRig rig(scenario(FaultSchedule(FaultProfile::healthy(1ms)), retrying(1, 0ms), constant(20.0), 250ms));
    QVERIFY(rig.run());
    const auto first = rig.runner->result().pipelines[0].summary;
    QVERIFY(rig.run());
    const auto second = rig.runner->result().pipelines[0].summary;
    QCOMPARE(first.requests, 5u);
    QCOMPARE(second.requests, first.requests); // a fresh run, not an accumulation
    QCOMPARE(second.succeeded, 5u);
    QCOMPARE(rig.server->stats().requests, 10u);
}

void TestLiveRunner::serverRetryAfterPausesRateLimiter()
{
    // The first call gets 429 + Retry-After: 1; the limiter then holds every call until the hint ends,
    // so no further request reaches the server while it asked for quiet.
    FaultProfile throttled = failing(FaultKind::Http429);
    throttled.retryAfter = 1s;
    FaultSchedule faults(throttled);
    faults.addChange(50ms, FaultProfile::healthy(1ms));
    PipelineConfig config = retrying(3, 10ms);
    config.rateLimiterEnabled = true;
    config.rateLimiter.ratePerSecond = 100;
    config.rateLimiter.burst = 10;
    config.rateLimiter.maxWait = 5s;
    config.rateLimiter.respectServerRetryAfter = true;
    LiveRig rig(scenario(faults, config, constant(10.0), 450ms)); // calls at 0, 100, ..., 400 ms
    QVERIFY(rig.run());
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QCOMPARE(summary.requests, 5u);
    QCOMPARE(summary.succeeded, 5u);
    std::size_t serverPauses = 0;
    for (const auto& e : rig.of(EventKind::RateLimited))
        serverPauses += e.text == QStringLiteral("server");
    QVERIFY2(serverPauses >= 4, qPrintable(QString::number(serverPauses)));
    // Every successful attempt started after the hinted second.
    for (const auto& a : rig.of(EventKind::Attempt))
        if (a.outcome == OutcomeKind::Success)
            QVERIFY2(
                a.time - a.latency >= TimePoint(990ms), qPrintable(QString::number(toMs(a.time.time_since_epoch()))));
    QCOMPARE(rig.server->stats().byStatus.at(429), 1u);
}

void TestLiveRunner::bulkheadActsOnRealConcurrency()
{
    // A burst of 4 against a 1-slot bulkhead with a queue of 1: one runs, one waits for the slot, two
    // are refused at once. The server sees at most one request at a time.
    PipelineConfig config = retrying(1, 0ms);
    config.bulkheadEnabled = true;
    config.bulkhead.maxConcurrent = 1;
    config.bulkhead.maxQueue = 1;
    config.bulkhead.maxQueueWait = 2s;
    ArrivalProcess burst;
    burst.kind = ArrivalProcess::Kind::Bursts;
    burst.rate = 0;
    burst.burstSize = 4;
    burst.burstInterval = 10s;
    LiveRig rig(scenario(FaultSchedule(FaultProfile::healthy(100ms)), config, burst, 50ms));
    QVERIFY(rig.run());
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QCOMPARE(summary.requests, 4u);
    QCOMPARE(summary.succeeded, 2u);
    QCOMPARE(summary.rejected, 2u);
    QCOMPARE(rig.of(EventKind::BulkheadRejected).size(), std::size_t(2));
    QCOMPARE(rig.server->stats().maxConcurrent, 1);
    QCOMPARE(rig.server->stats().requests, 2u);
}

// Hedging over real HTTP: the first request of the only call hangs (the service hangs for its first
// 100 ms), the hedge sent at 300 ms finds it healthy and wins; the hung request is aborted, which frees
// its place on the server.
void TestLiveRunner::hedgeWinsAndTheLoserIsAborted()
{
    PipelineConfig config = retrying(1, 0ms);
    config.hedgingEnabled = true;
    config.hedging.delay = 300ms;
    config.timeoutEnabled = true;
    config.timeout.attemptTimeout = 5s;
    FaultSchedule faults(failing(FaultKind::Hang));
    faults.addChange(100ms, FaultProfile::healthy(10ms), QStringLiteral("healthy"));
    LiveRig rig(scenario(faults, config, constant(1.0), 50ms));
    QVERIFY(rig.run());
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QCOMPARE(summary.requests, 1u);
    QCOMPARE(summary.succeeded, 1u);
    QCOMPARE(summary.attempts, 1u);
    QCOMPARE(summary.hedges, 1u);
    QVERIFY2(summary.latencyP99Ms >= 295 && summary.latencyP99Ms < 2000, qPrintable(QString::number(summary.latencyP99Ms)));
    const auto launched = rig.of(EventKind::HedgeLaunched);
    QCOMPARE(launched.size(), std::size_t(1));
    QCOMPARE(launched[0].text, QStringLiteral("1"));
    const auto cancelled = rig.of(EventKind::HedgeCancelled);
    QCOMPARE(cancelled.size(), std::size_t(1));
    QCOMPARE(cancelled[0].text, QStringLiteral("0")); // the hung first request lost
    QTRY_COMPARE(rig.server->stats().concurrent, 0); // the abort released the hung request
    QCOMPARE(rig.server->stats().requests, 2u);
    QCOMPARE(rig.server->stats().hangs, 1u);
}

// Both requests of the try hang: the attempt deadline cancels the two of them.
void TestLiveRunner::hedgedTryTimesOutWithAllItsRequests()
{
    PipelineConfig config = retrying(1, 0ms);
    config.hedgingEnabled = true;
    config.hedging.delay = 100ms;
    config.timeoutEnabled = true;
    config.timeout.attemptTimeout = 400ms;
    LiveRig rig(scenario(FaultSchedule(failing(FaultKind::Hang)), config, constant(1.0), 50ms));
    QVERIFY(rig.run());
    const auto& summary = rig.runner->result().pipelines[0].summary;
    QCOMPARE(summary.failed, 1u);
    QCOMPARE(summary.timeouts, 1u);
    QCOMPARE(summary.hedges, 1u);
    QCOMPARE(rig.of(EventKind::HedgeCancelled).size(), std::size_t(2));
    const auto attempts = rig.of(EventKind::Attempt);
    QCOMPARE(attempts.size(), std::size_t(1));
    QVERIFY(attempts[0].outcome == OutcomeKind::Timeout);
    QTRY_COMPARE(rig.server->stats().concurrent, 0);
    QCOMPARE(rig.server->stats().hangs, 2u);
}

QTEST_GUILESS_MAIN(TestLiveRunner)
#include "tst_liverunner.moc"

// Three closed-loop users, four requests each, against a service with one worker: never more than
// three requests in the service (a user waits for its answer), exactly twelve in all.
void TestLiveRunner::closedLoopUsersWaitForTheirAnswers()
{
    FaultProfile p = FaultProfile::healthy(20ms);
    p.capacity.maxConcurrent = 1;
    p.capacity.queueSize = 10;
    ArrivalProcess users;
    users.kind = ArrivalProcess::Kind::Closed;
    users.thinkTime = LatencyDistribution::fixed(30ms);
    users.requestsPerUser = 4;
    Scenario s = scenario(FaultSchedule(p), retrying(1, 0ms), users, 1s);
    s.clients.front().count = 3;
    LiveRig rig(s);
    QVERIFY(rig.run());
    const auto& summary = rig.runner->result().pipelines.front().summary;
    QCOMPARE(summary.requests, std::uint64_t(12));
    QCOMPARE(summary.succeeded, std::uint64_t(12));
    QVERIFY(rig.server->stats().maxConcurrent <= 3);
    QCOMPARE(rig.server->stats().maxQueued <= 2, true);
}
