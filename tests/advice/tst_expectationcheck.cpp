// Expectations as tests: the scenario's `expect` entries load with precise errors, never change a run,
// and are judged against a simulated run with readable expected-vs-got text.
#include "advicefixture.h"

#include "core/advice/expectationcheck.h"
#include "core/config/demos.h"
#include "core/run/runmetrics.h"
#include "core/sim/simulator.h"

#include <QTest>

using namespace rwb;
using rwb::testing::adviceScenario;

namespace {

// 20 calls/s; the service refuses every call from 30 s to 60 s; a breaker that trips after 5 failures.
const char* const kOutage = R"({"latency": {"distribution": "fixed", "value": 0.02},
                                "outages": [{"start": 30, "end": 60, "error": "connection_refused"}]})";
const char* const kRate = R"({"arrival": {"process": "constant", "rate": 20}})";

QByteArray pipelineWith(const char* expect)
{
    return QByteArray(R"({"circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 5, "success_threshold": 1}, "expect": )")
        + expect + '}';
}

std::vector<ExpectationResult> judge(const Scenario& s)
{
    KeyEventSink events;
    SimulationOptions options;
    options.sink = &events;
    return expectationcheck::evaluate(s, Simulator::run(s, options), &events.events());
}

const ExpectationResult& byKey(const std::vector<ExpectationResult>& results, const char* key)
{
    for (const auto& r : results)
        if (r.key == QLatin1String(key))
            return r;
    qFatal("no result for %s", key);
}

ScenarioLoad loadWith(const char* pipeline)
{
    const QByteArray doc = QByteArray(R"({"schema_version": 1, "services": [{"name": "s"}], "pipelines": [)") + pipeline
        + R"(], "clients": [{"name": "c", "pipeline": "p"}]})";
    return scenariojson::load(doc, QStringLiteral("x.json"));
}

} // namespace

class TestExpectationCheck : public QObject {
    Q_OBJECT

private slots:
    void loadsAndRoundTrips()
    {
        const Scenario s = adviceScenario(pipelineWith(R"({"breaker_opens": true, "breaker_opens_within": "2s",
            "attempts_before_open_at_most": 40, "worst_call_at_most": 1, "success_rate_at_least": 0.7, "p99_at_most": "250ms",
            "recovers_within": 10})").constData(), kOutage, kRate);
        const PipelineExpectations& x = s.pipelines.front().expect;
        QCOMPARE(x.breakerOpens, true);
        QCOMPARE(x.breakerOpensWithin, Duration(2s));
        QCOMPARE(x.attemptsBeforeOpenAtMost, 40);
        QCOMPARE(x.worstCallAtMost, Duration(1s));
        QCOMPARE(x.successRateAtLeast, 0.7);
        QCOMPARE(x.p99AtMost, Duration(250ms));
        QCOMPARE(x.recoversWithin, Duration(10s));
        const ScenarioLoad again = scenariojson::load(scenariojson::toBytes(s));
        QVERIFY(again.ok());
        QCOMPARE(again.scenario->pipelines.front().expect, x);
        // no expect: nothing written, so saved scenarios without it keep their bytes
        Scenario none = s;
        none.pipelines.front().expect = {};
        QVERIFY(!scenariojson::toJson(none)[QStringLiteral("pipelines")].toArray().at(0).toObject().contains(QStringLiteral("expect")));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("pipeline");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown key") << QByteArray(R"({"name": "p", "service": "s", "expect": {"sucess_rate_at_least": 1}})")
                                     << "/pipelines/0/expect/sucess_rate_at_least" << "unknown key";
        QTest::newRow("rate above 1") << QByteArray(R"({"name": "p", "service": "s", "expect": {"success_rate_at_least": 1.5}})")
                                      << "/pipelines/0/expect/success_rate_at_least" << "1.5";
        QTest::newRow("negative attempts") << QByteArray(R"({"name": "p", "service": "s", "circuit_breaker": {}, "expect": {"attempts_before_open_at_most": -1}})")
                                           << "/pipelines/0/expect/attempts_before_open_at_most" << "-1";
        QTest::newRow("zero p99") << QByteArray(R"({"name": "p", "service": "s", "expect": {"p99_at_most": 0}})")
                                  << "/pipelines/0/expect/p99_at_most" << "> 0";
        QTest::newRow("not an object") << QByteArray(R"({"name": "p", "service": "s", "expect": [1]})")
                                       << "/pipelines/0/expect" << "an object";
        QTest::newRow("never opens, yet within") << QByteArray(R"({"name": "p", "service": "s", "circuit_breaker": {}, "expect": {"breaker_opens": false, "breaker_opens_within": 3}})")
                                                 << "/pipelines/0/expect/breaker_opens" << "got false";
    }

