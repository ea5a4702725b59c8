#include "core/events/metrics.h"

#include "core/common/configerror.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace rwb {

// ---- LogHistogram ----

int LogHistogram::bucketOf(std::int64_t ns) noexcept
{
    constexpr std::int64_t sub = 1 << kSubBits;
    const auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(ns, 0, (std::int64_t { 1 } << kMaxBits) - 1));
    if (v < static_cast<std::uint64_t>(sub))
        return static_cast<int>(v);
    const int e = std::bit_width(v) - 1; // index of the highest set bit, >= kSubBits
    const auto s = static_cast<int>((v >> (e - kSubBits)) & (sub - 1));
    return static_cast<int>(sub) + (e - kSubBits) * static_cast<int>(sub) + s;
}

std::int64_t LogHistogram::bucketLow(int bucket) noexcept
{
    constexpr int sub = 1 << kSubBits;
    if (bucket < sub)
        return bucket;
    const int e = (bucket - sub) / sub + kSubBits;
    const int s = (bucket - sub) % sub;
    return static_cast<std::int64_t>(sub + s) << (e - kSubBits);
}

std::int64_t LogHistogram::bucketHigh(int bucket) noexcept
{
    constexpr int sub = 1 << kSubBits;
    if (bucket < sub)
        return bucket + 1;
    const int e = (bucket - sub) / sub + kSubBits;
    return bucketLow(bucket) + (std::int64_t { 1 } << (e - kSubBits));
}

void LogHistogram::record(Duration latency) noexcept
{
    const auto ns = std::max<std::int64_t>(0, latency.count());
    ++m_counts[static_cast<std::size_t>(bucketOf(ns))];
    ++m_count;
    m_min = std::min(m_min, ns);
    m_max = std::max(m_max, ns);
}

void LogHistogram::merge(const LogHistogram& other) noexcept
{
    if (other.m_count == 0)
        return;
    for (std::size_t i = 0; i < m_counts.size(); ++i)
        m_counts[i] += other.m_counts[i];
    m_count += other.m_count;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
}

void LogHistogram::clear() noexcept
{
    m_counts.fill(0);
    m_count = 0;
    m_min = INT64_MAX;
    m_max = 0;
}

Duration LogHistogram::percentile(double p) const noexcept
{
    if (m_count == 0 || !(p > 0.0))
        return Duration::zero();
    const double exact = std::ceil(std::min(p, 100.0) * static_cast<double>(m_count) / 100.0);
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(exact));
    if (rank >= m_count)
        return Duration(m_max); // the top rank is known exactly, also beyond the bucketed range
    std::uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
        seen += m_counts[static_cast<std::size_t>(b)];
        if (seen >= rank) {
            const std::int64_t mid = (bucketLow(b) + bucketHigh(b) - 1) / 2;
            return Duration(std::clamp(mid, m_min, m_max));
        }
    }
    return Duration(m_max);
}

// ---- Metrics ----

struct Metrics::Slice {
    std::int64_t index = -1;
    std::uint64_t calls = 0;
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    std::uint64_t rejections = 0;
    LogHistogram latency;
};

struct Metrics::Entry {
    MetricsSnapshot totals; // cumulative fields only
    std::vector<Slice> slices;
    std::int64_t head = 0;
};

namespace {
Duration checkedWidth(Duration window, int buckets)
{
    FieldCheck check;
    check.durationAtLeastMs(QStringLiteral("window"), toMs(window), 1.0);
    check.require(buckets >= 1 && buckets <= 3600, QStringLiteral("buckets"),
        QStringLiteral("expected an integer in [1, 3600], got %1").arg(buckets));
    check.throwIfFailed();
    return Duration(std::max<Duration::rep>(1, window.count() / buckets));
}
} // namespace

Metrics::Metrics(Duration window, int buckets)
    : m_window(window)
    , m_bucketCount(buckets)
    , m_bucketWidth(checkedWidth(window, buckets))
{
}

Metrics::~Metrics() = default;

Metrics::Slice* Metrics::sliceFor(Entry& e, TimePoint t)
{
    const std::int64_t n = m_bucketCount;
    const std::int64_t idx = std::max<std::int64_t>(0, t.time_since_epoch().count() / m_bucketWidth.count());
    if (e.slices.empty())
        e.slices.resize(static_cast<std::size_t>(n));
    e.head = std::max(e.head, idx);
    if (idx <= e.head - n)
        return nullptr; // already outside the window
    Slice& s = e.slices[static_cast<std::size_t>(idx % n)];
    if (s.index != idx) {
        s.index = idx;
        s.calls = s.successes = s.failures = s.rejections = 0;
        s.latency.clear();
    }
    return &s;
}

