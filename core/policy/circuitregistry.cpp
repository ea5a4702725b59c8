#include "core/policy/circuitregistry.h"

namespace rwb {

CircuitRegistry::CircuitRegistry(EventSink* sink)
    : m_sink(sink)
{
}

std::shared_ptr<CircuitBreaker> CircuitRegistry::getOrCreate(const QString& name, const CircuitBreakerConfig& config)
{
    std::lock_guard lock(m_mutex);
    auto it = m_breakers.find(name);
    if (it != m_breakers.end())
        return it->second;
    CircuitBreakerConfig named = config;
    named.name = name;
    auto breaker = std::make_shared<CircuitBreaker>(std::move(named), m_sink); // may throw: nothing inserted yet
    m_breakers.emplace(name, breaker);
    return breaker;
}

std::shared_ptr<CircuitBreaker> CircuitRegistry::getOrCreate(const QString& name)
{
    return getOrCreate(name, CircuitBreakerConfig {});
}

std::shared_ptr<CircuitBreaker> CircuitRegistry::find(const QString& name) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_breakers.find(name);
    return it == m_breakers.end() ? nullptr : it->second;
}

bool CircuitRegistry::remove(const QString& name)
{
    std::lock_guard lock(m_mutex);
    return m_breakers.erase(name) > 0;
}

QStringList CircuitRegistry::names() const
{
    std::lock_guard lock(m_mutex);
    QStringList out;
    for (const auto& [name, breaker] : m_breakers)
        out << name;
    return out;
}

std::size_t CircuitRegistry::size() const
{
    std::lock_guard lock(m_mutex);
    return m_breakers.size();
}

std::vector<std::shared_ptr<CircuitBreaker>> CircuitRegistry::snapshot() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<CircuitBreaker>> out;
    out.reserve(m_breakers.size());
    for (const auto& [name, breaker] : m_breakers)
        out.push_back(breaker);
    return out;
}

// Breakers are queried outside the registry lock so a slow sink or a busy breaker never blocks
// getOrCreate() callers.
std::vector<CircuitBreakerStats> CircuitRegistry::allStats(TimePoint now) const
{
    std::vector<CircuitBreakerStats> out;
    for (const auto& breaker : snapshot())
        out.push_back(breaker->stats(now));
    return out;
}

ResilienceStatus CircuitRegistry::status(TimePoint now) const
{
    ResilienceStatus s;
    s.breakers = allStats(now);
    for (const auto& b : s.breakers) {
        ++s.circuits;
        switch (b.state) {
        case BreakerState::Closed:
            ++s.closed;
            break;
        case BreakerState::Open:
            ++s.open;
            break;
        case BreakerState::HalfOpen:
            ++s.halfOpen;
            break;
        }
        if (b.force != BreakerForce::None)
            ++s.forced;
        if (b.state != BreakerState::Closed)
            s.openCircuits << b.name;
        s.calls += b.calls;
        s.successes += b.successes;
        s.failures += b.failures;
        s.rejections += b.rejections;
    }
    if (s.calls > 0)
        s.successRate = static_cast<double>(s.successes) / static_cast<double>(s.calls);
    return s;
}

void CircuitRegistry::resetAll(TimePoint now)
{
    for (const auto& breaker : snapshot())
        breaker->reset(now);
}

} // namespace rwb
