#pragma once

#include "core/run/scenario.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// How bad a lint finding is. JSON spelling: "info", "warning", "error".
enum class LintSeverity : std::uint8_t { Info, Warning, Error };
QString toString(LintSeverity severity);
std::optional<LintSeverity> lintSeverityFromString(const QString& text);

/// One rule of the config lint (docs/lint.md has each one with its numbers and a scenario showing the harm).
struct LintRule {
    QString id;          ///< e.g. "minimum_calls_unreachable"
    LintSeverity severity = LintSeverity::Warning;
    QString title;       ///< a short line
    QString explanation; ///< a paragraph in plain words: what goes wrong and why
    QString shownBy;     ///< the built-in demo or test that shows the harm when the rule is ignored
};

/// A number a finding was computed from, e.g. {"calls_per_window", 4}.
struct LintNumber {
    QString name; ///< snake_case, with its unit as a suffix where it has one ("outage_s", "p99_ms")
    double value = 0;
    friend bool operator==(const LintNumber&, const LintNumber&) = default;
};

/// One rule broken by one pipeline.
struct LintFinding {
    QString rule;
    LintSeverity severity = LintSeverity::Warning;
    int pipeline = -1;   ///< index into Scenario::pipelines
    QString pointer;     ///< JSON pointer of the setting to change, e.g. "/pipelines/0/circuit_breaker/minimum_calls"
    QString message;     ///< what is wrong here, with the numbers
    QString fix;         ///< a concrete change, with the numbers
    std::vector<LintNumber> numbers;
    friend bool operator==(const LintFinding&, const LintFinding&) = default;
};

/// The config lint: rules that read a validated Scenario (loads, latencies, windows, outage lengths from
/// core/advice/loadmodel) and explain what will go wrong, without simulating. Cheap (well under a
/// millisecond for the built-in demos), pure and thread-safe.
namespace lint {

/// Every rule, in the order findings are reported.
const std::vector<LintRule>& rules();
/// nullptr when unknown.
const LintRule* rule(const QString& id);
/// Every finding for a scenario that validates, by pipeline then rule order.
std::vector<LintFinding> check(const Scenario& scenario);
/// {"rule", "severity", "pipeline" (name), "pointer", "message", "fix", "numbers": {...}, "explanation", "shown_by"}.
QJsonObject toJson(const LintFinding& finding, const Scenario& scenario);

} // namespace lint

} // namespace rwb
