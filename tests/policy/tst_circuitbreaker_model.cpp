// Randomized property test: long random sequences of operations on a CircuitBreaker, checked step by
// step against a deliberately naive reference model that keeps every recorded outcome in a list and
// recomputes each decision from scratch.
#include "core/common/random.h"
#include "core/policy/circuitbreaker.h"

#include <QTest>

#include <optional>

#include <algorithm>
#include <vector>

using namespace rwb;

namespace {

enum class Op { Success, Failure, Timeout, Unmonitored, Ignored, RejectedKind };

struct Rec {
    TimePoint time;
    bool failure;
    bool slow;
    Duration latency;
};

struct Token {
    int epoch;
    bool probe;
};

// The reference: plain data, full history, no incremental bookkeeping.
class Model {
public:
    enum class St { Closed, Open, HalfOpen };
    enum class Force { None, Open, Disabled, MetricsOnly };

    explicit Model(CircuitBreakerConfig cfg)
        : c(std::move(cfg))
    {
        switch (c.initialState) {
        case BreakerInitialState::Closed:
            break;
        case BreakerInitialState::Open:
            st = St::Open;
            openUntil = TimePoint {} + openFor(1);
            break;
        case BreakerInitialState::HalfOpen:
            st = St::HalfOpen;
            break;
        case BreakerInitialState::Isolated:
            st = St::Open;
            force = Force::Open;
            break;
        case BreakerInitialState::Disabled:
            force = Force::Disabled;
            break;
        case BreakerInitialState::MetricsOnly:
            force = Force::MetricsOnly;
            break;
        }
    }

    CircuitBreakerConfig c;
    St st = St::Closed;
    Force force = Force::None;
    int epoch = 0;
    TimePoint openUntil {};
    TimePoint halfOpenSince {};
    int tripsInRow = 0;
    std::vector<Rec> history;
    int probes = 0; // in flight
    int admitted = 0; // admitted in this HALF_OPEN, returned ones not counted
    int probeOk = 0, probeFail = 0, probeSlow = 0;
    bool armed = true;
    std::uint64_t allTrips = 0; // never reset: proves the run tripped often
    std::uint64_t allExceeded = 0;
    std::uint64_t calls = 0, successes = 0, failures = 0, slow = 0, ignored = 0, rejections = 0, trips = 0;
    std::uint64_t exceeded = 0;

    bool slowDetection() const { return c.slowCallDuration > Duration::zero(); }

    Duration openFor(int k) const
    {
        Duration d = c.recoveryTimeout;
        for (int i = 1; i < k; ++i) {
            d = Duration(static_cast<Duration::rep>(static_cast<double>(d.count()) * c.recoveryBackoffFactor));
            if (c.maxRecoveryTimeout && d >= *c.maxRecoveryTimeout)
                return *c.maxRecoveryTimeout;
        }
        return d;
    }

    void resetProbes() { probes = admitted = probeOk = probeFail = probeSlow = 0; }

    void clear()
    {
        history.clear();
        resetProbes();
        armed = true;
    }

    void open(TimePoint until)
    {
        st = St::Open;
        ++epoch;
        openUntil = until;
        clear();
    }

    void trip(TimePoint now)
    {
        ++trips;
        ++allTrips;
        ++tripsInRow;
        open(now + openFor(tripsInRow));
    }

    void close()
    {
        st = St::Closed;
        ++epoch;
        tripsInRow = 0;
        clear();
    }

    void halfOpen(TimePoint now)
    {
        st = St::HalfOpen;
        ++epoch;
        halfOpenSince = now;
        resetProbes(); // the closed window stays until the next CLOSED or OPEN
    }

    bool expired(TimePoint now) const
    {
        return st == St::HalfOpen && force == Force::None && c.maxWaitInHalfOpen
            && now >= halfOpenSince + *c.maxWaitInHalfOpen;
    }

    struct Acq {
        bool ok;
        Token token;
        std::optional<Duration> retryAfter;
        RejectionCause cause;
    };

    Acq reject(std::optional<Duration> hint, RejectionCause cause)
    {
        ++rejections;
        return { false, {}, hint, cause };
    }

