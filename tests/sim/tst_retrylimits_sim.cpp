// The simulator carries out what the engine's new configuration asks of an executor: a circuit's scheduled
// manual actions, and per-pipeline retry budgets and throttles (the simulator drives PipelineCall).
// Scenarios come from JSON, as a user would write them.
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/sim/simulator.h"

#include <QTest>

using namespace rwb;

namespace {
// 10 requests per second, evenly spaced from t = 0, at a service that answers in 1 ms (or fails).
QByteArray scenario(const char* fault, const char* pipelineExtra)
{
    return QByteArray(R"({"schema_version": 1, "seed": 7, "duration": 40, "drain_limit": 5,
      "services": [{"name": "svc", "fault": )")
        + fault + R"(}],
      "pipelines": [{"name": "p", "service": "svc", )" + pipelineExtra + R"(}],
      "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "constant", "rate": 10}}]})";
}

Scenario loaded(const QByteArray& json)
{
    ScenarioLoad l = scenariojson::load(json);
    QStringList errors;
    for (const auto& e : l.errors)
        errors << e.toString();
    if (!l.ok())
        qFatal("%s", qPrintable(errors.join(QLatin1Char('\n'))));
    return *l.scenario;
}
} // namespace

class TestRetryLimitsSim : public QObject {
    Q_OBJECT
private slots:
    // Isolated in [10 s, 20 s), opened by hand for 5 s at 30 s: 100 + 50 arrivals are refused, and the
    // transitions happen at the scheduled times (an action runs before an arrival at the same instant).
    void scheduledBreakerActions()
    {
        const Scenario s = loaded(scenario(R"({"error_rate": 0, "latency": 0.001})",
            R"("circuit_breaker": {"success_threshold": 1, "schedule": [{"at": 10, "action": "isolate"},
              {"at": 20, "action": "release"}, {"at": 30, "action": "open", "for": 5}]})"));
        CollectingSink sink;
        SimulationOptions o;
        o.sink = &sink;
        const RunResult r = Simulator::run(s, o);
        QStringList transitions;
        for (const auto& e : sink.events())
            if (e.kind == EventKind::BreakerTransition)
                transitions << QStringLiteral("%1 %2").arg(toMs(e.time.time_since_epoch())).arg(e.text);
        QCOMPARE(transitions,
            (QStringList { QStringLiteral("10000 forced open"), QStringLiteral("20000 released"),
                QStringLiteral("30000 manual open"), QStringLiteral("35000 recovery timeout elapsed"),
                QStringLiteral("35001 1 probe success") }));
        QCOMPARE(r.pipelines[0].summary.breakerRejections, std::uint64_t(150));
        QCOMPARE(r.pipelines[0].summary.rejected, std::uint64_t(150));
    }

    // Every try fails for 40 s at 10 requests per second with up to 4 tries: without limits that is
    // 1200 retries. A 20 % budget with no floor allows a fifth of the requests, 80; the 400th request
    // starts at 39.9 s, so its window (10 s) holds 100 requests and at most 20 retries at any time.
    void retryBudgetBoundsTheStorm()
    {
        const char* outage = R"({"error_rate": 1, "error_mix": {"http_500": 1, "http_503": 0, "http_429": 0,
            "connection_reset": 0, "hang": 0, "malformed": 0}, "latency": 0.001})";
        const Scenario unlimited = loaded(scenario(outage,
            R"("retry": {"max_attempts": 4, "backoff": {"base_delay": 0.01, "jitter": "none"}})"));
        QCOMPARE(Simulator::run(unlimited).pipelines[0].summary.retries, std::uint64_t(1200));

        const Scenario budgeted = loaded(scenario(outage,
            R"("retry": {"max_attempts": 4, "backoff": {"base_delay": 0.01, "jitter": "none"},
               "budget": {"percent": 20, "min_retries_per_second": 0, "window": 10}})"));
        const RunResult r = Simulator::run(budgeted);
        QCOMPARE(r.pipelines[0].summary.requests, std::uint64_t(400));
        QCOMPARE(r.pipelines[0].summary.retries, std::uint64_t(80));

        const Scenario throttled = loaded(scenario(outage,
            R"("retry": {"max_attempts": 4, "backoff": {"base_delay": 0.01, "jitter": "none"},
               "throttling": {"max_tokens": 10, "token_ratio": 0.1}})"));
        // gRPC: the first call's four failures take the tokens 10 -> 9 -> 8 -> 7 -> 6, retrying three times
        // (the fourth try is its last); the second call's failure leaves 5, not above half: no more retries.
        QCOMPARE(Simulator::run(throttled).pipelines[0].summary.retries, std::uint64_t(3));
    }
};

QTEST_GUILESS_MAIN(TestRetryLimitsSim)
#include "tst_retrylimits_sim.moc"
