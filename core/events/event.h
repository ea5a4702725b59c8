#pragma once

#include "core/common/breakerstate.h"
#include "core/common/errorclass.h"
#include "core/common/outcome.h"
#include "core/common/time.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace rwb {

enum class EventKind : std::uint8_t {
    BreakerTransition, ///< source=circuit; from, to, text=reason
    BreakerRejected,   ///< source=circuit; requestId, delay=time until half-open
    Attempt,           ///< source=pipeline; requestId, attempt, outcome, httpStatus, latency, errorClass
    RetryScheduled,    ///< source=pipeline; requestId, attempt (the one that failed), delay, text=reason
    RetryGaveUp,       ///< source=pipeline; requestId, attempt (attempts made), text=reason
    RequestDone,       ///< source=pipeline; requestId, outcome, attempt (attempts made), total, fallback
    BulkheadRejected,  ///< source=pipeline; requestId
    RateLimited,       ///< source=pipeline; requestId, delay=retry-after, text="client" | "server"
    FaultChanged,      ///< source=service; text=description of the new fault profile
};

/// snake_case name used as `extra.event` in the JSONL log ("breaker_transition", ...).
QString toString(EventKind kind);
std::optional<EventKind> eventKindFromString(const QString& text);

/// One thing that happened in the engine. A flat value type (no heap allocation beyond the
/// implicitly shared QStrings) so executors can emit millions per second. Which fields are
/// meaningful depends on `kind` (see EventKind); the others keep their defaults.
///
/// JSONL mapping (core/log): timestamp <- time, level <- kind/outcome, agent <- source,
/// task_id <- "req-<requestId>", extra <- {"event": toString(kind), and the kind's fields in
/// snake_case with durations in milliseconds: latency_ms, delay_ms, total_ms, retry_after_ms}.
struct Event {
    TimePoint time {};
    EventKind kind = EventKind::Attempt;
    QString source;
    std::uint64_t requestId = 0;
    int attempt = 0;
    OutcomeKind outcome = OutcomeKind::Success;
    int httpStatus = 0;
    ErrorClass errorClass;
    Duration latency {};
    Duration delay {};
    Duration total {};
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    bool fallback = false;
    QString text;

    friend bool operator==(const Event&, const Event&) = default;
};

} // namespace rwb
