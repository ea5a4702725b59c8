#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

namespace {
struct Result {
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Result rwb(const QStringList& args, const QByteArray& input = {})
{
    QProcess p;
    p.start(QStringLiteral(RWB_BINARY), args);
    if (!input.isNull()) {
        p.write(input);
        p.closeWriteChannel();
    }
    Result r;
    if (!p.waitForFinished(60000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

const char kLog[]
    = "{\"timestamp\": \"2026-01-03T15:30:00.000+00:00\", \"level\": \"INFO\", \"agent\": \"payments\", "
      "\"task_id\": \"req-1\", \"message\": \"ok, fine\", \"extra\": {\"event\": \"attempt\", \"latency_ms\": 12}}\n"
      "{\"timestamp\": \"2026-01-03T15:30:01.000+00:00\", \"level\": \"WARNING\", \"agent\": \"payments\", "
      "\"task_id\": \"req-2\", \"message\": \"retry \\\"soon\\\"\", \"extra\": {\"event\": \"retry_scheduled\", "
      "\"delay_ms\": 1500}}\n"
      "this line is broken\n"
      "{\"timestamp\": \"2026-01-03T15:31:00.000+00:00\", \"level\": \"ERROR\", \"agent\": \"orders\", "
      "\"task_id\": \"req-3\", \"message\": \"gave up\", \"extra\": {\"event\": \"retry_gave_up\"}}\n";
} // namespace

class TestLogsCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_log;

private slots:
    void initTestCase()
    {
        // Index caches go to the test's own directory, not the user's.
        qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("xdg-cache")).toUtf8());
        qunsetenv("RWB_LOG_INDEX_CACHE_MB");
        m_log = m_dir.filePath(QStringLiteral("run.jsonl"));
        QFile f(m_log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kLog);
    }

