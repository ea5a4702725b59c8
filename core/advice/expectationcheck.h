#pragma once

#include "core/events/event.h"
#include "core/run/runresult.h"
#include "core/run/scenario.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace rwb {

/// One `expect` entry of one pipeline, judged against a run.
struct ExpectationResult {
    QString pipeline;
    QString key;      ///< the expect key, e.g. "success_rate_at_least"
    QString pointer;  ///< "/pipelines/0/expect/success_rate_at_least"
    QString expected; ///< readable, e.g. ">= 0.995"
    QString got;      ///< readable, e.g. "0.9821"
    bool passed = false;
    friend bool operator==(const ExpectationResult&, const ExpectationResult&) = default;
};

/// Evaluates the scenario's `expect` entries (PipelineExpectations) against a finished run of it: the
/// result `rwb check` prints and the GUI shows as badges. It reads the RunResult only (and, when given,
/// the run's breaker transitions and fault changes for an exact time to open, see KeyEventSink); it never
/// simulates. The fault window and recovery follow RunMetrics (docs/run-format.md). Pure, thread-safe.
namespace expectationcheck {

/// In scenario order of pipelines, then in the order of the keys in docs/scenario-format.md.
std::vector<ExpectationResult> evaluate(const Scenario& scenario, const RunResult& result,
    const std::vector<Event>* keyEvents = nullptr);
/// True when every result passed (also when there are none).
bool allPassed(const std::vector<ExpectationResult>& results);
/// {"pipeline", "key", "pointer", "expected", "got", "passed"}.
QJsonObject toJson(const ExpectationResult& result);

} // namespace expectationcheck

} // namespace rwb
