// Tuner: on a scenario whose answer is known (a 30 % error rate needs 3 attempts for 95 % success, and
// every extra attempt adds load), the tuner finds it, deterministically, whatever the thread count; the
// Pareto front holds only non-dominated configurations; bad figures are refused.
#include "core/config/scenariojson.h"
#include "core/sweep/tuner.h"

#include <QTest>

#include <atomic>

using namespace rwb;

namespace {

const char* const kScenario = R"({
  "schema_version": 1, "name": "tuner fixture", "seed": 11, "duration": 30,
  "services": [{"name": "s", "fault": {"error_rate": 0.3, "latency": 0.02}}],
  "pipelines": [{"name": "p", "service": "s",
    "retry": {"max_attempts": 6, "backoff": {"base_delay": 0.05, "max_delay": 1, "jitter": "full"}}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 40}}]
})";

const QString kAttempts = QStringLiteral("/pipelines/0/retry/max_attempts");

TuneOptions options(int threads = 2)
{
    QString error;
    TuneOptions o;
    o.parameters.push_back(*SweepParameter::parse(kAttempts + QStringLiteral("=1..6"), &error));
    o.parameters.push_back(
        *SweepParameter::parse(QStringLiteral("/pipelines/0/retry/backoff/base_delay=0.01..0.2:log"), &error));
    o.objectives.push_back(*figures::parseObjective(QStringLiteral("minimize load_on_service"), &error));
    o.constraints.push_back(*figures::parseConstraint(QStringLiteral("success_rate>=0.95"), &error));
    o.budget = 16;
    o.seeds = 2;
    o.threads = threads;
    return o;
}

Tuner tuner(const TuneOptions& o)
{
    LoadErrors errors;
    auto t = Tuner::create(*scenariojson::load(kScenario).scenario, o, &errors);
    if (!t)
        qFatal("tuner refused: %s", qPrintable(errors.front().toString()));
    return std::move(*t);
}

} // namespace

class TestTuner : public QObject {
    Q_OBJECT

private slots:
    void findsTheCheapestFeasibleConfiguration()
    {
        const Tuner t = tuner(options());
        const TuneResult r = t.run();
        QVERIFY(!r.evaluations.empty());
        QVERIFY(int(r.evaluations.size()) <= 16);
        QVERIFY(r.best);
        const TuneEvaluation& best = r.evaluations[*r.best];
        QVERIFY(best.feasible());
        QCOMPARE(best.point[0].toInteger(), 3); // 2 attempts: ~91 % success; 4 attempts: more load
        QVERIFY(best.constraints[0] >= 0.95);
        for (const TuneEvaluation& e : r.evaluations) {
            QVERIFY(!t.better(e, best));
            if (e.feasible())
                QVERIFY(e.point[0].toInteger() >= 3);
        }
    }

    void deterministicWhateverTheThreads()
    {
        const TuneResult one = tuner(options(1)).run();
        const TuneResult two = tuner(options(3)).run();
        QCOMPARE(one.evaluations.size(), two.evaluations.size());
        for (std::size_t i = 0; i < one.evaluations.size(); ++i) {
            QCOMPARE(one.evaluations[i].point, two.evaluations[i].point);
            QCOMPARE(one.evaluations[i].objectives, two.evaluations[i].objectives);
        }
        QCOMPARE(one.best, two.best);
        QCOMPARE(one.pareto, two.pareto);
        TuneOptions other = options();
        other.searchSeed = 2;
        const TuneResult three = tuner(other).run();
        QVERIFY(three.evaluations.front().point != one.evaluations.front().point);
    }

    // Cancelled after the Latin-hypercube start: the result holds exactly the configurations that
    // finished, each with every seed's figures, and a best among them.
    void cancelKeepsOnlyFinishedConfigurations()
    {
        std::atomic<bool> cancel { false };
        TuneOptions o = options();
        o.cancel = &cancel;
        int batches = 0;
        int afterFirstBatch = 0;
        o.progress = [&](int evaluated, int) {
            if (++batches == 1) {
                afterFirstBatch = evaluated;
                cancel = true;
            }
        };
        const TuneResult r = tuner(o).run();
        QVERIFY(r.cancelled);
        QCOMPARE(batches, 1);
        QCOMPARE(int(r.evaluations.size()), afterFirstBatch);
        QCOMPARE(r.simulationsStarted, afterFirstBatch * o.seeds); // nothing after the cancel
        QVERIFY(r.best);
        const TuneResult full = tuner(options()).run();
        for (std::size_t i = 0; i < r.evaluations.size(); ++i) { // the same figures as an uninterrupted search
            QVERIFY(!r.evaluations[i].interrupted);
            QCOMPARE(r.evaluations[i].point, full.evaluations[i].point);
            QCOMPARE(r.evaluations[i].objectives, full.evaluations[i].objectives);
        }
        // Cancelled from the start: no configuration starts a simulation (a batch of tens of
        // thousands would otherwise build each one's scenario after Ctrl+C).
        std::atomic<bool> before { true };
        TuneOptions stopped = options();
        stopped.cancel = &before;
        const TuneResult none = tuner(stopped).run();
        QVERIFY(none.cancelled);
        QVERIFY(none.evaluations.empty());
        QVERIFY(!none.best);
        QCOMPARE(none.simulationsStarted, 0);
    }

    void paretoFrontIsNonDominated()
    {
        const TuneResult r = tuner(options()).run();
        QVERIFY(!r.pareto.empty());
        QCOMPARE(r.pareto.front(), *r.best);
        for (const std::size_t i : r.pareto) {
            const TuneEvaluation& a = r.evaluations[i];
            QVERIFY(a.feasible());
            for (const TuneEvaluation& b : r.evaluations) {
                if (!b.feasible())
                    continue;
                const bool dominates = b.objectives[0] <= a.objectives[0] && b.constraints[0] >= a.constraints[0]
                    && (b.objectives[0] < a.objectives[0] || b.constraints[0] > a.constraints[0]);
                QVERIFY(!dominates);
            }
        }
    }

    void refusesUnknownPipelinesAndMissingObjectives()
    {
        TuneOptions o = options();
        QString error;
        o.constraints.push_back(*figures::parseConstraint(QStringLiteral("p99@checkout<=1s"), &error));
        o.objectives.clear();
        LoadErrors errors;
        QVERIFY(!Tuner::create(*scenariojson::load(kScenario).scenario, o, &errors));
        QCOMPARE(errors.size(), std::size_t(2));
        QVERIFY(errors[0].message.contains(QStringLiteral("no objective")));
        QVERIFY(errors[1].message.contains(QStringLiteral("p99@checkout: the scenario has no pipeline 'checkout'")));
    }
};

QTEST_GUILESS_MAIN(TestTuner)
#include "tst_tuner.moc"
