#include "core/common/configerror.h"
#include "core/common/random.h"
#include "core/events/metrics.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace rwb;

namespace {

Event done(
    const QString& source, TimePoint t, OutcomeKind outcome, Duration total, int attempts = 1, bool fallback = false)
{
    Event e;
    e.kind = EventKind::RequestDone;
    e.source = source;
    e.time = t;
    e.outcome = outcome;
    e.total = total;
    e.attempt = attempts;
    e.fallback = fallback;
    return e;
}

// Nearest-rank percentile of a sorted sample: the reference the histogram is held to.
std::int64_t referencePercentile(const std::vector<std::int64_t>& sorted, double p)
{
    const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p * double(sorted.size()) / 100.0)));
    return sorted[rank - 1];
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private slots:
    void bucketsTileTheRange()
    {
        std::int64_t expectedLow = 0;
        for (int b = 0; b < LogHistogram::kBuckets; ++b) {
            const auto lo = LogHistogram::bucketLow(b);
            const auto hi = LogHistogram::bucketHigh(b);
            QCOMPARE(lo, expectedLow);
            QVERIFY(hi > lo);
            QCOMPARE(LogHistogram::bucketOf(lo), b);
            QCOMPARE(LogHistogram::bucketOf(hi - 1), b);
            // Bucket width never exceeds 1/32 of its lower bound (beyond the exact range).
            if (lo >= 32)
                QVERIFY((hi - lo) * 32 <= lo);
            expectedLow = hi;
        }
        QCOMPARE(expectedLow, std::int64_t { 1 } << LogHistogram::kMaxBits);
        QCOMPARE(LogHistogram::bucketOf(-5), 0);
        QCOMPARE(LogHistogram::bucketOf(std::int64_t { 1 } << 50), LogHistogram::kBuckets - 1);
    }

    void percentilesMatchSortedReference_data()
    {
        QTest::addColumn<int>("samples");
        QTest::addColumn<int>("shape");
        QTest::newRow("one sample") << 1 << 0;
        QTest::newRow("seven samples") << 7 << 0;
        QTest::newRow("log-normal 10k") << 10'000 << 0;
        QTest::newRow("bimodal 10k") << 10'000 << 1;
        QTest::newRow("uniform tiny values") << 1'000 << 2;
        QTest::newRow("heavy tail 50k") << 50'000 << 3;
    }

    void percentilesMatchSortedReference()
    {
        QFETCH(int, samples);
        QFETCH(int, shape);
        Random rng(0xFEED + std::uint64_t(shape));
        LogHistogram h;
        std::vector<std::int64_t> values;
        for (int i = 0; i < samples; ++i) {
            double ms = 0;
            switch (shape) {
            case 0:
                ms = rng.logNormal(std::log(80.0), 0.6);
                break;
            case 1:
                ms = rng.chance(0.9) ? rng.normal(20, 2) : rng.normal(2000, 300);
                break;
            case 2:
                ms = double(rng.below(64)) / 1e6; // 0..63 ns: the exact range
                break;
            default:
                ms = std::min(5.0 / std::pow(1.0 - rng.uniform01(), 1.5), 3.6e6); // Pareto-like, up to 1 h
                break;
            }
            const auto d = fromMs(std::max(ms, 0.0));
            values.push_back(d.count());
            h.record(d);
        }
        std::sort(values.begin(), values.end());
        QCOMPARE(h.count(), std::uint64_t(samples));
        QCOMPARE(h.min().count(), values.front());
        QCOMPARE(h.max().count(), values.back());
        for (double p : { 1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0 }) {
            const auto want = referencePercentile(values, p);
            const auto got = h.percentile(p).count();
            const double err = std::abs(double(got - want));
            if (err > double(want) * LogHistogram::kMaxRelativeError)
                QFAIL(qPrintable(QStringLiteral("p%1: got %2 ns, want %3 ns").arg(p).arg(got).arg(want)));
        }
        QCOMPARE(LogHistogram().percentile(50), Duration::zero());
        // Beyond the bucketed range (~73 min) values are clamped, but the maximum stays exact.
        h.record(std::chrono::hours(10));
        QCOMPARE(h.percentile(100), Duration(std::chrono::hours(10)));
    }

    void countsPerSource()
    {
        Metrics m;
        const QString api = QStringLiteral("api");
        m.onEvent(done(api, TimePoint(1s), OutcomeKind::Success, 10ms, 1));
        m.onEvent(done(api, TimePoint(1s), OutcomeKind::Success, 30ms, 3, true));
        m.onEvent(done(api, TimePoint(2s), OutcomeKind::Timeout, 2s, 2));
        m.onEvent(done(api, TimePoint(2s), OutcomeKind::Rejected, 0ms, 0));
        Event gaveUp;
        gaveUp.kind = EventKind::RetryGaveUp;
        gaveUp.source = api;
        m.onEvent(gaveUp);
        Event bulkhead = gaveUp;
        bulkhead.kind = EventKind::BulkheadRejected;
        m.onEvent(bulkhead);
        Event open;
        open.kind = EventKind::BreakerTransition;
        open.source = QStringLiteral("payments");
        open.to = BreakerState::Open;
        m.onEvent(open);
        open.to = BreakerState::HalfOpen;
        m.onEvent(open);
        open.kind = EventKind::BreakerRejected;
        m.onEvent(open);

        const auto s = *m.snapshot(api, TimePoint(2s));
        QCOMPARE(s.calls, std::uint64_t(4));
        QCOMPARE(s.successes, std::uint64_t(2));
        QCOMPARE(s.failures, std::uint64_t(1));
        QCOMPARE(s.rejections, std::uint64_t(1));
        QCOMPARE(s.fallbacks, std::uint64_t(1));
        QCOMPARE(s.attempts, std::uint64_t(6));
        QCOMPARE(s.retries, std::uint64_t(3));
        QCOMPARE(s.retriesPerCall, 0.75);
        QCOMPARE(s.gaveUp, std::uint64_t(1));
        QCOMPARE(s.bulkheadRejections, std::uint64_t(1));
        QCOMPARE(s.windowCalls, std::uint64_t(4));
        QCOMPARE(s.windowSuccessRate, 0.5);
        QCOMPARE(s.maxLatency, Duration(2s));

        const auto b = *m.snapshot(QStringLiteral("payments"));
        QCOMPARE(b.breakerTransitions, std::uint64_t(2));
        QCOMPARE(b.breakerOpens, std::uint64_t(1));
        QCOMPARE(b.breakerRejections, std::uint64_t(1));
        QCOMPARE(b.calls, std::uint64_t(0));

        QVERIFY(!m.snapshot(QStringLiteral("nobody")));
        const auto all = m.snapshotAll(TimePoint(2s));
        QCOMPARE(all.size(), std::size_t(2));
        QCOMPARE(all[0].source, api);
        QCOMPARE(m.latestEventTime(), TimePoint(2s));
        m.clear();
        QVERIFY(m.snapshotAll(TimePoint(2s)).empty());
    }

    void windowExpiresOnEventTime()
    {
        Metrics m(10s, 10); // ten 1 s slices
        const QString api = QStringLiteral("api");
        for (int i = 0; i < 10; ++i)
            m.onEvent(done(api, TimePoint(500ms), OutcomeKind::Success, 100ms));
        for (int i = 0; i < 10; ++i)
            m.onEvent(done(api, TimePoint(9500ms), OutcomeKind::Error, 1s));

        auto s = *m.snapshot(api, TimePoint(9900ms));
        QCOMPARE(s.windowCalls, std::uint64_t(20));
        QVERIFY(std::abs(toMs(s.p50) - 100.0) <= 100.0 * LogHistogram::kMaxRelativeError);
        QCOMPARE(s.p99, Duration(1s)); // clamped to the observed maximum

        s = *m.snapshot(api, TimePoint(10200ms)); // the first slice left the window
        QCOMPARE(s.windowCalls, std::uint64_t(10));
        QCOMPARE(s.windowSuccesses, std::uint64_t(0));
        QCOMPARE(s.windowFailures, std::uint64_t(10));
        QCOMPARE(s.windowSuccessRate, 0.0);
        QCOMPARE(s.p50, Duration(1s));

        s = *m.snapshot(api, TimePoint(30s));
        QCOMPARE(s.windowCalls, std::uint64_t(0));
        QCOMPARE(s.p50, Duration::zero());
        QCOMPARE(s.windowSuccessRate, 1.0);
        QCOMPARE(s.calls, std::uint64_t(20)); // cumulative counters never expire

        // An event older than the window (relative to the newest seen) only counts cumulatively.
        m.onEvent(done(api, TimePoint(40s), OutcomeKind::Success, 5ms));
        m.onEvent(done(api, TimePoint(1s), OutcomeKind::Success, 7s));
        s = *m.snapshot(api, TimePoint(40s));
        QCOMPARE(s.windowCalls, std::uint64_t(1));
        QCOMPARE(s.maxLatency, Duration(5ms));
        QCOMPARE(s.calls, std::uint64_t(22));
    }

    void rejectsBadWindow()
    {
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, Metrics(0s, 10));
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, Metrics(10s, 0));
        try {
            Metrics bad(10s, 0);
        } catch (const InvalidConfig& e) {
            QCOMPARE(e.errors().front().toString(), QStringLiteral("buckets: expected an integer in [1, 3600], got 0"));
        }
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
