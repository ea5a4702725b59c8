#include "core/clock/virtualclock.h"
#include "core/log/jsonlwriter.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {
// 2026-01-03T23:59:59.000Z: one second before midnight.
constexpr qint64 kBeforeMidnight = 1767484799000;

QList<QJsonObject> readObjects(const QString& path, int* invalid = nullptr)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QJsonObject> out;
    int bad = 0;
    const QByteArray all = f.readAll();
    if (!all.isEmpty() && !all.endsWith('\n'))
        ++bad;
    for (const QByteArray& line : all.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError err;
        const auto doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            ++bad;
        else
            out << doc.object();
    }
    if (invalid)
        *invalid = bad;
    return out;
}

JsonlWriter::Options options(const QString& dir)
{
    JsonlWriter::Options o;
    o.directory = dir;
    o.name = QStringLiteral("swarm");
    o.agent = QStringLiteral("backend-worker");
    o.taskId = QStringLiteral("task-001");
    return o;
}
} // namespace

class TestJsonlWriter : public QObject {
    Q_OBJECT
private slots:
    void seedFormat()
    {
        QTemporaryDir dir;
        VirtualClock clock(VirtualClock::kDefaultOriginUtcMs);
        {
            JsonlWriter writer(clock, options(dir.path()));
            writer.info(QStringLiteral("Processing started"),
                QJsonObject {{QStringLiteral("files"), 3}, {QStringLiteral("priority"), QStringLiteral("high")},
                    {QStringLiteral("ratio"), 0.25}, {QStringLiteral("ok"), true}});
            QCOMPARE(writer.linesWritten(), 1);
            QCOMPARE(writer.currentPath(), dir.filePath(QStringLiteral("swarm_2026-01-03.jsonl")));
        }
        int invalid = -1;
        const auto objs = readObjects(dir.filePath(QStringLiteral("swarm_2026-01-03.jsonl")), &invalid);
        QCOMPARE(invalid, 0);
        QCOMPARE(objs.size(), 1);
        const QJsonObject o = objs.first();
        QCOMPARE(o.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-01-03T15:30:00.000+00:00"));
        QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("INFO"));
        QCOMPARE(o.value(QStringLiteral("agent")).toString(), QStringLiteral("backend-worker"));
        QCOMPARE(o.value(QStringLiteral("task_id")).toString(), QStringLiteral("task-001"));
        QCOMPARE(o.value(QStringLiteral("message")).toString(), QStringLiteral("Processing started"));
        const QJsonObject extra = o.value(QStringLiteral("extra")).toObject();
        QCOMPARE(extra.value(QStringLiteral("files")).toInt(), 3);
        QCOMPARE(extra.value(QStringLiteral("ratio")).toDouble(), 0.25);
        QCOMPARE(extra.value(QStringLiteral("ok")).toBool(), true);
        // Keys in the seed's order.
        QFile f(dir.filePath(QStringLiteral("swarm_2026-01-03.jsonl")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().startsWith("{\"timestamp\": \"2026-01-03T15:30:00.000+00:00\", \"level\": \"INFO\", "
                                       "\"agent\": \"backend-worker\", \"task_id\": \"task-001\", \"message\""));
    }

    void rotatesAtMidnightOnVirtualClock()
    {
        QTemporaryDir dir;
        VirtualClock clock(kBeforeMidnight);
        JsonlWriter::Options o = options(dir.path());
        o.flush = JsonlWriter::FlushPolicy::Batched; // rotation must flush the old day's batch
        o.batchBytes = 1 << 20;
        {
            JsonlWriter writer(clock, o);
            for (int i = 0; i < 20; ++i) {
                writer.log(LogLevel::Info, QStringLiteral("line %1").arg(i), QJsonObject {{QStringLiteral("i"), i}});
                clock.advance(100ms); // 10 lines before midnight, 10 after
            }
            Event e;
            e.kind = EventKind::FaultChanged;
            e.source = QStringLiteral("svc");
            e.time = clock.now();
            writer.onEvent(e);
            QCOMPARE(writer.currentPath(), dir.filePath(QStringLiteral("swarm_2026-01-04.jsonl")));
        }
        int bad1 = -1, bad2 = -1;
        const auto day1 = readObjects(dir.filePath(QStringLiteral("swarm_2026-01-03.jsonl")), &bad1);
        const auto day2 = readObjects(dir.filePath(QStringLiteral("swarm_2026-01-04.jsonl")), &bad2);
        QCOMPARE(bad1, 0);
        QCOMPARE(bad2, 0);
        QCOMPARE(day1.size(), 10);
        QCOMPARE(day2.size(), 11);
        QCOMPARE(day1.last().value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-01-03T23:59:59.900+00:00"));
        QCOMPARE(day2.first().value(QStringLiteral("timestamp")).toString(), QStringLiteral("2026-01-04T00:00:00.000+00:00"));
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(day1[i].value(QStringLiteral("extra")).toObject().value(QStringLiteral("i")).toInt(), i);
            QCOMPARE(day2[i].value(QStringLiteral("extra")).toObject().value(QStringLiteral("i")).toInt(), i + 10);
        }
        QCOMPARE(day2.last().value(QStringLiteral("extra")).toObject().value(QStringLiteral("event")).toString(),
            QStringLiteral("fault_changed"));
    }

    void escapesEveryString_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("quotes and backslash") << QStringLiteral("a \"b\" \\c\\");
        QTest::newRow("newline") << QStringLiteral("two\nlines\r\n");
        QTest::newRow("controls") << QString::fromUtf16(u"\u0000\u0001\u001b[31m\u007f");
        QTest::newRow("unicode") << QString::fromUtf16(u"Grüße, 世界 😀");
    }

