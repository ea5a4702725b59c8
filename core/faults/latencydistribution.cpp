#include "core/faults/latencydistribution.h"

#include <QStringList>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace rwb {

namespace {
constexpr double kZ99 = 2.3263478740408408; // standard normal quantile at 0.99
constexpr double kMaxNs = 9.0e18;           // ~285 years: keeps heavy-tail draws inside int64
constexpr std::size_t kMaxEmpiricalSamples = 1000000;

using Kind = LatencyDistribution::Kind;
constexpr std::array kKinds {Kind::Fixed, Kind::Uniform, Kind::Normal, Kind::LogNormal, Kind::Exponential, Kind::Gamma,
    Kind::Pareto, Kind::Empirical};

Duration fromNs(double ns) noexcept
{
    if (!(ns > 0.0))
        return Duration::zero();
    if (ns >= kMaxNs)
        return Duration(std::int64_t(kMaxNs));
    return Duration(std::int64_t(ns + 0.5)); // ns > 0 here; cheaper than llround, same result off exact ties
}

double ns(Duration d) noexcept { return double(d.count()); }

double normalPdf(double x) noexcept { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }
double normalUpperTail(double x) noexcept { return 0.5 * std::erfc(x / std::numbers::sqrt2); }

double logNormalSigma(Duration median, Duration p99) noexcept
{
    return p99 > median && median > Duration::zero() ? std::log(ns(p99) / ns(median)) / kZ99 : 0.0;
}

// Marsaglia and Tsang's method for Gamma(shape, 1); shape < 1 is boosted through Gamma(shape + 1).
double standardGamma(double shape, Random& rng) noexcept
{
    if (shape < 1.0) {
        const double u = rng.uniform01();
        return standardGamma(shape + 1.0, rng) * std::pow(1.0 - u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        const double x = rng.standardNormal();
        double v = 1.0 + c * x;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        const double u = 1.0 - rng.uniform01(); // (0, 1]
        if (u < 1.0 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v)))
            return d * v;
    }
}

// E[X^n] of the Pareto on [low, high] (high = inf when unbounded) with shape alpha.
double paretoMoment(double low, double high, double alpha, int n) noexcept
{
    if (!std::isfinite(high)) {
        if (alpha <= n)
            return INFINITY;
        return alpha * std::pow(low, n) / (alpha - n);
    }
    const double norm = alpha * std::pow(low, alpha) / (1.0 - std::pow(low / high, alpha));
    if (std::abs(alpha - n) < 1e-12)
        return norm * std::log(high / low);
    return norm * (std::pow(low, n - alpha) - std::pow(high, n - alpha)) / (alpha - n);
}

// Inverse CDF of the (possibly bounded) Pareto at u in [0, 1).
double paretoQuantile(double low, double high, double alpha, double u) noexcept
{
    const double tailAtHigh = std::isfinite(high) ? std::pow(low / high, alpha) : 0.0;
    return low / std::pow(1.0 - u * (1.0 - tailAtHigh), 1.0 / alpha);
}

void checkDuration(FieldErrors& errors, const QString& field, Duration d)
{
    if (d < Duration::zero())
        errors.push_back({field, QStringLiteral("expected a duration >= 0 ms, got %1").arg(formatMs(d))});
}

void checkPositive(FieldErrors& errors, const QString& field, Duration d)
{
    if (d <= Duration::zero())
        errors.push_back({field, QStringLiteral("expected a duration > 0 ms, got %1").arg(formatMs(d))});
}
} // namespace

QString formatMs(Duration d) { return formatNumber(toMs(d)) + QStringLiteral(" ms"); }

QString toString(LatencyDistribution::Kind kind)
{
    switch (kind) {
    case Kind::Fixed:
        return QStringLiteral("fixed");
    case Kind::Uniform:
        return QStringLiteral("uniform");
    case Kind::Normal:
        return QStringLiteral("normal");
    case Kind::LogNormal:
        return QStringLiteral("log_normal");
    case Kind::Exponential:
        return QStringLiteral("exponential");
    case Kind::Gamma:
        return QStringLiteral("gamma");
    case Kind::Pareto:
        return QStringLiteral("pareto");
    case Kind::Empirical:
        return QStringLiteral("empirical");
    }
    return QStringLiteral("unknown");
}

