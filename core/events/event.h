#pragma once

#include "core/common/breakerstate.h"
#include "core/common/errorclass.h"
#include "core/common/outcome.h"
#include "core/common/time.h"

#include <QString>

#include <cstdint>
#include <initializer_list>
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
    HedgeLaunched,     ///< source=pipeline; requestId, attempt (the try), delay=since the try's first request, text=hedge number
    HedgeCancelled,    ///< source=pipeline; requestId, attempt (the try), text=number of the cancelled request (0 = the first)
};

/// A set of event kinds (a bit per kind), for sinks to say which events they want.
class EventKindSet {
public:
    constexpr EventKindSet() = default;
    constexpr EventKindSet(std::initializer_list<EventKind> kinds)
    {
        for (EventKind k : kinds)
            m_bits |= bit(k);
    }
    static constexpr EventKindSet all() { return EventKindSet(~std::uint32_t(0)); }
    constexpr bool contains(EventKind kind) const noexcept { return (m_bits & bit(kind)) != 0; }
    constexpr bool empty() const noexcept { return m_bits == 0; }
    constexpr EventKindSet operator|(EventKindSet other) const noexcept { return EventKindSet(m_bits | other.m_bits); }
    friend constexpr bool operator==(EventKindSet, EventKindSet) = default;

private:
    constexpr explicit EventKindSet(std::uint32_t bits)
        : m_bits(bits)
    {
    }
    static constexpr std::uint32_t bit(EventKind kind) { return std::uint32_t(1) << unsigned(kind); }
    std::uint32_t m_bits = 0;
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