    void escapesEveryString()
    {
        QFETCH(QString, text);
        QTemporaryDir dir;
        VirtualClock clock;
        {
            JsonlWriter writer(clock, options(dir.path()));
            writer.log(LogLevel::Warning, text, text, text, QJsonObject {{text, text}});
        }
        int invalid = -1;
        const auto objs = readObjects(JsonlWriter::pathFor(dir.path(), QStringLiteral("swarm"), clock.toUtcMs(clock.now())),
            &invalid);
        QCOMPARE(invalid, 0);
        QCOMPARE(objs.size(), 1);
        QCOMPARE(objs[0].value(QStringLiteral("agent")).toString(), text);
        QCOMPARE(objs[0].value(QStringLiteral("task_id")).toString(), text);
        QCOMPARE(objs[0].value(QStringLiteral("message")).toString(), text);
        QCOMPARE(objs[0].value(QStringLiteral("extra")).toObject().value(text).toString(), text);
        QCOMPARE(objs[0].value(QStringLiteral("level")).toString(), QStringLiteral("WARNING"));
    }

    void loneSurrogateIsReplaced()
    {
        QTemporaryDir dir;
        VirtualClock clock;
        const char16_t raw[] = {char16_t(0x78), char16_t(0xD800)};
        {
            JsonlWriter writer(clock, options(dir.path()));
            writer.info(QString::fromUtf16(raw, 2));
        }
        int invalid = -1;
        const auto objs = readObjects(JsonlWriter::pathFor(dir.path(), QStringLiteral("swarm"), clock.toUtcMs({})), &invalid);
        QCOMPARE(invalid, 0);
        QCOMPARE(objs[0].value(QStringLiteral("message")).toString(), QString::fromUtf16(u"x\uFFFD"));
    }

    void flushPolicies()
    {
        QTemporaryDir dir;
        VirtualClock clock;
        const QString path = JsonlWriter::pathFor(dir.path(), QStringLiteral("swarm"), clock.toUtcMs({}));
        JsonlWriter::Options o = options(dir.path());
        o.flush = JsonlWriter::FlushPolicy::Batched;
        o.batchBytes = 1 << 20;
        {
            JsonlWriter writer(clock, o);
            writer.info(QStringLiteral("buffered"));
            QCOMPARE(QFileInfo(path).size(), 0); // still in the batch
            writer.flush();
            QVERIFY(QFileInfo(path).size() > 0);
            writer.info(QStringLiteral("at exit"));
        } // the destructor flushes
        QCOMPARE(readObjects(path).size(), 2);

        QTemporaryDir dir2;
        o = options(dir2.path());
        JsonlWriter eager(clock, o);
        eager.info(QStringLiteral("now"));
        QCOMPARE(readObjects(JsonlWriter::pathFor(dir2.path(), QStringLiteral("swarm"), clock.toUtcMs({}))).size(), 1);
    }

    void consoleLine()
    {
        QTemporaryDir dir;
        VirtualClock clock;
        std::FILE* console = std::tmpfile();
        QVERIFY(console);
        JsonlWriter::Options o = options(dir.path());
        o.console = console;
        o.consoleLevel = LogLevel::Warning;
        {
            JsonlWriter writer(clock, o);
            writer.info(QStringLiteral("quiet"));
            writer.error(QStringLiteral("loud"));
        }
        std::rewind(console);
        char buf[512] = {};
        const std::size_t n = std::fread(buf, 1, sizeof buf - 1, console);
        std::fclose(console);
        const QByteArray text(buf, qsizetype(n));
        QCOMPARE(text, QByteArray("15:30:00.000 ERROR   [backend-worker] task-001 loud\n"));
    }

    void singleFileAppearsOnlyOnCommit()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        VirtualClock clock(kBeforeMidnight);
        JsonlWriter::Options o = options(dir.path());
        o.file = path;
        o.flush = JsonlWriter::FlushPolicy::Batched;
        o.batchBytes = 64; // several batches
        {
            // An older file at the path survives a run that never commits.
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("older\n");
        }
        {
            JsonlWriter abandoned(clock, o);
            abandoned.info(QStringLiteral("never committed"));
            abandoned.flush();
        }
        QFile kept(path);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("older\n"));
        kept.close();

        JsonlWriter writer(clock, o);
        QCOMPARE(writer.lastError(), QString());
        QCOMPARE(writer.currentPath(), path);
        writer.runStarted(QStringLiteral("demo"), 7);
        for (int i = 0; i < 10; ++i)
            writer.info(QStringLiteral("line %1").arg(i));
        clock.advance(std::chrono::seconds(2)); // past midnight: one file, no rotation
        writer.info(QStringLiteral("after midnight"));
        QVERIFY(writer.commit());
        int invalid = -1;
        const QList<QJsonObject> lines = readObjects(path, &invalid);
        QCOMPARE(invalid, 0);
        QCOMPARE(lines.size(), 12);
        QCOMPARE(lines.last().value(QStringLiteral("message")).toString(), QStringLiteral("after midnight"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList { QStringLiteral("run.jsonl") });

        // A file that cannot be created is reported before the run.
        o.file = QStringLiteral("/proc/definitely/not/writable.jsonl");
        JsonlWriter unwritable(clock, o);
        QVERIFY(unwritable.lastError().contains(QStringLiteral("/proc/definitely/not/writable.jsonl")));
        QVERIFY(!unwritable.commit());
    }

    void unwritableDirectoryReportsError()
    {
        VirtualClock clock;
        JsonlWriter::Options o = options(QStringLiteral("/proc/definitely/not/writable"));
        JsonlWriter writer(clock, o);
        writer.info(QStringLiteral("lost"));
        QVERIFY(!writer.lastError().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJsonlWriter)
#include "tst_jsonlwriter.moc"
