#include "core/config/scenariojson.h"
#include "core/config/seedconfig.h"

#include <QTest>

using namespace rwb;

namespace {
// The example file of seed 004 ("Example Configuration File"), verbatim.
const char* const kSeedExample = R"({
  "retry_configs": {
    "http_requests": {
      "max_attempts": 3,
      "base_delay": 1.0,
      "max_delay": 30.0,
      "exponential_base": 2.0,
      "strategy": "jittered_exponential"
    },
    "database": {
      "max_attempts": 3,
      "base_delay": 0.5,
      "max_delay": 10.0,
      "exponential_base": 2.0,
      "strategy": "exponential_backoff"
    }
  },
  "circuit_breaker_configs": {
    "external_apis": {
      "failure_threshold": 5,
      "recovery_timeout": 60.0,
      "name": "external_apis"
    },
    "database": {
      "failure_threshold": 3,
      "recovery_timeout": 30.0,
      "name": "database"
    }
  }
}
)";
} // namespace

class TestSeedConfig : public QObject {
    Q_OBJECT

private slots:
    void importsTheSeedExample()
    {
        const SeedConfigLoad l = seedconfig::load(kSeedExample, QStringLiteral("resilience_config.json"));
        QVERIFY(l.ok());
        const auto& r = l.config.retryConfigs;
        QCOMPARE(r.size(), std::size_t(2));
        QCOMPARE(r[0].first, QStringLiteral("http_requests")); // file order kept
        QCOMPARE(r[0].second.maxAttempts, 3);
        QCOMPARE(r[0].second.backoff.baseDelay, Duration(1s));
        QCOMPARE(r[0].second.backoff.maxDelay, Duration(30s));
        QCOMPARE(int(r[0].second.backoff.strategy), int(BackoffStrategy::Exponential));
        QCOMPARE(int(r[0].second.backoff.jitter), int(Jitter::Full));
        QCOMPARE(r[1].first, QStringLiteral("database"));
        QCOMPARE(r[1].second.backoff.baseDelay, Duration(500ms));
        QCOMPARE(int(r[1].second.backoff.jitter), int(Jitter::None));
        const auto& b = l.config.circuitBreakerConfigs;
        QCOMPARE(b.size(), std::size_t(2));
        QCOMPARE(b[0].first, QStringLiteral("external_apis"));
        QCOMPARE(b[0].second.failureThreshold, 5);
        QCOMPARE(b[0].second.recoveryTimeout, Duration(60s));
        QCOMPARE(int(b[0].second.tripMode), int(TripMode::Consecutive));
        QCOMPARE(b[1].second.name, QStringLiteral("database"));
    }

    void exportReproducesTheSeedExample()
    {
        const SeedConfigLoad l = seedconfig::load(kSeedExample);
        QStringList lossy;
        const QByteArray out = seedconfig::save(l.config, &lossy);
        QVERIFY2(lossy.isEmpty(), qPrintable(lossy.join(QLatin1Char('\n'))));
        // Numbers are written in their shortest form (1 rather than 1.0); everything else is identical.
        QByteArray expected(kSeedExample);
        expected.replace(".0,", ",").replace(".0\n", "\n");
        QCOMPARE(out, expected);
        const SeedConfigLoad again = seedconfig::load(out);
        QVERIFY(again.ok());
        QCOMPARE(seedconfig::save(again.config), out);
    }

