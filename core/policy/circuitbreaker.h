#pragma once

#include "core/common/breakerstate.h"
#include "core/common/configerror.h"
#include "core/common/errorclass.h"
#include "core/common/outcome.h"
#include "core/common/time.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace rwb {

class EventSink;

/// How a CLOSED circuit decides to trip. JSON spelling: "consecutive", "count_window", "time_window".
enum class TripMode : std::uint8_t {
    Consecutive, ///< `failure_threshold` failures in a row
    CountWindow, ///< failure (or slow-call) rate over the last `window_size` recorded calls
    TimeWindow, ///< failure (or slow-call) rate over the calls of the last `failure_window`
};
QString toString(TripMode mode);
std::optional<TripMode> tripModeFromString(const QString& text);

/// Manual override of the state machine. JSON spelling: "none", "forced_open", "forced_closed".
enum class BreakerForce : std::uint8_t {
    None,
    ForcedOpen, ///< isolate: every call is rejected until release() or reset()
    ForcedClosed, ///< disable: every call is admitted; outcomes are counted but never trip the circuit
};
QString toString(BreakerForce force);

/// Configuration of one circuit. Plain value; field comments give the JSON name, default and rule
/// (validate() enforces the rules; docs/circuit-breaker.md explains them).
struct CircuitBreakerConfig {
    QString name = QStringLiteral("default"); ///< name: event source and registry key, not empty

    TripMode tripMode = TripMode::Consecutive; ///< trip_mode
    int failureThreshold = 5; ///< failure_threshold (consecutive): >= 1
    int windowSize = 20; ///< window_size (count_window): calls, in [1, 1000000]
    Duration failureWindow = 60s; ///< failure_window (time_window): >= 1 ms
    double failureRateThreshold = 0.5; ///< failure_rate_threshold (window modes): in [0, 1]
    int minimumCalls = 10; ///< minimum_calls (window modes): >= 1, <= window_size

    /// slow_call_duration: a recorded call whose latency is >= this is "slow" (success or failure).
    /// Zero (the default) disables slow-call detection. >= 0.
    Duration slowCallDuration = Duration::zero();
    /// slow_call_rate_threshold (window modes): in [0, 1]. In consecutive mode slow calls are only counted.
    double slowCallRateThreshold = 1.0;

    Duration recoveryTimeout = 60s; ///< recovery_timeout: time OPEN before HALF_OPEN, >= 0
    double recoveryBackoffFactor = 1.0; ///< recovery_backoff_factor: >= 1, finite; multiplies per repeated trip
    /// max_recovery_timeout: cap for the grown open duration, >= recovery_timeout. Unset: no cap
    /// (the duration still saturates at 1 year).
    std::optional<Duration> maxRecoveryTimeout;

    int permittedProbes = 1; ///< permitted_probes: concurrent calls admitted in HALF_OPEN, >= 1
    int successThreshold = 2; ///< success_threshold: probe successes needed to close, >= 1

    /// monitored: error classes that count as failures (kind Error). Empty: every error counts.
    /// Errors not monitored count as successes (the service did answer).
    ErrorClassSet monitored;
    /// ignored: error classes that are not recorded at all (neither success nor failure).
    ErrorClassSet ignored;
    /// Optional predicate deciding failure for every outcome that is not Rejected and not ignored;
    /// replaces the kind/monitored rules when set. Must be thread-safe if the breaker is shared.
    std::function<bool(const Outcome&)> isFailure;

    /// Every broken rule; empty when the config is valid. Fields use the JSON names above.
    static FieldErrors validate(const CircuitBreakerConfig& config);
};

/// Proof of admission handed back to onOutcome()/onCancelled(). Trivially copyable, 8 bytes.
struct Permit {
    std::uint32_t generation = 0; ///< state-machine epoch at admission (outcomes of older epochs are only counted)
    bool probe = false; ///< admitted in HALF_OPEN: holds one of the `permitted_probes` slots
    bool valid = false; ///< false for a default-constructed or rejected permit
};