    Acq acquire(TimePoint now)
    {
        if (force == Force::Open)
            return reject(std::nullopt, RejectionCause::Isolated);
        if (st == St::Closed)
            return { true, { epoch, false }, std::nullopt, RejectionCause::None };
        if (expired(now))
            trip(now);
        if (st == St::Open) {
            if (now < openUntil)
                return reject(openUntil - now, RejectionCause::Open);
            halfOpen(now);
        }
        const int inUse = c.halfOpenRule == HalfOpenRule::AnyFailure ? probes : admitted;
        if (inUse < c.permittedProbes) {
            ++probes;
            ++admitted;
            return { true, { epoch, true }, std::nullopt, RejectionCause::None };
        }
        return reject(std::nullopt, RejectionCause::HalfOpenBusy);
    }

    // Returns -1 ignored, 0 success, 1 failure.
    int classify(Op op) const
    {
        switch (op) {
        case Op::Success:
            return 0;
        case Op::Failure:
        case Op::Timeout:
            return 1;
        case Op::Unmonitored:
            return c.monitored.empty() ? 1 : 0;
        case Op::Ignored:
            return c.ignored.empty() ? 1 : -1;
        case Op::RejectedKind:
            return -1;
        }
        return -1;
    }

    std::int64_t bucketsN() const
    {
        const std::int64_t secs = (c.failureWindow.count() + 999'999'999) / 1'000'000'000;
        return std::clamp<std::int64_t>(secs, 1, 600);
    }
    std::int64_t bucketOf(TimePoint t) const
    {
        return t.time_since_epoch().count() / (c.failureWindow.count() / bucketsN());
    }

    // The calls in the current window at `now`.
    std::vector<Rec> window(TimePoint now) const
    {
        std::vector<Rec> w;
        if (c.tripMode == TripMode::Consecutive) {
            w = history;
        } else if (c.tripMode == TripMode::CountWindow) {
            const std::size_t n = std::min(history.size(), static_cast<std::size_t>(c.windowSize));
            w.assign(history.end() - static_cast<std::ptrdiff_t>(n), history.end());
        } else {
            for (const auto& r : history)
                if (bucketOf(r.time) > bucketOf(now) - bucketsN())
                    w.push_back(r);
        }
        return w;
    }

    int trailingFailures() const
    {
        int n = 0;
        for (auto it = history.rbegin(); it != history.rend() && it->failure; ++it)
            ++n;
        return n;
    }

    static bool reached(std::int64_t count, std::int64_t n, double threshold)
    {
        return count > 0 && double(count) >= threshold * double(n);
    }

    bool thresholdCrossed(TimePoint now) const
    {
        if (c.tripMode == TripMode::Consecutive)
            return trailingFailures() >= c.failureThreshold;
        const auto w = window(now);
        const auto n = static_cast<std::int64_t>(w.size());
        if (n < c.minimumCalls)
            return false;
        const auto f = std::count_if(w.begin(), w.end(), [](const Rec& r) { return r.failure; });
        const auto s = std::count_if(w.begin(), w.end(), [](const Rec& r) { return r.slow; });
        return reached(f, n, c.failureRateThreshold) || (slowDetection() && reached(s, n, c.slowCallRateThreshold));
    }

    void releaseProbe(const Token& t)
    {
        if (t.epoch == epoch && t.probe && st == St::HalfOpen && probes > 0) {
            --probes;
            --admitted;
        }
    }

    void outcome(const Token& t, Op op, Duration latency, TimePoint now)
    {
        if (force == Force::Disabled)
            return;
        if (expired(now))
            trip(now);
        const int cls = classify(op);
        if (cls < 0) {
            ++ignored;
            releaseProbe(t);
            return;
        }
        const bool fail = cls == 1;
        const bool isSlow = slowDetection() && latency >= c.slowCallDuration;
        ++calls;
        fail ? ++failures : ++successes;
        slow += isSlow ? 1 : 0;
        if (t.epoch != epoch)
            return;
        if (st == St::HalfOpen && t.probe) {
            --probes;
            fail ? ++probeFail : ++probeOk;
            probeSlow += isSlow ? 1 : 0;
            if (c.halfOpenRule == HalfOpenRule::AnyFailure) {
                if (fail || isSlow)
                    trip(now);
                else if (probeOk >= c.successThreshold)
                    close();
            } else if (probeOk + probeFail >= c.permittedProbes) {
                const int n = probeOk + probeFail;
                if (reached(probeFail, n, c.failureRateThreshold)
                    || (slowDetection() && reached(probeSlow, n, c.slowCallRateThreshold)))
                    trip(now);
                else
                    close();
            }
            return;
        }
        if (st != St::Closed)
            return;
        history.push_back({ now, fail, isSlow, latency });
        if (!thresholdCrossed(now)) {
            armed = true;
        } else if (force == Force::None) {
            trip(now);
        } else if (armed) {
            armed = false;
            ++exceeded;
            ++allExceeded;
        }
    }

