#pragma once

#include <QString>

#include <bitset>
#include <cstdint>
#include <functional>

namespace rwb {

/// An interned error class name ("connection_reset", "http_503", "timeout", ...). Comparing and
/// testing set membership are integer operations, so policies can classify outcomes on the hot
/// path without touching strings. Interning is thread-safe; ids are stable for the process lifetime.
class ErrorClass final {
public:
    static constexpr std::uint16_t kMaxClasses = 1024;

    constexpr ErrorClass() noexcept = default; ///< "no error"
    /// Interns `name` (case-sensitive). Throws std::length_error past kMaxClasses distinct names.
    static ErrorClass fromName(const QString& name);
    /// The class used for an HTTP status, e.g. 503 -> "http_503".
    static ErrorClass forHttpStatus(int status);

    constexpr std::uint16_t id() const noexcept { return m_id; }
    constexpr bool isNone() const noexcept { return m_id == 0; }
    QString name() const;

    friend constexpr bool operator==(ErrorClass a, ErrorClass b) noexcept { return a.m_id == b.m_id; }

    // Well-known classes, interned at start-up in this order.
    static ErrorClass none() noexcept { return {}; }
    static ErrorClass timeout();          ///< "timeout": the attempt hit its deadline
    static ErrorClass connectionReset();  ///< "connection_reset"
    static ErrorClass connectionRefused();///< "connection_refused"
    static ErrorClass malformedResponse();///< "malformed_response"
    static ErrorClass circuitOpen();      ///< "circuit_open": rejected by a breaker
    static ErrorClass bulkheadFull();     ///< "bulkhead_full"
    static ErrorClass rateLimited();      ///< "rate_limited": rejected by the client-side limiter
    static ErrorClass exception();        ///< "exception": a C++ exception escaped a callable

private:
    constexpr explicit ErrorClass(std::uint16_t id) noexcept : m_id(id) { }
    std::uint16_t m_id = 0;
};

/// A set of error classes with O(1) membership.
class ErrorClassSet final {
public:
    ErrorClassSet() = default;
    ErrorClassSet(std::initializer_list<ErrorClass> classes)
    {
        for (auto c : classes)
            insert(c);
    }
    void insert(ErrorClass c) { m_bits.set(c.id()); }
    void erase(ErrorClass c) { m_bits.reset(c.id()); }
    bool contains(ErrorClass c) const noexcept { return m_bits.test(c.id()); }
    bool empty() const noexcept { return m_bits.none(); }
    QStringList names() const;
    friend bool operator==(const ErrorClassSet&, const ErrorClassSet&) = default;

private:
    std::bitset<ErrorClass::kMaxClasses> m_bits;
};

} // namespace rwb
