#include "core/log/loglevel.h"

#include <cmath>
#include <cstring>
#include <iterator>
#include <string_view>

namespace rwb {

const char* levelName(LogLevel level) noexcept
{
    switch (level) {
    case LogLevel::Unknown:
        return "UNKNOWN";
    case LogLevel::Trace:
        return "TRACE";
    case LogLevel::Debug:
        return "DEBUG";
    case LogLevel::Info:
        return "INFO";
    case LogLevel::Warning:
        return "WARNING";
    case LogLevel::Error:
        return "ERROR";
    case LogLevel::Critical:
        return "CRITICAL";
    }
    return "UNKNOWN";
}

QString toString(LogLevel level) { return QString::fromLatin1(levelName(level)); }

std::optional<LogLevel> logLevelFromNumber(double value) noexcept
{
    if (!std::isfinite(value) || value < 10 || value >= 70)
        return std::nullopt;
    switch (static_cast<int>(value) / 10) {
    case 1:
        return LogLevel::Trace;
    case 2:
        return LogLevel::Debug;
    case 3:
        return LogLevel::Info;
    case 4:
        return LogLevel::Warning;
    case 5:
        return LogLevel::Error;
    default:
        return LogLevel::Critical;
    }
}

std::optional<LogLevel> parseLogLevel(QByteArrayView text) noexcept
{
    // Lower-case into a small buffer: level names are short, anything longer is not a level.
    char buf[16];
    const qsizetype n = text.size();
    if (n == 0 || n >= qsizetype(sizeof buf))
        return std::nullopt;
    // The names JsonlWriter writes (most lines of a workbench log) match as they are, in enum order.
    static constexpr std::string_view kCanonical[] = {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
    const std::string_view raw(text.data(), std::size_t(n));
    for (std::size_t i = 0; i < std::size(kCanonical); ++i)
        if (raw == kCanonical[i])
            return LogLevel(i + 1);
    bool digits = true;
    for (qsizetype i = 0; i < n; ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        buf[i] = c;
        digits = digits && ((c >= '0' && c <= '9') || c == '.');
    }
    buf[n] = 0;
    if (digits) {
        double v = 0;
        for (qsizetype i = 0; i < n && buf[i] != '.'; ++i)
            v = v * 10 + (buf[i] - '0');
        return logLevelFromNumber(v);
    }
    struct Name {
        std::string_view name;
        LogLevel level;
    };
    // string_view compares lengths first: no strcmp call per candidate.
    static constexpr Name kNames[] = {{"info", LogLevel::Info}, {"information", LogLevel::Info},
        {"warning", LogLevel::Warning}, {"warn", LogLevel::Warning}, {"error", LogLevel::Error},
        {"err", LogLevel::Error}, {"debug", LogLevel::Debug}, {"trace", LogLevel::Trace},
        {"verbose", LogLevel::Trace}, {"critical", LogLevel::Critical}, {"crit", LogLevel::Critical},
        {"fatal", LogLevel::Critical}, {"panic", LogLevel::Critical}, {"dpanic", LogLevel::Critical},
        {"emerg", LogLevel::Critical}, {"emergency", LogLevel::Critical}, {"alert", LogLevel::Critical},
        {"notice", LogLevel::Info}};
    const std::string_view lower(buf, std::size_t(n));
    for (const auto& entry : kNames)
        if (entry.name == lower)
            return entry.level;
    return std::nullopt;
}

std::optional<LogLevel> parseLogLevel(const QString& text) { return parseLogLevel(QByteArrayView(text.toUtf8())); }

} // namespace rwb
