// The exported opossum and cockatiel configurations, run by the real libraries (node + fake timers,
// tests/interop/harness.js) through the same outcome trace as the workbench's own policies (the
// attempts of a simulator run, recorded through an event sink): breaker transitions and retry delays
// compared event by event. Identical where docs/interop.md says "exact",
// within the documented bound where it says "approximate".
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/interop/interop.h"
#include "core/policy/circuitbreaker.h"
#include "core/policy/retrypolicy.h"
#include "core/sim/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {

struct TraceCall {
    qint64 atMs;
    qint64 latencyMs;
    bool ok;
};
struct TraceAttempt {
    qint64 latencyMs;
    bool ok;
};
struct Trace {
    std::vector<TraceCall> calls;
    std::vector<std::vector<TraceAttempt>> retryCalls;
};

/// The dependency whose life the trace records: healthy, a full outage from 3 s, a flaky recovery from
/// 9 s, healthy again from 16 s; 10-70 ms per answer. Called by one client at a constant 10 per second
/// through a pipeline with every stage off, so every request reaches the service exactly once and is
/// done before the next starts (so "in flight" never differs between libraries that count calls when
/// they start and ours, which counts them when they end).
constexpr const char* kRecordedScenario = R"({
  "schema_version": 1, "name": "interop trace", "seed": %1, "duration": 40, "drain_limit": 1,
  "services": [{"name": "dependency",
    "fault": {"error_rate": 0.05, "latency": {"distribution": "uniform", "min": 0.010, "max": 0.070}},
    "schedule": [{"at": 3, "label": "outage", "fault": {"error_rate": 1}},
                 {"at": 9, "label": "flaky recovery", "fault": {"error_rate": 0.5}},
                 {"at": 16, "label": "healthy", "fault": {"error_rate": 0.02}}]}],
  "pipelines": [{"name": "recorder", "service": "dependency"}],
  "clients": [{"name": "caller", "pipeline": "recorder", "arrival": {"process": "constant", "rate": 10}}]
})";

/// Keeps the simulator's attempts: when each started, how long it took, whether it succeeded.
class AttemptRecorder final : public EventSink {
public:
    void onEvent(const Event& e) override
    {
        if (e.kind != EventKind::Attempt)
            return;
        // Whole milliseconds: the peers run on fake timers that tick in ms, and both sides are fed
        // exactly these rounded values.
        const auto ms = [](Duration d) { return qint64(std::llround(toSeconds(d) * 1000.0)); };
        const qint64 end = ms(e.time.time_since_epoch());
        const qint64 latency = ms(e.latency);
        calls.push_back({ end - latency, latency, e.outcome == OutcomeKind::Success });
    }
    std::vector<TraceCall> calls;
};

/// The trace, recorded from a simulator run of kRecordedScenario with `seed`. The retry calls are
/// cut from the same recording: for 0, 1, 3, 5 and 9 failures, the first recorded stretch of that
/// many failed attempts followed by a successful one.
Trace recordTrace(std::uint64_t seed)
{
    const ScenarioLoad load = scenariojson::load(QByteArray(kRecordedScenario).replace("%1", QByteArray::number(seed)));
    if (!load.ok())
        qFatal("the recording scenario does not load: %s", qPrintable(load.errors.front().message));
    AttemptRecorder recorder;
    SimulationOptions options;
    options.sink = &recorder;
    Simulator::run(*load.scenario, options);
    Trace t;
    t.calls = std::move(recorder.calls);
    for (int failures : { 0, 1, 3, 5, 9 }) {
        for (std::size_t end = std::size_t(failures); end < t.calls.size(); ++end) {
            const auto first = t.calls.begin() + std::ptrdiff_t(end) - failures;
            const auto last = t.calls.begin() + std::ptrdiff_t(end);
            if (!last->ok || std::any_of(first, last, [](const TraceCall& c) { return c.ok; }))
                continue;
            std::vector<TraceAttempt> attempts;
            for (auto it = first; it <= last; ++it)
                attempts.push_back({ it->latencyMs, it->ok });
            t.retryCalls.push_back(attempts);
            break;
        }
    }
    if (t.retryCalls.size() != 5)
        qFatal("the recording has no stretch of 9 failures followed by a success");
    return t;
}

