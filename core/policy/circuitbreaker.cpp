#include "core/policy/circuitbreaker.h"

#include "core/events/eventsink.h"

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {

constexpr Duration kMaxOpenDuration = std::chrono::hours(24 * 365);
constexpr int kMaxWindowSize = 1000000;

QString percent(double rate)
{
    return formatNumber(std::round(rate * 1000.0) / 10.0) + QLatin1Char('%');
}

QString msText(Duration d)
{
    return formatNumber(toMs(d)) + QStringLiteral(" ms");
}

// Rates are compared as count >= threshold * calls: the same as count / calls >= threshold without a
// division. A rate fires only when its count is above zero.
bool rateReached(std::int64_t count, std::int64_t calls, double threshold) noexcept
{
    return count > 0 && static_cast<double>(count) >= threshold * static_cast<double>(calls);
}

// An enum value that toString() spells "unknown" came from a cast, not from a name.
template <class E> bool named(E value)
{
    return toString(value) != QLatin1String("unknown");
}

template <class E, std::size_t N> std::optional<E> fromName(const QString& text, const E (&all)[N])
{
    for (E e : all)
        if (toString(e) == text)
            return e;
    return std::nullopt;
}

constexpr TripMode kTripModes[] = { TripMode::Consecutive, TripMode::CountWindow, TripMode::TimeWindow };
constexpr HalfOpenRule kHalfOpenRules[] = { HalfOpenRule::AnyFailure, HalfOpenRule::Rates };
constexpr BreakerCommand kCommands[]
    = { BreakerCommand::Close, BreakerCommand::Open, BreakerCommand::HalfOpen, BreakerCommand::Isolate,
          BreakerCommand::Disable, BreakerCommand::MetricsOnly, BreakerCommand::Release, BreakerCommand::Reset };
constexpr BreakerInitialState kInitialStates[]
    = { BreakerInitialState::Closed, BreakerInitialState::Open, BreakerInitialState::HalfOpen,
          BreakerInitialState::Isolated, BreakerInitialState::Disabled, BreakerInitialState::MetricsOnly };

} // namespace

QString toString(TripMode mode)
{
    switch (mode) {
    case TripMode::Consecutive:
        return QStringLiteral("consecutive");
    case TripMode::CountWindow:
        return QStringLiteral("count_window");
    case TripMode::TimeWindow:
        return QStringLiteral("time_window");
    }
    return QStringLiteral("unknown");
}

std::optional<TripMode> tripModeFromString(const QString& text)
{
    return fromName(text, kTripModes);
}

QString toString(HalfOpenRule rule)
{
    switch (rule) {
    case HalfOpenRule::AnyFailure:
        return QStringLiteral("any_failure");
    case HalfOpenRule::Rates:
        return QStringLiteral("rates");
    }
    return QStringLiteral("unknown");
}

std::optional<HalfOpenRule> halfOpenRuleFromString(const QString& text)
{
    return fromName(text, kHalfOpenRules);
}

QString toString(BreakerForce force)
{
    switch (force) {
    case BreakerForce::None:
        return QStringLiteral("none");
    case BreakerForce::ForcedOpen:
        return QStringLiteral("forced_open");
    case BreakerForce::Disabled:
        return QStringLiteral("disabled");
    case BreakerForce::MetricsOnly:
        return QStringLiteral("metrics_only");
    }
    return QStringLiteral("unknown");
}

QString toString(RejectionCause cause)
{
    switch (cause) {
    case RejectionCause::None:
        return QStringLiteral("none");
    case RejectionCause::Open:
        return QStringLiteral("open");
    case RejectionCause::Isolated:
        return QStringLiteral("isolated");
    case RejectionCause::HalfOpenBusy:
        return QStringLiteral("half_open_busy");
    }
    return QStringLiteral("unknown");
}

QString toString(BreakerCommand command)
{
    switch (command) {
    case BreakerCommand::Close:
        return QStringLiteral("close");
    case BreakerCommand::Open:
        return QStringLiteral("open");
    case BreakerCommand::HalfOpen:
        return QStringLiteral("half_open");
    case BreakerCommand::Isolate:
        return QStringLiteral("isolate");
    case BreakerCommand::Disable:
        return QStringLiteral("disable");
    case BreakerCommand::MetricsOnly:
        return QStringLiteral("metrics_only");
    case BreakerCommand::Release:
        return QStringLiteral("release");
    case BreakerCommand::Reset:
        return QStringLiteral("reset");
    }
    return QStringLiteral("unknown");
}

std::optional<BreakerCommand> breakerCommandFromString(const QString& text)
{
    return fromName(text, kCommands);
}

QString toString(BreakerInitialState state)
{
    switch (state) {
    case BreakerInitialState::Closed:
        return QStringLiteral("closed");
    case BreakerInitialState::Open:
        return QStringLiteral("open");
    case BreakerInitialState::HalfOpen:
        return QStringLiteral("half_open");
    case BreakerInitialState::Isolated:
        return QStringLiteral("isolated");
    case BreakerInitialState::Disabled:
        return QStringLiteral("disabled");
    case BreakerInitialState::MetricsOnly:
        return QStringLiteral("metrics_only");
    }
    return QStringLiteral("unknown");
}

std::optional<BreakerInitialState> breakerInitialStateFromString(const QString& text)
{
    return fromName(text, kInitialStates);
}

