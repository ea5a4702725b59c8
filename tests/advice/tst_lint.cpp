// The config lint: each rule fires on a scenario that has its problem and stays quiet on its fix, with
// the numbers that triggered it.
#include "advicefixture.h"

#include "core/advice/lint.h"
#include "core/config/demos.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTest>

using namespace rwb;
using rwb::testing::adviceScenario;

namespace {

const char* const kFailingFault = R"({"error_rate": 0.02, "latency": {"distribution": "log_normal", "median": 0.05, "p99": 0.5}})";

std::vector<LintFinding> findingsOf(const std::vector<LintFinding>& all, const QString& rule)
{
    std::vector<LintFinding> out;
    for (const auto& f : all)
        if (f.rule == rule)
            out.push_back(f);
    return out;
}

double number(const LintFinding& f, const char* name)
{
    for (const auto& n : f.numbers)
        if (n.name == QLatin1String(name))
            return n.value;
    qFatal("finding %s has no number %s", qPrintable(f.rule), name);
}

} // namespace

class TestLint : public QObject {
    Q_OBJECT

private slots:
    void catalog()
    {
        QVERIFY(lint::rules().size() >= 9);
        QSet<QString> ids;
        for (const auto& r : lint::rules()) {
            QVERIFY2(!ids.contains(r.id), qPrintable(r.id));
            ids.insert(r.id);
            QVERIFY2(r.explanation.size() > 80, qPrintable(r.id));
            QVERIFY2(!r.title.isEmpty() && !r.shownBy.isEmpty(), qPrintable(r.id));
            QCOMPARE(lint::rule(r.id), &r);
        }
        QCOMPARE(lint::rule(QStringLiteral("no_such_rule")), nullptr);
        QVERIFY(lintSeverityFromString(QStringLiteral("warning")) == LintSeverity::Warning);
        QVERIFY(!lintSeverityFromString(QStringLiteral("fatal")));
    }

    void rule_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<bool>("fires");
        QTest::addColumn<QByteArray>("pipeline");
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<QByteArray>("client");
        const QByteArray ten = R"({"arrival": {"process": "constant", "rate": 10}})";
        const QByteArray fault = kFailingFault;