QByteArray traceJson(const Trace& t)
{
    QJsonArray calls;
    for (const auto& c : t.calls)
        calls.append(QJsonObject { { QStringLiteral("at"), c.atMs }, { QStringLiteral("latency"), c.latencyMs },
            { QStringLiteral("ok"), c.ok } });
    QJsonArray retryCalls;
    for (const auto& attempts : t.retryCalls) {
        QJsonArray a;
        for (const auto& x : attempts)
            a.append(QJsonObject { { QStringLiteral("latency"), x.latencyMs }, { QStringLiteral("ok"), x.ok } });
        retryCalls.append(a);
    }
    return QJsonDocument(
        QJsonObject { { QStringLiteral("calls"), calls }, { QStringLiteral("retry_calls"), retryCalls } })
        .toJson();
}

struct Transition {
    qint64 t;
    QString to;
    friend bool operator==(const Transition&, const Transition&) = default;
};
struct Run {
    std::vector<Transition> transitions;
    QStringList calls;
    std::vector<std::vector<qint64>> retries;
};

QString stateName(BreakerState s)
{
    return s == BreakerState::Open    ? QStringLiteral("open")
        : s == BreakerState::HalfOpen ? QStringLiteral("half_open")
                                      : QStringLiteral("closed");
}

class TransitionSink final : public EventSink {
public:
    void onEvent(const Event& e) override
    {
        if (e.kind == EventKind::BreakerTransition)
            transitions.push_back(
                { std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count(),
                    stateName(e.to) });
    }
    std::vector<Transition> transitions;
};

TimePoint at(qint64 ms)
{
    return TimePoint(std::chrono::milliseconds(ms));
}

/// The workbench's breaker through the trace. `eagerHalfOpen`: report OPEN -> HALF_OPEN at the
/// deadline (as opossum's timer does) rather than at the next call (as ours and cockatiel do).
Run driveBreaker(const CircuitBreakerConfig& config, const Trace& trace, bool eagerHalfOpen)
{
    TransitionSink sink;
    CircuitBreaker breaker(config, &sink);
    Run run;
    for (const auto& c : trace.calls) {
        const Admission a = breaker.tryAcquire(at(c.atMs));
        if (!a) {
            run.calls << QStringLiteral("rejected");
            continue;
        }
        const Duration latency = std::chrono::milliseconds(c.latencyMs);
        breaker.onOutcome(
            a.permit, c.ok ? Outcome::success(latency) : Outcome::httpError(503, latency), at(c.atMs + c.latencyMs));
        run.calls << (c.ok ? QStringLiteral("ok") : QStringLiteral("failed"));
    }
    run.transitions = sink.transitions;
    if (eagerHalfOpen) {
        qint64 openedAt = 0;
        for (auto& t : run.transitions) {
            if (t.to == QLatin1String("open"))
                openedAt = t.t;
            else if (t.to == QLatin1String("half_open"))
                t.t = openedAt + std::chrono::duration_cast<std::chrono::milliseconds>(config.recoveryTimeout).count();
        }
    }
    return run;
}

/// The workbench's retry decisions through the trace's retry calls: the delay before each retry.
std::vector<std::vector<qint64>> driveRetry(const RetryConfig& config, const Trace& trace, std::uint64_t seed)
{
    const RetryPolicy policy(config);
    Random rng(seed);
    std::vector<std::vector<qint64>> out;
    for (const auto& attempts : trace.retryCalls) {
        std::vector<qint64> delays;
        RetryContext ctx;
        ctx.rng = &rng;
        TimePoint now {};
        for (int n = 1; n <= int(attempts.size()); ++n) {
            const TraceAttempt& a = attempts[std::size_t(n - 1)];
            now += std::chrono::milliseconds(a.latencyMs);
            if (a.ok)
                break;
            // 500, not 503: a 503 without Retry-After would wait default_retry_delay, a rule the peers lack.
            const RetryDecision d
                = policy.next(n, Outcome::httpError(500, std::chrono::milliseconds(a.latencyMs)), now, ctx);
            if (!d)
                break;
            delays.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(d.delay).count());
            now += d.delay;
        }
        out.push_back(delays);
    }
    return out;
}

QString describe(const std::vector<Transition>& ts)
{
    QStringList parts;
    for (const auto& t : ts)
        parts << QStringLiteral("%1@%2").arg(t.to).arg(t.t);
    return parts.join(QStringLiteral(" "));
}

