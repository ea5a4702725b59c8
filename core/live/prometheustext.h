#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <initializer_list>
#include <utility>

namespace rwb {

/// Writes the Prometheus text exposition format (version 0.0.4) that the mock services and the live
/// runner serve on /metrics: each family's HELP and TYPE once, then its samples. Label values are
/// escaped (backslash, double quote, newline); names and help texts are the caller's constants.
/// Not thread-safe (one writer per exposition).
class PrometheusText final {
public:
    using Label = std::pair<const char*, QString>;

    /// Starts a metric family: `type` is "counter", "gauge" or "summary".
    void family(const char* name, const char* type, const char* help);
    void sample(const char* name, std::initializer_list<Label> labels, std::int64_t value);
    void sample(const char* name, std::initializer_list<Label> labels, std::uint64_t value);
    void sample(const char* name, std::initializer_list<Label> labels, double value);

    const QByteArray& text() const noexcept { return m_out; }

    static QByteArray escapeLabelValue(const QString& value);

private:
    void begin(const char* name, std::initializer_list<Label> labels);

    QByteArray m_out;
};

} // namespace rwb
