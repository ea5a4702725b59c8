#include "core/log/linestructure.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rwb::jsonscan {

namespace {

/// One bit per byte of a 64-byte block.
struct BlockBits {
    std::uint64_t quote = 0;
    std::uint64_t backslash = 0;
    std::uint64_t structural = 0; ///< {}[]:,
    std::uint64_t space = 0;
    std::uint64_t control = 0; ///< below 0x20: newline, tab, CR and damage, told apart afterwards
    std::uint64_t high = 0; ///< above 0x7F
};

BlockBits classify(const char* s) noexcept
{
    BlockBits b;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i lowerCase = _mm_set1_epi8(0x20); // '[' | 0x20 == '{', ']' | 0x20 == '}'
    const __m128i open = _mm_set1_epi8('{');
    const __m128i close = _mm_set1_epi8('}');
    const __m128i colon = _mm_set1_epi8(':');
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i lastControl = _mm_set1_epi8(0x1F);
    for (int i = 0; i < 4; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * i));
        const __m128i folded = _mm_or_si128(v, lowerCase);
        const __m128i structural
            = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)),
                _mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, comma)));
        const int shift = 16 * i;
        b.quote |= std::uint64_t(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << shift;
        b.backslash |= std::uint64_t(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)))) << shift;
        b.structural |= std::uint64_t(unsigned(_mm_movemask_epi8(structural))) << shift;
        b.space |= std::uint64_t(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)))) << shift;
        b.control |= std::uint64_t(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, lastControl), v))))
            << shift;
        b.high |= std::uint64_t(unsigned(_mm_movemask_epi8(v))) << shift;
    }
#else
    for (int i = 0; i < 64; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::uint64_t bit = std::uint64_t(1) << i;
        const unsigned folded = c | 0x20u;
        b.quote |= c == '"' ? bit : 0;
        b.backslash |= c == '\\' ? bit : 0;
        b.structural |= (folded == '{' || folded == '}' || c == ':' || c == ',') ? bit : 0;
        b.space |= c == ' ' ? bit : 0;
        b.control |= c < 0x20 ? bit : 0;
        b.high |= c >= 0x80 ? bit : 0;
    }
#endif
    return b;
}

/// Bits of the bytes that a backslash escapes. `carry`: in, bit 0 if the previous block ended with a
/// backslash that escapes this block's first byte; out, the same for the next block. Backslashes are
/// rare in logs: one step per escape.
std::uint64_t escapedBytes(std::uint64_t backslash, std::uint64_t& carry) noexcept
{
    std::uint64_t escaped = carry;
    backslash &= ~carry; // an escaped backslash escapes nothing
    carry = 0;
    while (backslash) {
        const int i = __builtin_ctzll(backslash);
        if (i == 63) {
            carry = 1;
            break;
        }
        escaped |= std::uint64_t(2) << i;
        backslash &= ~(std::uint64_t(3) << i); // it and the byte it escapes
    }
    return escaped;
}

/// Bit i = XOR of bits 0..i: 1 from an opening quote up to (not including) its closing one.
std::uint64_t prefixXor(std::uint64_t x) noexcept
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

} // namespace

bool LineStructure::scan(const char* p, const char* stop) noexcept
{
    m_begin = p;
    m_nonAscii = false;
    m_strayBackslash = false;
    m_tokenCount = 0;
    std::uint64_t escapeCarry = 0;
    std::uint64_t inStringCarry = 0; // all ones while a string continues into the next block
    std::uint64_t scalarCarry = 0; // 1 if the previous block ended inside a run of scalar bytes
    for (std::size_t w = 0; w < kWords; ++w) {
        const char* s = p + 64 * w;
        char padded[64];
        const char* bytes = s;
        if (stop - s < 64) {
            // The last block before `stop`: a newline after the end stands for it (and is told apart).
            std::memset(padded, '\n', sizeof padded);
            if (stop > s)
                std::memcpy(padded, s, std::size_t(stop - s));
            bytes = padded;
        }
        BlockBits b = classify(bytes);
        std::uint64_t inLine = ~std::uint64_t(0);
        std::uint64_t blank = b.space;
        bool ends = false;
        for (std::uint64_t c = b.control; c; c &= c - 1) {
            const int i = __builtin_ctzll(c);
            const char ch = bytes[i];
            if (ch == '\n') {
                inLine = (std::uint64_t(1) << i) - 1;
                m_length = 64 * w + std::size_t(i);
                m_hasNewline = s + i < stop;
                ends = true;
                break;
            }
            if (ch == '\t' || ch == '\r')
                blank |= std::uint64_t(1) << i;
            // any other control byte is damage outside a string: it starts a token of its own
        }
        const std::uint64_t backslash = b.backslash & inLine;
        const std::uint64_t quote = b.quote & inLine & ~escapedBytes(backslash, escapeCarry);
        const std::uint64_t inString = prefixXor(quote) ^ inStringCarry;
        inStringCarry = std::uint64_t(std::int64_t(inString) >> 63);
        const std::uint64_t scalar = ~(inString | quote | b.structural | blank) & inLine;
        const std::uint64_t scalarStarts = scalar & ~((scalar << 1) | scalarCarry);
        scalarCarry = scalar >> 63;
        std::uint64_t tokens = (b.structural & ~inString & inLine) | quote | scalarStarts;
        const auto base = std::uint16_t(64 * w);
        for (; tokens; tokens &= tokens - 1)
            m_tokens[m_tokenCount++] = std::uint16_t(base + __builtin_ctzll(tokens));
        m_backslashes[w] = backslash;
        m_strayBackslash |= (backslash & ~inString) != 0;
        m_nonAscii |= (b.high & inLine) != 0;
        if (ends) {
            m_words = w + 1;
            return m_length <= kMaxBytes;
        }
    }
    return false;
}

} // namespace rwb::jsonscan
