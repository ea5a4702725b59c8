// Randomized property test: long random sequences of operations on a CircuitBreaker, checked step by
// step against a deliberately naive reference model that keeps every recorded outcome in a list and
// recomputes each decision from scratch.
#include "core/common/random.h"
#include "core/policy/circuitbreaker.h"

#include <QTest>

#include <algorithm>
#include <vector>

using namespace rwb;

namespace {

enum class Op { Success, Failure, Timeout, Unmonitored, Ignored, RejectedKind };

struct Rec {
    TimePoint time;
    bool failure;
    bool slow;
};

struct Token {
    int epoch;
    bool probe;
};

// The reference: plain data, full history, no incremental bookkeeping.
class Model {
public:
    enum class St { Closed, Open, HalfOpen };

    explicit Model(CircuitBreakerConfig cfg)
        : c(std::move(cfg))
    {
    }

    CircuitBreakerConfig c;
    St st = St::Closed;
    bool forcedOpen = false;
    bool forcedClosed = false;
    int epoch = 0;
    TimePoint openUntil {};
    int tripsInRow = 0;
    std::vector<Rec> history;
    int probes = 0;
    int probeOk = 0;
    std::uint64_t allTrips = 0; // never reset: proves the run tripped often
    std::uint64_t calls = 0, successes = 0, failures = 0, slow = 0, ignored = 0, rejections = 0, trips = 0;

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

    void clear()
    {
        history.clear();
        probes = 0;
        probeOk = 0;
    }

    void trip(TimePoint now)
    {
        st = St::Open;
        ++epoch;
        ++trips;
        ++allTrips;
        ++tripsInRow;
        openUntil = now + openFor(tripsInRow);
        clear();
    }

    void close()
    {
        st = St::Closed;
        ++epoch;
        tripsInRow = 0;
        clear();
    }

    struct Acq {
        bool ok;
        Token token;
        Duration retryAfter;
    };

