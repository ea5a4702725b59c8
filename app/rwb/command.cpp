#include "command.h"

#include <algorithm>
#include <cstdio>

namespace rwb::cli {

namespace {
std::vector<Command>& registry()
{
    static std::vector<Command> all;
    return all;
}
} // namespace

Registrar::Registrar(Command command) { registry().push_back(std::move(command)); }

const std::vector<Command>& commands() { return registry(); }

bool Options::parse(const QStringList& args, QStringList& positional, bool& help, QString& error) const
{
    help = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            help = true;
            continue;
        }
        if (!a.startsWith(QLatin1Char('-')) || a.size() == 1) { // "-" is standard input, a positional
            positional << a;
            continue;
        }
        const auto flag = std::find_if(m_flags.begin(), m_flags.end(), [&](const auto& f) { return a == f.first; });
        if (flag != m_flags.end()) {
            *flag->second = true;
            continue;
        }
        const auto value = std::find_if(m_values.begin(), m_values.end(), [&](const auto& v) { return a == v.first; });
        if (value == m_values.end()) {
            error = QStringLiteral("unknown option \"%1\"").arg(a);
            return false;
        }
        if (i + 1 >= args.size()) {
            error = QStringLiteral("%1 needs a value").arg(a);
            return false;
        }
        *value->second = args[++i];
    }
    return true;
}

int usageError(const char* command, const QString& message, const char* usage)
{
    err() << "rwb " << command << ": " << message << "\n\n" << usage;
    return BadInput;
}

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

} // namespace rwb::cli
