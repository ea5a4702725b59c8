#pragma once

#include <cstddef>
#include <cstdint>

namespace rwb::jsonscan {

/// The first pass over one JSONL line: classifies every byte 64 at a time (SSE2, 16 bytes per
/// compare) into bit masks, so that PathSet::extract(const LineStructure&, ...) walks tokens instead
/// of bytes. Finds the line's end (its first '\n'), and notes whether any byte is above 0x7F (only
/// then does the line need a UTF-8 check).
///
/// Strings are told apart as jsonscan reads them: a backslash escapes the byte after it, so a quote
/// after an odd run of backslashes is no quote; the in-string bytes are a prefix XOR of the quote bits,
/// restarted on every line (a newline inside a string leaves that string unterminated, as the
/// byte-wise scan sees it). Tokens are the structural bytes `{}[]:,` outside strings, opening
/// quotes, and the first byte of every other run of non-blank bytes outside strings (a number, a
/// literal, or damage), so that nothing between two tokens but blanks goes unseen.
///
/// A value type with no heap memory; not thread-safe (one per thread, reused line after line).
class LineStructure {
public:
    static constexpr std::size_t kMaxBytes = 4096; ///< longer lines are left to the byte-wise scan

    /// Classifies the line starting at `p`, which ends at the first '\n' or at `stop`. Reads no byte at
    /// or after `stop`. False (and nothing usable) if the line has more than kMaxBytes bytes.
    bool scan(const char* p, const char* stop) noexcept;

    const char* begin() const noexcept { return m_begin; }
    /// Bytes before the newline (or before `stop` when the line has none).
    std::size_t length() const noexcept { return m_length; }
    /// The '\n' that ends the line, or nullptr if the line ran to `stop`.
    const char* newline() const noexcept { return m_hasNewline ? m_begin + m_length : nullptr; }
    bool hasNonAscii() const noexcept { return m_nonAscii; }
    /// A backslash outside every string: the byte-wise scan never reads such a line as the masks do.
    bool hasBackslashOutsideStrings() const noexcept { return m_strayBackslash; }

    /// Positions of the tokens in line order (and of every quote that closes a string, which always
    /// comes right after its opening quote), relative to begin().
    const std::uint16_t* tokens() const noexcept { return m_tokens; }
    std::size_t tokenCount() const noexcept { return m_tokenCount; }
    /// 64-bit words covering the line's bytes, bit i of word w for byte 64 * w + i: its backslashes.
    std::size_t words() const noexcept { return m_words; }
    const std::uint64_t* backslashes() const noexcept { return m_backslashes; }

private:
    static constexpr std::size_t kWords = kMaxBytes / 64 + 1;
    const char* m_begin = nullptr;
    std::size_t m_length = 0;
    std::size_t m_words = 0;
    bool m_hasNewline = false;
    bool m_nonAscii = false;
    bool m_strayBackslash = false;
    std::size_t m_tokenCount = 0;
    std::uint64_t m_backslashes[kWords];
    std::uint16_t m_tokens[kWords * 64];
};

} // namespace rwb::jsonscan
