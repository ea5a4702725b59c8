// Settings are written on a worker: a read right after a write sees the new value, writes land on
// disk in the order they were made, and flush() waits until they have.

#include "ui/common/settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

class TestSettings : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchSettingsTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
        QVERIFY(m_dir.isValid());
    }
    void init()
    {
        Settings::flush();
        QSettings().clear();
    }
    void cleanupTestCase()
    {
        Settings::flush();
        QSettings settings;
        const QString file = settings.fileName();
        settings.clear();
        settings.sync();
        QFile::remove(file);
    }

    void aReadAfterAWriteSeesIt()
    {
        Settings::setLastDirectory(m_dir.path());
        QCOMPARE(Settings::lastDirectory(), m_dir.path()); // before the worker wrote it, perhaps
        Settings::flush();
        QCOMPARE(QSettings().value(QStringLiteral("files/lastDirectory")).toString(), m_dir.path());
        QCOMPARE(Settings::lastDirectory(), m_dir.path());
    }

    void theLastOfManyWritesWins()
    {
        for (int i = 0; i < 200; ++i)
            Settings::setPresenterMode(i % 2 == 0);
        QCOMPARE(Settings::presenterMode(), false); // i = 199
        Settings::setPresenterMode(true);
        QCOMPARE(Settings::presenterMode(), true);
        Settings::flush();
        QCOMPARE(QSettings().value(QStringLiteral("view/presenter")).toBool(), true);
    }

    void recentFilesAddAndClear()
    {
        const QString a = m_dir.filePath(QStringLiteral("a.json"));
        const QString b = m_dir.filePath(QStringLiteral("b.json"));
        for (const QString& path : {a, b}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        Settings::addRecentFile(a);
        Settings::addRecentFile(b);
        QCOMPARE(Settings::recentFiles(), QStringList({b, a})); // each add read the one before
        Settings::clearRecentFiles();
        QVERIFY(Settings::recentFiles().isEmpty());
        Settings::flush();
        QVERIFY(!QSettings().contains(QStringLiteral("files/recent")));
    }

    void valuesWrittenElsewhereAreRead()
    {
        QSettings().setValue(QStringLiteral("logPanel/queryHistory"), QStringList({QStringLiteral("level>=ERROR")}));
        QCOMPARE(Settings::queryHistory(), QStringList({QStringLiteral("level>=ERROR")}));
        Settings::setQueryHistory({QStringLiteral("agent=payments"), QStringLiteral("level>=ERROR")});
        Settings::flush();
        QCOMPARE(QSettings().value(QStringLiteral("logPanel/queryHistory")).toStringList(),
            QStringList({QStringLiteral("agent=payments"), QStringLiteral("level>=ERROR")}));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
