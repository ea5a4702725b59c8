#include "core/config/demos.h"
#include "core/config/scenariojson.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {
const char* const kValid = R"({
  "schema_version": 1,
  "seed": 1,
  "duration": 10,
  "services": [{"name": "s", "fault": {"error_rate": 0.1}}],
  "pipelines": [{"name": "p", "service": "s", "retry": {"max_attempts": 3}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 10}}]
})";

QByteArray replaced(const char* from, const char* to)
{
    QByteArray s(kValid);
    const qsizetype at = s.indexOf(from);
    Q_ASSERT(at >= 0);
    return s.replace(at, qsizetype(qstrlen(from)), to);
}

QStringList messages(const ScenarioLoad& l)
{
    QStringList out;
    for (const auto& e : l.errors)
        out << e.toString();
    return out;
}
} // namespace

class TestScenarioJson : public QObject {
    Q_OBJECT

private slots:
    void validLoads()
    {
        const ScenarioLoad l = scenariojson::load(kValid, QStringLiteral("x.json"));
        QVERIFY2(l.ok(), qPrintable(messages(l).join(QLatin1Char('\n'))));
        const Scenario& s = *l.scenario;
        QCOMPARE(s.duration, Duration(10s));
        QCOMPARE(s.services.size(), std::size_t(1));
        QCOMPARE(s.services[0].faults.base().errorRate, 0.1);
        QCOMPARE(s.pipelines[0].config.retry.maxAttempts, 3);
        QVERIFY(s.pipelines[0].config.retryEnabled);
        QVERIFY(!s.pipelines[0].breaker);
        QCOMPARE(s.clients[0].arrival.rate, 10.0);
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected"); // the first error, exactly

        QTest::newRow("empty file") << QByteArray() << QStringLiteral("f.json:1:1: the file is empty (expected a JSON object)");
        QTest::newRow("whitespace only") << QByteArray(" \n\t\n") << QStringLiteral("f.json:1:1: the file is empty (expected a JSON object)");
        QTest::newRow("trailing comma") << QByteArray("{\n  \"seed\": 1,\n}\n")
                                        << QStringLiteral("f.json:3:1: syntax error: object is missing after a comma");
        QTest::newRow("unterminated") << QByteArray("{\n  \"seed\": 1\n") << QStringLiteral("f.json:2:12: syntax error: unterminated object");
        QTest::newRow("bare word") << QByteArray("{\"seed\":\n  nope}") << QStringLiteral("f.json:2:4: syntax error: illegal value");
        QTest::newRow("invalid utf-8") << QByteArray("{\n \"name\": \"caf\xe9\"}")
                                       << QStringLiteral("f.json:2:14: invalid UTF-8 (byte 0xe9)");
        QTest::newRow("deep nesting") << QByteArray(3000, '[') + QByteArray(3000, ']')
                                      << QStringLiteral("f.json:1:1025: syntax error: too deeply nested document");
        QTest::newRow("number out of double range") << replaced("\"duration\": 10", "\"duration\": 1e400")
                                                    << QStringLiteral("f.json:4:19: syntax error: illegal number");
        QTest::newRow("top-level array") << QByteArray("[1, 2]")
                                         << QStringLiteral("f.json: (document): expected a JSON object at the top level, got an array");
        QTest::newRow("missing schema_version") << replaced("\"schema_version\": 1,", "")
                                                << QStringLiteral("f.json: (document): missing key \"schema_version\" (expected 1)");
        QTest::newRow("future schema_version") << replaced("\"schema_version\": 1", "\"schema_version\": 2")
                                               << QStringLiteral("f.json: /schema_version: expected 1, got 2");
        QTest::newRow("wrong type duration") << replaced("\"duration\": 10", "\"duration\": \"ten\"")
                                             << QStringLiteral("f.json: /duration: expected a duration (seconds, or a string like \"250ms\", \"1.5s\", \"2m\"), got a string \"ten\"");
        QTest::newRow("huge duration") << replaced("\"duration\": 10", "\"duration\": 1e300")
                                       << QStringLiteral("f.json: /duration: expected a duration in [0, 3153600000] s, got 1e+300 s");
        QTest::newRow("negative max_attempts") << replaced("\"max_attempts\": 3", "\"max_attempts\": -3")
                                               << QStringLiteral("f.json: /pipelines/0/retry/max_attempts: expected an integer in [1, 1000000], got -3");
        QTest::newRow("fractional max_attempts") << replaced("\"max_attempts\": 3", "\"max_attempts\": 2.5")
                                                 << QStringLiteral("f.json: /pipelines/0/retry/max_attempts: expected an integer in [1, 1000000], got 2.5");
        QTest::newRow("string max_attempts") << replaced("\"max_attempts\": 3", "\"max_attempts\": \"3\"")
                                             << QStringLiteral("f.json: /pipelines/0/retry/max_attempts: expected an integer in [1, 1000000], got a string \"3\"");
        QTest::newRow("error rate above 1") << replaced("\"error_rate\": 0.1", "\"error_rate\": 1.5")
                                            << QStringLiteral("f.json: /services/0/fault/error_rate: expected a number in [0, 1], got 1.5");
        QTest::newRow("no workers") << replaced("\"error_rate\": 0.1", "\"error_rate\": 0.1, \"capacity\": {\"max_concurrent\": 0}")
                                    << QStringLiteral("f.json: /services/0/fault/capacity/max_concurrent: expected an integer in [1, 10000000], got 0");
        QTest::newRow("unknown discipline")
            << replaced("\"error_rate\": 0.1", "\"error_rate\": 0.1, \"capacity\": {\"max_concurrent\": 2, \"discipline\": \"random\"}")
            << QStringLiteral("f.json: /services/0/fault/capacity/discipline: expected one of fifo, lifo, adaptive_lifo, got \"random\"");
        QTest::newRow("empirical without samples")
            << replaced("\"error_rate\": 0.1", "\"error_rate\": 0.1, \"latency\": {\"distribution\": \"empirical\", \"samples\": []}")
            << QStringLiteral("f.json: /services/0/fault/latency/samples: expected at least one sample");
        QTest::newRow("empirical sample not a duration")
            << replaced("\"error_rate\": 0.1", "\"error_rate\": 0.1, \"latency\": {\"distribution\": \"empirical\", \"samples\": [0.01, true]}")
            << QStringLiteral("f.json: /services/0/fault/latency/samples/1: expected a duration (seconds, or a string like \"250ms\"), got true");
        QTest::newRow("gamma without a shape")
            << replaced("\"error_rate\": 0.1", "\"error_rate\": 0.1, \"latency\": {\"distribution\": \"gamma\", \"mean\": 0.01, \"shape\": 0}")
            << QStringLiteral("f.json: /services/0/fault/latency/shape: expected a number in [1e-06, 1000000], got 0");
        QTest::newRow("negative think time")
            << replaced("\"process\": \"poisson\", \"rate\": 10", "\"process\": \"closed\", \"think_time\": -1")
            << QStringLiteral("f.json: /clients/0/arrival/think_time: expected a duration in [0, 3153600000] s, got -1 s");
        QTest::newRow("closed users that never think")
            << replaced("\"process\": \"poisson\", \"rate\": 10", "\"process\": \"closed\", \"think_time\": 0")
            << QStringLiteral("f.json: /clients/0/arrival/think_time: expected a mean think time >= 1 us when requests_per_user is unlimited, got 0 ms");
        QTest::newRow("both queue timeout and codel")
            << replaced("\"error_rate\": 0.1", "\"error_rate\": 0.1, \"capacity\": {\"max_concurrent\": 2, \"queue_timeout\": 1, \"codel\": {}}")
            << QStringLiteral("f.json: /services/0/fault/capacity/queue_timeout: give either queue_timeout or codel, not both");
        QTest::newRow("all-zero error mix")
            << replaced("\"error_rate\": 0.1", "\"error_rate\": 0.1, \"error_mix\": {\"http_500\": 0}")
            << QStringLiteral("f.json: /services/0/fault/error_mix: expected at least one weight > 0");
        QTest::newRow("unknown key with suggestion") << replaced("\"retry\":", "\"retri\":")
                                                     << QStringLiteral("f.json: /pipelines/0/retri: unknown key (did you mean \"retry\"?)");
        QTest::newRow("unknown top-level key") << replaced("\"seed\": 1,", "\"seed\": 1, \"colour\": \"blue\",")
                                               << QStringLiteral("f.json: /colour: unknown key");
        QTest::newRow("negative seed") << replaced("\"seed\": 1", "\"seed\": -1")
                                       << QStringLiteral("f.json: /seed: expected an integer in [0, 9007199254740992], got -1");
        QTest::newRow("unknown enum value") << replaced("\"poisson\"", "\"gaussian\"")
                                            << QStringLiteral("f.json: /clients/0/arrival/process: expected one of constant, poisson, bursts, closed, got \"gaussian\"");
        QTest::newRow("object instead of array") << replaced("\"services\": [{\"name\": \"s\", \"fault\": {\"error_rate\": 0.1}}]", "\"services\": {}")
                                                 << QStringLiteral("f.json: /services: expected an array, got an object");
        QTest::newRow("dangling service reference") << replaced("\"service\": \"s\"", "\"service\": \"nope\"")
                                                    << QStringLiteral("f.json: /pipelines/0/service: expected the name of a service, got \"nope\"");
        QTest::newRow("policy rule: max_delay < base_delay")
            << replaced("\"max_attempts\": 3", "\"max_attempts\": 3, \"backoff\": {\"base_delay\": 5, \"max_delay\": 1}")
            << QStringLiteral("f.json: /pipelines/0/retry/backoff/max_delay: ");
        QTest::newRow("too many requests") << replaced("\"rate\": 10", "\"rate\": 1e7").replace("\"duration\": 10", "\"duration\": 1e6")
                                           << QStringLiteral("f.json: /clients: expected at most 2000000000 requests in the whole run, got about 10000000000000 (lower the rates or the duration)");
        QTest::newRow("duplicate pipeline")
            << replaced("\"pipelines\": [", "\"pipelines\": [{\"name\": \"p\", \"service\": \"s\"}, ")
            << QStringLiteral("f.json: /pipelines/1/name: duplicate pipeline name \"p\"");
        QTest::newRow("burst too large")
            << replaced("\"process\": \"poisson\", \"rate\": 10", "\"process\": \"bursts\", \"burst_size\": 2000000, \"burst_interval\": 5")
            << QStringLiteral("f.json: /clients/0/arrival/burst_size: expected burst_size x count <= 1000000, got 2000000");
        QTest::newRow("retry budget percent above 100")
            << replaced("\"max_attempts\": 3", "\"max_attempts\": 3, \"budget\": {\"percent\": 150}")
            << QStringLiteral("f.json: /pipelines/0/retry/budget/percent: expected a number in [0, 100], got 150");
        QTest::newRow("retry budget unknown key")
            << replaced("\"max_attempts\": 3", "\"max_attempts\": 3, \"budget\": {\"percnt\": 10}")
            << QStringLiteral("f.json: /pipelines/0/retry/budget/percnt: unknown key (did you mean \"percent\"?)");
        QTest::newRow("throttling without tokens")
            << replaced("\"max_attempts\": 3", "\"max_attempts\": 3, \"throttling\": {\"max_tokens\": 0}")
            << QStringLiteral("f.json: /pipelines/0/retry/throttling/max_tokens: expected a number in (0, 1000], got 0");
        QTest::newRow("unknown jitter")
            << replaced("\"max_attempts\": 3", "\"max_attempts\": 3, \"backoff\": {\"jitter\": \"polly\"}")
            << QStringLiteral("f.json: /pipelines/0/retry/backoff/jitter: expected one of none, full, equal, decorrelated, "
                              "proportional, decorrelated_v2, got \"polly\"");
        QTest::newRow("increment without attempt timeout")
            << replaced("\"retry\": {", "\"timeout\": {\"attempt_timeout_increment\": 5}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/timeout/attempt_timeout_increment: grows attempt_timeout, which is not "
                              "set (got an increment of 5000 ms)");
        QTest::newRow("breaker half_open_rule")
            << replaced("\"retry\": {", "\"circuit_breaker\": {\"half_open_rule\": \"majority\"}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/circuit_breaker/half_open_rule: expected one of any_failure, rates, got \"majority\"");
        QTest::newRow("breaker max wait zero")
            << replaced("\"retry\": {", "\"circuit_breaker\": {\"max_wait_in_half_open\": 0}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/circuit_breaker/max_wait_in_half_open: expected a duration > 0 ms, got 0 ms");
        QTest::newRow("breaker schedule entry without action")
            << replaced("\"retry\": {", "\"circuit_breaker\": {\"schedule\": [{\"at\": 5}]}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/circuit_breaker/schedule/0: missing key \"action\"");
        QTest::newRow("breaker schedule unknown action")
            << replaced("\"retry\": {", "\"circuit_breaker\": {\"schedule\": [{\"at\": 5, \"action\": \"explode\"}]}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/circuit_breaker/schedule/0/action: expected one of close, open, half_open, "
                              "isolate, disable, metrics_only, release, reset, got \"explode\"");
        QTest::newRow("breaker schedule duration on isolate")
            << replaced("\"retry\": {", "\"circuit_breaker\": {\"schedule\": [{\"at\": 5, \"action\": \"isolate\", \"for\": 3}]}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/circuit_breaker/schedule/0/for: only an \"open\" action takes a duration, got \"isolate\"");
        QTest::newRow("hedging max 0")
            << replaced("\"retry\": {", "\"hedging\": {\"max_hedged_attempts\": 0}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/hedging/max_hedged_attempts: expected an integer in [1, 10] (extra "
                              "requests per try), got 0");
        QTest::newRow("hedging negative delay")
            << replaced("\"retry\": {", "\"hedging\": {\"delay\": -0.1}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/hedging/delay: ");
        QTest::newRow("hedging percentile 100")
            << replaced("\"retry\": {", "\"hedging\": {\"delay_percentile\": 100}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/hedging/delay_percentile: expected a percentile in (0, 100), got 100");
        QTest::newRow("hedging percentile negative")
            << replaced("\"retry\": {", "\"hedging\": {\"delay_percentile\": -5}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/hedging/delay_percentile: expected a percentile in (0, 100), got -5");
        QTest::newRow("hedging unknown key")
            << replaced("\"retry\": {", "\"hedging\": {\"max_hedged_attempt\": 2}, \"retry\": {")
            << QStringLiteral("f.json: /pipelines/0/hedging/max_hedged_attempt: unknown key (did you mean \"max_hedged_attempts\"?)");
        QTest::newRow("null where object expected") << replaced("\"fault\": {\"error_rate\": 0.1}", "\"fault\": null")
                                                    << QStringLiteral("f.json: /services/0/fault: expected an object, got null");
    }
    void badFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const ScenarioLoad l = scenariojson::load(content, QStringLiteral("f.json"));
        QVERIFY(!l.ok());
        QVERIFY(!l.errors.empty());
        const QString first = l.errors.front().toString();
        if (expected.endsWith(QLatin1String(": ")))
            QVERIFY2(first.startsWith(expected), qPrintable(first));
        else
            QCOMPARE(first, expected);
    }

    void allErrorsAreReported()
    {
        QByteArray bad = replaced("\"max_attempts\": 3", "\"max_attempts\": 0");
        bad.replace("\"error_rate\": 0.1", "\"error_rate\": -1");
        bad.replace("\"rate\": 10", "\"rate\": \"fast\"");
        const ScenarioLoad l = scenariojson::load(bad);
        QCOMPARE(l.errors.size(), std::size_t(3));
    }

    void roundTripIsExact()
    {
        const ScenarioLoad first = scenariojson::load(kValid);
        QVERIFY(first.ok());
        const QByteArray saved = scenariojson::toBytes(*first.scenario);
        const ScenarioLoad second = scenariojson::load(saved);
        QVERIFY2(second.ok(), qPrintable(messages(second).join(QLatin1Char('\n'))));
        QCOMPARE(scenariojson::toBytes(*second.scenario), saved);
    }

    void queueingKeysRoundTrip()
    {
        const QByteArray doc = replaced("\"fault\": {\"error_rate\": 0.1}",
            "\"fault\": {\"error_rate\": 0.1, \"network_delay\": {\"distribution\": \"exponential\", \"mean\": 0.002},"
            " \"optimistic_concurrency\": true,"
            " \"latency\": {\"distribution\": \"empirical\", \"samples\": [0.01, \"30ms\", 0.2], \"weights\": [5, 3, 1]},"
            " \"capacity\": {\"max_concurrent\": 8, \"queue_size\": 50, \"discipline\": \"adaptive_lifo\","
            " \"codel\": {\"target\": 0.005, \"interval\": 0.1}, \"drop_abandoned\": true,"
            " \"overload_latency\": {\"distribution\": \"pareto\", \"min\": 0.001, \"shape\": 1.5, \"max\": 0.1}}}");
        const QByteArray closed = QByteArray(doc).replace("\"process\": \"poisson\", \"rate\": 10",
            "\"process\": \"closed\", \"think_time\": {\"distribution\": \"gamma\", \"mean\": 2, \"shape\": 4}, "
            "\"requests_per_user\": 7");
        const ScenarioLoad first = scenariojson::load(closed);
        QVERIFY2(first.ok(), qPrintable(messages(first).join(QLatin1Char('\n'))));
        const FaultProfile& f = first.scenario->services[0].faults.base();
        QCOMPARE(f.capacity.maxConcurrent, 8);
        QCOMPARE(int(f.capacity.discipline), int(QueueDiscipline::AdaptiveLifo));
        QVERIFY(f.capacity.codel && f.capacity.codel->interval == Duration(100ms));
        QVERIFY(f.capacity.dropAbandoned);
        QCOMPARE(int(f.capacity.overloadLatency.kind), int(LatencyDistribution::Kind::Pareto));
        QCOMPARE(int(f.networkDelay.kind), int(LatencyDistribution::Kind::Exponential));
        QVERIFY(f.optimisticConcurrency);
        QCOMPARE(f.latency.samples.size(), std::size_t(3));
        QCOMPARE(f.latency.samples[1], Duration(30ms));
        const auto& arrival = first.scenario->clients[0].arrival;
        QCOMPARE(int(arrival.kind), int(ArrivalProcess::Kind::Closed));
        QCOMPARE(arrival.requestsPerUser, 7);
        QCOMPARE(arrival.thinkTime.shape, 4.0);
        const QByteArray saved = scenariojson::toBytes(*first.scenario);
        const ScenarioLoad second = scenariojson::load(saved);
        QVERIFY2(second.ok(), qPrintable(messages(second).join(QLatin1Char('\n'))));
        QVERIFY(second.scenario->services[0].faults == first.scenario->services[0].faults);
        QCOMPARE(scenariojson::toBytes(*second.scenario), saved);
    }

    void newPolicyKeysRoundTrip()
    {
        const QByteArray doc = replaced("\"retry\": {\"max_attempts\": 3}",
            "\"retry\": {\"max_attempts\": 3, \"backoff\": {\"jitter\": \"decorrelated_v2\"},"
            " \"budget\": {\"name\": \"shared\", \"percent\": 25, \"min_retries_per_second\": 2, \"window\": \"30s\"},"
            " \"throttling\": {\"max_tokens\": 8, \"token_ratio\": 0.5}},"
            " \"timeout\": {\"attempt_timeout\": 10, \"attempt_timeout_increment\": 5},"
            " \"circuit_breaker\": {\"half_open_rule\": \"rates\", \"permitted_probes\": 4, \"max_wait_in_half_open\": 20,"
            " \"initial_state\": \"metrics_only\", \"schedule\": [{\"at\": 30, \"action\": \"isolate\"},"
            " {\"at\": 60, \"action\": \"open\", \"for\": \"5s\"}, {\"at\": 70, \"action\": \"open\", \"until\": 90},"
            " {\"at\": 100, \"action\": \"release\"}]}");
        const ScenarioLoad first = scenariojson::load(doc);
        QVERIFY2(first.ok(), qPrintable(messages(first).join(QLatin1Char('\n'))));
        const PipelineSpec& p = first.scenario->pipelines[0];
        QCOMPARE(toString(p.config.retry.backoff.jitter), QStringLiteral("decorrelated_v2"));
        QVERIFY(p.config.retry.budget && p.config.retry.throttling);
        QCOMPARE(p.config.retry.budget->name, QStringLiteral("shared"));
        QCOMPARE(p.config.retry.budget->percent, 25.0);
        QCOMPARE(p.config.retry.budget->window, Duration(30s));
        QCOMPARE(p.config.retry.throttling->tokenRatio, 0.5);
        QCOMPARE(p.config.timeout.attemptTimeoutIncrement, Duration(5s));
        QVERIFY(p.breaker);
        QCOMPARE(toString(p.breaker->halfOpenRule), QStringLiteral("rates"));
        QCOMPARE(p.breaker->maxWaitInHalfOpen, std::optional<Duration>(20s));
        QCOMPARE(toString(p.breaker->initialState), QStringLiteral("metrics_only"));
        QCOMPARE(p.breaker->schedule.size(), std::size_t(4));
        QCOMPARE(p.breaker->schedule[1].action.openFor, std::optional<Duration>(5s));
        QCOMPARE(p.breaker->schedule[2].action.openUntil, std::optional<TimePoint>(TimePoint(90s)));
        const QByteArray saved = scenariojson::toBytes(*first.scenario);
        const ScenarioLoad second = scenariojson::load(saved);
        QVERIFY2(second.ok(), qPrintable(messages(second).join(QLatin1Char('\n'))));
        QCOMPARE(scenariojson::toBytes(*second.scenario), saved);
        QVERIFY(second.scenario->pipelines[0].breaker->schedule == p.breaker->schedule);
        // No budget is written as null and read back as none.
        QVERIFY(!scenariojson::load(kValid).scenario->pipelines[0].config.retry.budget);
        QVERIFY(scenariojson::toJson(*scenariojson::load(kValid).scenario)[QStringLiteral("pipelines")][0]
                    [QStringLiteral("retry")][QStringLiteral("budget")].isNull());
    }

    void hedgingKeysRoundTrip()
    {
        const QByteArray doc = replaced("\"retry\": {\"max_attempts\": 3}",
            "\"retry\": {\"max_attempts\": 3}, \"hedging\": {\"max_hedged_attempts\": 3, \"delay\": \"150ms\","
            " \"delay_percentile\": 95}");
        const ScenarioLoad first = scenariojson::load(doc);
        QVERIFY2(first.ok(), qPrintable(messages(first).join(QLatin1Char('\n'))));
        const PipelineConfig& c = first.scenario->pipelines[0].config;
        QVERIFY(c.hedgingEnabled);
        QCOMPARE(c.hedging.maxHedgedAttempts, 3);
        QCOMPARE(c.hedging.delay, Duration(150ms));
        QCOMPARE(c.hedging.delayPercentile, std::optional<double>(95.0));
        QVERIFY(!c.hedging.onFailureOnly);
        const QByteArray saved = scenariojson::toBytes(*first.scenario);
        const ScenarioLoad second = scenariojson::load(saved);
        QVERIFY2(second.ok(), qPrintable(messages(second).join(QLatin1Char('\n'))));
        QCOMPARE(scenariojson::toBytes(*second.scenario), saved);
        QCOMPARE(second.scenario->pipelines[0].config.hedging.delayPercentile, std::optional<double>(95.0));
        // Off unless present; "enabled": false keeps the settings; a null percentile is a fixed delay.
        QVERIFY(!scenariojson::load(kValid).scenario->pipelines[0].config.hedgingEnabled);
        QVERIFY(!scenariojson::toJson(*scenariojson::load(kValid).scenario)[QStringLiteral("pipelines")][0]
                    .toObject()
                    .contains(QStringLiteral("hedging")));
        const ScenarioLoad off = scenariojson::load(replaced("\"retry\": {",
            "\"hedging\": {\"enabled\": false, \"on_failure_only\": true, \"delay_percentile\": null}, \"retry\": {"));
        QVERIFY2(off.ok(), qPrintable(messages(off).join(QLatin1Char('\n'))));
        QVERIFY(!off.scenario->pipelines[0].config.hedgingEnabled);
        QVERIFY(off.scenario->pipelines[0].config.hedging.onFailureOnly);
        QVERIFY(!off.scenario->pipelines[0].config.hedging.delayPercentile);
    }

    void demosRoundTrip()
    {
        const auto all = demos::list();
        QVERIFY2(all.size() >= 6, "the built-in scenarios must be compiled in");
        for (const auto& d : all) {
            QVERIFY(!d.lesson.isEmpty());
            const ScenarioLoad l = demos::load(d.name);
            QVERIFY2(l.ok(), qPrintable(d.name + QLatin1Char(' ') + messages(l).join(QLatin1Char('\n'))));
            const QByteArray saved = scenariojson::toBytes(*l.scenario);
            const ScenarioLoad again = scenariojson::load(saved);
            QVERIFY2(again.ok(), qPrintable(d.name + QLatin1Char(' ') + messages(again).join(QLatin1Char('\n'))));
            QCOMPARE(scenariojson::toBytes(*again.scenario), saved);
            // Schedules survive as patches on the base profile.
            for (std::size_t i = 0; i < l.scenario->services.size(); ++i)
                QVERIFY(again.scenario->services[i].faults == l.scenario->services[i].faults);
        }
        QVERIFY(!demos::load(QStringLiteral("no-such-demo")).ok());
        QVERIFY(demos::load(QStringLiteral("no-such-demo")).errors.front().message.contains(QStringLiteral("outage-recovery")));
    }

    void scheduleEntriesPatchTheBase()
    {
        const QByteArray doc = replaced("\"fault\": {\"error_rate\": 0.1}",
            "\"fault\": {\"error_rate\": 0.1, \"latency\": 0.05, \"capacity\": {\"max_concurrent\": 5}},"
            " \"schedule\": [{\"at\": \"2s\", \"label\": \"down\", \"fault\": {\"error_rate\": 1, \"capacity\": null}}]");
        const ScenarioLoad l = scenariojson::load(doc);
        QVERIFY2(l.ok(), qPrintable(messages(l).join(QLatin1Char('\n'))));
        const FaultSchedule& s = l.scenario->services[0].faults;
        QCOMPARE(s.changes().size(), std::size_t(1));
        const FaultProfile& changed = s.changes()[0].profile;
        QCOMPARE(s.changes()[0].at, Duration(2s));
        QCOMPARE(changed.errorRate, 1.0);
        QCOMPARE(changed.latency.value, Duration(50ms)); // inherited
        QVERIFY(!changed.capacity.enabled());           // switched off by null
        QVERIFY(s.base().capacity.enabled());
    }

    void durationStrings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ns");
        QTest::newRow("ms") << QStringLiteral("250ms") << qint64(250000000);
        QTest::newRow("s") << QStringLiteral("1.5s") << qint64(1500000000);
        QTest::newRow("m") << QStringLiteral("2m") << qint64(120000000000);
        QTest::newRow("h") << QStringLiteral("1h") << qint64(3600000000000);
        QTest::newRow("us") << QStringLiteral("10us") << qint64(10000);
    }
    void durationStrings()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ns);
        QString problem;
        const auto d = JsonReader::parseDuration(QJsonValue(text), &problem);
        QVERIFY2(d.has_value(), qPrintable(problem));
        QCOMPARE(qint64(d->count()), ns);
    }

    void setParameterTweaksOneValue()
    {
        Scenario s = *scenariojson::load(kValid).scenario;
        QVERIFY(scenariojson::setParameter(s, QStringLiteral("/pipelines/0/retry/max_attempts"), 7).empty());
        QCOMPARE(s.pipelines[0].config.retry.maxAttempts, 7);
        const LoadErrors bad = scenariojson::setParameter(s, QStringLiteral("/pipelines/0/retry/max_attempts"), -1);
        QCOMPARE(bad.size(), std::size_t(1));
        QCOMPARE(bad[0].pointer, QStringLiteral("/pipelines/0/retry/max_attempts"));
        QCOMPARE(s.pipelines[0].config.retry.maxAttempts, 7); // unchanged on error
        QVERIFY(!scenariojson::setParameter(s, QStringLiteral("/pipelines/9/retry"), 1).empty());
    }

    void saveIsAtomicAndReadable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("s.json"));
        const Scenario s = *scenariojson::load(kValid).scenario;
        QString error;
        QVERIFY(scenariojson::saveFile(s, path, &error));
        QVERIFY(scenariojson::loadFile(path).ok());
        // A failed save (directory missing) reports an error and touches nothing.
        QVERIFY(!scenariojson::saveFile(s, dir.filePath(QStringLiteral("missing/s.json")), &error));
        QVERIFY(!error.isEmpty());
        const ScenarioLoad missing = scenariojson::loadFile(dir.filePath(QStringLiteral("nope.json")));
        QVERIFY(!missing.ok());
        QVERIFY(missing.errors.front().toString().contains(QStringLiteral("cannot read the file")));
    }

    void lineColumnCountsCharacters()
    {
        QCOMPARE(scenariojson::lineColumn("ab\ncd", 4), std::make_pair(2, 2));
        QCOMPARE(scenariojson::lineColumn("\xc3\xa9x", 2), std::make_pair(1, 2));
        QCOMPARE(scenariojson::firstInvalidUtf8("ok \xc3\xa9"), qsizetype(-1));
        QCOMPARE(scenariojson::firstInvalidUtf8("ok \xc0\xaf"), qsizetype(3)); // overlong
        QCOMPARE(scenariojson::firstInvalidUtf8("\xed\xa0\x80"), qsizetype(0)); // surrogate
    }
};

QTEST_GUILESS_MAIN(TestScenarioJson)
#include "tst_scenariojson.moc"
