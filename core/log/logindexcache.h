#pragma once

#include <QString>
#include <QtGlobal>

namespace rwb {

/// The persistent index cache: one file per log in `$XDG_CACHE_HOME/resilience-workbench/log-index/`,
/// so that re-opening a log (a second `rwb logs` command, the GUI) loads its index instead of
/// rebuilding it. LogIndex reads and writes it when LogIndex::Options::cacheDirectory is set.
///
/// A cache file is keyed by the log's absolute path, size, modification time, inode and a hash of its
/// first and last 64 KB. A log that only grew (same first block, same block where the cache ended)
/// extends its cached index; one that changed, shrank or was replaced is re-indexed and its cache
/// rewritten. A cache file that does not check out (bad header, checksum, or any inconsistency) is
/// ignored and rebuilt, never trusted. Files are written atomically (QSaveFile); the directory is kept
/// under a size cap by deleting the least recently used files (loading a cache file touches it).
///
/// All functions are thread-safe (they touch only the file system and QSettings).
class LogIndexCache final {
public:
    static constexpr qint64 kDefaultMaxBytes = qint64(1) << 30;
    /// The environment variable that overrides the setting (megabytes; 0 turns the cache off).
    static constexpr const char* kEnvMaxMegabytes = "RWB_LOG_INDEX_CACHE_MB";

    /// `$XDG_CACHE_HOME/resilience-workbench/log-index` (~/.cache/... when XDG_CACHE_HOME is unset).
    static QString defaultDirectory();
    /// The size cap in bytes: RWB_LOG_INDEX_CACHE_MB if set, else the workbench setting
    /// "logs/indexCacheMaxMB", else kDefaultMaxBytes. 0: no cache.
    static qint64 configuredMaxBytes();
    /// The setting the GUI edits (megabytes); the CLI reads the same one.
    static qint64 settingMaxMegabytes();
    static void setSettingMaxMegabytes(qint64 megabytes);

    /// The cache file of `logPath` in `directory`.
    static QString fileFor(const QString& directory, const QString& logPath);
    /// Deletes the least recently used cache files until those in `directory` total at most
    /// `maxBytes`. Returns the bytes they total afterwards.
    static qint64 trim(const QString& directory, qint64 maxBytes);
};

} // namespace rwb
