// rwb sweep and rwb sweep merge, run as a user would: the output file, exit codes and precise errors,
// three shards run through GNU parallel merging back to the unsharded bytes, and Ctrl+C keeping the
// finished lines.
#include "../app/processrun.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace rwbtest;

namespace {

const char* const kScenario = R"({
  "schema_version": 1, "name": "cli sweep", "seed": 3, "duration": 20,
  "services": [{"name": "s", "fault": {"error_rate": 0.05, "latency": 0.02, "outages": [{"start": 5, "end": 10}]}}],
  "pipelines": [{"name": "p", "service": "s",
    "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.05, "max_delay": 0.5}},
    "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 30}}]
})";

// Heavy enough (5 simulated minutes at 300 requests/s) that an interrupt lands mid-sweep.
const char* const kLongScenario = R"({
  "schema_version": 1, "name": "long", "seed": 3, "duration": 300,
  "services": [{"name": "s", "fault": {"error_rate": 0.05, "latency": 0.02}}],
  "pipelines": [{"name": "p", "service": "s", "retry": {"max_attempts": 3}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 300}}]
})";

const QString kParam = QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold=2..8");

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestCliSweep : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_scenario;

    QString path(const QString& name) const { return m_dir.filePath(name); }
    QString write(const QString& name, const QByteArray& content)
    {
        QFile f(path(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(content);
        return f.fileName();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_scenario = write(QStringLiteral("scenario.json"), kScenario);
    }

    void help()
    {
        const Run r = rwb({ QStringLiteral("sweep"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("Usage: rwb sweep")));
        QVERIFY(r.out.contains(QStringLiteral("--shard K/N")));
        QVERIFY(rwb({ QStringLiteral("--help") }).out.contains(QStringLiteral("sweep ")));
    }

    void writesOneLinePerPointAndSeed()
    {
        const QString out = path(QStringLiteral("whole.jsonl"));
        const Run r = rwb({ QStringLiteral("sweep"), m_scenario, QStringLiteral("--param"), kParam,
            QStringLiteral("--seeds"), QStringLiteral("2"), QStringLiteral("--out"), out });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("14 of 14 runs (7 points x 2 seeds)")), qPrintable(r.err));
        const QList<QByteArray> lines = readAll(out).trimmed().split('\n');
        QCOMPARE(lines.size(), 14);
        for (int i = 0; i < lines.size(); ++i) {
            const QJsonObject o = QJsonDocument::fromJson(lines[i]).object();
            QCOMPARE(o.value(QStringLiteral("point")).toInt(), i / 2);
            QCOMPARE(o.value(QStringLiteral("seed_index")).toInt(), i % 2);
            QCOMPARE(o.value(QStringLiteral("params"))
                         .toObject()
                         .value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"))
                         .toInt(),
                2 + i / 2);
            QVERIFY(o.value(QStringLiteral("run")).toObject().contains(QStringLiteral("totals")));
        }
        // Without --out the lines go to standard output, the same bytes.
        const Run toStdout = rwb({ QStringLiteral("sweep"), m_scenario, QStringLiteral("--param"), kParam,
            QStringLiteral("--seeds"), QStringLiteral("2"), QStringLiteral("--quiet") });
        QCOMPARE(toStdout.exitCode, 0);
        QCOMPARE(toStdout.out.toUtf8(), readAll(out));
        QVERIFY(toStdout.err.isEmpty());
    }

    void badInputExitsTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown path") << QStringList {
            QStringLiteral("--param"), QStringLiteral("/pipelines/0/nope=1..3")
        } << QStringLiteral("/pipelines/0/nope: unknown parameter path: /pipelines/0 has no 'nope'");
        QTest::newRow("range of the wrong type")
            << QStringList { QStringLiteral("--param"), QStringLiteral("/pipelines/0/retry/backoff/jitter=1..3") }
            << QStringLiteral("a numeric range does not fit");
        QTest::newRow("bad spec") << QStringList { QStringLiteral("--param"), QStringLiteral("/seed=9..1") }
                                  << QStringLiteral("the low end must be below the high end");
        QTest::newRow("no param") << QStringList {} << QStringLiteral("no --param");
        QTest::newRow("bad shard") << QStringList { QStringLiteral("--param"), kParam, QStringLiteral("--shard"),
            QStringLiteral("3/3") } << QStringLiteral("--shard '3/3'");
        QTest::newRow("bad count") << QStringList { QStringLiteral("--param"), kParam, QStringLiteral("--lhs"),
            QStringLiteral("0") } << QStringLiteral("--lhs expects a positive integer");
    }
    void badInputExitsTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = rwb(QStringList { QStringLiteral("sweep"), m_scenario } + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void shardsThroughGnuParallelMergeToTheSameBytes()
    {
        const QString parallel = QStandardPaths::findExecutable(QStringLiteral("parallel"));
        if (parallel.isEmpty())
            QSKIP("GNU parallel is not installed (Debian package 'parallel', see scripts/install-deps.sh)");
        const QStringList sweep { m_scenario, QStringLiteral("--param"), kParam, QStringLiteral("--param"),
            QStringLiteral("/pipelines/0/circuit_breaker/recovery_timeout=0.5..8.0:log"), QStringLiteral("--lhs"),
            QStringLiteral("10"), QStringLiteral("--seeds"), QStringLiteral("2"), QStringLiteral("--quiet") };
        const QString whole = path(QStringLiteral("lhs-whole.jsonl"));
        QCOMPARE(rwb(QStringList { QStringLiteral("sweep") } + sweep + QStringList { QStringLiteral("--out"), whole })
                     .exitCode,
            0);

        // The command docs/sweeps.md gives, one shard per job.
        const Run jobs = run(parallel,
            QStringList { QStringLiteral("--will-cite"), QStringLiteral("--halt"), QStringLiteral("now,fail=1"),
                QStringLiteral(RWB_BINARY), QStringLiteral("sweep") }
                + sweep
                + QStringList { QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--shard"),
                    QStringLiteral("{}/3"), QStringLiteral("--out"), path(QStringLiteral("shard-{}.jsonl")),
                    QStringLiteral(":::"), QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2") });
        QVERIFY2(jobs.exitCode == 0, qPrintable(jobs.err));
        const QString merged = path(QStringLiteral("merged.jsonl"));
        const Run merge = rwb({ QStringLiteral("sweep"), QStringLiteral("merge"), path(QStringLiteral("shard-2.jsonl")),
            path(QStringLiteral("shard-0.jsonl")), path(QStringLiteral("shard-1.jsonl")), QStringLiteral("--out"),
            merged });
        QVERIFY2(merge.exitCode == 0, qPrintable(merge.err));
        QVERIFY(readAll(merged).size() > 1000);
        QCOMPARE(readAll(merged), readAll(whole));

        // A missing shard: the lines that exist, and exit 1 saying how many are missing.
        const Run partial
            = rwb({ QStringLiteral("sweep"), QStringLiteral("merge"), path(QStringLiteral("shard-0.jsonl")) });
        QCOMPARE(partial.exitCode, 1);
        QVERIFY2(partial.err.contains(QStringLiteral("runs missing")), qPrintable(partial.err));
    }

    void mergeRefusesDifferentSweeps()
    {
        const QString a = path(QStringLiteral("a.jsonl"));
        const QString b = path(QStringLiteral("b.jsonl"));
        QCOMPARE(rwb({ QStringLiteral("sweep"), m_scenario, QStringLiteral("--param"), kParam,
                         QStringLiteral("--quiet"), QStringLiteral("--out"), a })
                     .exitCode,
            0);
        QCOMPARE(
            rwb({ QStringLiteral("sweep"), m_scenario, QStringLiteral("--param"), kParam, QStringLiteral("--seeds"),
                    QStringLiteral("2"), QStringLiteral("--quiet"), QStringLiteral("--out"), b })
                .exitCode,
            0);
        const Run r = rwb({ QStringLiteral("sweep"), QStringLiteral("merge"), a, b });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("refusing to mix different sweeps")), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void interruptKeepsTheFinishedLines()
    {
        const QString scenario = write(QStringLiteral("long.json"), kLongScenario);
        const QString out = path(QStringLiteral("interrupted.jsonl"));
        QProcess p;
        p.start(QStringLiteral(RWB_BINARY),
            { QStringLiteral("sweep"), scenario, QStringLiteral("--param"),
                QStringLiteral("/pipelines/0/retry/max_attempts=1..3"), QStringLiteral("--seeds"),
                QStringLiteral("200"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--quiet"),
                QStringLiteral("--out"), out });
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(readAll(out).count('\n') >= 2, 60000); // some lines are done
        QVERIFY(p.processId() > 0); // never kill(0, ...): that would signal this test's own process group
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 130);
        const QList<QByteArray> lines = readAll(out).trimmed().split('\n');
        QVERIFY(lines.size() >= 2);
        QVERIFY(lines.size() < 600);
        for (int i = 0; i < lines.size(); ++i) { // whole lines, in order, from the start
            const QJsonObject o = QJsonDocument::fromJson(lines[i]).object();
            QCOMPARE(o.value(QStringLiteral("seed_index")).toInt(), i);
            QVERIFY(o.contains(QStringLiteral("run")));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliSweep)
#include "tst_cli_sweep.moc"
