// SweepPlan, designs, shards, SweepRunner and SweepMerge on a small scenario: precise refusals, the
// designs' shapes, output independent of the thread count, and shards that merge back byte for byte.
#include "core/config/scenariojson.h"
#include "core/sweep/sweepmerge.h"
#include "core/sweep/sweeprunner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

#include <cmath>

using namespace rwb;

namespace {

const char* const kScenario = R"({
  "schema_version": 1, "name": "sweep fixture", "seed": 7, "duration": 20,
  "services": [{"name": "s", "fault": {"error_rate": 0.05, "latency": 0.02, "outages": [{"start": 5, "end": 10}]}}],
  "pipelines": [{"name": "p", "service": "s",
    "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.05, "max_delay": 0.5, "jitter": "full"}},
    "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 30}}]
})";

Scenario fixture()
{
    const ScenarioLoad loaded = scenariojson::load(kScenario);
    if (!loaded.ok())
        qFatal("fixture does not load: %s", qPrintable(loaded.errors.front().toString()));
    return *loaded.scenario;
}

std::vector<SweepParameter> params(const QStringList& texts)
{
    std::vector<SweepParameter> out;
    for (const QString& t : texts) {
        QString error;
        const auto p = SweepParameter::parse(t, &error);
        if (!p)
            qFatal("%s", qPrintable(error));
        out.push_back(*p);
    }
    return out;
}

SweepPlan plan(const QStringList& texts, SweepDesign design = {}, int seeds = 1)
{
    LoadErrors errors;
    auto p = SweepPlan::create(fixture(), params(texts), design, seeds, &errors);
    if (!p)
        qFatal("plan refused: %s", qPrintable(errors.front().toString()));
    return std::move(*p);
}

const QString kThreshold = QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold");
const QString kJitter = QStringLiteral("/pipelines/0/retry/backoff/jitter");

QByteArray joined(const std::vector<QByteArray>& lines)
{
    QByteArray out;
    for (const QByteArray& l : lines)
        out += l;
    return out;
}

} // namespace

class TestSweepPlan : public QObject {
    Q_OBJECT

private slots:
    void refusesWithThePointer_data()
    {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown key") << QStringLiteral("/pipelines/0/circuit_breaker/treshold=1..3")
                                     << QStringLiteral("/pipelines/0/circuit_breaker has no 'treshold' (it has: ");
        QTest::newRow("index out of range") << QStringLiteral("/pipelines/3/retry/max_attempts=1..3")
                                            << QStringLiteral("/pipelines is a list of 1; '3' is not an index");
        QTest::newRow("through a value") << QStringLiteral("/seed/x=1..3") << QStringLiteral("/seed is a single value");
        QTest::newRow("an object") << QStringLiteral("/pipelines/0/retry=1..3") << QStringLiteral("names an object");
        QTest::newRow("range on a string") << (kJitter + QStringLiteral("=1..3"))
                                           << QStringLiteral("is a string (\"full\"): a numeric range does not fit");
        QTest::newRow("string on a number")
            << (kThreshold + QStringLiteral("=3,many")) << QStringLiteral("is a number, but '\"many\"' is a string");
        QTest::newRow("real on an integer")
            << (kThreshold + QStringLiteral("=0.5..3")) << QStringLiteral("value 0.5 is refused: expected an integer");
        QTest::newRow("unknown choice") << (kJitter + QStringLiteral("=full,bogus"))
                                        << QStringLiteral("value \"bogus\" is refused: expected one of");
    }
    void refusesWithThePointer()
    {
        QFETCH(QString, param);
        QFETCH(QString, expected);
        LoadErrors errors;
        QVERIFY(!SweepPlan::create(fixture(), params({ param }), {}, 1, &errors));
        QCOMPARE(errors.size(), std::size_t(1));
        QCOMPARE(errors.front().pointer, param.left(param.indexOf(QLatin1Char('='))));
        QVERIFY2(errors.front().message.contains(expected), qPrintable(errors.front().message));
    }

    void gridVariesTheFirstParameterSlowest()
    {
        const SweepPlan p = plan({ kThreshold + QStringLiteral("=2..4"), kJitter + QStringLiteral("=none,full") });
        QCOMPARE(p.points().size(), std::size_t(6));
        QCOMPARE(p.points()[0], (SweepPoint { 2, QStringLiteral("none") }));
        QCOMPARE(p.points()[1], (SweepPoint { 2, QStringLiteral("full") }));
        QCOMPARE(p.points()[5], (SweepPoint { 4, QStringLiteral("full") }));
        QCOMPARE(p.taskCount(), 6);
    }

    void latinHypercubeUsesEachStratumOnce()
    {
        SweepDesign lhs { SweepDesign::Kind::Lhs, 8, 3 };
        const SweepPlan p = plan(
            { kThreshold + QStringLiteral("=1..8"), QStringLiteral("/pipelines/0/retry/max_attempts=1..8") }, lhs);
        QCOMPARE(p.points().size(), std::size_t(8));
        for (std::size_t d = 0; d < 2; ++d) {
            QSet<qint64> seen;
            for (const SweepPoint& point : p.points())
                seen.insert(point[d].toInteger());
            QCOMPARE(seen.size(), 8); // 1..8 each exactly once
        }
        // Seeded: the same seed gives the same design, another seed another one.
        QCOMPARE(designPoints(p.parameters(), lhs), p.points());
        lhs.designSeed = 4;
        QVERIFY(designPoints(p.parameters(), lhs) != p.points());
    }

