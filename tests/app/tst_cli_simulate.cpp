// rwb simulate / validate / demo, run as a user would: exit codes, stdout/stderr, files written.
#include "processrun.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace rwbtest;

namespace {

const char* const kValid = R"({
  "schema_version": 1,
  "name": "cli test",
  "seed": 4,
  "duration": 20,
  "services": [{"name": "s", "fault": {"error_rate": 0.2, "latency": 0.01}}],
  "pipelines": [{"name": "p", "service": "s", "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.01, "max_delay": 0.1}}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "constant", "rate": 20}}]
})";

} // namespace

class TestCliSimulate : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& content) { return writeFile(m_dir.filePath(name), content); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void helpEverywhere_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("simulate") << QStringLiteral("simulate");
        QTest::newRow("validate") << QStringLiteral("validate");
        QTest::newRow("demo") << QStringLiteral("demo");
    }
    void helpEverywhere()
    {
        QFETCH(QString, command);
        const Run r = rwb({command, QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("Usage: rwb ") + command));
        QVERIFY(r.err.isEmpty());
    }

    void validateAcceptsAValidFile()
    {
        const Run r = rwb({QStringLiteral("validate"), write(QStringLiteral("ok.json"), kValid)});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.isEmpty());
    }

    void validateRejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QByteArray negative(kValid);
        negative.replace("\"max_attempts\": 3", "\"max_attempts\": -3");
        QTest::newRow("out of range") << negative << QStringLiteral(": /pipelines/0/retry/max_attempts: expected an integer in [1, 1000000], got -3\n");
        QTest::newRow("syntax") << QByteArray("{\n\"seed\": 1,,\n}") << QStringLiteral(":2:11: syntax error: unterminated object\n");
        QTest::newRow("empty") << QByteArray() << QStringLiteral(":1:1: the file is empty (expected a JSON object)\n");
        QByteArray unknown(kValid);
        unknown.replace("\"seed\": 4", "\"seeed\": 4");
        QTest::newRow("unknown key") << unknown << QStringLiteral(": /seeed: unknown key (did you mean \"seed\"?)\n");
        const auto variant = [](const char* from, const char* to) { return QByteArray(kValid).replace(from, to); };
        QTest::newRow("whitespace only") << QByteArray("\n  \n") << QStringLiteral(":1:1: the file is empty (expected a JSON object)\n");
        QTest::newRow("invalid utf-8") << variant("cli test", "cli \xff") << QStringLiteral(":3:16: invalid UTF-8 (byte 0xff)\n");
        QTest::newRow("deep nesting") << QByteArray(2000, '[') << QStringLiteral(":1:1025: syntax error: too deeply nested document\n");
        QTest::newRow("huge number") << variant("\"duration\": 20", "\"duration\": 1e999")
                                     << QStringLiteral(":5:19: syntax error: illegal number\n");
        QTest::newRow("huge duration") << variant("\"duration\": 20", "\"duration\": 1e100")
                                       << QStringLiteral(": /duration: expected a duration in [0, 3153600000] s, got 1e+100 s\n");
        QTest::newRow("wrong type") << variant("\"rate\": 20", "\"rate\": \"20/s\"")
                                    << QStringLiteral(": /clients/0/arrival/rate: expected a number, got a string \"20/s\"\n");
        QTest::newRow("array expected") << variant("\"clients\": [", "\"clients\": 3, \"x\": [")
                                        << QStringLiteral(": /clients: expected an array, got 3\n");
        QTest::newRow("probability out of range") << variant("\"error_rate\": 0.2", "\"error_rate\": -0.5")
                                                  << QStringLiteral(": /services/0/fault/error_rate: expected a number in [0, 1], got -0.5\n");
        QTest::newRow("bad enum") << variant("\"constant\"", "\"sometimes\"")
                                  << QStringLiteral(": /clients/0/arrival/process: expected one of constant, poisson, bursts, closed, got \"sometimes\"\n");
        QTest::newRow("dangling reference") << variant("\"pipeline\": \"p\"", "\"pipeline\": \"q\"")
                                            << QStringLiteral(": /clients/0/pipeline: expected the name of a pipeline, got \"q\"\n");
        QTest::newRow("schema version") << variant("\"schema_version\": 1", "\"schema_version\": 7")
                                        << QStringLiteral(": /schema_version: expected 1, got 7\n");
        QTest::newRow("top-level array") << QByteArray("[]") << QStringLiteral(": (document): expected a JSON object at the top level, got an array\n");
        QTest::newRow("latency p99 below median")
            << variant("\"latency\": 0.01", "\"latency\": {\"distribution\": \"log_normal\", \"median\": 0.04, \"p99\": 0.01}")
            << QStringLiteral(": /services/0/fault/latency/p99: expected a duration >= median (40 ms), got 10 ms\n");
    }
    void validateRejectsBadFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = write(QStringLiteral("bad.json"), content);
        const Run r = rwb({QStringLiteral("validate"), path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.left(r.err.indexOf(QLatin1Char('\n')) + 1), path + expected); // the first line, exactly
    }

    void validateReportsOneErrorPerLine()
    {
        QByteArray bad(kValid);
        bad.replace("\"max_attempts\": 3", "\"max_attempts\": 0").replace("\"error_rate\": 0.2", "\"error_rate\": 2");
        const Run r = rwb({QStringLiteral("validate"), write(QStringLiteral("two.json"), bad)});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.count(QLatin1Char('\n')), 2);
    }

    void badUsage()
    {
        QCOMPARE(rwb({QStringLiteral("validate")}).exitCode, 2);
        QCOMPARE(rwb({QStringLiteral("simulate")}).exitCode, 2);
        QCOMPARE(rwb({QStringLiteral("simulate"), QStringLiteral("--bogus"), QStringLiteral("x.json")}).exitCode, 2);
        QCOMPARE(rwb({QStringLiteral("simulate"), write(QStringLiteral("ok.json"), kValid), QStringLiteral("--seed"), QStringLiteral("abc")}).exitCode, 2);
        const Run missing = rwb({QStringLiteral("simulate"), m_dir.filePath(QStringLiteral("missing.json"))});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains(QStringLiteral("cannot read the file")));
        QCOMPARE(rwb({QStringLiteral("demo"), QStringLiteral("no-such-demo")}).exitCode, 2);
    }

    // A typo gets the option (or command) it most likely meant, and the error stays short: the
    // synopsis and where the options are, not the whole help page.
    void badOptionSuggestsTheNearest()
    {
        const Run typo = rwb({QStringLiteral("simulate"), QStringLiteral("--sed"), QStringLiteral("3"), QStringLiteral("x.json")});
        QCOMPARE(typo.exitCode, 2);
        QVERIFY(typo.out.isEmpty());
        const QStringList lines = typo.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.value(0), QStringLiteral("rwb simulate: unknown option \"--sed\" (did you mean --seed?)"));
        QVERIFY(lines.value(1).startsWith(QStringLiteral("Usage: rwb simulate")));
        QCOMPARE(lines.last(), QStringLiteral("Run 'rwb simulate --help' for the options."));
        QVERIFY(!typo.err.contains(QStringLiteral("--series ")));  // the option list is --help's job
        const Run far = rwb({QStringLiteral("simulate"), QStringLiteral("--zzzzzz"), QStringLiteral("x.json")});
        QVERIFY(far.err.startsWith(QStringLiteral("rwb simulate: unknown option \"--zzzzzz\"\n"))); // no wild guess
        const Run command = rwb({QStringLiteral("simulaet")});
        QCOMPARE(command.exitCode, 2);
        QVERIFY(command.err.startsWith(QStringLiteral("rwb: unknown command 'simulaet' (did you mean 'simulate'?)\n")));
        const Run tune = rwb({QStringLiteral("tune"), QStringLiteral("x.json"), QStringLiteral("--budgte"), QStringLiteral("4")});
        QVERIFY(tune.err.startsWith(QStringLiteral("rwb tune: unknown option \"--budgte\" (did you mean --budget?)")));
    }

    // GNU style --name=value means --name value, for every command.
    void optionEqualsValue()
    {
        const QString path = write(QStringLiteral("ok.json"), kValid);
        const Run spaced = rwb({QStringLiteral("simulate"), path, QStringLiteral("--json"), QStringLiteral("--seed"), QStringLiteral("7")});
        const Run joined = rwb({QStringLiteral("simulate"), path, QStringLiteral("--json"), QStringLiteral("--seed=7")});
        QCOMPARE(joined.exitCode, 0);
        QCOMPARE(joined.out, spaced.out);
        QCOMPARE(QJsonDocument::fromJson(joined.out.toUtf8()).object().value(QStringLiteral("seed")).toInt(), 7);
        QCOMPARE(rwb({QStringLiteral("simulate"), path, QStringLiteral("--seed=abc")}).exitCode, 2);
    }

    void simulateJsonSummary()
    {
        const Run r = rwb({QStringLiteral("simulate"), write(QStringLiteral("ok.json"), kValid), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(doc.value(QStringLiteral("seed")).toInt(), 4);
        QCOMPARE(doc.value(QStringLiteral("format_version")).toInt(), 1);
        QCOMPARE(doc.value(QStringLiteral("source")).toString(), QStringLiteral("simulation"));
        const QJsonObject p = doc.value(QStringLiteral("pipelines")).toArray().first().toObject();
        QCOMPARE(p.value(QStringLiteral("name")).toString(), QStringLiteral("p"));
        QCOMPARE(p.value(QStringLiteral("requests")).toInt(), 400);
        for (const auto key : {"succeeded", "failed", "rejected", "fallbacks", "attempts", "breaker_transitions"})
            QVERIFY2(p.contains(QLatin1String(key)), key);
        QCOMPARE(p.value(QStringLiteral("succeeded")).toInt() + p.value(QStringLiteral("failed")).toInt(), 400);
        QVERIFY(p.value(QStringLiteral("attempts")).toInt() > 400);
        const QJsonObject latency = p.value(QStringLiteral("latency_ms")).toObject();
        QVERIFY(latency.value(QStringLiteral("p50")).toDouble() > 0);
        QVERIFY(latency.value(QStringLiteral("p99")).toDouble() >= latency.value(QStringLiteral("p95")).toDouble());
        // --seed changes the run, and the same seed repeats it exactly.
        const Run seeded = rwb({QStringLiteral("simulate"), m_dir.filePath(QStringLiteral("ok.json")), QStringLiteral("--json"),
            QStringLiteral("--seed"), QStringLiteral("99")});
        QCOMPARE(seeded.exitCode, 0);
        QVERIFY(seeded.out != r.out);
        QCOMPARE(rwb({QStringLiteral("simulate"), m_dir.filePath(QStringLiteral("ok.json")), QStringLiteral("--json")}).out, r.out);
        // --series adds the per-second series (20 s of traffic: at least 20 buckets).
        QVERIFY(!p.contains(QStringLiteral("series")));
        const Run series = rwb({QStringLiteral("simulate"), m_dir.filePath(QStringLiteral("ok.json")), QStringLiteral("--json"),
            QStringLiteral("--series")});
        QCOMPARE(series.exitCode, 0);
        const QJsonObject withSeries = QJsonDocument::fromJson(series.out.toUtf8()).object()
                                           .value(QStringLiteral("pipelines")).toArray().first().toObject();
        QVERIFY(withSeries.value(QStringLiteral("series")).toObject().value(QStringLiteral("requests")).toArray().size() >= 20);
    }

    void simulateTable()
    {
        const Run r = rwb({QStringLiteral("simulate"), write(QStringLiteral("ok.json"), kValid)});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("Scenario: cli test  seed 4")));
        QVERIFY(r.out.contains(QStringLiteral("p50 ms")));
        QVERIFY(r.out.contains(QStringLiteral("\np ")));
    }

    void simulateWritesIdenticalEventFiles()
    {
        const QString scenario = write(QStringLiteral("ok.json"), kValid);
        const QString a = m_dir.filePath(QStringLiteral("a.jsonl"));
        const QString b = m_dir.filePath(QStringLiteral("b.jsonl"));
        QCOMPARE(rwb({QStringLiteral("simulate"), scenario, QStringLiteral("--out"), a}).exitCode, 0);
        QCOMPARE(rwb({QStringLiteral("simulate"), scenario, QStringLiteral("--out"), b}).exitCode, 0);
        QFile fa(a), fb(b);
        QVERIFY(fa.open(QIODevice::ReadOnly));
        QVERIFY(fb.open(QIODevice::ReadOnly));
        const QByteArray ca = fa.readAll();
        QVERIFY(ca.size() > 1000);
        QCOMPARE(ca, fb.readAll());
        const QByteArray firstLine = ca.left(ca.indexOf('\n'));
        const QJsonObject line = QJsonDocument::fromJson(firstLine).object();
        for (const auto key : {"timestamp", "level", "agent", "task_id", "message", "extra"})
            QVERIFY2(line.contains(QLatin1String(key)), key);
        // the recording opens at engine time zero (the simulator's origin), for exact replays
        const QJsonObject start = line.value(QStringLiteral("extra")).toObject();
        QCOMPARE(start.value(QStringLiteral("event")).toString(), QStringLiteral("run_started"));
        QCOMPARE(line.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-01-03T15:30:00.000+00:00"));
        QCOMPARE(ca.count("\"event\": \"request_done\""), qsizetype(400));
        // An unwritable destination is a runtime error.
        QCOMPARE(rwb({QStringLiteral("simulate"), scenario, QStringLiteral("--out"), m_dir.filePath(QStringLiteral("no/dir/x.jsonl"))}).exitCode, 1);
    }

    // --threads N: pipelines that share nothing run on N threads; summary and event file are the same for
    // any N, though the two groups' constant clients arrive at the same instants.
    void simulateThreadsGiveIdenticalOutput()
    {
        const QString scenario = write(QStringLiteral("two.json"), R"({
          "schema_version": 1, "name": "two groups", "seed": 5, "duration": 20,
          "services": [{"name": "s1", "fault": {"error_rate": 0.3, "latency": 0.01}},
                       {"name": "s2", "fault": {"error_rate": 0.1, "outages": [{"start": 5, "end": 9}]}}],
          "pipelines": [{"name": "p1", "service": "s1", "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.01, "jitter": "full"}}},
                        {"name": "p2", "service": "s2", "circuit_breaker": {"failure_threshold": 3, "recovery_timeout": 1}}],
          "clients": [{"name": "c1", "pipeline": "p1", "arrival": {"process": "constant", "rate": 20}},
                      {"name": "c2", "pipeline": "p2", "arrival": {"process": "constant", "rate": 20}}]
        })");
        QByteArray events;
        QString summary;
        for (const char* threads : { "1", "2", "4" }) {
            const QString out = m_dir.filePath(QStringLiteral("threads-%1.jsonl").arg(QLatin1String(threads)));
            const Run r = rwb({ QStringLiteral("simulate"), scenario, QStringLiteral("--threads"), QLatin1String(threads),
                QStringLiteral("--out"), out, QStringLiteral("--json"), QStringLiteral("--series") });
            QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray written = f.readAll();
            if (events.isEmpty()) {
                events = written;
                summary = r.out;
                QCOMPARE(events.count("\"event\": \"request_done\""), qsizetype(800));
                QVERIFY(events.contains("\"event\": \"breaker_transition\""));
            } else {
                QCOMPARE(written, events);
                QCOMPARE(r.out, summary);
            }
        }
        for (const char* bad : { "0", "-1", "two" }) {
            const Run r = rwb({ QStringLiteral("simulate"), scenario, QStringLiteral("--threads"), QLatin1String(bad) });
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QStringLiteral("--threads expects an integer >= 1")), qPrintable(r.err));
        }
        QCOMPARE(rwb({ QStringLiteral("simulate"), scenario, QStringLiteral("--threads") }).exitCode, 2);
    }

    // A recorded simulation, replayed from its log, gives the simulation's own figures: the event-fed
    // counting rules (EventBucketer, the GUI's replay) agree with the executor's (RecordedPipeline).
    void replayOfARecordedRunGivesItsSummary()
    {
        const QString scenario = write(QStringLiteral("outage.json"), R"({
  "schema_version": 1, "name": "replayed", "seed": 9, "duration": 40,
  "services": [{"name": "s", "fault": {"error_rate": 0.05, "latency": {"distribution": "log_normal", "median": 0.02, "p99": 0.2},
                "outages": [{"start": 10, "end": 25, "error": "connection_refused"}]}}],
  "pipelines": [{"name": "guarded", "service": "s", "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.05, "max_delay": 0.5}},
                 "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2}, "fallback": {"on_failure": true}},
                {"name": "bare", "service": "s", "retry": {"max_attempts": 4, "backoff": {"base_delay": 0.05}}}],
  "clients": [{"name": "a", "pipeline": "guarded", "arrival": {"process": "poisson", "rate": 40}},
              {"name": "b", "pipeline": "bare", "arrival": {"process": "poisson", "rate": 40}}]
})");
        const QString log = m_dir.filePath(QStringLiteral("replayed.jsonl"));
        const Run simulated = rwb({QStringLiteral("simulate"), scenario, QStringLiteral("--out"), log, QStringLiteral("--json")});
        QCOMPARE(simulated.exitCode, 0);
        const Run replayed = rwb({QStringLiteral("replay"), log, QStringLiteral("--json")});
        QCOMPARE(replayed.exitCode, 0);
        const QJsonObject sim = QJsonDocument::fromJson(simulated.out.toUtf8()).object();
        const QJsonObject rep = QJsonDocument::fromJson(replayed.out.toUtf8()).object();
        QCOMPARE(rep.value(QStringLiteral("source")).toString(), QStringLiteral("replay"));
        // The name and seed come from the log's run_started line.
        QCOMPARE(rep.value(QStringLiteral("seed")).toInteger(), 9);
        QCOMPARE(rep.value(QStringLiteral("scenario")).toString(), QStringLiteral("replayed"));
        QHash<QString, QJsonObject> replayedPipelines;
        for (const QJsonValue& p : rep.value(QStringLiteral("pipelines")).toArray())
            replayedPipelines.insert(p.toObject().value(QStringLiteral("name")).toString(), p.toObject());
        const QJsonArray simulatedPipelines = sim.value(QStringLiteral("pipelines")).toArray();
        QCOMPARE(replayedPipelines.size(), simulatedPipelines.size());
        for (const QJsonValue& value : simulatedPipelines) {
            const QJsonObject expected = value.toObject();
            const QString name = expected.value(QStringLiteral("name")).toString();
            const QJsonObject got = replayedPipelines.value(name);
            for (const auto key : {"requests", "succeeded", "failed", "rejected", "fallbacks", "attempts", "retries", "timeouts",
                     "hedges", "breaker_rejections", "breaker_transitions", "success_rate", "retry_amplification",
                     "last_finish_s", "latency_ms", "circuit"})
                QVERIFY2(got.value(QLatin1String(key)) == expected.value(QLatin1String(key)),
                    qPrintable(QStringLiteral("%1.%2: replay %3, simulation %4").arg(name, QLatin1String(key),
                        QString::fromUtf8(QJsonDocument(QJsonArray { got.value(QLatin1String(key)) }).toJson(QJsonDocument::Compact)),
                        QString::fromUtf8(QJsonDocument(QJsonArray { expected.value(QLatin1String(key)) }).toJson(QJsonDocument::Compact)))));
        }
        QVERIFY(sim.value(QStringLiteral("totals")).toObject().value(QStringLiteral("breaker_transitions")).toInt() >= 2);
        QCOMPARE(rep.value(QStringLiteral("fault")), sim.value(QStringLiteral("fault")));
        // Without a run_started line the seed is unknown: null in JSON, "unknown" in the table, never 0.
        QFile full(log);
        QVERIFY(full.open(QIODevice::ReadOnly));
        QByteArray lines = full.readAll();
        QVERIFY(lines.startsWith("{") && lines.left(lines.indexOf('\n')).contains("run_started"));
        lines.remove(0, lines.indexOf('\n') + 1);
        const QString bare = write(QStringLiteral("bare.jsonl"), lines);
        const Run bareJson = rwb({QStringLiteral("replay"), bare, QStringLiteral("--json")});
        QCOMPARE(bareJson.exitCode, 0);
        const QJsonObject bareSummary = QJsonDocument::fromJson(bareJson.out.toUtf8()).object();
        QVERIFY(bareSummary.value(QStringLiteral("seed")).isNull());
        QCOMPARE(bareSummary.value(QStringLiteral("scenario")).toString(), QString());
        const Run bareTable = rwb({QStringLiteral("replay"), bare});
        QCOMPARE(bareTable.exitCode, 0);
        QVERIFY2(bareTable.out.contains(QStringLiteral("seed unknown")), qPrintable(bareTable.out));
        // Bad input: a missing file, a file without workbench events.
        QCOMPARE(rwb({QStringLiteral("replay"), m_dir.filePath(QStringLiteral("none.jsonl"))}).exitCode, 2);
        const Run foreign = rwb({QStringLiteral("replay"), write(QStringLiteral("foreign.jsonl"), "{\"msg\": \"hello\"}\n")});
        QCOMPARE(foreign.exitCode, 2);
        QVERIFY2(foreign.err.contains(QStringLiteral("no workbench events")), qPrintable(foreign.err));
    }

    void demoListsAndRuns()
    {
        const Run list = rwb({QStringLiteral("demo")});
        QCOMPARE(list.exitCode, 0);
        for (const auto name : {"outage-recovery", "thundering-herd", "rate-limited-api", "slow-dependency", "flapping-service", "retry-storm"})
            QVERIFY2(list.out.contains(QLatin1String(name)), name);
        const Run run = rwb({QStringLiteral("demo"), QStringLiteral("outage-recovery"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray pipelines = QJsonDocument::fromJson(run.out.toUtf8()).object().value(QStringLiteral("pipelines")).toArray();
        QCOMPARE(pipelines.size(), 2);
        const Run printed = rwb({QStringLiteral("demo"), QStringLiteral("retry-storm"), QStringLiteral("--print")});
        QCOMPARE(printed.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(printed.out.toUtf8()).isObject());
    }
};

QTEST_GUILESS_MAIN(TestCliSimulate)
#include "tst_cli_simulate.moc"
