// rwb sweep: run a scenario over a design of parameter values (grid, random, Latin hypercube) on every
// core, one JSONL line per point and seed; --shard runs a deterministic slice for external schedulers
// and `rwb sweep merge` joins the slices.
#include "command.h"

#include "core/config/scenariojson.h"
#include "core/live/shutdownsignals.h"
#include "core/sweep/sweepmerge.h"
#include "core/sweep/sweeprunner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSaveFile>
#include <QTimer>

#include <unistd.h>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage
    = "Usage: rwb sweep SCENARIO.json --param POINTER=SPEC [--param ...] [--grid | --random N | --lhs N]\n"
      "                 [--design-seed N] [--seeds K] [--shard K/N] [--threads N] [--out FILE] [--quiet]\n"
      "       rwb sweep merge SHARD.jsonl... [--out FILE]\n"
      "\n"
      "Runs the scenario once per point of the design and seed, on every core, and writes one JSON line per\n"
      "run: the sweep id, the point, the seed, the parameter values and the run summary (docs/sweeps.md).\n"
      "Lines come in point order, then seed order, whatever the number of threads.\n"
      "\n"
      "  --param P=SPEC   a JSON pointer into the scenario and its values:\n"
      "                     2..20  every integer      0.05..2:8  8 steps      0.01..10:7:log  log steps\n"
      "                     1,2,5  a list             full,none  strings      true,false\n"
      "  --grid           every combination of the parameters' values (the default)\n"
      "  --random N       N points drawn uniformly (log-uniformly for :log ranges)\n"
      "  --lhs N          N points of a Latin hypercube\n"
      "  --design-seed N  the draws of --random and --lhs (default 1)\n"
      "  --seeds K        run each point with the scenario's seed and the K-1 following ones (default 1)\n"
      "  --shard K/N      run only slice K (0-based) of N: tasks whose number modulo N is K\n"
      "  --threads N      worker threads (default: one per core)\n"
      "  --out FILE       write the lines to FILE (default: standard output); finished lines are flushed\n"
      "                   as they come, so Ctrl+C keeps them\n"
      "  --quiet          no progress bar\n"
      "\n"
      "merge joins the outputs of the shards of one sweep into the lines the unsharded sweep writes, byte\n"
      "for byte; it refuses files of different sweeps.\n"
      "\n"
      "Exit codes: 0 ok, 1 runtime error (merge: shards missing), 2 bad input, 130 interrupted.\n";

struct SweepArgs {
    QString scenario;
    QStringList params;
    SweepDesign design;
    int seeds = 1;
    SweepShard shard;
    int threads = 0;
    QString out;
    bool quiet = false;
    bool help = false;
};

bool positiveInt(const QString& text, int& value)
{
    bool ok = false;
    value = text.toInt(&ok);
    return ok && value > 0;
}

bool parseArgs(const QStringList& args, SweepArgs& out, QString& error)
{
    QStringList positional;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        QString v;
        const auto value = [&] {
            if (i + 1 >= args.size()) {
                error = QStringLiteral("option %1 needs a value").arg(a);
                return false;
            }
            v = args[++i];
            return true;
        };
        const auto count = [&](int& target) {
            if (!value())
                return false;
            if (!positiveInt(v, target)) {
                error = QStringLiteral("%1 expects a positive integer, got \"%2\"").arg(a, v);
                return false;
            }
            return true;
        };
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            out.help = true;
        } else if (a == QLatin1String("--quiet")) {
            out.quiet = true;
        } else if (a == QLatin1String("--param")) {
            if (!value())
                return false;
            out.params << v;
        } else if (a == QLatin1String("--grid")) {
            out.design.kind = SweepDesign::Kind::Grid;
        } else if (a == QLatin1String("--random") || a == QLatin1String("--lhs")) {
            out.design.kind = a == QLatin1String("--lhs") ? SweepDesign::Kind::Lhs : SweepDesign::Kind::Random;
            if (!count(out.design.samples))
                return false;
        } else if (a == QLatin1String("--design-seed")) {
            if (!value())
                return false;
            bool ok = false;
            out.design.designSeed = v.toULongLong(&ok);
            if (!ok) {
                error = QStringLiteral("--design-seed expects a non-negative integer, got \"%1\"").arg(v);
                return false;
            }
        } else if (a == QLatin1String("--seeds")) {
            if (!count(out.seeds))
                return false;
        } else if (a == QLatin1String("--threads")) {
            if (!count(out.threads))
                return false;
        } else if (a == QLatin1String("--shard")) {
            if (!value())
                return false;
            const auto shard = SweepShard::parse(v, &error);
            if (!shard)
                return false;
            out.shard = *shard;
        } else if (a == QLatin1String("--out")) {
            if (!value())
                return false;
            out.out = v;
        } else if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            error = unknownOption(a, kUsage);
            return false;
        } else {
            positional << a;
        }
    }
    if (out.help)
        return true;
    if (positional.size() != 1) {
        error = positional.isEmpty()
            ? QStringLiteral("missing SCENARIO.json")
            : QStringLiteral("expected one scenario file, got %1 arguments").arg(positional.size());
        return false;
    }
    if (out.params.isEmpty()) {
        error = QStringLiteral("no --param POINTER=SPEC given");
        return false;
    }
    out.scenario = positional.first();
    return true;
}