    void randomDesignStaysInRange()
    {
        const SweepPlan p = plan({ QStringLiteral("/pipelines/0/circuit_breaker/recovery_timeout=0.5..8.0:log") },
            { SweepDesign::Kind::Random, 50, 9 });
        QCOMPARE(p.points().size(), std::size_t(50));
        double lo = 1e9, hi = 0;
        for (const SweepPoint& point : p.points()) {
            lo = std::min(lo, point[0].toDouble());
            hi = std::max(hi, point[0].toDouble());
        }
        QVERIFY(lo >= 0.5 && hi <= 8.0);
        QVERIFY(lo < 1.0 && hi > 4.0); // log-uniform: both decades are visited
    }

    void shardsPartitionTheTasks()
    {
        const SweepPlan p = plan({ kThreshold + QStringLiteral("=2..6") }, {}, 2);
        QSet<int> all;
        int count = 0;
        for (int k = 0; k < 3; ++k)
            for (const SweepTask& t : p.tasks({ k, 3 })) {
                all.insert(t.point * 2 + t.seedIndex);
                ++count;
            }
        QCOMPARE(count, 10);
        QCOMPARE(all.size(), 10);
        QString error;
        QVERIFY(!SweepShard::parse(QStringLiteral("3/3"), &error));
        QVERIFY(error.contains(QStringLiteral("0 <= K < N")));
        QVERIFY(!SweepShard::parse(QStringLiteral("1"), &error));
        QCOMPARE(SweepShard::parse(QStringLiteral("2/5"), &error)->index, 2);
    }

    void idNamesTheWholeSweep()
    {
        const QString a = plan({ kThreshold + QStringLiteral("=2..6") }).id();
        QCOMPARE(a.size(), 16);
        QCOMPARE(plan({ kThreshold + QStringLiteral("=2..6") }).id(), a);
        QVERIFY(plan({ kThreshold + QStringLiteral("=2..7") }).id() != a);
        QVERIFY(plan({ kThreshold + QStringLiteral("=2..6") }, {}, 2).id() != a);
        QVERIFY(plan({ kThreshold + QStringLiteral("=2..6") }, { SweepDesign::Kind::Random, 5, 1 }).id() != a);
    }

    void linesDoNotDependOnTheThreadCount()
    {
        const SweepPlan p
            = plan({ kThreshold + QStringLiteral("=2..5"), kJitter + QStringLiteral("=none,full") }, {}, 2);
        const auto one = SweepRunner::runAll(p, p.tasks(), 1);
        const auto three = SweepRunner::runAll(p, p.tasks(), 3);
        QCOMPARE(one.size(), std::size_t(16));
        QCOMPARE(joined(three), joined(one));

        const QJsonObject first = QJsonDocument::fromJson(one[0]).object();
        const QJsonObject second = QJsonDocument::fromJson(one[1]).object();
        QCOMPARE(first.value(QStringLiteral("sweep")).toString(), p.id());
        QCOMPARE(first.value(QStringLiteral("point")).toInt(), 0);
        QCOMPARE(first.value(QStringLiteral("seed")).toInteger(), 7);
        QCOMPARE(second.value(QStringLiteral("seed")).toInteger(), 8);
        QCOMPARE(first.value(QStringLiteral("params")).toObject().value(kThreshold).toInt(), 2);
        QCOMPARE(first.value(QStringLiteral("params")).toObject().value(kJitter).toString(), QStringLiteral("none"));
        const QJsonObject run = first.value(QStringLiteral("run")).toObject();
        QCOMPARE(run.value(QStringLiteral("format")).toString(), QStringLiteral("resilience-workbench.run-summary"));
        QVERIFY(run.value(QStringLiteral("totals")).toObject().value(QStringLiteral("requests")).toInt() > 400);
        // Different seeds of one point really are different runs.
        QVERIFY(run != second.value(QStringLiteral("run")).toObject());
    }

    void recordsCarryTheFiguresAskedFor()
    {
        const SweepPlan p = plan({ kThreshold + QStringLiteral("=2..3") });
        const std::vector<figures::FigureRef> wanted { { QStringLiteral("success_rate"), {} },
            { QStringLiteral("load_on_service"), {} }, { QStringLiteral("p99"), QStringLiteral("p") } };
        SweepRunner runner(p, p.tasks(), 2, wanted);
        runner.start();
        runner.wait();
        const auto records = runner.takeFinished();
        QCOMPARE(records.size(), std::size_t(2));
        for (const SweepRecord& r : records) {
            const QJsonObject totals = QJsonDocument::fromJson(r.line)
                                           .object()
                                           .value(QStringLiteral("run"))
                                           .toObject()
                                           .value(QStringLiteral("totals"))
                                           .toObject();
            QVERIFY(!r.loadFailed);
            QCOMPARE(r.figures.size(), std::size_t(3));
            QCOMPARE(std::round(r.figures[0] * 1e6) / 1e6, totals.value(QStringLiteral("success_rate")).toDouble());
            QCOMPARE(r.figures[1], totals.value(QStringLiteral("service_load")).toDouble());
            QVERIFY(r.figures[2] > 0);
        }
    }

