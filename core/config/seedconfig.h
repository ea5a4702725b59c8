#pragma once

#include "core/config/loaderror.h"
#include "core/policy/circuitbreaker.h"
#include "core/policy/retrypolicy.h"
#include "core/run/scenario.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace rwb {

/// The resilience config file layout of seed 004 (`resilience_config.json`):
///   {"retry_configs": {"<name>": {"max_attempts": 3, "base_delay": 1.0, "max_delay": 30.0,
///                                 "exponential_base": 2.0, "strategy": "jittered_exponential", "jitter": true}},
///    "circuit_breaker_configs": {"<name>": {"failure_threshold": 5, "recovery_timeout": 60.0, "name": "<name>"}}}
/// Delays are seconds. Mapping (docs/scenario-format.md): `max_attempts` counts every try, like ours;
/// strategy exponential_backoff / jittered_exponential / linear_backoff / fixed_delay map to
/// exponential+no jitter / exponential+full jitter / linear / constant; `jitter` true|false overrides
/// the jitter; circuit breakers use consecutive-failure tripping. Entries keep the file's order.
struct SeedConfig {
    std::vector<std::pair<QString, RetryConfig>> retryConfigs;
    std::vector<std::pair<QString, CircuitBreakerConfig>> circuitBreakerConfigs;
};

struct SeedConfigLoad {
    SeedConfig config;
    LoadErrors errors;
    bool ok() const noexcept { return errors.empty(); }
};

namespace seedconfig {
/// Parses a seed-004 file; errors carry line/column (syntax) or JSON pointers (values), and every
/// entry is validated with the policies' own rules.
SeedConfigLoad load(const QByteArray& bytes, const QString& fileName = {});
/// Writes the seed-004 layout (indented JSON). Settings the layout cannot express (decorrelated or
/// equal jitter, error-class sets, windowed trip modes, ...) are dropped and listed in `lossy`
/// as "<pointer>: <what>".
QByteArray save(const SeedConfig& config, QStringList* lossy = nullptr);
/// What the layout has no place for beyond the retry and breaker details save() lists: the other
/// policies (fallback, timeout, bulkhead, rate limiter, hedging), the order, Retry-After handling and
/// the breaker's error classes. "/pipelines/<i> (<name>): <what>", like save()'s list.
QStringList droppedFields(const Scenario& scenario);
/// The retry and breaker settings of a scenario's pipelines, keyed by pipeline name.
SeedConfig fromScenario(const Scenario& scenario);
/// Applies imported settings to the scenario's pipelines of the same name (retry configs enable
/// retry, breaker configs add a breaker); returns the names that matched no pipeline.
QStringList applyToScenario(const SeedConfig& config, Scenario& scenario);
} // namespace seedconfig

} // namespace rwb
