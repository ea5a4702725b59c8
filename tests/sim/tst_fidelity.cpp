// The simulator's service model checked against queueing theory on short runs (the full-length figures
// come from `rwb fidelity`). Bounds are looser than the command's, yet far tighter than the errors of a
// service whose latency is a formula of the concurrency at arrival (+34 % to +81 % on M/D/1).
#include "core/common/random.h"
#include "core/sim/fidelity.h"

#include <QTest>

using namespace rwb;

class TestFidelity : public QObject {
    Q_OBJECT

private slots:
    void formulasMatchKnownValues()
    {
        // Textbook values: Erlang C(2, 1) = 1/3; M/M/1/K with K = 1 is Erlang B: a / (1 + a).
        QVERIFY(std::abs(queueing::erlangC(2, 1.0) - 1.0 / 3.0) < 1e-12);
        const auto q = queueing::mmck(1, 1, 2.0, 1.0);
        QVERIFY(std::abs(q.blocking - 2.0 / 3.0) < 1e-12);
        QVERIFY(std::abs(q.meanInSystem - 2.0 / 3.0) < 1e-12);
        // The KS p-value: D = 0 means perfect agreement, a large D over many samples means none.
        QCOMPARE(queueing::ksPValue(0.0, 1000), 1.0);
        QVERIFY(queueing::ksPValue(0.1, 10000) < 1e-10);
        QVERIFY(std::abs(queueing::ksPValue(0.0136, 10000) - 0.05) < 0.005); // the 5 % critical value 1.36 / sqrt(n)
    }

    void ksDetectsAWrongDistribution()
    {
        std::vector<double> uniform, squared;
        Random rng(3);
        for (int i = 0; i < 20000; ++i) {
            const double u = rng.uniform01();
            uniform.push_back(u);
            squared.push_back(u * u);
        }
        QVERIFY(queueing::ksPValue(queueing::ksUniformStatistic(uniform), uniform.size()) > 0.01);
        QVERIFY(queueing::ksPValue(queueing::ksUniformStatistic(squared), squared.size()) < 1e-6);
    }

    void simulatorAgreesWithTheory()
    {
        FidelityOptions o;
        o.customers = 400000;
        o.meanTolerance = 0.08;
        o.p95Tolerance = 0.08;
        o.ksMinPValue = 0.001;
        const auto checks = runFidelity(o);
        QCOMPARE(checks.size(), std::size_t(18));
        for (const auto& c : checks) {
            const QString what = QStringLiteral("%1 / %2: simulated %3, theory %4, error %5")
                                     .arg(c.model, c.figure)
                                     .arg(c.simulated)
                                     .arg(c.theory)
                                     .arg(c.error);
            QVERIFY2(c.passed, qPrintable(what));
        }
    }
};

QTEST_GUILESS_MAIN(TestFidelity)
#include "tst_fidelity.moc"
