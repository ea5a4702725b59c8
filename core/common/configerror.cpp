#include "core/common/configerror.h"

#include <cmath>

namespace rwb {

namespace {
std::string joinErrors(const FieldErrors& errors)
{
    QStringList lines;
    for (const auto& e : errors)
        lines << e.toString();
    return lines.join(QLatin1Char('\n')).toStdString();
}
} // namespace

InvalidConfig::InvalidConfig(FieldErrors errors)
    : std::runtime_error(joinErrors(errors))
    , m_errors(std::move(errors))
{
}

QString formatNumber(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(value, 'g', 15);
}

void FieldCheck::require(bool ok, const QString& field, const QString& message)
{
    if (!ok)
        m_errors.push_back({field, message});
}

void FieldCheck::atLeast(const QString& field, double value, double min)
{
    if (std::isnan(value) || value < min)
        m_errors.push_back({field, QStringLiteral("expected a number >= %1, got %2").arg(formatNumber(min), formatNumber(value))});
}

void FieldCheck::atLeast(const QString& field, long long value, long long min)
{
    if (value < min)
        m_errors.push_back({field, QStringLiteral("expected an integer >= %1, got %2").arg(min).arg(value)});
}

void FieldCheck::inRange(const QString& field, double value, double min, double max)
{
    if (std::isnan(value) || value < min || value > max)
        m_errors.push_back({field,
            QStringLiteral("expected a number in [%1, %2], got %3").arg(formatNumber(min), formatNumber(max), formatNumber(value))});
}

void FieldCheck::finite(const QString& field, double value)
{
    if (!std::isfinite(value))
        m_errors.push_back({field, QStringLiteral("expected a finite number, got %1").arg(formatNumber(value))});
}

void FieldCheck::durationAtLeastMs(const QString& field, double valueMs, double minMs)
{
    if (std::isnan(valueMs) || valueMs < minMs)
        m_errors.push_back({field,
            QStringLiteral("expected a duration >= %1 ms, got %2 ms").arg(formatNumber(minMs), formatNumber(valueMs))});
}

void FieldCheck::throwIfFailed()
{
    if (!m_errors.empty())
        throw InvalidConfig(take());
}

} // namespace rwb
