#include "ui/common/settings.h"

#include "core/log/logindexcache.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QSettings>
#include <QThreadPool>

#include <optional>

namespace rwb {

namespace {

/// Writes settings behind the GUI thread's back. QSettings writes its file through QSaveFile, whose
/// fdatasync held the window for 30 ms and more on a busy disk each time a file was opened (the
/// recent-files list). One worker writes in order; values not yet written are kept here, so a read
/// right after a write sees it. Whatever is pending is written before the application object goes
/// (a post routine), so nothing is lost at exit.
class SettingsWriter final {
public:
    static SettingsWriter& instance()
    {
        static SettingsWriter* writer = [] { // never deleted: it may be needed until the very end
            qAddPostRoutine([] { SettingsWriter::instance().flush(); });
            return new SettingsWriter;
        }();
        return *writer;
    }

    /// An invalid value removes the key.
    void write(const QString& key, const QVariant& value)
    {
        quint64 sequence = 0;
        {
            QMutexLocker lock(&m_mutex);
            sequence = ++m_sequence;
            m_pending.insert(key, {value, sequence});
        }
        m_pool.start([this, key, value, sequence] {
            {
                QMutexLocker lock(&m_mutex);
                if (!isNewest(key, sequence))
                    return; // a newer value of this key is queued: writing this one would be wasted
            }
            {
                QSettings settings;
                if (value.isValid())
                    settings.setValue(key, value);
                else
                    settings.remove(key);
            } // written here
            QMutexLocker lock(&m_mutex);
            if (isNewest(key, sequence))
                m_pending.remove(key);
        });
    }

    /// The value written last, or the stored one.
    QVariant read(const QString& key, const QVariant& fallback)
    {
        {
            QMutexLocker lock(&m_mutex);
            const auto it = m_pending.constFind(key);
            if (it != m_pending.cend())
                return it->value.isValid() ? it->value : fallback;
        }
        return QSettings().value(key, fallback);
    }

    void flush() { m_pool.waitForDone(); }

private:
    bool isNewest(const QString& key, quint64 sequence) const // with m_mutex held
    {
        const auto it = m_pending.constFind(key);
        return it != m_pending.cend() && it->sequence == sequence;
    }

    SettingsWriter()
    {
        m_pool.setMaxThreadCount(1);
        m_pool.setExpiryTimeout(2000);
    }

    struct Pending {
        QVariant value;
        quint64 sequence;
    };
    QMutex m_mutex;
    QHash<QString, Pending> m_pending;
    quint64 m_sequence = 0;
    QThreadPool m_pool;
};

QVariant value(const QString& key, const QVariant& fallback = {})
{
    return SettingsWriter::instance().read(key, fallback);
}

void setValue(const QString& key, const QVariant& value) { SettingsWriter::instance().write(key, value); }

const QString RecentKey = QStringLiteral("files/recent");
const QString LastScenarioKey = QStringLiteral("files/lastScenario");
const QString LastDirKey = QStringLiteral("files/lastDirectory");
const QString GeometryKey = QStringLiteral("window/geometry");
const QString StateKey = QStringLiteral("window/state");
const QString PresenterKey = QStringLiteral("view/presenter");
const QString TourSeenKey = QStringLiteral("help/tourSeen");
const QString RecordingDirKey = QStringLiteral("files/recordingDirectory");
const QString QueryHistoryKey = QStringLiteral("logPanel/queryHistory");

} // namespace

QStringList Settings::recentFiles()
{
    QStringList files = value(RecentKey).toStringList();
    files.erase(std::remove_if(files.begin(), files.end(), [](const QString& f) { return !QFileInfo::exists(f); }),
        files.end());
    return files;
}

void Settings::addRecentFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > MaxRecentFiles)
        files.removeLast();
    setValue(RecentKey, files);
}

void Settings::clearRecentFiles()
{
    setValue(RecentKey, {});
}

QString Settings::lastScenario()
{
    return value(LastScenarioKey).toString();
}

void Settings::setLastScenario(const QString& pathOrDemo)
{
    setValue(LastScenarioKey, pathOrDemo);
}

QByteArray Settings::windowGeometry()
{
    return value(GeometryKey).toByteArray();
}

QByteArray Settings::windowState()
{
    return value(StateKey).toByteArray();
}

void Settings::setWindow(const QByteArray& geometry, const QByteArray& state)
{
    setValue(GeometryKey, geometry);
    setValue(StateKey, state);
}

bool Settings::tourSeen()
{
    return value(TourSeenKey, false).toBool();
}

void Settings::setTourSeen(bool seen)
{
    setValue(TourSeenKey, seen);
}

bool Settings::presenterMode()
{
    return value(PresenterKey, false).toBool();
}

void Settings::setPresenterMode(bool on)
{
    setValue(PresenterKey, on);
}

QString Settings::lastDirectory()
{
    return value(LastDirKey).toString();
}

void Settings::setLastDirectory(const QString& dir)
{
    setValue(LastDirKey, dir);
}

QString Settings::recordingDirectory()
{
    return value(RecordingDirKey).toString();
}

void Settings::setRecordingDirectory(const QString& dir)
{
    setValue(RecordingDirKey, dir);
}

QStringList Settings::queryHistory() { return value(QueryHistoryKey).toStringList(); }

void Settings::setQueryHistory(const QStringList& queries) { setValue(QueryHistoryKey, queries); }

void Settings::flush() { SettingsWriter::instance().flush(); }

qint64 Settings::logIndexCacheMegabytes() { return LogIndexCache::settingMaxMegabytes(); }

void Settings::setLogIndexCacheMegabytes(qint64 megabytes) { LogIndexCache::setSettingMaxMegabytes(megabytes); }

} // namespace rwb
