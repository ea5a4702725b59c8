// UI responsiveness probe: how late does the GUI event loop get while the workbench re-simulates on
// every edit (a slider storm on a 1-hour scenario) and during a live run? A 2 ms QTimer measures its
// own lateness; the longest lateness is the longest stall a user would feel. Also prints the edit ->
// redraw latency of single edits. Run with QT_QPA_PLATFORM=offscreen.
#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "ui/breakerstatechart.h"
#include "ui/bucketchart.h"
#include "ui/livecontroller.h"
#include "ui/mainwindow.h"
#include "ui/resultsview.h"
#include "ui/retrydelaychart.h"
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

/// Times every top-level event delivery on the GUI thread, so the probe's stalls can be traced to the
/// event (and receiver class) that caused them.
class TimedApplication final : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override
    {
        if (m_depth++ > 0) {
            const bool r = QApplication::notify(receiver, event);
            --m_depth;
            return r;
        }
        QElapsedTimer t;
        t.start();
        const int type = event->type();
        // a timer is named by its owner ("QTimer" alone says nothing)
        const QObject* named = receiver->parent() && receiver->inherits("QTimer") ? receiver->parent() : receiver;
        const char* cls = named->metaObject()->className();
        const bool r = QApplication::notify(receiver, event);
        const double ms = t.nsecsElapsed() / 1e6;
        --m_depth;
        if (ms > slowest.ms)
            slowest = {ms, cls, type};
        return r;
    }
    struct Slow {
        double ms = 0;
        const char* receiver = "";
        int type = 0;
    } slowest;

private:
    int m_depth = 0;
};

/// Prints and resets the slowest event delivery seen since the last call.
void printSlowest(TimedApplication& app)
{
    std::printf("    slowest GUI event: %.1f ms (%s, QEvent::Type %d)\n", app.slowest.ms, app.slowest.receiver,
        app.slowest.type);
    app.slowest = {};
}

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
