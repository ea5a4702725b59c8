// LineStructure (the block-wise first pass over a line) and PathSet::extract() over it, against the
// byte-wise PathSet::extract() as the reference: on every line the token walk takes, both give the same
// values; the token walk leaves exactly the lines the byte-wise scan calls Malformed (and those with a
// backslash outside strings) to it. The cases aim where blocks of 64 bytes meet: quotes, backslash
// runs and line ends on either side of a block boundary.

#include "core/log/jsonscan.h"
#include "core/log/linestructure.h"

#include <QRandomGenerator>
#include <QTest>

#include <cstring>

using namespace rwb;
using jsonscan::LineStructure;
using jsonscan::PathSet;
using jsonscan::Value;

namespace {

PathSet indexPaths()
{
    PathSet paths;
    for (const char* p : { "timestamp", "level", "agent", "task_id", "extra.event", "log.level", "a.b.c.d" })
        paths.add(QByteArray(p));
    return paths;
}

enum class Walk { Taken, LeftToBytes };

/// Scans the first line of `text` both ways. Fails the test if they disagree on a line the token walk
/// takes, or if the walk leaves a line that the byte-wise scan reads as well formed.
Walk compareOn(const QByteArray& text, const PathSet& paths = indexPaths())
{
    LineStructure line;
    const char* b = text.constData();
    if (!line.scan(b, b + text.size())) {
        QTest::qFail("line too long for LineStructure", __FILE__, __LINE__);
        return Walk::LeftToBytes;
    }
    const char* e = b + line.length();
    if (e > b && e[-1] == '\r')
        --e;
    Value bytewise[PathSet::kMaxPaths];
    const PathSet::Result expected = paths.extract(b, e, bytewise);
    Value walked[PathSet::kMaxPaths];
    PathSet::Result result = PathSet::Result::Malformed;
    if (!paths.extract(line, walked, result)) {
        if (expected != PathSet::Result::Malformed && !line.hasBackslashOutsideStrings())
            QTest::qFail(qPrintable(QStringLiteral("token walk left a well-formed line: ") + QString::fromUtf8(text)),
                __FILE__, __LINE__);
        return Walk::LeftToBytes;
    }
    bool same = result == expected;
    for (int i = 0; i < paths.size(); ++i)
        same = same && walked[i].type == bytewise[i].type && walked[i].begin == bytewise[i].begin
            && walked[i].end == bytewise[i].end && walked[i].escaped == bytewise[i].escaped;
    if (!same)
        QTest::qFail(qPrintable(QStringLiteral("token walk and byte scan differ on: ") + QString::fromUtf8(text)),
            __FILE__, __LINE__);
    return Walk::Taken;
}

QByteArray repeated(char c, int n)
{
    return QByteArray(n, c);
}

} // namespace

class TestLineStructure : public QObject {
    Q_OBJECT
private slots:
    void wellFormedLinesAreTaken_data();
    void wellFormedLinesAreTaken();
    void malformedLinesAreLeftToTheByteScan_data();
    void malformedLinesAreLeftToTheByteScan();
    void backslashOutsideStringsIsLeftToTheByteScan();
    void quoteOrBackslashRunAtEveryPosition_data();
    void quoteOrBackslashRunAtEveryPosition();
    void backslashRunAcrossABlockBoundary();
    void lineEndsAtABlockBoundary_data();
    void lineEndsAtABlockBoundary();
    void longerLinesAreRefused();
    void nonAsciiOnlyWithinTheLine();
    void randomLinesAgree();
};

