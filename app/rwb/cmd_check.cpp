// rwb check: run a scenario and judge each pipeline's `expect` entries (expectations as tests, for CI).
#include "command.h"

#include "core/advice/expectationcheck.h"
#include "core/config/scenariojson.h"
#include "core/run/runmetrics.h"
#include "core/run/runsummaryjson.h"
#include "core/sim/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage = "Usage: rwb check SCENARIO.json [--json]\n"
                           "\n"
                           "Simulates the scenario and evaluates the \"expect\" entries of its pipelines\n"
                           "(docs/scenario-format.md): the breaker opens (within T of the fault, after at most M attempts),\n"
                           "the worst call, the success rate, the p99, the recovery after the fault. Prints expected vs\n"
                           "got for each one.\n"
                           "\n"
                           "  --json  one JSON document: every expectation and the run summary (docs/run-format.md)\n"
                           "\n"
                           "Exit status: 0 every expectation holds (or there are none), 1 one fails, 2 bad input.\n";

int runCheck(const QStringList& args)
{
    QStringList files;
    bool json = false;
    bool help = false;
    QString error;
    if (!Options().flag("--json", &json).parse(args, files, help, error))
        return usageError("check", error, kUsage);
    if (help) {
        out() << kUsage;
        return Ok;
    }
    if (files.size() != 1)
        return usageError("check", files.isEmpty() ? QStringLiteral("missing SCENARIO.json") : QStringLiteral("expected one file"), kUsage);
    const ScenarioLoad loaded = scenariojson::loadFile(files.first());
    if (reportLoadErrors(loaded))
        return BadInput;
    const Scenario& scenario = *loaded.scenario;
    KeyEventSink keyEvents;
    SimulationOptions options;
    options.sink = &keyEvents;
    const RunResult result = Simulator::run(scenario, options);
    const auto results = expectationcheck::evaluate(scenario, result, &keyEvents.events());
    const bool passed = expectationcheck::allPassed(results);

    if (json) {
        QJsonArray list;
        for (const auto& r : results)
            list.append(expectationcheck::toJson(r));
        runjson::Options summary;
        summary.scenario = scenario.name;
        summary.events = &keyEvents.events();
        const QJsonObject doc {{QStringLiteral("file"), files.first()}, {QStringLiteral("passed"), passed},
            {QStringLiteral("expectations"), list}, {QStringLiteral("run"), runjson::toJson(result, summary)}};
        out() << QJsonDocument(doc).toJson(QJsonDocument::Indented);
        return passed ? Ok : RuntimeError;
    }
    if (results.empty()) {
        out() << files.first() << ": no expectations (add \"expect\" to a pipeline, see docs/scenario-format.md)\n";
        return Ok;
    }
    int failures = 0;
    for (const auto& r : results) {
        failures += r.passed ? 0 : 1;
        out() << (r.passed ? "PASS " : "FAIL ") << r.pipeline << ' ' << r.key << ": expected " << r.expected << ", got "
              << r.got << '\n';
    }
    out() << results.size() - std::size_t(failures) << " of " << results.size() << " expectations hold";
    if (failures > 0)
        out() << "; " << failures << " failed (" << files.first() << ')';
    out() << '\n';
    return passed ? Ok : RuntimeError;
}

const Registrar reg({QStringLiteral("check"),
    QStringLiteral("simulate a scenario and test its \"expect\" entries (exit 0 pass, 1 fail, 2 bad input)"), &runCheck});

} // namespace
