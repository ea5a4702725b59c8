// UI responsiveness probe: how late does the GUI event loop get while the workbench re-simulates on
// every edit (a slider storm on a 1-hour scenario) and during a live run? A 2 ms QTimer measures its
// own lateness; the longest lateness is the longest stall a user would feel. Also prints the edit ->
// redraw latency of single edits. Run with QT_QPA_PLATFORM=offscreen.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "tests/bench/uiprobe.h"
#include "ui/charts/breakerstatechart.h"
#include "ui/charts/bucketchart.h"
#include "ui/run/livecontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/charts/resultsview.h"
#include "ui/charts/retrydelaychart.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/simulationcontroller.h"

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
using bench::printSlowest;
using bench::spin;
using bench::StallProbe;
using bench::TimedApplication;

namespace {

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
    TimedApplication app(argc, argv);
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
    ResultsView* results = window.resultsView();
    const std::vector<ChartView*> charts { results->breakerChart(), results->retryChart(), results->trafficChart(),
        results->latencyChart() };
    for (int i = 0; i < 15; ++i) {
        QElapsedTimer t;
        QEventLoop loop;
        auto c = QObject::connect(&window, &MainWindow::runApplied, &loop, [&](const SimulationRun& run) {
            if (run.revision == window.document()->revision()) {
                runTimes.push_back(std::chrono::duration<double, std::milli>(run.elapsed).count());
                loop.quit();
            }
        });
        std::vector<int> refreshes;
        for (const ChartView* chart : charts)
            refreshes.push_back(chart->refreshCount());
        t.start();
        window.document()->setValue(threshold, 5 + i % 7, QStringLiteral("bench"));
        loop.exec();
        // ... then until every chart has refreshed its series and the window is painted
        for (std::size_t k = 0; k < charts.size(); ++k)
            while (charts[k]->refreshCount() == refreshes[k])
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        window.repaint();
        latencies.push_back(t.nsecsElapsed() / 1e6);
        QObject::disconnect(c);
        spin(100); // a user's next click comes after a pause
    }
    std::sort(latencies.begin(), latencies.end());
    std::sort(runTimes.begin(), runTimes.end());
    std::printf("edit -> charts refreshed and painted, 1 h scenario: median %.1f ms, max %.1f ms "
                "(simulation alone: median %.1f ms)\n",
        latencies[latencies.size() / 2], latencies.back(), runTimes[runTimes.size() / 2]);
    printSlowest(app);
    {
        const RetryDelayChart* retries = window.resultsView()->retryChart();
        int drawn = 0;
        for (int g = 0; g < RetryDelayChart::kGroups; ++g)
            drawn += retries->drawnPoints(g);
        std::printf("    retry chart: %zu retries, %d drawn\n", retries->retryCount(), drawn);
    }

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
        printSlowest(app);
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
    printSlowest(app);
    return 0;
}