    Acq acquire(TimePoint now)
    {
        if (forcedOpen) {
            ++rejections;
            return { false, {}, openFor(tripsInRow + 1) };
        }
        if (st == St::Closed)
            return { true, { epoch, false }, {} };
        if (st == St::Open) {
            if (now < openUntil) {
                ++rejections;
                return { false, {}, openUntil - now };
            }
            st = St::HalfOpen;
            ++epoch;
            clear();
        }
        if (probes < c.permittedProbes) {
            ++probes;
            return { true, { epoch, true }, {} };
        }
        ++rejections;
        return { false, {}, Duration::zero() };
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

    void outcome(const Token& t, Op op, Duration latency, TimePoint now)
    {
        const int cls = classify(op);
        if (cls < 0) {
            ++ignored;
            if (t.epoch == epoch && t.probe && st == St::HalfOpen)
                --probes;
            return;
        }
        const bool fail = cls == 1;
        const bool isSlow = c.slowCallDuration > Duration::zero() && latency >= c.slowCallDuration;
        ++calls;
        fail ? ++failures : ++successes;
        slow += isSlow ? 1 : 0;
        if (t.epoch != epoch)
            return;
        if (st == St::HalfOpen && t.probe) {
            --probes;
            if (fail) {
                trip(now);
            } else if (++probeOk >= c.successThreshold) {
                close();
            }
            return;
        }
        if (st != St::Closed)
            return;
        history.push_back({ now, fail, isSlow });
        if (forcedClosed)
            return;
        if (c.tripMode == TripMode::Consecutive) {
            if (trailingFailures() >= c.failureThreshold)
                trip(now);
            return;
        }
        const auto w = window(now);
        const auto n = static_cast<std::int64_t>(w.size());
        if (n < c.minimumCalls)
            return;
        const auto f = std::count_if(w.begin(), w.end(), [](const Rec& r) { return r.failure; });
        const auto s = std::count_if(w.begin(), w.end(), [](const Rec& r) { return r.slow; });
        if (f > 0 && double(f) >= c.failureRateThreshold * double(n))
            trip(now);
        else if (c.slowCallDuration > Duration::zero() && s > 0 && double(s) >= c.slowCallRateThreshold * double(n))
            trip(now);
    }

    void cancel(const Token& t)
    {
        if (t.epoch == epoch && t.probe && st == St::HalfOpen)
            --probes;
    }

    BreakerState state(TimePoint now) const
    {
        if (st == St::Closed)
            return BreakerState::Closed;
        if (st == St::HalfOpen)
            return BreakerState::HalfOpen;
        return (!forcedOpen && now >= openUntil) ? BreakerState::HalfOpen : BreakerState::Open;
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
    const auto wf = std::count_if(w.begin(), w.end(), [](const Rec& r) { return r.failure; });
    QStringList diffs;
    auto check = [&](const char* what, long long got, long long want) {
        if (got != want)
            diffs << QStringLiteral("%1: breaker %2, model %3").arg(QLatin1String(what)).arg(got).arg(want);
    };
    check("state", int(s.state), int(m.state(now)));
    check("calls", static_cast<long long>(s.calls), static_cast<long long>(m.calls));
    check("successes", static_cast<long long>(s.successes), static_cast<long long>(m.successes));
    check("failures", static_cast<long long>(s.failures), static_cast<long long>(m.failures));
    check("slowCalls", static_cast<long long>(s.slowCalls), static_cast<long long>(m.slow));
    check("ignored", static_cast<long long>(s.ignored), static_cast<long long>(m.ignored));
    check("rejections", static_cast<long long>(s.rejections), static_cast<long long>(m.rejections));
    check("trips", static_cast<long long>(s.trips), static_cast<long long>(m.trips));
    check("consecutiveTrips", s.consecutiveTrips, m.tripsInRow);
    check("consecutiveFailures", s.consecutiveFailures, m.trailingFailures());
    check("windowCalls", s.windowCalls, static_cast<long long>(w.size()));
    check("windowFailures", s.windowFailures, wf);
    check("probesInFlight", s.probesInFlight, m.st == Model::St::HalfOpen ? m.probes : 0);
    const bool open = m.st == Model::St::Open && !m.forcedOpen && now < m.openUntil;
    check("timeUntilHalfOpen", s.timeUntilHalfOpen.count(), open ? (m.openUntil - now).count() : 0);
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
    }

    void matchesReferenceModel()
    {
        QFETCH(int, config);
        QFETCH(quint64, seed);
        constexpr int kSteps = 25'000; // x 6 rows = 150,000 operations
        const auto cfg = configFor(config);
        CircuitBreaker cb(cfg);
        Model m(cfg);
        Random rng(seed);
        TimePoint now {};
        std::vector<Outstanding> pending;
        int admitted = 0, rejected = 0, opened = 0;

        for (int step = 0; step < kSteps; ++step) {
            const auto r = rng.below(100);
            QString what;
            if (r < 36) {
                what = QStringLiteral("acquire");
                const auto a = cb.tryAcquire(now);
                const auto e = m.acquire(now);
                if (a.admitted != e.ok || a.retryAfter != e.retryAfter
                    || (a.admitted && a.permit.probe != e.token.probe)) {
                    QFAIL(qPrintable(
                        QStringLiteral("seed 0x%1 step %2: acquire differs (breaker %3/%4 ns, model %5/%6 ns)")
                            .arg(seed, 0, 16)
                            .arg(step)
                            .arg(a.admitted)
                            .arg(a.retryAfter.count())
                            .arg(e.ok)
                            .arg(e.retryAfter.count())));
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
                const Duration latency = rng.chance(0.3) ? 3s : 1ms;
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
                const auto k = rng.below(8);
                if (k == 0) {
                    what = QStringLiteral("reset");
                    cb.reset(now);
                    m.forcedOpen = m.forcedClosed = false;
                    m.close();
                    m.calls = m.successes = m.failures = m.slow = m.ignored = m.rejections = m.trips = 0;
                } else if (k == 1) {
                    what = QStringLiteral("forceOpen");
                    cb.forceOpen(now);
                    if (!m.forcedOpen) { // a repeat is a no-op
                        m.forcedOpen = true;
                        m.forcedClosed = false;
                        m.st = Model::St::Open;
                        ++m.epoch;
                        m.clear();
                    }
                } else if (k == 2) {
                    what = QStringLiteral("forceClosed");
                    cb.forceClosed(now);
                    if (!m.forcedClosed) {
                        m.forcedClosed = true;
                        m.forcedOpen = false;
                        m.close();
                    }
                } else {
                    what = QStringLiteral("release");
                    cb.release(now);
                    if (m.forcedOpen || m.forcedClosed) {
                        m.forcedOpen = m.forcedClosed = false;
                        m.close();
                    }
                }
            }
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
        qInfo("%d admitted, %d rejected, %llu trips", admitted, rejected, static_cast<unsigned long long>(m.allTrips));
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreakerModel)
#include "tst_circuitbreaker_model.moc"
