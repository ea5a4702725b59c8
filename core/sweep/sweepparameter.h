#pragma once

#include <QJsonValue>
#include <QString>

#include <optional>
#include <vector>

namespace rwb {

/// One swept parameter: a JSON pointer into the scenario's canonical document and the values it takes,
/// parsed from "POINTER=SPEC" (docs/sweeps.md):
///   2..20            every integer from 2 to 20 (integer ends make an integer range)
///   0.05..2:8        8 evenly spaced values (a grid); random and LHS designs sample the whole range
///   0.01..10:7:log   7 values evenly spaced on a log scale (sampled log-uniformly)
///   1,2,5,10         a list (numbers, true/false, strings: full,none,equal)
/// A value type, immutable after parsing: thread-safe to share.
class SweepParameter final {
public:
    /// nullopt with `error` set on a malformed spec.
    static std::optional<SweepParameter> parse(const QString& text, QString* error);

    const QString& pointer() const noexcept { return m_pointer; }
    const QString& spec() const noexcept { return m_spec; } ///< as written after '='
    bool isRange() const noexcept { return m_values.empty(); }
    bool isInteger() const noexcept { return m_integer; }
    bool isLog() const noexcept { return m_log; }
    double low() const noexcept { return m_low; }
    double high() const noexcept { return m_high; }
    /// The values a grid visits: a list's values, or the range's steps.
    std::vector<QJsonValue> gridValues() const;
    /// The value at position u in [0, 1) of the range (log-uniform with :log), or of the list.
    QJsonValue sample(double u) const;
    /// True when every value is a number (a range, or a list of numbers).
    bool isNumeric() const;

private:
    QString m_pointer;
    QString m_spec;
    std::vector<QJsonValue> m_values; ///< a list; empty for a range
    double m_low = 0;
    double m_high = 0;
    int m_steps = 0; ///< grid steps of a range; 0 = the default
    bool m_integer = false;
    bool m_log = false;
};

} // namespace rwb
