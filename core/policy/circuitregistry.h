#pragma once

#include "core/policy/circuitbreaker.h"

#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace rwb {

class EventSink;

/// Health summary over every circuit of a registry (the `get_resilience_status` view).
struct ResilienceStatus {
    int circuits = 0;
    int closed = 0;
    int open = 0; ///< includes forced-open circuits
    int halfOpen = 0;
    int forced = 0; ///< circuits under a manual override
    std::uint64_t calls = 0; ///< cumulative, summed over circuits
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    std::uint64_t rejections = 0;
    /// successes / calls over all circuits, 1 when nothing was recorded yet.
    double successRate = 1.0;
    QStringList openCircuits; ///< names of circuits that are not CLOSED, sorted
    std::vector<CircuitBreakerStats> breakers; ///< one snapshot per circuit, sorted by name

    bool healthy() const noexcept { return open == 0 && halfOpen == 0; }
};

/// Named, shared circuit breakers (get-or-create by name), so several pipelines calling the same
/// downstream service share one circuit. Breakers are handed out as shared_ptr and stay valid after
/// remove() or the registry's destruction.
///
/// This class is thread-safe. The sink given to the constructor is not owned, must outlive every
/// breaker created here, and is attached to each breaker at creation.
class CircuitRegistry final {
public:
    explicit CircuitRegistry(EventSink* sink = nullptr);

    /// The breaker called `name`; created from `config` (its name replaced by `name`) if absent.
    /// An existing breaker is returned as is: `config` is then ignored. Throws InvalidConfig when a
    /// breaker must be created from an invalid config (the registry is left unchanged).
    std::shared_ptr<CircuitBreaker> getOrCreate(const QString& name, const CircuitBreakerConfig& config);
    /// Same, with the default config.
    std::shared_ptr<CircuitBreaker> getOrCreate(const QString& name);
    /// The breaker called `name`, or nullptr.
    std::shared_ptr<CircuitBreaker> find(const QString& name) const;
    /// Removes a circuit from the registry; returns false if it was not there.
    bool remove(const QString& name);

    QStringList names() const; ///< sorted
    std::size_t size() const;

    /// One snapshot per circuit, sorted by name.
    std::vector<CircuitBreakerStats> allStats(TimePoint now) const;
    ResilienceStatus status(TimePoint now) const;
    /// reset() on every circuit.
    void resetAll(TimePoint now);

private:
    std::vector<std::shared_ptr<CircuitBreaker>> snapshot() const;

    EventSink* m_sink;
    mutable std::mutex m_mutex;
    std::map<QString, std::shared_ptr<CircuitBreaker>> m_breakers;
};

} // namespace rwb
