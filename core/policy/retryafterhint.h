#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"

#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace rwb {

/// How server `Retry-After` hints are turned into delays (seed 001's RateLimiter).
struct RetryAfterConfig {
    bool respectRetryAfter = true;    ///< respect_retry_after: use the server's hint at all
    Duration defaultRetryDelay = 30s; ///< default_retry_delay: a 429/503 without a usable hint, >= 0
    Duration maxRetryDelay = 300s;    ///< max_retry_delay: cap of every hint, >= default_retry_delay

    static FieldErrors validate(const RetryAfterConfig& config);
};

/// Parsing and capping of HTTP `Retry-After` (RFC 9110 §10.2.3). Pure functions plus an immutable
/// policy object: thread-safe.
class RetryAfterHint final {
public:
    /// Hints above this are saturated while parsing (then capped by max_retry_delay).
    static constexpr Duration kSaturation = std::chrono::hours(24 * 365 * 100);

    /// Parses a header value: delta-seconds ("120") or an HTTP-date in any of the three forms
    /// (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
    /// asctime "Sun Nov  6 08:49:37 1994"), relative to `nowUtcMs` (ms since the Unix epoch).
    /// Surrounding whitespace is ignored. Returns nullopt for garbage, negative or fractional seconds
    /// and impossible dates; a date in the past gives zero; huge values saturate at kSaturation.
    static std::optional<Duration> parse(QStringView value, qint64 nowUtcMs);
    /// An HTTP-date (any of the three forms) as ms since the Unix epoch; nullopt when not a valid date.
    /// Two-digit RFC 850 years are taken as the nearest year not more than 50 years after `nowUtcMs`.
    static std::optional<qint64> parseHttpDate(QStringView value, qint64 nowUtcMs);

    /// 429 Too Many Requests and 503 Service Unavailable: the statuses that get the default delay.
    static bool isThrottleStatus(int httpStatus) noexcept { return httpStatus == 429 || httpStatus == 503; }

    /// Throws InvalidConfig listing every broken rule.
    explicit RetryAfterHint(RetryAfterConfig config = {});
    const RetryAfterConfig& config() const noexcept { return m_config; }

    /// The server-imposed delay for a response: the parsed hint capped at max_retry_delay; for a
    /// 429/503 without a hint (or when hints are not respected) default_retry_delay; otherwise nullopt
    /// (no server opinion).
    std::optional<Duration> delayFor(int httpStatus, std::optional<Duration> hint) const noexcept;
    /// Same, from the raw header value (empty view: header absent).
    std::optional<Duration> delayFor(int httpStatus, QStringView headerValue, qint64 nowUtcMs) const;

private:
    RetryAfterConfig m_config;
};

} // namespace rwb
