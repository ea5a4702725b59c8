#include "core/live/prometheustext.h"

namespace rwb {

void PrometheusText::family(const char* name, const char* type, const char* help)
{
    m_out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

void PrometheusText::begin(const char* name, std::initializer_list<Label> labels)
{
    m_out += name;
    if (labels.size() == 0)
        return;
    char separator = '{';
    for (const auto& [key, value] : labels) {
        m_out += separator;
        m_out += key;
        m_out += "=\"";
        m_out += escapeLabelValue(value);
        m_out += '"';
        separator = ',';
    }
    m_out += '}';
}

void PrometheusText::sample(const char* name, std::initializer_list<Label> labels, std::int64_t value)
{
    begin(name, labels);
    m_out += ' ' + QByteArray::number(qint64(value)) + '\n';
}

void PrometheusText::sample(const char* name, std::initializer_list<Label> labels, std::uint64_t value)
{
    begin(name, labels);
    m_out += ' ' + QByteArray::number(quint64(value)) + '\n';
}

void PrometheusText::sample(const char* name, std::initializer_list<Label> labels, double value)
{
    begin(name, labels);
    m_out += ' ' + QByteArray::number(value) + '\n';
}

QByteArray PrometheusText::escapeLabelValue(const QString& value)
{
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

} // namespace rwb
