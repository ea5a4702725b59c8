#include "core/log/jsonscan.h"

#include <array>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace rwb::jsonscan {

const char* findStringEnd(const char* p, const char* e, bool* escaped) noexcept
{
    // One pass forward: a backslash escapes the byte after it, so a quote after an odd run of
    // backslashes is escaped. 16 bytes per step with SSE2 (every x86-64 has it): most strings in a
    // log line are short, and a call to memchr per string cost more than the scan itself.
    bool sawBackslash = false;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    while (e - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const unsigned hits
            = unsigned(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
        if (!hits) {
            p += 16;
            continue;
        }
        p += __builtin_ctz(hits);
        if (*p == '"') {
            if (escaped)
                *escaped = sawBackslash;
            return p;
        }
        sawBackslash = true;
        p += 2; // the backslash and the byte it escapes
    }
#endif
    while (p < e) {
        if (*p == '"') {
            if (escaped)
                *escaped = sawBackslash;
            return p;
        }
        if (*p == '\\') {
            sawBackslash = true;
            ++p;
        }
        ++p;
    }
    return nullptr;
}

namespace {

// findStringEnd() with its first 16-byte step inline: most keys and many values end within it, and the
// call cost as much as the step.
[[gnu::always_inline]] inline const char* stringEnd(const char* p, const char* e, bool* escaped) noexcept
{
#if defined(__SSE2__)
    if (e - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const unsigned quotes = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
        const unsigned backslashes = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
        // the first quote, if no backslash comes before it (the low bits below it)
        if (quotes && !(backslashes & ((quotes & (0u - quotes)) - 1))) {
            if (escaped)
                *escaped = false;
            return p + __builtin_ctz(quotes);
        }
        if (!(quotes | backslashes))
            return findStringEnd(p + 16, e, escaped);
    }
#endif
    return findStringEnd(p, e, escaped);
}

const char* skipContainer(const char* p, const char* e) noexcept
{
    int depth = 0;
    while (p < e) {
        const char c = *p;
        if (c == '"') {
            p = stringEnd(p + 1, e, nullptr);
            if (!p)
                return nullptr;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return p + 1;
            if (depth < 0)
                return nullptr;
        }
        ++p;
    }
    return nullptr;
}

// A table lookup instead of six compares: numbers are most of what a log line's scan skips byte by byte.
constexpr auto kNumberChars = [] {
    std::array<bool, 256> table {};
    for (const char c : std::string_view("0123456789-+.eE"))
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();

inline bool isNumberChar(char c) noexcept
{
    return kNumberChars[static_cast<unsigned char>(c)];
}

// Most keys differ from a wanted one in length or first byte: test those first.
inline bool sameKey(std::string_view key, std::string_view wanted) noexcept
{
    return key.size() == wanted.size() && !key.empty() && key[0] == wanted[0]
        && sameBytes(key.data(), wanted.data(), key.size());
}

bool matchLiteral(const char* p, const char* e, const char* lit, std::size_t n) noexcept
{
    return std::size_t(e - p) >= n && std::memcmp(p, lit, n) == 0;
}

} // namespace

const char* parseValue(const char* p, const char* e, Value& out) noexcept
{
    if (p >= e)
        return nullptr;
    switch (*p) {
    case '"': {
        bool esc = false;
        const char* q = stringEnd(p + 1, e, &esc);
        if (!q)
            return nullptr;
        out = {Type::String, p + 1, q, esc};
        return q + 1;
    }
    case '{':
    case '[': {
        const char* q = skipContainer(p, e);
        if (!q)
            return nullptr;
        out = {*p == '{' ? Type::Object : Type::Array, p, q, false};
        return q;
    }
    case 't':
        if (!matchLiteral(p, e, "true", 4))
            return nullptr;
        out = {Type::True, p, p + 4, false};
        return p + 4;
    case 'f':
        if (!matchLiteral(p, e, "false", 5))
            return nullptr;
        out = {Type::False, p, p + 5, false};
        return p + 5;
    case 'n':
        if (!matchLiteral(p, e, "null", 4))
            return nullptr;
        out = {Type::Null, p, p + 4, false};
        return p + 4;
    default: {
        if (!(*p == '-' || (*p >= '0' && *p <= '9')))
            return nullptr;
        const char* q = p;
        while (q < e && isNumberChar(*q))
            ++q;
        out = {Type::Number, p, q, false};
        return q;
    }
    }
}

namespace {

// parseValue() for a value nobody reads: no Value to fill, no search for escapes in strings.
const char* skipValue(const char* p, const char* e) noexcept
{
    if (*p == '"') {
        const char* q = stringEnd(p + 1, e, nullptr);
        return q ? q + 1 : nullptr;
    }
    if (*p == '-' || (*p >= '0' && *p <= '9')) { // what parseValue() does for a number, without a call
        while (p < e && isNumberChar(*p))
            ++p;
        return p;
    }
    Value ignored;
    return parseValue(p, e, ignored);
}

} // namespace

int PathSet::add(const QByteArray& dottedPath)
{
    if (dottedPath.isEmpty())
        return -1;
    for (int i = 0; i < size(); ++i)
        if (m_paths[std::size_t(i)].full == dottedPath)
            return i;
    if (size() >= kMaxPaths)
        return -1;
    Path path;
    path.full = dottedPath;
    const std::string_view full(path.full.constData(), std::size_t(path.full.size()));
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = full.find('.', start);
        path.segments.push_back(full.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        path.tails.push_back(full.substr(start));
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    const std::uint32_t bit = 1u << size();
    for (const auto& names : { path.segments, path.tails })
        for (std::string_view name : names) {
            if (name.empty())
                continue;
            m_byLength[std::min(name.size(), kLengthBuckets - 1)] |= bit;
            m_byFirstByte[static_cast<unsigned char>(name[0])] |= bit;
        }
    m_paths.push_back(std::move(path));
    m_all |= bit;
    return size() - 1;
}

PathSet::Result PathSet::scanObject(const char*& p, const char* e, int depth, std::uint32_t active,
    const int* segIndex, Value* out, std::uint32_t& found) const noexcept
{
    // *p == '{'
    ++p;
    p = skipWs(p, e);
    if (p < e && *p == '}') {
        ++p;
        return found == m_all ? Result::Complete : Result::Partial;
    }
    while (true) {
        if (p >= e || *p != '"')
            return Result::Malformed;
        const char* k = p + 1;
        const char* kend = stringEnd(k, e, nullptr);
        if (!kend)
            return Result::Malformed;
        const std::string_view key(k, std::size_t(kend - k));
        p = skipWs(kend + 1, e);
        if (p >= e || *p != ':')
            return Result::Malformed;
        p = skipWs(p + 1, e);
        if (p >= e)
            return Result::Malformed;

        // Every key is looked at, also for paths found already: with duplicate keys the last one wins,
        // as in jq and Python.
        std::uint32_t direct = 0;
        std::uint32_t descend = 0;
        for (std::uint32_t bits = active & candidates(key); bits; bits &= bits - 1) {
            const int i = __builtin_ctz(bits);
            const Path& path = m_paths[std::size_t(i)];
            const int seg = segIndex[i];
            if (sameKey(key, path.tails[std::size_t(seg)]))
                direct |= 1u << i;
            else if (std::size_t(seg) + 1 < path.segments.size() && sameKey(key, path.segments[std::size_t(seg)]))
                descend |= 1u << i;
        }
        if (descend) {
            // This key replaces any earlier object of the same name: what was found in it is gone.
            for (std::uint32_t bits = descend; bits; bits &= bits - 1)
                out[__builtin_ctz(bits)] = Value {};
            found &= ~descend;
        }
        if (direct) {
            // parsed in place: a Value parsed into a local and copied out stalled on store forwarding
            // (the copy's 16-byte loads straddle parseValue's narrower stores), 7 % of the index build
            Value& v = out[__builtin_ctz(direct)];
            v = Value {};
            p = parseValue(p, e, v);
            if (!p)
                return Result::Malformed;
            for (std::uint32_t bits = direct & (direct - 1); bits; bits &= bits - 1)
                out[__builtin_ctz(bits)] = v; // one key answering several paths
            found |= direct;
        } else if (descend && *p == '{' && depth < kMaxDepth) {
            int child[kMaxPaths];
            for (int i = 0; i < size(); ++i)
                child[i] = segIndex[i] + ((descend >> i) & 1);
            if (scanObject(p, e, depth + 1, descend, child, out, found) == Result::Malformed)
                return Result::Malformed;
        } else {
            p = skipValue(p, e);
            if (!p)
                return Result::Malformed;
        }
        p = skipWs(p, e);
        if (p >= e)
            return Result::Malformed;
        if (*p == ',') {
            p = skipWs(p + 1, e);
            continue;
        }
        if (*p == '}') {
            ++p;
            return found == m_all ? Result::Complete : Result::Partial;
        }
        return Result::Malformed;
    }
}

PathSet::Result PathSet::extract(const char* b, const char* e, Value* out) const noexcept
{
    for (int i = 0; i < size(); ++i)
        out[i] = Value {};
    const char* p = skipWs(b, e);
    if (p >= e || *p != '{')
        return Result::Malformed;
    int seg[kMaxPaths] {};
    std::uint32_t found = 0;
    const Result r = scanObject(p, e, 0, m_all, seg, out, found);
    if (r == Result::Malformed || skipWs(p, e) != e)
        return Result::Malformed;
    return found == m_all ? Result::Complete : Result::Partial;
}

Value find(QByteArrayView line, const QByteArray& dottedPath) noexcept
{
    PathSet set;
    Value v;
    if (set.add(dottedPath) < 0)
        return v;
    set.extract(line.data(), line.data() + line.size(), &v);
    return v;
}

void appendUtf8(char32_t cp, QByteArray& out)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        out.append(char(0xC0 | (cp >> 6)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.append(char(0xE0 | (cp >> 12)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else {
        out.append(char(0xF0 | (cp >> 18)));
        out.append(char(0x80 | ((cp >> 12) & 0x3F)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    }
}

namespace {

int hex4(const char* p, const char* e) noexcept
{
    if (e - p < 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}
} // namespace

void appendText(const Value& v, QByteArray& out)
{
    if (v.type != Type::String || !v.escaped) {
        out.append(v.begin, v.end - v.begin);
        return;
    }
    const char* p = v.begin;
    const char* e = v.end;
    while (p < e) {
        const auto* bs = static_cast<const char*>(std::memchr(p, '\\', std::size_t(e - p)));
        if (!bs) {
            out.append(p, e - p);
            break;
        }
        out.append(p, bs - p);
        p = bs + 1;
        if (p >= e)
            break;
        const char c = *p++;
        switch (c) {
        case 'n':
            out.append('\n');
            break;
        case 't':
            out.append('\t');
            break;
        case 'r':
            out.append('\r');
            break;
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'u': {
            int cp = hex4(p, e);
            if (cp < 0) {
                out.append("\xEF\xBF\xBD");
                break;
            }
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int low = (e - p >= 6 && p[0] == '\\' && p[1] == 'u') ? hex4(p + 2, e) : -1;
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    p += 6;
                    appendUtf8(char32_t(0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)), out);
                } else {
                    appendUtf8(0xFFFD, out);
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                appendUtf8(0xFFFD, out);
            } else {
                appendUtf8(char32_t(cp), out);
            }
            break;
        }
        default: // '"', '\\', '/' and anything unknown stand for themselves
            out.append(c);
        }
    }
}

QByteArray text(const Value& v)
{
    QByteArray out;
    if (v.found())
        appendText(v, out);
    return out;
}

bool toDouble(std::string_view s, double* out) noexcept
{
    if (s.empty())
        return false;
    const char* b = s.data();
    const char* e = b + s.size();
    if (*b == '+')
        ++b;
    const auto r = std::from_chars(b, e, *out);
    return r.ec == std::errc() && r.ptr == e;
}

bool toDouble(const Value& v, double* out) noexcept
{
    if (v.type != Type::Number && v.type != Type::String)
        return false;
    return toDouble(v.raw(), out);
}

namespace {

// findLineEnd() 32 bytes per step: a newline and a byte above 0x7F both set a sign bit of (v == '\n') | v.
const char* findLineEndSse2(const char* p, const char* e, unsigned& high) noexcept
{
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    while (e - p >= 32) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
        const __m128i na = _mm_cmpeq_epi8(a, newline);
        const __m128i nb = _mm_cmpeq_epi8(b, newline);
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(na, a), _mm_or_si128(nb, b))) == 0) {
            p += 32;
            continue;
        }
        const unsigned newlines = unsigned(_mm_movemask_epi8(na)) | unsigned(_mm_movemask_epi8(nb)) << 16;
        const unsigned highs = unsigned(_mm_movemask_epi8(a)) | unsigned(_mm_movemask_epi8(b)) << 16;
        if (newlines) {
            const int at = __builtin_ctz(newlines);
            high |= highs & ((1u << at) - 1);
            return p + at;
        }
        high |= highs;
        p += 32;
    }
#endif
    return p;
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same 64 bytes per step, where the CPU has AVX2 (checked at run time: x86-64's baseline is SSE2).
__attribute__((target("avx2"))) const char* findLineEndAvx2(const char* p, const char* e, unsigned& high) noexcept
{
    const __m256i newline = _mm256_set1_epi8('\n');
    while (e - p >= 64) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
        const __m256i na = _mm256_cmpeq_epi8(a, newline);
        const __m256i nb = _mm256_cmpeq_epi8(b, newline);
        if (_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(na, a), _mm256_or_si256(nb, b))) == 0) {
            p += 64;
            continue;
        }
        const std::uint64_t newlines = std::uint64_t(unsigned(_mm256_movemask_epi8(na)))
            | std::uint64_t(unsigned(_mm256_movemask_epi8(nb))) << 32;
        const std::uint64_t highs
            = std::uint64_t(unsigned(_mm256_movemask_epi8(a))) | std::uint64_t(unsigned(_mm256_movemask_epi8(b))) << 32;
        if (newlines) {
            const int at = __builtin_ctzll(newlines);
            high |= unsigned((highs & ((std::uint64_t(1) << at) - 1)) != 0);
            return p + at;
        }
        high |= unsigned(highs != 0);
        p += 64;
    }
    return p;
}
#endif

} // namespace

const char* findLineEnd(const char* p, const char* e, bool* nonAscii) noexcept
{
    unsigned high = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2)
        p = findLineEndAvx2(p, e, high);
    if (p == e || *p != '\n') // else the AVX2 steps found it
#endif
        p = findLineEndSse2(p, e, high);
    for (; p < e && *p != '\n'; ++p)
        high |= static_cast<unsigned char>(*p) & 0x80u;
    *nonAscii = high != 0;
    return p;
}

bool isValidUtf8(const char* p, std::size_t n) noexcept
{
    const auto* s = reinterpret_cast<const unsigned char*>(p);
    const auto* e = s + n;
    while (s < e) {
        // ASCII fast path, 64 then 8 bytes at a time (log lines are mostly ASCII).
#if defined(__SSE2__)
        while (e - s >= 64) {
            const auto* v = reinterpret_cast<const __m128i*>(s);
            const __m128i any = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                _mm_or_si128(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
            if (_mm_movemask_epi8(any) != 0)
                break;
            s += 64;
        }
#endif
        while (e - s >= 32) {
            std::uint64_t w[4];
            std::memcpy(w, s, 32);
            if (((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull) != 0)
                break;
            s += 32;
        }
        if (s == e) // the fast path may consume the whole input
            break;
        if (e - s >= 8) {
            std::uint64_t w;
            std::memcpy(&w, s, 8);
            if ((w & 0x8080808080808080ull) == 0) {
                s += 8;
                continue;
            }
        }
        const unsigned c = *s;
        if (c < 0x80) {
            ++s;
            continue;
        }
        int len;
        char32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (e - s < len)
            return false;
        for (int i = 1; i < len; ++i) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += len;
    }
    return true;
}

namespace {
struct Validator {
    const char* p;
    const char* e;

    bool value(int depth)
    {
        p = skipWs(p, e);
        if (p >= e || depth > kMaxDepth)
            return false;
        switch (*p) {
        case '{':
            return object(depth);
        case '[':
            return array(depth);
        case '"':
            return string();
        case 't':
            return literal("true", 4);
        case 'f':
            return literal("false", 5);
        case 'n':
            return literal("null", 4);
        default:
            return number();
        }
    }
    bool literal(const char* lit, std::size_t n)
    {
        if (!matchLiteral(p, e, lit, n))
            return false;
        p += n;
        return true;
    }
    bool digits()
    {
        const char* s = p;
        while (p < e && *p >= '0' && *p <= '9')
            ++p;
        return p > s;
    }
    bool number()
    {
        if (p < e && *p == '-')
            ++p;
        if (p < e && *p == '0')
            ++p;
        else if (!digits())
            return false;
        if (p < e && *p == '.') {
            ++p;
            if (!digits())
                return false;
        }
        if (p < e && (*p == 'e' || *p == 'E')) {
            ++p;
            if (p < e && (*p == '+' || *p == '-'))
                ++p;
            if (!digits())
                return false;
        }
        return true;
    }
    bool string()
    {
        ++p;
        while (p < e) {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                ++p;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                ++p;
                if (p >= e)
                    return false;
                if (*p == 'u') {
                    if (hex4(p + 1, e) < 0)
                        return false;
                    p += 5;
                    continue;
                }
                if (!std::strchr("\"\\/bfnrt", *p) || *p == 0)
                    return false;
            }
            ++p;
        }
        return false;
    }
    bool object(int depth)
    {
        ++p;
        p = skipWs(p, e);
        if (p < e && *p == '}') {
            ++p;
            return true;
        }
        while (true) {
            p = skipWs(p, e);
            if (p >= e || *p != '"' || !string())
                return false;
            p = skipWs(p, e);
            if (p >= e || *p != ':')
                return false;
            ++p;
            if (!value(depth + 1))
                return false;
            p = skipWs(p, e);
            if (p >= e)
                return false;
            if (*p == '}') {
                ++p;
                return true;
            }
            if (*p != ',')
                return false;
            ++p;
        }
    }
    bool array(int depth)
    {
        ++p;
        p = skipWs(p, e);
        if (p < e && *p == ']') {
            ++p;
            return true;
        }
        while (true) {
            if (!value(depth + 1))
                return false;
            p = skipWs(p, e);
            if (p >= e)
                return false;
            if (*p == ']') {
                ++p;
                return true;
            }
            if (*p != ',')
                return false;
            ++p;
        }
    }
};
} // namespace

bool validate(const char* b, const char* e) noexcept
{
    Validator v {b, e};
    return v.value(0) && skipWs(v.p, e) == e;
}

} // namespace rwb::jsonscan
