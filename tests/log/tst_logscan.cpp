// The one-shot scanner against the full index: the same queries over the same awkward file must give
// the same lines, in every reading mode (pread, map, tiny blocks, streamed in odd pieces).
#include "core/log/logindex.h"
#include "core/log/logquery.h"
#include "core/log/logscan.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {

/// Workbench lines with every kind of trouble a real log has.
QByteArray awkwardLog(bool bom, bool finalNewline)
{
    static const char* levels[] = { "DEBUG", "info", "WARNING", "Error", "CRITICAL", "warn", "fatal" };
    static const char* agents[] = { "payments", "orders", "auth", "caf\xC3\xA9" };
    QByteArray out = bom ? QByteArray("\xEF\xBB\xBF") : QByteArray();
    for (int i = 0; i < 400; ++i) {
        QByteArray msg;
        switch (i % 9) {
        case 0:
            msg = "connection reset by \\\"peer\\\"";
            break;
        case 1:
            msg = "caf\\u00e9 timeout";
            break;
        case 2:
            msg = "timeout after 1000 ms";
            break;
        case 3:
            msg = "\xE2\x9C\x93 retry gave up";
            break;
        default:
            msg = "ok " + QByteArray::number(i);
        }
        QByteArray line = "{\"timestamp\": \"2026-01-03T15:" + QByteArray::number(10 + i / 10) + ":00.000+00:00\", "
            + "\"level\": \"" + levels[i % 7] + "\", \"agent\": \"" + agents[i % 4] + "\", \"task_id\": \"req-"
            + QByteArray::number(i / 3) + "\", \"message\": \"" + msg + "\", \"extra\": {\"event\": \""
            + (i % 4 == 0 ? "retry_scheduled" : "attempt") + "\", \"delay_ms\": " + QByteArray::number(i * 10)
            + ", \"circuit\": \"" + (i % 2 ? "payments" : "search") + "\"}}";
        if (i % 13 == 0)
            line += '\r'; // CRLF
        out += line + '\n';
        switch (i % 50) {
        case 5:
            out += "\n   \n"; // blank lines
            break;
        case 6:
            out += "garbage ERROR payments timeout\n"; // malformed, holds the literals
            break;
        case 7:
            out += "{\"timestamp\": \"2026-01-03T15:40:00Z\", \"level\": \"ERROR\", \"agent\": \"pay\\u006dents\"}\n";
            break;
        case 8:
            out += "{\"level\": 50, \"message\": \"pino-style numeric level\", \"extra\": {\"level\": \"INFO\"}}\n";
            break;
        case 9:
            out += "{\"level\": \"INFO\", \"level\": \"ERROR\", \"agent\": \"orders\"}\n"; // duplicate key: last wins
            break;
        case 10:
            out += "{\"level\": \"ERROR\", \"message\": \"bad \xFF\xFE utf-8 timeout\"}\n"; // invalid UTF-8
            break;
        case 11:
            out += "{\"level\": \"ERROR\", \"message\": \"unterminated\n"; // malformed, no closing brace
            break;
        case 12:
            out += "{\"message\": \"" + QByteArray(70000, 'x') + " timeout\", \"level\": \"WARNING\"}\n"; // long
            break;
        default:
            break;
        }
    }
    out += "{\"level\": \"ERROR\", \"message\": \"the last line\", \"extra\": {\"delay_ms\": 1e3}}";
    if (finalNewline)
        out += '\n';
    return out;
}

const char* const kQueries[] = {
    "",
    "level>=ERROR",
    "level=WARNING",
    "level!=INFO",
    "level<INFO",
    "level<=debug",
    "level>60",
    "agent=payments",
    "agent!=payments",
    "agent~pay",
    "agent!~pay",
    "agent=~\"^caf\"",
    "agent=\"caf\xC3\xA9\"",
    "agent>m",
    "task_id=req-7",
    "task_id~\"-1\"",
    "task_id>=req-50",
    "message~timeout",
    "message!~timeout",
    "message=\"the last line\"",
    "message~\"\\\"peer\\\"\"",
    "message~\"caf\xC3\xA9\"",
    "message=~\"^\xE2\x9C\x93\"",
    "message!=~retry",
    "message>ok",
    "timestamp>=\"2026-01-03T15:20\"",
    "timestamp<\"2026-01-03T15:15\"",
    "timestamp!=\"2026-01-03T15:40:00Z\"",
    "event=retry_scheduled",
    "event!=attempt",
    "extra.event~retry",
    "extra.delay_ms>1000",
    "extra.delay_ms=1000",
    "extra.delay_ms<=30",
    "extra.delay_ms!=0",
    "extra.circuit=payments",
    "extra.missing=1",
    "extra.missing!=1",
    "extra.level=INFO",
    "line~\"garbage\"",
    "line=\"\"",
    "line!~ERROR",
    "line=~\"\\\\r$\"",
    "\"timeout\"",
    "\"ERROR\"",
    "level>=ERROR and agent=payments",
    "level>=ERROR or message~timeout",
    "agent=payments or agent=orders",
    "(agent=payments or extra.circuit=search) and not level=DEBUG",
    "not (message~timeout or \"garbage\")",
    "message~timeout and extra.delay_ms>100 and agent!=auth",
};

