// figures: the named-figure catalog on a hand-built run (totals and one pipeline), constraints and
// objectives parsed with units, and precise errors for unknown figures and wrong units.
#include "core/run/runfigures.h"

#include <QTest>

using namespace rwb;
using namespace rwb::figures;

namespace {

RunResult handBuiltRun()
{
    RunResult r;
    r.duration = std::chrono::seconds(2);
    PipelineSeries a;
    a.name = QStringLiteral("a");
    a.service = QStringLiteral("s1");
    a.summary.requests = 100;
    a.summary.succeeded = 90;
    a.summary.fallbacks = 5;
    a.summary.failed = 5;
    a.summary.attempts = 150;
    a.summary.latencyP99Ms = 300;
    a.summary.latencyMaxMs = 900;
    a.buckets.resize(2);
    PipelineSeries b;
    b.name = QStringLiteral("b");
    b.service = QStringLiteral("s2");
    b.summary.requests = 100;
    b.summary.succeeded = 50;
    b.summary.rejected = 50;
    b.summary.attempts = 60;
    b.summary.latencyP99Ms = 800;
    b.summary.latencyMaxMs = 1200;
    b.buckets.resize(2);
    r.pipelines = { a, b };
    ServiceSeries s1;
    s1.name = QStringLiteral("s1");
    s1.arrivals = 150;
    s1.buckets.resize(2);
    ServiceSeries s2;
    s2.name = QStringLiteral("s2");
    s2.arrivals = 60;
    s2.buckets.resize(2);
    r.services = { s1, s2 };
    return r;
}

double valueOf(const QString& ref, const RunResult& r)
{
    QString error;
    const auto parsed = parseRef(ref, &error);
    if (!parsed)
        qFatal("%s", qPrintable(error));
    const auto v = value(*parsed, r, &error);
    if (!v)
        qFatal("%s", qPrintable(error));
    return *v;
}

} // namespace

class TestRunFigures : public QObject {
    Q_OBJECT

private slots:
    void catalogHasUnitsAndDirections()
    {
        QVERIFY(catalog().size() >= 15);
        QCOMPARE(find(QStringLiteral("p99"))->unit, QStringLiteral("ms"));
        QCOMPARE(find(QStringLiteral("success_rate"))->better, Better::Higher);
        QCOMPARE(find(QStringLiteral("load_on_service"))->better, Better::Lower);
        QVERIFY(!find(QStringLiteral("p98")));
    }

    void totalsAndOnePipeline()
    {
        const RunResult r = handBuiltRun();
        QCOMPARE(valueOf(QStringLiteral("success_rate"), r), 145.0 / 200.0);
        QCOMPARE(valueOf(QStringLiteral("success_rate@a"), r), 0.95);
        QCOMPARE(valueOf(QStringLiteral("failure_rate@b"), r), 0.5);
        QCOMPARE(valueOf(QStringLiteral("p99"), r), 800.0); // the worst pipeline's
        QCOMPARE(valueOf(QStringLiteral("p99@a"), r), 300.0);
        QCOMPARE(valueOf(QStringLiteral("worst_call"), r), 1200.0);
        QCOMPARE(valueOf(QStringLiteral("load_on_service"), r), 210.0);
        QCOMPARE(valueOf(QStringLiteral("load_on_service@b"), r), 60.0); // its own service only
        QCOMPARE(valueOf(QStringLiteral("retry_amplification@a"), r), 1.5);
        QCOMPARE(valueOf(QStringLiteral("attempts"), r), 210.0);
    }

    void undefinedAndUnknown()
    {
        const RunResult r = handBuiltRun();
        QString error;
        QVERIFY(!value({ QStringLiteral("time_to_detect"), {} }, r, &error)); // no fault in this run
        QVERIFY(!value({ QStringLiteral("p99"), QStringLiteral("nope") }, r, &error));
        QVERIFY2(error.contains(QStringLiteral("no pipeline 'nope'")), qPrintable(error));
        QVERIFY(!parseRef(QStringLiteral("p98"), &error));
        QVERIFY2(error.contains(QStringLiteral("unknown figure 'p98'")) && error.contains(QStringLiteral("p99")),
            qPrintable(error));
    }

    void constraints_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("bound");
        QTest::addColumn<double>("passes");
        QTest::addColumn<double>("fails");
        QTest::newRow("ms") << QStringLiteral("p99<=800ms") << 800.0 << 800.0 << 800.5;
        QTest::newRow("seconds on a ms figure") << QStringLiteral("worst_call < 2s") << 2000.0 << 1999.0 << 2000.0;
        QTest::newRow("plain number") << QStringLiteral("success_rate>=0.995") << 0.995 << 0.995 << 0.99;
        QTest::newRow("percent") << QStringLiteral("success_rate>=99.5%") << 0.995 << 0.996 << 0.994;
        QTest::newRow("ms on a seconds figure") << QStringLiteral("time_to_detect<=500ms") << 0.5 << 0.5 << 0.6;
        QTest::newRow("count") << QStringLiteral("load_on_service@a>100") << 100.0 << 101.0 << 100.0;
    }
    void constraints()
    {
        QFETCH(QString, text);
        QFETCH(double, bound);
        QFETCH(double, passes);
        QFETCH(double, fails);
        QString error;
        const auto c = parseConstraint(text, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->bound, bound);
        QVERIFY(c->holds(passes));
        QVERIFY(!c->holds(fails));
        QCOMPARE(c->violation(passes), 0.0);
        QVERIFY(c->violation(fails) > 0);
    }

    void badConstraintsSayWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown figure") << QStringLiteral("p98<=800ms") << QStringLiteral("unknown figure 'p98'");
        QTest::newRow("no comparison") << QStringLiteral("p99 800ms") << QStringLiteral("expected FIGURE<=VALUE");
        QTest::newRow("duration on a ratio") << QStringLiteral("success_rate>=5ms") << QStringLiteral("not a duration");
        QTest::newRow("percent on ms") << QStringLiteral("p99<=5%")
                                       << QStringLiteral("a percentage only bounds a ratio");
        QTest::newRow("not a number") << QStringLiteral("p99<=fast") << QStringLiteral("expected a number");
    }
    void badConstraintsSayWhy()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!parseConstraint(text, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void objectives()
    {
        QString error;
        const auto min = parseObjective(QStringLiteral("minimize load_on_service"), &error);
        QVERIFY(min && !min->maximize);
        QCOMPARE(min->figure.name, QStringLiteral("load_on_service"));
        const auto max = parseObjective(QStringLiteral("max success_rate@checkout"), &error);
        QVERIFY(max && max->maximize);
        QCOMPARE(max->figure.pipeline, QStringLiteral("checkout"));
        QVERIFY(!parseObjective(QStringLiteral("minimize nonsense"), &error));
        QVERIFY2(error.contains(QStringLiteral("unknown figure 'nonsense'")), qPrintable(error));
        QVERIFY(!parseObjective(QStringLiteral("shrink p99"), &error));
        QVERIFY2(error.contains(QStringLiteral("expected 'minimize FIGURE'")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestRunFigures)
#include "tst_runfigures.moc"
