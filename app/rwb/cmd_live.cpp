// rwb live: run a scenario for real over HTTP on loopback and print the same summary as `rwb simulate`.
#include "command.h"
#include "simulatecommon.h"

#include "core/clock/systemclock.h"
#include "core/config/jsonreader.h"
#include "core/config/scenariojson.h"
#include "core/run/runmetrics.h"
#include "core/live/descriptorlimit.h"
#include "core/live/liverunner.h"
#include "core/live/mockservicegroup.h"
#include "core/live/shutdownsignals.h"

#include <QCoreApplication>
#include <QTimer>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage
    = "Usage: rwb live SCENARIO.json [--duration D] [--out EVENTS.jsonl] [--json [--series]] [--seed N]\n"
      "                [--url SERVICE=URL]... [--port SERVICE=PORT]... [--drain D]\n"
      "\n"
      "Runs the scenario in real time: each service is started as an HTTP mock server on 127.0.0.1\n"
      "(or called at the loopback URL given with --url), and the clients call it through their\n"
      "pipelines with real sockets. Prints the same summary as `rwb simulate`. Ctrl+C (or SIGTERM) stops\n"
      "early and prints what was measured so far, marked interrupted (JSON: \"interrupted\": true, with\n"
      "the traffic time that really passed in duration_s), and exits with 130.\n"
      "\n"
      "  --duration D          traffic duration, e.g. 30s, 2m (default: the scenario's duration)\n"
      "  --out FILE            write every event to FILE as JSONL (workbench log format)\n"
      "  --json                print the summary as JSON instead of a table (docs/run-format.md)\n"
      "  --series              with --json: add the per-second series of every pipeline and service\n"
      "  --seed N              use seed N instead of the scenario's (jitter, arrivals)\n"
      "  --url SERVICE=URL     call your own service at URL (loopback only) instead of a mock\n"
      "  --port SERVICE=PORT   fixed port for the mock of SERVICE (default: ephemeral)\n"
      "  --drain D             how long in-flight calls may finish after the traffic (default:\n"
      "                        the scenario's drain_limit, at most 30s)\n"
      "\n"
      "Exit codes: 0 ok, 2 bad input (bad options, invalid scenario), 1 runtime error, 130 interrupted.\n";

struct LiveArgs {
    SimulateArgs common; // positional, seed, out, json, series, help: shared with the summary printer
    std::optional<Duration> duration;
    std::optional<Duration> drain;
    std::map<QString, QUrl> urls;
    std::map<QString, quint16> ports;
};

bool parseDurationArg(const QString& option, const QString& value, std::optional<Duration>& out, QString& error)
{
    QString problem;
    out = JsonReader::parseDuration(QJsonValue(value), &problem);
    if (!out || *out <= Duration::zero()) {
        error = QStringLiteral("%1: %2").arg(
            option, problem.isEmpty() ? QStringLiteral("expected a duration > 0") : problem);
        return false;
    }
    return true;
}

bool parseArgs(QStringList args, LiveArgs& out, QString& error)
{
    // Take out the live-only options, then let the shared parser handle the rest.
    for (qsizetype i = 0; i < args.size();) {
        const QString a = args[i];
        const bool known = a == QLatin1String("--duration") || a == QLatin1String("--drain")
            || a == QLatin1String("--url") || a == QLatin1String("--port");
        if (!known) {
            ++i;
            continue;
        }
        if (i + 1 >= args.size()) {
            error = QStringLiteral("option %1 needs a value").arg(a);
            return false;
        }
        const QString v = args[i + 1];
        args.remove(i, 2);
        if (a == QLatin1String("--duration") && !parseDurationArg(a, v, out.duration, error))
            return false;
        if (a == QLatin1String("--drain") && !parseDurationArg(a, v, out.drain, error))
            return false;
        if (a == QLatin1String("--url") || a == QLatin1String("--port")) {
            const qsizetype eq = v.indexOf(QLatin1Char('='));
            if (eq <= 0) {
                error = QStringLiteral("%1 expects SERVICE=%2, got \"%3\"")
                            .arg(a, a == QLatin1String("--url") ? QStringLiteral("URL") : QStringLiteral("PORT"), v);
                return false;
            }
            const QString service = v.left(eq);
            const QString rest = v.mid(eq + 1);
            if (a == QLatin1String("--url")) {
                const QUrl url(rest);
                QString why;
                if (!LiveRunner::isLoopbackUrl(url, &why)) {
                    error = QStringLiteral("--url %1: %2").arg(service, why);
                    return false;
                }
                out.urls[service] = url;
            } else {
                bool ok = false;
                const uint port = rest.toUInt(&ok);
                if (!ok || port == 0 || port > 65535) {
                    error = QStringLiteral("--port expects SERVICE=PORT with a port in 1..65535, got \"%1\"").arg(v);
                    return false;
                }
                out.ports[service] = quint16(port);
            }
        }
    }
    return parseSimulateArgs(args, out.common, error, /*needsFile=*/true, kUsage);
}

