#pragma once

#include <QString>

#include <vector>

namespace rwb {

/// One problem found while loading a configuration file. Syntax errors carry a line and column
/// (1-based; 0 when unknown); semantic errors carry the JSON pointer of the offending value.
/// toString() gives the one-line form printed by `rwb validate`:
///   "scenario.json:3:14: syntax error: illegal number"
///   "scenario.json: /pipelines/0/retry/max_attempts: expected an integer >= 1, got -3"
struct LoadError {
    QString file;    ///< may be empty (loading from memory)
    int line = 0;
    int column = 0;
    QString pointer; ///< RFC 6901 JSON pointer ("" = the whole document)
    QString message;

    QString toString() const;
    friend bool operator==(const LoadError&, const LoadError&) = default;
};

using LoadErrors = std::vector<LoadError>;

/// Escapes one reference token for a JSON pointer ("~" -> "~0", "/" -> "~1").
QString escapePointerToken(const QString& token);

} // namespace rwb
