#include "core/policy/retrybudgetregistry.h"

namespace rwb {

template <class T, class Config>
std::shared_ptr<T> RetryBudgetRegistry::getOrCreate(
    std::map<QString, std::shared_ptr<T>>& map, const QString& name, const Config& config)
{
    std::lock_guard lock(m_mutex);
    if (auto it = map.find(name); it != map.end())
        return it->second;
    Config named = config;
    named.name = name;
    auto made = std::make_shared<T>(std::move(named)); // may throw: nothing inserted yet
    map.emplace(name, made);
    return made;
}

std::shared_ptr<RetryBudget> RetryBudgetRegistry::budget(const QString& name, const RetryBudgetConfig& config)
{
    return getOrCreate(m_budgets, name, config);
}

std::shared_ptr<RetryThrottle> RetryBudgetRegistry::throttle(const QString& name, const RetryThrottleConfig& config)
{
    return getOrCreate(m_throttles, name, config);
}

std::shared_ptr<RetryBudget> RetryBudgetRegistry::findBudget(const QString& name) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_budgets.find(name);
    return it == m_budgets.end() ? nullptr : it->second;
}

std::shared_ptr<RetryThrottle> RetryBudgetRegistry::findThrottle(const QString& name) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_throttles.find(name);
    return it == m_throttles.end() ? nullptr : it->second;
}

} // namespace rwb
