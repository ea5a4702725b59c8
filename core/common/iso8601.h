#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace rwb::iso8601 {

/// ISO 8601 timestamps as the logs write and read them. Pure functions, thread-safe.

/// "2026-01-03T15:30:00.250+00:00" for UTC milliseconds since the epoch. Appends to `out`.
void appendTimestamp(qint64 utcMs, QByteArray& out);
/// Parses ISO 8601 "YYYY-MM-DD[THH:MM[:SS[.fff...]]][Z|+HH:MM|+HHMM]" (also ' ' instead of 'T');
/// no offset means UTC. Returns UTC milliseconds since the epoch.
std::optional<qint64> parseTimestamp(QByteArrayView text) noexcept;

} // namespace rwb::iso8601
