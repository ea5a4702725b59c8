#pragma once

#include "core/run/scenario.h"
#include "core/run/runresult.h"
#include "core/sim/simgroups.h"

#include <atomic>
#include <functional>
#include <optional>

namespace rwb {

class EventSink;

/// Knobs of one run that are not part of the scenario.
struct SimulationOptions {
    std::optional<std::uint64_t> seed; ///< overrides Scenario::seed
    /// Receives every event (Attempt, RetryScheduled, RequestDone, BreakerTransition, FaultChanged, ...)
    /// in time order. A sink that wants a kind made for every call (Attempt, RequestDone: a recording)
    /// gets them as they happen, on the simulating thread, from one event queue whatever `threads` says:
    /// holding millions of them would cost memory and time. A sink of rarer kinds only (the charts') on a
    /// scenario of several independent groups (independentGroups()) lets the run go group by group, on
    /// any number of threads: each group keeps its events and they reach the sink on the calling thread
    /// once the groups are done, merged in time order, events at one instant in group order. Either way
    /// the stream is the same for any `threads`. nullptr (the default) skips building events at all,
    /// which is markedly faster: leave it null when only the time series are needed.
    EventSink* sink = nullptr;
    /// Polled while running (every simulated second and every few thousand events); when it turns
    /// true the run stops and returns a partial result with `cancelled` set.
    const std::atomic<bool>* cancel = nullptr;
    /// Progress in permille (0..1000) of the simulated time, called on the simulating thread at most
    /// once per permille step (so at most ~1000 times per run), and with 1000 at the end. A run split
    /// over threads reports its least advanced group, from any of its threads, one call at a time.
    std::function<void(int permille)> progress;
    /// The series recorded so far, to draw a long run while it proceeds: called on the simulating thread
    /// with each progress step, with `complete` (buckets [0, complete) are final) and the series of the
    /// pipelines that thread simulates (scenario index, series). It must copy what it keeps and return
    /// soon. A run split over threads calls it from each group (each with its own pipelines; calls from
    /// different groups may overlap). Reading only, it leaves the run's results unchanged.
    std::function<void(std::size_t complete, const std::vector<std::pair<int, const PipelineSeries*>>& pipelines)>
        checkpoint;
    Duration bucketWidth = std::chrono::seconds(1); ///< > 0
    /// Threads to simulate on (0: one per core). Pipelines that share no service, circuit, retry budget or
    /// throttle are independent groups (independentGroups(), core/sim/simgroups.h) and run on separate
    /// threads; the result and the events are identical to a run on one thread. A run with closed-loop
    /// clients (whose request times depend on the run) stays on the calling thread.
    int threads = 1;
};

/// The discrete-event simulator: runs a Scenario in virtual time, driving the real engine (one
/// Pipeline, and CircuitBreaker, per PipelineSpec) through the PipelineCall state machine, with
/// services that answer according to their FaultSchedule.
///
/// Time: virtual nanoseconds kept by the simulator's own event queue of small plain records (no
/// std::function timers, no clock object); each policy decision and event is handed the event's time.
/// That is what makes millions of attempts per second possible (see docs/simulator.md).
///
/// Deterministic: equal scenario and seed give identical results and event streams on every machine.
/// run() is reentrant: concurrent runs on different threads share nothing. Every run builds fresh
/// policy objects, so re-running with a tweaked Scenario copy is the cheap way to explore parameters.
class Simulator final {
public:
    /// Throws InvalidConfig (with JSON-pointer-like field paths) when the scenario does not validate, and
    /// std::runtime_error when more than 2^21 requests would be in flight at once (memory guard).
    static RunResult run(const Scenario& scenario, const SimulationOptions& options = {});

    /// The groups run() simulates apart with more than one thread or a sink: independentGroups(), or the
    /// whole scenario as one group when it has closed-loop clients, or nothing to split.
    static std::vector<SimGroup> parallelGroups(const Scenario& scenario);
    /// options.threads, with 0 resolved to the number of cores.
    static int threadCount(const SimulationOptions& options);
    /// Whether a run with these options streams its events from one queue (see SimulationOptions::sink):
    /// its sink wants a kind made for every call.
    static bool streamsEvents(const SimulationOptions& options);
};

} // namespace rwb
