#include "core/log/logindex.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {

constexpr qint64 kT0 = 1767454200000; // 2026-01-03T15:30:00Z

QByteArray seedLine(int i, const char* level = "INFO", const char* agent = "api")
{
    return QStringLiteral(R"({"timestamp": "2026-01-03T15:30:%1.000+00:00", "level": "%2", "agent": "%3", "task_id": "task-%4", "message": "line %5", "extra": {"event": "attempt", "n": %5}})")
        .arg(i % 60, 2, 10, QLatin1Char('0'))
        .arg(QLatin1String(level), QLatin1String(agent))
        .arg(i % 7)
        .arg(i)
        .toUtf8();
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(content);
    return path;
}

void appendTo(const QString& path, const QByteArray& content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Append));
    f.write(content);
}

bool indexFile(LogIndex& index, const QString& path, LogIndex::Options options = {})
{
    QString error;
    if (!index.open(path, options, &error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    index.waitForFinished();
    return true;
}

} // namespace

class TestLogIndex : public QObject {
    Q_OBJECT
private slots:
    void seedFormatColumns()
    {
        QTemporaryDir dir;
        QByteArray content;
        for (int i = 0; i < 100; ++i)
            content += seedLine(i, i % 10 == 0 ? "ERROR" : "INFO", i % 2 ? "api" : "db") + '\n';
        LogIndex index;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("a.jsonl"), content)));
        QCOMPARE(index.rowCount(), 100);
        QVERIFY(index.mapping().format == LogFormat::Workbench);
        const LogRow r = index.row(RowIndex(10));
        QCOMPARE(r.timestampMs, kT0 + 10000);
        QVERIFY(r.level == LogLevel::Error);
        QCOMPARE(index.agentName(r.agentId), QStringLiteral("db"));
        QCOMPARE(index.taskName(r.taskId), QStringLiteral("task-3"));
        QCOMPARE(r.flags, std::uint8_t(0));
        QCOMPARE(index.line(RowIndex(10)), seedLine(10, "ERROR", "db"));
        const LogSnapshot snap = index.snapshot();
        QCOMPARE(snap.rowCount(), 100);
        QCOMPARE(snap.eventName(snap.row(RowIndex(5)).eventId), QStringLiteral("attempt"));
        QCOMPARE(snap.line(RowIndex(99)), QByteArrayView(seedLine(99)));
        const LogStats s = index.stats();
        QCOMPARE(s.lines, 100);
        QCOMPARE(s.malformedLines, 0);
        QCOMPARE(s.perLevel[int(LogLevel::Error)], 10);
        QCOMPARE(s.perLevel[int(LogLevel::Info)], 90);
        QCOMPARE(s.perAgent.at(QStringLiteral("api")), 50);
        QCOMPARE(s.minTimeMs, kT0);
        QCOMPARE(s.maxTimeMs, kT0 + 59000);
        QVERIFY(index.bytesPerRow() <= 24.0);
        QVERIFY(index.bytesPerRow() >= 23.0);
    }

    void parallelChunksMatchSerial()
    {
        QTemporaryDir dir;
        QByteArray content;
        for (int i = 0; i < 5000; ++i)
            content += seedLine(i, i % 3 ? "INFO" : "warn", i % 5 ? "a" : "b") + '\n';
        const QString path = writeFile(dir, QStringLiteral("p.jsonl"), content);
        LogIndex serial, parallel;
        LogIndex::Options one;
        one.threads = 1;
        LogIndex::Options many;
        many.threads = 4;
        many.chunkBytes = 4096; // hundreds of chunks
        QVERIFY(indexFile(serial, path, one));
        QVERIFY(indexFile(parallel, path, many));
        QCOMPARE(parallel.rowCount(), 5000);
        QVERIFY(parallel.snapshot().chunks().size() > 50);
        for (qint64 i = 0; i < 5000; i += 37) {
            const LogRow a = serial.row(RowIndex(i)), b = parallel.row(RowIndex(i));
            QCOMPARE(b.offset, a.offset);
            QCOMPARE(b.length, a.length);
            QCOMPARE(b.timestampMs, a.timestampMs);
            QVERIFY(b.level == a.level);
            QCOMPARE(parallel.agentName(b.agentId), serial.agentName(a.agentId));
            QCOMPARE(parallel.taskName(b.taskId), serial.taskName(a.taskId));
        }
        QCOMPARE(parallel.stats().perAgent, serial.stats().perAgent);
    }

    void signalsAndCancel()
    {
        QTemporaryDir dir;
        QByteArray content;
        for (int i = 0; i < 20000; ++i)
            content += seedLine(i) + '\n';
        const QString path = writeFile(dir, QStringLiteral("s.jsonl"), content);
        LogIndex index;
        QSignalSpy rows(&index, &LogIndex::rowsAvailable);
        QSignalSpy finished(&index, &LogIndex::finished);
        LogIndex::Options o;
        o.chunkBytes = 64 * 1024;
        QVERIFY(index.open(path, o));
        QVERIFY(finished.wait(10000));
        QCoreApplication::processEvents();
        QVERIFY(rows.count() >= 1);
        QCOMPARE(rows.last().at(0).toLongLong(), 20000);
        QCOMPARE(index.progress(), 1.0);

        LogIndex cancelled;
        QVERIFY(cancelled.open(path, o));
        cancelled.cancel();
        QVERIFY(!cancelled.isIndexing());
        QVERIFY(cancelled.rowCount() <= 20000);
        // rows published before the cancel are consistent
        const LogSnapshot snap = cancelled.snapshot();
        for (qint64 i = 0; i < snap.rowCount(); i += 999)
            QCOMPARE(snap.line(RowIndex(i)), QByteArrayView(seedLine(int(i))));
    }

    void damageIsToleratedAndReported_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("malformed");
        QTest::addColumn<QList<qint64>>("malformedLines");
        QTest::addColumn<int>("blank");

        const QByteArray good = seedLine(1);
        QTest::newRow("malformed lines") << (good + "\nnot json at all\n" + good + "\n{\"timestamp\": \"x\", \n" + good + "\n[1,2]\n")
                                         << 6 << 3 << QList<qint64> {2, 4, 6} << 0;
        QTest::newRow("crlf") << (good + "\r\n" + good + "\r\n") << 2 << 0 << QList<qint64> {} << 0;
        QTest::newRow("bom") << (QByteArray("\xEF\xBB\xBF") + good + "\n" + good + "\n") << 2 << 0 << QList<qint64> {} << 0;
        QTest::newRow("blank lines") << ("\n" + good + "\n\n   \t\n" + good + "\n") << 5 << 0 << QList<qint64> {} << 3;
        QTest::newRow("truncated last line") << (good + "\n" + good.left(40)) << 2 << 1 << QList<qint64> {2} << 0;
        QTest::newRow("unterminated string") << QByteArray("{\"message\": \"abc\n") << 1 << 1 << QList<qint64> {1} << 0;
        QTest::newRow("trailing garbage") << QByteArray("{\"message\": \"abc\"} x\n") << 1 << 1 << QList<qint64> {1} << 0;
        QTest::newRow("missing fields") << QByteArray("{}\n{\"message\": \"only\"}\n") << 2 << 0 << QList<qint64> {} << 0;
        QTest::newRow("no final newline") << (good + "\n" + good) << 2 << 0 << QList<qint64> {} << 0;
    }

    void damageIsToleratedAndReported()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, rows);
        QFETCH(int, malformed);
        QFETCH(QList<qint64>, malformedLines);
        QFETCH(int, blank);
        QTemporaryDir dir;
        LogIndex index;
        LogIndex::Options o;
        o.format = LogFormat::Workbench;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("d.jsonl"), content), o));
        QCOMPARE(index.rowCount(), rows);
        const LogStats s = index.stats();
        QCOMPARE(s.malformedLines, malformed);
        QList<qint64> firstMalformed;
        for (const LineNumber line : s.firstMalformed)
            firstMalformed.append(line.value);
        QCOMPARE(firstMalformed, malformedLines);
        QCOMPARE(s.blankLines, blank);
        for (qint64 line : malformedLines)
            QVERIFY(index.row(toRowIndex(LineNumber(line))).malformed());
    }

    void crlfAndBomDetails()
    {
        QTemporaryDir dir;
        const QByteArray good = seedLine(2);
        LogIndex index;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("c.jsonl"), "\xEF\xBB\xBF" + good + "\r\n" + good + "\r\n")));
        QVERIFY(index.stats().hadBom);
        QVERIFY(index.stats().crlf);
        QCOMPARE(index.row(RowIndex(0)).offset, 3);
        QCOMPARE(index.line(RowIndex(0)), good); // no BOM, no CR
        QCOMPARE(index.line(RowIndex(1)), good);
        QCOMPARE(index.row(RowIndex(1)).timestampMs, kT0 + 2000);
    }

    void truncatedLastLineFlag()
    {
        QTemporaryDir dir;
        const QByteArray good = seedLine(3);
        LogIndex index;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("t.jsonl"), good + "\n" + good.left(good.size() - 5))));
        QVERIFY(index.row(RowIndex(1)).flags & LogRow::Truncated);
        QCOMPARE(index.row(RowIndex(1)).timestampMs, kT0 + 3000); // what could be read is kept
    }

    void invalidUtf8()
    {
        QTemporaryDir dir;
        const QByteArray bad = "{\"timestamp\": \"2026-01-03T15:30:00Z\", \"level\": \"INFO\", \"agent\": \"x\xff\xfe\", "
                               "\"message\": \"caf\xc3\"}\n";
        LogIndex index;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("u.jsonl"), seedLine(0) + "\n" + bad)));
        QCOMPARE(index.rowCount(), 2);
        QVERIFY(!(index.row(RowIndex(0)).flags & LogRow::InvalidUtf8));
        QVERIFY(index.row(RowIndex(1)).flags & LogRow::InvalidUtf8);
        QVERIFY(!index.row(RowIndex(1)).malformed());
        QCOMPARE(index.row(RowIndex(1)).timestampMs, kT0);
        QCOMPARE(index.stats().invalidUtf8Lines, 1);
    }

    void hugeLine()
    {
        QTemporaryDir dir;
        const QByteArray big = "{\"timestamp\": \"2026-01-03T15:30:05Z\", \"level\": \"ERROR\", \"agent\": \"big\", "
                               "\"message\": \""
            + QByteArray(10 * 1024 * 1024, 'x') + "\", \"extra\": {}}";
        LogIndex index;
        LogIndex::Options o;
        o.chunkBytes = 1 << 20; // the line spans several nominal chunks
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("h.jsonl"), seedLine(1) + "\n" + big + "\n" + seedLine(2) + "\n"), o));
        QCOMPARE(index.rowCount(), 3);
        const LogRow r = index.row(RowIndex(1));
        QVERIFY(r.flags & LogRow::Huge);
        QVERIFY(!r.malformed());
        QCOMPARE(r.length, big.size());
        QVERIFY(r.level == LogLevel::Error);
        QCOMPARE(index.agentName(r.agentId), QStringLiteral("big"));
        QCOMPARE(index.line(RowIndex(2)), seedLine(2));
    }

    void levelsInAnySpelling_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("level");
        QTest::newRow("info") << QByteArray("\"info\"") << int(LogLevel::Info);
        QTest::newRow("Warn") << QByteArray("\"Warn\"") << int(LogLevel::Warning);
        QTest::newRow("WARNING") << QByteArray("\"WARNING\"") << int(LogLevel::Warning);
        QTest::newRow("err") << QByteArray("\"err\"") << int(LogLevel::Error);
        QTest::newRow("fatal") << QByteArray("\"FATAL\"") << int(LogLevel::Critical);
        QTest::newRow("critical") << QByteArray("\"critical\"") << int(LogLevel::Critical);
        QTest::newRow("debug") << QByteArray("\"Debug\"") << int(LogLevel::Debug);
        QTest::newRow("verbose") << QByteArray("\"Verbose\"") << int(LogLevel::Trace);
        QTest::newRow("10") << QByteArray("10") << int(LogLevel::Trace);
        QTest::newRow("20") << QByteArray("20") << int(LogLevel::Debug);
        QTest::newRow("30") << QByteArray("30") << int(LogLevel::Info);
        QTest::newRow("40") << QByteArray("40") << int(LogLevel::Warning);
        QTest::newRow("50") << QByteArray("50") << int(LogLevel::Error);
        QTest::newRow("60") << QByteArray("60") << int(LogLevel::Critical);
        QTest::newRow("\"50\"") << QByteArray("\"50\"") << int(LogLevel::Error);
        QTest::newRow("nonsense") << QByteArray("\"loud\"") << int(LogLevel::Unknown);
        QTest::newRow("null") << QByteArray("null") << int(LogLevel::Unknown);
    }

    void levelsInAnySpelling()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, level);
        QTemporaryDir dir;
        const QByteArray line = "{\"timestamp\": \"2026-01-03T15:30:00Z\", \"level\": " + value + ", \"agent\": \"a\"}\n";
        LogIndex index;
        LogIndex::Options o;
        o.format = LogFormat::Workbench;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("l.jsonl"), line), o));
        QCOMPARE(int(index.row(RowIndex(0)).level), level);
    }

    void foreignFormats_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("format");
        QTest::addColumn<qint64>("time");
        QTest::addColumn<int>("level");
        QTest::addColumn<QString>("agent");

        QTest::newRow("pino")
            << QByteArray("{\"level\":30,\"time\":1767454200123,\"pid\":7,\"hostname\":\"h\",\"name\":\"checkout\",\"msg\":\"hi\"}\n"
                          "{\"level\":50,\"time\":1767454201000,\"pid\":7,\"hostname\":\"h\",\"name\":\"checkout\",\"msg\":\"boom\"}\n")
            << int(LogFormat::Pino) << kT0 + 123 << int(LogLevel::Info) << QStringLiteral("checkout");
        QTest::newRow("bunyan")
            << QByteArray("{\"name\":\"orders\",\"hostname\":\"h\",\"pid\":1,\"level\":40,\"msg\":\"slow\",\"time\":\"2026-01-03T15:30:00.500Z\",\"v\":0}\n")
            << int(LogFormat::Bunyan) << kT0 + 500 << int(LogLevel::Warning) << QStringLiteral("orders");
        QTest::newRow("zap")
            << QByteArray("{\"level\":\"error\",\"ts\":1767454200.25,\"logger\":\"payments\",\"caller\":\"x.go:1\",\"msg\":\"failed\"}\n")
            << int(LogFormat::Zap) << kT0 + 250 << int(LogLevel::Error) << QStringLiteral("payments");
        QTest::newRow("structlog")
            << QByteArray("{\"event\": \"user logged in\", \"level\": \"info\", \"logger\": \"auth\", \"timestamp\": \"2026-01-03T15:30:00.000001Z\"}\n")
            << int(LogFormat::Structlog) << kT0 << int(LogLevel::Info) << QStringLiteral("auth");
        QTest::newRow("ecs nested")
            << QByteArray("{\"@timestamp\":\"2026-01-03T15:30:02.000Z\",\"log\":{\"level\":\"warn\",\"logger\":\"l\"},\"message\":\"m\",\"service\":{\"name\":\"inventory\"},\"ecs\":{\"version\":\"1.6.0\"}}\n")
            << int(LogFormat::Ecs) << kT0 + 2000 << int(LogLevel::Warning) << QStringLiteral("inventory");
        QTest::newRow("ecs dotted")
            << QByteArray("{\"@timestamp\":\"2026-01-03T15:30:02.000Z\",\"log.level\":\"error\",\"message\":\"m\",\"service.name\":\"inventory\",\"ecs.version\":\"1.6.0\"}\n")
            << int(LogFormat::Ecs) << kT0 + 2000 << int(LogLevel::Error) << QStringLiteral("inventory");
        QTest::newRow("clef")
            << QByteArray("{\"@t\":\"2026-01-03T15:30:03.0000000Z\",\"@mt\":\"Order {Id} placed\",\"@m\":\"Order 7 placed\",\"@l\":\"Warning\",\"Id\":7,\"SourceContext\":\"Shop.Orders\"}\n")
            << int(LogFormat::Clef) << kT0 + 3000 << int(LogLevel::Warning) << QStringLiteral("Shop.Orders");
        // Seq's rule: a CLEF event without @l is Information.
        QTest::newRow("clef without @l")
            << QByteArray("{\"@t\":\"2026-01-03T15:30:03.0000000Z\",\"@mt\":\"Order {Id} placed\",\"Id\":7,\"SourceContext\":\"Shop.Orders\"}\n")
            << int(LogFormat::Clef) << kT0 + 3000 << int(LogLevel::Info) << QStringLiteral("Shop.Orders");
    }

    void foreignFormats()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, format);
        QFETCH(qint64, time);
        QFETCH(int, level);
        QFETCH(QString, agent);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("f.json"), content);
        LogIndex index;
        QVERIFY(indexFile(index, path));
        QCOMPARE(int(index.mapping().format), format);
        const LogRow r = index.row(RowIndex(0));
        QCOMPARE(r.timestampMs, time);
        QCOMPARE(int(r.level), level);
        QCOMPARE(index.agentName(r.agentId), agent);
        QCOMPARE(index.stats().malformedLines, 0);

        // The override wins over detection.
        LogIndex forced;
        LogIndex::Options o;
        o.format = LogFormat::Workbench;
        QVERIFY(indexFile(forced, path, o));
        QVERIFY(forced.mapping().format == LogFormat::Workbench);
    }

    void followGrowingFile()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("g.jsonl"), seedLine(0) + "\n" + seedLine(1) + "\n");
        LogIndex index;
        LogIndex::Options o;
        o.follow = true;
        o.followIntervalMs = 3600 * 1000; // polled by hand below
        QVERIFY(indexFile(index, path, o));
        QCOMPARE(index.rowCount(), 2);
        QVERIFY(!index.poll()); // nothing new

        // A half-written line waits for its newline.
        const QByteArray third = seedLine(2);
        appendTo(path, third.left(30));
        index.poll();
        index.waitForFinished();
        QCOMPARE(index.rowCount(), 2);
        appendTo(path, third.mid(30) + "\n" + seedLine(3) + "\n");
        QVERIFY(index.poll());
        index.waitForFinished();
        QCOMPARE(index.rowCount(), 4);
        QCOMPARE(index.line(RowIndex(2)), third);
        QCOMPARE(index.row(RowIndex(3)).timestampMs, kT0 + 3000);
        QCOMPARE(index.stats().malformedLines, 0);

        // Truncated (copytruncate rotation): start again.
        QSignalSpy resets(&index, &LogIndex::reset);
        writeFile(dir, QStringLiteral("g.jsonl"), seedLine(9) + "\n");
        QVERIFY(index.poll());
        index.waitForFinished();
        QCOMPARE(resets.count(), 1);
        QCOMPARE(index.rowCount(), 1);
        QCOMPARE(index.row(RowIndex(0)).timestampMs, kT0 + 9000);
        const LogSnapshot old = index.snapshot();

        // Replaced by another file (rename rotation): a new inode.
        const QString other = writeFile(dir, QStringLiteral("next.jsonl"), seedLine(10) + "\n" + seedLine(11) + "\n" + seedLine(12) + "\n");
        QVERIFY(QFile::remove(path));
        QVERIFY(QFile::rename(other, path));
        QVERIFY(index.poll());
        index.waitForFinished();
        QCOMPARE(resets.count(), 2);
        QCOMPARE(index.rowCount(), 3);
        QCOMPARE(index.row(RowIndex(2)).timestampMs, kT0 + 12000);
        QCOMPARE(old.rowCount(), 1); // the snapshot of the replaced file stays readable
        QCOMPARE(old.line(RowIndex(0)), QByteArrayView(seedLine(9)));
    }

    void duplicateKeysLastOneWins()
    {
        // As jq and Python read them: the last occurrence of a key is its value.
        QTemporaryDir dir;
        const QByteArray content
            = R"({"timestamp": "2026-01-03T15:30:00Z", "level": "INFO", "agent": "a", "level": "ERROR", "agent": "b", "task_id": "t-1", "extra": {"event": "x"}, "extra": {"event": "y"}})"
              "\n"
              R"({"timestamp": "2026-01-03T15:30:00Z", "timestamp": "2026-01-03T15:30:05Z", "agent": "c", "extra": {"event": "x"}, "extra": {"n": 1}})"
              "\n";
        LogIndex index;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("dup.jsonl"), content)));
        const LogSnapshot snap = index.snapshot();
        QCOMPARE(snap.rowCount(), 2);
        QVERIFY(snap.row(RowIndex(0)).level == LogLevel::Error);
        QCOMPARE(snap.agentName(snap.row(RowIndex(0)).agentId), QStringLiteral("b"));
        QCOMPARE(snap.eventName(snap.row(RowIndex(0)).eventId), QStringLiteral("y"));
        QCOMPARE(snap.row(RowIndex(1)).timestampMs, kT0 + 5000);
        QCOMPARE(snap.row(RowIndex(1)).eventId, std::uint8_t(0)); // the second "extra" has no event
        QCOMPARE(index.stats().malformedLines, 0);
    }

    void objectThatDoesNotCloseIsMalformed()
    {
        // Every indexed key is found before the damage and the line ends with '}', yet the outer
        // object never closes: the scanner reads to the end and sees it.
        QTemporaryDir dir;
        const QByteArray cut = seedLine(1).chopped(1);
        LogIndex index;
        QVERIFY(indexFile(index, writeFile(dir, QStringLiteral("cut.jsonl"), seedLine(0) + "\n" + cut + "\n")));
        QVERIFY(cut.endsWith('}'));
        QCOMPARE(index.stats().malformedLines, 1);
        QVERIFY(index.row(RowIndex(1)).malformed());
        QVERIFY(!index.row(RowIndex(0)).malformed());
    }

    void fileShrinksWhileIndexed()
    {
        // copytruncate empties a log while it is indexed. Reading the vanished pages used to raise
        // SIGBUS; now the pass ends with the rows read before, and says so.
        QTemporaryDir dir;
        QByteArray block;
        for (int i = 0; i < 4096; ++i)
            block += seedLine(i) + '\n';
        const QString path = dir.filePath(QStringLiteral("big.jsonl"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            while (f.size() < (96 << 20))
                QCOMPARE(f.write(block), block.size());
        }
        const qint64 total = qint64(QFileInfo(path).size() / block.size()) * 4096;
        LogIndex index;
        LogIndex::Options o;
        o.threads = 1;
        o.chunkBytes = 1 << 20;
        QVERIFY(index.open(path, o));
        const bool raced = !index.isIndexing();
        QVERIFY(QFile::resize(path, 0));
        index.waitForFinished();
        const LogStats stats = index.stats();
        if (raced || (!stats.fileShrank && index.rowCount() == total))
            QSKIP("the file was indexed completely before it could be truncated");
        QVERIFY(stats.fileShrank);
        QVERIFY(!index.wasCancelled());
        QVERIFY(index.rowCount() < total);
        QCOMPARE(stats.malformedLines, 0); // no chunk that read zeros was kept
        QCOMPARE(stats.lines, index.rowCount());
    }

    void taskIdsInlineAndInterned()
    {
        // Ten prefixes (only eight are stored inline), non-canonical numbers and plain strings.
        QStringList tasks;
        for (int p = 0; p < 10; ++p)
            tasks << QStringLiteral("p%1-%2").arg(QChar(u'a' + p)).arg(p * 1000 + 7);
        tasks << QStringLiteral("req-007") << QStringLiteral("req-123456789") << QStringLiteral("job") << QStringLiteral("42")
              << QStringLiteral("req-0") << QString();
        QByteArray content;
        for (const QString& t : tasks)
            content += "{\"timestamp\": \"2026-01-03T15:30:00Z\", \"agent\": \"a\", \"task_id\": \"" + t.toUtf8() + "\", \"pad\": \"" + QByteArray(600, 'x') + "\"}\n";
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("tasks.jsonl"), content);
        for (qint64 chunk : {qint64(4096), qint64(1 << 20)}) {
            LogIndex index;
            LogIndex::Options o;
            o.chunkBytes = chunk;
            QVERIFY(indexFile(index, path, o));
            const LogSnapshot snap = index.snapshot();
            QCOMPARE(snap.rowCount(), qint64(tasks.size()));
            QVERIFY(chunk > 4096 || snap.chunks().size() > 1);
            for (int i = 0; i < tasks.size(); ++i) {
                const LogRow r = snap.row(RowIndex(i));
                QCOMPARE(snap.taskName(r.taskId), tasks[i]);
                QCOMPARE(snap.taskId(tasks[i].toUtf8()), std::optional<std::uint32_t>(r.taskId));
            }
            QVERIFY(!snap.taskId("p-unknown-1").has_value());
        }
    }

    void openErrors()
    {
        LogIndex index;
        QString error;
        QVERIFY(!index.open(QStringLiteral("/nonexistent/file.jsonl"), {}, &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/file.jsonl")));
        QTemporaryDir dir;
        QVERIFY(!index.open(dir.path(), {}, &error));
        QVERIFY(index.open(writeFile(dir, QStringLiteral("empty.jsonl"), {}), &error));
        index.waitForFinished();
        QCOMPARE(index.rowCount(), 0);
        QCOMPARE(index.stats().lines, 0);
    }
};

QTEST_GUILESS_MAIN(TestLogIndex)
#include "tst_logindex.moc"