QByteArray indexResult(const QString& path, const LogQuery& query, qint64* count)
{
    LogIndex index;
    if (!index.open(path))
        return "(cannot open)";
    index.waitForFinished();
    const LogSnapshot snap = index.snapshot();
    *count = query.count(snap);
    QByteArray out;
    for (qint64 r : query.evaluate(snap)) {
        const QByteArrayView line = snap.line(RowIndex(r));
        out.append(line.data(), line.size());
        out.append('\n');
    }
    return out;
}

QByteArray scanResult(const QString& path, const LogQuery& query, LogScan::Options options, LogScanResult* result)
{
    QByteArray out;
    QString error;
    if (!LogScan::scanFile(
            path, query, options,
            [&out](QByteArrayView lines) {
                out.append(lines.data(), lines.size());
                return true;
            },
            result, &error))
        return error.toUtf8();
    return out;
}

} // namespace

class TestLogScan : public QObject {
    Q_OBJECT
private slots:
    void sameAsIndex_data()
    {
        QTest::addColumn<bool>("bom");
        QTest::addColumn<bool>("finalNewline");
        QTest::newRow("plain") << false << true;
        QTest::newRow("bom, no final newline") << true << false;
    }

    void sameAsIndex()
    {
        QFETCH(bool, bom);
        QFETCH(bool, finalNewline);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("awkward.jsonl"));
        const QByteArray content = awkwardLog(bom, finalNewline);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        for (const char* text : kQueries) {
            const auto query = LogQuery::parse(QString::fromUtf8(text));
            QVERIFY2(query, text);
            qint64 expectedCount = -1;
            const QByteArray expected = indexResult(path, *query, &expectedCount);
            QVERIFY2(expectedCount >= 0, text);

            // Tiny blocks (lines across block ends, a 70 KB line over many blocks) read and mapped; one block.
            const std::pair<qint64, bool> modes[] = { { 4096, false }, { 4096, true }, { 16 << 20, false } };
            for (const auto& [block, map] : modes) {
                LogScan::Options o;
                o.blockBytes = block;
                o.useMap = map;
                o.threads = 2;
                LogScanResult r;
                const QByteArray got = scanResult(path, *query, o, &r);
                const QByteArray where
                    = QByteArray(text) + " (block " + QByteArray::number(block) + (map ? ", map)" : ", pread)");
                QVERIFY2(got == expected, where.constData());
                QVERIFY2(r.matches == expectedCount, where.constData());
                QVERIFY(!r.fileShrank);
            }
            LogScan::Options countOnly;
            countOnly.blockBytes = 4096;
            countOnly.countOnly = true;
            LogScanResult counted;
            QVERIFY(scanResult(path, *query, countOnly, &counted).isEmpty());
            QVERIFY2(counted.matches == expectedCount, text);

            // Streamed in odd pieces, as standard input arrives.
            QRandomGenerator rng(42);
            QByteArray streamed;
            LogLineFilter filter(*query, LogFormat::Auto, [&streamed](QByteArrayView lines) {
                streamed.append(lines.data(), lines.size());
                return true;
            });
            // The mapping is detected from the first piece: give it the 64 KB LogIndex looks at.
            qsizetype at = std::min<qsizetype>(content.size(), 64 * 1024 + 3);
            QVERIFY(filter.feed(QByteArrayView(content).first(at)));
            while (at < content.size()) {
                const qsizetype n = std::min<qsizetype>(content.size() - at, 1 + rng.bounded(9000));
                QVERIFY(filter.feed(QByteArrayView(content).sliced(at, n)));
                at += n;
            }
            QVERIFY(filter.finish());
            QVERIFY2(streamed == expected, text);
            QCOMPARE(filter.matches(), expectedCount);
        }
    }

    void otherDialectsSameAsIndex_data()
    {
        QTest::addColumn<QByteArray>("content");
        // CLEF: a line without @l is Information, so a level filter must not skip lines without the key.
        QTest::newRow("clef") << QByteArray(
            "{\"@t\":\"2026-01-03T15:30:00Z\",\"@mt\":\"User {Name} signed in\"}\n"
            "{\"@t\":\"2026-01-03T15:30:01Z\",\"@m\":\"Disk full\",\"@l\":\"Warning\"}\n"
            "{\"@t\":\"2026-01-03T15:30:02Z\",\"@m\":\"x\",\"@l\":\"Error\",\"@l\":\"Debug\"}\n"
            "{\"@t\":\"2026-01-03T15:30:03Z\",\"@m\":\"y\",\"Inner\":{\"@l\":\"Fatal\"}}\n"
            "{\"@t\":\"2026-01-03T15:30:04Z\",\"@m\":\"z\",\"@l\" : \"error\"}\n");
        // pino: numeric levels.
        QTest::newRow("pino") << QByteArray(
            "{\"level\":30,\"time\":1767454200000,\"msg\":\"hello\",\"name\":\"api\"}\n"
            "{\"level\":50,\"time\":1767454201000,\"msg\":\"boom\",\"name\":\"api\"}\n"
            "{\"level\":\"60\",\"time\":1767454202000,\"msg\":\"fatal\",\"name\":\"db\"}\n"
            "{\"time\":1767454203000,\"msg\":\"no level\",\"name\":\"db\"}\n");
    }

    void otherDialectsSameAsIndex()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("dialect.jsonl"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        for (const char* text : { "level=INFO", "level>=WARNING", "level<=INFO", "level>=ERROR", "level=CRITICAL",
                 "level!=INFO", "level>=ERROR or message~x", "agent=api and level>=ERROR" }) {
            const auto query = LogQuery::parse(QString::fromUtf8(text));
            QVERIFY2(query, text);
            qint64 expectedCount = -1;
            const QByteArray expected = indexResult(path, *query, &expectedCount);
            LogScanResult r;
            QVERIFY2(scanResult(path, *query, {}, &r) == expected, text);
            QCOMPARE(r.matches, expectedCount);
        }
    }

    void levelPrefilterParsesOnlyCandidates()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("l.jsonl"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 1000; ++i)
                f.write("{\"level\": \"" + QByteArray(i % 50 ? "INFO" : "error") + "\", \"message\": \"m\"}\n");
        }
        const auto query = LogQuery::parse(QStringLiteral("level>=ERROR"));
        QCOMPARE(query->requiredLevels(), std::uint8_t((1u << int(LogLevel::Error)) | (1u << int(LogLevel::Critical))));
        LogScan::Options o;
        o.countOnly = true;
        LogScanResult r;
        QVERIFY(LogScan::scanFile(path, *query, o, {}, &r));
        QCOMPARE(r.matches, 20);
        QCOMPARE(r.candidates, 20);
    }

    void prefilterSkipsLinesWithoutTheLiteral()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.jsonl"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 1000; ++i)
                f.write("{\"level\": \"INFO\", \"agent\": \"" + QByteArray(i % 100 ? "orders" : "payments")
                    + "\", \"message\": \"m\"}\n");
        }
        const auto query = LogQuery::parse(QStringLiteral("agent=payments"));
        QVERIFY(query);
        QCOMPARE(query->requiredLiterals(FieldMapping::forFormat(LogFormat::Workbench)),
            std::vector<QByteArray> { QByteArray("payments") });
        LogScan::Options o;
        o.countOnly = true;
        LogScanResult r;
        QVERIFY(LogScan::scanFile(path, *query, o, {}, &r));
        QCOMPARE(r.matches, 10);
        QCOMPARE(r.candidates, 10); // only the lines holding the literal were parsed

        // No literal a match must contain (a negation): every line is a candidate.
        const auto negated = LogQuery::parse(QStringLiteral("not agent=payments"));
        QVERIFY(negated->requiredLiterals(FieldMapping::forFormat(LogFormat::Workbench)).empty());
        QVERIFY(LogScan::scanFile(path, *negated, o, {}, &r));
        QCOMPARE(r.matches, 990);
        QCOMPARE(r.candidates, 1000);
    }

    void sinkCanStopTheScan()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.jsonl"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 20000; ++i)
                f.write("{\"level\": \"ERROR\", \"message\": \"line " + QByteArray::number(i) + "\"}\n");
        }
        const auto query = LogQuery::parse(QStringLiteral("level>=ERROR"));
        LogScan::Options o;
        o.blockBytes = 4096;
        int calls = 0;
        LogScanResult r;
        QVERIFY(LogScan::scanFile(
            path, *query, o, [&calls](QByteArrayView) { return ++calls < 3; }, &r));
        QCOMPARE(calls, 3);
        QVERIFY(r.matches < 20000);
    }

    void missingFileIsAnError()
    {
        QTemporaryDir dir;
        QString error;
        LogScanResult r;
        const QString path = dir.filePath(QStringLiteral("nope.jsonl"));
        QVERIFY(!LogScan::scanFile(path, LogQuery(), {}, {}, &r, &error));
        QVERIFY2(error.startsWith(path), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestLogScan)
#include "tst_logscan.moc"