PipelineSpec pipelineWith(std::optional<CircuitBreakerConfig> breaker, std::optional<RetryConfig> retry)
{
    PipelineSpec p;
    p.config.name = QStringLiteral("peer");
    p.service = QStringLiteral("svc");
    p.breaker = std::move(breaker);
    p.config.retryEnabled = retry.has_value();
    if (retry)
        p.config.retry = *retry;
    return p;
}

} // namespace

class TestInteropPeers : public QObject {
    Q_OBJECT

private:
    QString m_node;
    QString m_modules;

    /// Exports `spec`, runs the harness on it and parses the library's run.
    Run runPeer(const QString& lib, const PipelineSpec& spec, InteropFormat format, const Trace& trace)
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(
            format == InteropFormat::Cockatiel ? QStringLiteral("policies.js") : QStringLiteral("options.json"));
        const QString tracePath = dir.filePath(QStringLiteral("trace.json"));
        const InteropExport exported = interop::exportPipeline(spec, format);
        if (!interop::saveFile(exported.text, config) || !interop::saveFile(traceJson(trace), tracePath))
            qFatal("cannot write into %s", qPrintable(dir.path()));
        QProcess node;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NODE_PATH"), m_modules);
        node.setProcessEnvironment(env);
        node.start(m_node, { QStringLiteral(RWB_INTEROP_HARNESS), lib, config, tracePath });
        if (!node.waitForFinished(60000) || node.exitCode() != 0)
            qFatal("harness failed (%d): %s", node.exitCode(), node.readAllStandardError().constData());
        const QJsonObject result = QJsonDocument::fromJson(node.readAllStandardOutput()).object();
        Run run;
        for (const auto& v : result.value(QStringLiteral("transitions")).toArray())
            run.transitions.push_back(
                { qint64(v[QStringLiteral("t")].toDouble()), v[QStringLiteral("to")].toString() });
        for (const auto& v : result.value(QStringLiteral("calls")).toArray())
            run.calls << v.toString();
        for (const auto& call : result.value(QStringLiteral("retries")).toArray()) {
            std::vector<qint64> delays;
            for (const auto& d : call.toArray())
                delays.push_back(qint64(d.toDouble()));
            run.retries.push_back(delays);
        }
        return run;
    }

