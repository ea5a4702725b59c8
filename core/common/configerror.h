#pragma once

#include <QString>
#include <QStringList>

#include <stdexcept>
#include <vector>

namespace rwb {

/// One broken rule in a configuration: which field, and what was expected versus found.
/// `field` is a dotted/pointer-like path relative to the policy ("failure_rate_threshold");
/// the config loader prefixes it with the JSON pointer of the policy in the file.
struct FieldError {
    QString field;
    QString message; ///< e.g. "expected a number in [0, 1], got 1.5"

    QString toString() const { return field + QStringLiteral(": ") + message; }
    friend bool operator==(const FieldError&, const FieldError&) = default;
};

using FieldErrors = std::vector<FieldError>;

/// Thrown by a policy constructor when its config does not validate. Carries every broken rule,
/// not just the first, so a user can fix them all at once.
class InvalidConfig : public std::runtime_error {
public:
    explicit InvalidConfig(FieldErrors errors);
    const FieldErrors& errors() const noexcept { return m_errors; }

private:
    FieldErrors m_errors;
};

/// Small helper for writing validate() functions:
///   FieldCheck c; c.atLeast("failure_threshold", cfg.failureThreshold, 1); ... return c.take();
class FieldCheck {
public:
    /// Adds an error when `ok` is false.
    void require(bool ok, const QString& field, const QString& message);
    void atLeast(const QString& field, double value, double min);
    void atLeast(const QString& field, long long value, long long min);
    void inRange(const QString& field, double value, double min, double max);
    void finite(const QString& field, double value);
    /// For durations: value >= min, in milliseconds for the message.
    void durationAtLeastMs(const QString& field, double valueMs, double minMs);

    bool ok() const noexcept { return m_errors.empty(); }
    FieldErrors take() { return std::move(m_errors); }
    /// Throws InvalidConfig if any rule failed.
    void throwIfFailed();

private:
    FieldErrors m_errors;
};

/// Formats a number the way error messages and JSON show it (no trailing zeros, "nan", "inf").
QString formatNumber(double value);

} // namespace rwb
