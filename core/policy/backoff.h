#pragma once

#include "core/common/configerror.h"
#include "core/common/random.h"
#include "core/common/time.h"

#include <QString>

#include <array>
#include <cstdint>
#include <optional>

namespace rwb {

/// How the un-jittered delay grows with the retry number n (1 = first retry).
/// JSON spelling: "exponential", "linear", "constant".
enum class BackoffStrategy : std::uint8_t {
    Exponential, ///< base_delay * exponential_base^(n-1)
    Linear,      ///< base_delay * n
    Constant,    ///< base_delay
};
QString toString(BackoffStrategy strategy);
std::optional<BackoffStrategy> backoffStrategyFromString(const QString& text);

/// Randomisation applied to the delay d. JSON spelling: "none", "full", "equal", "decorrelated",
/// "proportional", "decorrelated_v2".
enum class Jitter : std::uint8_t {
    None,           ///< d
    Full,           ///< uniform [0, d)              (seed 001's `jitter=True`)
    Equal,          ///< d/2 + uniform [0, d/2)
    Decorrelated,   ///< min(max_delay, uniform [base_delay, 3 * previous)), ignores the strategy (AWS)
    Proportional,   ///< min(max_delay, raw d * uniform [0.75, 1.25)): Polly's +-25 % for constant and linear
    DecorrelatedV2, ///< Polly's DecorrelatedJitterBackoffV2, ignores the strategy (docs/backoff.md)
};
QString toString(Jitter jitter);
std::optional<Jitter> jitterFromString(const QString& text);

/// Backoff configuration. Field comments give the JSON name, default and rule.
/// Seed-style `max_retries` is not part of the backoff; it belongs to RetryConfig (see retrypolicy.h).
struct BackoffConfig {
    BackoffStrategy strategy = BackoffStrategy::Exponential; ///< strategy
    Duration baseDelay = 1s;       ///< base_delay: >= 0
    Duration maxDelay = 60s;       ///< max_delay: cap of every delay, >= base_delay
    double exponentialBase = 2.0;  ///< exponential_base: finite, >= 1 (exponential only)
    Jitter jitter = Jitter::Full;  ///< jitter

    static FieldErrors validate(const BackoffConfig& config);
};

/// Computes retry delays (docs/backoff.md has every formula). Immutable after construction, so it is
/// thread-safe; randomness comes from the Random the caller hands in (one per thread / call), which
/// makes every schedule reproducible from a seed. Never overflows: huge retry numbers saturate at
/// max_delay.
class Backoff final {
public:
    /// Throws InvalidConfig listing every broken rule.
    explicit Backoff(BackoffConfig config = {});
    const BackoffConfig& config() const noexcept { return m_config; }

    /// The capped delay before retry `retryNumber` (1-based) without jitter. retryNumber < 1 counts as 1.
    /// (Seed 001's `calculate_delay(k)` with 0-based k equals baseDelay(k + 1).)
    Duration baseDelay(int retryNumber) const noexcept;

    /// The delay before retry `retryNumber` (1-based) with jitter applied. `previousDelay` is the delay
    /// used before the previous retry (zero for the first retry); only decorrelated jitter uses it.
    /// `formulaState` is decorrelated_v2's memory of the call (0 before the first retry; the call keeps
    /// it, see RetryContext); the other jitters leave it alone.
    /// Draws at most one number from `rng`; jitter None draws nothing.
    Duration delay(int retryNumber, Duration previousDelay, Random& rng, double& formulaState) const noexcept;
    /// Same, for jitters without a memory (decorrelated_v2 then starts from 0 at every retry).
    Duration delay(int retryNumber, Duration previousDelay, Random& rng) const noexcept
    {
        double state = 0.0;
        return delay(retryNumber, previousDelay, rng, state);
    }

private:
    static constexpr int kTableSize = 64;
    double rawDelayNs(int retryNumber) const noexcept;
    double computeRawDelayNs(int retryNumber) const noexcept;
    Duration capped(double ns) const noexcept;
    Duration decorrelatedV2(int retryNumber, Random& rng, double& formulaState) const noexcept;

    BackoffConfig m_config;
    double m_baseNs;
    double m_maxNs;
    // Un-jittered, uncapped delays for retries 1..kTableSize and their capped durations: no pow() on the
    // hot path.
    std::array<double, kTableSize> m_rawTable {};
    std::array<Duration, kTableSize> m_table {};
};

} // namespace rwb
