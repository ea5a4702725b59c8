#pragma once

#include "core/log/jsonscan.h"
#include "core/log/loglevel.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace rwb {

/// The JSON log dialects the reader understands. Workbench is the seed format written by
/// JsonlWriter: {"timestamp", "level", "agent", "task_id", "message", "extra": {...}}.
enum class LogFormat : std::uint8_t { Auto, Workbench, Pino, Bunyan, Zap, Structlog, Ecs, Clef };

QString toString(LogFormat format); ///< "auto", "workbench", "pino", "bunyan", "zap", "structlog", "ecs", "clef"
std::optional<LogFormat> logFormatFromString(const QString& name); ///< any case; "logstash" == "ecs", "serilog" == "clef"
QStringList logFormatNames();

/// How a timestamp value is written in a dialect. Iso accepts strings; the epoch encodings accept
/// numbers (and numeric strings). Any encoding also accepts the others as a fallback, so a mapping
/// that is slightly wrong still yields times.
enum class TimeEncoding : std::uint8_t { Iso8601, EpochMs, EpochSeconds };

/// Which JSON keys hold the indexed columns. Keys are dotted paths: "log.level" matches both a
/// top-level key literally named "log.level" and {"log": {"level": ...}} (ECS writes either).
/// An empty key means the dialect has no such field (the column stays empty).
///
/// `extraPrefix` is where `extra.*` query paths point: "extra" for the workbench format (the
/// nested object), empty for foreign formats, where `extra.foo` means the top-level field `foo`.
struct FieldMapping {
    LogFormat format = LogFormat::Workbench;
    QByteArray timestampKey = "timestamp";
    TimeEncoding timeEncoding = TimeEncoding::Iso8601;
    QByteArray levelKey = "level";
    /// Level of a well-formed line without the level key (CLEF: Information); Unknown otherwise.
    LogLevel missingLevel = LogLevel::Unknown;
    QByteArray messageKey = "message";
    /// Read when the message key is absent (CLEF: "@mt", the message template); empty: none.
    QByteArray messageFallbackKey;
    QByteArray agentKey = "agent";
    QByteArray taskKey = "task_id";
    QByteArray extraPrefix = "extra";
    /// Key whose (small) set of string values is indexed as a column; "extra.event" for the
    /// workbench, so `extra.event=breaker_transition` runs over a column.
    QByteArray eventKey = "extra.event";

    static FieldMapping forFormat(LogFormat format); ///< Auto yields the workbench mapping
    friend bool operator==(const FieldMapping&, const FieldMapping&) = default;
};

/// The message of one line under `mapping`: the message key, or the fallback key when the message key
/// is absent or null. Not found (Type::None) when neither is there.
jsonscan::Value messageOf(QByteArrayView line, const FieldMapping& mapping) noexcept;

/// Guesses the dialect from the first lines of a file (a few KB are plenty): it looks at which
/// keys occur and at the type of the level/time values. Falls back to Workbench.
LogFormat detectLogFormat(const char* data, std::size_t size);

} // namespace rwb