    void exportListsWhatIsLost()
    {
        SeedConfig c;
        RetryConfig r;
        r.backoff.jitter = Jitter::Decorrelated;
        r.timeBudget = 5s;
        c.retryConfigs.emplace_back(QStringLiteral("x/y"), r);
        CircuitBreakerConfig b;
        b.tripMode = TripMode::TimeWindow;
        c.circuitBreakerConfigs.emplace_back(QStringLiteral("b"), b);
        QStringList lossy;
        seedconfig::save(c, &lossy);
        QVERIFY(lossy.contains(QStringLiteral("/retry_configs/x~1y: decorrelated jitter written as full jitter")));
        QVERIFY(lossy.contains(QStringLiteral("/retry_configs/x~1y: time_budget dropped")));
        QVERIFY(lossy.contains(QStringLiteral("/circuit_breaker_configs/b: trip_mode time_window written as consecutive failures")));

        // Settings the seed layout has no place for are listed too.
        SeedConfig newer;
        RetryConfig limited;
        limited.backoff.jitter = Jitter::DecorrelatedV2;
        limited.budget = RetryBudgetConfig {};
        newer.retryConfigs.emplace_back(QStringLiteral("r"), limited);
        CircuitBreakerConfig manual;
        manual.halfOpenRule = HalfOpenRule::Rates;
        manual.initialState = BreakerInitialState::Isolated;
        newer.circuitBreakerConfigs.emplace_back(QStringLiteral("m"), manual);
        lossy.clear();
        seedconfig::save(newer, &lossy);
        QCOMPARE(lossy,
            (QStringList {QStringLiteral("/retry_configs/r: decorrelated_v2 jitter written as full jitter"),
                QStringLiteral("/retry_configs/r: retry budget / throttling dropped"),
                QStringLiteral("/circuit_breaker_configs/m: half-open probe settings dropped"),
                QStringLiteral("/circuit_breaker_configs/m: initial state / schedule dropped")}));
    }

    void badSeedFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << QByteArray("{\"retry_configs\": {,}}") << QStringLiteral("s.json:1:20: syntax error: unterminated object");
        QTest::newRow("unknown strategy")
            << QByteArray(R"({"retry_configs": {"a": {"strategy": "fibonacci"}}})")
            << QStringLiteral("s.json: /retry_configs/a/strategy: expected one of exponential_backoff, jittered_exponential, linear_backoff, fixed_delay, got \"fibonacci\"");
        QTest::newRow("unknown key") << QByteArray(R"({"retry_configs": {"a": {"max_retries": 3}}})")
                                     << QStringLiteral("s.json: /retry_configs/a/max_retries: unknown key");
        QTest::newRow("negative threshold") << QByteArray(R"({"circuit_breaker_configs": {"a": {"failure_threshold": 0}}})")
                                            << QStringLiteral("s.json: /circuit_breaker_configs/a/failure_threshold: ");
    }
    void badSeedFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const SeedConfigLoad l = seedconfig::load(content, QStringLiteral("s.json"));
        QVERIFY(!l.ok());
        const QString first = l.errors.front().toString();
        if (expected.endsWith(QLatin1String(": ")))
            QVERIFY2(first.startsWith(expected), qPrintable(first));
        else
            QCOMPARE(first, expected);
    }

    void scenarioImportExport()
    {
        const char* const doc = R"({"schema_version": 1, "duration": 5,
            "services": [{"name": "s"}],
            "pipelines": [{"name": "database", "service": "s"}, {"name": "other", "service": "s"}],
            "clients": [{"pipeline": "database", "arrival": {"rate": 1}}]})";
        Scenario s = *scenariojson::load(doc).scenario;
        const SeedConfig imported = seedconfig::load(kSeedExample).config;
        const QStringList unmatched = seedconfig::applyToScenario(imported, s);
        QCOMPARE(unmatched, (QStringList {QStringLiteral("http_requests"), QStringLiteral("external_apis")}));
        QVERIFY(s.pipelines[0].config.retryEnabled);
        QCOMPARE(s.pipelines[0].config.retry.backoff.baseDelay, Duration(500ms));
        QVERIFY(s.pipelines[0].breaker.has_value());
        QCOMPARE(s.pipelines[0].breaker->failureThreshold, 3);
        QVERIFY(!s.pipelines[1].breaker.has_value());
        const SeedConfig exported = seedconfig::fromScenario(s);
        QCOMPARE(exported.retryConfigs.size(), std::size_t(1));
        QCOMPARE(exported.circuitBreakerConfigs.size(), std::size_t(1));
        QVERIFY(scenariojson::load(scenariojson::toBytes(s)).ok());
    }
};

QTEST_GUILESS_MAIN(TestSeedConfig)
#include "tst_seedconfig.moc"