    void cancel(const Token& t) { releaseProbe(t); }

    BreakerState state(TimePoint now) const
    {
        if (force != Force::None || st == St::Closed)
            return st == St::Closed ? BreakerState::Closed : BreakerState::Open;
        if (st == St::HalfOpen) {
            if (expired(now))
                return openFor(tripsInRow + 1) > Duration::zero() ? BreakerState::Open : BreakerState::HalfOpen;
            return BreakerState::HalfOpen;
        }
        return now >= openUntil ? BreakerState::HalfOpen : BreakerState::Open;
    }

    Duration timeUntilHalfOpen(TimePoint now) const
    {
        if (st == St::Open && force == Force::None && now < openUntil)
            return openUntil - now;
        return expired(now) ? openFor(tripsInRow + 1) : Duration::zero();
    }

    // ---- manual control ----
    void setForce(Force f, TimePoint /*now*/)
    {
        if (force == f)
            return;
        force = f;
        if (f == Force::Open) {
            st = St::Open;
            ++epoch;
            clear();
        } else {
            st = St::Closed;
            ++epoch;
            tripsInRow = 0;
            clear();
        }
    }
    void toClosed()
    {
        if (st != St::Closed || force != Force::None) {
            force = Force::None;
            close();
        }
    }
    void toOpen(TimePoint until)
    {
        if (st == St::Open && force == Force::None) {
            openUntil = until;
            return;
        }
        force = Force::None;
        open(until);
    }
    void toHalfOpen(TimePoint now)
    {
        if (st != St::HalfOpen || force != Force::None) {
            force = Force::None;
            halfOpen(now);
        }
    }
    void release()
    {
        if (force != Force::None) {
            force = Force::None;
            close();
        }
    }
    void reset()
    {
        force = Force::None;
        close();
        calls = successes = failures = slow = ignored = rejections = trips = exceeded = 0;
    }
};

struct Outstanding {
    Permit permit;
    Token token;
};

CircuitBreakerConfig configFor(int which)
{
    CircuitBreakerConfig c;
    c.name = QStringLiteral("model-%1").arg(which);
    switch (which) {
    case 0:
        c.failureThreshold = 3;
        c.recoveryTimeout = 10s;
        c.recoveryBackoffFactor = 2.0;
        c.maxRecoveryTimeout = 60s;
        c.permittedProbes = 2;
        c.successThreshold = 2;
        c.slowCallDuration = 2s;
        break;
    case 1:
        c.tripMode = TripMode::CountWindow;
        c.windowSize = 10;
        c.minimumCalls = 5;
        c.failureRateThreshold = 0.5;
        c.slowCallDuration = 2s;
        c.slowCallRateThreshold = 0.6;
        c.recoveryTimeout = 5s;
        c.successThreshold = 1;
        break;
    case 2:
        c.tripMode = TripMode::TimeWindow;
        c.failureWindow = 10s;
        c.minimumCalls = 4;
        c.failureRateThreshold = 0.4;
        c.slowCallDuration = 2s;
        c.slowCallRateThreshold = 0.5;
        c.recoveryTimeout = 7s;
        c.recoveryBackoffFactor = 2.0;
        c.maxRecoveryTimeout = 30s;
        c.permittedProbes = 3;
        c.successThreshold = 3;
        c.monitored.insert(ErrorClass::connectionReset());
        c.ignored.insert(ErrorClass::forHttpStatus(404));
        break;
    case 3:
        c.tripMode = TripMode::TimeWindow;
        c.failureWindow = 2500ms; // 3 buckets of 833.33 ms
        c.minimumCalls = 3;
        c.failureRateThreshold = 0.5;
        c.recoveryTimeout = 1s;
        c.ignored.insert(ErrorClass::forHttpStatus(404));
        break;
    case 5:
        c.tripMode = TripMode::CountWindow;
        c.windowSize = 70; // spans two words of the bit rings
        c.minimumCalls = 20;
        c.failureRateThreshold = 0.3;
        c.slowCallDuration = 2s;
        c.slowCallRateThreshold = 0.4;
        c.recoveryTimeout = 3s;
        break;
    case 6: // Resilience4j's half-open rule, lost probes, slow probes
        c.failureThreshold = 2;
        c.halfOpenRule = HalfOpenRule::Rates;
        c.permittedProbes = 3;
        c.failureRateThreshold = 0.5;
        c.slowCallDuration = 2s;
        c.slowCallRateThreshold = 0.6;
        c.recoveryTimeout = 4s;
        c.recoveryBackoffFactor = 2.0;
        c.maxRecoveryTimeout = 16s;
        c.maxWaitInHalfOpen = 8s;
        c.ignored.insert(ErrorClass::forHttpStatus(404));
        break;
    case 7: // any_failure with slow probes, max wait with a zero open duration, starts OPEN
        c.tripMode = TripMode::CountWindow;
        c.windowSize = 10;
        c.minimumCalls = 4;
        c.failureRateThreshold = 0.5;
        c.slowCallDuration = 2s;
        c.slowCallRateThreshold = 0.5;
        c.recoveryTimeout = 0s;
        c.permittedProbes = 2;
        c.successThreshold = 2;
        c.maxWaitInHalfOpen = 3s;
        c.initialState = BreakerInitialState::Open;
        break;
    case 8: // time window, rates, starts METRICS_ONLY
        c.tripMode = TripMode::TimeWindow;
        c.failureWindow = 10s;
        c.minimumCalls = 3;
        c.failureRateThreshold = 0.5;
        c.slowCallDuration = 2s;
        c.slowCallRateThreshold = 0.7;
        c.recoveryTimeout = 3s;
        c.halfOpenRule = HalfOpenRule::Rates;
        c.permittedProbes = 2;
        c.maxWaitInHalfOpen = 20s;
        c.initialState = BreakerInitialState::MetricsOnly;
        break;
    default:
        c.tripMode = TripMode::CountWindow;
        c.windowSize = 1;
        c.minimumCalls = 1;
        c.failureRateThreshold = 1.0;
        c.recoveryTimeout = 0s;
        c.successThreshold = 1;
        c.permittedProbes = 1;
        break;
    }
    return c;
}

Outcome outcomeFor(Op op, Duration latency)
{
    switch (op) {
    case Op::Success:
        return Outcome::success(latency);
    case Op::Failure:
        return Outcome::error(ErrorClass::connectionReset(), latency);
    case Op::Timeout:
        return Outcome::timeout(latency);
    case Op::Unmonitored:
        return Outcome::httpError(500, latency);
    case Op::Ignored:
        return Outcome::httpError(404, latency);
    case Op::RejectedKind:
        return Outcome::rejected(ErrorClass::bulkheadFull());
    }
    return {};
}

QString compare(const CircuitBreaker& cb, const Model& m, TimePoint now)
{
    const auto s = cb.stats(now);
    const auto w = m.window(now);
    const auto count = [&w](auto pred) { return static_cast<long long>(std::count_if(w.begin(), w.end(), pred)); };
    long long sumNs = 0, maxNs = 0;
    for (const auto& r : w) {
        sumNs += r.latency.count();
        maxNs = std::max<long long>(maxNs, r.latency.count());
    }
    QStringList diffs;
    auto check = [&](const char* what, long long got, long long want) {
        if (got != want)
            diffs << QStringLiteral("%1: breaker %2, model %3").arg(QLatin1String(what)).arg(got).arg(want);
    };
    static constexpr BreakerForce forces[]
        = { BreakerForce::None, BreakerForce::ForcedOpen, BreakerForce::Disabled, BreakerForce::MetricsOnly };
    check("state", int(s.state), int(m.state(now)));
    check("force", int(s.force), int(forces[int(m.force)]));
    check("calls", static_cast<long long>(s.calls), static_cast<long long>(m.calls));
    check("successes", static_cast<long long>(s.successes), static_cast<long long>(m.successes));
    check("failures", static_cast<long long>(s.failures), static_cast<long long>(m.failures));
    check("slowCalls", static_cast<long long>(s.slowCalls), static_cast<long long>(m.slow));
    check("ignored", static_cast<long long>(s.ignored), static_cast<long long>(m.ignored));
    check("rejections", static_cast<long long>(s.rejections), static_cast<long long>(m.rejections));
    check("trips", static_cast<long long>(s.trips), static_cast<long long>(m.trips));
    check("thresholdsExceeded", static_cast<long long>(s.thresholdsExceeded), static_cast<long long>(m.exceeded));
    check("consecutiveTrips", s.consecutiveTrips, m.tripsInRow);
    check("consecutiveFailures", s.consecutiveFailures, m.trailingFailures());
    check("windowCalls", s.windowCalls, static_cast<long long>(w.size()));
    check("windowFailures", s.windowFailures, count([](const Rec& r) { return r.failure; }));
    check("windowSlowFailures", s.windowSlowFailures, count([](const Rec& r) { return r.failure && r.slow; }));
    check("windowSlowSuccesses", s.windowSlowSuccesses, count([](const Rec& r) { return !r.failure && r.slow; }));
    check("windowMeanDuration", s.windowMeanDuration.count(), w.empty() ? 0 : sumNs / static_cast<long long>(w.size()));
    check("windowMaxDuration", s.windowMaxDuration.count(), maxNs);
    const bool half = m.st == Model::St::HalfOpen;
    check("probesInFlight", s.probesInFlight, half ? m.probes : 0);
    check("probesAdmitted", s.probesAdmitted, half ? m.admitted : 0);
    check("probeSuccesses", s.probeSuccesses, half ? m.probeOk : 0);
    check("probeFailures", s.probeFailures, half ? m.probeFail : 0);
    check("timeUntilHalfOpen", s.timeUntilHalfOpen.count(), m.timeUntilHalfOpen(now).count());
    return diffs.join(QStringLiteral("; "));
}

} // namespace

