#include "core/log/logindex_p.h" // chunk boundaries, to know what a truncation leaves readable
#include "core/log/logquery.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace rwb;

namespace {

// 200 lines: agents a/b/c, levels cycling, delay_ms growing, some with escapes.
QByteArray sampleLog()
{
    static const char* levels[] = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
    static const char* agents[] = {"payments", "orders", "auth"};
    QByteArray out;
    for (int i = 0; i < 200; ++i) {
        const QByteArray msg = i % 10 == 0 ? QByteArray("connection reset by \\\"peer\\\"")
                                           : (i % 10 == 1 ? QByteArray("caf\\u00e9 timeout") : QByteArray("ok ") + QByteArray::number(i));
        out += QStringLiteral("{\"timestamp\": \"2026-01-03T15:%1:00.000+00:00\", \"level\": \"%2\", \"agent\": \"%3\", "
                              "\"task_id\": \"req-%4\", \"message\": \"%5\", \"extra\": {\"event\": \"%6\", \"delay_ms\": %7, "
                              "\"circuit\": \"%8\"}}\n")
                   .arg(30 + i / 10, 2, 10, QLatin1Char('0'))
                   .arg(QLatin1String(levels[i % 5]), QLatin1String(agents[i % 3]))
                   .arg(i / 2)
                   .arg(QString::fromUtf8(msg))
                   .arg(QLatin1String(i % 4 == 0 ? "retry_scheduled" : "attempt"))
                   .arg(i * 10)
                   .arg(QLatin1String(i % 2 ? "payments" : "search"))
                   .toUtf8();
    }
    out += "garbage line\n\n";
    return out;
}

struct Fixture {
    QTemporaryDir dir;
    LogIndex index;
    LogSnapshot snap;
    explicit Fixture(const QByteArray& content, qint64 chunkBytes = 2048)
    {
        const QString path = dir.filePath(QStringLiteral("q.jsonl"));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(content);
        f.close();
        LogIndex::Options o;
        o.chunkBytes = chunkBytes;
        index.open(path, o);
        index.waitForFinished();
        snap = index.snapshot();
    }
};

} // namespace

