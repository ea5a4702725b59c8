// Export -> import gives back the same pipeline for every lossless row of docs/interop.md, per format;
// bad input is refused with the file, line and path, and nothing is imported.
#include "core/interop/interop.h"

#include <QTest>

using namespace rwb;

namespace {

PipelineSpec bare(const QString& name)
{
    PipelineSpec p;
    p.config.name = name;
    p.config.retryEnabled = false;
    return p;
}

/// Settings Resilience4j carries exactly.
PipelineSpec resilience4jPipeline()
{
    PipelineSpec p = bare(QStringLiteral("orders"));
    CircuitBreakerConfig b;
    b.name = p.name();
    b.tripMode = TripMode::CountWindow;
    b.windowSize = 40;
    b.minimumCalls = 12;
    b.failureRateThreshold = 0.35;
    b.slowCallDuration = std::chrono::milliseconds(1500);
    b.slowCallRateThreshold = 0.8;
    b.recoveryTimeout = std::chrono::seconds(45);
    b.halfOpenRule = HalfOpenRule::Rates;
    b.permittedProbes = 4;
    b.maxWaitInHalfOpen = std::chrono::seconds(20);
    b.recoveryBackoffFactor = 2.0;
    b.maxRecoveryTimeout = std::chrono::minutes(5);
    p.breaker = b;
    p.config.retryEnabled = true;
    p.config.retry.maxAttempts = 5;
    p.config.retry.backoff.strategy = BackoffStrategy::Exponential;
    p.config.retry.backoff.exponentialBase = 1.5;
    p.config.retry.backoff.baseDelay = std::chrono::milliseconds(250);
    p.config.retry.backoff.maxDelay = std::chrono::seconds(8);
    p.config.retry.backoff.jitter = Jitter::None;
    p.config.retry.retryAfter.respectRetryAfter = false;
    p.config.bulkheadEnabled = true;
    p.config.bulkhead.maxConcurrent = 16;
    p.config.rateLimiterEnabled = true;
    p.config.rateLimiter.burst = 20;
    p.config.rateLimiter.ratePerSecond = 40;
    p.config.rateLimiter.maxWait = std::chrono::milliseconds(300);
    p.config.rateLimiter.respectServerRetryAfter = false;
    p.config.timeoutEnabled = true;
    p.config.timeout.attemptTimeout = std::chrono::seconds(2);
    return p;
}

/// N failures in a row: exported as a COUNT_BASED window of N at 100 %, read back as consecutive.
PipelineSpec resilience4jConsecutive()
{
    PipelineSpec p = bare(QStringLiteral("legacy"));
    CircuitBreakerConfig b;
    b.name = p.name();
    b.failureThreshold = 7;
    b.recoveryTimeout = std::chrono::seconds(30);
    b.halfOpenRule = HalfOpenRule::Rates;
    b.permittedProbes = 3;
    p.breaker = b;
    p.config.retryEnabled = true;
    p.config.retry.maxAttempts = 3;
    p.config.retry.backoff.strategy = BackoffStrategy::Constant;
    p.config.retry.backoff.baseDelay = std::chrono::milliseconds(500);
    p.config.retry.backoff.jitter = Jitter::Proportional;
    p.config.retry.retryAfter.respectRetryAfter = false;
    return p;
}

CircuitBreakerConfig singleProbe(const QString& name)
{
    CircuitBreakerConfig b;
    b.name = name;
    b.permittedProbes = 1;
    b.successThreshold = 1;
    return b;
}

PipelineSpec pollyPipeline()
{
    PipelineSpec p = bare(QStringLiteral("catalog"));
    CircuitBreakerConfig b = singleProbe(p.name());
    b.tripMode = TripMode::TimeWindow;
    b.failureWindow = std::chrono::seconds(30);
    b.failureRateThreshold = 0.2;
    b.minimumCalls = 25;
    b.recoveryTimeout = std::chrono::milliseconds(7500);
    p.breaker = b;
    p.config.retryEnabled = true;
    p.config.retry.maxAttempts = 4;
    p.config.retry.backoff.strategy = BackoffStrategy::Exponential;
    p.config.retry.backoff.exponentialBase = 2.0;
    p.config.retry.backoff.jitter = Jitter::DecorrelatedV2;
    p.config.retry.backoff.baseDelay = std::chrono::milliseconds(200);
    p.config.retry.backoff.maxDelay = std::chrono::seconds(12);
    p.config.bulkheadEnabled = true;
    p.config.bulkhead.maxConcurrent = 50;
    p.config.bulkhead.maxQueue = 10;
    p.config.bulkhead.maxQueueWait = std::chrono::seconds(20); // the total timeout ends a Polly queue wait
    p.config.timeoutEnabled = true;
    p.config.timeout.attemptTimeout = std::chrono::milliseconds(1250);
    p.config.timeout.overallTimeout = std::chrono::seconds(20);
    return p;
}

PipelineSpec pollyHedging()
{
    PipelineSpec p = bare(QStringLiteral("search"));
    p.config.hedgingEnabled = true;
    p.config.hedging.maxHedgedAttempts = 3;
    p.config.hedging.delay = std::chrono::milliseconds(150);
    p.config.timeoutEnabled = true;
    p.config.timeout.attemptTimeout = std::chrono::seconds(1);
    p.config.timeout.overallTimeout = std::chrono::seconds(5);
    return p;
}

PipelineSpec opossumPipeline()
{
    PipelineSpec p = bare(QStringLiteral("inventory"));
    CircuitBreakerConfig b = singleProbe(p.name());
    b.tripMode = TripMode::TimeWindow;
    b.failureWindow = std::chrono::seconds(10);
    b.failureRateThreshold = 0.5;
    b.minimumCalls = 5;
    b.recoveryTimeout = std::chrono::seconds(30);
    p.breaker = b;
    p.config.timeoutEnabled = true;
    p.config.timeout.attemptTimeout = std::chrono::seconds(3);
    p.config.bulkheadEnabled = true;
    p.config.bulkhead.maxConcurrent = 10;
    return p;
}

PipelineSpec seedPipeline()
{
    PipelineSpec p = bare(QStringLiteral("payments"));
    CircuitBreakerConfig b;
    b.name = p.name();
    b.failureThreshold = 4;
    b.recoveryTimeout = std::chrono::seconds(20);
    p.breaker = b;
    p.config.retryEnabled = true;
    p.config.retry.maxAttempts = 4;
    p.config.retry.backoff.strategy = BackoffStrategy::Exponential;
    p.config.retry.backoff.jitter = Jitter::Full;
    p.config.retry.backoff.baseDelay = std::chrono::milliseconds(500);
    p.config.retry.backoff.maxDelay = std::chrono::seconds(10);
    return p;
}

QByteArray json(const PipelineSpec& p)
{
    return interop::pipelinesToJson({ p });
}

} // namespace

