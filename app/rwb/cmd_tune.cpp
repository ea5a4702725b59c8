// rwb tune: search parameter values on the simulator for the best objective under constraints, robust
// over several seeds; prints the best configuration and the Pareto front, writes the tuned scenario.
#include "command.h"

#include "core/config/scenariojson.h"
#include "core/live/shutdownsignals.h"
#include "core/sweep/tuner.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <atomic>
#include <cmath>
#include <thread>
#include <unistd.h>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage
    = "Usage: rwb tune SCENARIO.json --objective 'minimize|maximize FIGURE' [--objective ...]\n"
      "                [--constraint 'FIGURE<=VALUE' ...] --param POINTER=SPEC [--param ...]\n"
      "                [--budget N] [--seeds K] [--search-seed N] [--threads N] [--out TUNED.json]\n"
      "\n"
      "Searches the parameters' ranges on the simulator: a Latin-hypercube start (a third of the budget),\n"
      "then a compass search from the best point (docs/tuning.md). Each configuration runs with K seeds:\n"
      "an objective is the mean over the seeds, a constraint must hold on the worst seed. Prints the best\n"
      "configuration and the Pareto front of the objectives and constrained figures, and writes the tuned\n"
      "scenario. Deterministic for a search seed. Ctrl+C stops the search: the best configuration so far\n"
      "is reported and written, and the exit code is 130.\n"
      "\n"
      "  --objective O    'minimize load_on_service', 'maximize success_rate@checkout' (FIGURE@PIPELINE\n"
      "                   for one pipeline); the first drives the search\n"
      "  --constraint C   'success_rate>=0.995', 'success_rate>=99.5%', 'p99<=800ms', 'worst_call<2s'\n"
      "  --param P=SPEC   as rwb sweep: 2..20, 0.05..2, 0.01..10:log, full,none,equal\n"
      "  --budget N       configurations to simulate (default 60)\n"
      "  --seeds K        seeds per configuration: the scenario's and the K-1 following (default 3)\n"
      "  --search-seed N  the random start's draws (default 1)\n"
      "  --threads N      worker threads (default: one per core)\n"
      "  --out FILE       the tuned scenario (default: SCENARIO.tuned.json beside the input)\n"
      "\n"
      "Figures: success_rate, failure_rate, p50, p95, p99, mean_latency, worst_call, load_on_service,\n"
      "peak_concurrency, requests, attempts, retries, retry_amplification, failed, rejected, fallbacks,\n"
      "timeouts, breaker_rejections, breaker_transitions, time_to_detect, time_to_recover.\n"
      "\n"
      "Exit codes: 0 a configuration meets every constraint, 1 none does (the least violating is written)\n"
      "or a runtime error, 2 bad input.\n";

QString number(double v)
{
    if (!std::isfinite(v))
        return QStringLiteral("undefined");
    return std::abs(v) >= 1000 || v == std::floor(v) ? QString::number(v, 'f', v == std::floor(v) ? 0 : 1)
                                                     : QString::number(v, 'g', 6);
}

QString valueText(const QJsonValue& v)
{
    const QByteArray a = QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(a.mid(1, a.size() - 2));
}

QString unitOf(const figures::FigureRef& ref)
{
    const QString unit = figures::find(ref.name)->unit;
    return unit == QLatin1String("ms") || unit == QLatin1String("s") ? QLatin1Char(' ') + unit : QString();
}

