#include "core/sweep/sweepparameter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {

constexpr int kDefaultRealSteps = 10;
constexpr int kMaxGridValues = 10000;

bool isIntegerToken(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[-+]?[0-9]+$"));
    return re.match(s).hasMatch();
}

std::optional<double> number(const QString& s)
{
    bool ok = false;
    const double v = s.toDouble(&ok);
    return ok && std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

/// A list item: JSON literal when it parses as one, else a bare string.
QJsonValue listItem(const QString& token)
{
    const QJsonDocument doc = QJsonDocument::fromJson("[" + token.toUtf8() + "]");
    if (doc.isArray() && doc.array().size() == 1)
        return doc.array().first();
    return QJsonValue(token);
}

/// Integers rounded; reals to 6 significant digits, so lines and tuned scenarios read well.
QJsonValue numberValue(double v, bool integer)
{
    return integer ? QJsonValue(qint64(std::llround(v))) : QJsonValue(QString::number(v, 'g', 6).toDouble());
}

} // namespace

std::optional<SweepParameter> SweepParameter::parse(const QString& text, QString* error)
{
    const qsizetype eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0 || !text.startsWith(QLatin1Char('/'))) {
        *error = QStringLiteral("parameter '%1': expected POINTER=SPEC, e.g. "
                                "/pipelines/0/circuit_breaker/failure_threshold=2..20")
                     .arg(text);
        return std::nullopt;
    }
    SweepParameter p;
    p.m_pointer = text.left(eq);
    p.m_spec = text.mid(eq + 1).trimmed();
    const QString where = QStringLiteral("parameter %1: ").arg(p.m_pointer);
    if (p.m_spec.isEmpty()) {
        *error = where + QStringLiteral("empty spec after '='");
        return std::nullopt;
    }
    const qsizetype dots = p.m_spec.indexOf(QStringLiteral(".."));
    if (dots < 0 || p.m_spec.startsWith(QLatin1Char('"'))) {
        for (const QString& token : p.m_spec.split(QLatin1Char(','))) {
            if (token.trimmed().isEmpty()) {
                *error = where + QStringLiteral("empty item in list '%1'").arg(p.m_spec);
                return std::nullopt;
            }
            p.m_values.push_back(listItem(token.trimmed()));
        }
        return p;
    }
    QStringList parts = p.m_spec.split(QLatin1Char(':'));
    const QString range = parts.takeFirst();
    const QString lowText = range.left(range.indexOf(QStringLiteral(".."))).trimmed();
    const QString highText = range.mid(range.indexOf(QStringLiteral("..")) + 2).trimmed();
    const auto low = number(lowText);
    const auto high = number(highText);
    if (!low || !high) {
        *error = where + QStringLiteral("range '%1': both ends must be numbers").arg(range);
        return std::nullopt;
    }
    if (!(*low < *high)) {
        *error = where + QStringLiteral("range '%1': the low end must be below the high end").arg(range);
        return std::nullopt;
    }
    p.m_low = *low;
    p.m_high = *high;
    p.m_integer = isIntegerToken(lowText) && isIntegerToken(highText);
    for (const QString& part : parts) {
        bool ok = false;
        const int steps = part.toInt(&ok);
        if (part == QLatin1String("log")) {
            p.m_log = true;
        } else if (ok && steps >= 2 && steps <= kMaxGridValues) {
            p.m_steps = steps;
        } else {
            *error = where
                + QStringLiteral("'%1' after the range: expected a number of steps (2..%2) or 'log'")
                      .arg(part)
                      .arg(kMaxGridValues);
            return std::nullopt;
        }
    }
    if (p.m_log && p.m_low <= 0) {
        *error = where + QStringLiteral("a log range needs a low end above 0, got %1").arg(lowText);
        return std::nullopt;
    }
    if (p.m_steps == 0 && p.m_integer && !p.m_log && p.m_high - p.m_low + 1 > kMaxGridValues) {
        *error = where
            + QStringLiteral("range '%1' has more than %2 integers: give a number of steps, e.g. %1:20")
                  .arg(range)
                  .arg(kMaxGridValues);
        return std::nullopt;
    }
    return p;
}

std::vector<QJsonValue> SweepParameter::gridValues() const
{
    if (!isRange())
        return m_values;
    std::vector<QJsonValue> out;
    if (m_steps == 0 && m_integer && !m_log) {
        for (auto v = qint64(m_low); v <= qint64(m_high); ++v)
            out.emplace_back(v);
        return out;
    }
    const int steps = m_steps ? m_steps : kDefaultRealSteps;
    for (int i = 0; i < steps; ++i) {
        const double f = double(i) / double(steps - 1);
        const double v = m_log ? std::exp(std::log(m_low) + f * (std::log(m_high) - std::log(m_low)))
                               : m_low + f * (m_high - m_low);
        const QJsonValue value = numberValue(i == steps - 1 ? m_high : v, m_integer);
        if (out.empty() || out.back() != value) // integer rounding can repeat a step
            out.push_back(value);
    }
    return out;
}

QJsonValue SweepParameter::sample(double u) const
{
    u = std::clamp(u, 0.0, std::nextafter(1.0, 0.0));
    if (!isRange())
        return m_values[std::size_t(u * double(m_values.size()))];
    if (m_log) {
        const double v = std::exp(std::log(m_low) + u * (std::log(m_high) - std::log(m_low)));
        return numberValue(std::clamp(v, m_low, m_high), m_integer);
    }
    if (m_integer) // each integer gets an equal share of [0, 1)
        return QJsonValue(qint64(std::min(std::floor(m_low + u * (m_high - m_low + 1)), m_high)));
    return numberValue(m_low + u * (m_high - m_low), false);
}

bool SweepParameter::isNumeric() const
{
    return std::all_of(m_values.begin(), m_values.end(), [](const QJsonValue& v) { return v.isDouble(); });
}

} // namespace rwb