Q_DECLARE_METATYPE(rwb::PipelineSpec)

class TestInteropRoundTrip : public QObject {
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<PipelineSpec>("pipeline");
        QTest::newRow("resilience4j") << int(InteropFormat::Resilience4j) << resilience4jPipeline();
        QTest::newRow("resilience4j consecutive") << int(InteropFormat::Resilience4j) << resilience4jConsecutive();
        QTest::newRow("polly") << int(InteropFormat::Polly) << pollyPipeline();
        QTest::newRow("polly hedging") << int(InteropFormat::Polly) << pollyHedging();
        QTest::newRow("opossum") << int(InteropFormat::Opossum) << opossumPipeline();
        QTest::newRow("seed004") << int(InteropFormat::Seed004) << seedPipeline();
    }
    void roundTrip()
    {
        QFETCH(int, format);
        QFETCH(PipelineSpec, pipeline);
        const InteropExport exported = interop::exportPipeline(pipeline, InteropFormat(format));
        const InteropImport imported
            = interop::importPipelines(exported.text, InteropFormat(format), QStringLiteral("x"));
        QVERIFY2(imported.ok(), qPrintable(imported.errors.empty() ? QString() : imported.errors.front().toString()));
        QCOMPARE(imported.pipelines.size(), std::size_t(1));
        QCOMPARE(json(imported.pipelines.front()), json(pipeline));
    }

    // Every approximate or missing row says so in a warning.
    void exportWarnsAboutWhatItCannotCarry()
    {
        PipelineSpec p = resilience4jPipeline();
        p.config.fallbackEnabled = true;
        p.config.retry.backoff.strategy = BackoffStrategy::Linear;
        p.config.timeout.overallTimeout = std::chrono::seconds(9);
        const QStringList r4j = interop::exportPipeline(p, InteropFormat::Resilience4j).warnings;
        QVERIFY(r4j.contains(QStringLiteral(
            "fallback: not expressible: Resilience4j fallbacks are code (a function), not configuration")));
        QVERIFY(r4j.filter(QStringLiteral("retry.backoff.strategy linear: not expressible")).size() == 1);
        QVERIFY(r4j.filter(QStringLiteral("timeout.overall_timeout: not expressible")).size() == 1);
        QVERIFY(r4j.filter(QStringLiteral("rate_limiter.rate / burst: approximate")).size() == 1);
        const QStringList opossum = interop::exportPipeline(p, InteropFormat::Opossum).warnings;
        QVERIFY(opossum.filter(QStringLiteral("retry: not expressible")).size() == 1);
        QVERIFY(opossum.filter(QStringLiteral("circuit_breaker.trip_mode count_window: approximate")).size() == 1);
        const QStringList seed = interop::exportPipeline(p, InteropFormat::Seed004).warnings;
        QVERIFY(seed.filter(QStringLiteral("fallback dropped")).size() == 1);
        QVERIFY(seed.filter(QStringLiteral("bulkhead dropped")).size() == 1);
        QVERIFY(seed.filter(QStringLiteral("rate_limiter dropped")).size() == 1);
        // A pipeline every target carries exactly has no warning (cockatiel: consecutive breaker, no retry).
        PipelineSpec exact = bare(QStringLiteral("exact"));
        exact.breaker = singleProbe(exact.name());
        QCOMPARE(interop::exportPipeline(exact, InteropFormat::Cockatiel).warnings, QStringList());
    }

    // Fixes from checking the names against the libraries' sources (docs/interop.md, "Where each table
    // was checked").
    void exportFollowsThePeersOwnRules()
    {
        PipelineSpec p = bare(QStringLiteral("orders"));
        CircuitBreakerConfig b = singleProbe(p.name());
        b.tripMode = TripMode::TimeWindow;
        b.failureRateThreshold = 0.004;
        b.minimumCalls = 7;
        p.breaker = b;
        // Envoy: the percentage rule must run on a one-host cluster, and no consecutive rule beside it.
        const QByteArray envoy = interop::exportPipeline(p, InteropFormat::Envoy).text;
        QVERIFY2(envoy.contains("failure_percentage_minimum_hosts: 1"), envoy.constData());
        QVERIFY2(envoy.contains("enforcing_consecutive_5xx: 0"), envoy.constData());
        QVERIFY2(!envoy.contains("consecutive_5xx: 7"), envoy.constData());
        // Resilience4j refuses a failureRateThreshold below 1 (percent).
        const InteropExport r4j = interop::exportPipeline(p, InteropFormat::Resilience4j);
        QVERIFY2(r4j.text.contains("failureRateThreshold: 1\n"), r4j.text.constData());
        QCOMPARE(r4j.warnings.filter(QStringLiteral("circuit_breaker.failure_rate_threshold: approximate")).size(), 1);
    }

    void badInput_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected"); // LoadError::toString()
        QTest::newRow("r4j unit missing")
            << int(InteropFormat::Resilience4j)
            << QByteArray("resilience4j:\n  retry:\n    instances:\n      a:\n        maxAttempts: 3\n"
                          "        waitDuration: 500\n")
            << QStringLiteral("f.yml:6:23: /resilience4j/retry/instances/a/waitDuration: unit missing: "
                              "write \"500ms\" or \"500s\", got the bare number 500");
        QTest::newRow("r4j wrong type")
            << int(InteropFormat::Resilience4j)
            << QByteArray("resilience4j:\n  bulkhead:\n    instances:\n      a:\n        maxConcurrentCalls: many\n")
            << QStringLiteral("f.yml:5:29: /resilience4j/bulkhead/instances/a/maxConcurrentCalls: expected an integer, "
                              "got \"many\"");
        QTest::newRow("r4j unknown key")
            << int(InteropFormat::Resilience4j)
            << QByteArray("resilience4j:\n  circuitbreaker:\n    instances:\n      a:\n        failureRate: 50\n")
            << QStringLiteral("f.yml:5:9: /resilience4j/circuitbreaker/instances/a/failureRate: unknown key");
        QTest::newRow("r4j syntax") << int(InteropFormat::Resilience4j) << QByteArray("resilience4j:\n  retry: [1,\n")
                                    << QStringLiteral("f.yml:3:1: syntax error: end of sequence flow not found");
        QTest::newRow("polly unit missing")
            << int(InteropFormat::Polly)
            << QByteArray("{\n  \"p\": {\n    \"Retry\": {\n      \"Delay\": 2\n    }\n  }\n}\n")
            << QStringLiteral("f.yml:4:7: /p/Retry/Delay: unit missing: a TimeSpan is a string like \"00:00:05\" "
                              "or \"00:00:00.250\", got the bare number 2");
        QTest::newRow("polly wrong type")
            << int(InteropFormat::Polly) << QByteArray("{\"p\": {\"CircuitBreaker\": {\"FailureRatio\": \"half\"}}}")
            << QStringLiteral("f.yml:1:27: /p/CircuitBreaker/FailureRatio: expected a number, got a string \"half\"");
        QTest::newRow("opossum unknown key")
            << int(InteropFormat::Opossum) << QByteArray("{\n  \"resetTimout\": 1000\n}")
            << QStringLiteral("f.yml:2:3: /resetTimout: unknown key (did you mean \"resetTimeout\"?)");
        QTest::newRow("opossum engine rule")
            << int(InteropFormat::Opossum) << QByteArray("{\"volumeThreshold\": 0, \"errorThresholdPercentage\": 150}")
            << QStringLiteral("f.yml:1:24: /errorThresholdPercentage: expected a number in [0, 100], got 150");
    }
    void badInput()
    {
        QFETCH(int, format);
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const InteropImport imported = interop::importPipelines(text, InteropFormat(format), QStringLiteral("f.yml"));
        QVERIFY(!imported.ok());
        QVERIFY(imported.pipelines.empty()); // nothing half-imported
        QStringList all;
        for (const auto& e : imported.errors)
            all << e.toString();
        QVERIFY2(all.contains(expected), qPrintable(all.join(QLatin1Char('\n'))));
    }

    // Settings that pass the file's own rules but break ours are refused too, whole.
    void importValidatesWithTheEngineRules()
    {
        const QByteArray text("resilience4j:\n  circuitbreaker:\n    instances:\n      ok: {slidingWindowSize: 10}\n"
                              "      bad: {slidingWindowType: COUNT_BASED, slidingWindowSize: 5, minimumNumberOfCalls: "
                              "5, failureRateThreshold: 100,"
                              " waitDurationInOpenState: 10s, enableExponentialBackoff: true, "
                              "exponentialMaxWaitDurationInOpenState: 1s}\n");
        const InteropImport imported
            = interop::importPipelines(text, InteropFormat::Resilience4j, QStringLiteral("f.yml"));
        QVERIFY(imported.pipelines.empty());
        QCOMPARE(imported.errors.size(), std::size_t(1));
        QVERIFY2(imported.errors.front().toString().contains(
                     QStringLiteral("/resilience4j/*/instances/bad: gives our circuit_breaker.max_recovery_timeout")),
            qPrintable(imported.errors.front().toString()));
    }

    void applyToScenarioKeepsServiceAndRefusesUnknownNames()
    {
        Scenario s;
        PipelineSpec target = bare(QStringLiteral("orders"));
        target.service = QStringLiteral("svc");
        target.config.seed = 99;
        s.pipelines.push_back(target);
        const PipelineSpec imported = resilience4jPipeline();
        QCOMPARE(interop::applyToScenario({ imported }, s), QStringList());
        QCOMPARE(s.pipelines.front().service, QStringLiteral("svc"));
        QCOMPARE(s.pipelines.front().config.seed, std::uint64_t(99));
        QVERIFY(s.pipelines.front().breaker.has_value());
        PipelineSpec stranger = imported;
        stranger.config.name = QStringLiteral("nobody");
        const Scenario before = s;
        QCOMPARE(interop::applyToScenario({ imported, stranger }, s), QStringList { QStringLiteral("nobody") });
        QCOMPARE(interop::pipelinesToJson(s.pipelines), interop::pipelinesToJson(before.pipelines));
    }

    void formatNames()
    {
        for (InteropFormat f : allInteropFormats())
            QCOMPARE(interopFormatFromString(toString(f)), std::optional<InteropFormat>(f));
        QCOMPARE(interopFormatFromString(QStringLiteral("hystrix")), std::nullopt);
        const auto cannot = interop::importPipelines("x", InteropFormat::Envoy, QStringLiteral("e.yaml"));
        QVERIFY(!cannot.ok());
    }
};

QTEST_GUILESS_MAIN(TestInteropRoundTrip)
#include "tst_interop_roundtrip.moc"
