#pragma once

#include "core/run/runresult.h"

#include <QString>

#include <optional>
#include <vector>

namespace rwb {

/// A named figure of a run ("p99", "success_rate", "load_on_service", ...) that sweeps colour by, the
/// tuner optimises and constraints bound. Every figure is computed from a RunResult, for the whole run
/// or for one pipeline. Pure functions of their inputs: thread-safe.
namespace figures {

/// Whether larger values of a figure are better (success rate) or worse (latency, load).
enum class Better { Higher, Lower };

struct FigureInfo {
    QString name; ///< e.g. "p99"
    QString unit; ///< "ms", "s", "ratio", "count" or "x" (a factor)
    Better better = Better::Lower;
    QString description; ///< one line, for --help and the docs
};

/// Every figure, in a stable order. docs/sweeps.md lists them.
const std::vector<FigureInfo>& catalog();
/// nullptr when `name` is not a figure.
const FigureInfo* find(const QString& name);

/// A figure of the whole run (`pipeline` empty) or of one pipeline, written "name" or "name@pipeline".
struct FigureRef {
    QString name;
    QString pipeline;
    QString toString() const;
    friend bool operator==(const FigureRef&, const FigureRef&) = default;
};

/// Parses "name" or "name@pipeline"; on an unknown figure sets `error` (listing the known ones).
std::optional<FigureRef> parseRef(const QString& text, QString* error);

/// The figure's value, in its unit. nullopt when the run does not define it (no fault: no time to
/// detect) or the pipeline does not exist (`error` says which). Per pipeline, load_on_service counts
/// the arrivals at the service that pipeline calls.
std::optional<double> value(const FigureRef& ref, const RunResult& result, QString* error = nullptr);

/// A bound on a figure: "p99<=800ms", "success_rate>=0.995", "success_rate>=99.5%", "worst_call<2s".
struct Constraint {
    enum class Op { LessOrEqual, Less, GreaterOrEqual, Greater };
    FigureRef figure;
    Op op = Op::LessOrEqual;
    double bound = 0; ///< in the figure's unit
    QString text; ///< as written
    bool holds(double v) const noexcept;
    /// How far `v` is from holding, relative to the bound's size (0 when it holds).
    double violation(double v) const noexcept;
};

/// Parses a constraint. Durations take ms or s (and compare in the figure's unit); ratios take a
/// fraction or a percentage. Errors name the figure, the unit expected and what was written.
std::optional<Constraint> parseConstraint(const QString& text, QString* error);

/// "minimize p99", "maximize success_rate@checkout" (also "min"/"max").
struct Objective {
    FigureRef figure;
    bool maximize = false;
    QString toString() const;
};
std::optional<Objective> parseObjective(const QString& text, QString* error);

} // namespace figures
} // namespace rwb