std::optional<LatencyDistribution::Kind> latencyKindFromString(const QString& text)
{
    for (auto kind : kKinds)
        if (toString(kind) == text)
            return kind;
    return std::nullopt;
}

QStringList latencyKindNames()
{
    QStringList names;
    for (auto kind : kKinds)
        names << toString(kind);
    return names;
}

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

LatencyDistribution LatencyDistribution::exponential(Duration mean)
{
    LatencyDistribution d;
    d.kind = Kind::Exponential;
    d.mean = mean;
    return d;
}

LatencyDistribution LatencyDistribution::gamma(Duration mean, double shape)
{
    LatencyDistribution d;
    d.kind = Kind::Gamma;
    d.mean = mean;
    d.shape = shape;
    return d;
}

LatencyDistribution LatencyDistribution::pareto(Duration scale, double shape, Duration max)
{
    LatencyDistribution d;
    d.kind = Kind::Pareto;
    d.min = scale;
    d.shape = shape;
    d.max = max;
    return d;
}

LatencyDistribution LatencyDistribution::empirical(std::vector<Duration> samples, std::vector<double> weights)
{
    LatencyDistribution d;
    d.kind = Kind::Empirical;
    d.samples = std::move(samples);
    d.weights = std::move(weights);
    double sum = 0.0;
    for (double w : d.weights)
        d.cumulative.push_back(sum += std::max(w, 0.0));
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
    case Kind::Normal: {
        if (mean <= Duration::zero() && stddev <= Duration::zero())
            return Duration::zero();
        // Truncated, not clamped: a clamp would pile the negative half up as a spike at zero. mean >= 0
        // (validated) keeps at least half of the draws, so this ends after two tries on average.
        for (int tries = 0; tries < 64; ++tries) {
            const double x = ns(mean) + ns(stddev) * rng.standardNormal();
            if (x >= 0.0)
                return fromNs(x);
        }
        return Duration::zero();
    }
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
            cachedSigma = logNormalSigma(median, p99);
        }
        return fromNs(ns(median) * std::exp(cachedSigma * rng.standardNormal()));
    }
    case Kind::Exponential:
        return fromNs(ns(mean) * rng.exponential(1.0));
    case Kind::Gamma:
        if (!(shape > 0.0))
            return Duration::zero();
        return fromNs(ns(mean) / shape * standardGamma(shape, rng));
    case Kind::Pareto: {
        if (min <= Duration::zero() || !(shape > 0.0))
            return Duration::zero();
        const double high = max > min ? ns(max) : INFINITY;
        return fromNs(paretoQuantile(ns(min), high, shape, rng.uniform01()));
    }
    case Kind::Empirical: {
        if (samples.empty())
            return Duration::zero();
        std::size_t i;
        if (cumulative.size() == samples.size() && cumulative.back() > 0.0) {
            const double x = rng.uniform01() * cumulative.back();
            i = std::size_t(std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin());
            i = std::min(i, samples.size() - 1);
        } else {
            i = std::size_t(rng.below(samples.size()));
        }
        return std::max(samples[i], Duration::zero());
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
    case Kind::Exponential:
        return fromNs(ns(mean) * std::numbers::ln2);
    case Kind::Gamma: {
        if (!(shape > 0.0))
            return Duration::zero();
        const double k = shape;
        return fromNs(ns(mean) * std::pow(1.0 - 1.0 / (9.0 * k), 3.0));
    }
    case Kind::Pareto:
        if (min <= Duration::zero() || !(shape > 0.0))
            return Duration::zero();
        return fromNs(paretoQuantile(ns(min), max > min ? ns(max) : INFINITY, shape, 0.5));
    case Kind::Empirical: {
        if (samples.empty())
            return Duration::zero();
        std::vector<std::pair<Duration, double>> sorted;
        double total = 0.0;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const double w = weights.size() == samples.size() ? std::max(weights[i], 0.0) : 1.0;
            sorted.emplace_back(samples[i], w);
            total += w;
        }
        std::sort(sorted.begin(), sorted.end());
        double seen = 0.0;
        for (const auto& [value, w] : sorted)
            if ((seen += w) >= total / 2.0)
                return value;
        return sorted.back().first;
    }
    }
    return Duration::zero();
}