private slots:
    void initTestCase()
    {
        m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
        if (m_node.isEmpty())
            QSKIP("node is not installed: the exported opossum/cockatiel configs cannot be run "
                  "(scripts/install-deps.sh installs nodejs and npm)");
        m_modules = QStringLiteral(RWB_INTEROP_NODE_DIR "/node_modules");
        for (const char* package : { "opossum", "cockatiel", "@sinonjs/fake-timers" })
            QVERIFY2(QFileInfo::exists(m_modules + QLatin1Char('/') + QLatin1String(package)),
                qPrintable(QStringLiteral("%1 is missing under %2: run scripts/install-interop-node.sh <build dir>")
                               .arg(QLatin1String(package), m_modules)));
    }

    // Exact row: consecutive failures, one probe that alone decides, lazy OPEN -> HALF_OPEN at the next
    // call (cockatiel's ConsecutiveBreaker and halfOpenAfter). Every transition and call outcome identical.
    void cockatielConsecutiveBreakerIsIdentical_data()
    {
        QTest::addColumn<int>("threshold");
        QTest::addColumn<int>("recoveryMs");
        QTest::addColumn<quint64>("seed");
        QTest::newRow("5 in a row, 2 s") << 5 << 2000 << quint64(1);
        QTest::newRow("3 in a row, 750 ms") << 3 << 750 << quint64(2);
        QTest::newRow("1 failure, 5 s") << 1 << 5000 << quint64(3);
    }
    void cockatielConsecutiveBreakerIsIdentical()
    {
        QFETCH(int, threshold);
        QFETCH(int, recoveryMs);
        QFETCH(quint64, seed);
        CircuitBreakerConfig b;
        b.name = QStringLiteral("peer");
        b.tripMode = TripMode::Consecutive;
        b.failureThreshold = threshold;
        b.recoveryTimeout = std::chrono::milliseconds(recoveryMs);
        b.permittedProbes = 1;
        b.successThreshold = 1;
        const Trace trace = recordTrace(seed);
        const Run ours = driveBreaker(b, trace, false);
        const Run theirs
            = runPeer(QStringLiteral("cockatiel"), pipelineWith(b, std::nullopt), InteropFormat::Cockatiel, trace);
        QVERIFY2(
            ours.transitions.size() >= 3, qPrintable(describe(ours.transitions))); // the trace does trip the breaker
        QCOMPARE(describe(theirs.transitions), describe(ours.transitions));
        QCOMPARE(theirs.calls, ours.calls);
    }

    // Exact rows: retry delays without jitter (exponential base 2 -> ExponentialBackoff with
    // noJitterGenerator, constant -> ConstantBackoff, linear -> IterableBackoff of our delays).
    void cockatielRetryDelaysAreIdentical_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("baseMs");
        QTest::addColumn<int>("maxMs");
        QTest::addColumn<int>("maxAttempts");
        QTest::newRow("exponential, capped") << int(BackoffStrategy::Exponential) << 100 << 1500 << 8;
        QTest::newRow("constant") << int(BackoffStrategy::Constant) << 250 << 60000 << 4;
        QTest::newRow("linear, capped") << int(BackoffStrategy::Linear) << 150 << 500 << 7;
    }
    void cockatielRetryDelaysAreIdentical()
    {
        QFETCH(int, strategy);
        QFETCH(int, baseMs);
        QFETCH(int, maxMs);
        QFETCH(int, maxAttempts);
        RetryConfig r;
        r.maxAttempts = maxAttempts;
        r.backoff.strategy = BackoffStrategy(strategy);
        r.backoff.jitter = Jitter::None;
        r.backoff.baseDelay = std::chrono::milliseconds(baseMs);
        r.backoff.maxDelay = std::chrono::milliseconds(maxMs);
        r.retryAfter.respectRetryAfter = false;
        const Trace trace = recordTrace(7);
        const auto ours = driveRetry(r, trace, 7);
        const Run theirs
            = runPeer(QStringLiteral("cockatiel"), pipelineWith(std::nullopt, r), InteropFormat::Cockatiel, trace);
        QCOMPARE(theirs.retries.size(), ours.size());
        for (std::size_t i = 0; i < ours.size(); ++i)
            QCOMPARE(theirs.retries[i], ours[i]);
        QVERIFY(ours.back().size() == std::size_t(maxAttempts - 1)); // the longest call ran out of attempts
    }

    // Approximate row (same distribution, other random numbers): full jitter. Bound: every delay of
    // both lies in [0, min(max_delay, base * 2^(n-1))), and both make the same number of retries.
    void cockatielFullJitterStaysWithinBound()
    {
        RetryConfig r;
        r.maxAttempts = 8;
        r.backoff.strategy = BackoffStrategy::Exponential;
        r.backoff.jitter = Jitter::Full;
        r.backoff.baseDelay = std::chrono::milliseconds(100);
        r.backoff.maxDelay = std::chrono::milliseconds(2000);
        r.retryAfter.respectRetryAfter = false;
        const Trace trace = recordTrace(11);
        const auto ours = driveRetry(r, trace, 11);
        const Run theirs
            = runPeer(QStringLiteral("cockatiel"), pipelineWith(std::nullopt, r), InteropFormat::Cockatiel, trace);
        QCOMPARE(theirs.retries.size(), ours.size());
        for (std::size_t i = 0; i < ours.size(); ++i) {
            QCOMPARE(theirs.retries[i].size(), ours[i].size());
            for (std::size_t n = 0; n < ours[i].size(); ++n) {
                const qint64 cap = std::min<qint64>(2000, 100 << n);
                QVERIFY2(ours[i][n] >= 0 && ours[i][n] < cap,
                    qPrintable(QStringLiteral("ours %1 vs cap %2").arg(ours[i][n]).arg(cap)));
                QVERIFY2(theirs.retries[i][n] >= 0 && theirs.retries[i][n] < cap,
                    qPrintable(QStringLiteral("cockatiel %1 vs cap %2").arg(theirs.retries[i][n]).arg(cap)));
            }
        }
    }

    // behave_like opossum: our engine runs opossum's window rule, so every transition and every call's
    // ok / failed / rejected is identical (half-open reported at resetTimeout after the open, as
    // opossum's timer does; ours half-opens at the next call, which is the same trial call).
    void opossumBehaveLikeIsIdentical_data()
    {
        QTest::addColumn<int>("windowMs");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<int>("volume");
        QTest::addColumn<int>("resetMs");
        QTest::addColumn<quint64>("seed");
        QTest::newRow("10 s, 50 %, 10 calls, 3 s") << 10000 << 0.5 << 10 << 3000 << quint64(5);
        QTest::newRow("5 s, 30 %, 5 calls, 1.5 s") << 5000 << 0.3 << 5 << 1500 << quint64(6);
        QTest::newRow("2 s, 60 %, 8 calls, 700 ms") << 2000 << 0.6 << 8 << 700 << quint64(7);
    }
    void opossumBehaveLikeIsIdentical()
    {
        QFETCH(int, windowMs);
        QFETCH(double, threshold);
        QFETCH(int, volume);
        QFETCH(int, resetMs);
        QFETCH(quint64, seed);
        CircuitBreakerConfig b;
        b.name = QStringLiteral("peer");
        b.tripMode = TripMode::TimeWindow;
        b.failureWindow = std::chrono::milliseconds(windowMs);
        b.failureRateThreshold = threshold;
        b.minimumCalls = volume;
        b.recoveryTimeout = std::chrono::milliseconds(resetMs);
        b.permittedProbes = 1;
        b.successThreshold = 1;
        PipelineSpec spec = pipelineWith(b, std::nullopt);
        spec.behaveLike = BehaveLike::Opossum;
        behavelike::apply(spec);
        QVERIFY(behavelike::errors(spec).empty());
        const Trace trace = recordTrace(seed);
        const Run ours = driveBreaker(*spec.breaker, trace, true);
        const Run theirs = runPeer(QStringLiteral("opossum"), spec, InteropFormat::Opossum, trace);
        QVERIFY2(ours.transitions.size() >= 3, qPrintable(describe(ours.transitions))); // it does trip
        QCOMPARE(describe(theirs.transitions), describe(ours.transitions));
        QCOMPARE(theirs.calls, ours.calls);
    }

    // Approximate row: our time window vs opossum's rolling window (docs/interop.md, opossum table).
    void opossumTimeWindowWithinBound()
    {
        CircuitBreakerConfig b;
        b.name = QStringLiteral("peer");
        b.tripMode = TripMode::TimeWindow;
        b.failureWindow = std::chrono::seconds(10);
        b.failureRateThreshold = 0.5;
        b.minimumCalls = 10;
        b.recoveryTimeout = std::chrono::seconds(3);
        b.permittedProbes = 1;
        b.successThreshold = 1;
        const Trace trace = recordTrace(5);
        const Run ours = driveBreaker(b, trace, true);
        const Run theirs
            = runPeer(QStringLiteral("opossum"), pipelineWith(b, std::nullopt), InteropFormat::Opossum, trace);
        qInfo("ours:    %s", qPrintable(describe(ours.transitions)));
        qInfo("opossum: %s", qPrintable(describe(theirs.transitions)));
        QVERIFY(!ours.transitions.empty());
        QVERIFY(!theirs.transitions.empty());
        // The first trip: same rule on the same calls, apart from opossum's bucket rotation.
        QCOMPARE(theirs.transitions.front().to, QStringLiteral("open"));
        QVERIFY2(std::abs(theirs.transitions.front().t - ours.transitions.front().t) <= 1000,
            qPrintable(describe(theirs.transitions) + QStringLiteral(" vs ") + describe(ours.transitions)));
        // Exact row: every OPEN lasts resetTimeout = recovery_timeout before HALF_OPEN, in both.
        const auto checkReset = [](const std::vector<Transition>& ts) {
            for (std::size_t i = 1; i < ts.size(); ++i)
                if (ts[i].to == QLatin1String("half_open")
                    && (ts[i - 1].to != QLatin1String("open") || ts[i].t - ts[i - 1].t != 3000))
                    return false;
            return true;
        };
        QVERIFY(checkReset(ours.transitions));
        QVERIFY(checkReset(theirs.transitions));
        // Trips (failed probes included) differ by at most one over the outage.
        const auto trips = [](const std::vector<Transition>& ts) {
            return std::count_if(
                ts.begin(), ts.end(), [](const Transition& t) { return t.to == QLatin1String("open"); });
        };
        QVERIFY2(std::abs(trips(theirs.transitions) - trips(ours.transitions)) <= 1,
            qPrintable(describe(theirs.transitions) + QStringLiteral(" vs ") + describe(ours.transitions)));
        // After the trace's healthy tail both are closed.
        QCOMPARE(theirs.transitions.back().to, QStringLiteral("closed"));
        QCOMPARE(ours.transitions.back().to, QStringLiteral("closed"));
    }
};

QTEST_GUILESS_MAIN(TestInteropPeers)
#include "tst_interop_peers.moc"