QStringList CircuitBreakerConfig::differences(const CircuitBreakerConfig& a, const CircuitBreakerConfig& b)
{
    QStringList out;
    const auto check = [&out](bool same, const char* key) {
        if (!same)
            out << QLatin1String(key);
    };
    check(a.tripMode == b.tripMode, "trip_mode");
    check(a.failureThreshold == b.failureThreshold, "failure_threshold");
    check(a.windowSize == b.windowSize, "window_size");
    check(a.failureWindow == b.failureWindow, "failure_window");
    check(a.windowBuckets == b.windowBuckets && a.windowRule == b.windowRule, "behave_like");
    check(a.failureRateThreshold == b.failureRateThreshold, "failure_rate_threshold");
    check(a.minimumCalls == b.minimumCalls, "minimum_calls");
    check(a.slowCallDuration == b.slowCallDuration, "slow_call_duration");
    check(a.slowCallRateThreshold == b.slowCallRateThreshold, "slow_call_rate_threshold");
    check(a.recoveryTimeout == b.recoveryTimeout, "recovery_timeout");
    check(a.recoveryBackoffFactor == b.recoveryBackoffFactor, "recovery_backoff_factor");
    check(a.maxRecoveryTimeout == b.maxRecoveryTimeout, "max_recovery_timeout");
    check(a.halfOpenRule == b.halfOpenRule, "half_open_rule");
    check(a.permittedProbes == b.permittedProbes, "permitted_probes");
    check(a.successThreshold == b.successThreshold, "success_threshold");
    check(a.maxWaitInHalfOpen == b.maxWaitInHalfOpen, "max_wait_in_half_open");
    check(a.initialState == b.initialState, "initial_state");
    check(a.schedule == b.schedule, "schedule");
    check(a.monitored == b.monitored, "monitored");
    check(a.ignored == b.ignored, "ignored");
    return out;
}

FieldErrors BreakerAction::validate(const BreakerAction& a)
{
    FieldCheck check;
    check.require(named(a.command), QStringLiteral("action"),
        QStringLiteral("expected one of close, open, half_open, isolate, disable, metrics_only, release, "
                       "reset, got %1")
            .arg(int(a.command)));
    if (a.command != BreakerCommand::Open) {
        check.require(!a.openFor, QStringLiteral("for"),
            QStringLiteral("only an \"open\" action takes a duration, got \"%1\"").arg(toString(a.command)));
        check.require(!a.openUntil, QStringLiteral("until"),
            QStringLiteral("only an \"open\" action takes an end time, got \"%1\"").arg(toString(a.command)));
    } else if (a.openFor && a.openUntil) {
        check.require(false, QStringLiteral("until"), QStringLiteral("expected either \"for\" or \"until\", got both"));
    }
    if (a.openFor)
        check.require(*a.openFor > Duration::zero(), QStringLiteral("for"),
            QStringLiteral("expected a duration > 0 ms, got %1 ms").arg(formatNumber(toMs(*a.openFor))));
    if (a.openUntil)
        check.require(a.openUntil->time_since_epoch() >= Duration::zero(), QStringLiteral("until"),
            QStringLiteral("expected a time >= 0 ms, got %1 ms").arg(formatNumber(toMs(a.openUntil->time_since_epoch()))));
    return check.take();
}

