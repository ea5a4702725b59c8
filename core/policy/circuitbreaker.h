#pragma once

#include "core/common/breakerstate.h"
#include "core/common/configerror.h"
#include "core/common/errorclass.h"
#include "core/common/outcome.h"
#include "core/common/time.h"
#include "core/policy/spinlock.h"
#include "core/policy/timebuckets.h"

#include <QString>
#include <QStringList>

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

/// How HALF_OPEN decides. JSON spelling: "any_failure", "rates".
enum class HalfOpenRule : std::uint8_t {
    /// Polly's rule: up to `permitted_probes` probes at a time; the first failed (or slow) probe re-opens,
    /// `success_threshold` probe successes close.
    AnyFailure,
    /// Resilience4j's rule: `permitted_probes` trial calls in all; once every one has reported, their
    /// failure and slow-call rates against the thresholds decide: at or above -> OPEN, below -> CLOSED.
    Rates,
};
QString toString(HalfOpenRule rule);
std::optional<HalfOpenRule> halfOpenRuleFromString(const QString& text);

/// How a time window counts calls and when its rule is judged. Not a scenario key of its own: a
/// pipeline's `behave_like` picks it (docs/interop.md, "Behave like a library").
enum class WindowRule : std::uint8_t {
    /// Ours: a call counts when it ends; the rule is judged after every recorded call; it fires at
    /// rate >= threshold; every transition starts a fresh window.
    Workbench,
    /// opossum's: a call counts when it starts (refused calls too), a failure when it ends; the rule is
    /// judged only when a call fails, over the calls started: it fires when failures / calls is above
    /// (not at) the threshold with at least `minimum_calls` started; the window is never cleared by a
    /// transition, and HALF_OPEN probes count in it. time_window only.
    Opossum,
};

/// Manual override of the state machine. JSON spelling: "none", "forced_open", "disabled", "metrics_only".
enum class BreakerForce : std::uint8_t {
    None,
    ForcedOpen, ///< isolated: state OPEN, every call rejected (without a retry hint) until released
    Disabled, ///< state CLOSED, every call admitted, nothing recorded, never trips
    MetricsOnly, ///< state CLOSED, every call admitted and recorded; a crossed threshold emits an event, never opens
};
QString toString(BreakerForce force);

/// Why tryAcquire() refused a call; the BreakerRejected event's text: "open", "isolated", "half_open_busy".
enum class RejectionCause : std::uint8_t { None, Open, Isolated, HalfOpenBusy };
QString toString(RejectionCause cause);

/// A manual command: the C++ API's transitions as a value, so a scenario can schedule them.
/// JSON spelling of a schedule entry's "action".
enum class BreakerCommand : std::uint8_t {
    Close, ///< "close": CLOSED in normal operation, a fresh window (transitionToClosed)
    Open, ///< "open": OPEN in normal operation for `for`, until `until`, or for the next open duration
    HalfOpen, ///< "half_open": HALF_OPEN with fresh probe slots (transitionToHalfOpen)
    Isolate, ///< "isolate": forced open (forceOpen)
    Disable, ///< "disable" (disable)
    MetricsOnly, ///< "metrics_only" (metricsOnly)
    Release, ///< "release": ends a forced mode (release)
    Reset, ///< "reset": CLOSED, every counter cleared (reset)
};
QString toString(BreakerCommand command);
std::optional<BreakerCommand> breakerCommandFromString(const QString& text);

/// One manual command with its arguments.
struct BreakerAction {
    BreakerCommand command = BreakerCommand::Close;
    std::optional<Duration> openFor; ///< Open only ("for"): > 0
    std::optional<TimePoint> openUntil; ///< Open only ("until", executor time); not together with openFor

    /// Every broken rule, by JSON name ("action", "for", "until").
    static FieldErrors validate(const BreakerAction& action);
    friend bool operator==(const BreakerAction&, const BreakerAction&) = default;
};

/// A breaker action at a time of the run, like a fault schedule entry. The executors carry it out (the
/// simulator and the live runner call CircuitBreaker::apply() at `at`); the breaker itself never does.
struct ScheduledBreakerAction {
    Duration at {}; ///< "at": time since the start of the run, >= 0
    BreakerAction action;

    friend bool operator==(const ScheduledBreakerAction&, const ScheduledBreakerAction&) = default;
};

/// The state a breaker starts in. JSON spelling: "closed", "open", "half_open", "isolated", "disabled",
/// "metrics_only". "open" lasts `recovery_timeout` from time zero and is not counted as a trip.
enum class BreakerInitialState : std::uint8_t { Closed, Open, HalfOpen, Isolated, Disabled, MetricsOnly };
QString toString(BreakerInitialState state);
std::optional<BreakerInitialState> breakerInitialStateFromString(const QString& text);

