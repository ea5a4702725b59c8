#include "core/log/jsonlwriter.h"

#include "core/common/iso8601.h"
#include "core/log/eventcodec.h"
#include "core/log/jsonwrite.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonValue>

#include <charconv>
#include <cmath>

namespace rwb {

namespace {

constexpr qint64 kMsPerDay = 86400000;

qint64 dayOf(qint64 utcMs) noexcept { return utcMs / kMsPerDay - ((utcMs % kMsPerDay) < 0 ? 1 : 0); }

void appendJsonValue(const QJsonValue& value, QByteArray& out, int depth);

void appendJsonObject(const QJsonObject& object, QByteArray& out, int depth)
{
    out.append('{');
    bool first = true;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!first)
            out.append(", ", 2);
        first = false;
        jsonwrite::appendString(QStringView(it.key()), out);
        out.append(": ", 2);
        appendJsonValue(it.value(), out, depth + 1);
    }
    out.append('}');
}

void appendJsonValue(const QJsonValue& value, QByteArray& out, int depth)
{
    if (depth > 64) { // QJsonObject nests arbitrarily; a log line does not need to
        out.append("null", 4);
        return;
    }
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out.append("null", 4);
        break;
    case QJsonValue::Bool:
        out.append(value.toBool() ? "true" : "false");
        break;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (!std::isfinite(d)) {
            out.append("null", 4);
            break;
        }
        char buf[32];
        std::to_chars_result r;
        if (d == std::trunc(d) && std::fabs(d) < 9007199254740992.0)
            r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
        else
            r = std::to_chars(buf, buf + sizeof buf, d); // shortest round-trip form
        out.append(buf, r.ptr - buf);
        break;
    }
    case QJsonValue::String:
        jsonwrite::appendString(QStringView(value.toString()), out);
        break;
    case QJsonValue::Array: {
        out.append('[');
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i)
                out.append(", ", 2);
            appendJsonValue(array.at(i), out, depth + 1);
        }
        out.append(']');
        break;
    }
    case QJsonValue::Object:
        appendJsonObject(value.toObject(), out, depth + 1);
        break;
    }
}

QByteArray consoleText(qint64 utcMs, LogLevel level, const QString& agent, const QString& task, const QString& message)
{
    QByteArray ts;
    iso8601::appendTimestamp(utcMs, ts);
    QByteArray line = ts.mid(11, 12); // HH:MM:SS.mmm
    line += ' ';
    line += QByteArray(levelName(level)).leftJustified(8);
    line += '[' + agent.toUtf8() + ']';
    if (!task.isEmpty())
        line += ' ' + task.toUtf8();
    line += ' ' + message.toUtf8() + '\n';
    return line;
}

} // namespace

JsonlWriter::JsonlWriter(const Clock& clock, Options options)
    : m_clock(clock)
    , m_options(std::move(options))
{
    if (m_options.batchBytes < 1)
        m_options.batchBytes = 1;
    if (m_options.flush == FlushPolicy::Batched)
        m_buffer.reserve(m_options.batchBytes + 4096);
    if (!m_options.file.isEmpty()) {
        m_saveFile = std::make_unique<QSaveFile>(m_options.file);
        if (!m_saveFile->open(QIODevice::WriteOnly))
            m_lastError = QStringLiteral("%1: cannot open for writing: %2").arg(m_options.file, m_saveFile->errorString());
    }
}

JsonlWriter::~JsonlWriter()
{
    QMutexLocker lock(&m_mutex);
    if (m_saveFile)
        return; // not committed: QSaveFile discards the temporary file, the old file stays
    flushLocked();
    m_file.close();
}

bool JsonlWriter::commit()
{
    QMutexLocker lock(&m_mutex);
    flushLocked();
    if (m_saveFile && m_saveFile->isOpen() && !m_saveFile->commit() && m_lastError.isEmpty())
        m_lastError = QStringLiteral("%1: %2").arg(m_options.file, m_saveFile->errorString());
    return m_lastError.isEmpty();
}

QString JsonlWriter::pathFor(const QString& directory, const QString& name, qint64 utcMs)
{
    QByteArray ts;
    iso8601::appendTimestamp(utcMs, ts);
    return QDir(directory).filePath(name + QLatin1Char('_') + QString::fromLatin1(ts.left(10)) + QStringLiteral(".jsonl"));
}

void JsonlWriter::log(LogLevel level, const QString& message, const QJsonObject& extra)
{
    log(level, m_options.agent, m_options.taskId, message, extra);
}

