#include "core/interop/yamlreader.h"

#include "core/config/jsonreader.h"

#include <QRegularExpression>

#include <cmath>

namespace rwb {

namespace {
std::string utf8(const QString& s)
{
    return s.toStdString();
}
QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

std::optional<YamlReader> YamlReader::parse(const QByteArray& bytes, const QString& file, LoadErrors& errors)
{
    try {
        YAML::Node root = YAML::Load(bytes.toStdString());
        if (!root.IsMap()) {
            errors.push_back({ file, 1, 1, QString(), QStringLiteral("expected a YAML mapping at the top level") });
            return std::nullopt;
        }
        return YamlReader(root, QString(), file, errors);
    } catch (const YAML::Exception& e) {
        errors.push_back(
            { file, e.mark.line + 1, e.mark.column + 1, QString(), QStringLiteral("syntax error: ") + qs(e.msg) });
        return std::nullopt;
    }
}

YamlReader::YamlReader(YAML::Node node, QString pointer, QString file, LoadErrors& errors)
    : m_node(std::move(node))
    , m_pointer(std::move(pointer))
    , m_file(std::move(file))
    , m_errors(errors)
{
}

YAML::Node YamlReader::child(const QString& key) const
{
    // Const access does not insert the key.
    const YAML::Node& node = m_node;
    return node[utf8(key)];
}

bool YamlReader::has(const QString& key) const
{
    return m_node.IsMap() && child(key).IsDefined();
}

QStringList YamlReader::keys() const
{
    QStringList out;
    if (!m_node.IsMap())
        return out;
    for (const auto& kv : m_node)
        out << qs(kv.first.Scalar());
    return out;
}

QString YamlReader::pointerOf(const QString& key) const
{
    return m_pointer + QLatin1Char('/') + escapePointerToken(key);
}

void YamlReader::errorAt(const YAML::Mark& mark, const QString& pointer, const QString& message)
{
    const bool known = !mark.is_null();
    m_errors.push_back({ m_file, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, pointer, message });
}

void YamlReader::error(const QString& key, const QString& message)
{
    const YAML::Node node = child(key);
    errorAt(node.IsDefined() ? node.Mark() : m_node.Mark(), pointerOf(key), message);
}

QString YamlReader::describe(const YAML::Node& node)
{
    if (node.IsMap())
        return QStringLiteral("a mapping");
    if (node.IsSequence())
        return QStringLiteral("a list");
    if (node.IsNull())
        return QStringLiteral("null");
    return QStringLiteral("\"%1\"").arg(qs(node.Scalar()));
}

std::optional<YamlReader> YamlReader::map(const QString& key)
{
    m_used.insert(key);
    if (!has(key))
        return std::nullopt;
    const YAML::Node node = child(key);
    if (!node.IsMap()) {
        error(key, QStringLiteral("expected a mapping, got ") + describe(node));
        return std::nullopt;
    }
    return YamlReader(node, pointerOf(key), m_file, m_errors);
}

bool YamlReader::read(const QString& key, bool& out)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const YAML::Node node = child(key);
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
        error(key, QStringLiteral("expected true or false, got ") + describe(node));
        return false;
    }
    out = value;
    return true;
}

bool YamlReader::read(const QString& key, double& out, double min, double max)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const YAML::Node node = child(key);
    bool ok = false;
    const double v = node.IsScalar() ? qs(node.Scalar()).toDouble(&ok) : 0.0;
    if (!ok || !std::isfinite(v)) {
        error(key, QStringLiteral("expected a number, got ") + describe(node));
        return false;
    }
    if (v < min || v > max) {
        error(key, QStringLiteral("expected a number in [%1, %2], got %3").arg(min).arg(max).arg(v));
        return false;
    }
    out = v;
    return true;
}

bool YamlReader::read(const QString& key, int& out, long long min, long long max)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const YAML::Node node = child(key);
    bool ok = false;
    const long long v = node.IsScalar() ? qs(node.Scalar()).toLongLong(&ok) : 0;
    if (!ok) {
        error(key, QStringLiteral("expected an integer, got ") + describe(node));
        return false;
    }
    if (v < min || v > max) {
        error(key, QStringLiteral("expected an integer in [%1, %2], got %3").arg(min).arg(max).arg(v));
        return false;
    }
    out = int(v);
    return true;
}

bool YamlReader::read(const QString& key, QString& out)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const YAML::Node node = child(key);
    if (!node.IsScalar()) {
        error(key, QStringLiteral("expected a string, got ") + describe(node));
        return false;
    }
    out = qs(node.Scalar());
    return true;
}

bool YamlReader::readDuration(const QString& key, Duration& out, Duration min)
{
    m_used.insert(key);
    if (!has(key))
        return false;
    const YAML::Node node = child(key);
    const QString text = node.IsScalar() ? qs(node.Scalar()).trimmed() : QString();
    static const QRegularExpression bare(QStringLiteral(R"(^[0-9]+(\.[0-9]+)?$)"));
    if (bare.match(text).hasMatch()) {
        error(key, QStringLiteral("unit missing: write \"%1ms\" or \"%1s\", got the bare number %1").arg(text));
        return false;
    }
    QString problem;
    const auto d = node.IsScalar() ? JsonReader::parseDuration(QJsonValue(text), &problem) : std::nullopt;
    if (!d) {
        error(key,
            node.IsScalar() ? problem : QStringLiteral("expected a duration like \"250ms\", got ") + describe(node));
        return false;
    }
    if (*d < min) {
        error(key, QStringLiteral("expected a duration >= %1 ms, got %2").arg(toMs(min)).arg(text));
        return false;
    }
    out = *d;
    return true;
}

void YamlReader::finish()
{
    if (!m_node.IsMap())
        return;
    for (const auto& kv : m_node) {
        const QString key = qs(kv.first.Scalar());
        if (!m_used.contains(key))
            errorAt(kv.first.Mark(), pointerOf(key), QStringLiteral("unknown key"));
    }
}

} // namespace rwb
