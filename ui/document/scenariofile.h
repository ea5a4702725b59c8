#pragma once

#include "ui/run/simulationrun.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace rwb {

/// Reading and writing scenario documents for the workbench. Loading is all-or-nothing: on any
/// problem the caller gets the problems and no document, so the current session stays untouched.
/// Saving is atomic (QSaveFile). Thread-safe (no shared state).
struct ScenarioFile {
    QJsonObject json;
    std::vector<ScenarioProblem> problems; ///< empty when the file loaded

    bool ok() const noexcept { return problems.empty(); }
    /// "file.json, line 3: ..." lines for a dialog.
    QString problemText(const QString& fileName) const;
};

ScenarioFile readScenarioFile(const QString& path);
/// Loads and validates scenario text with the engine's config loader; `fileName` labels the problems.
ScenarioFile parseScenario(const QByteArray& text, const QString& fileName = {});
/// Writes `json` indented, atomically. Returns an empty string on success, else the error.
QString writeJsonFile(const QString& path, const QJsonObject& json);

} // namespace rwb