int runTune(const QStringList& args)
{
    TuneOptions options;
    QStringList positional;
    QString outPath;
    QString error;
    const auto bad = [&](const QString& message) {
        return usageError("tune", message, kUsage);
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            out() << kUsage;
            return Ok;
        }
        if (!a.startsWith(QLatin1String("--"))) {
            positional << a;
            continue;
        }
        static const QStringList kOptions { QStringLiteral("--objective"), QStringLiteral("--constraint"),
            QStringLiteral("--param"), QStringLiteral("--budget"), QStringLiteral("--seeds"), QStringLiteral("--threads"),
            QStringLiteral("--search-seed"), QStringLiteral("--out") };
        if (!kOptions.contains(a))
            return bad(unknownOption(a, kUsage));
        if (i + 1 >= args.size())
            return bad(QStringLiteral("option %1 needs a value").arg(a));
        const QString v = args[++i];
        bool ok = true;
        if (a == QLatin1String("--objective")) {
            const auto o = figures::parseObjective(v, &error);
            if (!o)
                return bad(error);
            options.objectives.push_back(*o);
        } else if (a == QLatin1String("--constraint")) {
            const auto c = figures::parseConstraint(v, &error);
            if (!c)
                return bad(error);
            options.constraints.push_back(*c);
        } else if (a == QLatin1String("--param")) {
            const auto p = SweepParameter::parse(v, &error);
            if (!p)
                return bad(error);
            options.parameters.push_back(*p);
        } else if (a == QLatin1String("--budget")) {
            options.budget = v.toInt(&ok);
            ok = ok && options.budget > 0;
        } else if (a == QLatin1String("--seeds")) {
            options.seeds = v.toInt(&ok);
            ok = ok && options.seeds > 0;
        } else if (a == QLatin1String("--threads")) {
            options.threads = v.toInt(&ok);
            ok = ok && options.threads > 0;
        } else if (a == QLatin1String("--search-seed")) {
            options.searchSeed = v.toULongLong(&ok);
        } else if (a == QLatin1String("--out")) {
            outPath = v;
        } else {
            return bad(QStringLiteral("unknown option \"%1\"").arg(a));
        }
        if (!ok)
            return bad(QStringLiteral("%1 expects a positive integer, got \"%2\"").arg(a, v));
    }
    if (positional.size() != 1)
        return bad(positional.isEmpty() ? QStringLiteral("missing SCENARIO.json")
                                        : QStringLiteral("expected one scenario file, got %1").arg(positional.size()));
    if (options.parameters.empty())
        return bad(QStringLiteral("no --param POINTER=SPEC given"));
    const QString path = positional.first();
    const ScenarioLoad loaded = scenariojson::loadFile(path);
    if (reportLoadErrors(loaded))
        return BadInput;
    if (outPath.isEmpty()) {
        const QFileInfo info(path);
        outPath = info.dir().filePath(info.completeBaseName() + QStringLiteral(".tuned.json"));
    }
    const bool tty = isatty(STDERR_FILENO);
    options.progress = [tty](int done, int budget) {
        if (tty)
            err() << "\r  simulated " << done << " of at most " << budget << " configurations" << Qt::flush;
    };
    std::atomic<bool> cancel { false };
    options.cancel = &cancel;
    LoadErrors errors;
    const auto tuner = Tuner::create(*loaded.scenario, options, &errors);
    if (!tuner) {
        for (LoadError e : errors) {
            e.file = path;
            err() << e.toString() << '\n';
        }
        return BadInput;
    }
    // The search runs on a worker thread so that Ctrl+C (ShutdownSignals, on this thread's event loop)
    // can stop it between configurations; what was simulated by then is still reported.
    bool interrupted = false;
    QEventLoop loop;
    ShutdownSignals shutdown;
    QObject::connect(&shutdown, &ShutdownSignals::received, &loop, [&](int) {
        interrupted = true;
        cancel = true;
    });
    // Said once, after the Ctrl+C handler is in place (scripts and tests can wait for this line).
    err() << "rwb tune: searching " << options.parameters.size()
          << (options.parameters.size() == 1 ? " parameter" : " parameters") << ", at most " << options.budget
          << " configurations x " << options.seeds << " seeds" << Qt::endl;
    TuneResult result;
    std::thread worker([&] {
        result = tuner->run();
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    loop.exec();
    worker.join();
    if (tty)
        err() << '\n';
    if (!result.best) {
        err() << (interrupted ? "rwb tune: interrupted before a configuration was simulated\n"
                              : "rwb tune: nothing was simulated\n");
        return interrupted ? Interrupted : RuntimeError;
    }
    const TuneOptions& o = tuner->options();
    const TuneEvaluation& best = result.evaluations[*result.best];
    out() << "Tuned '" << loaded.scenario->name << "': " << result.evaluations.size()
          << (result.evaluations.size() == 1 ? " configuration x " : " configurations x ") << o.seeds << " seeds, search seed " << o.searchSeed;
    if (result.cancelled)
        out() << " (interrupted: the best of what was simulated)";
    else if (int(result.evaluations.size()) < o.budget)
        out() << " (the compass search converged before the budget of " << o.budget << ")";
    out() << '\n';
    out() << (best.feasible() ? "Best configuration (meets every constraint):\n"
                              : "No configuration meets every constraint; the least violating:\n");
    for (std::size_t i = 0; i < o.parameters.size(); ++i)
        out() << "  " << o.parameters[i].pointer() << " = " << valueText(best.point[i]) << '\n';
    for (std::size_t i = 0; i < o.objectives.size(); ++i)
        out() << "  " << o.objectives[i].toString() << ": " << number(best.objectives[i])
              << unitOf(o.objectives[i].figure) << " (mean over the seeds)\n";
    for (std::size_t i = 0; i < o.constraints.size(); ++i)
        out() << "  " << o.constraints[i].text << ": worst seed " << number(best.constraints[i])
              << unitOf(o.constraints[i].figure)
              << (o.constraints[i].holds(best.constraints[i]) ? "  ok" : "  VIOLATED") << '\n';

    QStringList columns;
    for (const auto& p : o.parameters)
        columns << p.pointer();
    for (const auto& obj : o.objectives)
        columns << obj.figure.toString() + QStringLiteral(" (mean)");
    for (const auto& c : o.constraints)
        columns << c.figure.toString() + QStringLiteral(" (worst)");
    out() << "\nPareto front (" << result.pareto.size() << (result.pareto.size() == 1 ? " configuration" : " configurations")
          << "; no other is at least as good in every "
          << "column and better in one):\n  " << columns.join(QStringLiteral(" | ")) << '\n';
    for (const std::size_t index : result.pareto) {
        const TuneEvaluation& e = result.evaluations[index];
        QStringList cells;
        for (const QJsonValue& v : e.point)
            cells << valueText(v);
        for (const double v : e.objectives)
            cells << number(v);
        for (const double v : e.constraints)
            cells << number(v);
        out() << "  " << cells.join(QStringLiteral(" | ")) << (index == *result.best ? "   <- best" : "") << '\n';
    }

    LoadErrors loadErrors;
    const auto tuned = tuner->plan().scenarioAt(best.point, &loadErrors);
    QString saveError = tuned || loadErrors.empty() ? QString() : loadErrors.front().toString();
    if (!tuned || !scenariojson::saveFile(*tuned, outPath, &saveError)) {
        err() << "rwb tune: cannot write " << outPath << ": " << saveError << '\n';
        return RuntimeError;
    }
    out() << "\nWrote the tuned scenario to " << outPath << '\n';
    if (interrupted)
        return Interrupted;
    return best.feasible() ? Ok : RuntimeError;
}

const Registrar reg({ QStringLiteral("tune"),
    QStringLiteral("search parameters for the best objective under constraints; write the tuned scenario"), &runTune });

} // namespace