    void badInput()
    {
        QFETCH(QByteArray, pipeline);
        QFETCH(QString, pointer);
        QFETCH(QString, message);
        const ScenarioLoad load = loadWith(pipeline.constData());
        QVERIFY(!load.ok());
        QCOMPARE(load.errors.size(), std::size_t(1));
        QCOMPARE(load.errors.front().pointer, pointer);
        QCOMPARE(load.errors.front().file, QStringLiteral("x.json"));
        QVERIFY2(load.errors.front().message.contains(message), qPrintable(load.errors.front().message));
    }

    void expectDoesNotChangeTheRun()
    {
        const Scenario with = adviceScenario(pipelineWith(R"({"breaker_opens": true})").constData(), kOutage, kRate);
        Scenario without = with;
        without.pipelines.front().expect = {};
        QCOMPARE(Simulator::run(with), Simulator::run(without));
    }

    void judgedAgainstTheRun()
    {
        const Scenario s = adviceScenario(pipelineWith(R"({"breaker_opens": true, "breaker_opens_within": 1,
            "attempts_before_open_at_most": 40, "worst_call_at_most": 1, "success_rate_at_least": 0.99, "p99_at_most": 1,
            "recovers_within": 10})").constData(), kOutage, kRate);
        const auto results = judge(s);
        QCOMPARE(results.size(), std::size_t(7));
        for (const auto& r : results) {
            QCOMPARE(r.pipeline, QStringLiteral("p"));
            QCOMPARE(r.pointer, QStringLiteral("/pipelines/0/expect/") + r.key);
        }
        // 5 failures at 20 calls/s: open within 0.25 s of the outage, after 5 attempts (whole second: <= 20)
        QVERIFY(byKey(results, "breaker_opens").passed);
        QVERIFY2(byKey(results, "breaker_opens_within").passed, qPrintable(byKey(results, "breaker_opens_within").got));
        QCOMPARE(byKey(results, "breaker_opens_within").got, QStringLiteral("opened after 0.2 s"));
        QVERIFY2(byKey(results, "attempts_before_open_at_most").passed, qPrintable(byKey(results, "attempts_before_open_at_most").got));
        QVERIFY(byKey(results, "worst_call_at_most").passed);
        QVERIFY(byKey(results, "p99_at_most").passed);
        QVERIFY2(byKey(results, "recovers_within").passed, qPrintable(byKey(results, "recovers_within").got));
        // 30 s of 120 fail: the success rate is about 0.75
        const ExpectationResult& rate = byKey(results, "success_rate_at_least");
        QVERIFY(!rate.passed);
        QCOMPARE(rate.expected, QStringLiteral(">= 0.99"));
        QVERIFY2(rate.got.startsWith(QLatin1String("0.74")) || rate.got.startsWith(QLatin1String("0.75")), qPrintable(rate.got));
        QVERIFY2(rate.got.endsWith(QLatin1String("of 2400 requests)")), qPrintable(rate.got));
        QVERIFY(!expectationcheck::allPassed(results));
        const QJsonObject o = expectationcheck::toJson(rate);
        QCOMPARE(o.value(QStringLiteral("passed")).toBool(), false);
        QCOMPARE(o.value(QStringLiteral("key")).toString(), QStringLiteral("success_rate_at_least"));
    }

