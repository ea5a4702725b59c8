// The log index cache in the GUI: the log panel loads a re-opened log's index from the cache, and the
// dialog edits the size cap that `rwb logs` reads too.
#include "core/log/logindex.h"
#include "core/log/logindexcache.h"
#include "ui/log/logcachedialog.h"
#include "ui/log/logpanel.h"
#include "ui/common/settings.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

class TestLogCacheDialog : public QObject {
    Q_OBJECT
    QTemporaryDir m_home;

private slots:
    void initTestCase()
    {
        // Settings and caches of this test stay in its own directory.
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_CACHE_HOME", m_home.filePath(QStringLiteral("cache")).toUtf8());
        qunsetenv(LogIndexCache::kEnvMaxMegabytes);
        QCoreApplication::setOrganizationName(QStringLiteral("ResilienceWorkbench"));
        QCoreApplication::setApplicationName(QStringLiteral("resilience-workbench"));
    }

    void panelReopensFromTheCache()
    {
        const QString path = m_home.filePath(QStringLiteral("run.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 500; ++i)
            f.write("{\"timestamp\": \"2026-01-03T15:30:00.000+00:00\", \"level\": \"INFO\", \"agent\": \"payments\", "
                    "\"message\": \"m\"}\n");
        f.close();
        LogPanel panel;
        QVERIFY(panel.openFile(path));
        panel.logIndex()->waitForFinished();
        QCOMPARE(panel.logIndex()->cacheUse(), LogIndex::CacheUse::Built);
        QVERIFY(QFile::exists(LogIndexCache::fileFor(LogIndexCache::defaultDirectory(), path)));
        QVERIFY(panel.openFile(path));
        panel.logIndex()->waitForFinished();
        QCOMPARE(panel.logIndex()->cacheUse(), LogIndex::CacheUse::Loaded);
        QCOMPARE(panel.logIndex()->rowCount(), 500);

        // Off: no cache is read or written.
        Settings::setLogIndexCacheMegabytes(0);
        QVERIFY(panel.openFile(path));
        panel.logIndex()->waitForFinished();
        QCOMPARE(panel.logIndex()->cacheUse(), LogIndex::CacheUse::None);
        Settings::setLogIndexCacheMegabytes(LogIndexCache::kDefaultMaxBytes >> 20);
    }

    void dialogEditsTheCap()
    {
        LogCacheDialog dialog;
        QCOMPARE(qint64(dialog.capBox()->value()), LogIndexCache::kDefaultMaxBytes >> 20);
        dialog.capBox()->setValue(0); // off: the cache is emptied
        dialog.apply();
        QCOMPARE(Settings::logIndexCacheMegabytes(), qint64(0));
        QCOMPARE(LogIndexCache::configuredMaxBytes(), qint64(0));
        QVERIFY(
            QDir(LogIndexCache::defaultDirectory()).entryList({ QStringLiteral("*.rwbidx") }, QDir::Files).isEmpty());
        dialog.capBox()->setValue(300);
        dialog.apply();
        QCOMPARE(LogIndexCache::configuredMaxBytes(), qint64(300) << 20);
        qputenv(LogIndexCache::kEnvMaxMegabytes, "5");
        QCOMPARE(LogIndexCache::configuredMaxBytes(), qint64(5) << 20); // the environment wins
        qunsetenv(LogIndexCache::kEnvMaxMegabytes);

        const QString shot = qEnvironmentVariable("RWB_SCREENSHOT_DIR");
        if (!shot.isEmpty()) {
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QVERIFY(dialog.grab().save(QDir(shot).filePath(QStringLiteral("logcachedialog.png"))));
        }
    }
};

QTEST_MAIN(TestLogCacheDialog)
#include "tst_logcachedialog.moc"