/// Result of tryAcquire(): either admitted with a permit, or rejected with a hint when to come back.
struct Admission {
    bool admitted = false;
    Permit permit;
    /// When rejected: time until the circuit turns HALF_OPEN (OPEN), zero when HALF_OPEN probe slots
    /// are busy, the current recovery timeout when forced open. Zero when admitted.
    Duration retryAfter {};

    explicit operator bool() const noexcept { return admitted; }
};

/// How an outcome was classified (exposed for tests and diagnostics).
enum class OutcomeClass : std::uint8_t { Success, Failure, Ignored };

/// A consistent snapshot of one circuit. Counters named "cumulative" survive transitions and are
/// cleared only by reset(); window figures describe the current CLOSED period.
struct CircuitBreakerStats {
    QString name;
    BreakerState state = BreakerState::Closed; ///< effective state at `now` (OPEN past its deadline reads HALF_OPEN)
    BreakerForce force = BreakerForce::None;
    TripMode tripMode = TripMode::Consecutive;

    std::uint64_t calls = 0; ///< cumulative recorded calls (successes + failures)
    std::uint64_t successes = 0; ///< cumulative
    std::uint64_t failures = 0; ///< cumulative
    std::uint64_t slowCalls = 0; ///< cumulative
    std::uint64_t ignored = 0; ///< cumulative outcomes not recorded (ignored classes, Rejected outcomes)
    std::uint64_t rejections = 0; ///< cumulative tryAcquire() refusals
    std::uint64_t trips = 0; ///< cumulative transitions into OPEN (forceOpen excluded)

    std::int64_t windowCalls = 0; ///< calls in the current window (consecutive mode: since last close)
    std::int64_t windowFailures = 0;
    std::int64_t windowSlowCalls = 0;
    double failureRate = 0.0; ///< windowFailures / windowCalls, 0 when empty
    double slowCallRate = 0.0; ///< windowSlowCalls / windowCalls, 0 when empty
    int consecutiveFailures = 0;
    int consecutiveTrips = 0; ///< trips since the circuit last closed (drives recovery growth)
    int probesInFlight = 0;
    int probeSuccesses = 0;

    TimePoint lastTransition {}; ///< time of the last state change (origin if none)
    Duration timeUntilHalfOpen {}; ///< OPEN only: remaining open time at `now`, else zero
    Duration currentRecoveryTimeout {}; ///< open duration of the current/next trip
};

/// The circuit breaker decision object: a CLOSED / OPEN / HALF_OPEN state machine driven by the
/// times handed to it. It never sleeps and never reads a clock.
///
/// Usage: `auto a = cb.tryAcquire(now); if (a) { ...call...; cb.onOutcome(a.permit, outcome, later); }`
/// Every admitted permit must be finished by exactly one onOutcome() or onCancelled() (the latter when
/// the call never happened), otherwise a HALF_OPEN probe slot stays taken.
///
/// OPEN -> HALF_OPEN happens lazily, in the first tryAcquire() at or after the deadline.
/// Outcomes of permits admitted before the last state change (or reset) are counted in the cumulative
/// statistics but do not drive the state machine.
///
/// Events (BreakerTransition, BreakerRejected) go to the optional sink, emitted after the internal
/// lock is released, on the calling thread.
///
/// This class is thread-safe: every public member may be called concurrently. A small spinlock guards
/// the state; admission while CLOSED reads one atomic and takes no lock, recording an outcome takes
/// the lock once. Not copyable or movable.
class CircuitBreaker final {
public:
    /// Throws InvalidConfig listing every broken rule. `sink` is not owned and must outlive the breaker.
    explicit CircuitBreaker(CircuitBreakerConfig config, EventSink* sink = nullptr);
    ~CircuitBreaker();
    CircuitBreaker(const CircuitBreaker&) = delete;
    CircuitBreaker& operator=(const CircuitBreaker&) = delete;

    const CircuitBreakerConfig& config() const noexcept { return m_config; }
    const QString& name() const noexcept { return m_config.name; }

    /// Replaces the event sink (nullptr: none). Safe to call at any time.
    void setEventSink(EventSink* sink) noexcept { m_sink.store(sink, std::memory_order_release); }

