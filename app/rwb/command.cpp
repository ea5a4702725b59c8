#include "command.h"

#include "core/common/nearestname.h"

#include <QRegularExpression>

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

QStringList splitOptionValues(const QStringList& args)
{
    QStringList split;
    split.reserve(args.size());
    for (const QString& a : args) {
        const qsizetype equals = a.startsWith(QLatin1String("--")) ? a.indexOf(QLatin1Char('=')) : -1;
        if (equals > 2) {
            split << a.left(equals) << a.mid(equals + 1);
        } else {
            split << a;
        }
    }
    return split;
}

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
            QStringList known;
            for (const auto& f : m_flags)
                known << f.first;
            for (const auto& v : m_values)
                known << v.first;
            error = QStringLiteral("unknown option \"%1\"").arg(a);
            if (const QString nearest = nearestName(a, known); !nearest.isEmpty())
                error += QStringLiteral(" (did you mean %1?)").arg(nearest);
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

QString unknownOption(QStringView option, const char* usage)
{
    static const QRegularExpression optionName(QStringLiteral("--[a-z][a-z0-9-]*"));
    QStringList known;
    for (const auto& match : optionName.globalMatch(QString::fromUtf8(usage)))
        known << match.captured();
    known.removeDuplicates();
    QString message = QStringLiteral("unknown option \"%1\"").arg(option);
    if (const QString nearest = nearestName(option, known); !nearest.isEmpty())
        message += QStringLiteral(" (did you mean %1?)").arg(nearest);
    return message;
}

int usageError(const char* command, const QString& message, const char* usage)
{
    const QString text = QString::fromUtf8(usage);
    // The synopsis (the usage text's first paragraph), not the whole help page, so the error stays
    // on screen.
    const qsizetype synopsisEnd = text.indexOf(QLatin1String("\n\n"));
    err() << "rwb " << command << ": " << message << '\n'
          << (synopsisEnd < 0 ? text : text.left(synopsisEnd + 1)) << "Run 'rwb " << command
          << " --help' for the options.\n";
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