// Out of the class: moc (Qt 6.4) loses its way in some of these raw strings.
#ifndef Q_MOC_RUN
void TestLineStructure::wellFormedLinesAreTaken_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("workbench") << QByteArray(
        R"({"timestamp": "2026-01-03T15:30:00.000+00:00", "level": "INFO", "agent": "ledger", "task_id": "req-1", )"
        R"("message": "request 1 success after 3 attempts", "extra": {"event": "request_done", "request_id": 1, )"
        R"("total_ms": 319.13503, "fallback": false, "x": null, "t": true}})");
    QTest::newRow("empty") << QByteArray("{}");
    QTest::newRow("blanks around") << QByteArray(" \t{ \"level\" :\t\"WARN\" ,\r\"agent\":1 } \t");
    QTest::newRow("crlf") << QByteArray("{\"level\": \"INFO\"}\r\n");
    QTest::newRow("escapes in values") << QByteArray(
        "{\"agent\": \"a\\\"b\\\\\", \"level\": \"\\u0041\", \"k\\\"ey\": 1}");
    QTest::newRow("containers skipped") << QByteArray(R"({"x": [1, {"y": "]}"}, []], "z": {"a": [{}]}, "level": 2})");
    QTest::newRow("mismatched brackets inside a skipped value") << QByteArray(R"({"x": [1, 2}, "level": "INFO"})");
    QTest::newRow("object wanted whole") << QByteArray(R"({"extra": {"event": {"a": [1]}}})");
    QTest::newRow("path prefix is no object") << QByteArray(R"({"extra": [1, 2], "a": {"b": {"c": {"d": 7}}}})");
    QTest::newRow("dotted key") << QByteArray(R"({"log.level": "debug", "log": {"level": "x"}})");
    QTest::newRow("duplicate keys") << QByteArray(
        R"({"level": "INFO", "extra": {"event": "a"}, "extra": 1, "level": 3})");
    QTest::newRow("non-ascii") << QByteArray("{\"agent\": \"z\xC3\xBCrich\", \"level\": \"\xE2\x82\xAC\"}");
    QTest::newRow("numbers") << QByteArray(R"({"a": -1.5e+3, "b": 0, "level": 12, "c": 1-2-3})");
    QTest::newRow("scalars at the end") << QByteArray(R"({"a": true})");
    QTest::newRow("last line without newline") << QByteArray(R"({"level": "INFO", "agent": "x"})");
}

void TestLineStructure::wellFormedLinesAreTaken()
{
    QFETCH(QByteArray, line);
    QCOMPARE(compareOn(line), Walk::Taken);
}

void TestLineStructure::malformedLinesAreLeftToTheByteScan_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("unterminated string") << QByteArray(R"({"level": "INFO)");
    QTest::newRow("unclosed object") << QByteArray(R"({"level": "INFO")");
    QTest::newRow("garbage after string") << QByteArray(R"({"level": "INFO"x})");
    QTest::newRow("garbage after number") << QByteArray(R"({"a": 12x, "level": 1})");
    QTest::newRow("two numbers") << QByteArray(R"({"a": 1 2})");
    QTest::newRow("literal too long") << QByteArray(R"({"a": truex})");
    QTest::newRow("literal cut") << QByteArray(R"({"a": tru})");
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})");
    QTest::newRow("missing value") << QByteArray(R"({"a": })");
    QTest::newRow("trailing comma") << QByteArray(R"({"a": 1,})");
    QTest::newRow("after the object") << QByteArray(R"({"a": 1} x)");
    QTest::newRow("two objects") << QByteArray(R"({"a": 1}{})");
    QTest::newRow("not an object") << QByteArray(R"(["level"])");
    QTest::newRow("control byte") << QByteArray("{\"a\":\x01 1}");
    QTest::newRow("unclosed array") << QByteArray(R"({"a": [1, "]"})");
    QTest::newRow("key not a string") << QByteArray(R"({level: 1})");
    QTest::newRow("newline inside a string") << QByteArray("{\"message\": \"a\nb\", \"level\": \"INFO\"}\n");
}

void TestLineStructure::malformedLinesAreLeftToTheByteScan()
{
    QFETCH(QByteArray, line);
    QCOMPARE(compareOn(line), Walk::LeftToBytes);
}

