// How a log line reads as text in `rwb logs query --format csv|table` and the GUI's CSV export.
#include "core/log/logindex.h"
#include "core/log/logrowtext.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {

bool indexText(LogIndex& index, const QTemporaryDir& dir, const QByteArray& content)
{
    const QString path = dir.filePath(QStringLiteral("log.jsonl"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return false;
    f.close();
    QString error;
    if (!index.open(path, {}, &error))
        return false;
    index.waitForFinished();
    return true;
}

} // namespace

class TestLogRowText : public QObject {
    Q_OBJECT
private slots:
    void csvFieldsQuoteOnlyWhatNeedsIt_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("field");
        QTest::newRow("plain") << QByteArray("retry scheduled") << QByteArray("retry scheduled");
        QTest::newRow("comma") << QByteArray("a,b") << QByteArray("\"a,b\"");
        QTest::newRow("quote") << QByteArray("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
        QTest::newRow("newline") << QByteArray("two\nlines") << QByteArray("\"two\nlines\"");
        QTest::newRow("carriage return") << QByteArray("cr\r") << QByteArray("\"cr\r\"");
        QTest::newRow("empty") << QByteArray() << QByteArray();
    }
    void csvFieldsQuoteOnlyWhatNeedsIt()
    {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, field);
        QCOMPARE(logrowtext::csvField(value), field);
    }

    void rowsOfTheWorkbenchFormat()
    {
        QTemporaryDir dir;
        LogIndex index;
        QVERIFY(indexText(index, dir,
            "{\"timestamp\": \"2026-01-03T10:00:00.250Z\", \"level\": \"WARNING\", \"agent\": \"api, east\", "
            "\"task_id\": \"req-1\", \"message\": \"gave up: \\\"timeout\\\"\", \"extra\": {}}\n"
            "not json, at all\n"));
        const LogSnapshot snap = index.snapshot();
        const FieldMapping mapping = snap.mapping();
        QByteArray csv = logrowtext::csvHeader();
        logrowtext::appendCsvRow(snap, mapping, RowIndex(0), csv);
        logrowtext::appendCsvRow(snap, mapping, RowIndex(1), csv);
        QCOMPARE(csv,
            QByteArray("line,timestamp,level,agent,task_id,message\n"
                       "1,2026-01-03T10:00:00.250+00:00,WARNING,\"api, east\",req-1,\"gave up: \"\"timeout\"\"\"\n"
                       // a malformed line keeps its raw text as the message, nothing else is known
                       "2,,,,,\"not json, at all\"\n"));
    }

    void messageFallsBackToTheMappingsSecondKey()
    {
        // Serilog's compact JSON renders @m only sometimes; the template @mt is always there.
        QTemporaryDir dir;
        LogIndex index;
        QVERIFY(indexText(index, dir,
            "{\"@t\": \"2026-01-03T10:00:00.000Z\", \"@l\": \"Error\", \"@mt\": \"Payment {Id} failed\", \"Id\": 7}\n"
            "{\"@t\": \"2026-01-03T10:00:01.000Z\", \"@m\": \"Payment 8 done\", \"@mt\": \"Payment {Id} done\"}\n"));
        const LogSnapshot snap = index.snapshot();
        QCOMPARE(logrowtext::message(snap, snap.mapping(), RowIndex(0)), QByteArray("Payment {Id} failed"));
        QCOMPARE(logrowtext::message(snap, snap.mapping(), RowIndex(1)), QByteArray("Payment 8 done"));
    }
};

QTEST_GUILESS_MAIN(TestLogRowText)
#include "tst_logrowtext.moc"