class TestCircuitBreakerModel : public QObject {
    Q_OBJECT
private slots:
    void matchesReferenceModel_data()
    {
        QTest::addColumn<int>("config");
        QTest::addColumn<quint64>("seed");
        QTest::newRow("consecutive, growth, slow") << 0 << quint64(0xC0FFEE01);
        QTest::newRow("count window, slow rate") << 1 << quint64(0xC0FFEE02);
        QTest::newRow("time window, classes, 3 probes") << 2 << quint64(0xC0FFEE03);
        QTest::newRow("time window, fractional buckets") << 3 << quint64(0xC0FFEE04);
        QTest::newRow("count window of one, zero recovery") << 4 << quint64(0xC0FFEE05);
        QTest::newRow("count window of 70") << 5 << quint64(0xC0FFEE06);
        QTest::newRow("rates rule, max wait, growth") << 6 << quint64(0xC0FFEE07);
        QTest::newRow("slow probes, max wait, zero recovery, starts open") << 7 << quint64(0xC0FFEE08);
        QTest::newRow("time window, rates, starts metrics-only") << 8 << quint64(0xC0FFEE09);
    }

    void matchesReferenceModel()
    {
        QFETCH(int, config);
        QFETCH(quint64, seed);
        constexpr int kSteps = 25'000; // x 9 rows = 225,000 operations
        const auto cfg = configFor(config);
        CircuitBreaker cb(cfg);
        Model m(cfg);
        Random rng(seed);
        TimePoint now {};
        std::vector<Outstanding> pending;
        int admitted = 0, rejected = 0, opened = 0, halfOpen = 0, metricsOnly = 0;

        for (int step = 0; step < kSteps; ++step) {
            const auto r = rng.below(100);
            QString what;
            if (r < 36) {
                what = QStringLiteral("acquire");
                const auto a = cb.tryAcquire(now);
                const auto e = m.acquire(now);
                if (a.admitted != e.ok || a.retryAfter != e.retryAfter || a.cause != e.cause
                    || (a.admitted && a.permit.probe != e.token.probe)) {
                    QFAIL(qPrintable(QStringLiteral("seed 0x%1 step %2: acquire differs (breaker %3/%4 ns/%5, model "
                                                    "%6/%7 ns/%8)")
                                         .arg(seed, 0, 16)
                                         .arg(step)
                                         .arg(a.admitted)
                                         .arg(a.retryAfter.value_or(-1ns).count())
                                         .arg(toString(a.cause))
                                         .arg(e.ok)
                                         .arg(e.retryAfter.value_or(-1ns).count())
                                         .arg(toString(e.cause))));
                }
                if (a.admitted) {
                    ++admitted;
                    if (pending.size() < 12) {
                        pending.push_back({ a.permit, e.token });
                    } else {
                        cb.onCancelled(a.permit);
                        m.cancel(e.token);
                    }
                } else {
                    ++rejected;
                }
            } else if (r < 72) {
                if (pending.empty())
                    continue;
                const auto i = rng.below(pending.size());
                const auto p = pending[i];
                pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
                const auto op = static_cast<Op>(rng.below(6));
                static constexpr Duration latencies[] = { 1ms, 1ms, 40ms, 250ms, 3s, 7s };
                const Duration latency = latencies[rng.below(std::size(latencies))];
                what = QStringLiteral("outcome %1").arg(int(op));
                cb.onOutcome(p.permit, outcomeFor(op, latency), now);
                m.outcome(p.token, op, latency, now);
            } else if (r < 76) {
                if (pending.empty())
                    continue;
                const auto i = rng.below(pending.size());
                what = QStringLiteral("cancel");
                cb.onCancelled(pending[i].permit);
                m.cancel(pending[i].token);
                pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
            } else if (r < 96) {
                static constexpr Duration steps[] = { 0ms, 1ms, 100ms, 400ms, 1s, 3s, 9s, 20s };
                const Duration d = steps[rng.below(std::size(steps))];
                what = QStringLiteral("advance %1 ms").arg(toMs(d));
                now += d;
            } else {
                static constexpr Duration spans[] = { 0s, 1s, 5s, 30s };
                const Duration span = spans[rng.below(std::size(spans))];
                switch (rng.below(11)) {
                case 0:
                    what = QStringLiteral("reset");
                    cb.reset(now);
                    m.reset();
                    break;
                case 1:
                    what = QStringLiteral("forceOpen");
                    cb.forceOpen(now);
                    m.setForce(Model::Force::Open, now);
                    break;
                case 2:
                    what = QStringLiteral("disable");
                    cb.disable(now);
                    m.setForce(Model::Force::Disabled, now);
                    break;
                case 3:
                case 4:
                    what = QStringLiteral("metricsOnly");
                    cb.metricsOnly(now);
                    m.setForce(Model::Force::MetricsOnly, now);
                    break;
                case 5:
                    what = QStringLiteral("transitionToClosed");
                    cb.transitionToClosed(now);
                    m.toClosed();
                    break;
                case 6:
                    what = QStringLiteral("transitionToOpen");
                    m.toOpen(now + m.openFor(m.tripsInRow + 1));
                    cb.transitionToOpen(now);
                    break;
                case 7:
                    what = QStringLiteral("transitionToOpenFor %1 ms").arg(toMs(span));
                    cb.apply({ BreakerCommand::Open, span, std::nullopt }, now);
                    m.toOpen(now + span);
                    break;
                case 8:
                    what = QStringLiteral("transitionToOpenUntil +%1 ms").arg(toMs(span));
                    cb.transitionToOpenUntil(now + span, now);
                    m.toOpen(now + span);
                    break;
                case 9:
                    what = QStringLiteral("transitionToHalfOpen");
                    cb.transitionToHalfOpen(now);
                    m.toHalfOpen(now);
                    break;
                default:
                    what = QStringLiteral("release");
                    cb.release(now);
                    m.release();
                    break;
                }
            }
            if (m.st == Model::St::HalfOpen)
                ++halfOpen;
            if (m.force == Model::Force::MetricsOnly)
                ++metricsOnly;
            if (m.st == Model::St::Open)
                ++opened;
            const QString diff = compare(cb, m, now);
            if (!diff.isEmpty())
                QFAIL(qPrintable(
                    QStringLiteral("seed 0x%1 step %2 after %3: %4").arg(seed, 0, 16).arg(step).arg(what, diff)));
        }
        // The run must have exercised every state, or it proves little.
        QVERIFY(admitted > 1000);
        QVERIFY(rejected > 100);
        QVERIFY(opened > 100);
        QVERIFY(m.allTrips > 50);
        QVERIFY(halfOpen > 100);
        QVERIFY(metricsOnly > 100);
        qInfo("%d admitted, %d rejected, %llu trips, %llu threshold reports; steps: %d open, %d half-open, %d "
              "metrics-only",
            admitted, rejected, static_cast<unsigned long long>(m.allTrips),
            static_cast<unsigned long long>(m.allExceeded), opened, halfOpen, metricsOnly);
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreakerModel)
#include "tst_circuitbreaker_model.moc"