/// Configuration of one circuit. Plain value; field comments give the JSON name, default and rule
/// (validate() enforces the rules; docs/circuit-breaker.md explains them).
struct CircuitBreakerConfig {
    QString name = QStringLiteral("default"); ///< name: event source and registry key, not empty

    TripMode tripMode = TripMode::Consecutive; ///< trip_mode
    int failureThreshold = 5; ///< failure_threshold (consecutive): >= 1
    int windowSize = 20; ///< window_size (count_window): calls, in [1, 1000000]
    Duration failureWindow = 60s; ///< failure_window (time_window): >= 1 ms
    /// time_window: number of buckets of failure_window / n each, in [1, 600]; 0 (the default): one per
    /// second of the window (TimeBuckets' rule). Set by behave_like (opossum: rollingCountBuckets).
    int windowBuckets = 0;
    WindowRule windowRule = WindowRule::Workbench; ///< set by behave_like
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

    HalfOpenRule halfOpenRule = HalfOpenRule::AnyFailure; ///< half_open_rule
    /// permitted_probes: >= 1. any_failure: calls admitted in HALF_OPEN at a time; rates: trial calls in all.
    int permittedProbes = 1;
    int successThreshold = 2; ///< success_threshold (any_failure): probe successes needed to close, >= 1
    /// max_wait_in_half_open: a HALF_OPEN older than this goes back to OPEN (counted as a trip), so a probe
    /// that never reports cannot pin the circuit. > 0; unset: wait for the probes forever.
    std::optional<Duration> maxWaitInHalfOpen;

    BreakerInitialState initialState = BreakerInitialState::Closed; ///< initial_state
    /// schedule: manual actions at times of a run, carried out by the executors (see ScheduledBreakerAction).
    std::vector<ScheduledBreakerAction> schedule;

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
    /// The settings (scenario keys, e.g. "failure_threshold") in which two configs differ, `name` and
    /// `isFailure` aside: pipelines may share a named circuit only when this is empty.
    static QStringList differences(const CircuitBreakerConfig& a, const CircuitBreakerConfig& b);
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
    RejectionCause cause = RejectionCause::None; ///< None when admitted
    /// When to come back, as Polly hints it: the time left until HALF_OPEN when OPEN; none when isolated
    /// (only a person ends that) or when HALF_OPEN has no free probe slot (nobody knows when one frees up).
    std::optional<Duration> retryAfter;

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

    std::uint64_t thresholdsExceeded = 0; ///< cumulative threshold crossings while METRICS_ONLY

    std::int64_t windowCalls = 0; ///< calls in the current window (consecutive mode: since last close)
    std::int64_t windowFailures = 0;
    std::int64_t windowSlowCalls = 0;
    std::int64_t windowSlowSuccesses = 0; ///< slow calls that succeeded
    std::int64_t windowSlowFailures = 0; ///< slow calls that failed
    double failureRate = 0.0; ///< windowFailures / windowCalls, 0 when empty
    double slowCallRate = 0.0; ///< windowSlowCalls / windowCalls, 0 when empty
    Duration windowMeanDuration {}; ///< mean latency of the window's calls, 0 when empty
    Duration windowMaxDuration {}; ///< longest latency among the window's calls, 0 when empty
    int consecutiveFailures = 0;
    int consecutiveTrips = 0; ///< trips since the circuit last closed (drives recovery growth)
    int probesInFlight = 0; ///< HALF_OPEN: admitted probes not reported yet
    int probesAdmitted = 0; ///< HALF_OPEN: probes admitted in this HALF_OPEN (returned ones not counted)
    int probeSuccesses = 0; ///< HALF_OPEN: probe outcomes so far
    int probeFailures = 0;
    int probeSlowCalls = 0;

    TimePoint lastTransition {}; ///< time of the last state change (origin if none)
    Duration timeUntilHalfOpen {}; ///< OPEN only: remaining open time at `now`, else zero
    Duration currentRecoveryTimeout {}; ///< open duration of the current/next trip
};

