#include "ui/editors/parameterspec.h"

#include "core/policy/retrypolicy.h"

#include <cmath>

namespace rwb {

double ParameterSpec::toDisplay(const QJsonValue& json) const
{
    const QJsonValue v = json.isUndefined() || json.isNull() ? defaultValue : json;
    switch (kind) {
    case Kind::Bool:
        return v.toBool() ? 1.0 : 0.0;
    case Kind::Choice: {
        const auto index = choices.indexOf(v.toString());
        return index < 0 ? 0.0 : double(index);
    }
    default:
        if (offAtMinimum && (v.isUndefined() || v.isNull()))
            return minimum;
        return v.toDouble() / jsonScale;
    }
}

QJsonValue ParameterSpec::toJson(double display) const
{
    switch (kind) {
    case Kind::Bool:
        return display != 0.0;
    case Kind::Choice: {
        const auto index = qsizetype(std::lround(display));
        return index >= 0 && index < choices.size() ? QJsonValue(choices.at(index)) : defaultValue;
    }
    case Kind::Integer:
        if (offAtMinimum && display <= minimum)
            return QJsonValue(QJsonValue::Undefined);
        return qint64(std::llround(display * jsonScale));
    default: {
        if (offAtMinimum && display <= minimum)
            return QJsonValue(QJsonValue::Undefined);
        // Round away binary noise introduced by the scale so saved files stay readable (0.1, not 0.10000000000000001).
        const double value = display * jsonScale;
        const double rounded = std::round(value * 1e9) / 1e9;
        return rounded;
    }
    }
}

QStringList ParameterSpec::knownErrorClasses()
{
    // the engine's defaults name the usual ones; the executors add the rest
    QStringList names = RetryConfig::defaultRetryable().names() + RetryConfig::defaultNonRetryable().names();
    for (const ErrorClass c : { ErrorClass::timeout(), ErrorClass::connectionReset(), ErrorClass::connectionRefused(),
             ErrorClass::malformedResponse() })
        names << c.name();
    names.removeDuplicates();
    names.sort();
    return names;
}

} // namespace rwb