void Metrics::onEvent(const Event& ev)
{
    std::lock_guard lock(m_mutex);
    m_latest = std::max(m_latest, ev.time);
    auto& slot = m_entries[ev.source];
    if (!slot) {
        slot = std::make_unique<Entry>();
        slot->totals.source = ev.source;
    }
    Entry& e = *slot;
    MetricsSnapshot& t = e.totals;
    switch (ev.kind) {
    case EventKind::RequestDone: {
        ++t.calls;
        t.attempts += static_cast<std::uint64_t>(std::max(ev.attempt, 0));
        t.retries += static_cast<std::uint64_t>(std::max(ev.attempt - 1, 0));
        t.fallbacks += ev.fallback ? 1 : 0;
        Slice* s = sliceFor(e, ev.time);
        if (s) {
            ++s->calls;
            s->latency.record(ev.total);
        }
        switch (ev.outcome) {
        case OutcomeKind::Success:
            ++t.successes;
            if (s)
                ++s->successes;
            break;
        case OutcomeKind::Rejected:
            ++t.rejections;
            if (s)
                ++s->rejections;
            break;
        case OutcomeKind::Error:
        case OutcomeKind::Timeout:
            ++t.failures;
            if (s)
                ++s->failures;
            break;
        }
        break;
    }
    case EventKind::RetryGaveUp:
        ++t.gaveUp;
        break;
    case EventKind::BulkheadRejected:
        ++t.bulkheadRejections;
        break;
    case EventKind::RateLimited:
        ++t.rateLimited;
        break;
    case EventKind::BreakerRejected:
        ++t.breakerRejections;
        break;
    case EventKind::BreakerTransition:
        ++t.breakerTransitions;
        t.breakerOpens += ev.to == BreakerState::Open ? 1 : 0;
        break;
    case EventKind::Attempt:
    case EventKind::RetryScheduled:
    case EventKind::FaultChanged:
    case EventKind::HedgeLaunched:
    case EventKind::HedgeCancelled:
        break;
    }
}

MetricsSnapshot Metrics::snapshotLocked(const Entry& e, TimePoint now) const
{
    MetricsSnapshot out = e.totals;
    out.at = now;
    out.window = m_window;
    out.retriesPerCall = out.calls ? static_cast<double>(out.retries) / static_cast<double>(out.calls) : 0.0;
    const std::int64_t n = m_bucketCount;
    const std::int64_t idx = std::max<std::int64_t>(0, now.time_since_epoch().count() / m_bucketWidth.count());
    LogHistogram merged;
    for (const auto& s : e.slices) {
        if (s.index <= idx - n || s.index > idx)
            continue;
        out.windowCalls += s.calls;
        out.windowSuccesses += s.successes;
        out.windowFailures += s.failures;
        out.windowRejections += s.rejections;
        merged.merge(s.latency);
    }
    if (out.windowCalls)
        out.windowSuccessRate = static_cast<double>(out.windowSuccesses) / static_cast<double>(out.windowCalls);
    out.p50 = merged.percentile(50);
    out.p95 = merged.percentile(95);
    out.p99 = merged.percentile(99);
    out.maxLatency = merged.max();
    return out;
}

std::optional<MetricsSnapshot> Metrics::snapshot(const QString& source, TimePoint now) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(source);
    if (it == m_entries.end())
        return std::nullopt;
    return snapshotLocked(*it->second, now);
}

std::optional<MetricsSnapshot> Metrics::snapshot(const QString& source) const
{
    return snapshot(source, latestEventTime());
}

std::vector<MetricsSnapshot> Metrics::snapshotAll(TimePoint now) const
{
    std::lock_guard lock(m_mutex);
    std::vector<MetricsSnapshot> out;
    out.reserve(m_entries.size());
    for (const auto& [name, entry] : m_entries)
        out.push_back(snapshotLocked(*entry, now));
    return out;
}

TimePoint Metrics::latestEventTime() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

void Metrics::clear()
{
    std::lock_guard lock(m_mutex);
    m_entries.clear();
    m_latest = {};
}

} // namespace rwb
