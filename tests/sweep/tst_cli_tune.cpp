// rwb tune, run as a user would: the report (best configuration, Pareto front), the tuned scenario it
// writes, the same output for the same search seed, and exit 2 with a precise error on bad input.
#include "../app/processrun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace rwbtest;

namespace {

// A 30 % error rate: 3 attempts reach 95 % success, each extra attempt only adds load.
const char* const kScenario = R"({
  "schema_version": 1, "name": "cli tune", "seed": 11, "duration": 30,
  "services": [{"name": "s", "fault": {"error_rate": 0.3, "latency": 0.02}}],
  "pipelines": [{"name": "p", "service": "s",
    "retry": {"max_attempts": 6, "backoff": {"base_delay": 0.05, "max_delay": 1}}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 40}}]
})";

} // namespace

class TestCliTune : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_scenario;

    QStringList tune(const QStringList& extra) const
    {
        return QStringList { QStringLiteral("tune"), m_scenario, QStringLiteral("--objective"),
            QStringLiteral("minimize load_on_service"), QStringLiteral("--constraint"),
            QStringLiteral("success_rate>=95%"), QStringLiteral("--param"),
            QStringLiteral("/pipelines/0/retry/max_attempts=1..6"), QStringLiteral("--budget"), QStringLiteral("12"),
            QStringLiteral("--seeds"), QStringLiteral("2") }
        + extra;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_scenario = m_dir.filePath(QStringLiteral("scenario.json"));
        QFile f(m_scenario);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kScenario);
    }

    void help()
    {
        const Run r = rwb({ QStringLiteral("tune"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("Usage: rwb tune")));
        QVERIFY(rwb({ QStringLiteral("--help") }).out.contains(QStringLiteral("tune ")));
    }

    void reportsAndWritesTheTunedScenario()
    {
        const QString tuned = m_dir.filePath(QStringLiteral("tuned.json"));
        const Run r = rwb(tune({ QStringLiteral("--out"), tuned }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral(
                     "Best configuration (meets every constraint):\n  /pipelines/0/retry/max_attempts = 3\n")),
            qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("success_rate>=95%: worst seed 0.9")));
        QVERIFY(r.out.contains(QStringLiteral("Pareto front (")));
        QVERIFY(r.out.contains(QStringLiteral("<- best")));
        QFile f(tuned);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc.value(QStringLiteral("pipelines"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("retry"))
                     .toObject()
                     .value(QStringLiteral("max_attempts"))
                     .toInt(),
            3);
        // The tuned scenario is a valid scenario.
        QCOMPARE(rwb({ QStringLiteral("validate"), tuned }).exitCode, 0);
        // Deterministic for the search seed.
        const Run again
            = rwb(tune({ QStringLiteral("--out"), tuned, QStringLiteral("--threads"), QStringLiteral("1") }));
        QCOMPARE(again.out, r.out);
    }

    // Ctrl+C stops the search: what finished is reported and written, exit 130.
    void interruptReportsTheBestSoFar()
    {
        const QString tuned = m_dir.filePath(QStringLiteral("interrupted.json"));
        QProcess p;
        p.start(QStringLiteral(RWB_BINARY),
            tune({ QStringLiteral("--param"), QStringLiteral("/pipelines/0/retry/backoff/base_delay=0.01..0.2:log"),
                QStringLiteral("--budget"), QStringLiteral("100000"), QStringLiteral("--seeds"), QStringLiteral("5000"),
                QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--out"), tuned }));
        QVERIFY(p.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("rwb tune: searching"), 60000);
        QCOMPARE(p.state(), QProcess::Running); // hours of work remain: the signal interrupts it
        QVERIFY(p.processId() > 0);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        err += p.readAllStandardError();
        if (out.isEmpty()) { // interrupted before the first configuration had all its seeds
            QVERIFY2(err.contains("interrupted before a configuration was simulated"), err.constData());
            QVERIFY(!QFile::exists(tuned));
            return;
        }
        QVERIFY2(out.contains(QStringLiteral("(interrupted: the best of what was simulated)")), qPrintable(out));
        QVERIFY(QFile::exists(tuned));
        QCOMPARE(rwb({ QStringLiteral("validate"), tuned }).exitCode, 0);
    }

    void badInputExitsTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown figure in objective") << QStringList { QStringLiteral("--objective"),
            QStringLiteral("minimize lode") } << QStringLiteral("objective 'minimize lode': unknown figure 'lode'");
        QTest::newRow("unknown figure in constraint") << QStringList { QStringLiteral("--constraint"),
            QStringLiteral("p999<=1s") } << QStringLiteral("constraint 'p999<=1s': unknown figure 'p999'");
        QTest::newRow("wrong unit") << QStringList { QStringLiteral("--constraint"),
            QStringLiteral("success_rate>=3ms") }
                                    << QStringLiteral("not a duration");
        QTest::newRow("unknown pipeline")
            << QStringList { QStringLiteral("--constraint"), QStringLiteral("p99@nope<=1s") }
            << QStringLiteral("the scenario has no pipeline 'nope'");
        QTest::newRow("unknown path") << QStringList { QStringLiteral("--param"),
            QStringLiteral("/pipelines/0/breaker/x=1..3") }
                                      << QStringLiteral("unknown parameter path: /pipelines/0 has no 'breaker'");
        QTest::newRow("wrong-typed range") << QStringList { QStringLiteral("--param"), QStringLiteral("/name=1..3") }
                                           << QStringLiteral("a numeric range does not fit");
    }
    void badInputExitsTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = rwb(tune(args));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTune)
#include "tst_cli_tune.moc"