    /// Asks to make a call at `now`. `requestId` only labels the BreakerRejected event.
    Admission tryAcquire(TimePoint now, std::uint64_t requestId = 0);
    /// Records the outcome of an admitted call, finished at `now`. Invalid permits are ignored.
    void onOutcome(const Permit& permit, const Outcome& outcome, TimePoint now);
    /// The admitted call was never made: frees its probe slot, records nothing.
    void onCancelled(const Permit& permit);

    /// Isolates the circuit: OPEN, rejecting everything until release() or reset().
    void forceOpen(TimePoint now);
    /// Disables the circuit: CLOSED, admitting everything and never tripping until release() or reset().
    void forceClosed(TimePoint now);
    /// Ends a forced mode: back to CLOSED with a fresh window (cumulative counters kept). No-op if not forced.
    void release(TimePoint now);
    /// Back to CLOSED, not forced, every counter (cumulative ones too) cleared.
    void reset(TimePoint now);

    /// Effective state at `now` without changing anything (OPEN past its deadline reports HALF_OPEN).
    BreakerState state(TimePoint now) const;
    BreakerForce force() const;
    CircuitBreakerStats stats(TimePoint now) const;

    /// The classification onOutcome() applies (pure function of the config).
    OutcomeClass classify(const Outcome& outcome) const;

private:
    struct Transition;

    void lock() const noexcept;
    void unlock() const noexcept { m_lock.clear(std::memory_order_release); }

    // All below run with the lock held.
    void recordLocked(bool failure, bool slow, TimePoint now, Transition& out);
    void tripLocked(TimePoint now, QString reason, Transition& out);
    void toClosedLocked(TimePoint now, QString reason, Transition& out);
    void toHalfOpenLocked(TimePoint now, Transition& out);
    void clearWindowLocked();
    void publishGateLocked() noexcept;
    Duration openDurationForTrip(int consecutiveTrips) const;
    BreakerState effectiveStateLocked(TimePoint now) const;
    void publish(const Transition& t) const;

    const CircuitBreakerConfig m_config;
    std::atomic<EventSink*> m_sink;
    bool m_monitorAll;

    mutable std::atomic_flag m_lock = ATOMIC_FLAG_INIT;

    BreakerState m_state = BreakerState::Closed;
    BreakerForce m_force = BreakerForce::None;
    std::uint32_t m_generation = 1;
    /// (m_generation << 8) | m_state, read without the lock by the closed admission path.
    std::atomic<std::uint64_t> m_gate { std::uint64_t { 1 } << 8 };
    TimePoint m_openUntil {};
    TimePoint m_lastTransition {};
    int m_consecutiveFailures = 0;
    int m_consecutiveTrips = 0;
    int m_probesInFlight = 0;
    int m_probeSuccesses = 0;

    // Count window: one bit per slot in each ring (failure, slow); m_ringPos is the next slot.
    std::vector<std::uint64_t> m_failBits;
    std::vector<std::uint64_t> m_slowBits;
    int m_ringPos = 0;
    int m_ringFilled = 0;
    // Time window: per-bucket counts; bucket index = time / m_bucketWidth.
    struct Bucket {
        std::int64_t index = -1;
        int calls = 0;
        int failures = 0;
        int slow = 0;
    };
    std::vector<Bucket> m_buckets;
    Duration m_bucketWidth { 1s };
    std::int64_t m_headBucket = 0; ///< newest bucket index seen
    // Totals over the active window (count or time mode); consecutive mode counts since last close.
    std::int64_t m_winCalls = 0;
    std::int64_t m_winFailures = 0;
    std::int64_t m_winSlow = 0;

    std::uint64_t m_calls = 0;
    std::uint64_t m_successes = 0;
    std::uint64_t m_failures = 0;
    std::uint64_t m_slowCalls = 0;
    std::uint64_t m_ignored = 0;
    std::uint64_t m_rejections = 0;
    std::uint64_t m_trips = 0;
};

} // namespace rwb
