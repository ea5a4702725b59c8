#pragma once

#include "core/events/event.h"
#include "core/log/loglevel.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace rwb {

/// rwb::Event <-> one JSONL object in the workbench (seed) log format:
///
///   {"timestamp": "2026-01-03T15:30:00.250+00:00", "level": "WARNING", "agent": "payments",
///    "task_id": "req-42", "message": "breaker payments CLOSED -> OPEN (5 failures)",
///    "extra": {"event": "breaker_transition", "from": "CLOSED", "to": "OPEN", "reason": "5 failures"}}
///
/// agent <- source; task_id <- "req-<requestId>" (empty when requestId is 0); extra.event <-
/// toString(kind); the kind's fields in snake_case (request_id, attempt, outcome, http_status,
/// error_class, latency_ms, delay_ms, total_ms, fallback, from, to, and the text as reason /
/// limiter / description / text). Durations are milliseconds with up to 6 decimals, so they are
/// exact to the nanosecond; a field that a kind does not use is written only if it is not at its
/// default, so decode(encode(e)) == e for every Event. The timestamp has millisecond precision;
/// when the event time has sub-millisecond nanoseconds they go to extra.time_ns_frac.
///
/// All functions are pure and thread-safe.
namespace eventcodec {

/// The level a line gets (docs/log-format.md): DEBUG for a successful attempt; INFO for failed
/// attempts, scheduled retries, refusals by a breaker, bulkhead or rate limiter, fault changes and
/// requests that succeeded; WARNING for a breaker opening, a give-up and a request answered by its
/// fallback; ERROR for a request that failed.
LogLevel levelFor(const Event& event) noexcept;
/// The human-readable message of the line.
QString messageFor(const Event& event);

/// Appends one line (with the final '\n') to `out`. `utcMs` is the event's wall time
/// (Clock::toUtcMs(event.time)).
void encode(const Event& event, qint64 utcMs, QByteArray& out);
QByteArray encode(const Event& event, qint64 utcMs);

/// `extra.event` of the line a recording starts with (not an EventKind: replay skips it as an event).
inline constexpr char kRunStartedEvent[] = "run_started";

/// Appends the line that opens a recording: its timestamp is engine time zero (`originUtcMs`), so a
/// replayer can place the events exactly where they were, even when the first one came late.
///   {"timestamp": ..., "level": "INFO", "agent": "workbench", "task_id": "", "message": "run started:
///    <scenario> (seed <seed>)", "extra": {"event": "run_started", "scenario": ..., "seed": ...}}
void encodeRunStarted(qint64 originUtcMs, const QString& scenario, std::uint64_t seed, QByteArray& out);

/// Decodes a line written by encode() (or any seed-format line with an `extra.event` naming an
/// EventKind). `originUtcMs` is the wall time of engine time zero: event.time = timestamp - origin
/// (+ sub-ms nanoseconds). Returns nullopt for a line that is not a workbench event; `error`
/// then says why.
std::optional<Event> decode(QByteArrayView line, qint64 originUtcMs, QString* error = nullptr);

/// The timestamp reader and writer are in core/common/iso8601.h, the JSON writing helpers in
/// core/log/jsonwrite.h.

} // namespace eventcodec
} // namespace rwb
