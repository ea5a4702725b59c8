#include "core/common/outcome.h"

namespace rwb {

QString toString(OutcomeKind kind)
{
    switch (kind) {
    case OutcomeKind::Success:
        return QStringLiteral("success");
    case OutcomeKind::Error:
        return QStringLiteral("error");
    case OutcomeKind::Timeout:
        return QStringLiteral("timeout");
    case OutcomeKind::Rejected:
        return QStringLiteral("rejected");
    }
    return QStringLiteral("unknown");
}

std::optional<OutcomeKind> outcomeKindFromString(const QString& text)
{
    for (auto kind : {OutcomeKind::Success, OutcomeKind::Error, OutcomeKind::Timeout, OutcomeKind::Rejected})
        if (toString(kind) == text)
            return kind;
    return std::nullopt;
}

} // namespace rwb
