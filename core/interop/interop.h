#pragma once

#include "core/config/loaderror.h"
#include "core/run/scenario.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// The libraries (and seed 004's file) a pipeline can be exported to. Spelling on the command line:
/// "resilience4j", "polly", "opossum", "cockatiel", "envoy", "seed004".
enum class InteropFormat : std::uint8_t { Resilience4j, Polly, Opossum, Cockatiel, Envoy, Seed004 };
QString toString(InteropFormat format);
std::optional<InteropFormat> interopFormatFromString(const QString& text);
/// Every format, in menu order.
const std::vector<InteropFormat>& allInteropFormats();
/// A human title for menus ("Resilience4j (application.yml)").
QString interopTitle(InteropFormat format);
/// The usual file suffix ("yml", "json", "js", "yaml").
QString interopSuffix(InteropFormat format);
/// Formats with an importer (the mapping back is lossless enough): resilience4j, polly, opossum, seed004.
bool canImport(InteropFormat format);

/// An exported pipeline: the file's text and one warning per setting that is only approximated or
/// cannot be expressed ("<our setting>: approximate: <why>" / "<our setting>: not expressible: <why>").
struct InteropExport {
    QByteArray text;
    QStringList warnings;
};

/// Imported pipelines (one per named instance in the file; `service` left empty) or every error, with
/// the file, line and YAML/JSON path. Nothing is returned when there is any error.
struct InteropImport {
    std::vector<PipelineSpec> pipelines;
    LoadErrors errors;
    QStringList warnings; ///< settings of ours the file cannot carry, left at their defaults
    bool ok() const noexcept { return errors.empty() && !pipelines.empty(); }
};

/// Export and import. Pure functions of their inputs: reentrant and thread-safe.
namespace interop {
/// Exports pipeline `spec` (which calls `service`, used by the Envoy cluster) in `format`.
InteropExport exportPipeline(const PipelineSpec& spec, InteropFormat format);
/// Exports the scenario's pipeline `name`; nullopt when there is no such pipeline.
std::optional<InteropExport> exportPipeline(const Scenario& scenario, const QString& name, InteropFormat format);
/// Parses `bytes` in `format` (which must be importable). `fileName` only labels errors.
InteropImport importPipelines(const QByteArray& bytes, InteropFormat format, const QString& fileName = {});
/// Replaces the settings of the scenario's pipelines of the same names with the imported ones (each
/// keeps its service, seed and policy order). Returns the imported names that match no pipeline; the
/// scenario is changed only when that list is empty.
QStringList applyToScenario(const std::vector<PipelineSpec>& imported, Scenario& scenario);
/// The imported pipelines as a pipeline config document: {"schema_version": 1, "pipelines": [...]},
/// each pipeline in the scenario format (docs/scenario-format.md), its "service" empty.
QByteArray pipelinesToJson(const std::vector<PipelineSpec>& pipelines);
/// Writes `bytes` atomically (QSaveFile): an old file stays intact if anything fails.
bool saveFile(const QByteArray& bytes, const QString& path, QString* error = nullptr);
} // namespace interop

} // namespace rwb