void JsonlWriter::log(LogLevel level, const QString& agent, const QString& taskId, const QString& message,
    const QJsonObject& extra)
{
    const qint64 utcMs = m_clock.toUtcMs(m_clock.now());
    QByteArray line;
    line.reserve(192 + message.size());
    line.append("{\"timestamp\": \"", 15);
    iso8601::appendTimestamp(utcMs, line);
    line.append("\", \"level\": \"", 13);
    line.append(levelName(level));
    line.append("\", \"agent\": ", 12);
    jsonwrite::appendString(QStringView(agent), line);
    line.append(", \"task_id\": ", 13);
    jsonwrite::appendString(QStringView(taskId), line);
    line.append(", \"message\": ", 13);
    jsonwrite::appendString(QStringView(message), line);
    line.append(", \"extra\": ", 11);
    appendJsonObject(extra, line, 0);
    line.append("}\n", 2);
    QByteArray console;
    if (m_options.console && level >= m_options.consoleLevel)
        console = consoleText(utcMs, level, agent, taskId, message);
    writeLine(utcMs, line, console);
}

void JsonlWriter::onEvent(const Event& event)
{
    const qint64 utcMs = m_clock.toUtcMs(event.time);
    QByteArray line;
    line.reserve(320);
    eventcodec::encode(event, utcMs, line);
    QByteArray console;
    const LogLevel level = eventcodec::levelFor(event);
    if (m_options.console && level >= m_options.consoleLevel) {
        const QString task = event.requestId ? QStringLiteral("req-%1").arg(event.requestId) : QString();
        console = consoleText(utcMs, level, event.source, task, eventcodec::messageFor(event));
    }
    writeLine(utcMs, line, console);
}

void JsonlWriter::runStarted(const QString& scenario, std::uint64_t seed)
{
    const qint64 utcMs = m_clock.toUtcMs(TimePoint {});
    QByteArray line;
    eventcodec::encodeRunStarted(utcMs, scenario, seed, line);
    QByteArray console;
    if (m_options.console && LogLevel::Info >= m_options.consoleLevel)
        console = consoleText(utcMs, LogLevel::Info, QStringLiteral("workbench"), QString(),
            QStringLiteral("run started: %1 (seed %2)").arg(scenario).arg(seed));
    writeLine(utcMs, line, console);
}

void JsonlWriter::writeLine(qint64 utcMs, const QByteArray& line, const QByteArray& console)
{
    QMutexLocker lock(&m_mutex);
    rotateIfNeeded(utcMs);
    // Copy the bytes: append(QByteArray) into an empty buffer would share the caller's data, and
    // the buffer would then be freed on this thread while the caller still references it.
    m_buffer.append(line.constData(), line.size());
    ++m_lines;
    if (m_options.flush == FlushPolicy::EachLine || m_buffer.size() >= m_options.batchBytes)
        flushLocked();
    if (!console.isEmpty()) {
        std::fwrite(console.constData(), 1, std::size_t(console.size()), m_options.console);
        if (m_options.flush == FlushPolicy::EachLine)
            std::fflush(m_options.console);
    }
}

void JsonlWriter::rotateIfNeeded(qint64 utcMs)
{
    if (m_saveFile)
        return;
    const qint64 day = dayOf(utcMs);
    if (day == m_day && m_file.isOpen())
        return;
    // Lines of the old day go to the old file before it is closed: rotation never splits a batch.
    flushLocked();
    m_file.close();
    m_day = day;
    const QString path = pathFor(m_options.directory, m_options.name, utcMs);
    QDir().mkpath(m_options.directory);
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        m_lastError = QStringLiteral("%1: cannot open for writing: %2").arg(path, m_file.errorString());
}

void JsonlWriter::flushLocked()
{
    if (m_buffer.isEmpty())
        return;
    QFileDevice& file = out();
    if (!file.isOpen()) {
        if (m_lastError.isEmpty())
            m_lastError = QStringLiteral("%1: not open; %2 bytes of log dropped").arg(file.fileName()).arg(m_buffer.size());
        m_buffer.resize(0);
        return;
    }
    qsizetype done = 0;
    while (done < m_buffer.size()) {
        const qint64 n = file.write(m_buffer.constData() + done, m_buffer.size() - done);
        if (n <= 0) {
            m_lastError = QStringLiteral("%1: write failed: %2").arg(file.fileName(), file.errorString());
            break;
        }
        done += qsizetype(n);
    }
    m_buffer.resize(0); // keeps the capacity: a batch must not grow (copy, fault in) a new buffer every time
}

void JsonlWriter::flush()
{
    QMutexLocker lock(&m_mutex);
    flushLocked();
    if (m_options.console)
        std::fflush(m_options.console);
}

QString JsonlWriter::currentPath() const
{
    QMutexLocker lock(&m_mutex);
    if (m_saveFile)
        return m_options.file;
    return m_file.isOpen() ? m_file.fileName() : QString();
}

qint64 JsonlWriter::linesWritten() const
{
    QMutexLocker lock(&m_mutex);
    return m_lines;
}

QString JsonlWriter::lastError() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastError;
}

} // namespace rwb
