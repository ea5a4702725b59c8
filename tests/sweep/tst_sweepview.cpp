// SweepView: a one-parameter sweep fills the line chart and the Pareto scatter, a two-parameter sweep
// the heatmap; clicks ask for that point as variant B (and the main window loads it into B); cancel
// stops early; the GUI thread keeps turning while a sweep runs.
#include "ui/shell/comparecontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/document/scenariodocument.h"
#include "ui/sweep/sweepheatmap.h"
#include "ui/sweep/sweepview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace rwb;

namespace {

const char* const kScenario = R"({
  "schema_version": 1, "name": "sweep view", "seed": 5, "duration": 20,
  "services": [{"name": "s", "fault": {"error_rate": 0.05, "latency": 0.02, "outages": [{"start": 5, "end": 10}]}}],
  "pipelines": [{"name": "p", "service": "s",
    "retry": {"max_attempts": 3, "backoff": {"base_delay": 0.05, "max_delay": 0.5}},
    "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 30}}]
})";

const QString kThreshold = QStringLiteral("/pipelines/0/circuit_breaker/failure_threshold");
const QString kRecovery = QStringLiteral("/pipelines/0/circuit_breaker/recovery_timeout");

// Heavier: 5 simulated minutes at 200 requests/s, so a sweep takes long enough to watch the GUI thread.
const char* const kLongScenario = R"({
  "schema_version": 1, "name": "long", "seed": 5, "duration": 300,
  "services": [{"name": "s", "fault": {"error_rate": 0.05, "latency": 0.02}}],
  "pipelines": [{"name": "p", "service": "s", "retry": {"max_attempts": 3},
    "circuit_breaker": {"failure_threshold": 5, "recovery_timeout": 2}}],
  "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "poisson", "rate": 200}}]
})";

QJsonObject scenario()
{
    return QJsonDocument::fromJson(kScenario).object();
}

/// With RWB_SCREENSHOT_DIR set, saves the view there (for the docs).
void screenshot(QWidget& view, const QString& name)
{
    const QString dir = qEnvironmentVariable("RWB_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(view.grab().save(dir + QLatin1Char('/') + name));
}

} // namespace

