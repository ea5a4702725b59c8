// Sweep throughput: a 1,000-point grid over the 5-minute demo "outage-recovery" (failure threshold x
// recovery timeout), one seed per point, on every core, as `rwb sweep` runs it (lines included).
// Goal (issue 15): <= 10 s on the 2-core build machine. Prints figures; exits 1 when the goal is missed.
#include "core/config/demos.h"
#include "core/sweep/sweeprunner.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>
#include <thread>

using namespace rwb;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const ScenarioLoad demo = demos::load(QStringLiteral("outage-recovery"));
    if (!demo.ok()) {
        std::fprintf(stderr, "cannot load the demo\n");
        return 2;
    }
    QString error;
    std::vector<SweepParameter> parameters {
        *SweepParameter::parse(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold=1..40"), &error),
        *SweepParameter::parse(
            QStringLiteral("/pipelines/0/circuit_breaker/recovery_timeout=1.0..60.0:25:log"), &error),
    };
    LoadErrors errors;
    const auto plan = SweepPlan::create(*demo.scenario, std::move(parameters), {}, 1, &errors);
    if (!plan) {
        std::fprintf(stderr, "plan refused: %s\n", qPrintable(errors.front().toString()));
        return 2;
    }
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const auto start = std::chrono::steady_clock::now();
    const auto lines = SweepRunner::runAll(*plan, plan->tasks());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t bytes = 0;
    for (const QByteArray& line : lines)
        bytes += std::size_t(line.size());
    std::printf("sweep: %zu points of '%s' (%.0f s simulated each) on %u threads in %.2f s "
                "(%.1f ms per run per thread, %.1f MB of lines)\n",
        lines.size(), qPrintable(demo.scenario->name), toSeconds(demo.scenario->duration), cores, seconds,
        seconds * 1000.0 * cores / double(lines.size()), double(bytes) / 1e6);
    std::printf("goal: 1000 points in <= 10 s on 2 cores: %s\n", seconds <= 10.0 ? "met" : "MISSED");
    return lines.size() == 1000 && seconds <= 10.0 ? 0 : 1;
}
