#include "core/policy/circuitbreaker.h"

#include "core/events/eventsink.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace rwb {

namespace {

constexpr Duration kMaxOpenDuration = std::chrono::hours(24 * 365);
constexpr int kMaxWindowSize = 1000000;
constexpr std::int64_t kMaxTimeBuckets = 600;

inline void cpuRelax() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

QString percent(double rate)
{
    return formatNumber(std::round(rate * 1000.0) / 10.0) + QLatin1Char('%');
}

std::int64_t bucketCount(Duration window)
{
    const auto secs = (window.count() + 999'999'999) / 1'000'000'000;
    return std::clamp<std::int64_t>(secs, 1, kMaxTimeBuckets);
}

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
    for (auto m : { TripMode::Consecutive, TripMode::CountWindow, TripMode::TimeWindow })
        if (toString(m) == text)
            return m;
    return std::nullopt;
}

QString toString(BreakerForce force)
{
    switch (force) {
    case BreakerForce::None:
        return QStringLiteral("none");
    case BreakerForce::ForcedOpen:
        return QStringLiteral("forced_open");
    case BreakerForce::ForcedClosed:
        return QStringLiteral("forced_closed");
    }
    return QStringLiteral("unknown");
}

FieldErrors CircuitBreakerConfig::validate(const CircuitBreakerConfig& c)
{
    FieldCheck check;
    check.require(!c.name.isEmpty(), QStringLiteral("name"), QStringLiteral("expected a non-empty string"));
    check.atLeast(QStringLiteral("failure_threshold"), static_cast<long long>(c.failureThreshold), 1LL);
    check.require(c.windowSize >= 1 && c.windowSize <= kMaxWindowSize, QStringLiteral("window_size"),
        QStringLiteral("expected an integer in [1, %1], got %2").arg(kMaxWindowSize).arg(c.windowSize));
    check.durationAtLeastMs(QStringLiteral("failure_window"), toMs(c.failureWindow), 1.0);
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
    check.atLeast(QStringLiteral("permitted_probes"), static_cast<long long>(c.permittedProbes), 1LL);
    check.atLeast(QStringLiteral("success_threshold"), static_cast<long long>(c.successThreshold), 1LL);
    return check.take();
}