    void tightLimitsFail()
    {
        const Scenario tight = adviceScenario(pipelineWith(R"({"breaker_opens_within": 0.1, "attempts_before_open_at_most": 2,
            "p99_at_most": 0.001})").constData(), kOutage, kRate);
        const auto results = judge(tight);
        QCOMPARE(results.size(), std::size_t(3));
        for (const auto& r : results)
            QVERIFY2(!r.passed, qPrintable(r.key + QLatin1String(": ") + r.got));
        QCOMPARE(byKey(results, "breaker_opens_within").expected, QStringLiteral("opens <= 0.1 s after the fault starts"));
    }

    void noFaultNoOpening()
    {
        const Scenario s = adviceScenario(pipelineWith(R"({"breaker_opens_within": 5, "recovers_within": 5})").constData(),
            R"({"latency": {"distribution": "fixed", "value": 0.02}})", kRate);
        const auto results = judge(s);
        QCOMPARE(results.size(), std::size_t(2));
        for (const auto& r : results) {
            QVERIFY(!r.passed);
            QVERIFY2(r.got.startsWith(QLatin1String("no fault")), qPrintable(r.got));
        }
        const Scenario never = adviceScenario(pipelineWith(R"({"breaker_opens": false})").constData(),
            R"({"latency": {"distribution": "fixed", "value": 0.02}})", kRate);
        QVERIFY(expectationcheck::allPassed(judge(never)));
    }

    // Switching the breaker off (the demo's own question: what did the breaker buy?) still runs: the
    // breaker expectations fail and say why, and "never opens" holds.
    void noBreakerFailsItsBreakerExpectations()
    {
        const ScenarioLoad load = loadWith(
            R"({"name": "p", "service": "s", "expect": {"breaker_opens": true, "breaker_opens_within": 3,
                "attempts_before_open_at_most": 10}})");
        QVERIFY2(load.ok(), load.ok() ? "" : qPrintable(load.errors.front().toString()));
        Scenario s = adviceScenario(pipelineWith(R"({"breaker_opens": true, "breaker_opens_within": 3,
            "attempts_before_open_at_most": 10})").constData(), kOutage, kRate);
        s.pipelines.front().breaker.reset();
        QVERIFY(s.validate().empty());
        const auto results = judge(s);
        QCOMPARE(results.size(), std::size_t(3));
        for (const auto& r : results) {
            QVERIFY2(!r.passed, qPrintable(r.key));
            QCOMPARE(r.got, QStringLiteral("the pipeline has no circuit breaker"));
        }
        s.pipelines.front().expect = {};
        s.pipelines.front().expect.breakerOpens = false;
        QVERIFY(expectationcheck::allPassed(judge(s)));
    }

    void builtInDemosHoldTheirExpectations()
    {
        int judged = 0;
        for (const auto& demo : demos::list()) {
            const ScenarioLoad loaded = demos::load(demo.name);
            QVERIFY2(loaded.ok(), qPrintable(demo.name));
            const auto& pipelines = loaded.scenario->pipelines;
            if (std::all_of(pipelines.begin(), pipelines.end(), [](const PipelineSpec& p) { return p.expect.empty(); }))
                continue; // nothing to judge: no need to simulate
            const auto results = judge(*loaded.scenario);
            judged += int(results.size());
            for (const auto& r : results)
                QVERIFY2(r.passed, qPrintable(demo.name + QLatin1Char(' ') + r.key + QLatin1String(": ") + r.got));
        }
        QVERIFY(judged >= 4); // outage-recovery teaches the key
    }
};

QTEST_GUILESS_MAIN(TestExpectationCheck)
#include "tst_expectationcheck.moc"