QString clock(double seconds)
{
    const int s = int(seconds + 0.5);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void printProgress(int done, int total, double elapsedSeconds)
{
    constexpr int kWidth = 30;
    const int filled = total ? done * kWidth / total : kWidth;
    const QString eta = done ? clock(elapsedSeconds * double(total - done) / double(done)) : QStringLiteral("--:--");
    err() << "\r[" << QString(filled, QLatin1Char('#')) << QString(kWidth - filled, QLatin1Char('.')) << "] " << done
          << '/' << total << "  elapsed " << clock(elapsedSeconds) << "  ETA " << eta << "  " << Qt::flush;
}

int runMerge(const QStringList& args)
{
    QStringList files;
    QString outPath;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--out") && i + 1 < args.size()) {
            outPath = args[++i];
        } else if (args[i] == QLatin1String("--help") || args[i] == QLatin1String("-h")) {
            out() << kUsage;
            return Ok;
        } else if (args[i].startsWith(QLatin1Char('-'))) {
            return usageError("sweep merge", QStringLiteral("unknown option or missing value \"%1\"").arg(args[i]),
                              kUsage);
        } else {
            files << args[i];
        }
    }
    if (files.isEmpty()) {
        return usageError("sweep merge", QStringLiteral("no shard file given"), kUsage);
    }
    QList<QPair<QString, QByteArray>> contents;
    for (const QString& path : files) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            err() << "rwb sweep merge: " << path << ": " << f.errorString() << '\n';
            return BadInput;
        }
        contents.append({ path, f.readAll() });
    }
    const SweepMerge merged = SweepMerge::merge(contents);
    if (!merged.errors.isEmpty()) {
        for (const QString& e : merged.errors)
            err() << "rwb sweep merge: " << e << '\n';
        return BadInput;
    }
    if (outPath.isEmpty()) {
        out() << QString::fromUtf8(merged.lines) << Qt::flush;
    } else {
        QSaveFile f(outPath);
        if (!f.open(QIODevice::WriteOnly) || f.write(merged.lines) != merged.lines.size() || !f.commit()) {
            err() << "rwb sweep merge: cannot write " << outPath << ": " << f.errorString() << '\n';
            return RuntimeError;
        }
    }
    if (!merged.complete()) {
        err() << "rwb sweep merge: " << merged.expected - merged.tasks << " of " << merged.expected
              << " runs missing: is a shard absent or unfinished?\n";
        return RuntimeError;
    }
    return Ok;
}

int runSweep(const QStringList& args)
{
    if (args.value(0) == QLatin1String("merge"))
        return runMerge(args.mid(1));
    SweepArgs parsed;
    QString error;
    if (!parseArgs(args, parsed, error)) {
        return usageError("sweep", error, kUsage);
    }
    if (parsed.help) {
        out() << kUsage;
        return Ok;
    }
    const ScenarioLoad loaded = scenariojson::loadFile(parsed.scenario);
    if (reportLoadErrors(loaded))
        return BadInput;
    std::vector<SweepParameter> parameters;
    for (const QString& text : parsed.params) {
        const auto p = SweepParameter::parse(text, &error);
        if (!p) {
            err() << "rwb sweep: " << error << '\n';
            return BadInput;
        }
        parameters.push_back(*p);
    }
    LoadErrors errors;
    const auto plan = SweepPlan::create(*loaded.scenario, std::move(parameters), parsed.design, parsed.seeds, &errors);
    if (!plan) {
        for (LoadError e : errors) {
            e.file = parsed.scenario;
            err() << e.toString() << '\n';
        }
        return BadInput;
    }

    QFile file;
    if (parsed.out.isEmpty() ? !file.open(stdout, QIODevice::WriteOnly)
                             : (file.setFileName(parsed.out), !file.open(QIODevice::WriteOnly | QIODevice::Truncate))) {
        err() << "rwb sweep: cannot write " << parsed.out << ": " << file.errorString() << '\n';
        return RuntimeError;
    }
    SweepRunner runner(*plan, plan->tasks(parsed.shard), parsed.threads);
    const bool progress = !parsed.quiet && isatty(STDERR_FILENO);
    int errorLines = 0;
    const auto write = [&](const std::vector<SweepRecord>& records) {
        for (const SweepRecord& r : records) {
            file.write(r.line);
            errorLines += r.loadFailed ? 1 : 0;
        }
        file.flush();
    };

    QElapsedTimer elapsed;
    elapsed.start();
    ShutdownSignals shutdown;
    bool interrupted = false;
    QEventLoop loop;
    QObject::connect(&shutdown, &ShutdownSignals::received, &loop, [&](int) {
        interrupted = true;
        runner.cancel();
    });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        write(runner.takeReady());
        if (progress)
            printProgress(runner.finishedCount(), runner.total(), double(elapsed.elapsed()) / 1000.0);
        if (runner.isDone())
            loop.quit();
    });
    runner.start();
    poll.start(100);
    loop.exec();
    runner.wait();
    write(runner.takeReady());
    write(runner.takeFinished()); // after an interrupt: the finished lines past the first gap
    file.close();
    if (progress)
        err() << '\n';
    if (!parsed.quiet) {
        err() << "rwb sweep: " << runner.finishedCount() << " of " << runner.total() << " runs ("
              << plan->points().size() << " points x " << plan->seedCount() << " seeds";
        if (parsed.shard.count > 1)
            err() << ", shard " << parsed.shard.index << '/' << parsed.shard.count;
        err() << ") in " << QString::number(double(elapsed.elapsed()) / 1000.0, 'f', 1) << " s, sweep " << plan->id()
              << '\n';
        if (errorLines)
            err() << "rwb sweep: " << errorLines << " points did not load (their lines carry \"error\")\n";
    }
    return interrupted ? Interrupted : Ok;
}

const Registrar reg({ QStringLiteral("sweep"),
    QStringLiteral("run a scenario over a grid / random / LHS design of parameter values; merge shards"), &runSweep });

} // namespace
