#pragma once

#include "core/common/configerror.h"
#include "core/common/errorclass.h"
#include "core/common/outcome.h"
#include "core/common/random.h"
#include "core/common/time.h"
#include "core/faults/latencydistribution.h"
#include "core/faults/servicequeue.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// What a mock service does with one request.
enum class FaultKind : std::uint8_t {
    Ok,                ///< 200 with a well-formed body
    Http500,           ///< 500 Internal Server Error
    Http503,           ///< 503 Service Unavailable (with Retry-After when FaultProfile::retryAfterOn503)
    Http429,           ///< 429 Too Many Requests, always with Retry-After
    ConnectionReset,   ///< the connection is dropped after `latency`
    ConnectionRefused, ///< nobody listens: fails after `latency` (usually ~0)
    Hang,              ///< never answers; only the client's timeout ends it
    Malformed,         ///< 200 with a body that does not parse
    Conflict,          ///< 409 Conflict: an optimistic write lost to a concurrent one
};

/// "ok", "http_500", "http_503", "http_429", "connection_reset", "connection_refused", "hang", "malformed",
/// "http_409".
QString toString(FaultKind kind);
/// Every kind's name, "ok" first unless `failuresOnly`.
QStringList faultKindNames(bool failuresOnly = false);
std::optional<FaultKind> faultKindFromString(const QString& text);
/// The HTTP status a server sends for `kind` (0 when no response is sent: reset, refused, hang).
int httpStatusFor(FaultKind kind) noexcept;

/// How the Retry-After header is written: delta-seconds ("7") or an IMF-fixdate HTTP-date.
enum class RetryAfterFormat : std::uint8_t { Seconds, HttpDate };
QString toString(RetryAfterFormat format); ///< "seconds", "http_date"
std::optional<RetryAfterFormat> retryAfterFormatFromString(const QString& text);

/// Relative weights of the kinds of error drawn when a request fails by `errorRate`.
/// Weights need not sum to 1, but at least one must be > 0 (validate() says so).
struct ErrorMix {
    double http500 = 1.0;
    double http503 = 0.0;
    double http429 = 0.0;
    double connectionReset = 0.0;
    double hang = 0.0;
    double malformed = 0.0;

    double total() const noexcept { return http500 + http503 + http429 + connectionReset + hang + malformed; }
    FaultKind pick(Random& rng) const noexcept;
    friend bool operator==(const ErrorMix&, const ErrorMix&) = default;
};

/// From `start` (inclusive) to `end` (exclusive), every request fails with `error`.
struct OutageWindow {
    Duration start {};
    Duration end {};
    FaultKind error = FaultKind::Http503;
    friend bool operator==(const OutageWindow&, const OutageWindow&) = default;
};

/// Periodic up/down. Each period (counted from `offset`) starts with `dutyCycle * period` up, then
/// down for the rest: requests fail with `error`. Disabled when period is zero.
struct Flapping {
    Duration period {};
    double dutyCycle = 0.5;
    Duration offset {};
    FaultKind error = FaultKind::Http503;

    bool enabled() const noexcept { return period > Duration::zero(); }
    bool isDown(TimePoint now) const noexcept;
    friend bool operator==(const Flapping&, const Flapping&) = default;
};

/// Error rate and latency growing linearly from the profile's own values at `start` to
/// `errorRate` and `latencyMultiplier` x at `end`, holding the end values afterwards.
struct DegradationRamp {
    Duration start {};
    Duration end {};
    double errorRate = 0.0;         ///< target error rate at `end`
    double latencyMultiplier = 1.0; ///< target latency factor at `end`
    friend bool operator==(const DegradationRamp&, const DegradationRamp&) = default;
};

/// Finite capacity: the service is a queue with `maxConcurrent` workers (c) and a waiting room of
/// `queueSize` places (K - c). A request that finds a worker free is served at once; otherwise it waits
/// (in `discipline` order) and its service time is drawn only when a worker takes it; with every worker
/// busy and the room full it is refused with `overloadError` after `overloadLatency`. Requests that
/// waited longer than `queueTimeout` (or the CoDel bound) are refused when a worker would take them.
/// When a client gives up, a waiting or running request is dropped only with `dropAbandoned` (the
/// cancellation reaches the server); otherwise the server keeps it and works on it in vain, which is
/// what makes retry storms self-sustaining. A hung request holds its worker until its client hangs up.
/// Disabled (unlimited workers, no waiting) when maxConcurrent is zero.
struct Capacity {
    int maxConcurrent = 0;
    int queueSize = 0;
    FaultKind overloadError = FaultKind::Http503;
    LatencyDistribution overloadLatency = LatencyDistribution::fixed(1ms);
    QueueDiscipline discipline = QueueDiscipline::Fifo;
    Duration queueTimeout {};
    std::optional<CoDel> codel;
    bool dropAbandoned = false;

    bool enabled() const noexcept { return maxConcurrent > 0; }
    QueueShape shape() const noexcept { return {maxConcurrent, queueSize, discipline, queueTimeout, codel}; }
    friend bool operator==(const Capacity&, const Capacity&) = default;
};

