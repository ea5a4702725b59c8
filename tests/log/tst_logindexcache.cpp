// The persistent index cache: a re-opened log loads its index, a grown one extends it, a changed,
// truncated or replaced one is re-indexed, a damaged cache file is never trusted, and the directory
// stays under its cap. Every index that comes from the cache must equal a fresh index of the same file.
#include "core/log/logindex.h"
#include "core/log/logindexcache.h"
#include "core/log/logquery.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;
using CacheUse = LogIndex::CacheUse;

namespace {

QByteArray lines(int from, int count)
{
    static const char* levels[] = { "DEBUG", "INFO", "WARNING", "ERROR" };
    static const char* agents[] = { "payments", "orders", "auth" };
    QByteArray out;
    for (int i = from; i < from + count; ++i) {
        out += "{\"timestamp\": \"2026-01-03T15:" + QByteArray::number(10 + i % 40) + ":00.000+00:00\", \"level\": \""
            + levels[i % 4] + "\", \"agent\": \"" + agents[i % 3] + "\", \"task_id\": \""
            + (i % 7 ? QByteArray("req-") + QByteArray::number(i) : QByteArray("odd task ") + QByteArray::number(i % 5))
            + "\", \"message\": \"m " + QByteArray::number(i) + "\", \"extra\": {\"event\": \""
            + (i % 2 ? "attempt" : "retry_scheduled") + "\"}}\n";
        if (i % 97 == 0)
            out += "not json\n\n";
    }
    return out;
}

/// Everything a reader can see of an index, as text.
QByteArray describe(const LogIndex& index)
{
    const LogSnapshot snap = index.snapshot();
    QByteArray out;
    for (qint64 r = 0; r < snap.rowCount(); ++r) {
        const LogRow row = snap.row(RowIndex(r));
        out += QByteArray::number(row.offset) + ',' + QByteArray::number(row.length) + ','
            + QByteArray::number(row.timestampMs) + ',' + QByteArray::number(int(row.level)) + ','
            + snap.agentName(row.agentId).toUtf8() + ',' + snap.taskName(row.taskId).toUtf8() + ','
            + snap.eventName(row.eventId).toUtf8() + ',' + QByteArray::number(row.flags) + ','
            + snap.line(RowIndex(r)).toByteArray() + '\n';
    }
    const LogStats s = index.stats();
    out += "stats " + QByteArray::number(s.lines) + ' ' + QByteArray::number(s.blankLines) + ' '
        + QByteArray::number(s.malformedLines) + ' ' + QByteArray::number(s.minTimeMs) + ' '
        + QByteArray::number(s.maxTimeMs) + ' ' + QByteArray::number(s.bytes) + ' ' + QByteArray::number(s.crlf) + ' '
        + QByteArray::number(qint64(s.firstMalformed.size()));
    for (int l = 0; l < 7; ++l)
        out += ' ' + QByteArray::number(s.perLevel[l]);
    for (const auto& [agent, n] : s.perAgent)
        out += ' ' + agent.toUtf8() + '=' + QByteArray::number(n);
    for (const char* q :
        { "level>=WARNING and agent=orders", "task_id=\"odd task 3\"", "event=attempt", "task_id>req-5" })
        out += ' ' + QByteArray::number(LogQuery::parse(QString::fromLatin1(q))->count(snap));
    return out;
}

} // namespace

class TestLogIndexCache : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_cache;

    QString write(const QString& name, const QByteArray& content, bool append = false)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(append ? QIODevice::Append : QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        f.write(content);
        return path;
    }

    /// Opens `path` through the cache; returns what it did, and the index's description.
    CacheUse open(const QString& path, QByteArray* description, LogIndex::Options o = {})
    {
        o.cacheDirectory = m_cache;
        LogIndex index;
        if (!index.open(path, o))
            return CacheUse::None;
        index.waitForFinished();
        *description = describe(index);
        if (index.cacheUse() == CacheUse::Loaded || index.cacheUse() == CacheUse::Extended) {
            if (index.bytesPerRow() > 24.0)
                qFatal("a loaded index takes %.1f bytes per line", index.bytesPerRow());
        }
        return index.cacheUse();
    }

    static QByteArray fresh(const QString& path)
    {
        LogIndex index;
        index.open(path);
        index.waitForFinished();
        return describe(index);
    }

