// rwb fidelity: the simulator's queueing figures and jitter distributions checked against theory.
#include "command.h"

#include "core/sim/fidelity.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage = "Usage: rwb fidelity [--json] [--customers N]\n"
                           "\n"
                           "Runs reference cases through the simulator and compares them with queueing theory:\n"
                           "M/M/1 mean and p95 (rho 0.5, 0.8, 0.9), M/D/1 and M/G/1 means (Pollaczek-Khinchine),\n"
                           "M/M/c mean (Erlang C), M/M/c/K blocking and mean, Little's law, and the full, equal and\n"
                           "decorrelated jitter distributions (Kolmogorov-Smirnov). Prints simulated value, theory,\n"
                           "relative error and pass/fail per check (docs/fidelity.md explains each). Exits 0 when\n"
                           "every check passes, 1 otherwise, 2 on bad arguments.\n"
                           "\n"
                           "  --json         one JSON document instead of the table\n"
                           "  --customers N  requests per queueing case (default 4000000; x3 near saturation)\n";

int runFidelityCommand(const QStringList& args)
{
    FidelityOptions options;
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            out() << kUsage;
            return Ok;
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--customers") && i + 1 < args.size()) {
            bool ok = false;
            options.customers = args[++i].toLongLong(&ok);
            if (!ok || options.customers < 1000 || options.customers > 100'000'000) {
                err() << "rwb fidelity: --customers: expected an integer in [1000, 100000000], got \"" << args[i] << "\"\n";
                return BadInput;
            }
        } else {
            return usageError("fidelity", unknownOption(a, kUsage), kUsage);
        }
    }
    if (!json)
        options.progress = [](int done, int total) { err() << "\r  " << done << "/" << total << " cases" << Qt::flush; };
    const std::vector<FidelityCheck> checks = runFidelity(options);
    bool allPassed = true;
    for (const auto& c : checks)
        allPassed = allPassed && c.passed;
    if (json) {
        QJsonArray list;
        for (const auto& c : checks)
            list.append(c.toJson());
        const QJsonObject doc {{QStringLiteral("customers"), qint64(options.customers)},
            {QStringLiteral("passed"), allPassed}, {QStringLiteral("checks"), list}};
        out() << QJsonDocument(doc).toJson(QJsonDocument::Indented);
        return allPassed ? Ok : RuntimeError;
    }
    err() << "\n";
    out() << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                 .arg(QStringLiteral("model"), -34)
                 .arg(QStringLiteral("figure"), -22)
                 .arg(QStringLiteral("simulated"), 10)
                 .arg(QStringLiteral("theory"), 10)
                 .arg(QStringLiteral("error"), 9)
                 .arg(QStringLiteral("result"));
    for (const auto& c : checks) {
        const bool ks = c.figure.startsWith(QLatin1String("KS"));
        const int decimals = ks || std::abs(c.theory) < 1.0 ? 4 : 2; // probabilities need more digits
        const QString error = ks ? QStringLiteral("D=%1").arg(c.error, 0, 'f', 4) : QStringLiteral("%1 %").arg(c.error * 100, 0, 'f', 2);
        const QString limit = ks ? QStringLiteral("p > %1").arg(c.tolerance) : QStringLiteral("<= %1 %").arg(c.tolerance * 100);
        out() << QStringLiteral("%1  %2  %3  %4  %5  %6 (%7)\n")
                     .arg(c.model, -34)
                     .arg(c.figure, -22)
                     .arg(c.simulated, 10, 'f', decimals)
                     .arg(ks ? QStringLiteral("-") : QString::number(c.theory, 'f', decimals), 10)
                     .arg(error, 9)
                     .arg(c.passed ? QStringLiteral("pass") : QStringLiteral("FAIL"), limit);
    }
    out() << (allPassed ? "all checks passed\n" : "some checks FAILED\n");
    return allPassed ? Ok : RuntimeError;
}

const Registrar reg({QStringLiteral("fidelity"), QStringLiteral("check the simulator against queueing theory"),
    &runFidelityCommand});

} // namespace
