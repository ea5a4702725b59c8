#pragma once

#include "core/common/time.h"
#include "core/events/eventsink.h"

#include <QString>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace rwb {

/// Log-bucketed latency histogram (HDR-like): values below 32 ns are exact, above that each power
/// of two is split into 32 equal sub-buckets, so a reported percentile (the middle of its bucket,
/// clamped to the observed min/max) is within kMaxRelativeError of the true nearest-rank value.
/// Range 0 .. 2^42 ns (~73 min); larger values fall in the top bucket (the maximum and p100 stay
/// exact). Fixed memory (~5 KB). Not thread-safe.
class LogHistogram final {
public:
    static constexpr int kSubBits = 5;
    static constexpr int kMaxBits = 42;
    static constexpr int kBuckets = (1 << kSubBits) * (kMaxBits - kSubBits + 1);
    static constexpr double kMaxRelativeError = 1.0 / (1 << (kSubBits + 1)); ///< 1/64, about 1.6 %

    void record(Duration latency) noexcept;
    void merge(const LogHistogram& other) noexcept;
    void clear() noexcept;
    std::uint64_t count() const noexcept { return m_count; }
    Duration min() const noexcept { return Duration(m_count ? m_min : 0); }
    Duration max() const noexcept { return Duration(m_max); }
    /// Nearest-rank percentile, p in (0, 100]; zero when empty.
    Duration percentile(double p) const noexcept;

    static int bucketOf(std::int64_t ns) noexcept;
    static std::int64_t bucketLow(int bucket) noexcept; ///< smallest value of a bucket
    static std::int64_t bucketHigh(int bucket) noexcept; ///< one past the largest value of a bucket

private:
    std::array<std::uint32_t, kBuckets> m_counts {};
    std::uint64_t m_count = 0;
    std::int64_t m_min = INT64_MAX;
    std::int64_t m_max = 0;
};

/// Aggregated figures for one event source (a pipeline, or a circuit for breaker events).
/// Cumulative counters cover every event seen; `window*` figures and percentiles cover the rolling
/// window ending at the snapshot time.
struct MetricsSnapshot {
    QString source;
    TimePoint at {}; ///< end of the rolling window
    Duration window {};

    std::uint64_t calls = 0; ///< RequestDone events
    std::uint64_t successes = 0; ///< RequestDone with outcome success (fallback or not)
    std::uint64_t failures = 0; ///< RequestDone with outcome error or timeout
    std::uint64_t rejections = 0; ///< RequestDone with outcome rejected
    std::uint64_t fallbacks = 0; ///< RequestDone answered by a fallback
    std::uint64_t attempts = 0; ///< sum of RequestDone attempts
    std::uint64_t retries = 0; ///< attempts beyond the first
    std::uint64_t gaveUp = 0; ///< RetryGaveUp events
    std::uint64_t bulkheadRejections = 0;
    std::uint64_t rateLimited = 0;
    std::uint64_t breakerRejections = 0; ///< BreakerRejected events (source = circuit)
    std::uint64_t breakerTransitions = 0; ///< BreakerTransition events (source = circuit)
    std::uint64_t breakerOpens = 0; ///< transitions into OPEN
    double retriesPerCall = 0.0;

    std::uint64_t windowCalls = 0;
    std::uint64_t windowSuccesses = 0;
    std::uint64_t windowFailures = 0;
    std::uint64_t windowRejections = 0;
    double windowSuccessRate = 1.0; ///< windowSuccesses / windowCalls, 1 when empty
    /// Request latency (RequestDone.total) over the window; zero when no call finished in it.
    Duration p50 {}, p95 {}, p99 {}, maxLatency {};
};

/// An EventSink aggregating events per source, with latency percentiles over a rolling window of
/// event time (never the wall clock). The window is `buckets` slices of `window / buckets`; a call
/// leaves it when its slice is older than the newest `buckets` slices. Events older than the window
/// (relative to the newest event seen) only update cumulative counters.
/// Memory: per source, `buckets` histograms of ~5 KB, allocated on first use.
/// This class is thread-safe.
class Metrics final : public EventSink {
public:
    /// Throws InvalidConfig when window < 1 ms or buckets is outside [1, 3600].
    explicit Metrics(Duration window = 60s, int buckets = 12);
    ~Metrics() override;

    void onEvent(const Event& event) override;

    /// Snapshot of one source at `now` (the end of the window), nullopt if it never emitted.
    std::optional<MetricsSnapshot> snapshot(const QString& source, TimePoint now) const;
    /// Same at the time of the newest event seen.
    std::optional<MetricsSnapshot> snapshot(const QString& source) const;
    /// Every source, sorted by name, at `now`.
    std::vector<MetricsSnapshot> snapshotAll(TimePoint now) const;
    TimePoint latestEventTime() const;
    void clear();

    Duration window() const noexcept { return m_window; }

private:
    struct Slice;
    struct Entry;

    MetricsSnapshot snapshotLocked(const Entry& e, TimePoint now) const;
    Slice* sliceFor(Entry& e, TimePoint t);

    const Duration m_window;
    const int m_bucketCount;
    const Duration m_bucketWidth;
    mutable std::mutex m_mutex;
    std::map<QString, std::unique_ptr<Entry>> m_entries;
    TimePoint m_latest {};
};

} // namespace rwb