FieldErrors CircuitBreakerConfig::validate(const CircuitBreakerConfig& c)
{
    FieldCheck check;
    check.require(!c.name.isEmpty(), QStringLiteral("name"), QStringLiteral("expected a non-empty string"));
    check.require(named(c.tripMode), QStringLiteral("trip_mode"),
        QStringLiteral("expected one of consecutive, count_window, time_window, got %1").arg(int(c.tripMode)));
    check.atLeast(QStringLiteral("failure_threshold"), static_cast<long long>(c.failureThreshold), 1LL);
    check.require(c.windowSize >= 1 && c.windowSize <= kMaxWindowSize, QStringLiteral("window_size"),
        QStringLiteral("expected an integer in [1, %1], got %2").arg(kMaxWindowSize).arg(c.windowSize));
    check.durationAtLeastMs(QStringLiteral("failure_window"), toMs(c.failureWindow), 1.0);
    check.require(c.windowBuckets >= 0 && c.windowBuckets <= TimeBuckets<int>::kMaxBuckets,
        QStringLiteral("window_buckets"),
        QStringLiteral("expected an integer in [0, %1], got %2").arg(TimeBuckets<int>::kMaxBuckets).arg(c.windowBuckets));
    check.inRange(QStringLiteral("failure_rate_threshold"), c.failureRateThreshold, 0.0, 1.0);
    if (c.minimumCalls < 1)
        check.atLeast(QStringLiteral("minimum_calls"), static_cast<long long>(c.minimumCalls), 1LL);
    else if (c.tripMode == TripMode::CountWindow && c.windowSize >= 1 && c.minimumCalls > c.windowSize)
        check.require(false, QStringLiteral("minimum_calls"),
            QStringLiteral("expected an integer <= window_size (%1), got %2").arg(c.windowSize).arg(c.minimumCalls));
    check.durationAtLeastMs(QStringLiteral("slow_call_duration"), toMs(c.slowCallDuration), 0.0);
    check.inRange(QStringLiteral("slow_call_rate_threshold"), c.slowCallRateThreshold, 0.0, 1.0);
    check.durationAtLeastMs(QStringLiteral("recovery_timeout"), toMs(c.recoveryTimeout), 0.0);
    if (std::isnan(c.recoveryBackoffFactor) || c.recoveryBackoffFactor < 1.0)
        check.atLeast(QStringLiteral("recovery_backoff_factor"), c.recoveryBackoffFactor, 1.0);
    else
        check.finite(QStringLiteral("recovery_backoff_factor"), c.recoveryBackoffFactor);
    if (c.maxRecoveryTimeout && *c.maxRecoveryTimeout < c.recoveryTimeout)
        check.require(false, QStringLiteral("max_recovery_timeout"),
            QStringLiteral("expected a duration >= recovery_timeout (%1 ms), got %2 ms")
                .arg(formatNumber(toMs(c.recoveryTimeout)), formatNumber(toMs(*c.maxRecoveryTimeout))));
    check.require(named(c.halfOpenRule), QStringLiteral("half_open_rule"),
        QStringLiteral("expected one of any_failure, rates, got %1").arg(int(c.halfOpenRule)));
    check.atLeast(QStringLiteral("permitted_probes"), static_cast<long long>(c.permittedProbes), 1LL);
    check.atLeast(QStringLiteral("success_threshold"), static_cast<long long>(c.successThreshold), 1LL);
    if (c.maxWaitInHalfOpen)
        check.require(*c.maxWaitInHalfOpen > Duration::zero(), QStringLiteral("max_wait_in_half_open"),
            QStringLiteral("expected a duration > 0 ms, got %1 ms").arg(formatNumber(toMs(*c.maxWaitInHalfOpen))));
    check.require(named(c.initialState), QStringLiteral("initial_state"),
        QStringLiteral("expected one of closed, open, half_open, isolated, disabled, metrics_only, got %1")
            .arg(int(c.initialState)));
    for (std::size_t i = 0; i < c.schedule.size(); ++i) {
        const ScheduledBreakerAction& s = c.schedule[i];
        const QString at = QStringLiteral("schedule/%1/").arg(i);
        check.durationAtLeastMs(at + QStringLiteral("at"), toMs(s.at), 0.0);
        for (const FieldError& e : BreakerAction::validate(s.action))
            check.require(false, at + e.field, e.message);
    }
    return check.take();
}

// What a locked section decided to report; emitted once the lock is released. Plain data, so the hot
// paths pay nothing for it.
struct CircuitBreaker::Pending {
    struct Change {
        BreakerState from;
        BreakerState to;
        Reason reason;
    };
    Change changes[2]; // a lazy HALF_OPEN expiry can be followed by the next HALF_OPEN in one call
    int count = 0;
    TimePoint time {};
    bool rejected = false;
    RejectionCause cause = RejectionCause::None;
    Duration delay {};
    std::uint64_t requestId = 0;

    void add(BreakerState from, BreakerState to, Reason reason, TimePoint now) noexcept
    {
        changes[std::min(count, 1)] = { from, to, reason };
        count = std::min(count + 1, 2);
        time = now;
    }
};

namespace {
const CircuitBreakerConfig& validated(const CircuitBreakerConfig& c)
{
    auto errors = CircuitBreakerConfig::validate(c);
    if (!errors.empty())
        throw InvalidConfig(std::move(errors));
    return c;
}
} // namespace

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config, EventSink* sink)
    : m_config(validated(config))
    , m_sink(sink)
    , m_monitorAll(m_config.monitored.empty())
    , m_slowDetection(m_config.slowCallDuration > Duration::zero())
    , m_countStarts(m_config.windowRule == WindowRule::Opossum && m_config.tripMode == TripMode::TimeWindow)
{
    if (m_config.tripMode == TripMode::CountWindow) {
        const auto words = static_cast<std::size_t>((m_config.windowSize + 63) / 64);
        m_failBits.assign(words, 0);
        m_slowBits.assign(words, 0);
        m_durations.assign(static_cast<std::size_t>(m_config.windowSize), 0);
    } else if (m_config.tripMode == TripMode::TimeWindow) {
        if (m_config.windowBuckets > 0)
            m_buckets.emplace(m_config.failureWindow, m_config.windowBuckets);
        else
            m_buckets.emplace(m_config.failureWindow);
    }
    // The initial state is where the breaker starts, not a transition: no event.
    switch (m_config.initialState) {
    case BreakerInitialState::Closed:
        break;
    case BreakerInitialState::Open:
        m_state = BreakerState::Open;
        m_openUntil = saturatingAdd(TimePoint {}, openDurationForTrip(1));
        break;
    case BreakerInitialState::HalfOpen:
        m_state = BreakerState::HalfOpen;
        break;
    case BreakerInitialState::Isolated:
        m_state = BreakerState::Open;
        m_force = BreakerForce::ForcedOpen;
        break;
    case BreakerInitialState::Disabled:
        m_force = BreakerForce::Disabled;
        break;
    case BreakerInitialState::MetricsOnly:
        m_force = BreakerForce::MetricsOnly;
        break;
    }
    publishGateLocked();
}

CircuitBreaker::~CircuitBreaker() = default;

