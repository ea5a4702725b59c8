// What ignoring a lint rule costs: each test simulates a scenario the rule flags, shows the harm in the
// run's numbers, applies the finding's fix and shows the harm gone (docs/lint.md links here).
#include "advicefixture.h"

#include "core/advice/lint.h"
#include "core/sim/simulator.h"

#include <QTest>

using namespace rwb;
using rwb::testing::adviceScenario;

namespace {

const char* const kTenPerSecond = R"({"arrival": {"process": "constant", "rate": 10}})";

bool flags(const Scenario& s, const char* rule)
{
    const auto all = lint::check(s);
    return std::any_of(all.begin(), all.end(), [&](const LintFinding& f) { return f.rule == QLatin1String(rule); });
}

void set(Scenario& s, const char* pointer, const QJsonValue& value)
{
    const LoadErrors errors = scenariojson::setParameter(s, QString::fromLatin1(pointer), value);
    if (!errors.empty())
        qFatal("setParameter %s: %s", pointer, qPrintable(errors.front().toString()));
}

} // namespace

class TestLintHarm : public QObject {
    Q_OBJECT

private slots:
    void minimumCallsUnreachable()
    {
        // The service refuses every call for a full minute; 10 calls/s never put 100 calls in a 5 s window.
        Scenario s = adviceScenario(
            R"({"circuit_breaker": {"trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 100}})",
            R"({"outages": [{"start": 30, "end": 90, "error": "connection_refused"}]})", kTenPerSecond);
        QVERIFY(flags(s, "minimum_calls_unreachable"));
        const PipelineSummary broken = Simulator::run(s).pipelines.front().summary;
        QCOMPARE(broken.breakerTransitions, 0u);
        QCOMPARE(broken.breakerRejections, 0u);
        QVERIFY(broken.failed >= 590); // every call of the outage paid the failure

        set(s, "/pipelines/0/circuit_breaker/minimum_calls", 25); // the finding's fix
        QVERIFY(!flags(s, "minimum_calls_unreachable"));
        const PipelineSummary fixed = Simulator::run(s).pipelines.front().summary;
        QVERIFY(fixed.breakerTransitions > 0);
        QVERIFY(fixed.breakerRejections > 0);
    }

    void recoveryShorterThanOutage()
    {
        Scenario s = adviceScenario(R"({"circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 5, "success_threshold": 1}})",
            R"({"outages": [{"start": 30, "end": 90, "error": "connection_refused"}]})", kTenPerSecond);
        QVERIFY(flags(s, "recovery_timeout_shorter_than_outage"));
        const PipelineSummary flapping = Simulator::run(s).pipelines.front().summary;
        // open, then half-open and open again about every 5 s of the 60 s outage
        QVERIFY2(flapping.breakerTransitions >= 20, qPrintable(QString::number(flapping.breakerTransitions)));

        set(s, "/pipelines/0/circuit_breaker/recovery_timeout", 60);
        QVERIFY(!flags(s, "recovery_timeout_shorter_than_outage"));
        const PipelineSummary steady = Simulator::run(s).pipelines.front().summary;
        QVERIFY2(steady.breakerTransitions <= 4, qPrintable(QString::number(steady.breakerTransitions)));
    }

    void retriesExceedOverallTimeout()
    {
        // Half of the attempts hang until the 2 s attempt timeout; only 2 of the 4 attempts fit in 5 s.
        Scenario s = adviceScenario(R"({"retry": {"max_attempts": 4, "backoff": {"strategy": "constant", "base_delay": 1,
                                       "max_delay": 1, "jitter": "none"}}, "timeout": {"attempt_timeout": 2, "overall_timeout": 5}})",
            R"({"error_rate": 0.5, "error_mix": {"hang": 1}, "latency": {"distribution": "fixed", "value": 0.01}})", kTenPerSecond);
        QVERIFY(flags(s, "retries_exceed_overall_timeout"));
        const PipelineSummary cut = Simulator::run(s).pipelines.front().summary;
        QVERIFY(cut.attempts <= 2 * cut.requests); // attempts 3 and 4 never happen
        QVERIFY2(cut.successRate() < 0.8, qPrintable(QString::number(cut.successRate()))); // ~1 - 0.5^2

        set(s, "/pipelines/0/timeout/overall_timeout", 11);
        QVERIFY(!flags(s, "retries_exceed_overall_timeout"));
        const PipelineSummary whole = Simulator::run(s).pipelines.front().summary;
        QVERIFY2(whole.successRate() > 0.9, qPrintable(QString::number(whole.successRate()))); // ~1 - 0.5^4
    }

    void retryStormRisk()
    {
        // 2 workers x 100 ms = 20 req/s of capacity; 10 req/s, 3 attempts each while the service fails.
        Scenario s = adviceScenario(R"({"retry": {"max_attempts": 3, "backoff": {"base_delay": 0.1, "max_delay": 1}}})",
            R"({"latency": {"distribution": "fixed", "value": 0.1}, "capacity": {"max_concurrent": 2, "queue_size": 10},
                "outages": [{"start": 30, "end": 60, "error": "http_500"}]})",
            kTenPerSecond);
        QVERIFY(flags(s, "retry_storm_risk"));
        const RunResult storm = Simulator::run(s);
        set(s, "/pipelines/0/circuit_breaker", QJsonObject {{QStringLiteral("failure_threshold"), 5}});
        QVERIFY(!flags(s, "retry_storm_risk"));
        const RunResult guarded = Simulator::run(s);
        const auto outageArrivals = [](const RunResult& r) {
            std::uint64_t n = 0;
            for (std::size_t i = 30; i < 60; ++i)
                n += r.services.front().buckets[i].arrivals;
            return n;
        };
        // retries triple the load on the failing service; the breaker takes it away
        QVERIFY2(outageArrivals(storm) >= 2.5 * 300, qPrintable(QString::number(outageArrivals(storm))));
        QVERIFY2(outageArrivals(guarded) * 3 < outageArrivals(storm), qPrintable(QString::number(outageArrivals(guarded))));
    }

    void attemptTimeoutBelowP99()
    {
        // A healthy log_normal(median 50 ms, p99 500 ms) service and a 200 ms attempt timeout.
        Scenario s = adviceScenario(R"({"timeout": {"attempt_timeout": 0.2}})",
            R"({"latency": {"distribution": "log_normal", "median": 0.05, "p99": 0.5}})",
            R"({"arrival": {"process": "constant", "rate": 100}})");
        const auto findings = lint::check(s);
        const auto it = std::find_if(findings.begin(), findings.end(),
            [](const LintFinding& f) { return f.rule == QLatin1String("attempt_timeout_below_p99"); });
        QVERIFY(it != findings.end());
        double predicted = 0;
        for (const auto& n : it->numbers)
            if (n.name == QLatin1String("healthy_timeouts_pct"))
                predicted = n.value;
        const PipelineSummary healthy = Simulator::run(s).pipelines.front().summary;
        const double measured = 100.0 * double(healthy.timeouts) / double(healthy.attempts);
        // 12,000 attempts: the lint's estimate holds within 1 percentage point
        QVERIFY2(qAbs(measured - predicted) < 1.0, qPrintable(QStringLiteral("%1 vs %2").arg(measured).arg(predicted)));
        QVERIFY(measured > 5.0);

        set(s, "/pipelines/0/timeout/attempt_timeout", 0.75);
        QVERIFY(!flags(s, "attempt_timeout_below_p99"));
        const PipelineSummary fixed = Simulator::run(s).pipelines.front().summary;
        QVERIFY(double(fixed.timeouts) < 0.01 * double(fixed.attempts));
    }
};

QTEST_GUILESS_MAIN(TestLintHarm)
#include "tst_lintharm.moc"
