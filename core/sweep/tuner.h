#pragma once

#include "core/run/runfigures.h"
#include "core/sweep/sweepplan.h"

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

namespace rwb {

/// What to tune and how hard to look.
struct TuneOptions {
    std::vector<SweepParameter> parameters;
    std::vector<figures::Objective> objectives; ///< the first drives the search; all span the Pareto front
    std::vector<figures::Constraint> constraints;
    int budget = 60; ///< configurations simulated (each over `seeds` seeds)
    int seeds = 3; ///< the scenario's seed and the following ones
    std::uint64_t searchSeed = 1; ///< the random start's draws
    int threads = 0; ///< <= 0: one per core
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(int evaluated, int budget)> progress; ///< on the calling thread, after each batch
};

/// One configuration the tuner simulated.
struct TuneEvaluation {
    SweepPoint point;
    std::vector<double> objectives; ///< per objective: mean over the seeds (+inf when undefined)
    std::vector<double> constraints; ///< per constraint: its worst value over the seeds (NaN when undefined)
    double violation = 0; ///< summed relative violation of the constraints (0: feasible)
    QString error; ///< the point's scenario did not load
    bool interrupted = false; ///< cancelled before every seed ran: its figures are incomplete
    bool feasible() const noexcept { return error.isEmpty() && !interrupted && violation == 0; }
};

struct TuneResult {
    std::vector<TuneEvaluation> evaluations; ///< in evaluation order
    std::optional<std::size_t> best; ///< index of the best evaluation (feasible first)
    std::vector<std::size_t> pareto; ///< non-dominated evaluations, best primary objective first
    bool cancelled = false; ///< stopped early; configurations cut short are not among the evaluations
    int simulationsStarted = 0; ///< runs begun (configurations x seeds), cut-short ones included
};

/// Searches the parameters for the configuration that best meets the objective under the constraints,
/// on the simulator: a Latin-hypercube start (a third of the budget) then a compass (pattern) search
/// from the best point found, halving the step when no neighbour improves (docs/tuning.md says why).
/// Robust over seeds: an objective is the mean over the seeds, a constraint must hold on the worst seed.
/// Deterministic for equal inputs, whatever the thread count. Blocking; runs simulations on `threads`
/// worker threads.
class Tuner final {
public:
    /// Validates the parameters (as SweepPlan::create) and the figures' pipelines; nullopt with errors.
    static std::optional<Tuner> create(const Scenario& scenario, TuneOptions options, LoadErrors* errors);
    TuneResult run() const;

    const SweepPlan& plan() const noexcept { return m_plan; }
    const TuneOptions& options() const noexcept { return m_options; }
    /// Feasibility first (Deb's rule), then the first objective, then the smaller violation.
    bool better(const TuneEvaluation& a, const TuneEvaluation& b) const;

private:
    Tuner(SweepPlan plan, TuneOptions options);
    TuneEvaluation evaluate(const SweepPoint& point, std::atomic<int>& simulationsStarted) const;

    SweepPlan m_plan;
    TuneOptions m_options;
};

} // namespace rwb