OutcomeClass CircuitBreaker::classify(const Outcome& o) const
{
    if (o.kind == OutcomeKind::Rejected)
        return OutcomeClass::Ignored;
    if (!o.errorClass.isNone() && m_config.ignored.contains(o.errorClass))
        return OutcomeClass::Ignored;
    if (m_config.isFailure)
        return m_config.isFailure(o) ? OutcomeClass::Failure : OutcomeClass::Success;
    switch (o.kind) {
    case OutcomeKind::Success:
        return OutcomeClass::Success;
    case OutcomeKind::Timeout:
        return OutcomeClass::Failure;
    case OutcomeKind::Error:
        return (m_monitorAll || m_config.monitored.contains(o.errorClass)) ? OutcomeClass::Failure
                                                                           : OutcomeClass::Success;
    case OutcomeKind::Rejected:
        break;
    }
    return OutcomeClass::Ignored;
}

Duration CircuitBreaker::openDurationForTrip(int consecutiveTrips) const
{
    const Duration base = m_config.recoveryTimeout;
    const Duration cap = m_config.maxRecoveryTimeout ? *m_config.maxRecoveryTimeout : std::max(base, kMaxOpenDuration);
    if (consecutiveTrips <= 1 || m_config.recoveryBackoffFactor == 1.0)
        return std::min(base, cap);
    const double grown
        = static_cast<double>(base.count()) * std::pow(m_config.recoveryBackoffFactor, consecutiveTrips - 1);
    if (!(grown < static_cast<double>(cap.count())))
        return cap;
    return Duration(static_cast<Duration::rep>(std::llround(grown)));
}

bool CircuitBreaker::halfOpenExpiredLocked(TimePoint now) const noexcept
{
    return m_state == BreakerState::HalfOpen && m_force == BreakerForce::None && m_config.maxWaitInHalfOpen
        && now >= saturatingAdd(m_halfOpenSince, *m_config.maxWaitInHalfOpen);
}

BreakerState CircuitBreaker::effectiveStateLocked(TimePoint now) const
{
    if (m_force != BreakerForce::None)
        return m_state;
    if (m_state == BreakerState::Open && now >= m_openUntil)
        return BreakerState::HalfOpen;
    if (halfOpenExpiredLocked(now)) // the next call trips; with a zero open duration it probes at once
        return openDurationForTrip(m_consecutiveTrips + 1) > Duration::zero() ? BreakerState::Open
                                                                              : BreakerState::HalfOpen;
    return m_state;
}

void CircuitBreaker::clearWindowLocked()
{
    std::fill(m_failBits.begin(), m_failBits.end(), std::uint64_t { 0 });
    std::fill(m_slowBits.begin(), m_slowBits.end(), std::uint64_t { 0 });
    std::fill(m_durations.begin(), m_durations.end(), std::int64_t { 0 });
    m_ringPos = 0;
    m_ringFilled = 0;
    if (m_buckets)
        m_buckets->clear();
    m_win = {};
    m_consecutiveFailures = 0;
    m_thresholdArmed = true;
}

void CircuitBreaker::publishGateLocked() noexcept
{
    m_gate.store(
        (std::uint64_t { m_generation } << 8) | static_cast<std::uint64_t>(m_state), std::memory_order_release);
}

void CircuitBreaker::enterLocked(BreakerState state, TimePoint now, Reason reason, Pending& out)
{
    out.add(m_state, state, reason, now);
    m_state = state;
    ++m_generation;
    publishGateLocked();
    m_probesInFlight = 0;
    m_probesAdmitted = 0;
    m_probeSuccesses = 0;
    m_probeFailures = 0;
    m_probeSlow = 0;
    m_lastTransition = now;
}

void CircuitBreaker::openLocked(TimePoint now, TimePoint until, Reason reason, Pending& out)
{
    enterLocked(BreakerState::Open, now, reason, out);
    m_openUntil = until;
    if (!m_countStarts) // opossum keeps its rolling window across states
        clearWindowLocked();
}

void CircuitBreaker::tripLocked(TimePoint now, Reason reason, Pending& out)
{
    ++m_trips;
    ++m_consecutiveTrips;
    openLocked(now, saturatingAdd(now, openDurationForTrip(m_consecutiveTrips)), reason, out);
}

void CircuitBreaker::toClosedLocked(TimePoint now, Reason reason, Pending& out)
{
    enterLocked(BreakerState::Closed, now, reason, out);
    m_consecutiveTrips = 0;
    if (!m_countStarts || reason.why != Why::ProbeSuccesses) // opossum closes on its trial with the window kept
        clearWindowLocked();
}

void CircuitBreaker::toHalfOpenLocked(TimePoint now, Reason reason, Pending& out)
{
    enterLocked(BreakerState::HalfOpen, now, reason, out);
    m_halfOpenSince = now;
}

void CircuitBreaker::expireHalfOpenLocked(TimePoint now, Pending& out)
{
    if (halfOpenExpiredLocked(now))
        tripLocked(now, Why::HalfOpenExpired, out);
}

void CircuitBreaker::releaseProbeLocked(const Permit& permit) noexcept
{
    if (permit.probe && permit.generation == m_generation && m_state == BreakerState::HalfOpen
        && m_probesInFlight > 0) {
        --m_probesInFlight;
        --m_probesAdmitted; // a returned permit lets another trial call in
    }
}

inline bool CircuitBreaker::thresholdCrossedLocked() const noexcept
{
    if (m_config.tripMode == TripMode::Consecutive)
        return m_consecutiveFailures >= m_config.failureThreshold;
    return m_win.calls >= m_config.minimumCalls
        && (rateReached(m_win.failures, m_win.calls, m_config.failureRateThreshold)
            || (m_slowDetection && rateReached(m_win.slow, m_win.calls, m_config.slowCallRateThreshold)));
}

