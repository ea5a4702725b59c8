#pragma once

#include "core/clock/clock.h"
#include "core/events/eventsink.h"
#include "core/log/loglevel.h"

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QMutex>
#include <QSaveFile>
#include <QString>

#include <cstdio>
#include <limits>
#include <memory>

namespace rwb {

/// Writes the structured JSONL log: one JSON object per line in the workbench (seed) format, to
/// `<directory>/<name>_YYYY-MM-DD.jsonl` (the UTC day of the injected Clock: at midnight the next
/// line opens the next day's file), plus an optional human-readable line on a console stream.
/// With Options::file set, every line goes to that one file instead, atomically: the file appears
/// (or replaces an older one) only when commit() succeeds, so a failed run leaves no half log.
///
/// Lines are never split, interleaved or lost: each line is serialised completely, then appended
/// under one mutex; rotation happens between lines; the destructor flushes. With FlushPolicy::
/// EachLine every line reaches the OS before log() returns; Batched buffers up to `batchBytes`.
///
/// This class is thread-safe (log/onEvent/flush from any thread). The Clock must outlive it and be
/// safe to call from the writing threads (a VirtualClock therefore only from its own thread).
class JsonlWriter final : public EventSink {
public:
    enum class FlushPolicy { EachLine, Batched };

    struct Options {
        QString directory = QStringLiteral("logs");
        QString name = QStringLiteral("rwb");
        QString agent = QStringLiteral("workbench"); ///< default `agent` of log() lines
        QString taskId;                              ///< default `task_id` of log() lines
        FlushPolicy flush = FlushPolicy::EachLine;
        qsizetype batchBytes = 64 * 1024;
        std::FILE* console = nullptr;                ///< e.g. stderr; nullptr = no console output
        LogLevel consoleLevel = LogLevel::Info;      ///< console shows lines at or above it
        /// One file at this exact path, written through QSaveFile (no daily rotation; `directory`
        /// and `name` unused). Opened by the constructor: check lastError() before the run.
        QString file;
    };

    JsonlWriter(const Clock& clock, Options options);
    ~JsonlWriter() override;
    JsonlWriter(const JsonlWriter&) = delete;
    JsonlWriter& operator=(const JsonlWriter&) = delete;

    /// One line with the writer's default agent/task. `extra` values are serialised by hand
    /// (strings, numbers, bools, null, nested objects/arrays).
    void log(LogLevel level, const QString& message, const QJsonObject& extra = {});
    void log(LogLevel level, const QString& agent, const QString& taskId, const QString& message,
        const QJsonObject& extra = {});
    void info(const QString& message, const QJsonObject& extra = {}) { log(LogLevel::Info, message, extra); }
    void warning(const QString& message, const QJsonObject& extra = {}) { log(LogLevel::Warning, message, extra); }
    void error(const QString& message, const QJsonObject& extra = {}) { log(LogLevel::Error, message, extra); }

    /// Logs an engine event (see eventcodec.h for the mapping).
    void onEvent(const Event& event) override;
    /// Writes the line a recording starts with, stamped with the clock's time zero, so a replay puts
    /// the events exactly where they were (see eventcodec::encodeRunStarted). Call it before the run.
    void runStarted(const QString& scenario, std::uint64_t seed);

    void flush();
    /// Flushes, and in single-file mode moves the finished file into place. True when every line
    /// was written (else lastError() says why). Lines logged after it are dropped in single-file mode.
    bool commit();
    QString currentPath() const;       ///< the file of the current day ("" before the first line)
    qint64 linesWritten() const;
    QString lastError() const;         ///< "" while all writes succeeded

    /// `<directory>/<name>_YYYY-MM-DD.jsonl` for a UTC time.
    static QString pathFor(const QString& directory, const QString& name, qint64 utcMs);

private:
    void writeLine(qint64 utcMs, const QByteArray& line, const QByteArray& console);
    void rotateIfNeeded(qint64 utcMs);
    void flushLocked();
    QFileDevice& out() noexcept { return m_saveFile ? static_cast<QFileDevice&>(*m_saveFile) : m_file; }

    const Clock& m_clock;
    Options m_options;
    mutable QMutex m_mutex;
    QFile m_file;                         // daily files
    std::unique_ptr<QSaveFile> m_saveFile; // Options::file
    qint64 m_day = std::numeric_limits<qint64>::min();
    QByteArray m_buffer;
    qint64 m_lines = 0;
    QString m_lastError;
};

} // namespace rwb
