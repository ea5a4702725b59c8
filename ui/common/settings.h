#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace rwb {

/// Typed access to the workbench's persistent settings (QSettings, organisation "ResilienceWorkbench").
/// Keeps the key names in one place. Writes return at once: a worker writes them to disk in order
/// (a read sees a value as soon as it was set), and they are all written before the QCoreApplication
/// object is destroyed. GUI thread only (the log index cache size is written by LogIndexCache at once).
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

    /// The log panel's earlier queries, newest first.
    static QStringList queryHistory();
    static void setQueryHistory(const QStringList& queries);

    /// Waits until every value set so far is on disk.
    static void flush();

    /// The size cap of the log index cache in MB, 0: off (kept by LogIndexCache, which `rwb logs` reads too).
    static qint64 logIndexCacheMegabytes();
    static void setLogIndexCacheMegabytes(qint64 megabytes);
};

} // namespace rwb