class TestSweepView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchSweepViewTest"));
        QSettings().clear();
    }

    void offersTheCatalogsNumericParameters()
    {
        SweepView view;
        view.setScenario(scenario());
        QStringList pointers;
        for (const auto& choice : view.parameterChoices())
            pointers << choice.second;
        QVERIFY(pointers.contains(kThreshold));
        QVERIFY(pointers.contains(kRecovery));
        QVERIFY(pointers.contains(QStringLiteral("/pipelines/0/retry/max_attempts")));
        QVERIFY(pointers.contains(QStringLiteral("/services/0/fault/error_rate")));
        QVERIFY(!pointers.contains(QStringLiteral("/pipelines/0/retry/backoff/jitter"))); // not a number
    }

    void oneParameterDrawsALineAndAParetoScatter()
    {
        SweepView view;
        view.resize(700, 800);
        view.show();
        view.setScenario(scenario());
        QVERIFY(view.setParameter(0, kThreshold, 2, 6, 5));
        view.setColourFigure(QStringLiteral("breaker_rejections"));
        QSignalSpy finished(&view, &SweepView::finished);
        QVERIFY(view.start());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
        screenshot(view, QStringLiteral("sweep-line.png"));
        QCOMPARE(view.finishedPoints(), 5);
        QCOMPARE(view.lineSeries()->count(), 5);
        QCOMPARE(view.lineSeries()->at(0).x(), 2.0);
        QCOMPARE(view.lineSeries()->at(4).x(), 6.0);
        QVERIFY(view.lineSeries()->at(0).y() >= 0);
        QCOMPARE(view.scatterSeries()->count(), 5);
        QVERIFY(view.paretoSeries()->count() >= 1);
        QVERIFY(view.paretoSeries()->count() <= 5);

        QSignalSpy requested(&view, &SweepView::variantRequested);
        view.requestPoint(2);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).toJsonObject().value(kThreshold).toInt(), 4);
        // A click on a scatter position picks the nearest point.
        const QPointF third = view.scatterSeries()->at(3);
        QCOMPARE(view.nearestScatterPoint(third), 3);
    }

    // The simulations run on worker threads: the GUI thread keeps turning during a sweep. A sweep run on
    // the GUI thread would stall it for about the whole sweep; the bound is relative so that a loaded
    // machine (or a sanitizer build) does not fail it, and the figure is printed.
    void theGuiThreadKeepsTurning()
    {
        SweepView view;
        view.resize(700, 800);
        view.show();
        view.setScenario(QJsonDocument::fromJson(kLongScenario).object());
        QVERIFY(view.setParameter(0, kThreshold, 1, 40, 40));
        view.findChild<QSpinBox*>(QStringLiteral("seeds"))->setValue(1);
        QSignalSpy finished(&view, &SweepView::finished);
        QElapsedTimer sinceTick;
        QElapsedTimer total;
        qint64 longestGap = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, &view, [&] { longestGap = std::max(longestGap, sinceTick.restart()); });
        QVERIFY(view.start());
        total.start();
        sinceTick.start();
        ticker.start(5);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        ticker.stop();
        qInfo("sweep of 40 runs: %lld ms; longest gap between GUI ticks: %lld ms", total.elapsed(), longestGap);
        QCOMPARE(view.finishedPoints(), 40);
        QVERIFY2(longestGap * 4 < total.elapsed(), qPrintable(QString::number(longestGap)));
    }

    void twoParametersFillTheHeatmap()
    {
        SweepView view;
        view.resize(700, 800);
        view.show();
        view.setScenario(scenario());
        QVERIFY(view.setParameter(0, kThreshold, 2, 4, 3));
        QVERIFY(view.setParameter(1, kRecovery, 1, 4, 4));
        QSignalSpy finished(&view, &SweepView::finished);
        QVERIFY(view.start());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
        screenshot(view, QStringLiteral("sweep-heatmap.png"));
        QCOMPARE(view.pointCount(), 12);
        QCOMPARE(view.heatmap()->filledCells(), 12);
        QVERIFY(view.heatmap()->isVisible());
        QSignalSpy requested(&view, &SweepView::variantRequested);
        QTest::mouseClick(view.heatmap(), Qt::LeftButton, {}, view.heatmap()->cellRect(5).center());
        QCOMPARE(requested.count(), 1);
        const QJsonObject values = requested.at(0).at(0).toJsonObject();
        QCOMPARE(values.value(kThreshold).toInt(), 3); // point 5 = column 1, row 1
        QCOMPARE(values.value(kRecovery).toDouble(), 2.0);
    }

    void cancelStopsEarly()
    {
        SweepView view;
        view.setScenario(scenario());
        QVERIFY(view.setParameter(0, kThreshold, 1, 60, 60));
        QVERIFY(view.setParameter(1, kRecovery, 1, 30, 60));
        QVERIFY(view.start());
        QVERIFY(view.isRunning());
        view.cancel();
        QVERIFY(!view.isRunning());
        QVERIFY(view.finishedPoints() < 3600);
        QVERIFY2(view.statusText().startsWith(QStringLiteral("Cancelled")), qPrintable(view.statusText()));
    }

    void refusesABadScenario()
    {
        SweepView view;
        QJsonObject broken = scenario();
        broken.insert(QStringLiteral("duration"), -1);
        view.setScenario(broken);
        QVERIFY(!view.start());
        QVERIFY(view.statusText().contains(QStringLiteral("errors")));
    }

    void mainWindowLoadsAPointAsVariantB()
    {
        MainWindow window;
        QVERIFY(window.openScenarioJson(kScenario, QStringLiteral("sweep.json")));
        QVERIFY(window.sweepView());
        QVERIFY(!window.isComparing());
        window.comparing()->loadAsVariantB({ { kThreshold, 9 }, { kRecovery, 3.5 } });
        QVERIFY(window.isComparing());
        QCOMPARE(window.variantB()->value(kThreshold).toInt(), 9);
        QCOMPARE(window.variantB()->value(kRecovery).toDouble(), 3.5);
        QCOMPARE(window.document()->value(kThreshold).toInt(), 5); // A unchanged
    }
};

QTEST_MAIN(TestSweepView)
#include "tst_sweepview.moc"