void TestLineStructure::backslashOutsideStringsIsLeftToTheByteScan()
{
    // The byte-wise scan counts brackets in a skipped value and does not see the backslash as an escape.
    const QByteArray line("{\"x\": [\\\"], \"level\": \"INFO\"}\"]}");
    LineStructure s;
    QVERIFY(s.scan(line.constData(), line.constData() + line.size()));
    QVERIFY(s.hasBackslashOutsideStrings());
    QCOMPARE(compareOn(line), Walk::LeftToBytes);
}

void TestLineStructure::quoteOrBackslashRunAtEveryPosition_data()
{
    QTest::addColumn<QByteArray>("inserted");
    QTest::newRow("quote") << QByteArray("\"");
    for (int run = 1; run <= 5; ++run) {
        QTest::newRow(qPrintable(QStringLiteral("%1 backslashes, quote").arg(run))) << repeated('\\', run) + '"';
        QTest::newRow(qPrintable(QStringLiteral("%1 backslashes, letter").arg(run))) << repeated('\\', run) + 'n';
    }
}

void TestLineStructure::quoteOrBackslashRunAtEveryPosition()
{
    // An odd run of backslashes escapes the byte after it; an even run escapes none of it. Every
    // insertion point crosses the block boundaries at 64 and 128 once.
    QFETCH(QByteArray, inserted);
    int taken = 0;
    for (int at = 0; at <= 200; ++at) {
        const QByteArray line = R"({"message": ")" + repeated('x', at) + inserted + R"(", "level": "INFO"})";
        const QByteArray twoLines = line + "\n" + R"({"level": "WARN"})";
        taken += compareOn(twoLines) == Walk::Taken ? 1 : 0;
        if (QTest::currentTestFailed())
            return;
    }
    // A string ending in an odd run of backslashes and a quote, or in backslashes and a letter, stays
    // well formed; a lone quote or an even run before a quote ends the string early.
    const int run = int(inserted.count('\\'));
    const bool closesEarly = inserted.endsWith('"') && run % 2 == 0;
    QCOMPARE(taken, closesEarly ? 0 : 201);
}

void TestLineStructure::backslashRunAcrossABlockBoundary()
{
    // A run of backslashes that starts in one block and ends in the next, then a quote: after an odd
    // run the quote is escaped and a second one closes the string.
    const QByteArray prefix = R"({"agent": ")";
    for (int run = 1; run <= 6; ++run) {
        for (int start = 64 - run; start <= 64; ++start) {
            const QByteArray line = prefix + repeated('y', start - int(prefix.size())) + repeated('\\', run)
                + (run % 2 ? "\"\"" : "\"") + R"(, "level": "INFO"})";
            QCOMPARE(line.indexOf('\\'), start);
            QCOMPARE(compareOn(line), Walk::Taken);
        }
    }
}

void TestLineStructure::lineEndsAtABlockBoundary_data()
{
    QTest::addColumn<int>("length");
    for (int n : { 40, 62, 63, 64, 65, 127, 128, 129, 191, 192, 4095, 4096 })
        QTest::newRow(qPrintable(QString::number(n))) << n;
}

void TestLineStructure::lineEndsAtABlockBoundary()
{
    QFETCH(int, length);
    const QByteArray head = R"({"level": "INFO", "message": ")";
    const QByteArray line = head + repeated('m', length - int(head.size()) - 2) + "\"}";
    QCOMPARE(line.size(), length);
    LineStructure s;
    for (const QByteArray& terminator : { QByteArray("\n"), QByteArray("\r\n") }) {
        const QByteArray text = line + terminator + R"({"level": "ERROR"})";
        if (std::size_t(length) + terminator.size() - 1 > LineStructure::kMaxBytes) { // the CR counts
            QVERIFY(!s.scan(text.constData(), text.constData() + text.size()));
            continue;
        }
        QVERIFY(s.scan(text.constData(), text.constData() + text.size()));
        QCOMPARE(s.newline(), text.constData() + length + terminator.size() - 1);
        QCOMPARE(compareOn(text), Walk::Taken);
    }
    // The file's last line, without a newline: the line ends where the data does.
    QVERIFY(s.scan(line.constData(), line.constData() + line.size()));
    QCOMPARE(s.length(), std::size_t(length));
    QVERIFY(!s.newline());
    QCOMPARE(compareOn(line), Walk::Taken);
}