class TestLogQuery : public QObject {
    Q_OBJECT
private slots:
    void parsesValid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("empty") << QString() << QStringLiteral("*");
        QTest::newRow("blank") << QStringLiteral("   ") << QStringLiteral("*");
        QTest::newRow("level") << QStringLiteral("level>=WARN") << QStringLiteral("level>=\"WARNING\"");
        QTest::newRow("numeric level") << QStringLiteral("level = 50") << QStringLiteral("level=\"ERROR\"");
        QTest::newRow("and") << QStringLiteral("agent=payments and extra.delay_ms>1000")
                             << QStringLiteral("(agent=\"payments\" and extra.delay_ms>\"1000\")");
        QTest::newRow("precedence") << QStringLiteral("agent=x or agent=b and not level<INFO")
                                    << QString();
        QTest::newRow("or and") << QStringLiteral("agent=a or agent=b and level=ERROR")
                                << QStringLiteral("(agent=\"a\" or (agent=\"b\" and level=\"ERROR\"))");
        QTest::newRow("parens") << QStringLiteral("(agent=a or agent=b) and level=ERROR")
                                << QStringLiteral("((agent=\"a\" or agent=\"b\") and level=\"ERROR\")");
        QTest::newRow("not") << QStringLiteral("NOT extra.event=attempt") << QStringLiteral("not extra.event=\"attempt\"");
        QTest::newRow("bang") << QStringLiteral("!(agent=a)") << QStringLiteral("not agent=\"a\"");
        QTest::newRow("implicit and") << QStringLiteral("agent=a level>=ERROR")
                                      << QStringLiteral("(agent=\"a\" and level>=\"ERROR\")");
        QTest::newRow("symbols") << QStringLiteral("agent=a && level=INFO || agent=b")
                                 << QStringLiteral("((agent=\"a\" and level=\"INFO\") or agent=\"b\")");
        QTest::newRow("bare string") << QStringLiteral("\"connection reset\"") << QStringLiteral("line~\"connection reset\"");
        QTest::newRow("quoted value") << QStringLiteral("message~'it''s'") << QString();
        QTest::newRow("escape") << QStringLiteral("message=\"say \\\"hi\\\"\"") << QStringLiteral("message=\"say \\\"hi\\\"\"");
        QTest::newRow("regex") << QStringLiteral("message=~\"^retry .* gave up$\"") << QStringLiteral("message=~\"^retry .* gave up$\"");
        QTest::newRow("not regex") << QStringLiteral("task_id!=~req-1") << QStringLiteral("task_id!=~\"req-1\"");
        QTest::newRow("time") << QStringLiteral("timestamp>=\"2026-01-03T15:30\"") << QStringLiteral("timestamp>=\"2026-01-03T15:30\"");
        QTest::newRow("time bare") << QStringLiteral("time<2026-01-03T16:00:00Z") << QStringLiteral("timestamp<\"2026-01-03T16:00:00Z\"");
        QTest::newRow("contains colon") << QStringLiteral("message:timeout") << QStringLiteral("message~\"timeout\"");
        QTest::newRow("keywords any case") << QStringLiteral("agent=a AND agent=b Or agent=c")
                                           << QStringLiteral("((agent=\"a\" and agent=\"b\") or agent=\"c\")");
        QTest::newRow("nested extra") << QStringLiteral("extra.http.status>=500") << QStringLiteral("extra.http.status>=\"500\"");
        QTest::newRow("event") << QStringLiteral("event!=attempt") << QStringLiteral("event!=\"attempt\"");
    }

    void parsesValid()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        LogQueryError error;
        const auto q = LogQuery::parse(text, &error);
        QVERIFY2(q.has_value(), qPrintable(error.toString()));
        if (!canonical.isEmpty())
            QCOMPARE(q->toString(), canonical);
        QCOMPARE(q->text(), text);
    }

    void rejectsInvalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("unknown field") << QStringLiteral("level>=WARN and colour=red") << 17 << QStringLiteral("unknown field");
        QTest::newRow("missing value") << QStringLiteral("level>=") << 8 << QStringLiteral("expected a value");
        QTest::newRow("missing operator") << QStringLiteral("agent") << 6 << QStringLiteral("operator");
        QTest::newRow("bad operator") << QStringLiteral("agent ? x") << 7 << QStringLiteral("operator");
        QTest::newRow("bad level") << QStringLiteral("level>=LOUD") << 8 << QStringLiteral("unknown level");
        QTest::newRow("bad time") << QStringLiteral("timestamp>yesterday") << 11 << QStringLiteral("bad timestamp");
        QTest::newRow("unclosed paren") << QStringLiteral("(agent=a or agent=b") << 1 << QStringLiteral("unclosed");
        QTest::newRow("extra paren") << QStringLiteral("agent=a)") << 8 << QStringLiteral("unbalanced");
        QTest::newRow("unterminated") << QStringLiteral("message~\"abc") << 9 << QStringLiteral("unterminated");
        QTest::newRow("dangling and") << QStringLiteral("agent=a and") << 12 << QStringLiteral("expected a condition");
        QTest::newRow("leading or") << QStringLiteral("or agent=a") << 1 << QStringLiteral("unknown field");
        QTest::newRow("bad regex") << QStringLiteral("message=~\"(unclosed\"") << 10 << QStringLiteral("regular expression");
        QTest::newRow("level contains") << QStringLiteral("level~WARN") << 6 << QStringLiteral("level is compared");
        QTest::newRow("ordered line") << QStringLiteral("line>abc") << 5 << QStringLiteral("line is compared");
        QTest::newRow("empty extra") << QStringLiteral("extra.=1") << 1 << QStringLiteral("unknown field");
        QTest::newRow("symbol start") << QStringLiteral("agent=a and =b") << 13 << QStringLiteral("expected a field");
        QTest::newRow("empty parens") << QStringLiteral("()") << 2 << QStringLiteral("expected a field");
    }

    void rejectsInvalid()
    {
        QFETCH(QString, text);
        QFETCH(int, column);
        QFETCH(QString, fragment);
        LogQueryError error;
        QVERIFY(!LogQuery::parse(text, &error).has_value());
        QVERIFY2(error.message.contains(fragment), qPrintable(error.toString()));
        QCOMPARE(error.column, column);
        QVERIFY(error.toString().startsWith(QStringLiteral("column %1: ").arg(column)));
    }

    void evaluates_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("expected");
        // 200 event lines + 1 malformed + 1 blank
        QTest::newRow("all") << QString() << 202;
        QTest::newRow("level>=ERROR") << QStringLiteral("level>=ERROR") << 80;
        QTest::newRow("level=WARNING") << QStringLiteral("level=warning") << 40;
        QTest::newRow("level<INFO") << QStringLiteral("level<INFO") << 40; // unknown levels never compare
        QTest::newRow("level!=INFO") << QStringLiteral("level!=INFO") << 162;
        QTest::newRow("agent") << QStringLiteral("agent=payments") << 67;
        QTest::newRow("agent missing") << QStringLiteral("agent=nobody") << 0;
        QTest::newRow("agent not missing") << QStringLiteral("agent!=nobody") << 202;
        QTest::newRow("agent contains") << QStringLiteral("agent~ay") << 67;
        QTest::newRow("agent regex") << QStringLiteral("agent=~\"^(auth|orders)$\"") << 133;
        QTest::newRow("task") << QStringLiteral("task_id=req-7") << 2;
        QTest::newRow("task ordered") << QStringLiteral("task_id<req-2") << 24; // req-0,1,10..19,100..199 lexicographic
        QTest::newRow("agent and delay") << QStringLiteral("agent=payments and extra.delay_ms>1000") << 33;
        QTest::newRow("delay") << QStringLiteral("extra.delay_ms>=1500") << 50;
        QTest::newRow("delay eq") << QStringLiteral("extra.delay_ms=100") << 1;
        QTest::newRow("circuit") << QStringLiteral("extra.circuit=payments") << 100;
        QTest::newRow("event column") << QStringLiteral("extra.event=retry_scheduled") << 50;
        QTest::newRow("event alias") << QStringLiteral("event!=retry_scheduled") << 152;
        QTest::newRow("missing extra") << QStringLiteral("extra.nothing=1") << 0;
        QTest::newRow("missing extra ne") << QStringLiteral("extra.nothing!=1") << 202;
        QTest::newRow("substring") << QStringLiteral("\"connection reset\"") << 20;
        QTest::newRow("message contains") << QStringLiteral("message~\"timeout\"") << 20;
        QTest::newRow("message escaped unicode") << QString::fromUtf16(u"message~\"café\"") << 20;
        QTest::newRow("message escaped quote") << QStringLiteral("message~'\"peer\"'") << 20;
        QTest::newRow("message equals") << QStringLiteral("message=\"ok 2\"") << 1;
        QTest::newRow("message regex") << QStringLiteral("message=~\"^ok 1[0-9]$\"") << 8;
        QTest::newRow("message not contains") << QStringLiteral("message!~ok") << 42;
        QTest::newRow("time range") << QStringLiteral("timestamp>=\"2026-01-03T15:40\" and timestamp<\"2026-01-03T15:45\"") << 50;
        QTest::newRow("or") << QStringLiteral("agent=auth or level=CRITICAL") << 93;
        QTest::newRow("not") << QStringLiteral("not agent=auth") << 136;
        QTest::newRow("nested") << QStringLiteral("(agent=auth or agent=orders) and not (level>=ERROR or extra.delay_ms<100)") << 76;
        QTest::newRow("line contains") << QStringLiteral("line~garbage") << 1;
        QTest::newRow("across lines") << QStringLiteral("\"}}\\ngarbage\"") << 0;
        QTest::newRow("not across lines") << QStringLiteral("line!~\"}\\n{\"") << 202;
        QTest::newRow("numbers as text") << QStringLiteral("extra.circuit>s") << 100;
    }

    void evaluates()
    {
        QFETCH(QString, text);
        QFETCH(int, expected);
        static Fixture fx(sampleLog());
        QCOMPARE(fx.snap.rowCount(), 202);
        LogQueryError error;
        const auto q = LogQuery::parse(text, &error);
        QVERIFY2(q.has_value(), qPrintable(error.toString()));
        const auto rows = q->evaluate(fx.snap);
        QCOMPARE(int(rows.size()), expected);
        QCOMPARE(q->count(fx.snap), qint64(expected));
        QVERIFY(std::is_sorted(rows.begin(), rows.end()));
        // Row-by-row evaluation agrees with the bulk one.
        std::vector<qint64> single;
        for (qint64 i = 0; i < fx.snap.rowCount(); ++i)
            if (q->matches(fx.snap, RowIndex(i)))
                single.push_back(i);
        QCOMPARE(single, rows);
        // So does a single-threaded run over one big chunk.
        static Fixture one(sampleLog(), 1 << 20);
        LogQueryControl control;
        control.threads = 1;
        QCOMPARE(int(q->evaluate(one.snap, control).size()), expected);
    }

    void foreignExtraIsTopLevel()
    {
        Fixture fx("{\"level\":30,\"time\":1767454200000,\"name\":\"svc\",\"msg\":\"slow\",\"elapsed\":1500,\"pid\":1}\n"
                   "{\"level\":50,\"time\":1767454201000,\"name\":\"svc\",\"msg\":\"boom\",\"elapsed\":20,\"pid\":1}\n");
        QVERIFY(fx.snap.mapping().format == LogFormat::Pino);
        auto q = LogQuery::parse(QStringLiteral("extra.elapsed>1000"));
        QCOMPARE(q->count(fx.snap), 1);
        q = LogQuery::parse(QStringLiteral("level>=ERROR and message=boom and agent=svc"));
        QCOMPARE(q->evaluate(fx.snap), std::vector<qint64> {1});
    }

    void deepNestingIsAnErrorNotACrash_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("column");
        // The inputs of the bug report: both overflowed the parser's stack (SIGSEGV).
        QTest::newRow("12000 (") << QString(12000, QLatin1Char('(')) << LogQuery::kMaxNesting + 1;
        QTest::newRow("50000 !") << QString(50000, QLatin1Char('!')) + QStringLiteral("agent=a") << LogQuery::kMaxNesting + 1;
        QTest::newRow("50000 not") << QStringLiteral("not ").repeated(50000) + QStringLiteral("agent=a")
                                   << 4 * LogQuery::kMaxNesting + 1;
        QTest::newRow("mixed") << QStringLiteral("(!").repeated(60) + QStringLiteral("agent=a") << LogQuery::kMaxNesting + 1;
    }

    void deepNestingIsAnErrorNotACrash()
    {
        QFETCH(QString, text);
        QFETCH(int, column);
        LogQueryError error;
        QVERIFY(!LogQuery::parse(text, &error).has_value());
        QCOMPARE(error.column, column);
        QVERIFY2(error.message.contains(QStringLiteral("nested deeper than 100")), qPrintable(error.message));
    }

    void canonicalFormStaysWithinTheLimit()
    {
        // The canonical text puts every and/or in parentheses: 'a or b and <not x n>' prints as
        // '(a or (b and not ... x))'. Whatever parses, its canonical text parses too.
        for (int nots = LogQuery::kMaxNesting - 4; nots <= LogQuery::kMaxNesting; ++nots) {
            const QString text = QStringLiteral("agent=a or agent=b and ") + QStringLiteral("not ").repeated(nots)
                + QStringLiteral("agent=c");
            LogQueryError error;
            const auto q = LogQuery::parse(text, &error);
            QCOMPARE(q.has_value(), nots + 2 <= LogQuery::kMaxNesting);
            if (!q) {
                QVERIFY(error.message.contains(QStringLiteral("nested deeper")));
                continue;
            }
            const auto again = LogQuery::parse(q->toString(), &error);
            QVERIFY2(again.has_value(), qPrintable(error.toString()));
            QCOMPARE(again->toString(), q->toString());
        }
    }

    void nestingUpToTheLimitWorks()
    {
        static Fixture fx(sampleLog());
        const int depth = LogQuery::kMaxNesting;
        const QString text = QString(depth, QLatin1Char('(')) + QStringLiteral("agent=auth") + QString(depth, QLatin1Char(')'));
        auto q = LogQuery::parse(text);
        QVERIFY(q.has_value());
        QCOMPARE(q->count(fx.snap), 66);
        QString nots = QStringLiteral("not ").repeated(depth) + QStringLiteral("agent=auth"); // an even number
        q = LogQuery::parse(nots);
        QVERIFY(q.has_value());
        QCOMPARE(q->count(fx.snap), 66);
        QCOMPARE(LogQuery::parse(q->toString())->toString(), q->toString());
    }

    void longChainsStayFlat()
    {
        // 50,000 conditions side by side (and) or joined by 'or': the tree is one node wide, so
        // evaluation, printing and destruction do not recurse per condition.
        static Fixture fx(sampleLog());
        QString chain = QStringLiteral("\"ok\" ").repeated(50000);
        auto q = LogQuery::parse(chain);
        QVERIFY(q.has_value());
        QCOMPARE(q->count(fx.snap), 160);
        QCOMPARE(LogQuery::parse(q->toString())->toString(), q->toString());
        QString anyAgent = QStringLiteral("agent=nobody or ").repeated(50000) + QStringLiteral("agent=auth");
        q = LogQuery::parse(anyAgent);
        QVERIFY(q.has_value());
        QCOMPARE(q->count(fx.snap), 66);
        QVERIFY(q->matches(fx.snap, RowIndex(2)));
        q = LogQuery::parse(QStringLiteral("(agent=a and agent=b) and (agent=c and (agent=d))"));
        QCOMPARE(q->toString(), QStringLiteral("(agent=\"a\" and agent=\"b\" and agent=\"c\" and agent=\"d\")"));
    }

    void malformedLinesMatchOnlyNegativeOperators_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<qint64>>("rows");
        // Row 0 well-formed ERROR, row 1 a line cut after its message (no closing brace), row 2 blank,
        // row 3 the last line of the file, half written.
        QTest::newRow("level") << QStringLiteral("level>=ERROR") << QList<qint64> {0};
        QTest::newRow("level ne") << QStringLiteral("level!=INFO") << QList<qint64> {0, 1, 2, 3};
        QTest::newRow("agent") << QStringLiteral("agent=pay") << QList<qint64> {0};
        QTest::newRow("agent ne") << QStringLiteral("agent!=pay") << QList<qint64> {1, 2, 3};
        QTest::newRow("task") << QStringLiteral("task_id=req-1") << QList<qint64> {0};
        QTest::newRow("time") << QStringLiteral("timestamp>=2026-01-01") << QList<qint64> {0};
        QTest::newRow("event") << QStringLiteral("event=attempt") << QList<qint64> {0};
        QTest::newRow("message") << QStringLiteral("message~cut") << QList<qint64> {};
        QTest::newRow("message trunc") << QStringLiteral("message~trunc") << QList<qint64> {};
        QTest::newRow("message not") << QStringLiteral("message!~zzz") << QList<qint64> {0, 1, 2, 3};
        QTest::newRow("message regex not") << QStringLiteral("message!=~cut") << QList<qint64> {0, 1, 2, 3};
        QTest::newRow("extra") << QStringLiteral("extra.delay_ms>0") << QList<qint64> {0};
        QTest::newRow("not level") << QStringLiteral("not level>=ERROR") << QList<qint64> {1, 2, 3};
        QTest::newRow("line") << QStringLiteral("\"trunc\"") << QList<qint64> {3};
        QTest::newRow("line cut") << QStringLiteral("line~cut") << QList<qint64> {1};
    }

    void malformedLinesMatchOnlyNegativeOperators()
    {
        QFETCH(QString, text);
        QFETCH(QList<qint64>, rows);
        static Fixture fx("{\"timestamp\": \"2026-01-03T15:30:00.000Z\", \"level\": \"ERROR\", \"agent\": \"pay\", "
                          "\"task_id\": \"req-1\", \"message\": \"boom\", \"extra\": {\"event\": \"attempt\", \"delay_ms\": 5}}\n"
                          "{\"timestamp\": \"2026-01-03T15:30:01.000Z\", \"level\": \"CRITICAL\", \"agent\": \"pay\", "
                          "\"task_id\": \"req-1\", \"message\": \"cut\", \"extra\": {\"event\": \"attempt\", \"delay_ms\": 5}\n"
                          "\n"
                          "{\"level\": \"ERROR\", \"message\": \"trunc");
        QCOMPARE(fx.snap.rowCount(), 4);
        QVERIFY(fx.snap.row(RowIndex(1)).malformed());
        QVERIFY(fx.snap.row(RowIndex(3)).malformed());
        const auto q = LogQuery::parse(text);
        QVERIFY(q.has_value());
        const std::vector<qint64> result = q->evaluate(fx.snap);
        QCOMPARE(QList<qint64>(result.begin(), result.end()), rows);
        for (qint64 i = 0; i < 4; ++i)
            QCOMPARE(q->matches(fx.snap, RowIndex(i)), rows.contains(i));
    }

    void fileShrinksUnderTheQuery()
    {
        // The file is truncated after indexing, while a query reads it: the query must end with the
        // matches among the rows read before the vanished pages, and say so (it used to die of SIGBUS).
        QByteArray content;
        while (content.size() < 256 * 1024)
            content += sampleLog();
        Fixture fx(content, 4096);
        const qint64 keep = 64 * 1024; // page aligned: pages from here on are gone
        // Chunks that end within `keep` are still the file; the one across it is not trusted.
        auto rowsWithin = [&fx](qint64 bytes) {
            qint64 rows = 0;
            for (const auto& chunk : fx.snap.chunks())
                if (chunk->end <= bytes)
                    rows = chunk->firstRow + qint64(chunk->size());
            return rows;
        };
        const qint64 readable = rowsWithin(keep);
        QVERIFY(readable > 0 && readable < fx.snap.rowCount());
        QVERIFY(QFile::resize(fx.index.path(), keep));

        const auto q = LogQuery::parse(QStringLiteral("line~timestamp or line~garbage"));
        auto matchingRows = [&fx](qint64 rows) {
            qint64 n = 0;
            for (qint64 i = 0; i < rows; ++i)
                n += !fx.snap.row(RowIndex(i)).blank();
            return n;
        };
        LogQueryOutcome outcome;
        LogQueryControl control;
        control.threads = 1;
        control.outcome = &outcome;
        QCOMPARE(q->count(fx.snap, control), matchingRows(readable));
        QVERIFY(outcome.fileShrank);
        QCOMPARE(outcome.rowsScanned, readable);
        QVERIFY(fx.snap.fileShrank());
        QVERIFY(fx.snap.intactBytes() <= keep);

        // Pages read past the end are zeros now, so a second pass trusts up to the page before.
        const auto rows = q->evaluate(fx.snap, control);
        QVERIFY(outcome.fileShrank);
        QVERIFY(outcome.rowsScanned >= rowsWithin(keep - 4096) && outcome.rowsScanned <= readable);
        QCOMPARE(qint64(rows.size()), matchingRows(outcome.rowsScanned));
        QVERIFY(rows.back() < outcome.rowsScanned);

        // Truncated to nothing: nothing can be read, nothing is claimed.
        QVERIFY(QFile::resize(fx.index.path(), 0));
        QCOMPARE(q->count(fx.snap, control), 0);
        QCOMPARE(outcome.rowsScanned, 0);
        QVERIFY(outcome.fileShrank);
    }

    void duplicateKeysLastOneWins()
    {
        Fixture fx("{\"timestamp\": \"2026-01-03T15:30:00Z\", \"message\": \"first\", \"message\": \"second\", "
                   "\"extra\": {\"n\": 1, \"n\": 2}}\n");
        QCOMPARE(LogQuery::parse(QStringLiteral("message=second"))->count(fx.snap), 1);
        QCOMPARE(LogQuery::parse(QStringLiteral("message=first"))->count(fx.snap), 0);
        QCOMPARE(LogQuery::parse(QStringLiteral("extra.n=2"))->count(fx.snap), 1);
        QCOMPARE(LogQuery::parse(QStringLiteral("extra.n=1"))->count(fx.snap), 0);
    }

    void clefMessageFallsBackToTheTemplate()
    {
        Fixture fx("{\"@t\":\"2026-01-03T15:30:00Z\",\"@mt\":\"User {Name} signed in\",\"Name\":\"ada\"}\n"
                   "{\"@t\":\"2026-01-03T15:30:01Z\",\"@mt\":\"Disk {Pct} full\",\"@m\":\"Disk 93 full\",\"@l\":\"Warning\"}\n"
                   "{\"@t\":\"2026-01-03T15:30:02Z\",\"@m\":\"plain\",\"@l\":\"Error\"}\n");
        QVERIFY(fx.snap.mapping().format == LogFormat::Clef);
        QCOMPARE(LogQuery::parse(QStringLiteral("message~\"signed in\""))->evaluate(fx.snap), std::vector<qint64> {0});
        QCOMPARE(LogQuery::parse(QStringLiteral("message~93"))->evaluate(fx.snap), std::vector<qint64> {1});
        QCOMPARE(LogQuery::parse(QStringLiteral("message~Pct"))->count(fx.snap), 0); // @m wins when present
        QCOMPARE(LogQuery::parse(QStringLiteral("message!=x"))->count(fx.snap), 3);
        QCOMPARE(LogQuery::parse(QStringLiteral("level=INFO"))->evaluate(fx.snap), std::vector<qint64> {0});
        QCOMPARE(LogQuery::parse(QStringLiteral("level>=WARNING"))->count(fx.snap), 2);
    }

    void progressAndCancel()
    {
        Fixture fx(sampleLog(), 512);
        QVERIFY(fx.snap.chunks().size() > 5);
        const auto q = LogQuery::parse(QStringLiteral("message~ok"));
        double last = 0;
        int calls = 0;
        LogQueryControl control;
        control.progress = [&](double p) {
            QVERIFY(p >= last);
            last = p;
            ++calls;
        };
        control.threads = 1;
        QCOMPARE(q->count(fx.snap, control), 160);
        QVERIFY(calls > 0);
        QCOMPARE(last, 1.0);

        std::atomic_bool cancel {true};
        LogQueryControl cancelled;
        cancelled.cancel = &cancel;
        QVERIFY(q->evaluate(fx.snap, cancelled).empty());
    }
};

QTEST_GUILESS_MAIN(TestLogQuery)
#include "tst_logquery.moc"
