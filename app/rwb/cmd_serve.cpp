// rwb serve: run a scenario's services as real HTTP mock servers on loopback until interrupted.
#include "command.h"

#include "core/clock/systemclock.h"
#include "core/config/jsonreader.h"
#include "core/config/scenariojson.h"
#include "core/live/descriptorlimit.h"
#include "core/live/mockservicegroup.h"
#include "core/live/shutdownsignals.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage
    = "Usage: rwb serve SCENARIO.json [--port SERVICE=PORT]... [--duration D] [--max-connections N] [--json]\n"
      "\n"
      "Starts every service of the scenario as an HTTP/1.1 mock server on 127.0.0.1 and prints its URL.\n"
      "Each service applies its fault profile and schedule in real time (latency, 500/503, 429 with\n"
      "Retry-After, resets, hangs, malformed bodies, outages). Runs until Ctrl+C or SIGTERM.\n"
      "\n"
      "  --port SERVICE=PORT    listen on a fixed port for SERVICE (default: an ephemeral port)\n"
      "  --duration D           stop after D, e.g. 30s, 2m (default: until interrupted)\n"
      "  --max-connections N    per service (default 1024; capped so that all services together stay\n"
      "                         below the descriptor limit, which is raised to its hard limit at start)\n"
      "  --json                 print the service URLs as one JSON object\n"
      "\n"
      "Every service also answers GET /_control/stats (JSON counters), GET|POST|DELETE /_control/fault\n"
      "(runtime fault changes, body in the scenario file's fault format, Content-Type: application/json)\n"
      "and GET /metrics (Prometheus), to loopback callers only (Host and Origin are checked).\n"
      "\n"
      "Exit codes: 0 ok, 2 bad input (bad options, invalid scenario), 1 runtime error (port in use).\n";

struct ServeArgs {
    QString file;
    std::map<QString, quint16> ports;
    std::optional<Duration> duration;
    int maxConnections = 1024;
    bool json = false;
    bool help = false;
};

bool parseArgs(const QStringList& args, ServeArgs& out, QString& error)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        auto value = [&]() -> std::optional<QString> {
            if (i + 1 >= args.size()) {
                error = QStringLiteral("option %1 needs a value").arg(a);
                return std::nullopt;
            }
            return args[++i];
        };
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            out.help = true;
        } else if (a == QLatin1String("--json")) {
            out.json = true;
        } else if (a == QLatin1String("--port")) {
            const auto v = value();
            if (!v)
                return false;
            const qsizetype eq = v->lastIndexOf(QLatin1Char('='));
            bool ok = false;
            const uint port = eq > 0 ? v->mid(eq + 1).toUInt(&ok) : 0;
            if (!ok || port == 0 || port > 65535) {
                error = QStringLiteral("--port expects SERVICE=PORT with a port in 1..65535, got \"%1\"").arg(*v);
                return false;
            }
            out.ports[v->left(eq)] = quint16(port);
        } else if (a == QLatin1String("--duration")) {
            const auto v = value();
            if (!v)
                return false;
            QString problem;
            out.duration = JsonReader::parseDuration(QJsonValue(*v), &problem);
            if (!out.duration || *out.duration <= Duration::zero()) {
                error = QStringLiteral("--duration: %1")
                            .arg(problem.isEmpty() ? QStringLiteral("expected a duration > 0") : problem);
                return false;
            }
        } else if (a == QLatin1String("--max-connections")) {
            const auto v = value();
            if (!v)
                return false;
            bool ok = false;
            out.maxConnections = v->toInt(&ok);
            if (!ok || out.maxConnections < 1) {
                error = QStringLiteral("--max-connections expects an integer >= 1, got \"%1\"").arg(*v);
                return false;
            }
        } else if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            error = unknownOption(a, kUsage);
            return false;
        } else if (out.file.isEmpty()) {
            out.file = a;
        } else {
            error = QStringLiteral("expected one scenario file, got \"%1\" too").arg(a);
            return false;
        }
    }
    if (!out.help && out.file.isEmpty()) {
        error = QStringLiteral("missing SCENARIO.json");
        return false;
    }
    return true;
}

