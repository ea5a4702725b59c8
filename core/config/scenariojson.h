#pragma once

#include "core/config/jsonreader.h"
#include "core/config/loaderror.h"
#include "core/faults/faultprofile.h"
#include "core/run/scenario.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace rwb {

/// The outcome of loading a scenario: the scenario when everything validated, and every error found
/// (syntax errors stop at the first; semantic errors are all collected).
struct ScenarioLoad {
    std::optional<Scenario> scenario;
    LoadErrors errors;
    bool ok() const noexcept { return scenario.has_value() && errors.empty(); }
};

/// Scenario JSON (docs/scenario-format.md) <-> Scenario. Free functions, reentrant and thread-safe.
namespace scenariojson {

/// Parses and validates a scenario document. `fileName` only labels the errors. Syntax errors
/// carry line and column; invalid UTF-8 and empty input are reported as such; everything else
/// carries a JSON pointer with expected vs got. Unknown keys are errors (with a suggestion).
ScenarioLoad load(const QByteArray& bytes, const QString& fileName = {});
/// Reads a file and load()s it; an unreadable file is one error without a pointer.
ScenarioLoad loadFile(const QString& path);
/// Reads an already parsed document.
ScenarioLoad fromJson(const QJsonObject& document, const QString& fileName = {});

/// The canonical document: every value explicit, keys sorted, durations in seconds. load(save(s))
/// gives back `s`, and saving that again gives the same bytes.
QJsonObject toJson(const Scenario& scenario);
QByteArray toBytes(const Scenario& scenario);
/// Writes atomically (QSaveFile): the old file stays intact if anything fails. On failure returns
/// false and sets `error`.
bool saveFile(const Scenario& scenario, const QString& path, QString* error = nullptr);

/// Sets the value at a JSON pointer of the scenario's canonical document and reloads it, e.g.
/// ("/pipelines/0/circuit_breaker/failure_threshold", 8). The cheap way for a GUI control to tweak
/// one parameter before re-simulating. On errors `scenario` is left unchanged. The pointer must name
/// an existing value or a new key in an existing object.
LoadErrors setParameter(Scenario& scenario, const QString& pointer, const QJsonValue& value);

// ---- pieces, also used by other formats (seed 004 import) and the live mock server ----
// The *FromJson readers leave reporting unknown keys to the caller (reader.finish()), except for
// nested objects they read completely.
FaultProfile faultProfileFromJson(JsonReader& reader);
QJsonObject faultProfileToJson(const FaultProfile& profile);
/// `name` defaults to `defaultName` (a pipeline's breaker is named after the pipeline).
CircuitBreakerConfig circuitBreakerFromJson(JsonReader& reader, const QString& defaultName = QStringLiteral("default"));
QJsonObject circuitBreakerToJson(const CircuitBreakerConfig& config);
RetryConfig retryFromJson(JsonReader& reader);
QJsonObject retryToJson(const RetryConfig& config);
BackoffConfig backoffFromJson(JsonReader& reader);
QJsonObject backoffToJson(const BackoffConfig& config);

/// Line and column (1-based) of a byte offset in UTF-8 text; the column counts characters.
std::pair<int, int> lineColumn(const QByteArray& text, qsizetype offset);
/// Offset of the first byte that is not valid UTF-8, or -1.
qsizetype firstInvalidUtf8(const QByteArray& text);

} // namespace scenariojson

} // namespace rwb
