#pragma once

// The per-format exporters and importers behind interop.h, and the helpers they share.
#include "core/interop/interop.h"
#include "core/interop/interopnotes.h"

#include <QJsonObject>

namespace rwb::interop::detail {

InteropExport exportResilience4j(const PipelineSpec& spec);
InteropImport importResilience4j(const QByteArray& bytes, const QString& fileName);
InteropExport exportPolly(const PipelineSpec& spec);
InteropImport importPolly(const QByteArray& bytes, const QString& fileName);
InteropExport exportOpossum(const PipelineSpec& spec);
InteropImport importOpossum(const QByteArray& bytes, const QString& fileName);
InteropExport exportCockatiel(const PipelineSpec& spec);
InteropExport exportEnvoy(const PipelineSpec& spec);
InteropExport exportSeed004(const PipelineSpec& spec);
InteropImport importSeed004(const QByteArray& bytes, const QString& fileName);

/// Whole milliseconds of `d`, rounded to nearest; `exact` is cleared when `d` is not a whole number of ms.
qint64 wholeMs(Duration d, bool* exact = nullptr);
/// Warnings every target shares: retry error classes, time budget, retry budget / throttling,
/// retry-on-rejection, breaker error classes, initial state, schedule, stage order; `target` names
/// the library in the text.
void noteCommonGaps(const PipelineSpec& spec, const QString& target, InteropNotes& notes);
/// A pipeline with every stage off (imports switch on what the file holds).
PipelineSpec emptyPipeline(const QString& name);
/// A breaker config named after the pipeline, with the defaults a peer's half-open rule implies:
/// one probe at a time, the first success closes, the first failure re-opens.
CircuitBreakerConfig singleProbeBreaker(const QString& name);
/// Does the breaker half-open like opossum, cockatiel and Polly (one probe; it alone decides)?
bool isSingleProbe(const CircuitBreakerConfig& c);
/// Parses a JSON document into an object, reporting syntax errors with line and column.
std::optional<QJsonObject> parseJsonObject(const QByteArray& bytes, const QString& fileName, LoadErrors& errors);
/// Fills in the line (and column) of errors that carry only a JSON pointer, by finding each key of
/// the pointer in turn in the text.
void locateJsonErrors(const QByteArray& bytes, LoadErrors& errors);
/// Validates imported pipelines with the engine's own rules (errors under `pointerOf(name)`).
void validateImported(const std::vector<PipelineSpec>& pipelines,
    const std::function<QString(const QString&)>& pointerOf, const QString& fileName, LoadErrors& errors);

} // namespace rwb::interop::detail
