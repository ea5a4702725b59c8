#include "core/config/jsonreader.h"

#include "core/common/nearestname.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {
constexpr double kMaxDurationSeconds = 100.0 * 365 * 24 * 3600; // far beyond any sensible setting, well inside int64 ns

QString quoted(const QString& s)
{
    QString shown = s.size() > 60 ? s.left(57) + QStringLiteral("...") : s;
    return QLatin1Char('"') + shown + QLatin1Char('"');
}
} // namespace

QString LoadError::toString() const
{
    QString where = file.isEmpty() ? QString() : file;
    if (line > 0) {
        where += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            where += QLatin1Char(':') + QString::number(column);
    }
    QString text = where.isEmpty() ? QString() : where + QStringLiteral(": ");
    if (line == 0)
        text += (pointer.isEmpty() ? QStringLiteral("(document)") : pointer) + QStringLiteral(": ");
    return text + message;
}

QString escapePointerToken(const QString& token)
{
    QString t = token;
    t.replace(QLatin1Char('~'), QStringLiteral("~0"));
    t.replace(QLatin1Char('/'), QStringLiteral("~1"));
    return t;
}

JsonReader::JsonReader(QJsonObject object, QString pointer, LoadErrors& errors)
    : m_object(std::move(object))
    , m_pointer(std::move(pointer))
    , m_errors(errors)
{
}

void JsonReader::error(const QString& key, const QString& message)
{
    m_errors.push_back({QString(), 0, 0, key.isEmpty() ? m_pointer : pointerOf(key), message});
}

QString JsonReader::describe(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return formatNumber(value.toDouble());
    case QJsonValue::String:
        return QStringLiteral("a string ") + quoted(value.toString());
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

bool JsonReader::read(const QString& key, bool& out)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const QJsonValue v = m_object.value(key);
    if (!v.isBool()) {
        error(key, QStringLiteral("expected true or false, got ") + describe(v));
        return false;
    }
    out = v.toBool();
    return true;
}

bool JsonReader::read(const QString& key, int& out, long long min, long long max)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const QJsonValue v = m_object.value(key);
    const QString expected = max == INT_MAX ? QStringLiteral("an integer >= %1").arg(min)
                                            : QStringLiteral("an integer in [%1, %2]").arg(min).arg(max);
    if (!v.isDouble()) {
        error(key, QStringLiteral("expected %1, got %2").arg(expected, describe(v)));
        return false;
    }
    const double d = v.toDouble();
    if (d != std::floor(d) || d < double(min) || d > double(max)) {
        error(key, QStringLiteral("expected %1, got %2").arg(expected, formatNumber(d)));
        return false;
    }
    out = int(d);
    return true;
}

bool JsonReader::read(const QString& key, std::uint64_t& out)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const QJsonValue v = m_object.value(key);
    // Doubles hold integers exactly only up to 2^53: larger seeds would silently change.
    constexpr double kMax = 9007199254740992.0;
    const double d = v.toDouble(-1.0);
    if (!v.isDouble() || d != std::floor(d) || d < 0 || d > kMax) {
        error(key, QStringLiteral("expected an integer in [0, 9007199254740992], got ") + describe(v));
        return false;
    }
    out = std::uint64_t(d);
    return true;
}

bool JsonReader::read(const QString& key, double& out, double min, double max)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const QJsonValue v = m_object.value(key);
    if (!v.isDouble()) {
        error(key, QStringLiteral("expected a number, got ") + describe(v));
        return false;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || d < min || d > max) {
        const QString expected = max >= 1.0e300 ? QStringLiteral("a number >= %1").arg(formatNumber(min))
                                                : QStringLiteral("a number in [%1, %2]").arg(formatNumber(min), formatNumber(max));
        error(key, QStringLiteral("expected %1, got %2").arg(expected, formatNumber(d)));
        return false;
    }
    out = d;
    return true;
}

bool JsonReader::read(const QString& key, QString& out, bool allowEmpty)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const QJsonValue v = m_object.value(key);
    if (!v.isString()) {
        error(key, QStringLiteral("expected a string, got ") + describe(v));
        return false;
    }
    if (!allowEmpty && v.toString().trimmed().isEmpty()) {
        error(key, QStringLiteral("expected a non-empty string, got \"%1\"").arg(v.toString()));
        return false;
    }
    out = v.toString();
    return true;
}