/// The circuit breaker decision object: a CLOSED / OPEN / HALF_OPEN state machine driven by the
/// times handed to it. It never sleeps and never reads a clock.
///
/// Usage: `auto a = cb.tryAcquire(now); if (a) { ...call...; cb.onOutcome(a.permit, outcome, later); }`
/// Every admitted permit must be finished by exactly one onOutcome() or onCancelled() (the latter when
/// the call never happened), otherwise a HALF_OPEN probe slot stays taken (see max_wait_in_half_open).
///
/// Time-driven transitions are lazy: OPEN -> HALF_OPEN happens in the first tryAcquire() at or after the
/// deadline, HALF_OPEN -> OPEN (max_wait_in_half_open) in the first tryAcquire() or onOutcome() at or
/// after its deadline; state() and stats() already report the state such a call would find.
/// Outcomes of permits admitted before the last state change (or reset) are counted in the cumulative
/// statistics but do not drive the state machine.
///
/// Manual control (docs/circuit-breaker.md): transitionTo*() move to a state in normal operation and end
/// any forced mode; forceOpen(), disable() and metricsOnly() hold a mode until release(), reset() or a
/// transition. Asking for the state or mode already in force is a silent no-op.
///
/// Events (BreakerTransition, BreakerRejected) go to the optional sink, emitted after the internal
/// lock is released, on the calling thread; BreakerRejected only when the sink's interests() name it.
///
/// This class is thread-safe: every public member may be called concurrently. A small spinlock guards
/// the state; admission while CLOSED reads one atomic and takes no lock (except under
/// WindowRule::Opossum, which counts every start), recording an outcome takes the lock once. Not copyable or movable.
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
    /// Inline: the closed path is a load of the gate word, and returning its answer through memory from
    /// an out-of-line call cost a store-forwarding stall in every caller (its byte-wise stores are read
    /// back in one wider load).
    Admission tryAcquire(TimePoint now, std::uint64_t requestId = 0)
    {
        // Without the lock: the gate word holds state and epoch, written under the lock at every
        // transition. A trip racing with this admission only makes the permit stale.
        const std::uint64_t gate = m_gate.load(std::memory_order_acquire);
        if (static_cast<BreakerState>(gate & 0xff) == BreakerState::Closed && !m_countStarts) [[likely]]
            return Admission { true, Permit { static_cast<std::uint32_t>(gate >> 8), false, true },
                RejectionCause::None, std::nullopt };
        return acquireLocked(now, requestId);
    }
    /// Records the outcome of an admitted call, finished at `now`. Invalid permits are ignored.
    void onOutcome(const Permit& permit, const Outcome& outcome, TimePoint now);
    /// The admitted call was never made: frees its probe slot, records nothing.
    void onCancelled(const Permit& permit);

    /// CLOSED in normal operation with a fresh window; the recovery growth starts over.
    void transitionToClosed(TimePoint now);
    /// OPEN in normal operation for the next open duration (as a trip would, but not counted as one);
    /// HALF_OPEN follows at the deadline. Already OPEN: only the deadline moves.
    void transitionToOpen(TimePoint now);
    void transitionToOpenFor(Duration duration, TimePoint now);
    /// `until` at or before `now` makes the next tryAcquire() a probe.
    void transitionToOpenUntil(TimePoint until, TimePoint now);
    /// HALF_OPEN in normal operation with fresh probe slots.
    void transitionToHalfOpen(TimePoint now);
    /// Isolates the circuit: OPEN, rejecting everything (no retry hint) until release() or reset().
    void forceOpen(TimePoint now);
    /// CLOSED, admitting everything and recording nothing until release() or reset().
    void disable(TimePoint now);
    /// CLOSED, admitting everything, recording as usual; a crossed threshold emits a CLOSED -> CLOSED
    /// BreakerTransition saying so instead of opening. Until release() or reset().
    void metricsOnly(TimePoint now);
    /// Ends a forced mode: back to CLOSED with a fresh window (cumulative counters kept). No-op if not forced.
    void release(TimePoint now);
    /// Back to CLOSED, not forced, every counter (cumulative ones too) cleared.
    void reset(TimePoint now);
    /// Carries out one command (the members above); an Open command takes its openFor or openUntil.
    void apply(const BreakerAction& action, TimePoint now);

    /// Effective state at `now` without changing anything (see the lazy transitions above).
    BreakerState state(TimePoint now) const;
    BreakerForce force() const;
    CircuitBreakerStats stats(TimePoint now) const;

    /// The classification onOutcome() applies (pure function of the config).
    OutcomeClass classify(const Outcome& outcome) const;

