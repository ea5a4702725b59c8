#pragma once

#include "core/common/configerror.h"
#include "core/common/time.h"
#include "core/config/loaderror.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace rwb {

/// Reads one JSON object field by field while collecting precise errors (JSON pointer, expected vs
/// got) into a shared list, and remembers which keys were read so finish() can report the unknown
/// ones. Readers never throw: on a bad value the output keeps its previous (default) value.
/// Durations are written as seconds (a number) or as a string with a unit: "250ms", "1.5s", "2m", "1h".
/// Not thread-safe; a reader lives for the duration of one load.
class JsonReader final {
public:
    JsonReader(QJsonObject object, QString pointer, LoadErrors& errors);

    const QString& pointer() const noexcept { return m_pointer; }
    QString pointerOf(const QString& key) const { return m_pointer + QLatin1Char('/') + escapePointerToken(key); }
    bool has(const QString& key) const { return m_object.contains(key); }
    /// The raw value (Undefined when absent); does not mark the key as read.
    QJsonValue value(const QString& key) const { return m_object.value(key); }
    /// Marks `key` as known without reading it.
    void accept(const QString& key) { m_used.insert(key); }
    void error(const QString& key, const QString& message);
    LoadErrors& errors() noexcept { return m_errors; }

    bool read(const QString& key, bool& out);
    /// Integers must be whole numbers within [min, max].
    bool read(const QString& key, int& out, long long min = INT_MIN, long long max = INT_MAX);
    bool read(const QString& key, std::uint64_t& out);
    /// Finite numbers within [min, max].
    bool read(const QString& key, double& out, double min = -1.0e300, double max = 1.0e300);
    bool read(const QString& key, QString& out, bool allowEmpty = true);
    /// Durations >= 0 and at most 100 years.
    bool readDuration(const QString& key, Duration& out);
    bool readDuration(const QString& key, std::optional<Duration>& out);
    /// Reads a string and maps it with `parse`; on failure reports "expected one of ...".
    template<typename E>
    bool readEnum(const QString& key, E& out, std::optional<E> (*parse)(const QString&), const QStringList& allowed)
    {
        QString text;
        if (!has(key)) {
            accept(key);
            return false;
        }
        if (!read(key, text))
            return false;
        if (auto v = parse(text)) {
            out = *v;
            return true;
        }
        error(key, QStringLiteral("expected one of %1, got \"%2\"").arg(allowed.join(QStringLiteral(", ")), text));
        return false;
    }
    bool readStringList(const QString& key, QStringList& out);

    /// A nested object reader; nullopt (and an error) when present but not an object, nullopt when absent.
    std::optional<JsonReader> object(const QString& key);
    /// The array at `key`; nullopt (and an error) when present but not an array.
    std::optional<QJsonArray> array(const QString& key);

    /// Reports every key that was never read or accepted: "unknown key (did you mean "x"?)".
    void finish();

    /// Prefixes policy validation errors (fields relative to this object) with this reader's pointer.
    void addFieldErrors(const FieldErrors& errors);

    /// "a string \"x\"", "an array", "true", "-3", ... for "got" in messages.
    static QString describe(const QJsonValue& value);
    static std::optional<Duration> parseDuration(const QJsonValue& value, QString* problem);

private:
    QJsonObject m_object;
    QString m_pointer;
    LoadErrors& m_errors;
    QSet<QString> m_used;
};

/// Durations in JSON: seconds as a number, shortest exact form (0.25, 60, 0.000001).
QJsonValue durationToJson(Duration d);

} // namespace rwb
