// RowIndex (0-based, what LogIndex::row() takes) and LineNumber (1-based, what a person reads) do not
// convert into each other or from integers implicitly; toLineNumber/toRowIndex is the one conversion,
// and it agrees with what the index reports about a damaged file.

#include "core/log/lineref.h"
#include "core/log/logindex.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <type_traits>
#include <vector>

using namespace rwb;

static_assert(!std::is_convertible_v<RowIndex, LineNumber>);
static_assert(!std::is_convertible_v<LineNumber, RowIndex>);
static_assert(!std::is_convertible_v<qint64, RowIndex>);
static_assert(!std::is_convertible_v<qint64, LineNumber>);
static_assert(!std::is_convertible_v<int, RowIndex>);
static_assert(!std::is_convertible_v<RowIndex, qint64>);
static_assert(!std::is_convertible_v<LineNumber, qint64>);
static_assert(!std::is_constructible_v<RowIndex, LineNumber>);
static_assert(!std::is_constructible_v<LineNumber, RowIndex>);
// LogIndex::row() refuses a line number (and a bare integer) at compile time.
static_assert(!std::is_invocable_v<decltype(&LogIndex::row), const LogIndex&, LineNumber>);
static_assert(!std::is_invocable_v<decltype(&LogIndex::row), const LogIndex&, qint64>);
static_assert(std::is_invocable_v<decltype(&LogIndex::row), const LogIndex&, RowIndex>);

static_assert(toLineNumber(RowIndex(0)) == LineNumber(1));
static_assert(toRowIndex(LineNumber(1)) == RowIndex(0));
static_assert(RowIndex(3) < RowIndex(4) && LineNumber(9) > LineNumber(2));

class TestLineRef : public QObject {
    Q_OBJECT
private slots:
    void conversionRoundTrips_data()
    {
        QTest::addColumn<qint64>("row");
        QTest::newRow("first") << qint64(0);
        QTest::newRow("second") << qint64(1);
        QTest::newRow("large") << qint64(123456);
        QTest::newRow("beyond int") << (qint64(1) << 40);
    }

    void conversionRoundTrips()
    {
        QFETCH(qint64, row);
        const RowIndex r(row);
        QCOMPARE(toLineNumber(r).value, row + 1);
        QVERIFY(toRowIndex(toLineNumber(r)) == r);
        const LineNumber line(row + 1);
        QVERIFY(toLineNumber(toRowIndex(line)) == line);
    }

    void comparesByValue()
    {
        QVERIFY(RowIndex(5) == RowIndex(5));
        QVERIFY(RowIndex(5) != RowIndex(6));
        QVERIFY(RowIndex(-1) < RowIndex(0));
        QVERIFY(LineNumber(2) >= LineNumber(2));
        QVERIFY(LineNumber(2) < LineNumber(10));
    }

    // Blank and malformed lines are rows too, so the conversion holds in a damaged file: the line numbers
    // the index reports as malformed are the rows flagged malformed, and no other row is.
    void damagedLinesKeepRowAndLineInStep()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("d.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray good = R"({"timestamp": "2026-01-03T15:30:00.000Z", "level": "INFO", "message": "ok"})";
        file.write(QByteArray("\xEF\xBB\xBF") + good + "\n" // a BOM is not a line
            + "\n" // blank: line 2
            + "{broken\n" // line 3
            + good + "\r\n" // line 4
            + "   \n" // blank: line 5
            + "not json\n" // line 6
            + good + "\n"); // line 7
        file.close();
        LogIndex index;
        LogIndex::Options options;
        options.format = LogFormat::Workbench;
        QVERIFY(index.open(path, options));
        index.waitForFinished();
        QCOMPARE(index.rowCount(), 7);
        const LogStats stats = index.stats();
        QCOMPARE(stats.firstMalformed, (std::vector<LineNumber> { LineNumber(3), LineNumber(6) }));
        for (qint64 r = 0; r < index.rowCount(); ++r) {
            const RowIndex row(r);
            const LineNumber line = toLineNumber(row);
            const bool reported = std::find(stats.firstMalformed.begin(), stats.firstMalformed.end(), line)
                != stats.firstMalformed.end();
            QCOMPARE(index.row(row).malformed(), reported);
            QCOMPARE(index.row(row).blank(), line == LineNumber(2) || line == LineNumber(5));
        }
        QCOMPARE(index.line(toRowIndex(LineNumber(4))), good);
    }
};

QTEST_GUILESS_MAIN(TestLineRef)
#include "tst_lineref.moc"