// What a locked section decided to report; emitted once the lock is released.
struct CircuitBreaker::Transition {
    bool changed = false;
    BreakerState from = BreakerState::Closed;
    BreakerState to = BreakerState::Closed;
    QString reason;
    TimePoint time {};
    bool rejected = false;
    Duration delay {};
    std::uint64_t requestId = 0;
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
{
    if (m_config.tripMode == TripMode::CountWindow) {
        const auto words = static_cast<std::size_t>((m_config.windowSize + 63) / 64);
        m_failBits.assign(words, 0);
        m_slowBits.assign(words, 0);
    } else if (m_config.tripMode == TripMode::TimeWindow) {
        const auto n = bucketCount(m_config.failureWindow);
        m_buckets.assign(static_cast<std::size_t>(n), Bucket {});
        m_bucketWidth = Duration(std::max<std::int64_t>(1, m_config.failureWindow.count() / n));
    }
}

CircuitBreaker::~CircuitBreaker() = default;

void CircuitBreaker::lock() const noexcept
{
    while (m_lock.test_and_set(std::memory_order_acquire)) {
        int spins = 0;
        while (m_lock.test(std::memory_order_relaxed)) {
            if (++spins < 64) {
                cpuRelax();
            } else {
                std::this_thread::yield();
                spins = 0;
            }
        }
    }
}

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

BreakerState CircuitBreaker::effectiveStateLocked(TimePoint now) const
{
    if (m_state == BreakerState::Open && m_force == BreakerForce::None && now >= m_openUntil)
        return BreakerState::HalfOpen;
    return m_state;
}

void CircuitBreaker::clearWindowLocked()
{
    std::fill(m_failBits.begin(), m_failBits.end(), std::uint64_t { 0 });
    std::fill(m_slowBits.begin(), m_slowBits.end(), std::uint64_t { 0 });
    m_ringPos = 0;
    m_ringFilled = 0;
    std::fill(m_buckets.begin(), m_buckets.end(), Bucket {});
    m_winCalls = 0;
    m_winFailures = 0;
    m_winSlow = 0;
    m_consecutiveFailures = 0;
}

void CircuitBreaker::publishGateLocked() noexcept
{
    m_gate.store(
        (std::uint64_t { m_generation } << 8) | static_cast<std::uint64_t>(m_state), std::memory_order_release);
}

void CircuitBreaker::tripLocked(TimePoint now, QString reason, Transition& out)
{
    out = { true, m_state, BreakerState::Open, std::move(reason), now, false, {}, 0 };
    m_state = BreakerState::Open;
    ++m_generation;
    publishGateLocked();
    ++m_trips;
    ++m_consecutiveTrips;
    m_openUntil = saturatingAdd(now, openDurationForTrip(m_consecutiveTrips));
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
    m_lastTransition = now;
    clearWindowLocked();
}

void CircuitBreaker::toClosedLocked(TimePoint now, QString reason, Transition& out)
{
    out = { true, m_state, BreakerState::Closed, std::move(reason), now, false, {}, 0 };
    m_state = BreakerState::Closed;
    ++m_generation;
    publishGateLocked();
    m_consecutiveTrips = 0;
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
    m_lastTransition = now;
    clearWindowLocked();
}

void CircuitBreaker::toHalfOpenLocked(TimePoint now, Transition& out)
{
    out = { true, m_state, BreakerState::HalfOpen, QStringLiteral("recovery timeout elapsed"), now, false, {}, 0 };
    m_state = BreakerState::HalfOpen;
    ++m_generation;
    publishGateLocked();
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
    m_lastTransition = now;
}

void CircuitBreaker::recordLocked(bool failure, bool slow, TimePoint now, Transition& out)
{
    m_consecutiveFailures = failure ? m_consecutiveFailures + 1 : 0;
    const int f = failure ? 1 : 0;
    const int s = slow ? 1 : 0;

    switch (m_config.tripMode) {
    case TripMode::Consecutive:
        m_winCalls += 1;
        m_winFailures += f;
        m_winSlow += s;
        if (m_consecutiveFailures >= m_config.failureThreshold && m_force == BreakerForce::None)
            tripLocked(now, QStringLiteral("failure_threshold %1 reached").arg(m_config.failureThreshold), out);
        return;
    case TripMode::CountWindow: {
        // Two bit rings (failure, slow) in 64-bit words: dense, and unlike a byte array they don't
        // alias every other member, so the compiler keeps the counters in registers.
        const auto word = static_cast<std::size_t>(m_ringPos >> 6);
        const std::uint64_t bit = std::uint64_t { 1 } << (m_ringPos & 63);
        if (m_ringFilled == m_config.windowSize) {
            m_winFailures -= (m_failBits[word] & bit) ? 1 : 0;
            m_winSlow -= (m_slowBits[word] & bit) ? 1 : 0;
        } else {
            ++m_ringFilled;
            ++m_winCalls;
        }
        m_failBits[word] = (m_failBits[word] & ~bit) | (failure ? bit : 0);
        m_slowBits[word] = (m_slowBits[word] & ~bit) | (slow ? bit : 0);
        m_winFailures += f;
        m_winSlow += s;
        if (++m_ringPos == m_config.windowSize)
            m_ringPos = 0;
        break;
    }
    case TripMode::TimeWindow: {
        const std::int64_t n = static_cast<std::int64_t>(m_buckets.size());
        const std::int64_t idx = std::max<std::int64_t>(0, now.time_since_epoch().count() / m_bucketWidth.count());
        if (idx > m_headBucket) {
            // Slots of the buckets entering the window held buckets that just left it.
            const std::int64_t steps = std::min(idx - m_headBucket, n);
            for (std::int64_t k = idx - steps + 1; k <= idx; ++k) {
                auto& old = m_buckets[static_cast<std::size_t>(k % n)];
                m_winCalls -= old.calls;
                m_winFailures -= old.failures;
                m_winSlow -= old.slow;
                old = Bucket { k, 0, 0, 0 };
            }
            m_headBucket = idx;
        }
        // A late outcome (completed before the newest one seen) still lands in its own bucket, unless that
        // bucket already left the window: then only the cumulative counters see it.
        if (idx > m_headBucket - n) {
            auto& b = m_buckets[static_cast<std::size_t>(idx % n)];
            if (b.index != idx)
                b = Bucket { idx, 0, 0, 0 };
            b.calls += 1;
            b.failures += f;
            b.slow += s;
            m_winCalls += 1;
            m_winFailures += f;
            m_winSlow += s;
        }
        break;
    }
    }

    if (m_force != BreakerForce::None || m_winCalls < m_config.minimumCalls)
        return;
    // Compared as failures >= threshold * calls: the same as rate >= threshold without a division.
    const double calls = static_cast<double>(m_winCalls);
    if (m_winFailures > 0 && static_cast<double>(m_winFailures) >= m_config.failureRateThreshold * calls) {
        tripLocked(now,
            QStringLiteral("failure rate %1 >= %2")
                .arg(percent(static_cast<double>(m_winFailures) / calls), percent(m_config.failureRateThreshold)),
            out);
    } else if (m_config.slowCallDuration > Duration::zero() && m_winSlow > 0
        && static_cast<double>(m_winSlow) >= m_config.slowCallRateThreshold * calls) {
        tripLocked(now,
            QStringLiteral("slow-call rate %1 >= %2")
                .arg(percent(static_cast<double>(m_winSlow) / calls), percent(m_config.slowCallRateThreshold)),
            out);
    }
}

Admission CircuitBreaker::tryAcquire(TimePoint now, std::uint64_t requestId)
{
    Transition t;
    Admission a;
    // Closed path without the lock: the gate word holds state and epoch, written under the lock at
    // every transition. A trip racing with this admission only makes the permit stale.
    const std::uint64_t gate = m_gate.load(std::memory_order_acquire);
    if (static_cast<BreakerState>(gate & 0xff) == BreakerState::Closed) {
        a.admitted = true;
        a.permit = { static_cast<std::uint32_t>(gate >> 8), false, true };
        return a;
    }
    lock();
    if (m_state == BreakerState::Closed) { // closed since the gate was read
        a.admitted = true;
        a.permit = { m_generation, false, true };
        unlock();
        return a;
    }
    if (m_state == BreakerState::Open && m_force == BreakerForce::None && now >= m_openUntil)
        toHalfOpenLocked(now, t);
    if (m_state == BreakerState::HalfOpen && m_probesInFlight < m_config.permittedProbes) {
        ++m_probesInFlight;
        a.admitted = true;
        a.permit = { m_generation, true, true };
    } else {
        ++m_rejections;
        if (m_force == BreakerForce::ForcedOpen)
            a.retryAfter = openDurationForTrip(m_consecutiveTrips + 1);
        else if (m_state == BreakerState::Open)
            a.retryAfter = m_openUntil - now;
        t.rejected = true;
        t.delay = a.retryAfter;
        t.requestId = requestId;
        t.time = now;
    }
    unlock();
    if (t.changed || t.rejected)
        publish(t);
    return a;
}

void CircuitBreaker::onOutcome(const Permit& permit, const Outcome& outcome, TimePoint now)
{
    if (!permit.valid)
        return;
    const OutcomeClass cls = classify(outcome);
    const bool failure = cls == OutcomeClass::Failure;
    const bool slow = m_config.slowCallDuration > Duration::zero() && outcome.latency >= m_config.slowCallDuration;
    Transition t;
    lock();
    const bool current = permit.generation == m_generation;
    if (cls == OutcomeClass::Ignored) {
        ++m_ignored;
        if (current && permit.probe && m_probesInFlight > 0)
            --m_probesInFlight;
        unlock();
        return;
    }
    ++m_calls;
    ++(failure ? m_failures : m_successes);
    m_slowCalls += slow ? 1 : 0;
    if (current) {
        if (m_state == BreakerState::Closed) {
            recordLocked(failure, slow, now, t);
        } else if (m_state == BreakerState::HalfOpen && permit.probe) {
            if (m_probesInFlight > 0)
                --m_probesInFlight;
            if (failure) {
                tripLocked(now, QStringLiteral("probe failed"), t);
            } else if (++m_probeSuccesses >= m_config.successThreshold) {
                toClosedLocked(now,
                    m_probeSuccesses == 1 ? QStringLiteral("1 probe success")
                                          : QStringLiteral("%1 probe successes").arg(m_probeSuccesses),
                    t);
            }
        }
    }
    unlock();
    if (t.changed)
        publish(t);
}

void CircuitBreaker::onCancelled(const Permit& permit)
{
    if (!permit.valid || !permit.probe)
        return;
    lock();
    if (permit.generation == m_generation && m_state == BreakerState::HalfOpen && m_probesInFlight > 0)
        --m_probesInFlight;
    unlock();
}

void CircuitBreaker::forceOpen(TimePoint now)
{
    Transition t;
    lock();
    if (m_force == BreakerForce::ForcedOpen) { // a repeat changes nothing
        unlock();
        return;
    }
    t = { true, m_state, BreakerState::Open, QStringLiteral("forced open"), now, false, {}, 0 };
    m_state = BreakerState::Open;
    m_force = BreakerForce::ForcedOpen;
    ++m_generation;
    publishGateLocked();
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
    m_lastTransition = now;
    clearWindowLocked();
    unlock();
    publish(t);
}

void CircuitBreaker::forceClosed(TimePoint now)
{
    Transition t;
    lock();
    if (m_force == BreakerForce::ForcedClosed) { // a repeat changes nothing
        unlock();
        return;
    }
    t = { true, m_state, BreakerState::Closed, QStringLiteral("forced closed"), now, false, {}, 0 };
    m_state = BreakerState::Closed;
    m_force = BreakerForce::ForcedClosed;
    ++m_generation;
    publishGateLocked();
    m_consecutiveTrips = 0;
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
    m_lastTransition = now;
    clearWindowLocked();
    unlock();
    publish(t);
}

void CircuitBreaker::release(TimePoint now)
{
    Transition t;
    lock();
    if (m_force != BreakerForce::None) {
        m_force = BreakerForce::None;
        toClosedLocked(now, QStringLiteral("released"), t);
    }
    unlock();
    if (t.changed)
        publish(t);
}

void CircuitBreaker::reset(TimePoint now)
{
    Transition t;
    lock();
    m_force = BreakerForce::None;
    toClosedLocked(now, QStringLiteral("reset"), t);
    m_calls = m_successes = m_failures = m_slowCalls = m_ignored = m_rejections = m_trips = 0;
    unlock();
    publish(t);
}

BreakerState CircuitBreaker::state(TimePoint now) const
{
    lock();
    const auto s = effectiveStateLocked(now);
    unlock();
    return s;
}

BreakerForce CircuitBreaker::force() const
{
    lock();
    const auto f = m_force;
    unlock();
    return f;
}

CircuitBreakerStats CircuitBreaker::stats(TimePoint now) const
{
    CircuitBreakerStats s;
    s.name = m_config.name;
    s.tripMode = m_config.tripMode;
    lock();
    s.state = effectiveStateLocked(now);
    s.force = m_force;
    s.calls = m_calls;
    s.successes = m_successes;
    s.failures = m_failures;
    s.slowCalls = m_slowCalls;
    s.ignored = m_ignored;
    s.rejections = m_rejections;
    s.trips = m_trips;
    s.windowCalls = m_winCalls;
    s.windowFailures = m_winFailures;
    s.windowSlowCalls = m_winSlow;
    if (m_config.tripMode == TripMode::TimeWindow) {
        const std::int64_t n = static_cast<std::int64_t>(m_buckets.size());
        const std::int64_t idx = std::max<std::int64_t>(
            m_headBucket, std::max<std::int64_t>(0, now.time_since_epoch().count() / m_bucketWidth.count()));
        s.windowCalls = s.windowFailures = s.windowSlowCalls = 0;
        for (const auto& x : m_buckets) {
            if (x.index > idx - n && x.index <= idx) {
                s.windowCalls += x.calls;
                s.windowFailures += x.failures;
                s.windowSlowCalls += x.slow;
            }
        }
    }
    s.consecutiveFailures = m_consecutiveFailures;
    s.consecutiveTrips = m_consecutiveTrips;
    s.probesInFlight = m_probesInFlight;
    s.probeSuccesses = m_probeSuccesses;
    s.lastTransition = m_lastTransition;
    if (m_state == BreakerState::Open && m_force == BreakerForce::None && now < m_openUntil)
        s.timeUntilHalfOpen = m_openUntil - now;
    s.currentRecoveryTimeout = m_state == BreakerState::Open && m_consecutiveTrips > 0
        ? openDurationForTrip(m_consecutiveTrips)
        : openDurationForTrip(m_consecutiveTrips + 1);
    unlock();
    if (s.windowCalls > 0) {
        s.failureRate = static_cast<double>(s.windowFailures) / static_cast<double>(s.windowCalls);
        s.slowCallRate = static_cast<double>(s.windowSlowCalls) / static_cast<double>(s.windowCalls);
    }
    return s;
}

void CircuitBreaker::publish(const Transition& t) const
{
    EventSink* sink = m_sink.load(std::memory_order_acquire);
    if (!sink)
        return;
    Event e;
    e.time = t.time;
    e.source = m_config.name;
    if (t.changed) {
        e.kind = EventKind::BreakerTransition;
        e.from = t.from;
        e.to = t.to;
        e.text = t.reason;
        sink->onEvent(e);
    }
    if (t.rejected) {
        Event r;
        r.time = t.time;
        r.source = m_config.name;
        r.kind = EventKind::BreakerRejected;
        r.requestId = t.requestId;
        r.delay = t.delay;
        r.outcome = OutcomeKind::Rejected;
        r.errorClass = ErrorClass::circuitOpen();
        sink->onEvent(r);
    }
}

} // namespace rwb
