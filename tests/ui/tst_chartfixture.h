#pragma once

// Realistic runs for the chart, tile, log and replay tests: the real simulator on small scenarios.

#include "core/events/eventsink.h"
#include "core/config/demos.h"
#include "core/run/scenario.h"
#include "core/sim/simulator.h"

#include <vector>

namespace rwb::testing {

struct DemoRun {
    RunResult result;
    std::vector<Event> events;
};

/// "payments" (one outage from 20 s to 45 s, breaker + retries with jittered exponential backoff)
/// and "inventory" (flapping every 16 s, no outage), Poisson clients, `seconds` long.
inline Scenario demoScenario(int seconds = 90)
{
    Scenario s;
    s.name = QStringLiteral("chart demo");
    s.seed = 42;
    s.duration = std::chrono::seconds(seconds);
    s.drainLimit = 30s;

    FaultProfile payments = FaultProfile::healthy(30ms);
    payments.latency = LatencyDistribution::logNormal(35ms, 220ms);
    payments.errorRate = 0.02;
    payments.outages.push_back({20s, 45s, FaultKind::Http503});
    s.services.push_back({QStringLiteral("payments"), FaultSchedule(payments)});

    FaultProfile inventory = FaultProfile::healthy(15ms);
    inventory.latency = LatencyDistribution::logNormal(18ms, 90ms);
    inventory.errorRate = 0.01;
    inventory.flapping.period = 16s;
    inventory.flapping.dutyCycle = 0.75;
    inventory.flapping.offset = 8s;
    s.services.push_back({QStringLiteral("inventory"), FaultSchedule(inventory)});

    for (const QString& name : {QStringLiteral("payments"), QStringLiteral("inventory")}) {
        PipelineSpec p;
        p.config.name = name;
        p.config.retry.maxAttempts = 4;
        p.config.retry.backoff.baseDelay = 100ms;
        p.config.retry.backoff.maxDelay = 1500ms;
        p.config.retry.backoff.jitter = Jitter::Full;
        p.config.timeoutEnabled = true;
        p.config.timeout.attemptTimeout = 800ms;
        p.service = name;
        CircuitBreakerConfig cb;
        cb.name = name;
        cb.failureThreshold = 5;
        cb.recoveryTimeout = 4s;
        cb.successThreshold = 2;
        p.breaker = cb;
        s.pipelines.push_back(p);
        ClientSpec c;
        c.name = name + QStringLiteral("-clients");
        c.pipeline = name;
        c.arrival.rate = name == QStringLiteral("payments") ? 40.0 : 25.0;
        s.clients.push_back(c);
    }
    return s;
}

inline DemoRun runDemo(int seconds = 90)
{
    CollectingSink sink;
    SimulationOptions options;
    options.sink = &sink;
    DemoRun run;
    run.result = Simulator::run(demoScenario(seconds), options);
    run.events = sink.take();
    return run;
}

/// A built-in demo (resources/scenarios) simulated with every event; the scenario too. Tests using it
/// link rwb_resources.
struct BuiltInRun : DemoRun {
    Scenario scenario;
};
inline BuiltInRun runBuiltIn(const QString& demo)
{
    BuiltInRun run;
    const ScenarioLoad load = demos::load(demo);
    if (!load.ok())
        return run;
    run.scenario = *load.scenario;
    CollectingSink sink;
    SimulationOptions options;
    options.sink = &sink;
    run.result = Simulator::run(run.scenario, options);
    run.events = sink.take();
    return run;
}

} // namespace rwb::testing
