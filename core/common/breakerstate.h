#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace rwb {

enum class BreakerState : std::uint8_t { Closed, Open, HalfOpen };

/// "CLOSED", "OPEN", "HALF_OPEN" — the spelling used in logs and configs.
inline QString toString(BreakerState s)
{
    switch (s) {
    case BreakerState::Closed:
        return QStringLiteral("CLOSED");
    case BreakerState::Open:
        return QStringLiteral("OPEN");
    case BreakerState::HalfOpen:
        return QStringLiteral("HALF_OPEN");
    }
    return QStringLiteral("UNKNOWN");
}

/// Accepts any case and '-' or '_' ("half-open", "HALF_OPEN").
inline std::optional<BreakerState> breakerStateFromString(QString text)
{
    text = text.toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
    for (auto s : {BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen})
        if (toString(s) == text)
            return s;
    return std::nullopt;
}

} // namespace rwb