private:
    struct Pending;
    /// Why a transition happened, kept as a code under the lock; publish() spells it out for the event.
    enum class Why : std::uint8_t {
        FailureThreshold,
        FailureRate,
        SlowRate,
        RecoveryElapsed,
        ProbeSuccesses,
        ProbeFailed,
        SlowProbe,
        ProbeFailureRate,
        ProbeSlowRate,
        ProbesBelow,
        HalfOpenExpired,
        ManualClose,
        ManualOpen,
        ManualHalfOpen,
        ForcedOpen,
        Disabled,
        MetricsOnly,
        Released,
        Reset,
    };
    struct Reason {
        Reason() = default; // trivial: a Pending that reports nothing costs no stores
        Reason(Why w, double v = 0.0)
            : why(w)
            , value(v)
            , notOpened(false)
        {
        }
        Why why;
        double value; ///< the rate, count or latency (ns) the text names
        bool notOpened; ///< METRICS_ONLY: the rule fired, the circuit stayed CLOSED
    };
    /// Totals of recorded calls: the window's running sums and each time bucket's share.
    struct WindowCounts {
        std::int64_t calls = 0;
        std::int64_t failures = 0;
        std::int64_t slow = 0;
        std::int64_t slowFailures = 0;
        std::int64_t durationNs = 0;
        std::int64_t maxNs = 0; ///< buckets and consecutive mode only; the count window scans its ring
    };

    // All below run with the lock held.
    void recordLocked(bool failure, bool slow, Duration latency, TimePoint now, Pending& out);
    /// Does a closed-state rule fire now? Cheap; evaluateLocked() then says which.
    bool thresholdCrossedLocked() const noexcept;
    /// The closed-state rule that fires now: FailureThreshold, FailureRate or SlowRate.
    Reason evaluateLocked() const noexcept;
    void onThresholdLocked(TimePoint now, Pending& out);
    void recordProbeLocked(bool failure, bool slow, Duration latency, TimePoint now, Pending& out);
    /// WindowRule::Opossum: a call started (admitted or refused) at `now`.
    void countStartLocked(TimePoint now);
    /// WindowRule::Opossum: an outcome at `now`; a failure judges the rule (CLOSED) or re-opens (HALF_OPEN).
    void recordOpossumLocked(bool failure, bool probe, TimePoint now, Pending& out);
    WindowCounts* bucketLocked(TimePoint now);
    void tripLocked(TimePoint now, Reason reason, Pending& out);
    void openLocked(TimePoint now, TimePoint until, Reason reason, Pending& out);
    void toClosedLocked(TimePoint now, Reason reason, Pending& out);
    void toHalfOpenLocked(TimePoint now, Reason reason, Pending& out);
    void enterLocked(BreakerState state, TimePoint now, Reason reason, Pending& out);
    void expireHalfOpenLocked(TimePoint now, Pending& out);
    bool halfOpenExpiredLocked(TimePoint now) const noexcept;
    void releaseProbeLocked(const Permit& permit) noexcept;
    void manualOpen(std::optional<TimePoint> until, TimePoint now);
    void setForceLocked(BreakerForce force, BreakerState state, TimePoint now, Reason reason, Pending& out);
    void clearWindowLocked();
    void publishGateLocked() noexcept;
    Duration openDurationForTrip(int consecutiveTrips) const;
    BreakerState effectiveStateLocked(TimePoint now) const;
    WindowCounts windowLocked(TimePoint now) const;
    Admission acquireLocked(TimePoint now, std::uint64_t requestId);
    QString reasonText(const Reason& reason) const;
    void publish(const Pending& p) const;

    const CircuitBreakerConfig m_config;
    std::atomic<EventSink*> m_sink;
    bool m_monitorAll;
    bool m_slowDetection;
    bool m_countStarts; ///< WindowRule::Opossum in time_window mode: admission takes the lock to count

    mutable SpinLock m_lock;

    BreakerState m_state = BreakerState::Closed;
    BreakerForce m_force = BreakerForce::None;
    std::uint32_t m_generation = 1;
    /// (m_generation << 8) | m_state, read without the lock by the closed admission path.
    std::atomic<std::uint64_t> m_gate { std::uint64_t { 1 } << 8 };
    TimePoint m_openUntil {};
    TimePoint m_halfOpenSince {};
    TimePoint m_lastTransition {};
    int m_consecutiveFailures = 0;
    int m_consecutiveTrips = 0;
    int m_probesInFlight = 0;
    int m_probesAdmitted = 0;
    int m_probeSuccesses = 0;
    int m_probeFailures = 0;
    int m_probeSlow = 0;
    bool m_thresholdArmed = true; ///< METRICS_ONLY: the next crossing emits an event

    // Count window: one bit per slot in each ring (failure, slow) and the slot's latency; m_ringPos is the
    // next slot.
    std::vector<std::uint64_t> m_failBits;
    std::vector<std::uint64_t> m_slowBits;
    std::vector<std::int64_t> m_durations;
    int m_ringPos = 0;
    int m_ringFilled = 0;
    std::optional<TimeBuckets<WindowCounts>> m_buckets; ///< time window mode only
    // Totals over the active window (count or time mode); consecutive mode counts since last close.
    WindowCounts m_win;

    std::uint64_t m_calls = 0;
    std::uint64_t m_successes = 0;
    std::uint64_t m_failures = 0;
    std::uint64_t m_slowCalls = 0;
    std::uint64_t m_ignored = 0;
    std::uint64_t m_rejections = 0;
    std::uint64_t m_trips = 0;
    std::uint64_t m_thresholdsExceeded = 0;
};

} // namespace rwb
