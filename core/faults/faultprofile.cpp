#include "core/faults/faultprofile.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <array>
#include <cmath>

namespace rwb {

namespace {
constexpr std::array kFaultKinds {FaultKind::Ok, FaultKind::Http500, FaultKind::Http503, FaultKind::Http429,
    FaultKind::ConnectionReset, FaultKind::ConnectionRefused, FaultKind::Hang, FaultKind::Malformed, FaultKind::Conflict};

Duration scaled(Duration d, double factor) noexcept
{
    const double ns = double(d.count()) * factor;
    if (!(ns > 0.0))
        return Duration::zero();
    if (ns >= 9.0e18)
        return Duration(std::int64_t(9.0e18));
    return Duration(std::int64_t(ns + 0.5));
}

QString ms(Duration d) { return formatMs(d); }

void checkDuration(FieldErrors& errors, const QString& field, Duration d)
{
    if (d < Duration::zero())
        errors.push_back({field, QStringLiteral("expected a duration >= 0 ms, got %1").arg(ms(d))});
}

void checkProbability(FieldErrors& errors, const QString& field, double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        errors.push_back({field, QStringLiteral("expected a number in [0, 1], got %1").arg(formatNumber(p))});
}

void checkFailureKind(FieldErrors& errors, const QString& field, FaultKind kind)
{
    if (kind == FaultKind::Ok)
        errors.push_back({field, QStringLiteral("expected a failure kind, got \"ok\"")});
}

void prefix(FieldErrors& into, const QString& path, FieldErrors from)
{
    for (auto& e : from)
        into.push_back({path + QLatin1Char('/') + e.field, std::move(e.message)});
}
} // namespace

QString toString(FaultKind kind)
{
    switch (kind) {
    case FaultKind::Ok:
        return QStringLiteral("ok");
    case FaultKind::Http500:
        return QStringLiteral("http_500");
    case FaultKind::Http503:
        return QStringLiteral("http_503");
    case FaultKind::Http429:
        return QStringLiteral("http_429");
    case FaultKind::ConnectionReset:
        return QStringLiteral("connection_reset");
    case FaultKind::ConnectionRefused:
        return QStringLiteral("connection_refused");
    case FaultKind::Hang:
        return QStringLiteral("hang");
    case FaultKind::Malformed:
        return QStringLiteral("malformed");
    case FaultKind::Conflict:
        return QStringLiteral("http_409");
    }
    return QStringLiteral("unknown");
}

QStringList faultKindNames(bool failuresOnly)
{
    QStringList names;
    for (auto kind : kFaultKinds)
        if (!failuresOnly || kind != FaultKind::Ok)
            names << toString(kind);
    return names;
}

std::optional<FaultKind> faultKindFromString(const QString& text)
{
    for (auto kind : kFaultKinds)
        if (toString(kind) == text)
            return kind;
    return std::nullopt;
}

int httpStatusFor(FaultKind kind) noexcept
{
    switch (kind) {
    case FaultKind::Ok:
    case FaultKind::Malformed:
        return 200;
    case FaultKind::Http500:
        return 500;
    case FaultKind::Http503:
        return 503;
    case FaultKind::Http429:
        return 429;
    case FaultKind::Conflict:
        return 409;
    case FaultKind::ConnectionReset:
    case FaultKind::ConnectionRefused:
    case FaultKind::Hang:
        return 0;
    }
    return 0;
}

QString toString(RetryAfterFormat format)
{
    return format == RetryAfterFormat::HttpDate ? QStringLiteral("http_date") : QStringLiteral("seconds");
}

std::optional<RetryAfterFormat> retryAfterFormatFromString(const QString& text)
{
    if (text == QLatin1String("seconds"))
        return RetryAfterFormat::Seconds;
    if (text == QLatin1String("http_date"))
        return RetryAfterFormat::HttpDate;
    return std::nullopt;
}

QString toString(QueueDiscipline discipline)
{
    switch (discipline) {
    case QueueDiscipline::Fifo:
        return QStringLiteral("fifo");
    case QueueDiscipline::Lifo:
        return QStringLiteral("lifo");
    case QueueDiscipline::AdaptiveLifo:
        return QStringLiteral("adaptive_lifo");
    }
    return QStringLiteral("unknown");
}

std::optional<QueueDiscipline> queueDisciplineFromString(const QString& text)
{
    for (auto d : {QueueDiscipline::Fifo, QueueDiscipline::Lifo, QueueDiscipline::AdaptiveLifo})
        if (toString(d) == text)
            return d;
    return std::nullopt;
}

// --- ErrorMix, Flapping -----------------------------------------------------------------------------------------

FaultKind ErrorMix::pick(Random& rng) const noexcept
{
    const double sum = total();
    if (!(sum > 0.0))
        return FaultKind::Http500;
    double x = rng.uniform01() * sum;
    const std::array<std::pair<double, FaultKind>, 6> weights {{{http500, FaultKind::Http500},
        {http503, FaultKind::Http503}, {http429, FaultKind::Http429}, {connectionReset, FaultKind::ConnectionReset},
        {hang, FaultKind::Hang}, {malformed, FaultKind::Malformed}}};
    FaultKind last = FaultKind::Http500;
    for (const auto& [w, kind] : weights) {
        if (w <= 0.0)
            continue;
        last = kind;
        if (x < w)
            return kind;
        x -= w;
    }
    return last; // rounding left x at the very top
}

bool Flapping::isDown(TimePoint now) const noexcept
{
    if (!enabled())
        return false;
    const auto t = now.time_since_epoch() - offset;
    if (t < Duration::zero())
        return false;
    const auto phase = t % period;
    return double(phase.count()) >= dutyCycle * double(period.count());
}

// --- PlannedResponse -------------------------------------------------------------------------------------------

ErrorClass PlannedResponse::errorClass() const
{
    static const ErrorClass http500 = ErrorClass::forHttpStatus(500);
    static const ErrorClass http503 = ErrorClass::forHttpStatus(503);
    static const ErrorClass http429 = ErrorClass::forHttpStatus(429);
    static const ErrorClass http409 = ErrorClass::forHttpStatus(409);
    switch (kind) {
    case FaultKind::Ok:
        return ErrorClass::none();
    case FaultKind::Http500:
        return http500;
    case FaultKind::Http503:
        return http503;
    case FaultKind::Http429:
        return http429;
    case FaultKind::Conflict:
        return http409;
    case FaultKind::ConnectionReset:
        return ErrorClass::connectionReset();
    case FaultKind::ConnectionRefused:
        return ErrorClass::connectionRefused();
    case FaultKind::Hang:
        return ErrorClass::timeout();
    case FaultKind::Malformed:
        return ErrorClass::malformedResponse();
    }
    return ErrorClass::none();
}

Outcome PlannedResponse::failureOutcome() const
{
    if (kind == FaultKind::Hang)
        return Outcome::timeout(latency);
    return {OutcomeKind::Error, httpStatus, retryAfter, latency, errorClass()};
}

QString PlannedResponse::retryAfterHeader(qint64 sentUtcMs) const
{
    if (!retryAfter)
        return {};
    const qint64 seconds = std::chrono::ceil<std::chrono::seconds>(*retryAfter).count();
    if (retryAfterFormat == RetryAfterFormat::Seconds)
        return QString::number(seconds);
    // Whole seconds: round the send time up so the date is never earlier than the delay asks for.
    const qint64 atMs = ((sentUtcMs + 999) / 1000 + seconds) * 1000;
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC);
    return QLocale::c().toString(at, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss")) + QStringLiteral(" GMT");
}

// --- FaultProfile ----------------------------------------------------------------------------------------------

FaultProfile FaultProfile::healthy(Duration latency)
{
    FaultProfile p;
    p.latency = LatencyDistribution::fixed(latency);
    return p;
}

std::optional<FaultKind> FaultProfile::forcedFailure(TimePoint now, PlannedResponse::Cause* cause) const noexcept
{
    const auto t = now.time_since_epoch();
    for (const auto& w : outages) {
        if (t >= w.start && t < w.end) {
            if (cause)
                *cause = PlannedResponse::Cause::Outage;
            return w.error;
        }
    }
    if (flapping.isDown(now)) {
        if (cause)
            *cause = PlannedResponse::Cause::Flapping;
        return flapping.error;
    }
    return std::nullopt;
}

bool FaultProfile::refusesConnections(TimePoint now) const noexcept
{
    const auto forced = forcedFailure(now);
    return forced && *forced == FaultKind::ConnectionRefused;
}

void FaultProfile::respond(PlannedResponse& r, FaultKind kind) const noexcept
{
    r.kind = kind;
    r.httpStatus = httpStatusFor(kind);
    if (kind == FaultKind::Http429 || (kind == FaultKind::Http503 && retryAfterOn503)) {
        r.retryAfter = std::chrono::ceil<std::chrono::seconds>(std::max(retryAfter, Duration::zero()));
        r.retryAfterFormat = retryAfterFormat;
    } else {
        r.retryAfter.reset();
    }
}

PlannedResponse FaultProfile::overloaded(Random& rng) const
{
    PlannedResponse r;
    r.cause = PlannedResponse::Cause::Overload;
    r.latency = capacity.overloadLatency.sample(rng);
    respond(r, capacity.overloadError);
    return r;
}

PlannedResponse FaultProfile::serve(TimePoint now, Random& rng) const
{
    PlannedResponse r;
    PlannedResponse::Cause forcedCause = PlannedResponse::Cause::Normal;
    if (auto forced = forcedFailure(now, &forcedCause)) {
        r.cause = forcedCause;
        // A refused connection fails at once; other forced failures take the usual time.
        r.latency = *forced == FaultKind::ConnectionRefused ? Duration::zero() : latency.sample(rng);
        respond(r, *forced);
        return r;
    }

    double rate = errorRate;
    double latencyFactor = 1.0;
    if (ramp) {
        const auto t = now.time_since_epoch();
        double f = 0.0;
        if (t >= ramp->end)
            f = 1.0;
        else if (t > ramp->start && ramp->end > ramp->start)
            f = double((t - ramp->start).count()) / double((ramp->end - ramp->start).count());
        rate += (ramp->errorRate - rate) * f;
        latencyFactor += (ramp->latencyMultiplier - 1.0) * f;
    }

    r.latency = latency.sample(rng);
    if (latencyFactor != 1.0)
        r.latency = scaled(r.latency, latencyFactor);
    if (rng.chance(rate)) {
        r.cause = PlannedResponse::Cause::ErrorRate;
        respond(r, errorMix.pick(rng));
    }
    return r; // else a fresh response is already what respond(r, FaultKind::Ok) would make it
}

FieldErrors FaultProfile::validate() const
{
    FieldErrors e;
    checkProbability(e, QStringLiteral("error_rate"), errorRate);
    const std::array<std::pair<const char*, double>, 6> weights {{{"http_500", errorMix.http500},
        {"http_503", errorMix.http503}, {"http_429", errorMix.http429}, {"connection_reset", errorMix.connectionReset},
        {"hang", errorMix.hang}, {"malformed", errorMix.malformed}}};
    for (const auto& [name, w] : weights) {
        if (!(w >= 0.0) || !std::isfinite(w))
            e.push_back({QStringLiteral("error_mix/") + QLatin1String(name),
                QStringLiteral("expected a finite number >= 0, got %1").arg(formatNumber(w))});
    }
    prefix(e, QStringLiteral("latency"), latency.validate());
    checkDuration(e, QStringLiteral("retry_after"), retryAfter);
    for (std::size_t i = 0; i < outages.size(); ++i) {
        const QString path = QStringLiteral("outages/%1/").arg(i);
        checkDuration(e, path + QStringLiteral("start"), outages[i].start);
        if (outages[i].end < outages[i].start)
            e.push_back({path + QStringLiteral("end"),
                QStringLiteral("expected a time >= start (%1), got %2").arg(ms(outages[i].start), ms(outages[i].end))});
        checkFailureKind(e, path + QStringLiteral("error"), outages[i].error);
    }
    if (flapping.period != Duration::zero()) {
        checkDuration(e, QStringLiteral("flapping/period"), flapping.period);
        checkProbability(e, QStringLiteral("flapping/duty_cycle"), flapping.dutyCycle);
        checkDuration(e, QStringLiteral("flapping/offset"), flapping.offset);
        checkFailureKind(e, QStringLiteral("flapping/error"), flapping.error);
    }
    if (ramp) {
        checkDuration(e, QStringLiteral("ramp/start"), ramp->start);
        if (ramp->end < ramp->start)
            e.push_back({QStringLiteral("ramp/end"),
                QStringLiteral("expected a time >= start (%1), got %2").arg(ms(ramp->start), ms(ramp->end))});
        checkProbability(e, QStringLiteral("ramp/error_rate"), ramp->errorRate);
        if (!(ramp->latencyMultiplier >= 0.0) || !std::isfinite(ramp->latencyMultiplier))
            e.push_back({QStringLiteral("ramp/latency_multiplier"),
                QStringLiteral("expected a finite number >= 0, got %1").arg(formatNumber(ramp->latencyMultiplier))});
    }
    if (capacity.maxConcurrent < 0)
        e.push_back({QStringLiteral("capacity/max_concurrent"),
            QStringLiteral("expected an integer >= 0, got %1").arg(capacity.maxConcurrent)});
    if (capacity.queueSize < 0)
        e.push_back({QStringLiteral("capacity/queue_size"),
            QStringLiteral("expected an integer >= 0, got %1").arg(capacity.queueSize)});
    if (capacity.enabled()) {
        checkFailureKind(e, QStringLiteral("capacity/overload_error"), capacity.overloadError);
        checkDuration(e, QStringLiteral("capacity/queue_timeout"), capacity.queueTimeout);
        if (capacity.codel) {
            if (capacity.codel->target <= Duration::zero())
                e.push_back({QStringLiteral("capacity/codel/target"),
                    QStringLiteral("expected a duration > 0 ms, got %1").arg(ms(capacity.codel->target))});
            if (capacity.codel->interval < capacity.codel->target)
                e.push_back({QStringLiteral("capacity/codel/interval"),
                    QStringLiteral("expected a duration >= target (%1), got %2").arg(ms(capacity.codel->target), ms(capacity.codel->interval))});
            if (capacity.queueTimeout > Duration::zero())
                e.push_back({QStringLiteral("capacity/queue_timeout"),
                    QStringLiteral("give either queue_timeout or codel, not both")});
        }
    }
    prefix(e, QStringLiteral("capacity/overload_latency"), capacity.overloadLatency.validate());
    prefix(e, QStringLiteral("network_delay"), networkDelay.validate());
    if (!(errorMix.total() > 0.0))
        e.push_back({QStringLiteral("error_mix"), QStringLiteral("expected at least one weight > 0")});
    return e;
}

QString FaultProfile::describe() const
{
    QStringList parts;
    parts << QStringLiteral("error_rate=") + formatNumber(errorRate);
    parts << QStringLiteral("latency=") + latency.describe();
    if (!networkDelay.isZero())
        parts << QStringLiteral("network_delay=") + networkDelay.describe();
    if (!outages.empty())
        parts << QStringLiteral("outages=%1").arg(outages.size());
    if (flapping.enabled())
        parts << QStringLiteral("flapping(period %1, duty %2)").arg(ms(flapping.period), formatNumber(flapping.dutyCycle));
    if (ramp)
        parts << QStringLiteral("ramp(to error_rate %1, latency x%2)").arg(formatNumber(ramp->errorRate),
            formatNumber(ramp->latencyMultiplier));
    if (capacity.enabled())
        parts << QStringLiteral("capacity(%1 workers + queue %2, %3%4)")
                     .arg(capacity.maxConcurrent)
                     .arg(capacity.queueSize)
                     .arg(toString(capacity.discipline), capacity.dropAbandoned ? QStringLiteral(", drops abandoned") : QString());
    if (optimisticConcurrency)
        parts << QStringLiteral("optimistic_concurrency");
    return parts.join(QLatin1Char(' '));
}

} // namespace rwb
