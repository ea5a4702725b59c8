#pragma once

#include "core/common/configerror.h"
#include "core/common/errorclass.h"
#include "core/common/outcome.h"
#include "core/common/random.h"
#include "core/common/time.h"

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
};

/// "ok", "http_500", "http_503", "http_429", "connection_reset", "connection_refused", "hang", "malformed".
QString toString(FaultKind kind);
std::optional<FaultKind> faultKindFromString(const QString& text);
/// The HTTP status a server sends for `kind` (0 when no response is sent: reset, refused, hang).
int httpStatusFor(FaultKind kind) noexcept;

/// How the Retry-After header is written: delta-seconds ("7") or an IMF-fixdate HTTP-date.
enum class RetryAfterFormat : std::uint8_t { Seconds, HttpDate };
QString toString(RetryAfterFormat format); ///< "seconds", "http_date"
std::optional<RetryAfterFormat> retryAfterFormatFromString(const QString& text);

/// A latency distribution sampled only with rwb::Random, so samples are bit-for-bit reproducible.
/// Which fields matter depends on `kind`; the others are ignored (and kept, so configs round-trip).
/// log-normal is given by its median and 99th percentile (sigma = ln(p99 / median) / z(0.99)).
/// With probability `slowTailProbability` the sample is replaced by `slowTailLatency`.
/// A plain value type; sample() is const and thread-safe given a per-thread Random.
struct LatencyDistribution {
    enum class Kind : std::uint8_t { Fixed, Uniform, Normal, LogNormal };

    Kind kind = Kind::Fixed;
    Duration value = 20ms;  ///< Fixed
    Duration min = 0ms;     ///< Uniform: [min, max)
    Duration max = 0ms;
    Duration mean = 0ms;    ///< Normal (truncated at zero)
    Duration stddev = 0ms;
    Duration median = 0ms;  ///< LogNormal
    Duration p99 = 0ms;
    double slowTailProbability = 0.0;
    Duration slowTailLatency = 0ms;

    static LatencyDistribution fixed(Duration value);
    static LatencyDistribution uniform(Duration min, Duration max);
    static LatencyDistribution normal(Duration mean, Duration stddev);
    static LatencyDistribution logNormal(Duration median, Duration p99);

    /// Never negative.
    Duration sample(Random& rng) const noexcept;
    /// The distribution's median (exact for fixed/uniform/normal/log-normal, ignoring the slow tail).
    Duration typical() const noexcept;
    /// Field names are snake_case relative to the distribution ("median", "slow_tail_probability").
    FieldErrors validate() const;

    friend bool operator==(const LatencyDistribution&, const LatencyDistribution&) = default;
};

QString toString(LatencyDistribution::Kind kind); ///< "fixed", "uniform", "normal", "log_normal"
std::optional<LatencyDistribution::Kind> latencyKindFromString(const QString& text);

/// Relative weights of the kinds of error drawn when a request fails by `errorRate`.
/// Weights need not sum to 1; all zero means "http_500".
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

/// Finite capacity. A request arriving while `concurrency` requests are in the service:
///  - concurrency < maxConcurrent: served normally;
///  - otherwise, while concurrency < maxConcurrent + queueSize, it waits in the queue: its latency is
///    multiplied by 1 + (queue position) / maxConcurrent, where position = concurrency - maxConcurrent + 1;
///  - beyond that it fails with `overloadError` after `overloadLatency`.
/// Disabled when maxConcurrent is zero. Executors decide how long a request occupies the service:
/// the planned latency (the server keeps working even if the client gave up), or until the client
/// abandons a hung request.
struct Capacity {
    int maxConcurrent = 0;
    int queueSize = 0;
    FaultKind overloadError = FaultKind::Http503;
    Duration overloadLatency = 1ms;

    bool enabled() const noexcept { return maxConcurrent > 0; }
    friend bool operator==(const Capacity&, const Capacity&) = default;
};

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
    bool queued = false;                     ///< waited in the capacity queue

    bool hang() const noexcept { return kind == FaultKind::Hang; }
    bool isSuccess() const noexcept { return kind == FaultKind::Ok; }
    /// The error class a client records ("http_503", "connection_reset", "malformed_response"); none for Ok.
    ErrorClass errorClass() const;
    /// What a client that waited for the response observes. Not meaningful for Hang (the client's
    /// timeout decides that outcome); returns Outcome::timeout(latency) then.
    Outcome toOutcome() const;
    /// The Retry-After header value for a response sent at `sentUtcMs` (ms since the Unix epoch):
    /// "7" or "Tue, 24 Nov 2026 06:00:07 GMT". Empty when there is no retryAfter.
    QString retryAfterHeader(qint64 sentUtcMs) const;

    friend bool operator==(const PlannedResponse&, const PlannedResponse&) = default;
};

/// How a mock dependency misbehaves. Independent of execution: the simulator and the HTTP mock server
/// both ask decide() what to do with each request. Times (`now`, outage windows, ramps) are on the
/// executor's clock, whose zero is the start of the run.
/// A plain value type; decide() is const and thread-safe as long as each thread uses its own Random.
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

    static FaultProfile healthy(Duration latency = 20ms);

    /// The plan for a request arriving at `now` while `concurrency` other requests are in the service.
    /// Draws from `rng` in a fixed order, so equal seeds give equal plans.
    PlannedResponse decide(TimePoint now, Random& rng, int concurrency = 0) const;

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