double LatencyDistribution::cdf(Duration x) const noexcept
{
    const double v = ns(x);
    const auto normalCdf = [](double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); };
    double f = 0.0;
    switch (kind) {
    case Kind::Fixed:
        f = v >= ns(value) ? 1.0 : 0.0;
        break;
    case Kind::Uniform:
        f = max > min ? std::clamp((v - ns(min)) / (ns(max) - ns(min)), 0.0, 1.0) : (v >= ns(min) ? 1.0 : 0.0);
        break;
    case Kind::Normal: {
        if (stddev <= Duration::zero()) {
            f = v >= ns(mean) ? 1.0 : 0.0;
            break;
        }
        const double below0 = normalCdf(-ns(mean) / ns(stddev));
        f = below0 >= 1.0 ? 1.0 : std::max(0.0, (normalCdf((v - ns(mean)) / ns(stddev)) - below0) / (1.0 - below0));
        break;
    }
    case Kind::LogNormal: {
        const double sigma = p99 > median && median > Duration::zero() ? std::log(ns(p99) / ns(median)) / kZ99 : 0.0;
        if (v <= 0.0)
            f = 0.0;
        else if (sigma <= 0.0)
            f = v >= ns(median) ? 1.0 : 0.0;
        else
            f = normalCdf(std::log(v / ns(median)) / sigma);
        break;
    }
    case Kind::Exponential:
        f = mean > Duration::zero() ? 1.0 - std::exp(-std::max(v, 0.0) / ns(mean)) : 1.0;
        break;
    case Kind::Gamma: {
        if (!(shape > 0.0) || mean <= Duration::zero() || v <= 0.0) {
            f = v >= ns(mean) ? 1.0 : 0.0;
            break;
        }
        const double k9 = 9.0 * shape;
        f = normalCdf((std::cbrt(v / ns(mean)) - (1.0 - 1.0 / k9)) / std::sqrt(1.0 / k9));
        break;
    }
    case Kind::Pareto: {
        if (min <= Duration::zero() || !(shape > 0.0) || v < ns(min)) {
            f = v >= ns(min) ? 1.0 : 0.0;
            break;
        }
        const double tail = std::pow(ns(min) / v, shape);
        const double tailAtMax = max > min ? std::pow(ns(min) / ns(max), shape) : 0.0;
        f = v >= ns(max) && max > min ? 1.0 : (1.0 - tail) / (1.0 - tailAtMax);
        break;
    }
    case Kind::Empirical: {
        double below = 0.0, total = 0.0;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const double w = weights.size() == samples.size() ? std::max(weights[i], 0.0) : 1.0;
            total += w;
            if (samples[i] <= x)
                below += w;
        }
        f = total > 0.0 ? below / total : 1.0;
        break;
    }
    }
    const double q = std::clamp(slowTailProbability, 0.0, 1.0);
    return (1.0 - q) * f + (x >= slowTailLatency ? q : 0.0);
}

Duration LatencyDistribution::quantile(double p) const noexcept
{
    p = std::clamp(p, 1e-9, 1.0 - 1e-9);
    double high = 1e6; // 1 ms
    while (cdf(fromNs(high)) < p && high < kMaxNs / 2)
        high *= 2.0;
    double low = 0.0;
    while (high - low > std::max(1.0, high * 1e-3)) {
        const double mid = (low + high) / 2.0;
        (cdf(fromNs(mid)) >= p ? high : low) = mid;
    }
    return fromNs(high);
}

