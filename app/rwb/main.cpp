// rwb: the Resilience Workbench command line. Thin by design: it finds the sub-command and runs it.
#include "command.h"

#include "core/common/nearestname.h"

#include <QCoreApplication>

#include <algorithm>

using namespace rwb::cli;

namespace {
void printUsage(QTextStream& stream)
{
    stream << "Usage: rwb <command> [options]\n\nCommands:\n";
    auto sorted = commands();
    std::sort(sorted.begin(), sorted.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const auto& command : sorted)
        stream << "  " << command.name.leftJustified(10) << ' ' << command.summary << '\n';
    stream << "\nRun 'rwb <command> --help' for a command's options, 'rwb --version' for the version.\n";
    stream.flush();
}
} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rwb"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RWB_VERSION));

    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")) {
        printUsage(args.isEmpty() ? err() : out());
        return args.isEmpty() ? BadInput : Ok;
    }
    if (args.first() == QLatin1String("--version")) {
        out() << "rwb " << QCoreApplication::applicationVersion() << '\n';
        return Ok;
    }
    const QString name = args.takeFirst();
    args = splitOptionValues(args);
    QStringList names;
    for (const auto& command : commands()) {
        names << command.name;
        if (command.name == name) {
            const int code = command.run(args);
            out().flush();
            err().flush();
            return code;
        }
    }
    err() << "rwb: unknown command '" << name << "'";
    if (const QString nearest = rwb::nearestName(name, names); !nearest.isEmpty())
        err() << " (did you mean '" << nearest << "'?)";
    err() << "\n\n";
    printUsage(err());
    return BadInput;
}
