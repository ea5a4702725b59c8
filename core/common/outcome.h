#pragma once

#include "core/common/errorclass.h"
#include "core/common/time.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace rwb {

enum class OutcomeKind : std::uint8_t {
    Success,  ///< the call returned a usable result
    Error,    ///< the call failed (HTTP error status, reset, exception, malformed response)
    Timeout,  ///< the attempt's deadline passed first
    Rejected, ///< a policy refused to make the call (breaker open, bulkhead full, rate limited)
};

QString toString(OutcomeKind kind); ///< "success", "error", "timeout", "rejected"
std::optional<OutcomeKind> outcomeKindFromString(const QString& text);

/// The result of one attempt, as policies see it. A plain value type: cheap to copy, no allocation.
struct Outcome {
    OutcomeKind kind = OutcomeKind::Success;
    int httpStatus = 0;                    ///< 0 when the attempt had no HTTP response
    std::optional<Duration> retryAfter;    ///< server hint (already parsed from Retry-After)
    Duration latency {};                   ///< time from attempt start to outcome
    ErrorClass errorClass;                 ///< none for success

    bool isSuccess() const noexcept { return kind == OutcomeKind::Success; }

    static Outcome success(Duration latency = {}, int httpStatus = 0)
    {
        return {OutcomeKind::Success, httpStatus, std::nullopt, latency, ErrorClass::none()};
    }
    static Outcome error(ErrorClass errorClass, Duration latency = {}) { return {OutcomeKind::Error, 0, std::nullopt, latency, errorClass}; }
    /// An HTTP error response; the error class is "http_<status>".
    static Outcome httpError(int status, Duration latency = {}, std::optional<Duration> retryAfter = std::nullopt)
    {
        return {OutcomeKind::Error, status, retryAfter, latency, ErrorClass::forHttpStatus(status)};
    }
    static Outcome timeout(Duration latency) { return {OutcomeKind::Timeout, 0, std::nullopt, latency, ErrorClass::timeout()}; }
    static Outcome rejected(ErrorClass why, std::optional<Duration> retryAfter = std::nullopt)
    {
        return {OutcomeKind::Rejected, 0, retryAfter, Duration::zero(), why};
    }
};

} // namespace rwb
