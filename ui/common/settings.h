#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace rwb {

/// Typed access to the workbench's persistent settings (QSettings, organisation "ResilienceWorkbench").
/// Keeps the key names in one place. GUI thread only.
class Settings final {
public:
    static constexpr int MaxRecentFiles = 8;

    static QStringList recentFiles();
    /// Puts `path` first, drops duplicates and missing files, keeps MaxRecentFiles.
    static void addRecentFile(const QString& path);
    static void clearRecentFiles();

    static QString lastScenario();
    static void setLastScenario(const QString& pathOrDemo);

    static QByteArray windowGeometry();
    static QByteArray windowState();
    static void setWindow(const QByteArray& geometry, const QByteArray& state);

    static bool presenterMode();
    static void setPresenterMode(bool on);

    /// Whether the first-run tour was finished or skipped.
    static bool tourSeen();
    static void setTourSeen(bool seen);

    static QString lastDirectory();
    static void setLastDirectory(const QString& dir);

    /// Where recorded runs (JSONL) go; empty until the user chose one.
    static QString recordingDirectory();
    static void setRecordingDirectory(const QString& dir);

    /// The size cap of the log index cache in MB, 0: off (kept by LogIndexCache, which `rwb logs` reads too).
    static qint64 logIndexCacheMegabytes();
    static void setLogIndexCacheMegabytes(qint64 megabytes);
};

} // namespace rwb