int runLive(const QStringList& args)
{
    LiveArgs parsed;
    QString error;
    if (!parseArgs(args, parsed, error)) {
        return usageError("live", error, kUsage);
    }
    if (parsed.common.help) {
        out() << kUsage;
        return Ok;
    }
    // Catch SIGINT/SIGTERM from the start: one arriving during start-up is handled once the loop runs.
    ShutdownSignals shutdown;
    const ScenarioLoad loaded = scenariojson::loadFile(parsed.common.positional.first());
    if (reportLoadErrors(loaded))
        return BadInput;
    Scenario scenario = *loaded.scenario;
    for (const auto& [service, ignored] : parsed.urls)
        if (!scenario.service(service)) {
            err() << "rwb live: --url " << service << ": the scenario has no service \"" << service << "\"\n";
            return BadInput;
        }
    for (const auto& [service, ignored] : parsed.ports)
        if (!scenario.service(service)) {
            err() << "rwb live: --port " << service << ": the scenario has no service \"" << service << "\"\n";
            return BadInput;
        }
    if (parsed.duration)
        scenario.duration = *parsed.duration;
    scenario.drainLimit = parsed.drain.value_or(std::min<Duration>(scenario.drainLimit, std::chrono::seconds(30)));

    // Each in-process connection costs two descriptors: the runner's socket and the mock's.
    const int descriptorLimit = descriptors::raiseSoftLimitToHard();
    SystemClock clock;
    QSet<QString> external;
    for (const auto& [service, url] : parsed.urls)
        external.insert(service);
    MockServiceGroup mocks(&clock);
    mocks.setDescriptorBudget((descriptorLimit - MockServiceGroup::kReservedDescriptors) / 2);
    if (!mocks.start(scenario, parsed.ports, &error, {}, external)) {
        err() << "rwb live: " << error << '\n';
        return RuntimeError;
    }

    LiveRunOptions options;
    options.serviceUrls = mocks.urls();
    for (const auto& [service, url] : parsed.urls)
        options.serviceUrls[service] = url;
    options.seed = parsed.common.seed;
    options.clock = &clock;
    std::unique_ptr<JsonlWriter> log;
    KeyEventSink keyEvents;
    FanOutSink sink;
    sink.add(&keyEvents);
    options.sink = &sink;
    mocks.setEventSink(&sink);
    if (!parsed.common.out.isEmpty()) {
        log = openEventLog(clock, parsed.common.out);
        if (!log->lastError().isEmpty()) {
            err() << "rwb live: cannot write " << log->lastError() << '\n';
            return RuntimeError;
        }
        log->runStarted(scenario.name, parsed.common.seed.value_or(scenario.seed));
        sink.add(log.get());
    }

    std::unique_ptr<LiveRunner> runner;
    try {
        runner = std::make_unique<LiveRunner>(scenario, options);
    } catch (const InvalidConfig& e) {
        for (const auto& f : e.errors())
            err() << "/" << f.field << ": " << f.message << '\n';
        return BadInput;
    }
    mocks.setMetricsProvider([r = runner.get()] { return r->prometheusText(); });
    mocks.setBreakerControl(
        [r = runner.get()](const QByteArray& method, const QByteArray& body) { return r->breakerControl(method, body); });

    if (!parsed.common.json) {
        err() << "rwb live: " << toSeconds(scenario.duration) << " s of traffic against:\n";
        for (const auto& [service, url] : options.serviceUrls)
            err() << "  " << service.leftJustified(20) << ' ' << url.toString()
                  << (parsed.urls.count(service) ? QStringLiteral("  (yours)") : QStringLiteral("  (mock)")) << '\n';
        err().flush();
    }

    QObject::connect(runner.get(), &LiveRunner::finished, qApp, [] { QCoreApplication::exit(0); });
    bool interrupted = false;
    QObject::connect(&shutdown, &ShutdownSignals::received, qApp, [&] {
        interrupted = true;
        runner->stop();
    });
    QTimer progress;
    if (!parsed.common.json) {
        QObject::connect(&progress, &QTimer::timeout, qApp, [&] {
            err() << "  ... " << QString::number(toSeconds(clock.now().time_since_epoch()), 'f', 0) << " s, "
                  << runner->inFlight() << " in flight\n";
            err().flush();
        });
        progress.start(5000);
    }
    mocks.startSchedules(clock.now());
    runner->start();
    QCoreApplication::exec();
    progress.stop();
    mocks.close();

    if (log && !log->commit()) {
        err() << "rwb live: writing " << parsed.common.out << " failed: " << log->lastError() << '\n';
        return RuntimeError;
    }
    if (interrupted) {
        err() << "rwb live: interrupted after " << QString::number(toSeconds(runner->result().duration), 'f', 1)
              << " s of traffic\n";
        err().flush();
        if (!parsed.common.json)
            out() << "Interrupted: partial results.\n";
    }
    printRunSummary(scenario, runner->result(), parsed.common, { runjson::Source::Live, log != nullptr, &keyEvents.events() });
    return interrupted ? Interrupted : Ok;
}

const Registrar reg({ QStringLiteral("live"),
    QStringLiteral("run a scenario for real over HTTP on loopback and summarise it"), &runLive });

} // namespace