CircuitBreaker::Reason CircuitBreaker::evaluateLocked() const noexcept
{
    if (m_config.tripMode == TripMode::Consecutive)
        return { Why::FailureThreshold };
    const double calls = static_cast<double>(m_win.calls);
    if (rateReached(m_win.failures, m_win.calls, m_config.failureRateThreshold))
        return { Why::FailureRate, static_cast<double>(m_win.failures) / calls };
    return { Why::SlowRate, static_cast<double>(m_win.slow) / calls };
}

void CircuitBreaker::onThresholdLocked(TimePoint now, Pending& out)
{
    if (m_force == BreakerForce::None) {
        tripLocked(now, evaluateLocked(), out);
    } else if (m_thresholdArmed) { // METRICS_ONLY: say so once per crossing, stay CLOSED
        m_thresholdArmed = false;
        ++m_thresholdsExceeded;
        Reason report = evaluateLocked();
        report.notOpened = true;
        out.add(BreakerState::Closed, BreakerState::Closed, report, now);
    }
}

void CircuitBreaker::recordLocked(bool failure, bool slow, Duration latency, TimePoint now, Pending& out)
{
    m_consecutiveFailures = failure ? m_consecutiveFailures + 1 : 0;
    const int f = failure ? 1 : 0;
    const int s = slow ? 1 : 0;
    const std::int64_t ns = latency.count();

    switch (m_config.tripMode) {
    case TripMode::Consecutive:
        m_win.calls += 1;
        m_win.failures += f;
        m_win.slow += s;
        m_win.slowFailures += f & s;
        m_win.durationNs += ns;
        m_win.maxNs = std::max(m_win.maxNs, ns);
        break;
    case TripMode::CountWindow: {
        // Two bit rings (failure, slow) in 64-bit words: dense, and unlike a byte array they don't
        // alias every other member, so the compiler keeps the counters in registers.
        const auto word = static_cast<std::size_t>(m_ringPos >> 6);
        const std::uint64_t bit = std::uint64_t { 1 } << (m_ringPos & 63);
        std::int64_t& slotNs = m_durations[static_cast<std::size_t>(m_ringPos)];
        if (m_ringFilled == m_config.windowSize) {
            const int oldF = (m_failBits[word] & bit) ? 1 : 0;
            const int oldS = (m_slowBits[word] & bit) ? 1 : 0;
            m_win.failures -= oldF;
            m_win.slow -= oldS;
            m_win.slowFailures -= oldF & oldS;
            m_win.durationNs -= slotNs;
        } else {
            ++m_ringFilled;
            ++m_win.calls;
        }
        m_failBits[word] = (m_failBits[word] & ~bit) | (failure ? bit : 0);
        m_slowBits[word] = (m_slowBits[word] & ~bit) | (slow ? bit : 0);
        slotNs = ns;
        m_win.failures += f;
        m_win.slow += s;
        m_win.slowFailures += f & s;
        m_win.durationNs += ns;
        if (++m_ringPos == m_config.windowSize)
            m_ringPos = 0;
        break;
    }
    case TripMode::TimeWindow: {
        WindowCounts* b = bucketLocked(now);
        // A late outcome whose bucket already left the window: only the cumulative counters see it.
        if (b) {
            b->calls += 1;
            b->failures += f;
            b->slow += s;
            b->slowFailures += f & s;
            b->durationNs += ns;
            b->maxNs = std::max(b->maxNs, ns);
            m_win.calls += 1;
            m_win.failures += f;
            m_win.slow += s;
            m_win.slowFailures += f & s;
            m_win.durationNs += ns;
        }
        break;
    }
    }

    if (thresholdCrossedLocked())
        onThresholdLocked(now, out);
    else
        m_thresholdArmed = true;
}

CircuitBreaker::WindowCounts* CircuitBreaker::bucketLocked(TimePoint now)
{
    return m_buckets->bucketFor(now, [this](const WindowCounts& old) {
        m_win.calls -= old.calls;
        m_win.failures -= old.failures;
        m_win.slow -= old.slow;
        m_win.slowFailures -= old.slowFailures;
        m_win.durationNs -= old.durationNs;
    });
}

void CircuitBreaker::countStartLocked(TimePoint now)
{
    if (WindowCounts* b = bucketLocked(now)) {
        ++b->calls;
        ++m_win.calls;
    }
}

void CircuitBreaker::recordOpossumLocked(bool failure, bool judge, TimePoint now, Pending& out)
{
    if (!failure)
        return; // its call was counted when it started; only a failure is judged
    if (WindowCounts* b = bucketLocked(now)) {
        ++b->failures;
        ++m_win.failures;
    }
    // opossum's own arithmetic (failures / fires * 100 > errorThresholdPercentage), so a rate exactly at
    // the threshold decides alike.
    if (judge && m_win.calls >= m_config.minimumCalls
        && static_cast<double>(m_win.failures) / static_cast<double>(m_win.calls) * 100.0
            > m_config.failureRateThreshold * 100.0)
        onThresholdLocked(now, out);
}

