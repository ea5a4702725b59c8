#pragma once

#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <optional>

namespace rwb {

/// Severity of a log line, ordered so that `level>=WARNING` is an integer comparison.
/// Unknown sorts below everything (a line whose level is missing or unreadable).
enum class LogLevel : std::uint8_t { Unknown = 0, Trace, Debug, Info, Warning, Error, Critical };

/// Canonical upper-case name as written by JsonlWriter: "TRACE", "DEBUG", "INFO", "WARNING", "ERROR",
/// "CRITICAL" ("UNKNOWN" for Unknown).
QString toString(LogLevel level);
const char* levelName(LogLevel level) noexcept;

/// Accepts every spelling found in the wild, in any case: trace/verbose, debug, info/information,
/// warn/warning, error/err, critical/fatal/panic/dpanic/crit/emerg/alert; pino/bunyan numbers 10..60
/// (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal, rounded down to the decade) and
/// syslog-like single digits are NOT guessed. Returns nullopt when it cannot tell.
std::optional<LogLevel> parseLogLevel(QByteArrayView text) noexcept;
std::optional<LogLevel> parseLogLevel(const QString& text);
/// pino/bunyan numeric levels (10..60 and anything in between, rounded down to the decade).
std::optional<LogLevel> logLevelFromNumber(double value) noexcept;

} // namespace rwb
