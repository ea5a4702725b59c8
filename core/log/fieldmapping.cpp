#include "core/log/fieldmapping.h"

#include <QByteArrayView>

#include <array>

namespace rwb {

namespace {
constexpr std::array kFormats {LogFormat::Auto, LogFormat::Workbench, LogFormat::Pino, LogFormat::Bunyan,
    LogFormat::Zap, LogFormat::Structlog, LogFormat::Ecs, LogFormat::Clef};
}

QString toString(LogFormat format)
{
    switch (format) {
    case LogFormat::Auto:
        return QStringLiteral("auto");
    case LogFormat::Workbench:
        return QStringLiteral("workbench");
    case LogFormat::Pino:
        return QStringLiteral("pino");
    case LogFormat::Bunyan:
        return QStringLiteral("bunyan");
    case LogFormat::Zap:
        return QStringLiteral("zap");
    case LogFormat::Structlog:
        return QStringLiteral("structlog");
    case LogFormat::Ecs:
        return QStringLiteral("ecs");
    case LogFormat::Clef:
        return QStringLiteral("clef");
    }
    return QStringLiteral("auto");
}

std::optional<LogFormat> logFormatFromString(const QString& name)
{
    const QString lower = name.trimmed().toLower();
    if (lower == QLatin1String("logstash"))
        return LogFormat::Ecs;
    if (lower == QLatin1String("serilog"))
        return LogFormat::Clef;
    if (lower == QLatin1String("seed") || lower == QLatin1String("swarm"))
        return LogFormat::Workbench;
    for (auto f : kFormats)
        if (toString(f) == lower)
            return f;
    return std::nullopt;
}

QStringList logFormatNames()
{
    QStringList names;
    for (auto f : kFormats)
        names << toString(f);
    return names;
}

FieldMapping FieldMapping::forFormat(LogFormat format)
{
    FieldMapping m; // workbench
    m.format = format == LogFormat::Auto ? LogFormat::Workbench : format;
    auto foreign = [&m](QByteArray ts, TimeEncoding enc, QByteArray level, QByteArray msg, QByteArray agent,
                       QByteArray task) {
        m.timestampKey = std::move(ts);
        m.timeEncoding = enc;
        m.levelKey = std::move(level);
        m.messageKey = std::move(msg);
        m.agentKey = std::move(agent);
        m.taskKey = std::move(task);
        m.extraPrefix.clear();
        m.eventKey = "event";
    };
    switch (format) {
    case LogFormat::Auto:
    case LogFormat::Workbench:
        break;
    case LogFormat::Pino:
        foreign("time", TimeEncoding::EpochMs, "level", "msg", "name", "reqId");
        break;
    case LogFormat::Bunyan:
        foreign("time", TimeEncoding::Iso8601, "level", "msg", "name", "req_id");
        break;
    case LogFormat::Zap:
        foreign("ts", TimeEncoding::EpochSeconds, "level", "msg", "logger", "trace_id");
        break;
    case LogFormat::Structlog:
        foreign("timestamp", TimeEncoding::Iso8601, "level", "event", "logger", "request_id");
        m.eventKey.clear(); // structlog's "event" is the message
        break;
    case LogFormat::Ecs:
        foreign("@timestamp", TimeEncoding::Iso8601, "log.level", "message", "service.name", "trace.id");
        m.eventKey = "event.action";
        break;
    case LogFormat::Clef:
        foreign("@t", TimeEncoding::Iso8601, "@l", "@m", "SourceContext", "RequestId");
        m.eventKey.clear();
        m.missingLevel = LogLevel::Info; // Seq's rule: no @l means Information
        m.messageFallbackKey = "@mt";    // a rendered @m is optional; the template always tells something
        break;
    }
    return m;
}

jsonscan::Value messageOf(QByteArrayView line, const FieldMapping& mapping) noexcept
{
    jsonscan::Value v = jsonscan::find(line, mapping.messageKey);
    if ((!v.found() || v.type == jsonscan::Type::Null) && !mapping.messageFallbackKey.isEmpty())
        v = jsonscan::find(line, mapping.messageFallbackKey);
    return v;
}

namespace {
// True if `key` occurs as a top-level-looking JSON key ("key":) in the sample.
bool hasKey(QByteArrayView sample, const char* key)
{
    const QByteArray needle = '"' + QByteArray(key) + "\":";
    const QByteArray spaced = '"' + QByteArray(key) + "\" :";
    return sample.contains(needle) || sample.contains(spaced);
}
// True if "key": is followed by a number.
bool numericValue(QByteArrayView sample, const char* key)
{
    const QByteArray needle = '"' + QByteArray(key) + "\":";
    qsizetype at = sample.indexOf(needle);
    if (at < 0)
        return false;
    at += needle.size();
    while (at < sample.size() && (sample[at] == ' ' || sample[at] == '\t'))
        ++at;
    return at < sample.size() && ((sample[at] >= '0' && sample[at] <= '9') || sample[at] == '-');
}
} // namespace

LogFormat detectLogFormat(const char* data, std::size_t size)
{
    const QByteArrayView sample(data, qsizetype(std::min<std::size_t>(size, 64 * 1024)));
    if (hasKey(sample, "@t") && (hasKey(sample, "@m") || hasKey(sample, "@mt")))
        return LogFormat::Clef;
    if (hasKey(sample, "@timestamp"))
        return LogFormat::Ecs;
    if (hasKey(sample, "agent") && hasKey(sample, "task_id") && hasKey(sample, "timestamp"))
        return LogFormat::Workbench;
    if (hasKey(sample, "ts") && hasKey(sample, "msg"))
        return LogFormat::Zap;
    if (hasKey(sample, "time") && hasKey(sample, "msg") && numericValue(sample, "level")) {
        // bunyan always writes "v": 0 and an ISO time; pino writes epoch milliseconds.
        if (hasKey(sample, "v") && !numericValue(sample, "time"))
            return LogFormat::Bunyan;
        return LogFormat::Pino;
    }
    if (hasKey(sample, "event") && hasKey(sample, "timestamp") && !hasKey(sample, "message"))
        return LogFormat::Structlog;
    return LogFormat::Workbench;
}

} // namespace rwb
