#include "ui/common/settings.h"

#include "core/log/logindexcache.h"

#include <QFileInfo>
#include <QSettings>

namespace rwb {

namespace {

const QString RecentKey = QStringLiteral("files/recent");
const QString LastScenarioKey = QStringLiteral("files/lastScenario");
const QString LastDirKey = QStringLiteral("files/lastDirectory");
const QString GeometryKey = QStringLiteral("window/geometry");
const QString StateKey = QStringLiteral("window/state");
const QString PresenterKey = QStringLiteral("view/presenter");
const QString TourSeenKey = QStringLiteral("help/tourSeen");
const QString RecordingDirKey = QStringLiteral("files/recordingDirectory");

} // namespace

QStringList Settings::recentFiles()
{
    QStringList files = QSettings().value(RecentKey).toStringList();
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
    QSettings().setValue(RecentKey, files);
}

void Settings::clearRecentFiles()
{
    QSettings().remove(RecentKey);
}

QString Settings::lastScenario()
{
    return QSettings().value(LastScenarioKey).toString();
}

void Settings::setLastScenario(const QString& pathOrDemo)
{
    QSettings().setValue(LastScenarioKey, pathOrDemo);
}

QByteArray Settings::windowGeometry()
{
    return QSettings().value(GeometryKey).toByteArray();
}

QByteArray Settings::windowState()
{
    return QSettings().value(StateKey).toByteArray();
}

void Settings::setWindow(const QByteArray& geometry, const QByteArray& state)
{
    QSettings s;
    s.setValue(GeometryKey, geometry);
    s.setValue(StateKey, state);
}

bool Settings::tourSeen()
{
    return QSettings().value(TourSeenKey, false).toBool();
}

void Settings::setTourSeen(bool seen)
{
    QSettings().setValue(TourSeenKey, seen);
}

bool Settings::presenterMode()
{
    return QSettings().value(PresenterKey, false).toBool();
}

void Settings::setPresenterMode(bool on)
{
    QSettings().setValue(PresenterKey, on);
}

QString Settings::lastDirectory()
{
    return QSettings().value(LastDirKey).toString();
}

void Settings::setLastDirectory(const QString& dir)
{
    QSettings().setValue(LastDirKey, dir);
}

QString Settings::recordingDirectory()
{
    return QSettings().value(RecordingDirKey).toString();
}

void Settings::setRecordingDirectory(const QString& dir)
{
    QSettings().setValue(RecordingDirKey, dir);
}

qint64 Settings::logIndexCacheMegabytes() { return LogIndexCache::settingMaxMegabytes(); }

void Settings::setLogIndexCacheMegabytes(qint64 megabytes) { LogIndexCache::setSettingMaxMegabytes(megabytes); }

} // namespace rwb