LatencyDistribution::Moments LatencyDistribution::moments() const noexcept
{
    Moments m;
    switch (kind) {
    case Kind::Fixed: {
        const double v = std::max(ns(value), 0.0);
        m = {v, v * v};
        break;
    }
    case Kind::Uniform: {
        const double a = std::max(ns(min), 0.0);
        const double b = std::max(ns(max), a);
        m = {(a + b) / 2.0, (a * a + a * b + b * b) / 3.0};
        break;
    }
    case Kind::Normal: {
        const double mu = ns(mean);
        const double sigma = ns(stddev);
        if (sigma <= 0.0) {
            m = {std::max(mu, 0.0), std::max(mu, 0.0) * std::max(mu, 0.0)};
            break;
        }
        const double alpha = -mu / sigma;
        const double lambda = normalPdf(alpha) / normalUpperTail(alpha);
        const double mean = mu + sigma * lambda;
        const double variance = sigma * sigma * (1.0 + alpha * lambda - lambda * lambda);
        m = {mean, variance + mean * mean};
        break;
    }
    case Kind::LogNormal: {
        const double s = logNormalSigma(median, p99);
        const double med = std::max(ns(median), 0.0);
        m = {med * std::exp(s * s / 2.0), med * med * std::exp(2.0 * s * s)};
        break;
    }
    case Kind::Exponential:
        m = {ns(mean), 2.0 * ns(mean) * ns(mean)};
        break;
    case Kind::Gamma: {
        const double theta = shape > 0.0 ? ns(mean) / shape : 0.0;
        m = {ns(mean), shape * (shape + 1.0) * theta * theta};
        break;
    }
    case Kind::Pareto: {
        if (min <= Duration::zero() || !(shape > 0.0))
            break;
        const double high = max > min ? ns(max) : INFINITY;
        m = {paretoMoment(ns(min), high, shape, 1), paretoMoment(ns(min), high, shape, 2)};
        break;
    }
    case Kind::Empirical: {
        double total = 0.0;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const double w = weights.size() == samples.size() ? std::max(weights[i], 0.0) : 1.0;
            const double v = std::max(ns(samples[i]), 0.0);
            m.mean += w * v;
            m.second += w * v * v;
            total += w;
        }
        if (total > 0.0)
            m = {m.mean / total, m.second / total};
        break;
    }
    }
    if (slowTailProbability > 0.0) {
        const double q = slowTailProbability;
        const double t = std::max(ns(slowTailLatency), 0.0);
        m = {(1.0 - q) * m.mean + q * t, (1.0 - q) * m.second + q * t * t};
    }
    return m;
}