void TestLineStructure::longerLinesAreRefused()
{
    const QByteArray text = repeated(' ', int(LineStructure::kMaxBytes) + 1) + "\n";
    LineStructure s;
    QVERIFY(!s.scan(text.constData(), text.constData() + text.size()));
    QVERIFY(s.scan(text.constData() + 1, text.constData() + text.size()));
    QCOMPARE(s.length(), LineStructure::kMaxBytes);
}

void TestLineStructure::nonAsciiOnlyWithinTheLine()
{
    const QByteArray text = "{\"a\": \"b\"}\n\xC3\xA9";
    LineStructure s;
    QVERIFY(s.scan(text.constData(), text.constData() + text.size()));
    QVERIFY(!s.hasNonAscii());
    QVERIFY(s.scan(text.constData() + 11, text.constData() + text.size()));
    QVERIFY(s.hasNonAscii());
    for (int at = 0; at < 150; ++at) {
        QByteArray line = repeated('a', 150);
        line[at] = char(0x80);
        QVERIFY(s.scan(line.constData(), line.constData() + line.size()));
        QVERIFY(s.hasNonAscii());
    }
}

void TestLineStructure::randomLinesAgree()
{
    // Lines built from JSON fragments, most of them well formed, some damaged by a byte swapped in.
    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator rng(seed);
    const char* const pieces[] = { "\"level\"", "\"extra\"", "\"event\"", "\"a\"", "\"b\"", "\"log.level\"",
        "\"x\\\"y\"", "\"\\\\\"", "\"\\u00e9\"", "\"\xC3\xA9\"", "1", "-2.5e3", "true", "false", "null", "{}", "[]",
        "[1,[2]]", "\"}]\"", " ", "\t", "\r" };
    const char damage[] = { '"', '\\', '{', '}', '[', ']', ':', ',', ' ', 'x', '\n', '\x01', char(0xFF) };
    const PathSet paths = indexPaths();
    int taken = 0;
    const int lines = 40000;
    for (int n = 0; n < lines; ++n) {
        // {"key": value, ...} with nested objects under "extra" and "a"
        QByteArray line = "{";
        const int keys = int(rng.bounded(12));
        for (int k = 0; k < keys; ++k) {
            if (k)
                line += rng.bounded(4) ? ", " : ",";
            line += pieces[rng.bounded(6)];
            line += rng.bounded(3) ? ": " : ":";
            if (rng.bounded(5) == 0)
                line += R"({"event": )" + QByteArray(pieces[6 + rng.bounded(13)]) + ", \"b\": {\"c\": 1}}";
            else
                line += pieces[6 + rng.bounded(13)];
            if (rng.bounded(8) == 0)
                line += pieces[19 + rng.bounded(3)]; // a blank
            if (rng.bounded(20) == 0)
                line += repeated('s', int(rng.bounded(70)));
        }
        line += "}";
        if (rng.bounded(4) == 0)
            line[int(rng.bounded(quint32(line.size())))] = damage[rng.bounded(quint32(sizeof damage))];
        line += "\n{}";
        taken += compareOn(line, paths) == Walk::Taken ? 1 : 0;
        if (QTest::currentTestFailed()) {
            qWarning("seed %u, line %d", seed, n);
            return;
        }
    }
    // Most lines are well formed: the walk takes them, so the comparison above had work to do.
    QVERIFY2(taken > lines / 2, qPrintable(QStringLiteral("taken %1 of %2").arg(taken).arg(lines)));
}
#endif

QTEST_GUILESS_MAIN(TestLineStructure)
#include "tst_linestructure.moc"
