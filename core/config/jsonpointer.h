#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace rwb::json {

/// RFC 6901 JSON pointers over Qt's JSON values ("/pipelines/0/retry/max_attempts").
/// Pure functions on values; thread-safe as long as the values are not shared mutably.

/// Splits a pointer into unescaped reference tokens ("" -> {}, "/a~1b" -> {"a/b"}).
QStringList tokens(const QString& pointer);
/// Builds a pointer from tokens, escaping '~' and '/'.
QString pointer(const QStringList& tokens);
/// Appends one token to a pointer.
QString child(const QString& pointer, const QString& token);
QString child(const QString& pointer, int index);

/// The value at `pointer`, or Undefined when a step does not exist.
QJsonValue get(const QJsonValue& root, const QString& pointer);
/// Sets the value at `pointer`, creating missing object members (not array slots). Returns false
/// when a step goes through a non-container or an array index is out of range (root unchanged).
bool set(QJsonValue& root, const QString& pointer, const QJsonValue& value);
/// Removes an object member or array element. Returns false when it does not exist.
bool remove(QJsonValue& root, const QString& pointer);

} // namespace rwb::json
