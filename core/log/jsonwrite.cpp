#include "core/log/jsonwrite.h"

#include "core/log/jsonscan.h"

#include <limits>

namespace rwb::jsonwrite {

namespace {

void appendEscapedAscii(char c, QByteArray& out)
{
    switch (c) {
    case '"':
        out.append("\\\"", 2);
        return;
    case '\\':
        out.append("\\\\", 2);
        return;
    case '\n':
        out.append("\\n", 2);
        return;
    case '\r':
        out.append("\\r", 2);
        return;
    case '\t':
        out.append("\\t", 2);
        return;
    case '\b':
        out.append("\\b", 2);
        return;
    case '\f':
        out.append("\\f", 2);
        return;
    default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            static const char hex[] = "0123456789abcdef";
            const char esc[6] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xF], hex[c & 0xF]};
            out.append(esc, 6);
        } else {
            out.append(c);
        }
    }
}

inline bool plainAscii(char16_t c) noexcept { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

} // namespace

void appendString(QStringView text, QByteArray& out)
{
    out.append('"');
    const char16_t* p = text.utf16();
    const char16_t* e = p + text.size();
    while (p < e) {
        const char16_t c = *p;
        if (plainAscii(c)) {
            out.append(char(c));
            ++p;
        } else if (c < 0x80) {
            appendEscapedAscii(char(c), out);
            ++p;
        } else if (c >= 0xD800 && c <= 0xDBFF) {
            if (p + 1 < e && p[1] >= 0xDC00 && p[1] <= 0xDFFF) {
                jsonscan::appendUtf8(char32_t(0x10000 + ((c - 0xD800) << 10) + (p[1] - 0xDC00)), out);
                p += 2;
            } else {
                jsonscan::appendUtf8(0xFFFD, out);
                ++p;
            }
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            jsonscan::appendUtf8(0xFFFD, out);
            ++p;
        } else {
            jsonscan::appendUtf8(c, out);
            ++p;
        }
    }
    out.append('"');
}

void appendString(QByteArrayView utf8, QByteArray& out)
{
    out.append('"');
    const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
    const auto* e = s + utf8.size();
    while (s < e) {
        const unsigned c = *s;
        if (c < 0x80) {
            if (plainAscii(char16_t(c)))
                out.append(char(c));
            else
                appendEscapedAscii(char(c), out);
            ++s;
            continue;
        }
        int len = 0;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4;
        bool ok = len > 0 && e - s >= len;
        for (int i = 1; ok && i < len; ++i)
            ok = (s[i] & 0xC0) == 0x80;
        if (ok && len >= 3 && !jsonscan::isValidUtf8(reinterpret_cast<const char*>(s), std::size_t(len)))
            ok = false;
        if (!ok) {
            jsonscan::appendUtf8(0xFFFD, out);
            ++s;
            continue;
        }
        out.append(reinterpret_cast<const char*>(s), len);
        s += len;
    }
    out.append('"');
}

void appendMs(Duration ns, QByteArray& out)
{
    qint64 v = ns.count();
    if (v < 0) {
        out.append('-');
        v = -v; // durations never reach INT64_MIN in practice; a clamp keeps it defined
        if (v < 0)
            v = std::numeric_limits<qint64>::max();
    }
    appendInt(out, v / 1000000);
    qint64 frac = v % 1000000;
    if (frac) {
        char buf[7];
        for (int i = 5; i >= 0; --i) {
            buf[i] = char('0' + frac % 10);
            frac /= 10;
        }
        int n = 6;
        while (buf[n - 1] == '0')
            --n;
        out.append('.');
        out.append(buf, n);
    }
}

} // namespace rwb::jsonwrite
