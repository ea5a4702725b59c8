#include "simulatecommon.h"

#include "command.h"

#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/log/eventcodec.h"
#include "core/sim/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>

namespace rwb::cli {

namespace {

QJsonObject summaryJson(const PipelineSummary& s)
{
    const auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    return {{QStringLiteral("requests"), double(s.requests)}, {QStringLiteral("succeeded"), double(s.succeeded)},
        {QStringLiteral("failed"), double(s.failed)}, {QStringLiteral("rejected"), double(s.rejected)},
        {QStringLiteral("fallbacks"), double(s.fallbacks)}, {QStringLiteral("unfinished"), double(s.unfinished)},
        {QStringLiteral("attempts"), double(s.attempts)}, {QStringLiteral("retries"), double(s.retries)},
        {QStringLiteral("timeouts"), double(s.timeouts)}, {QStringLiteral("breaker_rejections"), double(s.breakerRejections)},
        {QStringLiteral("breaker_transitions"), double(s.breakerTransitions)},
        {QStringLiteral("retry_amplification"), round3(s.retryAmplification())},
        {QStringLiteral("success_rate"), round3(s.successRate())},
        {QStringLiteral("last_finish_s"), round3(s.lastFinishMs / 1000.0)},
        {QStringLiteral("latency_ms"),
            QJsonObject {{QStringLiteral("mean"), round3(s.latencyMeanMs)}, {QStringLiteral("p50"), round3(s.latencyP50Ms)},
                {QStringLiteral("p95"), round3(s.latencyP95Ms)}, {QStringLiteral("p99"), round3(s.latencyP99Ms)},
                {QStringLiteral("max"), round3(s.latencyMaxMs)}}}};
}

QString cell(double v, int width, int decimals = 0) { return QString::number(v, 'f', decimals).rightJustified(width); }

} // namespace

bool parseSimulateArgs(const QStringList& args, SimulateArgs& out, QString& error, bool needsFile)
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
            error = QStringLiteral("unknown option \"%1\"").arg(a);
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

int simulateAndReport(const Scenario& scenario, const SimulateArgs& args, const QString& command)
{
    std::unique_ptr<JsonlFileSink> sink;
    if (!args.out.isEmpty()) {
        sink = std::make_unique<JsonlFileSink>(args.out);
        if (!sink->open(scenario.name, args.seed.value_or(scenario.seed))) {
            err() << "rwb " << command << ": cannot write " << args.out << ": " << sink->errorString() << '\n';
            return RuntimeError;
        }
    }
    SimulationOptions options;
    options.seed = args.seed;
    options.sink = sink.get();
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
        err() << "rwb " << command << ": writing " << args.out << " failed: " << sink->errorString() << '\n';
        return RuntimeError;
    }
    printRunSummary(scenario, result, args, sink != nullptr);
    return Ok;
}

void printRunSummary(const Scenario& scenario, const RunResult& result, const SimulateArgs& args, bool eventsWritten)
{
    if (args.json) {
        QJsonArray pipelines;
        for (const auto& p : result.pipelines) {
            QJsonObject o = summaryJson(p.summary);
            o[QStringLiteral("name")] = p.name;
            o[QStringLiteral("service")] = p.service;
            pipelines.append(o);
        }
        QJsonArray services;
        for (const auto& s : result.services)
            services.append(QJsonObject {{QStringLiteral("name"), s.name}, {QStringLiteral("arrivals"), double(s.arrivals)},
                {QStringLiteral("overloaded"), double(s.overloaded)}, {QStringLiteral("max_concurrency"), double(s.maxConcurrency)},
                {QStringLiteral("mean_busy_workers"), std::round(s.meanBusyWorkers * 1000.0) / 1000.0},
                {QStringLiteral("mean_in_system"), std::round(s.meanInSystem * 1000.0) / 1000.0}});
        QJsonObject doc {{QStringLiteral("scenario"), scenario.name}, {QStringLiteral("seed"), double(result.seed)},
            {QStringLiteral("duration_s"), toSeconds(result.duration)},
            {QStringLiteral("simulated_s"), toSeconds(result.simulatedUntil)},
            {QStringLiteral("interrupted"), result.cancelled}, {QStringLiteral("pipelines"), pipelines},
            {QStringLiteral("services"), services}, {QStringLiteral("totals"), summaryJson(result.total())}};
        if (eventsWritten)
            doc[QStringLiteral("events")] = double(result.events);
        out() << QJsonDocument(doc).toJson(QJsonDocument::Indented);
        return;
    }

    out() << "Scenario: " << (scenario.name.isEmpty() ? QStringLiteral("(unnamed)") : scenario.name) << "  seed "
          << result.seed << "  " << toSeconds(result.duration) << " s of traffic (" << toSeconds(result.simulatedUntil)
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
        if (p.summary.unfinished > 0)
            out() << "note: " << p.name << ": " << p.summary.unfinished << " requests still running at the drain limit\n";
    out() << '\n';
    for (const auto& s : result.services)
        out() << "service " << s.name << ": " << s.arrivals << " attempts arrived, " << s.overloaded
              << " refused for capacity, peak concurrency " << s.maxConcurrency << ", mean busy workers "
              << QString::number(s.meanBusyWorkers, 'f', 2) << '\n';
    if (eventsWritten)
        out() << result.events << " events written to " << args.out << '\n';
}

} // namespace rwb::cli