    void aPointThatDoesNotLoadKeepsItsLine()
    {
        // Each value loads alone, but base_delay 0.4 above max_delay 0.3 does not.
        const SweepPlan p = plan({ QStringLiteral("/pipelines/0/retry/backoff/base_delay=0.05,0.4"),
            QStringLiteral("/pipelines/0/retry/backoff/max_delay=0.5,0.3") });
        const auto lines = SweepRunner::runAll(p, p.tasks(), 2);
        QCOMPARE(lines.size(), std::size_t(4));
        SweepRunner runner(p, p.tasks(), 1, { { QStringLiteral("p99"), {} } });
        runner.start();
        runner.wait();
        const auto records = runner.takeFinished();
        QVERIFY(records[3].loadFailed && std::isnan(records[3].figures[0]));
        QVERIFY(!records[2].loadFailed && records[2].figures[0] > 0);
        const QJsonObject bad = QJsonDocument::fromJson(lines[3]).object();
        QVERIFY(!bad.contains(QStringLiteral("run")));
        QVERIFY2(
            bad.value(QStringLiteral("error")).toString().contains(QStringLiteral("max_delay")), lines[3].constData());
        QVERIFY(QJsonDocument::fromJson(lines[2]).object().contains(QStringLiteral("run")));
    }

    void cancelKeepsTheFinishedLines()
    {
        const SweepPlan p = plan({ kThreshold + QStringLiteral("=1..40") });
        SweepRunner runner(p, p.tasks(), 2);
        runner.cancel(); // before start: nothing runs
        runner.start();
        runner.wait();
        QVERIFY(runner.isDone());
        QCOMPARE(runner.finishedCount(), 0);
        QVERIFY(runner.takeFinished().empty());
    }

    void shardsMergeBackByteForByte()
    {
        const SweepPlan p = plan({ kThreshold + QStringLiteral("=2..6") }, {}, 2);
        const QByteArray whole = joined(SweepRunner::runAll(p, p.tasks(), 2));
        QList<QPair<QString, QByteArray>> shards;
        for (int k = 2; k >= 0; --k) // any file order
            shards.append(
                { QStringLiteral("shard%1.jsonl").arg(k), joined(SweepRunner::runAll(p, p.tasks({ k, 3 }), 1)) });
        const SweepMerge merged = SweepMerge::merge(shards);
        QVERIFY(merged.errors.isEmpty());
        QVERIFY(merged.complete());
        QCOMPARE(merged.lines, whole);
        // A shard given twice is harmless; a missing shard is reported.
        QCOMPARE(SweepMerge::merge(shards + shards.mid(0, 1)).lines, whole);
        const SweepMerge partial = SweepMerge::merge(shards.mid(1));
        QVERIFY(partial.errors.isEmpty() && !partial.complete());
        QCOMPARE(partial.expected, 10);
        QVERIFY(partial.tasks < 10);
    }

    void mergeRefusesMixing()
    {
        const SweepPlan a = plan({ kThreshold + QStringLiteral("=2..3") });
        const SweepPlan b = plan({ kThreshold + QStringLiteral("=2..4") });
        const QByteArray linesA = joined(SweepRunner::runAll(a, a.tasks(), 2));
        const QByteArray linesB = joined(SweepRunner::runAll(b, b.tasks(), 2));
        SweepMerge m
            = SweepMerge::merge({ { QStringLiteral("a.jsonl"), linesA }, { QStringLiteral("b.jsonl"), linesB } });
        QCOMPARE(m.errors.size(), 1);
        QVERIFY2(m.errors.front().startsWith(QStringLiteral("b.jsonl:1: belongs to sweep ") + b.id()),
            qPrintable(m.errors.front()));
        QVERIFY(m.errors.front().contains(QStringLiteral("refusing to mix")));
        QVERIFY(m.lines.isEmpty());

        m = SweepMerge::merge({ { QStringLiteral("x.jsonl"), linesA + "{\"timestamp\":\"2026\"}\n" } });
        QVERIFY2(
            m.errors.value(0).startsWith(QStringLiteral("x.jsonl:3: not a sweep line")), qPrintable(m.errors.value(0)));

        QByteArray tampered = linesA;
        tampered.replace("\"point\":0", "\"point\":1");
        m = SweepMerge::merge({ { QStringLiteral("a.jsonl"), linesA }, { QStringLiteral("t.jsonl"), tampered } });
        QVERIFY2(m.errors.value(0).contains(QStringLiteral("appears twice with different results")),
            qPrintable(m.errors.value(0)));
    }
};

QTEST_GUILESS_MAIN(TestSweepPlan)
#include "tst_sweepplan.moc"