QString toString(QueueDiscipline discipline); ///< "fifo", "lifo", "adaptive_lifo"
std::optional<QueueDiscipline> queueDisciplineFromString(const QString& text);

/// The plan for one response: what the server will do, and after how long.
struct PlannedResponse {
    /// Why the response looks the way it does (for statistics and tests).
    enum class Cause : std::uint8_t { Normal, ErrorRate, Outage, Flapping, Overload };

    FaultKind kind = FaultKind::Ok;
    Cause cause = Cause::Normal;
    int httpStatus = 200;                    ///< 0 when no response is sent
    Duration latency {};                     ///< until the response/reset; for Hang, how long it was planned to take
    std::optional<Duration> retryAfter;      ///< whole seconds; set for 429 (and 503 when configured)
    RetryAfterFormat retryAfterFormat = RetryAfterFormat::Seconds;
    bool queued = false;                     ///< waited in the capacity queue (set by the executor)

    bool hang() const noexcept { return kind == FaultKind::Hang; }
    bool isSuccess() const noexcept { return kind == FaultKind::Ok; }
    /// The error class a client records ("http_503", "connection_reset", "malformed_response"); none for Ok.
    ErrorClass errorClass() const;
    /// What a client that waited for the response observes. Not meaningful for Hang (the client's
    /// timeout decides that outcome); returns Outcome::timeout(latency) then. Inline for the common success.
    Outcome toOutcome() const { return isSuccess() ? Outcome::success(latency, httpStatus) : failureOutcome(); }
    /// The Retry-After header value for a response sent at `sentUtcMs` (ms since the Unix epoch):
    /// "7" or "Tue, 24 Nov 2026 06:00:07 GMT". Empty when there is no retryAfter.
    QString retryAfterHeader(qint64 sentUtcMs) const;

    friend bool operator==(const PlannedResponse&, const PlannedResponse&) = default;

private:
    Outcome failureOutcome() const;
};

/// How a mock dependency misbehaves. Independent of execution: the simulator and the HTTP mock server
/// both ask serve() what to do with each request. Times (`now`, outage windows, ramps) are on the
/// executor's clock, whose zero is the start of the run.
/// A plain value type; serve() is const and thread-safe as long as each thread uses its own Random.
struct FaultProfile {
    double errorRate = 0.0; ///< probability in [0, 1] that a request fails (kind drawn from errorMix)
    ErrorMix errorMix;
    LatencyDistribution latency;
    Duration retryAfter = 1s; ///< hint sent with 429 (and 503 when retryAfterOn503); rounded up to seconds
    RetryAfterFormat retryAfterFormat = RetryAfterFormat::Seconds;
    bool retryAfterOn503 = false;
    std::vector<OutageWindow> outages;
    Flapping flapping;
    std::optional<DegradationRamp> ramp;
    Capacity capacity;
    /// Delay of each network hop, drawn independently for the request and the response, so even a
    /// refused or failed attempt costs a round trip. Zero by default.
    LatencyDistribution networkDelay = LatencyDistribution::fixed(Duration::zero());
    /// The service stands for one contended record updated with optimistic concurrency: a request reads
    /// the version when a worker takes it and writes when it completes; the write fails with 409 if
    /// another request's write landed in between (checked by the executor, see ContendedRecord).
    bool optimisticConcurrency = false;

    static FaultProfile healthy(Duration latency = 20ms);

    /// Does a request reaching the service at `now` find nobody listening (an outage or flapping phase
    /// of kind connection_refused)? Such a request never queues.
    bool refusesConnections(TimePoint now) const noexcept;
    /// What a worker that takes a request at `now` does with it: the response kind (outage / flapping
    /// phase, else error rate) and the service time (ramp applied). Draws from `rng` in a fixed order, so
    /// equal seeds give equal plans. A forced connection_refused is immediate (latency 0).
    PlannedResponse serve(TimePoint now, Random& rng) const;
    /// The refusal of a request that found no worker and no waiting place (or waited too long).
    PlannedResponse overloaded(Random& rng) const;
    /// Makes `r` a response of `kind`: its status, and the Retry-After hint this profile sends with it.
    void respond(PlannedResponse& r, FaultKind kind) const noexcept;
    /// One network hop (client to service, or back), drawn from `networkDelay`.
    Duration hop(Random& rng) const noexcept { return networkDelay.isZero() ? Duration::zero() : networkDelay.sample(rng); }

    /// Is an outage window or flapping "down" phase in force at `now`?
    std::optional<FaultKind> forcedFailure(TimePoint now, PlannedResponse::Cause* cause = nullptr) const noexcept;

    /// Every broken rule, with snake_case field paths relative to the profile ("latency/p99",
    /// "outages/1/end"), for the config loader to prefix with a JSON pointer.
    FieldErrors validate() const;
    /// One line for logs and FaultChanged events, e.g. "error_rate=0.05 latency=log_normal(median 40 ms, p99 400 ms)".
    QString describe() const;

    friend bool operator==(const FaultProfile&, const FaultProfile&) = default;
};

} // namespace rwb