FieldErrors LatencyDistribution::validate() const
{
    FieldErrors e;
    const auto checkShape = [&](double lowest, const QString& why) {
        if (!(shape > lowest) || !std::isfinite(shape))
            e.push_back({QStringLiteral("shape"), QStringLiteral("expected a number > %1%2, got %3")
                    .arg(formatNumber(lowest), why, formatNumber(shape))});
    };
    switch (kind) {
    case Kind::Fixed:
        checkDuration(e, QStringLiteral("value"), value);
        break;
    case Kind::Uniform:
        checkDuration(e, QStringLiteral("min"), min);
        checkDuration(e, QStringLiteral("max"), max);
        if (max < min)
            e.push_back({QStringLiteral("max"),
                QStringLiteral("expected a duration >= min (%1), got %2").arg(formatMs(min), formatMs(max))});
        break;
    case Kind::Normal:
        checkDuration(e, QStringLiteral("mean"), mean);
        checkDuration(e, QStringLiteral("stddev"), stddev);
        break;
    case Kind::LogNormal:
        checkPositive(e, QStringLiteral("median"), median);
        if (p99 < median)
            e.push_back({QStringLiteral("p99"),
                QStringLiteral("expected a duration >= median (%1), got %2").arg(formatMs(median), formatMs(p99))});
        break;
    case Kind::Exponential:
        checkDuration(e, QStringLiteral("mean"), mean);
        break;
    case Kind::Gamma:
        checkDuration(e, QStringLiteral("mean"), mean);
        checkShape(0.0, QString());
        break;
    case Kind::Pareto:
        checkPositive(e, QStringLiteral("min"), min);
        if (max == Duration::zero())
            checkShape(1.0, QStringLiteral(" (at or below 1 the mean is infinite: give \"max\" to bound the tail)"));
        else
            checkShape(0.0, QString());
        if (max != Duration::zero() && max <= min)
            e.push_back({QStringLiteral("max"),
                QStringLiteral("expected 0 (unbounded) or a duration > min (%1), got %2").arg(formatMs(min), formatMs(max))});
        break;
    case Kind::Empirical: {
        if (samples.empty())
            e.push_back({QStringLiteral("samples"), QStringLiteral("expected at least one sample")});
        if (samples.size() > kMaxEmpiricalSamples)
            e.push_back({QStringLiteral("samples"),
                QStringLiteral("expected at most %1 samples, got %2").arg(kMaxEmpiricalSamples).arg(samples.size())});
        for (std::size_t i = 0; i < samples.size(); ++i)
            if (samples[i] < Duration::zero()) {
                checkDuration(e, QStringLiteral("samples/%1").arg(i), samples[i]);
                break;
            }
        if (!weights.empty()) {
            if (weights.size() != samples.size())
                e.push_back({QStringLiteral("weights"),
                    QStringLiteral("expected one weight per sample (%1), got %2").arg(samples.size()).arg(weights.size())});
            double sum = 0.0;
            for (std::size_t i = 0; i < weights.size(); ++i) {
                if (!(weights[i] >= 0.0) || !std::isfinite(weights[i])) {
                    e.push_back({QStringLiteral("weights/%1").arg(i),
                        QStringLiteral("expected a finite number >= 0, got %1").arg(formatNumber(weights[i]))});
                    break;
                }
                sum += weights[i];
            }
            if (!(sum > 0.0))
                e.push_back({QStringLiteral("weights"), QStringLiteral("expected at least one weight > 0")});
            else if (cumulative.size() != weights.size())
                e.push_back({QStringLiteral("weights"), QStringLiteral("internal: build empirical distributions with empirical()")});
        }
        break;
    }
    }
    if (!(slowTailProbability >= 0.0 && slowTailProbability <= 1.0))
        e.push_back({QStringLiteral("slow_tail_probability"),
            QStringLiteral("expected a number in [0, 1], got %1").arg(formatNumber(slowTailProbability))});
    checkDuration(e, QStringLiteral("slow_tail_latency"), slowTailLatency);
    return e;
}

QString LatencyDistribution::describe() const
{
    QString text;
    switch (kind) {
    case Kind::Fixed:
        text = QStringLiteral("fixed(%1)").arg(formatMs(value));
        break;
    case Kind::Uniform:
        text = QStringLiteral("uniform(%1..%2)").arg(formatMs(min), formatMs(max));
        break;
    case Kind::Normal:
        text = QStringLiteral("normal(mean %1, stddev %2)").arg(formatMs(mean), formatMs(stddev));
        break;
    case Kind::LogNormal:
        text = QStringLiteral("log_normal(median %1, p99 %2)").arg(formatMs(median), formatMs(p99));
        break;
    case Kind::Exponential:
        text = QStringLiteral("exponential(mean %1)").arg(formatMs(mean));
        break;
    case Kind::Gamma:
        text = QStringLiteral("gamma(mean %1, shape %2)").arg(formatMs(mean), formatNumber(shape));
        break;
    case Kind::Pareto:
        text = max > Duration::zero()
            ? QStringLiteral("pareto(min %1, shape %2, max %3)").arg(formatMs(min), formatNumber(shape), formatMs(max))
            : QStringLiteral("pareto(min %1, shape %2)").arg(formatMs(min), formatNumber(shape));
        break;
    case Kind::Empirical:
        text = QStringLiteral("empirical(%1 samples, median %2)").arg(samples.size()).arg(formatMs(typical()));
        break;
    }
    if (slowTailProbability > 0.0)
        text += QStringLiteral(" slow_tail=%1@%2").arg(formatNumber(slowTailProbability), formatMs(slowTailLatency));
    return text;
}

} // namespace rwb