void CircuitBreaker::recordProbeLocked(bool failure, bool slow, Duration latency, TimePoint now, Pending& out)
{
    if (m_probesInFlight > 0)
        --m_probesInFlight;
    ++(failure ? m_probeFailures : m_probeSuccesses);
    m_probeSlow += slow ? 1 : 0;
    if (m_config.halfOpenRule == HalfOpenRule::AnyFailure) {
        // One probe is a window of one call: a failed or slow probe is a rate of 100 %.
        if (failure)
            tripLocked(now, Why::ProbeFailed, out);
        else if (slow)
            tripLocked(now, { Why::SlowProbe, static_cast<double>(latency.count()) }, out);
        else if (m_probeSuccesses >= m_config.successThreshold)
            toClosedLocked(now, { Why::ProbeSuccesses, static_cast<double>(m_probeSuccesses) }, out);
        return;
    }
    const int n = m_probeSuccesses + m_probeFailures;
    if (n < m_config.permittedProbes)
        return;
    const double calls = static_cast<double>(n);
    if (rateReached(m_probeFailures, n, m_config.failureRateThreshold))
        tripLocked(now, { Why::ProbeFailureRate, m_probeFailures / calls }, out);
    else if (m_slowDetection && rateReached(m_probeSlow, n, m_config.slowCallRateThreshold))
        tripLocked(now, { Why::ProbeSlowRate, m_probeSlow / calls }, out);
    else
        toClosedLocked(now, { Why::ProbesBelow, calls }, out);
}

Admission CircuitBreaker::acquireLocked(TimePoint now, std::uint64_t requestId)
{
    Pending p;
    Admission a;
    m_lock.lock();
    if (m_countStarts)
        countStartLocked(now); // opossum counts every call when it starts, refused ones too
    if (m_state == BreakerState::Closed) { // closed since the gate was read
        a.admitted = true;
        a.permit = { m_generation, false, true };
        m_lock.unlock();
        return a;
    }
    expireHalfOpenLocked(now, p);
    if (m_state == BreakerState::Open && m_force == BreakerForce::None && now >= m_openUntil)
        toHalfOpenLocked(now, Why::RecoveryElapsed, p);
    const int inUse = m_config.halfOpenRule == HalfOpenRule::AnyFailure ? m_probesInFlight : m_probesAdmitted;
    if (m_state == BreakerState::HalfOpen && inUse < m_config.permittedProbes) {
        ++m_probesInFlight;
        ++m_probesAdmitted;
        a.admitted = true;
        a.permit = { m_generation, true, true };
    } else {
        ++m_rejections;
        if (m_force == BreakerForce::ForcedOpen) {
            a.cause = RejectionCause::Isolated;
        } else if (m_state == BreakerState::Open) {
            a.cause = RejectionCause::Open;
            a.retryAfter = m_openUntil - now;
        } else {
            a.cause = RejectionCause::HalfOpenBusy;
        }
        p.rejected = true;
        p.cause = a.cause;
        p.delay = a.retryAfter.value_or(Duration::zero());
        p.requestId = requestId;
        p.time = now;
    }
    m_lock.unlock();
    if (p.count > 0 || p.rejected)
        publish(p);
    return a;
}