private slots:
    void init()
    {
        static int run = 0;
        m_cache = m_dir.filePath(QStringLiteral("cache-%1").arg(++run)); // each test (and data row) its own
    }

    void defaultDirectoryFollowsXdgCacheHome()
    {
        const QByteArray old = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", m_dir.path().toUtf8());
        QCOMPARE(LogIndexCache::defaultDirectory(), m_dir.path() + QStringLiteral("/resilience-workbench/log-index"));
        qputenv("XDG_CACHE_HOME", old);
    }

    void capComesFromTheEnvironmentFirst()
    {
        qputenv(LogIndexCache::kEnvMaxMegabytes, "7");
        QCOMPARE(LogIndexCache::configuredMaxBytes(), qint64(7) << 20);
        qputenv(LogIndexCache::kEnvMaxMegabytes, "0");
        QCOMPARE(LogIndexCache::configuredMaxBytes(), qint64(0));
        qunsetenv(LogIndexCache::kEnvMaxMegabytes);
    }

    // The cache is read by the pass's first worker, not by open() (the GUI thread calls open()): a
    // loaded index arrives through rowsAvailable and finished like an indexed one, and closing
    // while the cache is being read is safe.
    void cacheIsLoadedByThePass()
    {
        const QString path = write(QStringLiteral("p.jsonl"), lines(0, 3000));
        const QByteArray expected = fresh(path);
        QByteArray got;
        QCOMPARE(open(path, &got), CacheUse::Built);
        LogIndex::Options o;
        o.cacheDirectory = m_cache;
        {
            LogIndex closedAtOnce;
            QVERIFY(closedAtOnce.open(path, o));
            closedAtOnce.close();
            QCOMPARE(closedAtOnce.rowCount(), qint64(0));
        }
        LogIndex built;
        built.open(path);
        built.waitForFinished();
        LogIndex index;
        QSignalSpy rows(&index, &LogIndex::rowsAvailable);
        QSignalSpy finished(&index, &LogIndex::finished);
        QVERIFY(index.open(path, o));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(index.cacheUse(), CacheUse::Loaded);
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows.last().at(0).toLongLong(), built.rowCount());
        QCOMPARE(describe(index), expected);
    }

    void secondOpenLoadsTheIndex()
    {
        const QString path = write(QStringLiteral("a.jsonl"), "\xEF\xBB\xBF" + lines(0, 3000));
        const QByteArray expected = fresh(path);
        QByteArray got;
        QCOMPARE(open(path, &got), CacheUse::Built);
        QCOMPARE(got, expected);
        QVERIFY(QFile::exists(LogIndexCache::fileFor(m_cache, path)));
        QCOMPARE(open(path, &got), CacheUse::Loaded);
        QCOMPARE(got, expected);
    }

    void appendedLinesExtendTheCache()
    {
        const QString path = write(QStringLiteral("b.jsonl"), lines(0, 2000));
        QByteArray got;
        QCOMPARE(open(path, &got), CacheUse::Built);
        write(QStringLiteral("b.jsonl"), lines(2000, 1500), true);
        QCOMPARE(open(path, &got), CacheUse::Extended);
        QCOMPARE(got, fresh(path));
        QCOMPARE(open(path, &got), CacheUse::Loaded);
        QCOMPARE(got, fresh(path));
    }

    void halfWrittenLastLineIsNotExtended()
    {
        const QString path = write(QStringLiteral("c.jsonl"), lines(0, 100) + "{\"level\": \"ERR");
        QByteArray got;
        QCOMPARE(open(path, &got), CacheUse::Built);
        write(QStringLiteral("c.jsonl"), "OR\"}\n" + lines(100, 10), true);
        QCOMPARE(open(path, &got), CacheUse::Rebuilt);
        QCOMPARE(got, fresh(path));
    }

    void changedFilesAreReindexed_data()
    {
        QTest::addColumn<QString>("change");
        QTest::newRow("first block") << QStringLiteral("first");
        QTest::newRow("middle, same size") << QStringLiteral("middle");
        QTest::newRow("truncated") << QStringLiteral("truncated");
        QTest::newRow("replaced") << QStringLiteral("replaced");
        QTest::newRow("other mapping") << QStringLiteral("mapping");
    }

    void changedFilesAreReindexed()
    {
        QFETCH(QString, change);
        const QByteArray content = lines(0, 4000);
        QVERIFY(content.size() > 300 * 1024);
        const QString path = write(QStringLiteral("d-%1.jsonl").arg(change), content);
        QByteArray got;
        QCOMPARE(open(path, &got), CacheUse::Built);
        LogIndex::Options o;
        if (change == QLatin1String("first") || change == QLatin1String("middle")) {
            QByteArray edited = content;
            const qsizetype at
                = change == QLatin1String("first") ? edited.indexOf("\"m 5\"") : edited.indexOf("\"m 2000\"");
            edited[at + 2] = 'n';
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.write(edited);
            f.close();
            // A later modification time, however coarse the file system's clock.
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(5), QFileDevice::FileModificationTime));
        } else if (change == QLatin1String("truncated")) {
            QVERIFY(QFile::resize(path, content.size() / 2));
        } else if (change == QLatin1String("replaced")) {
            const QString other = write(QStringLiteral("d2.jsonl"), lines(10, 4000));
            QVERIFY(QFile::remove(path));
            QVERIFY(QFile::rename(other, path));
        } else {
            o.format = LogFormat::Pino;
        }
        QCOMPARE(open(path, &got, o), CacheUse::Rebuilt);
        LogIndex index;
        index.open(path, o);
        index.waitForFinished();
        QCOMPARE(got, describe(index));
        QCOMPARE(open(path, &got, o), CacheUse::Loaded);
    }

    void damagedCacheFilesAreNeverTrusted_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("a flipped byte") << QStringLiteral("flip");
        QTest::newRow("cut short") << QStringLiteral("cut");
        QTest::newRow("garbage") << QStringLiteral("garbage");
        QTest::newRow("empty") << QStringLiteral("empty");
        QTest::newRow("another log's cache") << QStringLiteral("other");
    }

    void damagedCacheFilesAreNeverTrusted()
    {
        QFETCH(QString, damage);
        const QString path = write(QStringLiteral("e-%1.jsonl").arg(damage), lines(0, 2500));
        const QByteArray expected = fresh(path);
        QByteArray got;
        QCOMPARE(open(path, &got), CacheUse::Built);
        const QString cacheFile = LogIndexCache::fileFor(m_cache, path);
        QFile f(cacheFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        if (damage == QLatin1String("flip")) {
            bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x10);
        } else if (damage == QLatin1String("cut")) {
            bytes.chop(100);
        } else if (damage == QLatin1String("garbage")) {
            bytes = QByteArray(5000, 'x');
        } else if (damage == QLatin1String("empty")) {
            bytes.clear();
        } else {
            const QString other = write(QStringLiteral("another.jsonl"), lines(0, 2500));
            QCOMPARE(open(other, &got), CacheUse::Built);
            QFile o(LogIndexCache::fileFor(m_cache, other));
            QVERIFY(o.open(QIODevice::ReadOnly));
            bytes = o.readAll();
        }
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        f.close();
        LogIndex::Options o;
        o.cacheDirectory = m_cache;
        LogIndex index;
        QVERIFY(index.open(path, o));
        index.waitForFinished();
        QCOMPARE(index.cacheUse(), CacheUse::Rebuilt);
        QVERIFY(!index.cacheNote().isEmpty());
        QCOMPARE(describe(index), expected);
        QCOMPARE(open(path, &got), CacheUse::Loaded); // and rewritten whole
        QCOMPARE(got, expected);
    }

    void directoryStaysUnderItsCap()
    {
        QStringList logs;
        for (int i = 0; i < 4; ++i)
            logs << write(QStringLiteral("f%1.jsonl").arg(i), lines(i * 10, 3000));
        QByteArray got;
        QCOMPARE(open(logs[0], &got), CacheUse::Built);
        const qint64 one = QFileInfo(LogIndexCache::fileFor(m_cache, logs[0])).size();
        QVERIFY(one > 0);
        LogIndex::Options o;
        o.cacheMaxBytes = one * 2 + one / 2; // room for two
        for (int i = 1; i < 4; ++i) {
            // Distinct use times, whatever the file system's timestamp resolution.
            QFile(LogIndexCache::fileFor(m_cache, logs[i - 1]))
                .setFileTime(QDateTime::currentDateTime().addSecs(-100 + i * 10), QFileDevice::FileModificationTime);
            QCOMPARE(open(logs[i], &got, o), CacheUse::Built);
        }
        QVERIFY(!QFile::exists(LogIndexCache::fileFor(m_cache, logs[0])));
        QVERIFY(!QFile::exists(LogIndexCache::fileFor(m_cache, logs[1])));
        QVERIFY(QFile::exists(LogIndexCache::fileFor(m_cache, logs[2])));
        QVERIFY(QFile::exists(LogIndexCache::fileFor(m_cache, logs[3])));
        QVERIFY(LogIndexCache::trim(m_cache, o.cacheMaxBytes) <= o.cacheMaxBytes);
        QCOMPARE(LogIndexCache::trim(m_cache, 0), qint64(0));
        QVERIFY(QDir(m_cache).entryList({ QStringLiteral("*.rwbidx") }, QDir::Files).isEmpty());
    }

    void zeroCapMeansNoCache()
    {
        const QString path = write(QStringLiteral("g.jsonl"), lines(0, 100));
        LogIndex::Options o;
        o.cacheMaxBytes = 0;
        QByteArray got;
        QCOMPARE(open(path, &got, o), CacheUse::None);
        QVERIFY(!QFile::exists(LogIndexCache::fileFor(m_cache, path)));
    }
};

QTEST_GUILESS_MAIN(TestLogIndexCache)
#include "tst_logindexcache.moc"
