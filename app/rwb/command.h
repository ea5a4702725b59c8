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

/// The options of one sub-command: flags (`--json`) and options that take a value (`--out FILE`);
/// anything else not starting with '-' is positional. `--help` / `-h` set `help`.
class Options {
public:
    Options& flag(const char* name, bool* target)
    {
        m_flags.push_back({ QLatin1String(name), target });
        return *this;
    }
    Options& value(const char* name, QString* target)
    {
        m_values.push_back({ QLatin1String(name), target });
        return *this;
    }
    /// False with `error` set on an unknown option or a missing value.
    bool parse(const QStringList& args, QStringList& positional, bool& help, QString& error) const;

private:
    std::vector<std::pair<QLatin1String, bool*>> m_flags;
    std::vector<std::pair<QLatin1String, QString*>> m_values;
};

/// Prints each error of a scenario load (file, line, JSON pointer) on stderr; true when there were any.
template <class Load> bool reportLoadErrors(const Load& loaded)
{
    for (const auto& e : loaded.errors)
        err() << e.toString() << '\n';
    return !loaded.ok();
}

/// Prints "rwb COMMAND: message", the usage's synopsis (its first paragraph) and where the options are,
/// on stderr; returns BadInput.
int usageError(const char* command, const QString& message, const char* usage);
/// 'unknown option "--sed" (did you mean --seed?)': the suggestion is the option `usage` names nearest
/// to `option`, if a typo away.
QString unknownOption(QStringView option, const char* usage);
/// GNU style: "--name=value" becomes "--name" "value", so every command accepts both forms.
QStringList splitOptionValues(const QStringList& args);


} // namespace rwb::cli