void CircuitBreaker::onOutcome(const Permit& permit, const Outcome& outcome, TimePoint now)
{
    if (!permit.valid)
        return;
    const OutcomeClass cls = classify(outcome);
    const bool failure = cls == OutcomeClass::Failure;
    const bool slow = m_slowDetection && outcome.latency >= m_config.slowCallDuration;
    Pending p;
    m_lock.lock();
    if (m_force == BreakerForce::Disabled) {
        m_lock.unlock();
        return;
    }
    // A late outcome after the HALF_OPEN deadline: the epoch ends first, so the probe counts as stale.
    if (m_state == BreakerState::HalfOpen)
        expireHalfOpenLocked(now, p);
    if (cls == OutcomeClass::Ignored) {
        ++m_ignored;
        releaseProbeLocked(permit);
        m_lock.unlock();
        if (p.count > 0)
            publish(p);
        return;
    }
    ++m_calls;
    ++(failure ? m_failures : m_successes);
    m_slowCalls += slow ? 1 : 0;
    const bool current = permit.generation == m_generation;
    if (m_countStarts) {
        // opossum counts a failure whenever it ends; only a current one can trip or decide a trial.
        recordOpossumLocked(failure, current && m_state == BreakerState::Closed, now, p);
        if (current && m_state == BreakerState::HalfOpen && permit.probe)
            recordProbeLocked(failure, slow, outcome.latency, now, p);
    } else if (current) {
        if (m_state == BreakerState::Closed)
            recordLocked(failure, slow, outcome.latency, now, p);
        else if (m_state == BreakerState::HalfOpen && permit.probe)
            recordProbeLocked(failure, slow, outcome.latency, now, p);
    }
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::onCancelled(const Permit& permit)
{
    if (!permit.valid || !permit.probe)
        return;
    m_lock.lock();
    releaseProbeLocked(permit);
    m_lock.unlock();
}

void CircuitBreaker::setForceLocked(BreakerForce force, BreakerState state, TimePoint now, Reason reason, Pending& out)
{
    m_force = force;
    enterLocked(state, now, reason, out);
    if (state == BreakerState::Closed)
        m_consecutiveTrips = 0;
    clearWindowLocked();
}

void CircuitBreaker::forceOpen(TimePoint now)
{
    Pending p;
    m_lock.lock();
    if (m_force != BreakerForce::ForcedOpen) // a repeat changes nothing
        setForceLocked(BreakerForce::ForcedOpen, BreakerState::Open, now, Why::ForcedOpen, p);
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::disable(TimePoint now)
{
    Pending p;
    m_lock.lock();
    if (m_force != BreakerForce::Disabled)
        setForceLocked(BreakerForce::Disabled, BreakerState::Closed, now, Why::Disabled, p);
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::metricsOnly(TimePoint now)
{
    Pending p;
    m_lock.lock();
    if (m_force != BreakerForce::MetricsOnly)
        setForceLocked(BreakerForce::MetricsOnly, BreakerState::Closed, now, Why::MetricsOnly, p);
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::transitionToClosed(TimePoint now)
{
    Pending p;
    m_lock.lock();
    if (m_state != BreakerState::Closed || m_force != BreakerForce::None) {
        m_force = BreakerForce::None;
        toClosedLocked(now, Why::ManualClose, p);
    }
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::manualOpen(std::optional<TimePoint> until, TimePoint now)
{
    Pending p;
    m_lock.lock();
    const TimePoint deadline = until ? *until : saturatingAdd(now, openDurationForTrip(m_consecutiveTrips + 1));
    if (m_state == BreakerState::Open && m_force == BreakerForce::None) {
        m_openUntil = deadline; // still OPEN: only the deadline moves
    } else {
        m_force = BreakerForce::None;
        openLocked(now, deadline, Why::ManualOpen, p);
    }
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::transitionToOpen(TimePoint now)
{
    manualOpen(std::nullopt, now);
}

void CircuitBreaker::transitionToOpenFor(Duration duration, TimePoint now)
{
    manualOpen(saturatingAdd(now, std::max(duration, Duration::zero())), now);
}

void CircuitBreaker::transitionToOpenUntil(TimePoint until, TimePoint now)
{
    manualOpen(until, now);
}

void CircuitBreaker::transitionToHalfOpen(TimePoint now)
{
    Pending p;
    m_lock.lock();
    if (m_state != BreakerState::HalfOpen || m_force != BreakerForce::None) {
        m_force = BreakerForce::None;
        toHalfOpenLocked(now, Why::ManualHalfOpen, p);
    }
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::release(TimePoint now)
{
    Pending p;
    m_lock.lock();
    if (m_force != BreakerForce::None) {
        m_force = BreakerForce::None;
        toClosedLocked(now, Why::Released, p);
    }
    m_lock.unlock();
    if (p.count > 0)
        publish(p);
}

void CircuitBreaker::reset(TimePoint now)
{
    Pending p;
    m_lock.lock();
    m_force = BreakerForce::None;
    toClosedLocked(now, Why::Reset, p);
    m_calls = m_successes = m_failures = m_slowCalls = m_ignored = m_rejections = m_trips = 0;
    m_thresholdsExceeded = 0;
    m_lock.unlock();
    publish(p);
}

void CircuitBreaker::apply(const BreakerAction& action, TimePoint now)
{
    switch (action.command) {
    case BreakerCommand::Close:
        return transitionToClosed(now);
    case BreakerCommand::Open:
        if (action.openFor)
            return transitionToOpenFor(*action.openFor, now);
        if (action.openUntil)
            return transitionToOpenUntil(*action.openUntil, now);
        return transitionToOpen(now);
    case BreakerCommand::HalfOpen:
        return transitionToHalfOpen(now);
    case BreakerCommand::Isolate:
        return forceOpen(now);
    case BreakerCommand::Disable:
        return disable(now);
    case BreakerCommand::MetricsOnly:
        return metricsOnly(now);
    case BreakerCommand::Release:
        return release(now);
    case BreakerCommand::Reset:
        return reset(now);
    }
}

BreakerState CircuitBreaker::state(TimePoint now) const
{
    m_lock.lock();
    const auto s = effectiveStateLocked(now);
    m_lock.unlock();
    return s;
}

BreakerForce CircuitBreaker::force() const
{
    m_lock.lock();
    const auto f = m_force;
    m_lock.unlock();
    return f;
}

CircuitBreaker::WindowCounts CircuitBreaker::windowLocked(TimePoint now) const
{
    if (m_config.tripMode == TripMode::TimeWindow) {
        WindowCounts w;
        m_buckets->forEach(now, [&w](const WindowCounts& b) {
            w.calls += b.calls;
            w.failures += b.failures;
            w.slow += b.slow;
            w.slowFailures += b.slowFailures;
            w.durationNs += b.durationNs;
            w.maxNs = std::max(w.maxNs, b.maxNs);
        });
        return w;
    }
    WindowCounts w = m_win;
    if (m_config.tripMode == TripMode::CountWindow) // the slots in use are the first m_ringFilled
        w.maxNs = m_ringFilled == 0 ? 0 : *std::max_element(m_durations.begin(), m_durations.begin() + m_ringFilled);
    return w;
}

CircuitBreakerStats CircuitBreaker::stats(TimePoint now) const
{
    CircuitBreakerStats s;
    s.name = m_config.name;
    s.tripMode = m_config.tripMode;
    m_lock.lock();
    s.state = effectiveStateLocked(now);
    s.force = m_force;
    s.calls = m_calls;
    s.successes = m_successes;
    s.failures = m_failures;
    s.slowCalls = m_slowCalls;
    s.ignored = m_ignored;
    s.rejections = m_rejections;
    s.trips = m_trips;
    s.thresholdsExceeded = m_thresholdsExceeded;
    const WindowCounts w = windowLocked(now);
    s.consecutiveFailures = m_consecutiveFailures;
    s.consecutiveTrips = m_consecutiveTrips;
    s.probesInFlight = m_probesInFlight;
    s.probesAdmitted = m_probesAdmitted;
    s.probeSuccesses = m_probeSuccesses;
    s.probeFailures = m_probeFailures;
    s.probeSlowCalls = m_probeSlow;
    s.lastTransition = m_lastTransition;
    const bool expired = halfOpenExpiredLocked(now);
    if (m_state == BreakerState::Open && m_force == BreakerForce::None && now < m_openUntil)
        s.timeUntilHalfOpen = m_openUntil - now;
    else if (expired) // as if the next call tripped now
        s.timeUntilHalfOpen = openDurationForTrip(m_consecutiveTrips + 1);
    s.currentRecoveryTimeout = m_state == BreakerState::Open && m_consecutiveTrips > 0
        ? openDurationForTrip(m_consecutiveTrips)
        : openDurationForTrip(m_consecutiveTrips + 1);
    m_lock.unlock();
    s.windowCalls = w.calls;
    s.windowFailures = w.failures;
    s.windowSlowCalls = w.slow;
    s.windowSlowFailures = w.slowFailures;
    s.windowSlowSuccesses = w.slow - w.slowFailures;
    if (w.calls > 0) {
        s.failureRate = static_cast<double>(w.failures) / static_cast<double>(w.calls);
        s.slowCallRate = static_cast<double>(w.slow) / static_cast<double>(w.calls);
        s.windowMeanDuration = Duration(w.durationNs / w.calls);
        s.windowMaxDuration = Duration(w.maxNs);
    }
    return s;
}

QString CircuitBreaker::reasonText(const Reason& r) const
{
    QString text;
    switch (r.why) {
    case Why::FailureThreshold:
        text = QStringLiteral("failure_threshold %1 reached").arg(m_config.failureThreshold);
        break;
    case Why::FailureRate:
        text = QStringLiteral("failure rate %1 >= %2").arg(percent(r.value), percent(m_config.failureRateThreshold));
        break;
    case Why::SlowRate:
        text = QStringLiteral("slow-call rate %1 >= %2").arg(percent(r.value), percent(m_config.slowCallRateThreshold));
        break;
    case Why::RecoveryElapsed:
        return QStringLiteral("recovery timeout elapsed");
    case Why::ProbeSuccesses:
        return r.value == 1.0 ? QStringLiteral("1 probe success")
                              : QStringLiteral("%1 probe successes").arg(formatNumber(r.value));
    case Why::ProbeFailed:
        return QStringLiteral("probe failed");
    case Why::SlowProbe:
        return QStringLiteral("slow probe (%1 >= %2)")
            .arg(msText(Duration(static_cast<Duration::rep>(r.value))), msText(m_config.slowCallDuration));
    case Why::ProbeFailureRate:
        return QStringLiteral("probe failure rate %1 >= %2")
            .arg(percent(r.value), percent(m_config.failureRateThreshold));
    case Why::ProbeSlowRate:
        return QStringLiteral("probe slow-call rate %1 >= %2")
            .arg(percent(r.value), percent(m_config.slowCallRateThreshold));
    case Why::ProbesBelow:
        return QStringLiteral("%1 probes below the thresholds").arg(formatNumber(r.value));
    case Why::HalfOpenExpired:
        return QStringLiteral("no probe decision within max_wait_in_half_open %1")
            .arg(msText(m_config.maxWaitInHalfOpen.value_or(Duration::zero())));
    case Why::ManualClose:
        return QStringLiteral("manual close");
    case Why::ManualOpen:
        return QStringLiteral("manual open");
    case Why::ManualHalfOpen:
        return QStringLiteral("manual half-open");
    case Why::ForcedOpen:
        return QStringLiteral("forced open");
    case Why::Disabled:
        return QStringLiteral("disabled");
    case Why::MetricsOnly:
        return QStringLiteral("metrics only");
    case Why::Released:
        return QStringLiteral("released");
    case Why::Reset:
        return QStringLiteral("reset");
    }
    return r.notOpened ? QStringLiteral("metrics only, not opened: ") + text : text;
}

void CircuitBreaker::publish(const Pending& p) const
{
    EventSink* sink = m_sink.load(std::memory_order_acquire);
    if (!sink)
        return;
    for (int i = 0; i < p.count; ++i) {
        Event e;
        e.time = p.time;
        e.source = m_config.name;
        e.kind = EventKind::BreakerTransition;
        e.from = p.changes[i].from;
        e.to = p.changes[i].to;
        e.text = reasonText(p.changes[i].reason);
        sink->onEvent(e);
    }
    if (p.rejected && sink->interests().contains(EventKind::BreakerRejected)) { // not built for a sink that skips them
        Event r;
        r.time = p.time;
        r.source = m_config.name;
        r.kind = EventKind::BreakerRejected;
        r.requestId = p.requestId;
        r.delay = p.delay;
        r.outcome = OutcomeKind::Rejected;
        r.errorClass = ErrorClass::circuitOpen();
        r.text = toString(p.cause);
        sink->onEvent(r);
    }
}

} // namespace rwb
