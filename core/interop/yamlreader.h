#pragma once

#include "core/common/time.h"
#include "core/config/loaderror.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <optional>

namespace rwb {

/// Reads one YAML mapping key by key while collecting precise errors (file, line, column and the
/// path as a JSON pointer, e.g. "/resilience4j/retry/instances/payments/maxAttempts") into a shared
/// list, and remembers which keys were read so finish() can report unknown ones.
/// Durations must carry a unit ("250ms", "1.5s", "2m", "1h"): a bare number is an error, because
/// Spring reads it as milliseconds and most people expect seconds.
/// Not thread-safe; a reader lives for the duration of one import.
class YamlReader final {
public:
    /// Parses a whole document; on a syntax error appends it (with line and column) and returns nullopt.
    static std::optional<YamlReader> parse(const QByteArray& bytes, const QString& file, LoadErrors& errors);

    YamlReader(YAML::Node node, QString pointer, QString file, LoadErrors& errors);

    const QString& pointer() const noexcept { return m_pointer; }
    bool isMap() const { return m_node.IsMap(); }
    bool has(const QString& key) const;
    /// Keys in document order.
    QStringList keys() const;
    void accept(const QString& key) { m_used.insert(key); }
    /// A nested mapping; nullopt when absent, nullopt and an error when not a mapping.
    std::optional<YamlReader> map(const QString& key);

    bool read(const QString& key, bool& out);
    bool read(const QString& key, int& out, long long min, long long max);
    bool read(const QString& key, double& out, double min, double max);
    bool read(const QString& key, QString& out);
    /// A duration with a unit, in [min, 100 years].
    bool readDuration(const QString& key, Duration& out, Duration min = Duration::zero());

    void error(const QString& key, const QString& message);
    /// Reports every key that was never read or accepted.
    void finish();

private:
    YAML::Node child(const QString& key) const;
    QString pointerOf(const QString& key) const;
    void errorAt(const YAML::Mark& mark, const QString& pointer, const QString& message);
    static QString describe(const YAML::Node& node);

    YAML::Node m_node;
    QString m_pointer;
    QString m_file;
    LoadErrors& m_errors;
    QSet<QString> m_used;
};

} // namespace rwb