        // 10 calls/s x 5 s = 50 calls in the window
        QTest::newRow("minimum_calls: window too short") << "minimum_calls_unreachable" << true
            << QByteArray(R"({"circuit_breaker": {"trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 100}})")
            << fault << ten;
        QTest::newRow("minimum_calls: reachable") << "minimum_calls_unreachable" << false
            << QByteArray(R"({"circuit_breaker": {"trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 40}})")
            << fault << ten;
        // inside the retry every attempt counts: 10 x 3 x 5 = 150 >= 100
        QTest::newRow("minimum_calls: retries fill it") << "minimum_calls_unreachable" << false
            << QByteArray(R"({"retry": {"max_attempts": 3}, "circuit_breaker": {"trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 100}})")
            << fault << ten;

        const QByteArray outage = R"({"outages": [{"start": 10, "end": 70, "error": "connection_refused"}]})";
        QTest::newRow("recovery: shorter than outage") << "recovery_timeout_shorter_than_outage" << true
            << QByteArray(R"({"circuit_breaker": {"recovery_timeout": 10}})") << outage << ten;
        QTest::newRow("recovery: outlasts outage") << "recovery_timeout_shorter_than_outage" << false
            << QByteArray(R"({"circuit_breaker": {"recovery_timeout": 90}})") << outage << ten;

        QTest::newRow("retries: exceed overall timeout") << "retries_exceed_overall_timeout" << true
            << QByteArray(R"({"retry": {"max_attempts": 4, "backoff": {"strategy": "constant", "base_delay": 1, "max_delay": 1, "jitter": "none"}},
                              "timeout": {"attempt_timeout": 2, "overall_timeout": 5}})")
            << fault << ten;
        QTest::newRow("retries: fit the overall timeout") << "retries_exceed_overall_timeout" << false
            << QByteArray(R"({"retry": {"max_attempts": 4, "backoff": {"strategy": "constant", "base_delay": 1, "max_delay": 1, "jitter": "none"}},
                              "timeout": {"attempt_timeout": 2, "overall_timeout": 20}})")
            << fault << ten;

        const QByteArray twenty = R"({"count": 20, "arrival": {"process": "constant", "rate": 1}})";
        QTest::newRow("jitter: none, 20 clients") << "no_jitter_many_clients" << true
            << QByteArray(R"({"retry": {"max_attempts": 3, "backoff": {"jitter": "none"}}})") << fault << twenty;
        QTest::newRow("jitter: full, 20 clients") << "no_jitter_many_clients" << false
            << QByteArray(R"({"retry": {"max_attempts": 3, "backoff": {"jitter": "full"}}})") << fault << twenty;
        QTest::newRow("jitter: none, one burst of 50") << "no_jitter_many_clients" << true
            << QByteArray(R"({"retry": {"max_attempts": 3, "backoff": {"jitter": "none"}}})") << fault
            << QByteArray(R"({"arrival": {"process": "bursts", "rate": 0, "burst_size": 50, "burst_interval": 30}})");

        // 2 workers / 0.1 s = 20 req/s; 10 req/s x 3 attempts = 30
        const QByteArray finite = R"({"latency": {"distribution": "fixed", "value": 0.1}, "capacity": {"max_concurrent": 2, "queue_size": 10}})";
        QTest::newRow("storm: retries only") << "retry_storm_risk" << true
            << QByteArray(R"({"retry": {"max_attempts": 3}})") << finite << ten;
        QTest::newRow("storm: with a breaker") << "retry_storm_risk" << false
            << QByteArray(R"({"retry": {"max_attempts": 3}, "circuit_breaker": {}})") << finite << ten;
        QTest::newRow("storm: with a budget") << "retry_storm_risk" << false
            << QByteArray(R"({"retry": {"max_attempts": 3, "budget": {"percent": 10}}})") << finite << ten;

        const QByteArray throttled = R"({"error_rate": 0.2, "error_mix": {"http_429": 1}, "retry_after": 2})";
        QTest::newRow("retry-after: ignored") << "retry_after_ignored" << true
            << QByteArray(R"({"retry": {"max_attempts": 3, "retry_after": {"respect_retry_after": false}}})") << throttled << ten;
        QTest::newRow("retry-after: respected") << "retry_after_ignored" << false
            << QByteArray(R"({"retry": {"max_attempts": 3, "retry_after": {"respect_retry_after": true}}})") << throttled << ten;

        QTest::newRow("order: breaker outside retry") << "breaker_outside_retry" << true
            << QByteArray(R"({"order": ["fallback", "circuit_breaker", "retry", "rate_limiter", "bulkhead", "timeout"],
                              "retry": {"max_attempts": 3}, "circuit_breaker": {"failure_threshold": 5}})")
            << fault << ten;
        QTest::newRow("order: breaker inside retry") << "breaker_outside_retry" << false
            << QByteArray(R"({"retry": {"max_attempts": 3}, "circuit_breaker": {"failure_threshold": 5}})") << fault << ten;

        // log_normal(median 50 ms, p99 500 ms)
        QTest::newRow("timeout: below p99") << "attempt_timeout_below_p99" << true
            << QByteArray(R"({"timeout": {"attempt_timeout": 0.2}})") << fault << ten;
        QTest::newRow("timeout: above p99") << "attempt_timeout_below_p99" << false
            << QByteArray(R"({"timeout": {"attempt_timeout": 1}})") << fault << ten;
        QTest::newRow("timeout: far above p99") << "attempt_timeout_far_above_p99" << true
            << QByteArray(R"({"timeout": {"attempt_timeout": 10}})") << fault << ten;
        QTest::newRow("timeout: 2 x p99") << "attempt_timeout_far_above_p99" << false
            << QByteArray(R"({"timeout": {"attempt_timeout": 1}})") << fault << ten;
    }

    void rule()
    {
        QFETCH(QString, rule);
        QFETCH(bool, fires);
        QFETCH(QByteArray, pipeline);
        QFETCH(QByteArray, fault);
        QFETCH(QByteArray, client);
        const Scenario s = adviceScenario(pipeline.constData(), fault.constData(), client.constData());
        const auto found = findingsOf(lint::check(s), rule);
        QCOMPARE(found.size(), fires ? std::size_t(1) : std::size_t(0));
        if (!fires)
            return;
        const LintFinding& f = found.front();
        QVERIFY(f.severity == lint::rule(rule)->severity);
        QCOMPARE(f.pipeline, 0);
        QVERIFY2(f.pointer.startsWith(QLatin1String("/pipelines/0/")), qPrintable(f.pointer));
        QVERIFY(!f.message.isEmpty() && !f.fix.isEmpty() && !f.numbers.empty());
    }

    void numbers()
    {
        const auto first = [](const Scenario& s, const char* rule) { return findingsOf(lint::check(s), QString::fromLatin1(rule)).at(0); };
        const LintFinding window = first(adviceScenario(
            R"({"circuit_breaker": {"trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 100}})",
            kFailingFault), "minimum_calls_unreachable");
        QCOMPARE(number(window, "calls_per_window"), 50.0);
        QCOMPARE(number(window, "minimum_calls"), 100.0);
        QCOMPARE(window.pointer, QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"));
        QVERIFY2(window.fix.contains(QLatin1String("minimum_calls to 25")), qPrintable(window.fix));

        const LintFinding flaps = first(adviceScenario(R"({"circuit_breaker": {"recovery_timeout": 10}})",
            R"({"outages": [{"start": 10, "end": 70}]})"), "recovery_timeout_shorter_than_outage");
        QCOMPARE(number(flaps, "outage_s"), 60.0);
        QCOMPARE(number(flaps, "reopens_per_outage"), 5.0); // opens at 0, 10, ..., 50; the wait from 50 ends at 60
        // a growing wait half-opens fewer times: 10 + 20 + 40 > 60 after two re-opens
        const LintFinding growing = first(adviceScenario(R"({"circuit_breaker": {"recovery_timeout": 10, "recovery_backoff_factor": 2}})",
            R"({"outages": [{"start": 10, "end": 70}]})"), "recovery_timeout_shorter_than_outage");
        QCOMPARE(number(growing, "reopens_per_outage"), 2.0);

        const LintFinding fit = first(adviceScenario(
            R"({"retry": {"max_attempts": 4, "backoff": {"strategy": "constant", "base_delay": 1, "max_delay": 1, "jitter": "none"}},
                "timeout": {"attempt_timeout": 2, "overall_timeout": 5}})", kFailingFault), "retries_exceed_overall_timeout");
        QCOMPARE(number(fit, "attempts_that_fit"), 2.0);  // 2 + 1 + 2 = 5 s; the third ends at 8 s
        QCOMPARE(number(fit, "worst_case_s"), 11.0);      // 4 x 2 s + 3 x 1 s
        QCOMPARE(fit.pointer, QStringLiteral("/pipelines/0/timeout/overall_timeout"));

        const LintFinding storm = first(adviceScenario(R"({"retry": {"max_attempts": 3}})",
            R"({"latency": {"distribution": "fixed", "value": 0.1}, "capacity": {"max_concurrent": 2, "queue_size": 10}})"),
            "retry_storm_risk");
        QCOMPARE(number(storm, "amplification"), 3.0);
        QCOMPARE(number(storm, "offered_rps"), 10.0);
        QCOMPARE(number(storm, "worst_case_rps"), 30.0);
        QCOMPARE(number(storm, "capacity_rps"), 20.0);

        // fixed 100 ms service: a 50 ms timeout cuts every healthy attempt
        const LintFinding cut = first(adviceScenario(R"({"timeout": {"attempt_timeout": 0.05}})",
            R"({"latency": {"distribution": "fixed", "value": 0.1}})"), "attempt_timeout_below_p99");
        QCOMPARE(number(cut, "healthy_timeouts_pct"), 100.0);
        QVERIFY(qAbs(number(cut, "p99_ms") - 100.0) <= 0.2);
    }

    void sharedCircuitCountsEveryPipeline()
    {
        // Two pipelines on one circuit: 2 x 10 calls/s x 5 s = 100 calls reach minimum_calls 100.
        Scenario s = adviceScenario(
            R"({"circuit_breaker": {"name": "shared", "trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 100}})",
            kFailingFault);
        QCOMPARE(findingsOf(lint::check(s), QStringLiteral("minimum_calls_unreachable")).size(), std::size_t(1));
        PipelineSpec second = s.pipelines.front();
        second.config.name = QStringLiteral("p2");
        s.pipelines.push_back(second);
        ClientSpec client = s.clients.front();
        client.pipeline = QStringLiteral("p2");
        s.clients.push_back(client);
        QVERIFY(s.validate().empty());
        QCOMPARE(findingsOf(lint::check(s), QStringLiteral("minimum_calls_unreachable")).size(), std::size_t(0));
    }

    void json()
    {
        const Scenario s = adviceScenario(R"({"circuit_breaker": {"recovery_timeout": 10}})", R"({"outages": [{"start": 10, "end": 70}]})");
        const auto findings = lint::check(s);
        QCOMPARE(findings.size(), std::size_t(1));
        const QJsonObject o = lint::toJson(findings.front(), s);
        QCOMPARE(o.value(QStringLiteral("rule")).toString(), QStringLiteral("recovery_timeout_shorter_than_outage"));
        QCOMPARE(o.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(o.value(QStringLiteral("pipeline")).toString(), QStringLiteral("p"));
        QCOMPARE(o.value(QStringLiteral("numbers")).toObject().value(QStringLiteral("outage_s")).toDouble(), 60.0);
        QVERIFY(!o.value(QStringLiteral("explanation")).toString().isEmpty());
    }

    void demosLintWithoutErrors()
    {
        // The built-in demos teach traps on purpose (warnings), but none has a breaker that can never open.
        for (const auto& demo : demos::list()) {
            const ScenarioLoad loaded = demos::load(demo.name);
            QVERIFY2(loaded.ok(), qPrintable(demo.name));
            for (const auto& f : lint::check(*loaded.scenario))
                QVERIFY2(f.severity != LintSeverity::Error, qPrintable(demo.name + QLatin1Char(' ') + f.message));
        }
    }

    void cheapEnoughForEveryEdit()
    {
        // The GUI re-lints on every edit on its own thread; the figure goes to docs/lint.md.
        std::vector<Scenario> all;
        for (const auto& demo : demos::list())
            all.push_back(*demos::load(demo.name).scenario);
        constexpr int kRounds = 200;
        std::size_t findings = 0;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < kRounds; ++i)
            for (const auto& s : all)
                findings += lint::check(s).size();
        const double perScenarioUs = double(timer.nsecsElapsed()) / 1000.0 / double(kRounds * all.size());
        qInfo("lint: %.1f us per demo scenario (%zu findings)", perScenarioUs, findings / kRounds);
        QVERIFY(findings > 0);
        QVERIFY2(perScenarioUs < 10000.0, qPrintable(QString::number(perScenarioUs))); // pathologies only: sanitizers slow it down
    }
};

QTEST_GUILESS_MAIN(TestLint)
#include "tst_lint.moc"
