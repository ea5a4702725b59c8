// The main window end to end on the offscreen platform: open a scenario, tune a threshold through its
// widget, check the summary against the engine, undo, compare A/B, and refuse a broken file.
#include "core/config/scenariojson.h"
#include "core/sim/simulator.h"
#include "ui/charts/breakerstatechart.h"
#include "ui/charts/bucketchart.h"
#include "ui/run/comparemodel.h"
#include "ui/shell/comparecontroller.h"
#include "ui/shell/compareview.h"
#include "ui/shell/filecontroller.h"
#include "ui/editors/jsonarraymodel.h"
#include "ui/shell/mainwindow.h"
#include "ui/editors/parametercontrol.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/charts/resultsview.h"
#include "ui/charts/retrydelaychart.h"
#include "ui/document/scenariodocument.h"
#include "ui/editors/serviceseditor.h"
#include "ui/run/simulationcontroller.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QMimeData>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

using namespace rwb;

namespace {

const char* const Fixture = R"({
  "schema_version": 1,
  "name": "Test outage",
  "lesson": "A breaker stops the calls to a dead service.",
  "seed": 7,
  "duration": 60,
  "drain_limit": 30,
  "services": [
    {"name": "payments", "fault": {"error_rate": 0.0, "latency": {"distribution": "fixed", "value": 0.02},
      "outages": [{"start": 20, "end": 40, "error": "http_503"}]}}
  ],
  "pipelines": [
    {"name": "checkout", "service": "payments",
      "retry": {"max_attempts": 3, "backoff": {"strategy": "exponential", "base_delay": 0.1, "max_delay": 1, "jitter": "full"}},
      "circuit_breaker": {"trip_mode": "consecutive", "failure_threshold": 20, "recovery_timeout": 5, "success_threshold": 2}}
  ],
  "clients": [{"name": "web", "pipeline": "checkout", "arrival": {"process": "poisson", "rate": 50}}]
})";

const QString Checkout = QStringLiteral("checkout");

