#pragma once

#include "core/policy/retrybudget.h"
#include "core/policy/retrythrottle.h"

#include <QString>

#include <map>
#include <memory>
#include <mutex>

namespace rwb {

/// Named, shared retry budgets and retry throttles (get-or-create by name), so that pipelines naming the
/// same budget or throttle retry against one shared allowance, as several pipelines share one circuit
/// through the CircuitRegistry. Budgets and throttles have separate name spaces. Objects are handed out
/// as shared_ptr and stay valid after the registry is gone.
///
/// This class is thread-safe.
class RetryBudgetRegistry final {
public:
    /// The budget called `name`; created from `config` if absent (an existing one is returned as is, the
    /// first config wins). Throws InvalidConfig when one must be created from an invalid config.
    std::shared_ptr<RetryBudget> budget(const QString& name, const RetryBudgetConfig& config);
    /// The throttle called `name`, the same way.
    std::shared_ptr<RetryThrottle> throttle(const QString& name, const RetryThrottleConfig& config);

    std::shared_ptr<RetryBudget> findBudget(const QString& name) const;
    std::shared_ptr<RetryThrottle> findThrottle(const QString& name) const;

private:
    template <class T, class Config>
    std::shared_ptr<T> getOrCreate(std::map<QString, std::shared_ptr<T>>& map, const QString& name, const Config& config);

    mutable std::mutex m_mutex;
    std::map<QString, std::shared_ptr<RetryBudget>> m_budgets;
    std::map<QString, std::shared_ptr<RetryThrottle>> m_throttles;
};

} // namespace rwb
