// UI responsiveness probe: how late does the GUI event loop get while the workbench re-simulates on
// every edit (a slider storm on a 1-hour scenario) and during a live run? A 2 ms QTimer measures its
// own lateness; the longest lateness is the longest stall a user would feel. Also prints the edit ->
// redraw latency of single edits. Run with QT_QPA_PLATFORM=offscreen.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "ui/livecontroller.h"
#include "ui/mainwindow.h"
#include "ui/scenariodocument.h"
#include "ui/simulationcontroller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace rwb;

namespace {

/// Measures event-loop lateness with a short periodic timer while it runs.
class StallProbe {
public:
    explicit StallProbe(int intervalMs = 2)
        : m_interval(intervalMs)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(intervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0)
                m_worst = std::max(m_worst, (now - m_last) / 1e6 - m_interval);
            m_last = now;
        });
    }
    void start()
    {
        m_worst = 0;
        m_last = -1;
        m_clock.start();
        m_timer.start();
    }
    double stop()
    {
        m_timer.stop();
        return m_worst;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_interval;
    qint64 m_last = -1;
    double m_worst = 0;
};

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

QJsonObject hourScenario()
{
    const ScenarioLoad load = demos::load(QStringLiteral("outage-recovery"));
    if (!load.ok())
        return {};
    QJsonObject json = scenariojson::toJson(*load.scenario);
    json.insert(QStringLiteral("duration"), 3600);
    return json;
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    const QJsonObject scenario = hourScenario();
    if (scenario.isEmpty()) {
        std::fprintf(stderr, "bench_ui: the outage-recovery demo is not available\n");
        return 1;
    }
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    QObject::connect(&window, &MainWindow::runApplied, [] {});

    // 1. Edit -> redraw latency on the 1-hour scenario (200 requests/s, 2 services).
    window.openScenarioJson(QJsonDocument(scenario).toJson(), QStringLiteral("hour.json"));
    {
        QEventLoop loop;
        QObject::connect(&window, &MainWindow::runApplied, &loop, &QEventLoop::quit);
        loop.exec();
    }
    const QString threshold = QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold");
    std::vector<double> latencies;
    std::vector<double> runTimes;
    for (int i = 0; i < 15; ++i) {
        QElapsedTimer t;
        QEventLoop loop;
        auto c = QObject::connect(&window, &MainWindow::runApplied, &loop, [&](const SimulationRun& run) {
            if (run.revision == window.document()->revision()) {
                runTimes.push_back(std::chrono::duration<double, std::milli>(run.elapsed).count());
                loop.quit();
            }
        });
        t.start();
        window.document()->setValue(threshold, 5 + i % 7, QStringLiteral("bench"));
        loop.exec();
        latencies.push_back(t.nsecsElapsed() / 1e6);
        QObject::disconnect(c);
    }
    std::sort(latencies.begin(), latencies.end());
    std::sort(runTimes.begin(), runTimes.end());
    std::printf("edit -> redraw, 1 h scenario (debounce 40 ms included): median %.1f ms, max %.1f ms "
                "(simulation alone: median %.1f ms)\n",
        latencies[latencies.size() / 2], latencies.back(), runTimes[runTimes.size() / 2]);

    // 2. Re-simulation storm: an edit every 5 ms for 3 s (a slider being dragged), stall probe running,
    //    on the 1-hour scenario and on the 5-minute demo as shipped.
    const auto runStorm = [&](const char* label) {
        StallProbe probe;
        probe.start();
        int edits = 0;
        QTimer storm;
        storm.setInterval(5);
        QObject::connect(&storm, &QTimer::timeout, [&] {
            window.document()->setValue(threshold, 3 + edits % 20, QStringLiteral("bench"), 4242);
            ++edits;
        });
        storm.start();
        spin(3000);
        storm.stop();
        spin(1500); // let the last run land and redraw
        std::printf("re-simulation storm, %s: %d edits in 3 s, longest UI stall %.1f ms\n", label, edits, probe.stop());
    };
    runStorm("1 h scenario");
    window.openDemo(QStringLiteral("outage-recovery"));
    spin(1000);
    runStorm("5 min demo");

    // 3. Live run: 20 s of the demo in real time against the mock HTTP services.
    QJsonObject live = scenario;
    live.insert(QStringLiteral("duration"), 20);
    live.insert(QStringLiteral("drain_limit"), 5);
    window.openScenarioJson(QJsonDocument(live).toJson(), QStringLiteral("live.json"));
    window.setMode(MainWindow::Mode::Live);
    QString error;
    StallProbe probe;
    probe.start();
    if (!window.live()->start(live, &error)) {
        std::fprintf(stderr, "bench_ui: live run failed: %s\n", qPrintable(error));
        return 1;
    }
    {
        QEventLoop loop;
        QObject::connect(window.live(), &LiveController::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    std::printf("live run (20 s, ~200 requests/s over loopback HTTP): longest UI stall %.1f ms\n", probe.stop());
    return 0;
}
