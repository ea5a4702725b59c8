#include "core/events/event.h"

#include <array>

namespace rwb {

namespace {
constexpr std::array kKinds {EventKind::BreakerTransition, EventKind::BreakerRejected, EventKind::Attempt,
    EventKind::RetryScheduled, EventKind::RetryGaveUp, EventKind::RequestDone, EventKind::BulkheadRejected,
    EventKind::RateLimited, EventKind::FaultChanged, EventKind::HedgeLaunched, EventKind::HedgeCancelled};
}

QString toString(EventKind kind)
{
    switch (kind) {
    case EventKind::BreakerTransition:
        return QStringLiteral("breaker_transition");
    case EventKind::BreakerRejected:
        return QStringLiteral("breaker_rejected");
    case EventKind::Attempt:
        return QStringLiteral("attempt");
    case EventKind::RetryScheduled:
        return QStringLiteral("retry_scheduled");
    case EventKind::RetryGaveUp:
        return QStringLiteral("retry_gave_up");
    case EventKind::RequestDone:
        return QStringLiteral("request_done");
    case EventKind::BulkheadRejected:
        return QStringLiteral("bulkhead_rejected");
    case EventKind::RateLimited:
        return QStringLiteral("rate_limited");
    case EventKind::FaultChanged:
        return QStringLiteral("fault_changed");
    case EventKind::HedgeLaunched:
        return QStringLiteral("hedge_launched");
    case EventKind::HedgeCancelled:
        return QStringLiteral("hedge_cancelled");
    }
    return QStringLiteral("unknown");
}

std::optional<EventKind> eventKindFromString(const QString& text)
{
    for (auto kind : kKinds)
        if (toString(kind) == text)
            return kind;
    return std::nullopt;
}

} // namespace rwb
