#include "core/faults/faultprofile.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <array>
#include <cmath>

namespace rwb {

namespace {
constexpr double kZ99 = 2.3263478740408408; // standard normal quantile at 0.99

constexpr std::array kFaultKinds {FaultKind::Ok, FaultKind::Http500, FaultKind::Http503, FaultKind::Http429,
    FaultKind::ConnectionReset, FaultKind::ConnectionRefused, FaultKind::Hang, FaultKind::Malformed};

Duration scaled(Duration d, double factor) noexcept
{
    const double ns = double(d.count()) * factor;
    if (!(ns > 0.0))
        return Duration::zero();
    if (ns >= 9.0e18)
        return Duration(std::int64_t(9.0e18));
    return Duration(std::int64_t(ns + 0.5)); // ns > 0 here; cheaper than llround, same result off exact ties
}

QString ms(Duration d) { return formatNumber(toMs(d)) + QStringLiteral(" ms"); }

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
    }
    return QStringLiteral("unknown");
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

QString toString(LatencyDistribution::Kind kind)
{
    switch (kind) {
    case LatencyDistribution::Kind::Fixed:
        return QStringLiteral("fixed");
    case LatencyDistribution::Kind::Uniform:
        return QStringLiteral("uniform");
    case LatencyDistribution::Kind::Normal:
        return QStringLiteral("normal");
    case LatencyDistribution::Kind::LogNormal:
        return QStringLiteral("log_normal");
    }
    return QStringLiteral("unknown");
}

std::optional<LatencyDistribution::Kind> latencyKindFromString(const QString& text)
{
    using K = LatencyDistribution::Kind;
    for (auto kind : {K::Fixed, K::Uniform, K::Normal, K::LogNormal})
        if (toString(kind) == text)
            return kind;
    return std::nullopt;
}

// --- LatencyDistribution ---------------------------------------------------------------------------------------

LatencyDistribution LatencyDistribution::fixed(Duration value)
{
    LatencyDistribution d;
    d.kind = Kind::Fixed;
    d.value = value;
    return d;
}

LatencyDistribution LatencyDistribution::uniform(Duration min, Duration max)
{
    LatencyDistribution d;
    d.kind = Kind::Uniform;
    d.min = min;
    d.max = max;
    return d;
}

LatencyDistribution LatencyDistribution::normal(Duration mean, Duration stddev)
{
    LatencyDistribution d;
    d.kind = Kind::Normal;
    d.mean = mean;
    d.stddev = stddev;
    return d;
}

LatencyDistribution LatencyDistribution::logNormal(Duration median, Duration p99)
{
    LatencyDistribution d;
    d.kind = Kind::LogNormal;
    d.median = median;
    d.p99 = p99;
    return d;
}

Duration LatencyDistribution::sample(Random& rng) const noexcept
{
    if (slowTailProbability > 0.0 && rng.chance(slowTailProbability))
        return std::max(slowTailLatency, Duration::zero());
    switch (kind) {
    case Kind::Fixed:
        return std::max(value, Duration::zero());
    case Kind::Uniform: {
        if (max <= min)
            return std::max(min, Duration::zero());
        const auto span = static_cast<std::uint64_t>((max - min).count());
        return std::max(min + Duration(static_cast<std::int64_t>(rng.below(span))), Duration::zero());
    }
    case Kind::Normal:
        return scaled(1ns, double(mean.count()) + double(stddev.count()) * rng.standardNormal());
    case Kind::LogNormal: {
        if (median <= Duration::zero())
            return Duration::zero();
        // Sampling multiplies the median by exp(sigma * z). sigma needs a log; callers sample one
        // distribution many times in a row, so the last (median, p99) -> sigma is remembered per thread.
        thread_local Duration cachedMedian {-1};
        thread_local Duration cachedP99 {-1};
        thread_local double cachedSigma = 0.0;
        if (median != cachedMedian || p99 != cachedP99) {
            cachedMedian = median;
            cachedP99 = p99;
            cachedSigma = p99 > median ? std::log(double(p99.count()) / double(median.count())) / kZ99 : 0.0;
        }
        return scaled(median, std::exp(cachedSigma * rng.standardNormal()));
    }
    }
    return Duration::zero();
}

Duration LatencyDistribution::typical() const noexcept
{
    switch (kind) {
    case Kind::Fixed:
        return value;
    case Kind::Uniform:
        return min + (max - min) / 2;
    case Kind::Normal:
        return mean;
    case Kind::LogNormal:
        return median;
    }
    return Duration::zero();
}

FieldErrors LatencyDistribution::validate() const
{
    FieldErrors e;
    switch (kind) {
    case Kind::Fixed:
        checkDuration(e, QStringLiteral("value"), value);
        break;
    case Kind::Uniform:
        checkDuration(e, QStringLiteral("min"), min);
        checkDuration(e, QStringLiteral("max"), max);
        if (max < min)
            e.push_back({QStringLiteral("max"), QStringLiteral("expected a duration >= min (%1), got %2").arg(ms(min), ms(max))});
        break;
    case Kind::Normal:
        checkDuration(e, QStringLiteral("mean"), mean);
        checkDuration(e, QStringLiteral("stddev"), stddev);
        break;
    case Kind::LogNormal:
        if (median <= Duration::zero())
            e.push_back({QStringLiteral("median"), QStringLiteral("expected a duration > 0 ms, got %1").arg(ms(median))});
        if (p99 < median)
            e.push_back({QStringLiteral("p99"), QStringLiteral("expected a duration >= median (%1), got %2").arg(ms(median), ms(p99))});
        break;
    }
    checkProbability(e, QStringLiteral("slow_tail_probability"), slowTailProbability);
    checkDuration(e, QStringLiteral("slow_tail_latency"), slowTailLatency);
    return e;
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
    switch (kind) {
    case FaultKind::Ok:
        return ErrorClass::none();
    case FaultKind::Http500:
        return http500;
    case FaultKind::Http503:
        return http503;
    case FaultKind::Http429:
        return http429;
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

Outcome PlannedResponse::toOutcome() const
{
    switch (kind) {
    case FaultKind::Ok:
        return Outcome::success(latency, httpStatus);
    case FaultKind::Hang:
        return Outcome::timeout(latency);
    default: {
        Outcome o {OutcomeKind::Error, httpStatus, retryAfter, latency, errorClass()};
        return o;
    }
    }
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

PlannedResponse FaultProfile::decide(TimePoint now, Random& rng, int concurrency) const
{
    PlannedResponse r;
    auto finish = [&](FaultKind kind) {
        r.kind = kind;
        r.httpStatus = httpStatusFor(kind);
        if (kind == FaultKind::Http429 || (kind == FaultKind::Http503 && retryAfterOn503)) {
            r.retryAfter = std::chrono::ceil<std::chrono::seconds>(std::max(retryAfter, Duration::zero()));
            r.retryAfterFormat = retryAfterFormat;
        }
        return r;
    };

    PlannedResponse::Cause forcedCause = PlannedResponse::Cause::Normal;
    if (auto forced = forcedFailure(now, &forcedCause)) {
        r.cause = forcedCause;
        // A refused connection fails at once; other forced failures take the usual time.
        r.latency = *forced == FaultKind::ConnectionRefused ? Duration::zero() : latency.sample(rng);
        return finish(*forced);
    }

    if (capacity.enabled() && concurrency >= capacity.maxConcurrent + capacity.queueSize) {
        r.cause = PlannedResponse::Cause::Overload;
        r.latency = capacity.overloadLatency;
        return finish(capacity.overloadError);
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
    if (capacity.enabled() && concurrency >= capacity.maxConcurrent) {
        const int position = concurrency - capacity.maxConcurrent + 1;
        r.latency = scaled(r.latency, 1.0 + double(position) / double(capacity.maxConcurrent));
        r.queued = true;
    }

    if (rng.chance(rate)) {
        r.cause = PlannedResponse::Cause::ErrorRate;
        return finish(errorMix.pick(rng));
    }
    return finish(FaultKind::Ok);
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
    if (capacity.enabled())
        checkFailureKind(e, QStringLiteral("capacity/overload_error"), capacity.overloadError);
    checkDuration(e, QStringLiteral("capacity/overload_latency"), capacity.overloadLatency);
    return e;
}

QString FaultProfile::describe() const
{
    QStringList parts;
    parts << QStringLiteral("error_rate=") + formatNumber(errorRate);
    switch (latency.kind) {
    case LatencyDistribution::Kind::Fixed:
        parts << QStringLiteral("latency=fixed(%1)").arg(ms(latency.value));
        break;
    case LatencyDistribution::Kind::Uniform:
        parts << QStringLiteral("latency=uniform(%1..%2)").arg(ms(latency.min), ms(latency.max));
        break;
    case LatencyDistribution::Kind::Normal:
        parts << QStringLiteral("latency=normal(mean %1, stddev %2)").arg(ms(latency.mean), ms(latency.stddev));
        break;
    case LatencyDistribution::Kind::LogNormal:
        parts << QStringLiteral("latency=log_normal(median %1, p99 %2)").arg(ms(latency.median), ms(latency.p99));
        break;
    }
    if (latency.slowTailProbability > 0.0)
        parts << QStringLiteral("slow_tail=%1@%2").arg(formatNumber(latency.slowTailProbability), ms(latency.slowTailLatency));
    if (!outages.empty())
        parts << QStringLiteral("outages=%1").arg(outages.size());
    if (flapping.enabled())
        parts << QStringLiteral("flapping(period %1, duty %2)").arg(ms(flapping.period), formatNumber(flapping.dutyCycle));
    if (ramp)
        parts << QStringLiteral("ramp(to error_rate %1, latency x%2)").arg(formatNumber(ramp->errorRate),
            formatNumber(ramp->latencyMultiplier));
    if (capacity.enabled())
        parts << QStringLiteral("capacity(%1 + queue %2)").arg(capacity.maxConcurrent).arg(capacity.queueSize);
    return parts.join(QLatin1Char(' '));
}

} // namespace rwb
