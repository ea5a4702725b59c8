#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"
#include "core/faults/faultschedule.h"
#include "core/policy/circuitbreaker.h"
#include "core/policy/pipeline.h"
#include "core/run/behavelike.h"
#include "core/run/expectations.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// How a client's requests arrive. Rates are per client; a ClientSpec with `count` N behaves like N
/// such clients (rates and burst sizes multiplied by N).
struct ArrivalProcess {
    enum class Kind : std::uint8_t {
        Constant, ///< evenly spaced, `rate` per second
        Poisson,  ///< exponential gaps, mean rate `rate` per second
        Bursts,   ///< `burstSize` requests at the same instant every `burstInterval` (first at `start`),
                  ///< on top of Poisson background traffic at `rate` (may be 0)
        Closed,   ///< a population of `count` users: each sends its first request at `start`, and its next
                  ///< one `thinkTime` after the previous one ended (success, failure or fallback alike)
    };
    Kind kind = Kind::Poisson;
    double rate = 10.0;                 ///< requests per second, >= 0
    int burstSize = 0;                  ///< Bursts: requests per burst, >= 1
    Duration burstInterval = 10s;       ///< Bursts: time between bursts, > 0
    LatencyDistribution thinkTime = LatencyDistribution::fixed(1s); ///< Closed: pause between a user's requests
    int requestsPerUser = 0;            ///< Closed: a user stops after this many requests (0: no limit)
    Duration start {};                  ///< no request before this time
    std::optional<Duration> end;        ///< no request from this time on (default: the scenario duration)

    FieldErrors validate() const;
};
QString toString(ArrivalProcess::Kind kind); ///< "constant", "poisson", "bursts", "closed"
std::optional<ArrivalProcess::Kind> arrivalKindFromString(const QString& text);

/// A source of requests calling one pipeline.
struct ClientSpec {
    QString name;
    QString pipeline; ///< name of a PipelineSpec
    int count = 1;    ///< identical clients (open arrivals) or users (closed loop), >= 1
    ArrivalProcess arrival;
};

/// A simulated dependency: its faults over time.
struct ServiceSpec {
    QString name;
    FaultSchedule faults;
};

/// A named pipeline of policies bound to one service. The circuit breaker is optional (it is an
/// object of its own in the engine); its name defaults to the pipeline's name.
struct PipelineSpec {
    PipelineConfig config; ///< config.name is the pipeline's name
    QString service;       ///< name of a ServiceSpec
    std::optional<CircuitBreakerConfig> breaker;
    PipelineExpectations expect; ///< what its run must show (rwb check); never changes the simulation
    /// behave_like: whose breaker semantics to follow (docs/interop.md). Load through the scenario
    /// loader, or call behavelike::apply() after changing it, so the breaker gets the engine variant.
    BehaveLike behaveLike = BehaveLike::Workbench;

    const QString& name() const noexcept { return config.name; }
};

/// One whole experiment, as described by a scenario JSON file (docs/scenario-format.md): who calls
/// what through which policies, how the services misbehave, for how long, from which seed.
/// A plain value type: copy it, tweak a field and simulate again (that is how the GUI re-runs on
/// every slider move). Not validated on construction: call validate() (the loader does).
struct Scenario {
    static constexpr int kSchemaVersion = 1;

    int schemaVersion = kSchemaVersion;
    QString name;
    QString description;
    QString lesson;      ///< one sentence: what the scenario teaches
    std::uint64_t seed = 1;
    Duration duration = 60s;   ///< requests start in [0, duration)
    Duration drainLimit = 300s;///< after `duration`, in-flight requests get this long to finish
    std::vector<ServiceSpec> services;
    std::vector<PipelineSpec> pipelines;
    std::vector<ClientSpec> clients;

    const ServiceSpec* service(const QString& name) const noexcept;
    const PipelineSpec* pipeline(const QString& name) const noexcept;
    int serviceIndex(const QString& name) const noexcept;
    int pipelineIndex(const QString& name) const noexcept;
    /// The first pipeline whose circuit breaker has the name of pipeline `pipeline`'s: pipelines naming
    /// one circuit share one breaker (as a circuit registry shares it), built by that first pipeline.
    /// -1 when `pipeline` has no breaker; `pipeline` itself when no earlier pipeline names its circuit.
    int sharedBreakerOwner(int pipeline) const noexcept;

    /// Every broken rule, as field paths in JSON-pointer form relative to the document
    /// ("pipelines/0/retry/max_attempts", "clients/1/pipeline"), including the policies' own rules.
    FieldErrors validate() const;
};

} // namespace rwb
