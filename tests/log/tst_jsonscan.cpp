// The vector steps of the line scanner against byte-at-a-time references: findLineEnd() (newline and
// bytes above 0x7F, 16, 32 and 64 bytes per step) and the end of a string (a quote, or backslash runs
// of odd and even length, at every position of the first 16-byte step and beyond it).

#include "core/log/jsonscan.h"

#include <QTest>

#include <cstring>

using namespace rwb;

namespace {

const char* referenceLineEnd(const char* p, const char* e, bool* nonAscii)
{
    *nonAscii = false;
    for (; p < e && *p != '\n'; ++p)
        *nonAscii = *nonAscii || static_cast<unsigned char>(*p) >= 0x80;
    return p;
}

} // namespace

class TestJsonScan : public QObject {
    Q_OBJECT
private slots:
    void findLineEndAtEveryPosition()
    {
        // A newline at every position (or none) of buffers up to 150 bytes, a byte above 0x7F at every
        // position before, at or after it: past the line it does not count.
        int checked = 0;
        for (int size : { 0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 150 }) {
            for (int newline = -1; newline < size; ++newline) {
                for (int high = -1; high < size; ++high) {
                    if (high == newline && high >= 0)
                        continue;
                    QByteArray buffer(size, 'a');
                    if (newline >= 0)
                        buffer[newline] = '\n';
                    if (high >= 0)
                        buffer[high] = char(0xC3);
                    const char* b = buffer.constData();
                    bool nonAscii = false, expectedNonAscii = false;
                    const char* at = jsonscan::findLineEnd(b, b + size, &nonAscii);
                    const char* expected = referenceLineEnd(b, b + size, &expectedNonAscii);
                    if (at != expected || nonAscii != expectedNonAscii)
                        QFAIL(qPrintable(QStringLiteral("size %1, newline at %2, high byte at %3: got %4/%5")
                                             .arg(size)
                                             .arg(newline)
                                             .arg(high)
                                             .arg(at - b)
                                             .arg(nonAscii)));
                    ++checked;
                }
            }
        }
        QVERIFY(checked > 40000);
    }

    void stringEndsAtEveryPosition_data()
    {
        QTest::addColumn<QByteArray>("inserted");
        QTest::addColumn<QByteArray>("decoded"); // what the inserted bytes stand for in the value
        QTest::newRow("nothing") << QByteArray() << QByteArray();
        QTest::newRow("escaped quote") << QByteArray("\\\"") << QByteArray("\"");
        QTest::newRow("escaped backslash") << QByteArray("\\\\") << QByteArray("\\");
        QTest::newRow("escaped backslash, escaped quote") << QByteArray("\\\\\\\"") << QByteArray("\\\"");
        QTest::newRow("two escaped backslashes") << QByteArray("\\\\\\\\") << QByteArray("\\\\");
        QTest::newRow("escape") << QByteArray("\\n") << QByteArray("\n");
    }

    void stringEndsAtEveryPosition()
    {
        // "agent": "<at bytes><inserted><more>" in a key and in a value: the value and the key after it
        // are found, whatever byte of the 16-byte steps the escapes and the closing quote fall on.
        QFETCH(QByteArray, inserted);
        QFETCH(QByteArray, decoded);
        jsonscan::PathSet paths;
        const int agent = paths.add("agent");
        const int level = paths.add("level");
        const int key = paths.add(QByteArray("k") + inserted + "y");
        for (int at = 0; at <= 40; ++at) {
            for (int more = 0; more <= 20; more += 5) {
                const QByteArray text = QByteArray(at, 'x') + inserted + QByteArray(more, 'y');
                const QByteArray line = "{\"agent\": \"" + text + "\", \"k" + inserted + "y\": 1, \"level\": \"INFO\"}";
                jsonscan::Value v[jsonscan::PathSet::kMaxPaths];
                QCOMPARE(paths.extract(line.constData(), line.constData() + line.size(), v),
                    jsonscan::PathSet::Result::Complete);
                QCOMPARE(jsonscan::text(v[agent]), QByteArray(at, 'x') + decoded + QByteArray(more, 'y'));
                QCOMPARE(v[agent].escaped, !inserted.isEmpty());
                QCOMPARE(jsonscan::text(v[level]), QByteArray("INFO"));
                QCOMPARE(jsonscan::text(v[key]), QByteArray("1"));
            }
        }
    }

    void unterminatedStringIsMalformed()
    {
        jsonscan::PathSet paths;
        paths.add("agent");
        for (int at = 0; at <= 40; ++at) {
            for (const QByteArray& end : { QByteArray(), QByteArray("\\"), QByteArray("\\\""), QByteArray("\\\\\\") }) {
                const QByteArray line = "{\"agent\": \"" + QByteArray(at, 'x') + end;
                jsonscan::Value v[jsonscan::PathSet::kMaxPaths];
                QCOMPARE(paths.extract(line.constData(), line.constData() + line.size(), v),
                    jsonscan::PathSet::Result::Malformed);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestJsonScan)
#include "tst_jsonscan.moc"
