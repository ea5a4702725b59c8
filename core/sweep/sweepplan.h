#pragma once

#include "core/config/loaderror.h"
#include "core/run/runfigures.h"
#include "core/run/scenario.h"
#include "core/sweep/sweepparameter.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// How the points of a sweep are chosen.
struct SweepDesign {
    enum class Kind { Grid, Random, Lhs };
    Kind kind = Kind::Grid;
    int samples = 0; ///< points of a random or LHS design
    std::uint64_t designSeed = 1; ///< draws of a random or LHS design (not the simulation seeds)
    QString toString() const; ///< "grid", "random 100 seed 1", "lhs 100 seed 1"
};

/// A deterministic slice of a sweep: shard `index` (0-based) of `count` runs the tasks whose number
/// modulo `count` is `index`. "0/1" is the whole sweep.
struct SweepShard {
    int index = 0;
    int count = 1;
    /// Parses "K/N" (0 <= K < N); nullopt with `error` set otherwise.
    static std::optional<SweepShard> parse(const QString& text, QString* error);
};

/// One simulation of a sweep: point `point` with the `seedIndex`-th seed. Tasks are numbered
/// point * seeds + seedIndex: the order of the output lines.
struct SweepTask {
    int point = 0;
    int seedIndex = 0;
};

using SweepPoint = std::vector<QJsonValue>; ///< one value per parameter, in parameter order

/// A finished task: its JSONL line and, for views, the figures asked for.
struct SweepRecord {
    SweepTask task;
    QByteArray line; ///< with '\n'
    std::vector<double> figures; ///< in the order asked; NaN when undefined or the point did not load
    bool loadFailed = false; ///< the point's scenario did not load: the line carries "error"
};

/// Everything that defines a sweep: the base scenario, the parameters, the design's points and the
/// seeds. Built once (validating every parameter against the scenario), then read-only: scenarioAt()
/// and line() are thread-safe.
class SweepPlan final {
public:
    /// Checks that every pointer names an existing value of the scenario's canonical document, that
    /// the spec's type fits it, and that each parameter's values load (other parameters at their base
    /// values). Errors carry the pointer and say what was expected.
    static std::optional<SweepPlan> create(const Scenario& scenario, std::vector<SweepParameter> parameters,
        const SweepDesign& design, int seeds, LoadErrors* errors);

    const std::vector<SweepParameter>& parameters() const noexcept { return m_parameters; }
    const std::vector<SweepPoint>& points() const noexcept { return m_points; }
    int seedCount() const noexcept { return m_seeds; }
    std::uint64_t seed(int seedIndex) const noexcept { return m_baseSeed + std::uint64_t(seedIndex); }
    /// Hex digest of the canonical scenario, the parameter specs, the design and the seeds.
    const QString& id() const noexcept { return m_id; }
    const QString& scenarioName() const noexcept { return m_name; }
    int taskCount() const noexcept { return int(m_points.size()) * m_seeds; }
    std::vector<SweepTask> tasks(const SweepShard& shard = {}) const;

    /// The scenario with point `point`'s values; errors (e.g. two values that contradict each other)
    /// carry the pointer.
    std::optional<Scenario> scenarioAt(const SweepPoint& point, LoadErrors* errors) const;
    /// The base document with the point's values set (for writing a tuned scenario).
    QJsonObject documentAt(const SweepPoint& point) const;
    /// {pointer: value} of a point.
    QJsonObject parameterObject(const SweepPoint& point) const;

    /// Simulates one task. Its line holds the sweep id, point, seed, the parameters and the run summary
    /// (runjson::toJson), or "error" when the point's scenario does not load. `figures` are computed
    /// from the run for the record. nullopt when `cancel` stopped the run.
    std::optional<SweepRecord> run(const SweepTask& task, const std::vector<figures::FigureRef>& figures = {},
        const std::atomic<bool>* cancel = nullptr) const;

    static constexpr const char* kLineFormat = "resilience-workbench.sweep-point";
    static constexpr int kLineFormatVersion = 1;

private:
    SweepPlan() = default;
    QJsonObject m_document;
    QString m_name;
    std::vector<SweepParameter> m_parameters;
    std::vector<SweepPoint> m_points;
    int m_seeds = 1;
    std::uint64_t m_baseSeed = 0;
    QString m_id;
};

/// The design's points. Grid: the product of every parameter's grid values, the first parameter
/// varying slowest. Random: independent uniform draws. LHS: Latin hypercube (each parameter's range
/// cut into `samples` strata, each stratum used once, strata paired by seeded shuffles).
/// `n` points of a Latin hypercube in [0, 1)^dimensions: each axis cut into n strata, each stratum used
/// once, paired by seeded shuffles. Equal on every platform for a seed.
std::vector<std::vector<double>> latinHypercube(std::size_t n, std::size_t dimensions, std::uint64_t seed);
std::vector<SweepPoint> designPoints(const std::vector<SweepParameter>& parameters, const SweepDesign& design);

} // namespace rwb