/// What the engine itself says about a scenario document.
PipelineSummary engineSummary(const QJsonObject& json)
{
    const ScenarioLoad load = scenariojson::fromJson(json);
    if (!load.ok())
        return {};
    return Simulator::run(*load.scenario).total();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchTest"));
    }

    void thresholdEditResimulates()
    {
        MainWindow window;
        window.show();
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("test.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);

        CompareModel* model = window.compareView()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const PipelineSummary before = engineSummary(window.document()->json());
        QCOMPARE(*model->value(CompareModel::Requests, Checkout), double(before.requests));
        QCOMPARE(*model->value(CompareModel::Rejected, Checkout), double(before.rejected));

        // Tune the failure threshold down through its spin box.
        ParameterControl* threshold
            = window.pipelineEditor()->control(QStringLiteral("circuit_breaker"), QStringLiteral("failure_threshold"));
        QVERIFY(threshold);
        applied.clear();
        threshold->spinBox()->setValue(3);
        QCOMPARE(window.document()->value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold")).toInt(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(
            applied.last().at(0).value<SimulationRun>().revision, window.document()->revision(), 20000);

        const PipelineSummary after = engineSummary(window.document()->json());
        QVERIFY(after != before); // the engine says it matters...
        QCOMPARE(*model->value(CompareModel::Attempts, Checkout), double(after.attempts));
        QCOMPARE(*model->value(CompareModel::Transitions, Checkout), double(after.breakerTransitions));
        QCOMPARE(*model->value(CompareModel::Rejected, Checkout), double(after.rejected));
        // ...and a breaker that trips sooner sends fewer attempts to the dead service.
        QVERIFY(after.attempts < before.attempts);

        // Undo restores the value in the document and in the widget.
        window.document()->undoStack()->undo();
        QCOMPARE(
            window.document()->value(QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold")).toInt(), 20);
        QCOMPARE(threshold->spinBox()->value(), 20.0);
        window.document()->undoStack()->redo();
        QCOMPARE(threshold->spinBox()->value(), 3.0);
    }

    void invalidValueIsFlagged()
    {
        MainWindow window;
        QSignalSpy finished(window.simulation(), &SimulationController::finished);
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("test.json")));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 20000);
        // minimum_calls above window_size breaks an engine rule the widgets alone cannot prevent.
        window.document()->setValue(QStringLiteral("/pipelines/0/circuit_breaker/trip_mode"),
            QStringLiteral("count_window"), QStringLiteral("mode"));
        window.document()->setValue(
            QStringLiteral("/pipelines/0/circuit_breaker/minimum_calls"), 50, QStringLiteral("min"));
        window.document()->setValue(
            QStringLiteral("/pipelines/0/circuit_breaker/window_size"), 10, QStringLiteral("window"));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.last().at(0).value<SimulationRun>().problems.empty(), 20000);
        const ParameterControl* minimum
            = window.pipelineEditor()->control(QStringLiteral("circuit_breaker"), QStringLiteral("minimum_calls"));
        QVERIFY(minimum->hasError()
            || window.pipelineEditor()
                   ->control(QStringLiteral("circuit_breaker"), QStringLiteral("window_size"))
                   ->hasError());
        window.document()->undoStack()->undo();
        window.document()->undoStack()->undo();
        QTRY_VERIFY_WITH_TIMEOUT(finished.last().at(0).value<SimulationRun>().problems.empty(), 20000);
        QVERIFY(!minimum->hasError());
    }

    void brokenFileKeepsSession_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << QByteArray("{\n  \"seed\": 1,\n  \"duration\": ,\n}") << QStringLiteral("line 3");
        QTest::newRow("range") << QByteArray(Fixture).replace("\"max_attempts\": 3", "\"max_attempts\": -3")
                               << QStringLiteral("/pipelines/0/retry/max_attempts");
        QTest::newRow("unknown key") << QByteArray(Fixture).replace("\"seed\": 7", "\"sead\": 7")
                                     << QStringLiteral("/sead");
    }

    void brokenFileKeepsSession()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("test.json")));
        window.document()->setValue(QStringLiteral("/seed"), 99, QStringLiteral("edit"));
        const QJsonObject session = window.document()->json();

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(content);
        out.close();

        QString dialogText;
        QTimer::singleShot(0, this, [&dialogText] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (box) {
                dialogText = box->text() + QLatin1Char('\n') + box->informativeText();
                box->done(QMessageBox::Ok);
            }
        });
        QVERIFY(!window.openFile(path));
        QVERIFY2(dialogText.contains(QStringLiteral("broken.json")), qPrintable(dialogText));
        QVERIFY2(dialogText.contains(expected), qPrintable(dialogText));
        QCOMPARE(window.document()->json(), session);
        QVERIFY(window.document()->isModified());
    }

    void compareAB()
    {
        MainWindow window;
        QSignalSpy finishedB(window.simulationB(), &SimulationController::finished);
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("test.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        window.comparing()->start();
        QVERIFY(window.isComparing());
        QCOMPARE(window.variantB()->json(), window.document()->json());
        window.variantB()->setValue(
            QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold"), 3, QStringLiteral("B"));
        QTRY_VERIFY_WITH_TIMEOUT(!finishedB.isEmpty()
                && finishedB.last().at(0).value<SimulationRun>().revision == window.variantB()->revision(),
            20000);
        CompareModel* model = window.compareView()->model();
        QVERIFY(model->hasB());
        // figure, A, B and the difference of the one pipeline
        QCOMPARE(model->columnCount(), 4);
        QCOMPARE(*model->value(CompareModel::Attempts, Checkout, true),
            double(engineSummary(window.variantB()->json()).attempts));
        QVERIFY(*model->value(CompareModel::Attempts, Checkout, true) < *model->value(CompareModel::Attempts, Checkout));
        // Same seed, same offered load.
        QCOMPARE(*model->value(CompareModel::Requests, Checkout, true), *model->value(CompareModel::Requests, Checkout));

        // The charts overlay B: its attempts line sums to B's attempts, not A's ...
        ResultsView* results = window.resultsView();
        QVERIFY(results->isComparing());
        TrafficChart* traffic = results->trafficChart();
        traffic->flushRefresh();
        const int attempts = 1; // metric index of "attempts to service"
        const auto total = [](const QList<QPointF>& perSecond) {
            double sum = 0;
            for (const QPointF& p : perSecond)
                sum += p.y();
            return qRound64(sum);
        };
        // (the chart ends with the scenario's duration: attempts of the drain after it are not drawn)
        const auto startedBeforeEnd = [](const SimulationRun& run) {
            double sum = 0;
            const auto& buckets = run.result->pipelines.front().buckets;
            for (std::size_t i = 0; i < buckets.size() && double(i) < toSeconds(run.result->duration); ++i)
                sum += buckets[i].attempts;
            return sum;
        };
        QCOMPARE(double(total(traffic->valuesB(attempts))), startedBeforeEnd(finishedB.last().at(0).value<SimulationRun>()));
        QCOMPARE(double(total(traffic->values(attempts))), startedBeforeEnd(window.simulation()->lastRun()));
        QVERIFY(startedBeforeEnd(window.simulation()->lastRun()) <= *model->value(CompareModel::Attempts, Checkout));
        QVERIFY(!traffic->pointsB(attempts).isEmpty());
        // ... B's retries are drawn beside A's, and B's breaker has its own lane under A's
        const SimulationRun runB = finishedB.last().at(0).value<SimulationRun>();
        const auto retriesIn = [](const std::vector<Event>& events) {
            return std::size_t(std::count_if(
                events.begin(), events.end(), [](const Event& e) { return e.kind == EventKind::RetryScheduled; }));
        };
        QCOMPARE(results->retryChart()->retryCountB(), retriesIn(*runB.events));
        BreakerStateChart* breakers = results->breakerChart();
        QVERIFY(!breakers->circuits().isEmpty());
        const QString circuit = breakers->circuits().first();
        const QString laneB = BreakerStateChart::variantBLane(circuit);
        QCOMPARE(breakers->circuits(), (QStringList {circuit, laneB}));
        std::size_t transitionsB = 0;
        for (const Event& e : *runB.events)
            transitionsB += e.kind == EventKind::BreakerTransition;
        QVERIFY(transitionsB > 0);
        QCOMPARE(breakers->transitions(laneB).size(), transitionsB);

        window.comparing()->stop();
        QVERIFY(!model->hasB());
        QCOMPARE(model->columnCount(), 2);
        QVERIFY(!results->isComparing());
        QVERIFY(traffic->valuesB(attempts).isEmpty());
        QCOMPARE(results->retryChart()->retryCountB(), std::size_t(0));
        QVERIFY(!breakers->circuits().contains(laneB));
    }

    void chartPlotAreasLineUp()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("test.json")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        // the breaker chart's lane names and the retry chart's line labels differ in width from the
        // other charts' value labels; the shared time axis must still line up
        const auto edgesAligned = [&] {
            const std::vector<ChartView*> charts = window.resultsView()->charts();
            for (const ChartView* chart : charts)
                if (std::abs(chart->chart()->plotArea().left() - charts[0]->chart()->plotArea().left()) > 1
                    || std::abs(chart->chart()->plotArea().right() - charts[0]->chart()->plotArea().right()) > 1)
                    return false;
            return true;
        };
        QTRY_VERIFY(edgesAligned());
    }

    void outageButtonsAndWindows()
    {
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("test.json")));
        ServicesEditor* services = window.servicesEditor();
        QAbstractItemModelTester tester(
            services->outagesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(services->outagesModel()->rowCount(), 1);
        QCOMPARE(services->outagesModel()->index(0, 0).data(Qt::EditRole).toDouble(), 20.0);
        QVERIFY(services->outagesModel()->setData(services->outagesModel()->index(0, 1), 45.0));
        QCOMPARE(window.document()->value(QStringLiteral("/services/0/fault/outages/0/end")).toDouble(), 45.0);

        QTest::mouseClick(services->outageButton(), Qt::LeftButton);
        QCOMPARE(window.document()->value(QStringLiteral("/services/0/fault/error_rate")).toDouble(), 1.0);
        QVERIFY(services->outageButton()->isChecked());
        QTest::mouseClick(services->recoverButton(), Qt::LeftButton);
        QCOMPARE(window.document()->value(QStringLiteral("/services/0/fault/error_rate")).toDouble(), 0.0);
        QVERIFY(!services->outageButton()->isChecked());
    }

    // Drag and drop (FileController's event filter on the window): one local .json or .jsonl is taken
    // and opened after the drop returns; anything else is refused.
    void droppedFilesOpen()
    {
        QTemporaryDir dir;
        const auto write = [&dir](const QString& name, const QByteArray& bytes) {
            const QString path = dir.filePath(name);
            QFile f(path);
            f.open(QIODevice::WriteOnly);
            f.write(bytes);
            return path;
        };
        const QString scenario
            = write(QStringLiteral("dropped.json"), QByteArray(Fixture).replace("\"seed\": 7", "\"seed\": 11"));
        const QString log = write(QStringLiteral("run.jsonl"),
            QByteArray(R"({"timestamp": "2026-01-03T15:30:00.000+00:00", "level": "INFO", "message": "hello"})")
                + '\n');
        const QString text = write(QStringLiteral("notes.txt"), "notes\n");
        MainWindow window;
        QVERIFY(window.openScenarioJson(Fixture, QStringLiteral("test.json")));
        QCOMPARE(window.document()->value(QStringLiteral("/seed")).toInt(), 7);

        const auto dragEnter = [&window](const QList<QUrl>& urls) {
            QMimeData mime;
            mime.setUrls(urls);
            QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            enter.setAccepted(true); // the filter must decide either way
            QApplication::sendEvent(&window, &enter);
            return enter.isAccepted();
        };
        QVERIFY(dragEnter({ QUrl::fromLocalFile(scenario) }));
        QVERIFY(dragEnter({ QUrl::fromLocalFile(log) }));
        QVERIFY(!dragEnter({ QUrl::fromLocalFile(text) }));
        QVERIFY(!dragEnter({ QUrl::fromLocalFile(scenario), QUrl::fromLocalFile(log) }));
        QVERIFY(!dragEnter({ QUrl(QStringLiteral("http://127.0.0.1/x.json")) }));

        // QApplication delivers a Drop only to the target of a drag in progress, which a test has not:
        // the event goes to the window's filter directly.
        const auto drop = [&window](const QString& path) {
            QMimeData mime;
            mime.setUrls({ QUrl::fromLocalFile(path) });
            QDropEvent event(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            event.setAccepted(true);
            QObject* files = window.files();
            return files->eventFilter(&window, &event) && event.isAccepted();
        };
        QVERIFY(!drop(text));
        QVERIFY(drop(scenario));
        QCOMPARE(window.document()->value(QStringLiteral("/seed")).toInt(), 7); // not inside the drop handler
        QTRY_COMPARE(window.document()->value(QStringLiteral("/seed")).toInt(), 11);
        QCOMPARE(window.document()->filePath(), scenario);
        QVERIFY(drop(log));
        QTRY_VERIFY(window.mode() == MainWindow::Mode::Replay);
    }

    void windowIconIsTheInstalledIcon()
    {
        // The PNGs rendered from resources/icons/resilience-workbench.svg, the files installed into
        // the hicolor theme; not a painted stand-in.
        MainWindow window;
        const QIcon icon = window.windowIcon();
        for (int size : { 16, 22, 24, 32, 48, 64, 128, 256 }) {
            QVERIFY2(icon.availableSizes().contains(QSize(size, size)), qPrintable(QString::number(size)));
            const QImage file(QStringLiteral(":/icons/hicolor/%1x%1/apps/resilience-workbench.png").arg(size));
            QCOMPARE(file.size(), QSize(size, size));
            QCOMPARE(icon.pixmap(size).toImage().convertToFormat(QImage::Format_ARGB32_Premultiplied),
                file.convertToFormat(QImage::Format_ARGB32_Premultiplied));
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
