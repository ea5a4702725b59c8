#include "simulatecommon.h"

#include "command.h"

#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/log/eventcodec.h"
#include "core/run/runmetrics.h"
#include "core/sim/simulator.h"

#include "core/run/runsummaryjson.h"

#include <QJsonDocument>
#include <QSaveFile>

namespace rwb::cli {

namespace {

QString cell(double v, int width, int decimals = 0) { return QString::number(v, 'f', decimals).rightJustified(width); }

} // namespace

bool parseSimulateArgs(const QStringList& args, SimulateArgs& out, QString& error, bool needsFile, const char* usage)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        const auto value = [&](QString& v) {
            if (i + 1 >= args.size()) {
                error = QStringLiteral("option %1 needs a value").arg(a);
                return false;
            }
            v = args[++i];
            return true;
        };
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            out.help = true;
        } else if (a == QLatin1String("--json")) {
            out.json = true;
        } else if (a == QLatin1String("--series")) {
            out.series = true;
        } else if (a == QLatin1String("--seed")) {
            QString v;
            if (!value(v))
                return false;
            bool ok = false;
            const qulonglong seed = v.toULongLong(&ok);
            if (!ok) {
                error = QStringLiteral("--seed expects a non-negative integer, got \"%1\"").arg(v);
                return false;
            }
            out.seed = seed;
        } else if (a == QLatin1String("--out")) {
            if (!value(out.out))
                return false;
        } else if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            error = unknownOption(a, usage);
            return false;
        } else {
            out.positional << a;
        }
    }
    if (out.help)
        return true;
    if (needsFile && out.positional.size() != 1) {
        error = out.positional.isEmpty() ? QStringLiteral("missing SCENARIO.json")
                                         : QStringLiteral("expected one scenario file, got %1 arguments").arg(out.positional.size());
        return false;
    }
    return true;
}

std::unique_ptr<JsonlWriter> openEventLog(const Clock& clock, const QString& path)
{
    JsonlWriter::Options options;
    options.file = path;
    options.flush = JsonlWriter::FlushPolicy::Batched;
    options.batchBytes = 1 << 20;
    return std::make_unique<JsonlWriter>(clock, options);
}

int simulateAndReport(const Scenario& scenario, const SimulateArgs& args, const QString& command)
{
    // The log's timestamps: the simulation's fixed origin plus virtual time, as the GUI's recordings.
    const VirtualClock origin;
    std::unique_ptr<JsonlWriter> sink;
    if (!args.out.isEmpty()) {
        sink = openEventLog(origin, args.out);
        if (!sink->lastError().isEmpty()) {
            err() << "rwb " << command << ": cannot write " << sink->lastError() << '\n';
            return RuntimeError;
        }
        sink->runStarted(scenario.name, args.seed.value_or(scenario.seed));
    }
    KeyEventSink keyEvents;
    FanOutSink sinks;
    if (args.json) // only the JSON summary reads them (the exact time to detect)
        sinks.add(&keyEvents);
    if (sink)
        sinks.add(sink.get());
    SimulationOptions options;
    options.seed = args.seed;
    options.threads = args.threads;
    options.sink = sinks.empty() ? nullptr : &sinks; // no sink: the simulator builds no events at all
    RunResult result;
    try {
        result = Simulator::run(scenario, options);
    } catch (const InvalidConfig& e) {
        for (const auto& f : e.errors())
            err() << "/" << f.field << ": " << f.message << '\n';
        return BadInput;
    } catch (const std::exception& e) {
        err() << "rwb " << command << ": " << e.what() << '\n';
        return RuntimeError;
    }
    if (sink && !sink->commit()) {
        err() << "rwb " << command << ": writing " << args.out << " failed: " << sink->lastError() << '\n';
        return RuntimeError;
    }
    printRunSummary(scenario, result, args, { runjson::Source::Simulation, sink != nullptr, &keyEvents.events() });
    return Ok;
}

void printRunSummary(const Scenario& scenario, const RunResult& result, const SimulateArgs& args,
    const RunProvenance& provenance)
{
    if (args.json) {
        runjson::Options options;
        options.source = provenance.source;
        options.eventsWritten = provenance.eventsWritten;
        options.events = provenance.keyEvents;
        options.scenario = scenario.name;
        options.series = args.series;
        options.recordedSeed = provenance.recordedSeed;
        out() << QJsonDocument(runjson::toJson(result, options)).toJson(QJsonDocument::Indented);
        return;
    }

    const bool replay = provenance.source == runjson::Source::Replay;
    const QString seed = !replay                 ? QString::number(result.seed)
        : provenance.recordedSeed.has_value() ? QString::number(*provenance.recordedSeed)
                                              : QStringLiteral("unknown");
    out() << "Scenario: " << (scenario.name.isEmpty() ? QStringLiteral("(unnamed)") : scenario.name) << "  seed "
          << seed << "  " << toSeconds(result.duration) << " s of traffic (" << toSeconds(result.simulatedUntil)
          << " s simulated)\n";
    if (!scenario.lesson.isEmpty())
        out() << "Lesson: " << scenario.lesson << '\n';
    out() << '\n'
          << QStringLiteral("pipeline").leftJustified(24) << QStringLiteral("requests").rightJustified(10)
          << QStringLiteral("ok").rightJustified(10) << QStringLiteral("failed").rightJustified(9)
          << QStringLiteral("rejected").rightJustified(9) << QStringLiteral("fallback").rightJustified(9)
          << QStringLiteral("attempts").rightJustified(10) << QStringLiteral("ampl").rightJustified(6)
          << QStringLiteral("trans").rightJustified(6) << QStringLiteral("p50 ms").rightJustified(9)
          << QStringLiteral("p95 ms").rightJustified(9) << QStringLiteral("p99 ms").rightJustified(10)
          << QStringLiteral("done at s").rightJustified(10) << '\n';
    const auto row = [&](const QString& name, const PipelineSummary& s) {
        out() << name.left(23).leftJustified(24) << cell(double(s.requests), 10) << cell(double(s.succeeded), 10)
              << cell(double(s.failed), 9) << cell(double(s.rejected), 9) << cell(double(s.fallbacks), 9)
              << cell(double(s.attempts), 10) << cell(s.retryAmplification(), 6, 2) << cell(double(s.breakerTransitions), 6)
              << cell(s.latencyP50Ms, 9, 1) << cell(s.latencyP95Ms, 9, 1) << cell(s.latencyP99Ms, 10, 1)
              << cell(s.lastFinishMs / 1000.0, 10, 2) << '\n';
    };
    for (const auto& p : result.pipelines)
        row(p.name, p.summary);
    if (result.pipelines.size() > 1)
        row(QStringLiteral("total"), result.total());
    for (const auto& p : result.pipelines)
        if (p.summary.hedges > 0)
            out() << "note: " << p.name << ": " << p.summary.hedges << " hedged requests beyond its "
                  << p.summary.attempts << " attempts\n";
    for (const auto& p : result.pipelines)
        if (p.summary.unfinished > 0)
            out() << "note: " << p.name << ": " << p.summary.unfinished << " requests still running at the drain limit\n";
    out() << '\n';
    for (const auto& s : result.services)
        out() << "service " << s.name << ": " << s.arrivals << " attempts arrived, " << s.overloaded
              << " refused for capacity, peak concurrency " << s.maxConcurrency << ", mean busy workers "
              << QString::number(s.meanBusyWorkers, 'f', 2) << '\n';
    if (provenance.eventsWritten)
        out() << result.events << " events written to " << args.out << '\n';
}

} // namespace rwb::cli
