#include "core/faults/faultprofile.h"
#include "core/faults/faultschedule.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace rwb;

Q_DECLARE_METATYPE(rwb::LatencyDistribution)

namespace {
std::vector<double> samplesMs(const LatencyDistribution& d, int n, std::uint64_t seed = 1)
{
    Random rng(seed);
    std::vector<double> out;
    out.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i)
        out.push_back(toMs(d.sample(rng)));
    return out;
}

double quantile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v[std::size_t(q * double(v.size() - 1))];
}

double mean(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return s / double(v.size());
}

double stddev(const std::vector<double>& v)
{
    const double m = mean(v);
    double s = 0;
    for (double x : v)
        s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
}
} // namespace

class TestFaultProfile : public QObject {
    Q_OBJECT

private slots:
    void latencyIsDeterministic_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("fixed") << int(LatencyDistribution::Kind::Fixed);
        QTest::newRow("uniform") << int(LatencyDistribution::Kind::Uniform);
        QTest::newRow("normal") << int(LatencyDistribution::Kind::Normal);
        QTest::newRow("log_normal") << int(LatencyDistribution::Kind::LogNormal);
    }
    void latencyIsDeterministic()
    {
        QFETCH(int, kind);
        LatencyDistribution d;
        d.kind = LatencyDistribution::Kind(kind);
        d.value = 20ms;
        d.min = 10ms;
        d.max = 30ms;
        d.mean = 50ms;
        d.stddev = 10ms;
        d.median = 40ms;
        d.p99 = 400ms;
        d.slowTailProbability = 0.01;
        d.slowTailLatency = 5s;
        QCOMPARE(samplesMs(d, 1000, 99), samplesMs(d, 1000, 99));
        if (d.kind != LatencyDistribution::Kind::Fixed)
            QVERIFY(samplesMs(d, 1000, 99) != samplesMs(d, 1000, 100));
    }

    void latencyPinnedValues()
    {
        // Bit-for-bit reproducibility across machines and compilers: these exact values must never change
        // (xoshiro256**, Marsaglia polar normal, exp/log of IEEE doubles).
        Random rng(42);
        const auto d = LatencyDistribution::logNormal(40ms, 400ms);
        const std::vector<std::int64_t> expected {19493447, 32454524, 49811125, 67108534};
        std::vector<std::int64_t> got;
        for (int i = 0; i < 4; ++i)
            got.push_back(d.sample(rng).count());
        QCOMPARE(got, expected);
    }

    void fixedIsExact()
    {
        const auto v = samplesMs(LatencyDistribution::fixed(25ms), 100);
        QVERIFY(std::all_of(v.begin(), v.end(), [](double x) { return x == 25.0; }));
    }

    void uniformMoments()
    {
        const auto v = samplesMs(LatencyDistribution::uniform(10ms, 30ms), 100000);
        QVERIFY(*std::min_element(v.begin(), v.end()) >= 10.0);
        QVERIFY(*std::max_element(v.begin(), v.end()) < 30.0);
        QVERIFY(std::abs(mean(v) - 20.0) < 0.1);
        QVERIFY(std::abs(stddev(v) - 20.0 / std::sqrt(12.0)) < 0.1);
    }

    void normalMoments()
    {
        const auto v = samplesMs(LatencyDistribution::normal(100ms, 15ms), 100000);
        QVERIFY(std::abs(mean(v) - 100.0) < 0.3);
        QVERIFY(std::abs(stddev(v) - 15.0) < 0.3);
        // Truncated at zero: a wide distribution never goes negative.
        const auto w = samplesMs(LatencyDistribution::normal(5ms, 50ms), 10000);
        QVERIFY(*std::min_element(w.begin(), w.end()) >= 0.0);
    }

    void logNormalMedianAndP99()
    {
        const auto v = samplesMs(LatencyDistribution::logNormal(40ms, 400ms), 200000);
        const double median = quantile(v, 0.5);
        const double p99 = quantile(v, 0.99);
        QVERIFY2(std::abs(median - 40.0) / 40.0 < 0.02, qPrintable(QString::number(median)));
        QVERIFY2(std::abs(p99 - 400.0) / 400.0 < 0.05, qPrintable(QString::number(p99)));
    }

    void everyKindMatchesItsMoments_data()
    {
        QTest::addColumn<LatencyDistribution>("d");
        QTest::addColumn<double>("tolerance"); // relative, on the mean and on E[X^2]
        QTest::newRow("uniform") << LatencyDistribution::uniform(10ms, 30ms) << 0.01;
        QTest::newRow("normal, truncated") << LatencyDistribution::normal(5ms, 10ms) << 0.02;
        QTest::newRow("log_normal") << LatencyDistribution::logNormal(40ms, 200ms) << 0.03;
        QTest::newRow("exponential") << LatencyDistribution::exponential(10ms) << 0.02;
        QTest::newRow("erlang-4") << LatencyDistribution::gamma(10ms, 4) << 0.01;
        QTest::newRow("gamma 0.5") << LatencyDistribution::gamma(10ms, 0.5) << 0.04;
        QTest::newRow("pareto 5") << LatencyDistribution::pareto(5ms, 5) << 0.03;
        QTest::newRow("bounded pareto") << LatencyDistribution::pareto(1ms, 1.1, 1s) << 0.05;
        QTest::newRow("empirical") << LatencyDistribution::empirical({1ms, 2ms, 10ms}, {1, 1, 2}) << 0.01;
        auto tail = LatencyDistribution::exponential(10ms);
        tail.slowTailProbability = 0.02;
        tail.slowTailLatency = 200ms;
        QTest::newRow("exponential + slow tail") << tail << 0.03;
    }
    void everyKindMatchesItsMoments()
    {
        QFETCH(LatencyDistribution, d);
        QFETCH(double, tolerance);
        QVERIFY(d.validate().empty());
        Random rng(7);
        const int n = 400000;
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; ++i) {
            const double x = double(d.sample(rng).count());
            QVERIFY(x >= 0);
            sum += x;
            sum2 += x * x;
        }
        const auto m = d.moments();
        QVERIFY2(std::abs(sum / n - m.mean) / m.mean < tolerance,
            qPrintable(QStringLiteral("mean %1 vs %2").arg(sum / n).arg(m.mean)));
        QVERIFY2(std::abs(sum2 / n - m.second) / m.second < 2 * tolerance,
            qPrintable(QStringLiteral("E[X^2] %1 vs %2").arg(sum2 / n).arg(m.second)));
    }

    void paretoHasItsPowerLawTail()
    {
        const auto v = samplesMs(LatencyDistribution::pareto(5ms, 2.5), 200000, 3);
        const double beyond = double(std::count_if(v.begin(), v.end(), [](double x) { return x > 20.0; })) / double(v.size());
        const double expected = std::pow(5.0 / 20.0, 2.5); // P(X > 4 x_min) = 4^-alpha = 3.1 %
        QVERIFY2(std::abs(beyond - expected) / expected < 0.05, qPrintable(QString::number(beyond)));
        QCOMPARE(*std::min_element(v.begin(), v.end()) >= 5.0, true);
        const auto bounded = samplesMs(LatencyDistribution::pareto(5ms, 1.0, 100ms), 100000, 3);
        QVERIFY(*std::max_element(bounded.begin(), bounded.end()) <= 100.0);
    }

    void empiricalDrawsObservedValuesByWeight()
    {
        const auto v = samplesMs(LatencyDistribution::empirical({3ms, 7ms, 50ms}, {6, 3, 1}), 100000, 5);
        QCOMPARE(std::count(v.begin(), v.end(), 3.0) + std::count(v.begin(), v.end(), 7.0) + std::count(v.begin(), v.end(), 50.0),
            qsizetype(v.size()));
        QVERIFY(std::abs(double(std::count(v.begin(), v.end(), 50.0)) / 1e5 - 0.1) < 0.005);
        const auto plain = samplesMs(LatencyDistribution::empirical({3ms, 7ms}), 100000, 5);
        QVERIFY(std::abs(double(std::count(plain.begin(), plain.end(), 3.0)) / 1e5 - 0.5) < 0.005);
        QCOMPARE(LatencyDistribution::empirical({3ms, 7ms, 50ms}, {6, 3, 1}).typical(), Duration(3ms));
    }

    void truncatedNormalHasNoSpikeAtZero()
    {
        // Clamping negative draws to zero would put ~46 % of these samples at exactly 0.
        const auto v = samplesMs(LatencyDistribution::normal(5ms, 50ms), 20000);
        QVERIFY(std::count(v.begin(), v.end(), 0.0) < 5);
        QVERIFY(*std::min_element(v.begin(), v.end()) >= 0.0);
    }

    void newDistributionsRejectNonsense_data()
    {
        QTest::addColumn<LatencyDistribution>("d");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("empirical without samples") << LatencyDistribution::empirical({}) << QStringLiteral("samples")
                                                   << QStringLiteral("expected at least one sample");
        QTest::newRow("weights of the wrong length") << LatencyDistribution::empirical({1ms, 2ms}, {1}) << QStringLiteral("weights")
                                                     << QStringLiteral("expected one weight per sample (2), got 1");
        QTest::newRow("all weights zero") << LatencyDistribution::empirical({1ms}, {0}) << QStringLiteral("weights")
                                          << QStringLiteral("expected at least one weight > 0");
        QTest::newRow("gamma shape 0") << LatencyDistribution::gamma(10ms, 0) << QStringLiteral("shape")
                                       << QStringLiteral("expected a number > 0, got 0");
        QTest::newRow("unbounded pareto, infinite mean")
            << LatencyDistribution::pareto(1ms, 1.0) << QStringLiteral("shape")
            << QStringLiteral("expected a number > 1 (at or below 1 the mean is infinite: give \"max\" to bound the tail), got 1");
        QTest::newRow("pareto max below min") << LatencyDistribution::pareto(10ms, 2, 5ms) << QStringLiteral("max")
                                              << QStringLiteral("expected 0 (unbounded) or a duration > min (10 ms), got 5 ms");
        QTest::newRow("pareto min 0") << LatencyDistribution::pareto(0ms, 2) << QStringLiteral("min")
                                      << QStringLiteral("expected a duration > 0 ms, got 0 ms");
    }
    void newDistributionsRejectNonsense()
    {
        QFETCH(LatencyDistribution, d);
        QFETCH(QString, field);
        QFETCH(QString, message);
        const FieldErrors e = d.validate();
        QVERIFY(!e.empty());
        QCOMPARE(e.front().field, field);
        QCOMPARE(e.front().message, message);
    }

    void allZeroErrorMixIsRejected()
    {
        FaultProfile p = FaultProfile::healthy();
        p.errorMix = ErrorMix {0, 0, 0, 0, 0, 0};
        const FieldErrors e = p.validate();
        QCOMPARE(e.size(), std::size_t(1));
        QCOMPARE(e.front().field, QStringLiteral("error_mix"));
    }

    void slowTailFraction()
    {
        auto d = LatencyDistribution::fixed(10ms);
        d.slowTailProbability = 0.05;
        d.slowTailLatency = 2s;
        const auto v = samplesMs(d, 100000);
        const auto slow = std::count(v.begin(), v.end(), 2000.0);
        QVERIFY(std::abs(double(slow) / 100000.0 - 0.05) < 0.003);
        QCOMPARE(std::count(v.begin(), v.end(), 10.0) + slow, qsizetype(100000));
    }

    void errorRateAndMix()
    {
        FaultProfile p = FaultProfile::healthy(10ms);
        p.errorRate = 0.2;
        p.errorMix = ErrorMix {1, 1, 2, 0, 0, 0}; // 25 % 500, 25 % 503, 50 % 429
        p.retryAfter = 1500ms;
        Random rng(7);
        int errors = 0, e500 = 0, e503 = 0, e429 = 0;
        const int n = 100000;
        for (int i = 0; i < n; ++i) {
            const auto r = p.serve(TimePoint(std::chrono::seconds(1)), rng);
            if (r.isSuccess()) {
                QCOMPARE(r.httpStatus, 200);
                continue;
            }
            ++errors;
            QCOMPARE(int(r.cause), int(PlannedResponse::Cause::ErrorRate));
            if (r.kind == FaultKind::Http500)
                ++e500;
            else if (r.kind == FaultKind::Http503) {
                ++e503;
                QVERIFY(!r.retryAfter); // retryAfterOn503 is off
            } else if (r.kind == FaultKind::Http429) {
                ++e429;
                QCOMPARE(r.retryAfter, std::optional<Duration>(2s)); // rounded up to whole seconds
                QCOMPARE(r.toOutcome().retryAfter, std::optional<Duration>(2s));
                QCOMPARE(r.toOutcome().errorClass, ErrorClass::forHttpStatus(429));
            }
        }
        QVERIFY(std::abs(double(errors) / n - 0.2) < 0.005);
        QVERIFY(std::abs(double(e429) / errors - 0.5) < 0.02);
        QVERIFY(std::abs(double(e500) / errors - 0.25) < 0.02);
        QVERIFY(std::abs(double(e503) / errors - 0.25) < 0.02);
    }

    void outcomesOfEachKind_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorClass");
        QTest::addColumn<int>("outcomeKind");
        QTest::newRow("ok") << int(FaultKind::Ok) << 200 << QString() << int(OutcomeKind::Success);
        QTest::newRow("500") << int(FaultKind::Http500) << 500 << QStringLiteral("http_500") << int(OutcomeKind::Error);
        QTest::newRow("reset") << int(FaultKind::ConnectionReset) << 0 << QStringLiteral("connection_reset") << int(OutcomeKind::Error);
        QTest::newRow("refused") << int(FaultKind::ConnectionRefused) << 0 << QStringLiteral("connection_refused") << int(OutcomeKind::Error);
        QTest::newRow("malformed") << int(FaultKind::Malformed) << 200 << QStringLiteral("malformed_response") << int(OutcomeKind::Error);
        QTest::newRow("hang") << int(FaultKind::Hang) << 0 << QStringLiteral("timeout") << int(OutcomeKind::Timeout);
    }
    void outcomesOfEachKind()
    {
        QFETCH(int, kind);
        QFETCH(int, status);
        QFETCH(QString, errorClass);
        QFETCH(int, outcomeKind);
        FaultProfile p = FaultProfile::healthy(10ms);
        if (FaultKind(kind) != FaultKind::Ok)
            p.outages.push_back({0s, 10s, FaultKind(kind)});
        Random rng(1);
        const auto r = p.serve(TimePoint(1s), rng);
        QCOMPARE(int(r.kind), kind);
        QCOMPARE(r.httpStatus, status);
        QCOMPARE(r.errorClass().name(), errorClass);
        QCOMPARE(int(r.toOutcome().kind), outcomeKind);
        QCOMPARE(r.hang(), FaultKind(kind) == FaultKind::Hang);
        QCOMPARE(toString(FaultKind(kind)).isEmpty(), false);
        QCOMPARE(faultKindFromString(toString(FaultKind(kind))), std::optional<FaultKind>(FaultKind(kind)));
    }

    void outageWindows()
    {
        FaultProfile p = FaultProfile::healthy(10ms);
        p.outages.push_back({120s, 180s, FaultKind::ConnectionRefused});
        Random rng(1);
        QVERIFY(p.serve(TimePoint(119s), rng).isSuccess());
        auto down = p.serve(TimePoint(120s), rng);
        QCOMPARE(int(down.kind), int(FaultKind::ConnectionRefused));
        QCOMPARE(int(down.cause), int(PlannedResponse::Cause::Outage));
        QCOMPARE(down.latency, Duration::zero());
        QVERIFY(!p.serve(TimePoint(179999ms), rng).isSuccess());
        QVERIFY(p.serve(TimePoint(180s), rng).isSuccess()); // end is exclusive
    }

    void flappingDutyCycle()
    {
        FaultProfile p = FaultProfile::healthy(10ms);
        p.flapping = Flapping {30s, 0.6, 0s, FaultKind::Http500};
        Random rng(1);
        int down = 0;
        for (int ms = 0; ms < 300000; ms += 100) {
            const auto r = p.serve(TimePoint(std::chrono::milliseconds(ms)), rng);
            if (!r.isSuccess()) {
                ++down;
                QCOMPARE(int(r.cause), int(PlannedResponse::Cause::Flapping));
                QVERIFY(ms % 30000 >= 18000);
            }
        }
        QCOMPARE(down, 3000 * 4 / 10);
    }

    void degradationRamp()
    {
        FaultProfile p = FaultProfile::healthy(100ms);
        p.ramp = DegradationRamp {100s, 200s, 0.5, 3.0};
        Random rng(3);
        QCOMPARE(p.serve(TimePoint(50s), rng).latency, 100ms);
        QCOMPARE(p.serve(TimePoint(150s), rng).latency, 200ms); // halfway: x2
        QCOMPARE(p.serve(TimePoint(500s), rng).latency, 300ms);  // held at x3
        int errors = 0;
        for (int i = 0; i < 20000; ++i)
            errors += p.serve(TimePoint(150s), rng).isSuccess() ? 0 : 1;
        QVERIFY(std::abs(errors / 20000.0 - 0.25) < 0.015);
    }

    void overloadRefusalDrawsItsLatency()
    {
        FaultProfile p = FaultProfile::healthy(100ms);
        p.capacity.maxConcurrent = 10;
        p.capacity.overloadError = FaultKind::Http503;
        p.capacity.overloadLatency = LatencyDistribution::uniform(1ms, 3ms);
        Random rng(1);
        bool differs = false;
        const auto first = p.overloaded(rng);
        for (int i = 0; i < 20; ++i) {
            const auto over = p.overloaded(rng);
            QCOMPARE(int(over.kind), int(FaultKind::Http503));
            QCOMPARE(int(over.cause), int(PlannedResponse::Cause::Overload));
            QVERIFY(over.latency >= 1ms && over.latency < 3ms);
            differs = differs || over.latency != first.latency;
        }
        QVERIFY2(differs, "refusal times are drawn, so no-jitter clients do not stay in lockstep");
    }

    void refusedConnectionsNeverQueue()
    {
        FaultProfile p = FaultProfile::healthy(50ms);
        p.outages.push_back({10s, 20s, FaultKind::ConnectionRefused});
        QVERIFY(!p.refusesConnections(TimePoint(9s)));
        QVERIFY(p.refusesConnections(TimePoint(10s)));
        Random rng(3);
        const auto r = p.serve(TimePoint(15s), rng);
        QCOMPARE(int(r.kind), int(FaultKind::ConnectionRefused));
        QCOMPARE(r.latency, Duration::zero());
    }

    void retryAfterHeader()
    {
        PlannedResponse r;
        r.kind = FaultKind::Http429;
        r.retryAfter = 7s;
        QCOMPARE(r.retryAfterHeader(0), QStringLiteral("7"));
        r.retryAfterFormat = RetryAfterFormat::HttpDate;
        // 2026-01-03T15:30:00.250Z + 7 s, rounded up to the next whole second first.
        QCOMPARE(r.retryAfterHeader(1767454200250), QStringLiteral("Sat, 03 Jan 2026 15:30:08 GMT"));
        r.retryAfter.reset();
        QCOMPARE(r.retryAfterHeader(0), QString());
    }

    void validateReportsEveryField()
    {
        FaultProfile p;
        p.errorRate = 1.5;
        p.errorMix.hang = -1;
        p.latency = LatencyDistribution::logNormal(40ms, 10ms);
        p.outages.push_back({10s, 5s, FaultKind::Ok});
        p.capacity.maxConcurrent = -1;
        const FieldErrors e = p.validate();
        QStringList fields;
        for (const auto& x : e)
            fields << x.field;
        QVERIFY2(fields.contains(QStringLiteral("error_rate")), qPrintable(fields.join(QLatin1Char(','))));
        QVERIFY(fields.contains(QStringLiteral("error_mix/hang")));
        QVERIFY(fields.contains(QStringLiteral("latency/p99")));
        QVERIFY(fields.contains(QStringLiteral("outages/0/end")));
        QVERIFY(fields.contains(QStringLiteral("outages/0/error")));
        QVERIFY(fields.contains(QStringLiteral("capacity/max_concurrent")));
        QCOMPARE(e.front().message, QStringLiteral("expected a number in [0, 1], got 1.5"));
        QVERIFY(FaultProfile::healthy().validate().empty());
    }

    void scheduleSwitchesProfiles()
    {
        FaultSchedule s(FaultProfile::healthy(10ms));
        FaultProfile down = FaultProfile::healthy(10ms);
        down.errorRate = 1.0;
        s.addChange(180s, FaultProfile::healthy(10ms), QStringLiteral("back"));
        s.addChange(120s, down, QStringLiteral("payments down"));
        QCOMPARE(s.changes().front().at, Duration(120s)); // kept sorted
        QCOMPARE(s.indexAt(TimePoint(119s)), std::size_t(0));
        QCOMPARE(s.indexAt(TimePoint(120s)), std::size_t(1));
        QCOMPARE(s.indexAt(TimePoint(180s)), std::size_t(2));
        Random rng(1);
        QVERIFY(s.profileNow(TimePoint(100s)).serve(TimePoint(100s), rng).isSuccess());
        QVERIFY(!s.profileNow(TimePoint(150s)).serve(TimePoint(150s), rng).isSuccess());
        QVERIFY(s.profileNow(TimePoint(200s)).serve(TimePoint(200s), rng).isSuccess());

        const auto transitions = s.transitions(TimePoint(300s));
        QCOMPARE(transitions.size(), std::size_t(2));
        QCOMPARE(transitions[0].at, TimePoint(120s));
        QVERIFY(transitions[0].description.startsWith(QStringLiteral("payments down: error_rate=1")));
        const Event e = FaultSchedule::faultChangedEvent(QStringLiteral("payments"), transitions[0]);
        QCOMPARE(int(e.kind), int(EventKind::FaultChanged));
        QCOMPARE(e.source, QStringLiteral("payments"));
        QCOMPARE(e.time, TimePoint(120s));
    }

    void scheduleTransitionsIncludeOutages()
    {
        FaultProfile p = FaultProfile::healthy(10ms);
        p.outages.push_back({30s, 40s, FaultKind::Http503});
        FaultSchedule s(p);
        const auto t = s.transitions(TimePoint(100s));
        QCOMPARE(t.size(), std::size_t(2));
        QCOMPARE(t[0].at, TimePoint(30s));
        QCOMPARE(t[1].at, TimePoint(40s));
        QVERIFY(s.transitions(TimePoint(35s)).size() == 1);
    }

    void scheduleValidationPaths()
    {
        FaultSchedule s;
        FaultProfile bad;
        bad.errorRate = -0.1;
        s.addChange(-1s, bad);
        QStringList fields;
        for (const auto& e : s.validate())
            fields << e.field;
        QCOMPARE(fields, (QStringList {QStringLiteral("changes/0/at"), QStringLiteral("changes/0/profile/error_rate")}));
    }
};

QTEST_APPLESS_MAIN(TestFaultProfile)
#include "tst_faultprofile.moc"