    void queryFormats()
    {
        Result r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), m_log, QStringLiteral("level>=WARNING") });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.count('\n'), 2);
        QVERIFY(r.out.startsWith("{\"timestamp\": \"2026-01-03T15:30:01.000+00:00\""));

        r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), m_log,
            QStringLiteral("agent=payments and extra.delay_ms>1000"), QStringLiteral("--count") });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("1\n"));

        r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), m_log, QStringLiteral("agent=payments"),
            QStringLiteral("--format"), QStringLiteral("csv") });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out,
            QByteArray("line,timestamp,level,agent,task_id,message\n"
                       "1,2026-01-03T15:30:00.000+00:00,INFO,payments,req-1,\"ok, fine\"\n"
                       "2,2026-01-03T15:30:01.000+00:00,WARNING,payments,req-2,\"retry \"\"soon\"\"\"\n"));

        r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), m_log, QStringLiteral("\"broken\""),
            QStringLiteral("--format=table") });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("LINE"));
        QVERIFY(r.out.contains("this line is broken"));
    }

    void dashReadsStandardInput()
    {
        Result r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), QStringLiteral("-"),
                           QStringLiteral("level>=WARNING"), QStringLiteral("--count") },
            QByteArray(kLog));
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("2\n"));
        r = rwb({ QStringLiteral("logs"), QStringLiteral("stats"), QStringLiteral("-") }, QByteArray(kLog));
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("file: (standard input)\n"), r.out.constData());
        QVERIFY(r.out.contains("lines: 4\n"));
        r = rwb({ QStringLiteral("logs"), QStringLiteral("stats"), QStringLiteral("-") }, QByteArray(""));
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("lines: 0\n"));
    }

    void clefMessageAndLevelDefaults()
    {
        const QByteArray clef = "{\"@t\":\"2026-01-03T15:30:00Z\",\"@mt\":\"User {Name} signed in\",\"Name\":\"ada\"}\n"
                                "{\"@t\":\"2026-01-03T15:30:01Z\",\"@m\":\"Disk 93% full\",\"@l\":\"Warning\"}\n";
        const Result r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), QStringLiteral("-"), QString(),
                                 QStringLiteral("--format"), QStringLiteral("csv") },
            clef);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out,
            QByteArray("line,timestamp,level,agent,task_id,message\n"
                       "1,2026-01-03T15:30:00.000+00:00,INFO,,,User {Name} signed in\n"
                       "2,2026-01-03T15:30:01.000+00:00,WARNING,,,Disk 93% full\n"));
    }

    void halfWrittenLastLineIsNamed()
    {
        const QString path = m_dir.filePath(QStringLiteral("growing.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(kLog) + "{\"timestamp\": \"2026-01-03T15:32:00.000+00:00\", \"level\": \"ERR");
        f.close();
        const Result r = rwb({ QStringLiteral("logs"), QStringLiteral("stats"), path });
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("last line: incomplete"), r.out.constData());
        const Result q = rwb({ QStringLiteral("logs"), QStringLiteral("query"), path, QStringLiteral("level>=ERROR"),
            QStringLiteral("--count") });
        QCOMPARE(q.out, QByteArray("1\n")); // the half-written ERROR line is not an ERROR line (yet)
    }

    void followPrintsAppendedMatchesUntilInterrupted()
    {
        const QString path = m_dir.filePath(QStringLiteral("followed.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kLog);
        f.flush();
        QProcess p;
        p.start(QStringLiteral(RWB_BINARY),
            { QStringLiteral("logs"), QStringLiteral("query"), path, QStringLiteral("level>=ERROR"),
                QStringLiteral("--follow") });
        QVERIFY(p.waitForStarted());
        QByteArray seen;
        auto waitFor = [&](const QByteArray& text) {
            QDeadlineTimer deadline(20000);
            while (!seen.contains(text) && !deadline.hasExpired() && p.state() == QProcess::Running) {
                p.waitForReadyRead(200);
                seen += p.readAllStandardOutput();
            }
            return seen.contains(text);
        };
        QVERIFY(waitFor("\"gave up\""));
        QCOMPARE(seen.count('\n'), 1);

        // A line in two writes: nothing of it shows before its newline.
        f.write("{\"level\": \"INFO\", \"message\": \"quiet\"}\n{\"level\": \"CRITICAL\", \"message\": \"half");
        f.flush();
        f.write(" and whole\"}\n");
        f.flush();
        QVERIFY(waitFor("half and whole"));
        QCOMPARE(seen.count('\n'), 2);
        QVERIFY(!seen.contains("quiet"));

        // Truncated (copytruncate): read again from the start.
        QVERIFY(f.resize(0));
        f.seek(0);
        f.write("{\"level\": \"ERROR\", \"message\": \"after rotation\"}\n");
        f.flush();
        QVERIFY(waitFor("after rotation"));

        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(p.readAllStandardError().contains("truncated or replaced"));
    }

    void indexIsCachedAndExtended()
    {
        const QString path = m_dir.filePath(QStringLiteral("indexed.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kLog);
        f.flush();
        Result r = rwb({ QStringLiteral("logs"), QStringLiteral("index"), path });
        QCOMPARE(r.code, 0);
        const QByteArray where
            = m_dir.filePath(QStringLiteral("xdg-cache")).toUtf8() + "/resilience-workbench/log-index/";
        QVERIFY2(r.out.contains(QByteArray(QByteArray(": 4 lines, index built in ") + where)), r.out.constData());
        r = rwb({ QStringLiteral("logs"), QStringLiteral("index"), path });
        QVERIFY2(r.out.contains(": 4 lines, index loaded"), r.out.constData());
        // Answered from the cached index: the same as from the file.
        r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), path, QStringLiteral("level>=WARNING"),
            QStringLiteral("--count") });
        QCOMPARE(r.out, QByteArray("2\n"));
        r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), path, QStringLiteral("level>=WARNING") });
        QCOMPARE(r.out.count('\n'), 2);
        QVERIFY(r.out.contains("gave up"));

        f.write("{\"level\": \"ERROR\", \"message\": \"appended\"}\n");
        f.flush();
        r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), path, QStringLiteral("level>=WARNING"),
            QStringLiteral("--count") });
        QCOMPARE(r.out, QByteArray("3\n"));
        r = rwb({ QStringLiteral("logs"), QStringLiteral("index"), path });
        QVERIFY2(r.out.contains(": 5 lines, index loaded"), r.out.constData()); // the query extended it

        QVERIFY(f.resize(0));
        f.write("{\"level\": \"INFO\"}\n");
        f.flush();
        r = rwb({ QStringLiteral("logs"), QStringLiteral("index"), path });
        QVERIFY2(r.out.contains(": 1 lines, index rebuilt"), r.out.constData());
    }

    void followNeedsJsonl()
    {
        const Result r = rwb({ QStringLiteral("logs"), QStringLiteral("query"), m_log, QStringLiteral("level>=ERROR"),
            QStringLiteral("--follow"), QStringLiteral("--count") });
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--follow prints"));
    }

    void stats()
    {
        const Result r = rwb({ QStringLiteral("logs"), QStringLiteral("stats"), m_log });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("lines: 4\n"));
        QVERIFY(r.out.contains("malformed lines: 1 (first: 3)\n"));
        QVERIFY(r.out.contains("time span: 2026-01-03T15:30:00.000+00:00 .. 2026-01-03T15:31:00.000+00:00"));
        QVERIFY(r.out.contains("payments"));
        QVERIFY(r.out.contains("ERROR    1"));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("message");
        const QString log = m_dir.filePath(QStringLiteral("run.jsonl"));
        QTest::newRow("help") << QStringList { QStringLiteral("logs"), QStringLiteral("--help") } << 0 << QByteArray();
        QTest::newRow("missing file") << QStringList { QStringLiteral("logs"), QStringLiteral("stats"),
            QStringLiteral("/no/such.jsonl") }
                                      << 2 << QByteArray("/no/such.jsonl: no such file");
        QTest::newRow("bad query") << QStringList { QStringLiteral("logs"), QStringLiteral("query"), log,
            QStringLiteral("level>=LOUD") }
                                   << 2 << QByteArray("column 8");
        QTest::newRow("missing query") << QStringList { QStringLiteral("logs"), QStringLiteral("query"), log } << 2
                                       << QByteArray("needs FILE and QUERY");
        QTest::newRow("bad format") << QStringList { QStringLiteral("logs"), QStringLiteral("query"), log,
            QStringLiteral("level>=INFO"), QStringLiteral("--format"), QStringLiteral("xml") }
                                    << 2 << QByteArray("unknown format");
        QTest::newRow("bad mapping") << QStringList { QStringLiteral("logs"), QStringLiteral("stats"), log,
            QStringLiteral("--mapping"), QStringLiteral("log4j") }
                                     << 2 << QByteArray("unknown mapping");
        QTest::newRow("index of stdin") << QStringList { QStringLiteral("logs"), QStringLiteral("index"),
            QStringLiteral("-") } << 2 << QByteArray("index needs a file");
        QTest::newRow("index of nothing")
            << QStringList { QStringLiteral("logs"), QStringLiteral("index") } << 2 << QByteArray("index needs FILE");
        QTest::newRow("no sub-command") << QStringList { QStringLiteral("logs") } << 2
                                        << QByteArray("expected a sub-command");
        QTest::newRow("directory") << QStringList { QStringLiteral("logs"), QStringLiteral("stats"), m_dir.path() } << 2
                                   << QByteArray("not a regular file");
        QTest::newRow("mapping override")
            << QStringList { QStringLiteral("logs"), QStringLiteral("query"), log, QStringLiteral("level>=INFO"),
                   QStringLiteral("--mapping"), QStringLiteral("pino"), QStringLiteral("--count") }
            << 0 << QByteArray();
    }

    // a command line that does not fit gets the synopsis; a file that cannot be used does not
    void usageErrorsShowTheSynopsis()
    {
        const Result typo = rwb({ QStringLiteral("logs"), QStringLiteral("qurey") });
        QCOMPARE(typo.code, 2);
        QVERIFY2(typo.err.contains("unknown sub-command 'qurey' (did you mean 'query'?)"), typo.err.constData());
        QVERIFY2(typo.err.contains("  rwb logs index FILE"), typo.err.constData());
        QVERIFY2(typo.err.contains("Run 'rwb logs --help' for the options."), typo.err.constData());
        QVERIFY2(!typo.err.contains("Exit codes"), typo.err.constData()); // the synopsis, not the whole page

        const Result option = rwb({ QStringLiteral("logs"), QStringLiteral("stats"), QStringLiteral("x.jsonl"),
            QStringLiteral("--maping"), QStringLiteral("pino") });
        QCOMPARE(option.code, 2);
        QVERIFY2(option.err.contains("(did you mean --mapping?)"), option.err.constData());
        QVERIFY2(option.err.contains("Usage:"), option.err.constData());

        const Result missing = rwb({ QStringLiteral("logs"), QStringLiteral("stats"), QStringLiteral("/no/such.jsonl") });
        QCOMPARE(missing.code, 2);
        QCOMPARE(missing.err.trimmed(), QByteArray("rwb logs: /no/such.jsonl: no such file"));
    }

    void exitCodes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QByteArray, message);
        const Result r = rwb(args);
        QCOMPARE(r.code, code);
        if (!message.isEmpty())
            QVERIFY2(r.err.contains(message), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestLogsCli)
#include "tst_logscli.moc"