int runServe(const QStringList& args)
{
    ServeArgs parsed;
    QString error;
    if (!parseArgs(args, parsed, error)) {
        return usageError("serve", error, kUsage);
    }
    if (parsed.help) {
        out() << kUsage;
        return Ok;
    }
    // Catch SIGINT/SIGTERM from the start: one arriving during start-up is handled once the loop runs.
    ShutdownSignals shutdown;
    const ScenarioLoad loaded = scenariojson::loadFile(parsed.file);
    if (reportLoadErrors(loaded))
        return BadInput;
    const Scenario& scenario = *loaded.scenario;
    for (const auto& [name, port] : parsed.ports) {
        if (!scenario.service(name)) {
            err() << "rwb serve: --port " << name << '=' << port << ": the scenario has no service \"" << name
                  << "\"\n";
            return BadInput;
        }
    }

    const int descriptorLimit = descriptors::raiseSoftLimitToHard();
    SystemClock clock;
    MockServiceGroup group(&clock);
    MockServiceOptions defaults;
    defaults.maxConnections = parsed.maxConnections;
    if (!group.start(scenario, parsed.ports, &error, defaults)) {
        err() << "rwb serve: " << error << '\n';
        return RuntimeError;
    }
    CallbackSink faultLog([](const Event& e) {
        out() << '[' << QString::number(toSeconds(e.time), 'f', 1).rightJustified(7) << " s] " << e.source
              << ": fault changed: " << e.text << '\n';
        out().flush();
    });
    group.setEventSink(&faultLog);
    group.startSchedules(clock.now());

    if (parsed.json) {
        QJsonObject urls;
        for (const auto& [name, url] : group.urls())
            urls.insert(name, url.toString());
        out() << QJsonDocument(QJsonObject { { QStringLiteral("services"), urls } }).toJson(QJsonDocument::Compact)
              << '\n';
    } else {
        out() << "Serving " << group.servers().size() << " mock service(s) of \""
              << (scenario.name.isEmpty() ? parsed.file : scenario.name) << "\" on loopback:\n";
        for (const auto& server : group.servers())
            out() << "  " << server->name().leftJustified(20) << ' ' << server->url().toString() << "   ("
                  << server->currentProfile().describe() << ")\n";
        const int perService = group.servers().empty() ? 0 : group.servers().front()->options().maxConnections;
        out() << "Up to " << perService << " connections per service (descriptor limit " << descriptorLimit << ").\n"
              << "Control: GET <url>_control/stats, POST|DELETE <url>_control/fault, GET <url>metrics\n"
              << (parsed.duration ? QStringLiteral("Stopping after %1 s.\n").arg(toSeconds(*parsed.duration))
                                  : QStringLiteral("Press Ctrl+C to stop.\n"));
    }
    out().flush();

    QObject::connect(&shutdown, &ShutdownSignals::received, qApp, [](int) { QCoreApplication::exit(0); });
    if (parsed.duration)
        QTimer::singleShot(
            std::chrono::ceil<std::chrono::milliseconds>(*parsed.duration), qApp, [] { QCoreApplication::exit(0); });
    QCoreApplication::exec();

    group.close();
    if (!parsed.json) {
        out() << "\nStopped. Per service: requests, by status, resets, hangs, malformed, bad requests\n";
        for (const auto& server : group.servers()) {
            const auto& s = server->stats();
            QStringList statuses;
            for (const auto& [status, count] : s.byStatus)
                statuses << QStringLiteral("%1x%2").arg(status).arg(count);
            out() << "  " << server->name().leftJustified(20) << ' ' << s.requests << "  ["
                  << statuses.join(QLatin1Char(' ')) << "]  " << s.resets << ' ' << s.hangs << ' ' << s.malformed << ' '
                  << s.badRequests << '\n';
        }
    }
    return Ok;
}

const Registrar reg({ QStringLiteral("serve"),
    QStringLiteral("run a scenario's services as HTTP mock servers on loopback"), &runServe });

} // namespace
