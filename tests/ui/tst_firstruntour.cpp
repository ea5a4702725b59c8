// The first-run tour over the real main window: each step uncovers the widget it talks about and
// puts its callout beside it, inside the window; Next, Back, the arrow keys and Finish walk it;
// Skip (or Esc) closes it and marks it seen; Help › Tour shows it again; a window never starts it
// by itself (the application does, once). Set RWB_TOUR_SCREENSHOTS to a folder to keep a PNG of
// every step.
#include "ui/charts/chartview.h"
#include "ui/charts/resultsview.h"
#include "ui/common/settings.h"
#include "ui/shell/firstruntour.h"
#include "ui/shell/mainwindow.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFrame>
#include <QImage>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolBar>

#include <algorithm>
#include <vector>

using namespace rwb;

namespace {

QRect rectIn(const QWidget* widget, const QWidget* window)
{
    return { widget->mapTo(window, QPoint(0, 0)), widget->size() };
}

QPushButton* button(FirstRunTour* tour, const char* name)
{
    return tour->callout()->findChild<QPushButton*>(QLatin1String(name));
}

} // namespace

class TestFirstRunTour : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchTourTest")); // its own settings: tests run in parallel
    }

    void init() { Settings::setTourSeen(false); }

    void aWindowNeverStartsTheTourByItself()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openDemo());
        QCOMPARE(window.tour(), nullptr);
        QVERIFY(window.findChildren<FirstRunTour*>().isEmpty());
    }

    void eachStepUncoversItsWidget()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openDemo());
        // the pictures show the demo's run: wait for it, then for every chart to have drawn it (charts
        // refresh one per event-loop pass, and again when the tour's relayout resizes them)
        QVERIFY(!applied.isEmpty() || applied.wait(60000));
        const std::vector<ChartView*> charts = window.resultsView()->charts();
        const auto chartsDrawn = [&charts] {
            return std::none_of(charts.begin(), charts.end(), [](const ChartView* c) { return c->isRefreshPending(); });
        };
        QTRY_VERIFY(chartsDrawn());
        // the status bar's middle: outside every step's widget and callout
        const QPoint outside(window.width() / 2, window.height() - 3);
        const int lightBefore = window.grab().toImage().pixelColor(outside).lightness();
        window.startTour();
        FirstRunTour* tour = window.tour();
        QVERIFY(tour);
        QVERIFY(tour->isVisible());
        QCOMPARE(tour->geometry(), window.rect());
        QCOMPARE(tour->stepCount(), 5);

        auto* toolBar = window.findChild<QToolBar*>(QStringLiteral("mainToolBar"));
        const auto action = [&](const char* text) -> QWidget* {
            for (QAction* a : toolBar->actions())
                if (a->text() == QLatin1String(text))
                    return toolBar->widgetForAction(a);
            return nullptr;
        };
        const QWidget* targets[] = {
            window.findChild<QDockWidget*>(QStringLiteral("pipelineDock")),
            window.resultsView()->parentWidget(), // the charts' stack (results or the placeholder)
            action("Live"),
            action("Replay"),
            window.findChild<QDockWidget*>(QStringLiteral("compareDock")),
        };
        const QStringList titles = { QStringLiteral("Pipeline editor"), QStringLiteral("Charts"),
            QStringLiteral("Live"), QStringLiteral("Logs"), QStringLiteral("Compare A/B") };
        const QString shots = qEnvironmentVariable("RWB_TOUR_SCREENSHOTS");
        for (int i = 0; i < tour->stepCount(); ++i) {
            QCOMPARE(tour->currentStep(), i);
            QCOMPARE(tour->step(i).title, titles.at(i));
            QCoreApplication::processEvents(); // the relayout after a dock was raised
            const QRect highlight = tour->highlightRect();
            QVERIFY2(!highlight.isEmpty(), qPrintable(titles.at(i)));
            const QWidget* target = targets[i];
            QVERIFY(target);
            QVERIFY2(highlight.contains(rectIn(target, &window)), qPrintable(titles.at(i)));
            const QRect callout = tour->callout()->geometry();
            QVERIFY2(tour->rect().contains(callout), qPrintable(titles.at(i))); // never clipped
            if (i != 1) // the charts fill the middle: their callout may sit on them
                QVERIFY2(!callout.intersects(highlight), qPrintable(titles.at(i)));
            QTRY_VERIFY2(chartsDrawn(), qPrintable(titles.at(i)));
            const QImage shot = window.grab().toImage();
            QVERIFY2(shot.pixelColor(outside).lightness() < lightBefore - 60, qPrintable(titles.at(i))); // dimmed
            if (!shots.isEmpty())
                QVERIFY(shot.save(QDir(shots).filePath(QStringLiteral("tour-step-%1.png").arg(i + 1))));
            QTest::mouseClick(button(tour, "tourNext"), Qt::LeftButton);
        }
        QVERIFY(!tour->isVisible());
        QCOMPARE(tour->currentStep(), -1);
    }

    void nextBackAndKeysWalkTheSteps()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.startTour();
        FirstRunTour* tour = window.tour();
        QSignalSpy changed(tour, &FirstRunTour::stepChanged);
        QSignalSpy finished(tour, &FirstRunTour::finished);

        QVERIFY(!button(tour, "tourBack")->isEnabled());
        QTest::mouseClick(button(tour, "tourNext"), Qt::LeftButton);
        QCOMPARE(tour->currentStep(), 1);
        QVERIFY(button(tour, "tourBack")->isEnabled());
        QTest::mouseClick(button(tour, "tourBack"), Qt::LeftButton);
        QCOMPARE(tour->currentStep(), 0);
        // the arrow keys step whether the overlay or one of its buttons has the focus
        QTest::keyClick(button(tour, "tourNext"), Qt::Key_Right);
        QCOMPARE(tour->currentStep(), 1);
        QTest::keyClick(tour, Qt::Key_Right);
        QCOMPARE(tour->currentStep(), 2);
        QTest::keyClick(button(tour, "tourNext"), Qt::Key_Left);
        QCOMPARE(tour->currentStep(), 1);
        QCOMPARE(changed.count(), 5); // one per move
        QCOMPARE(changed.last().at(0).toInt(), 1);

        while (tour->currentStep() + 1 < tour->stepCount())
            tour->next();
        QCOMPARE(button(tour, "tourNext")->text(), QStringLiteral("Finish"));
        QVERIFY(!Settings::tourSeen());
        QTest::mouseClick(button(tour, "tourNext"), Qt::LeftButton);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(0).toBool(), false); // finished, not skipped
        QVERIFY(Settings::tourSeen());
    }

    void skipSetsTheFlagAndTheTourRunsOnce()
    {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.startTourOnFirstRun());
            FirstRunTour* tour = window.tour();
            QVERIFY(tour->isVisible());
            QSignalSpy finished(tour, &FirstRunTour::finished);
            tour->next();
            QTest::keyClick(button(tour, "tourNext"), Qt::Key_Escape); // Esc reaches the overlay
            QCOMPARE(finished.count(), 1);
            QCOMPARE(finished.first().at(0).toBool(), true);
            QVERIFY(!tour->isVisible());
            QVERIFY(Settings::tourSeen());
        }
        MainWindow next; // the next start
        next.show();
        QVERIFY(QTest::qWaitForWindowExposed(&next));
        QVERIFY(!next.startTourOnFirstRun());
        QCOMPARE(next.tour(), nullptr);

        // the Skip button does the same
        Settings::setTourSeen(false);
        QVERIFY(next.startTourOnFirstRun());
        QTest::mouseClick(button(next.tour(), "tourSkip"), Qt::LeftButton);
        QVERIFY(!next.tour()->isVisible());
        QVERIFY(Settings::tourSeen());
    }

    void helpMenuReopensTheTour()
    {
        Settings::setTourSeen(true);
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QMenu* help = nullptr;
        for (QAction* a : window.menuBar()->actions())
            if (a->text() == QStringLiteral("&Help"))
                help = a->menu();
        QVERIFY(help);
        QAction* tourAction = nullptr;
        for (QAction* a : help->actions())
            if (a->objectName() == QStringLiteral("helpTour"))
                tourAction = a;
        QVERIFY(tourAction);
        QCOMPARE(tourAction->text(), QStringLiteral("&Tour"));

        tourAction->trigger();
        QVERIFY(window.tour() && window.tour()->isVisible());
        QCOMPARE(window.tour()->currentStep(), 0);
        window.tour()->next();
        window.tour()->skip();
        tourAction->trigger(); // again, from the start
        QVERIFY(window.tour()->isVisible());
        QCOMPARE(window.tour()->currentStep(), 0);
    }

    void aHiddenTargetShowsTheCalloutCentred()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.findChild<QDockWidget*>(QStringLiteral("compareDock"))->close();
        window.startTour();
        FirstRunTour* tour = window.tour();
        while (tour->currentStep() + 1 < tour->stepCount())
            tour->next();
        QCoreApplication::processEvents();
        QVERIFY(tour->highlightRect().isEmpty());
        const QRect callout = tour->callout()->geometry();
        QVERIFY(tour->rect().contains(callout));
        QVERIFY(qAbs(callout.center().x() - tour->rect().center().x()) <= 1);
    }

    void theTourFollowsTheWindowSize()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.startTour();
        FirstRunTour* tour = window.tour();
        window.resize(1000, 700);
        QTRY_COMPARE(tour->geometry(), window.rect());
        QTRY_VERIFY(tour->highlightRect().contains(
            rectIn(window.findChild<QDockWidget*>(QStringLiteral("pipelineDock")), &window)));
        QVERIFY(tour->rect().contains(tour->callout()->geometry()));
    }
};

QTEST_MAIN(TestFirstRunTour)
#include "tst_firstruntour.moc"
