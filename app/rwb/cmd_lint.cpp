// rwb lint: explain what is wrong with a scenario's resilience settings, from its numbers, without running it.
#include "command.h"

#include "core/advice/lint.h"
#include "core/config/scenariojson.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage = "Usage: rwb lint SCENARIO.json [--json] [--fail-on info|warning|error]\n"
                           "\n"
                           "Checks a scenario's resilience settings against the lint rules (docs/lint.md): breakers that\n"
                           "can never open, recovery timeouts shorter than the outages, retries that cannot fit the\n"
                           "overall timeout, synchronized retries, retry storms, ignored Retry-After, breaker placement,\n"
                           "attempt timeouts against the service's p99. Each finding gives the rule, its severity, the\n"
                           "setting (a JSON pointer), the numbers, a fix and why it matters.\n"
                           "\n"
                           "  --json              one JSON document with every finding\n"
                           "  --fail-on SEVERITY  exit 1 only for findings at or above SEVERITY (default: info, any finding)\n"
                           "\n"
                           "Exit status: 0 no finding (at or above --fail-on), 1 findings, 2 bad input.\n";

int runLint(const QStringList& args)
{
    QStringList files;
    bool json = false;
    bool help = false;
    QString failOnName = QStringLiteral("info");
    QString error;
    if (!Options().flag("--json", &json).value("--fail-on", &failOnName).parse(args, files, help, error))
        return usageError("lint", error, kUsage);
    if (help) {
        out() << kUsage;
        return Ok;
    }
    const auto failOnSeverity = lintSeverityFromString(failOnName);
    if (!failOnSeverity)
        return usageError("lint", QStringLiteral("--fail-on expects info, warning or error, got \"%1\"").arg(failOnName), kUsage);
    const LintSeverity failOn = *failOnSeverity;
    if (files.size() != 1)
        return usageError("lint", files.isEmpty() ? QStringLiteral("missing SCENARIO.json") : QStringLiteral("expected one file"), kUsage);
    const ScenarioLoad loaded = scenariojson::loadFile(files.first());
    if (reportLoadErrors(loaded))
        return BadInput;
    const Scenario& scenario = *loaded.scenario;
    const std::vector<LintFinding> findings = lint::check(scenario);
    int counts[3] = {0, 0, 0};
    bool failing = false;
    for (const auto& f : findings) {
        ++counts[int(f.severity)];
        failing = failing || f.severity >= failOn;
    }
    if (json) {
        QJsonArray list;
        for (const auto& f : findings)
            list.append(lint::toJson(f, scenario));
        const QJsonObject doc {{QStringLiteral("file"), files.first()}, {QStringLiteral("findings"), list},
            {QStringLiteral("counts"),
                QJsonObject {{QStringLiteral("error"), counts[2]}, {QStringLiteral("warning"), counts[1]}, {QStringLiteral("info"), counts[0]}}}};
        out() << QJsonDocument(doc).toJson(QJsonDocument::Indented);
    } else {
        for (const auto& f : findings) {
            const LintRule* rule = lint::rule(f.rule);
            out() << files.first() << ':' << f.pointer << ": " << toString(f.severity) << " [" << f.rule << "] pipeline \""
                  << scenario.pipelines[std::size_t(f.pipeline)].name() << "\": " << f.message << '\n'
                  << "    fix: " << f.fix << '\n'
                  << "    why: " << rule->explanation << '\n'
                  << "    shown by: " << rule->shownBy << '\n';
        }
        if (findings.empty())
            out() << files.first() << ": no findings\n";
        else
            out() << findings.size() << (findings.size() == 1 ? " finding" : " findings") << ": " << counts[2] << " error(s), "
                  << counts[1] << " warning(s), " << counts[0] << " info\n";
    }
    return failing ? RuntimeError : Ok;
}

const Registrar reg({QStringLiteral("lint"),
    QStringLiteral("explain a scenario's risky resilience settings (exit 0 clean, 1 findings, 2 bad input)"), &runLint});

} // namespace
