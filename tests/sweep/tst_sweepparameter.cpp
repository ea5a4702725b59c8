// SweepParameter: the spec grammar (ranges, steps, log ranges, lists), grid values, sampling and errors.
#include "core/sweep/sweepparameter.h"

#include <QTest>

using namespace rwb;

namespace {
SweepParameter parsed(const QString& text)
{
    QString error;
    const auto p = SweepParameter::parse(text, &error);
    if (!p)
        qFatal("%s", qPrintable(error));
    return *p;
}
QList<double> numbers(const std::vector<QJsonValue>& values)
{
    QList<double> out;
    for (const QJsonValue& v : values)
        out << v.toDouble();
    return out;
}
} // namespace

class TestSweepParameter : public QObject {
    Q_OBJECT

private slots:
    void integerRangeVisitsEveryInteger()
    {
        const SweepParameter p = parsed(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold=2..6"));
        QCOMPARE(p.pointer(), QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"));
        QVERIFY(p.isRange() && p.isInteger() && !p.isLog());
        QCOMPARE(numbers(p.gridValues()), (QList<double> { 2, 3, 4, 5, 6 }));
    }

    void stepsAndLogSteps()
    {
        QCOMPARE(
            numbers(parsed(QStringLiteral("/a=0.0..1.0:5")).gridValues()), (QList<double> { 0, 0.25, 0.5, 0.75, 1 }));
        QCOMPARE(numbers(parsed(QStringLiteral("/a=0.01..100:5:log")).gridValues()),
            (QList<double> { 0.01, 0.1, 1, 10, 100 }));
        // Integer ends round the steps and drop repeats.
        QCOMPARE(numbers(parsed(QStringLiteral("/a=1..4:7")).gridValues()), (QList<double> { 1, 2, 3, 4 }));
        QCOMPARE(parsed(QStringLiteral("/a=0.5..2")).gridValues().size(), std::size_t(10)); // the default
    }

    void listsKeepTheirTypes()
    {
        const auto values = parsed(QStringLiteral("/a=full,none,\"equal\"")).gridValues();
        QCOMPARE(values.size(), std::size_t(3));
        QCOMPARE(values[0], QJsonValue(QStringLiteral("full")));
        QCOMPARE(values[2], QJsonValue(QStringLiteral("equal")));
        const auto mixed = parsed(QStringLiteral("/a=true,false")).gridValues();
        QCOMPARE(mixed[0], QJsonValue(true));
        QVERIFY(parsed(QStringLiteral("/a=1,2.5,-3")).isNumeric());
        QVERIFY(!parsed(QStringLiteral("/a=1,x")).isNumeric());
    }

    void samplingCoversTheRange()
    {
        const SweepParameter integer = parsed(QStringLiteral("/a=2..4"));
        QCOMPARE(integer.sample(0.0).toInteger(), 2);
        QCOMPARE(integer.sample(0.34).toInteger(), 3);
        QCOMPARE(integer.sample(0.999999).toInteger(), 4); // the top integer gets its full share
        QCOMPARE(integer.sample(1.0).toInteger(), 4);
        const SweepParameter log = parsed(QStringLiteral("/a=1.0..100.0:log"));
        QCOMPARE(log.sample(0.5).toDouble(), 10.0);
        const SweepParameter list = parsed(QStringLiteral("/a=x,y"));
        QCOMPARE(list.sample(0.49).toString(), QStringLiteral("x"));
        QCOMPARE(list.sample(0.5).toString(), QStringLiteral("y"));
    }

    void malformedSpecsSayWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no pointer") << QStringLiteral("failure_threshold=2..5")
                                    << QStringLiteral("expected POINTER=SPEC");
        QTest::newRow("no spec") << QStringLiteral("/a=") << QStringLiteral("empty spec");
        QTest::newRow("not numbers") << QStringLiteral("/a=x..5") << QStringLiteral("both ends must be numbers");
        QTest::newRow("reversed") << QStringLiteral("/a=5..2") << QStringLiteral("low end must be below");
        QTest::newRow("bad suffix") << QStringLiteral("/a=1..5:lin") << QStringLiteral("expected a number of steps");
        QTest::newRow("log from zero") << QStringLiteral("/a=0..5:log") << QStringLiteral("above 0");
        QTest::newRow("huge integer range")
            << QStringLiteral("/a=1..100000") << QStringLiteral("give a number of steps");
        QTest::newRow("empty list item") << QStringLiteral("/a=1,,2") << QStringLiteral("empty item");
    }
    void malformedSpecsSayWhy()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!SweepParameter::parse(text, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestSweepParameter)
#include "tst_sweepparameter.moc"
