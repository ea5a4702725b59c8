#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <vector>

namespace rwb::cli {

/// Exit codes shared by every sub-command.
/// Interrupted (128 + SIGINT, as shells report it): stopped by SIGINT or SIGTERM, partial output printed.
enum ExitCode : int { Ok = 0, RuntimeError = 1, BadInput = 2, Interrupted = 130 };

/// One `rwb <name> ...` sub-command. `run` receives the arguments after the command name
/// (e.g. for `rwb logs query f q`, {"query", "f", "q"}) and returns an ExitCode.
struct Command {
    QString name;
    QString summary; ///< one line for `rwb --help`
    std::function<int(const QStringList& args)> run;
};

/// Registers a command at static-initialisation time; use one per cmd_<name>.cpp:
///   static const rwb::cli::Registrar reg({QStringLiteral("demo"), QStringLiteral("..."), &runDemo});
struct Registrar {
    explicit Registrar(Command command);
};

const std::vector<Command>& commands();

QTextStream& out(); ///< stdout, UTF-8
QTextStream& err(); ///< stderr, UTF-8

} // namespace rwb::cli
