#pragma once

#include <QJsonObject>
#include <QString>

namespace rwb::exporter {

/// Export formats of the workbench. Pure functions of their inputs: thread-safe.

/// The pipeline configuration alone, in the scenario format: {"schema_version", "pipelines": [...],
/// "units": {...}} ("units" says durations are seconds, as in every scenario file, though the
/// workbench shows milliseconds). Re-importing it into a scenario (importPipelineConfig) restores the
/// same pipelines.
QJsonObject pipelineConfig(const QJsonObject& scenario);
/// Replaces the pipelines of `scenario` with those of an exported config. Returns false (and a
/// message) when `config` holds no pipelines array.
bool importPipelineConfig(QJsonObject& scenario, const QJsonObject& config, QString* error);

/// The pipeline configuration in the seed 004 layout (`retry_configs` / `circuit_breaker_configs`),
/// converted by the engine's config module. Settings that layout cannot express are listed in
/// `lossy`: the engine's list (jitter kinds, windowed trip modes, ...) plus every other policy
/// (fallback, timeout, bulkhead, rate limiter), the policy order and Retry-After handling.
/// On failure returns {} and sets `error`.
QByteArray seedConfig(const QJsonObject& scenario, QStringList* lossy, QString* error);

/// Imports a pipeline config into `scenario`: either the scenario format (pipelines replaced) or the
/// seed 004 layout (settings applied to the pipelines of the same name). Returns false with a
/// message naming the file, line or JSON pointer; `scenario` is unchanged then.
bool importConfig(QJsonObject& scenario, const QByteArray& bytes, const QString& fileName, QString* error,
    QStringList* unmatched = nullptr);

} // namespace rwb::exporter
