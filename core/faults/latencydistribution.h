#pragma once

#include "core/common/configerror.h"
#include "core/common/random.h"
#include "core/common/time.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// A distribution of durations (service times, network delays, refusal times, think times), sampled
/// only with rwb::Random so samples are bit-for-bit reproducible. Which fields matter depends on
/// `kind`; the others are ignored (and kept, so configs round-trip):
///
/// | kind        | fields                | meaning                                                          |
/// |-------------|-----------------------|------------------------------------------------------------------|
/// | fixed       | value                 | always `value`                                                   |
/// | uniform     | min, max              | uniform on [min, max)                                            |
/// | normal      | mean, stddev          | normal truncated at zero: negative draws are drawn again         |
/// | log_normal  | median, p99           | sigma = ln(p99 / median) / z(0.99)                               |
/// | exponential | mean                  | memoryless (M in queueing notation)                              |
/// | gamma       | mean, shape           | shape k; Erlang-k when k is a whole number, exponential when 1   |
/// | pareto      | min, shape [, max]    | heavy tail P(X > x) = (min / x)^shape; bounded at max when > 0   |
/// | empirical   | samples [, weights]   | one of the observed values, by weight (equal weights if absent)  |
///
/// With probability `slowTailProbability` the sample is replaced by `slowTailLatency`.
/// A plain value type; sample() is const and thread-safe given a per-thread Random.
struct LatencyDistribution {
    enum class Kind : std::uint8_t { Fixed, Uniform, Normal, LogNormal, Exponential, Gamma, Pareto, Empirical };

    Kind kind = Kind::Fixed;
    Duration value = 20ms;  ///< Fixed
    Duration min = 0ms;     ///< Uniform: [min, max); Pareto: the scale (smallest value)
    Duration max = 0ms;     ///< Uniform: upper end; Pareto: upper bound, 0 for none
    Duration mean = 0ms;    ///< Normal (before truncation), Exponential, Gamma
    Duration stddev = 0ms;  ///< Normal
    Duration median = 0ms;  ///< LogNormal
    Duration p99 = 0ms;
    double shape = 1.0;     ///< Gamma: k; Pareto: alpha
    std::vector<Duration> samples; ///< Empirical
    std::vector<double> weights;   ///< Empirical: empty, or one weight >= 0 per sample
    std::vector<double> cumulative;///< Empirical: running sums of `weights`, kept by empirical()
    double slowTailProbability = 0.0;
    Duration slowTailLatency = 0ms;

    static LatencyDistribution fixed(Duration value);
    static LatencyDistribution uniform(Duration min, Duration max);
    static LatencyDistribution normal(Duration mean, Duration stddev);
    static LatencyDistribution logNormal(Duration median, Duration p99);
    static LatencyDistribution exponential(Duration mean);
    static LatencyDistribution gamma(Duration mean, double shape);
    /// `max` zero: unbounded (then shape must exceed 1 for a finite mean).
    static LatencyDistribution pareto(Duration scale, double shape, Duration max = Duration::zero());
    static LatencyDistribution empirical(std::vector<Duration> samples, std::vector<double> weights = {});

    /// Never negative.
    Duration sample(Random& rng) const noexcept;
    /// The distribution's median, ignoring the slow tail (exact, except gamma: Wilson-Hilferty).
    Duration typical() const noexcept;
    /// P(X <= x), the slow tail included (gamma: Wilson-Hilferty; normal: truncated at zero).
    double cdf(Duration x) const noexcept;
    /// The smallest x with cdf(x) >= p, p in (0, 1), found by bisection to within 0.1 %: e.g. the p99 a
    /// timeout should sit above.
    Duration quantile(double p) const noexcept;
    /// Mean and E[X^2] in ns and ns^2 (the slow tail included): what queueing formulas need
    /// (Pollaczek-Khinchine uses E[S^2]).
    struct Moments {
        double mean = 0;
        double second = 0;
        double variance() const noexcept { return second - mean * mean; }
    };
    Moments moments() const noexcept;
    bool isZero() const noexcept { return kind == Kind::Fixed && value == Duration::zero() && slowTailProbability == 0.0; }
    /// Field names are snake_case relative to the distribution ("median", "slow_tail_probability").
    FieldErrors validate() const;
    /// e.g. "log_normal(median 40 ms, p99 400 ms)".
    QString describe() const;

    friend bool operator==(const LatencyDistribution&, const LatencyDistribution&) = default;
};

/// "fixed", "uniform", "normal", "log_normal", "exponential", "gamma", "pareto", "empirical".
QString toString(LatencyDistribution::Kind kind);
std::optional<LatencyDistribution::Kind> latencyKindFromString(const QString& text);
QStringList latencyKindNames();

/// "12.5 ms": the unit every validation message uses.
QString formatMs(Duration d);

} // namespace rwb
