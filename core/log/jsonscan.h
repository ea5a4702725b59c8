#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace rwb::jsonscan {

/// A purpose-built scanner for one JSON object per line. It does not build a DOM: it walks the
/// keys of an object, compares them with the few paths wanted, and skips every other value with
/// memchr-driven string skipping and bracket counting. It reads every key of the object, so that
/// with duplicate keys the last one wins (as in jq and Python) and an object that does not close is
/// seen as malformed. Inputs are untrusted: every read is bounds-checked, recursion is depth-limited.
/// All functions are pure.

enum class Type : std::uint8_t { None, String, Number, True, False, Null, Object, Array };

struct Value {
    Type type = Type::None;
    const char* begin = nullptr; ///< String: first byte after the opening quote; else first byte
    const char* end = nullptr;   ///< String: the closing quote; else one past the value
    bool escaped = false;        ///< String: contains backslash escapes (use unescape())
    bool found() const noexcept { return type != Type::None; }
    std::string_view raw() const noexcept { return {begin, std::size_t(end - begin)}; }
};

constexpr int kMaxDepth = 64;

inline const char* skipWs(const char* p, const char* e) noexcept
{
    // Every byte above the space is no whitespace: one compare for the usual non-blank byte.
    while (p < e && static_cast<unsigned char>(*p) <= ' '
        && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        ++p;
    return p;
}

/// [a, a + n) == [b, b + n). Keys and dictionary entries are short: eight bytes per compare inline cost
/// less than a call to memcmp().
inline bool sameBytes(const char* a, const char* b, std::size_t n) noexcept
{
    if (n < 8) {
        if (n < 4) {
            for (std::size_t i = 0; i < n; ++i)
                if (a[i] != b[i])
                    return false;
            return true;
        }
        std::uint32_t x, y, u, v; // the first and the last four bytes, overlapping
        std::memcpy(&x, a, 4);
        std::memcpy(&y, b, 4);
        std::memcpy(&u, a + n - 4, 4);
        std::memcpy(&v, b + n - 4, 4);
        return x == y && u == v;
    }
    std::uint64_t x, y;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
        std::memcpy(&x, a + i, 8);
        std::memcpy(&y, b + i, 8);
        if (x != y)
            return false;
    }
    std::memcpy(&x, a + n - 8, 8); // the last eight bytes, overlapping the words before
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
}

/// `p` is just after an opening quote. Returns the closing quote, or nullptr if unterminated.
const char* findStringEnd(const char* p, const char* e, bool* escaped) noexcept;
/// Parses (for scalars) or skips (for containers, with bracket counting) the value at `p`.
/// Returns one past it, or nullptr if malformed.
const char* parseValue(const char* p, const char* e, Value& out) noexcept;

/// A set of dotted paths to extract in one pass ("timestamp", "extra.event", "log.level"). A path
/// matches nested objects segment by segment, and also a literal key that equals the rest of the
/// path ("log.level" as one key).
class PathSet {
public:
    static constexpr int kMaxPaths = 8;
    /// Returns the slot index of the path, or -1 if the set is full or the path is empty.
    int add(const QByteArray& dottedPath);
    int size() const noexcept { return int(m_paths.size()); }

    enum class Result { Complete, Partial, Malformed };
    /// Scans the object in [b, e) (leading and trailing whitespace allowed). `out` has size() slots;
    /// a key that occurs more than once yields its last value, and a later object under a path's
    /// prefix replaces what an earlier one held. Returns Complete when the object is well formed as
    /// far as the scanner checks (keys and structure; skipped scalars are not validated) and every
    /// path was found, Partial when some were not, Malformed otherwise (what was found before the
    /// damage is still in `out`).
    Result extract(const char* b, const char* e, Value* out) const noexcept;

private:
    struct Path {
        QByteArray full;
        std::vector<std::string_view> segments;
        std::vector<std::string_view> tails; ///< tails[i] = segments i.. joined by '.'
    };
    Result scanObject(const char*& p, const char* e, int depth, std::uint32_t active, const int* segIndex,
        Value* out, std::uint32_t& found) const noexcept;
    /// Paths that may match a key, by the key's length and first byte: a key in neither is skipped
    /// without comparing it with each path (most keys of a line are not wanted).
    std::uint32_t candidates(std::string_view key) const noexcept
    {
        return key.empty() ? 0
                           : m_byLength[std::min<std::size_t>(key.size(), kLengthBuckets - 1)]
                & m_byFirstByte[static_cast<unsigned char>(key[0])];
    }
    static constexpr std::size_t kLengthBuckets = 64; ///< the last one holds every longer length
    std::vector<Path> m_paths;
    std::uint32_t m_all = 0;
    std::uint32_t m_byLength[kLengthBuckets] {};
    std::uint32_t m_byFirstByte[256] {};
};

/// Extracts a single path from a line (convenience for query fallbacks).
Value find(QByteArrayView line, const QByteArray& dottedPath) noexcept;

/// The UTF-8 bytes of a String value, escapes decoded (\uXXXX with surrogate pairs; a lone
/// surrogate becomes U+FFFD). For non-strings, the raw text.
QByteArray text(const Value& v);
/// Appends the decoded text to `out` (same rules as text()).
void appendText(const Value& v, QByteArray& out);
/// Number value (or a numeric string) as double.
bool toDouble(const Value& v, double* out) noexcept;
bool toDouble(std::string_view text, double* out) noexcept;

/// The first '\n' in [p, e), or e if there is none; `nonAscii` says whether a byte above 0x7F comes
/// before it. One pass for what memchr() and the ASCII fast path of isValidUtf8() did in two: only a
/// line with such a byte needs isValidUtf8().
const char* findLineEnd(const char* p, const char* e, bool* nonAscii) noexcept;

/// True if [p, p+n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
/// Appends the UTF-8 encoding of code point `cp` (callers pass valid scalar values or U+FFFD).
void appendUtf8(char32_t cp, QByteArray& out);
bool isValidUtf8(const char* p, std::size_t n) noexcept;
/// Full strict validation of one JSON value spanning [b, e) (whitespace around allowed).
bool validate(const char* b, const char* e) noexcept;

} // namespace rwb::jsonscan
