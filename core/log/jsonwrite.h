#pragma once

#include "core/common/time.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

#include <charconv>

namespace rwb::jsonwrite {

/// Pieces of JSON appended to a byte buffer, as the log writers produce them (no DOM, no
/// allocation beyond the buffer's). Pure functions, thread-safe.

/// Appends `text` as a JSON string literal (with quotes), escaping '"', '\\', every control
/// character and, for invalid UTF-16 (lone surrogates), writing U+FFFD.
void appendString(QStringView text, QByteArray& out);
/// The same for UTF-8 bytes; invalid UTF-8 sequences become U+FFFD.
void appendString(QByteArrayView utf8, QByteArray& out);
/// Shortest decimal of `ns` in milliseconds ("1.5", "1000", "0.000001").
void appendMs(Duration ns, QByteArray& out);
/// `value` in decimal.
inline void appendInt(QByteArray& out, qint64 value)
{
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out.append(buf, end - buf);
}

} // namespace rwb::jsonwrite