std::optional<Duration> JsonReader::parseDuration(const QJsonValue& value, QString* problem)
{
    double seconds = 0;
    if (value.isDouble()) {
        seconds = value.toDouble();
    } else if (value.isString()) {
        static const QRegularExpression re(QStringLiteral(R"(^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*(ns|us|ms|s|m|min|h)\s*$)"));
        const auto m = re.match(value.toString());
        if (!m.hasMatch()) {
            *problem = QStringLiteral("expected a duration (seconds, or a string like \"250ms\", \"1.5s\", \"2m\"), got ")
                + describe(value);
            return std::nullopt;
        }
        const double n = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        const double scale = unit == QLatin1String("ns") ? 1e-9
            : unit == QLatin1String("us")                ? 1e-6
            : unit == QLatin1String("ms")                ? 1e-3
            : unit == QLatin1String("s")                 ? 1.0
            : unit == QLatin1String("h")                 ? 3600.0
                                                         : 60.0;
        seconds = n * scale;
    } else {
        *problem = QStringLiteral("expected a duration (seconds, or a string like \"250ms\"), got ") + describe(value);
        return std::nullopt;
    }
    if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxDurationSeconds) {
        *problem = QStringLiteral("expected a duration in [0, %1] s, got %2 s").arg(formatNumber(kMaxDurationSeconds), formatNumber(seconds));
        return std::nullopt;
    }
    return fromSeconds(seconds);
}

bool JsonReader::readDuration(const QString& key, Duration& out)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    QString problem;
    if (auto d = parseDuration(m_object.value(key), &problem)) {
        out = *d;
        return true;
    }
    error(key, problem);
    return false;
}

bool JsonReader::readDuration(const QString& key, std::optional<Duration>& out)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    if (m_object.value(key).isNull()) {
        out.reset();
        return true;
    }
    Duration d {};
    if (!readDuration(key, d))
        return false;
    out = d;
    return true;
}

bool JsonReader::readStringList(const QString& key, QStringList& out)
{
    auto a = array(key);
    if (!a)
        return false;
    QStringList list;
    bool ok = true;
    for (qsizetype i = 0; i < a->size(); ++i) {
        const QJsonValue v = a->at(i);
        if (!v.isString()) {
            m_errors.push_back({QString(), 0, 0, pointerOf(key) + QLatin1Char('/') + QString::number(i),
                QStringLiteral("expected a string, got ") + describe(v)});
            ok = false;
            continue;
        }
        list << v.toString();
    }
    if (ok)
        out = list;
    return ok;
}

std::optional<JsonReader> JsonReader::object(const QString& key)
{
    m_used.insert(key);
    if (!has(key))
        return std::nullopt;
    const QJsonValue v = m_object.value(key);
    if (!v.isObject()) {
        error(key, QStringLiteral("expected an object, got ") + describe(v));
        return std::nullopt;
    }
    return JsonReader(v.toObject(), pointerOf(key), m_errors);
}

std::optional<QJsonArray> JsonReader::array(const QString& key)
{
    m_used.insert(key);
    if (!has(key))
        return std::nullopt;
    const QJsonValue v = m_object.value(key);
    if (!v.isArray()) {
        error(key, QStringLiteral("expected an array, got ") + describe(v));
        return std::nullopt;
    }
    return v.toArray();
}

void JsonReader::finish()
{
    QStringList known(m_used.begin(), m_used.end());
    known.sort();
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        if (m_used.contains(it.key()))
            continue;
        const QString best = nearestName(it.key(), known);
        error(it.key(), best.isEmpty() ? QStringLiteral("unknown key")
                                       : QStringLiteral("unknown key (did you mean \"%1\"?)").arg(best));
    }
}

void JsonReader::addFieldErrors(const FieldErrors& errors)
{
    for (const auto& e : errors) {
        QString field = e.field;
        field.replace(QLatin1Char('.'), QLatin1Char('/')); // policies may name nested fields "backoff.base_delay"
        m_errors.push_back({QString(), 0, 0, m_pointer + QLatin1Char('/') + field, e.message});
    }
}

QJsonValue durationToJson(Duration d) { return QJsonValue(double(d.count()) / 1e9); }

} // namespace rwb
