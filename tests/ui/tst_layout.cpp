// The window fits the screens people have (issue 14, items 5-7): usable at 1024x700, 1280x720,
// 1366x768 and 1920x1080 in Simulate and in Replay with the Log dock, presenter mode restores the
// layout and every font exactly, legends shorten instead of turning into bare colour squares, and
// the charts' cursor never enters a legend. With RWB_LAYOUT_SHOTS=<dir> the windows are saved as
// PNGs there, to look at.
#include "ui/charts/bucketchart.h"
#include "ui/charts/chartview.h"
#include "ui/common/settings.h"
#include "ui/shell/compareview.h"
#include "ui/shell/recordingcontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/document/scenariodocument.h"
#include "ui/shell/replaycontrols.h"
#include "ui/charts/resultsview.h"
#include "ui/charts/retrydelaychart.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QChartView>
#include <QHeaderView>
#include <QLegend>
#include <QLegendMarker>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

using namespace rwb;

namespace {

void saveShot(QWidget& window, const QString& name)
{
    const QString dir = qEnvironmentVariable("RWB_LAYOUT_SHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    window.grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

/// Every legend entry of every chart shows words, not a bare colour square.
QStringList bareLegendEntries(const ResultsView& results)
{
    QStringList bare;
    for (ChartView* chart : results.charts()) {
        const QFontMetricsF fm(chart->chart()->legend()->font());
        for (QLegendMarker* marker : chart->chart()->legend()->markers())
            if (marker->isVisible() && marker->label().isEmpty())
                bare << chart->chart()->title();
    }
    return bare;
}

} // namespace

class TestLayout : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchLayoutTest"));
        QVERIFY(m_dir.isValid());
        Settings::flush(); // values set by the previous test land first
        QSettings().clear(); // a window restores presenter mode and layout from the last run's settings
    }

    void fitsTheScreen_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("replay");
        for (const QSize size : { QSize(1024, 700), QSize(1280, 720), QSize(1366, 768), QSize(1920, 1080) }) {
            const QByteArray name = QByteArray::number(size.width()) + 'x' + QByteArray::number(size.height());
            QTest::newRow(QByteArray(name + " simulate").constData()) << size << false;
            QTest::newRow(QByteArray(name + " replay").constData()) << size << true;
        }
    }

    void fitsTheScreen()
    {
        QFETCH(QSize, size);
        QFETCH(bool, replay);
        MainWindow window;
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openDemo(QStringLiteral("outage-recovery")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        if (replay) {
            QString recorded;
            QVERIFY(window.recording()->recordSimulation(m_dir.filePath(QStringLiteral("layout")),
                [&recorded](const QString& path, const QString&) { recorded = path; }));
            QTRY_VERIFY_WITH_TIMEOUT(!recorded.isEmpty(), 30000);
            QVERIFY(window.openFile(recorded));
            QTRY_VERIFY_WITH_TIMEOUT(window.replayControls()->overviewDrawn(), 30000);
            QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("logDock"))->isVisible());
        }
        QCoreApplication::processEvents();
        saveShot(window, QStringLiteral("%1x%2-%3").arg(size.width()).arg(size.height()).arg(replay ? QStringLiteral("replay") : QStringLiteral("simulate")));
        // the window did not grow past the screen it was given, and could be smaller still
        const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
        QVERIFY2(minimum.width() <= size.width() && minimum.height() <= size.height(),
            qPrintable(QStringLiteral("minimum %1x%2").arg(minimum.width()).arg(minimum.height())));
        QCOMPARE(window.size(), size);
        // the charts keep a readable height (they scroll below it) and every legend says its words
        for (ChartView* chart : window.resultsView()->charts())
            QVERIFY(chart->height() >= std::max(120, chart->minimumHeight()));
        QVERIFY2(bareLegendEntries(*window.resultsView()).isEmpty(),
            qPrintable(bareLegendEntries(*window.resultsView()).join(QLatin1Char(','))));
        // the Summary's figures are reachable (its table scrolls in a narrow dock)
        QVERIFY(window.compareView()->width() >= 200);
    }

    void toolbarShowsIconsWhenNarrow()
    {
        MainWindow window;
        window.resize(1920, 1080);
        window.show();
        QToolBar* bar = window.findChild<QToolBar*>(QStringLiteral("mainToolBar"));
        QCOMPARE(bar->toolButtonStyle(), Qt::ToolButtonTextBesideIcon);
        window.resize(1024, 700);
        QTRY_COMPARE(bar->toolButtonStyle(), Qt::ToolButtonIconOnly);
        window.resize(1920, 1080);
        QTRY_COMPARE(bar->toolButtonStyle(), Qt::ToolButtonTextBesideIcon);
    }

    void presenterModeRestoresExactly()
    {
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openDemo(QStringLiteral("outage-recovery")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        QTest::qWait(200); // the Summary and the charts laid out with the run
        const QSize size = window.size();
        const auto dockGeometries = [&window] {
            QStringList out;
            for (QDockWidget* dock : window.findChildren<QDockWidget*>())
                if (dock->isVisible() && dock->x() >= 0) // a dock tabbed behind another sits off-screen
                    out << QStringLiteral("%1 %2,%3 %4x%5").arg(dock->objectName()).arg(dock->x()).arg(dock->y())
                               .arg(dock->width()).arg(dock->height());
            return out;
        };
        const QStringList docks = dockGeometries();
        auto* spin = window.pipelineEditor()->findChild<QAbstractSpinBox*>();
        auto* header = window.compareView()->findChild<QHeaderView*>();
        QVERIFY(spin && header);
        const QFont spinFont = spin->font();
        const QFont headerFont = header->font();

        // every shown widget's explicit minimum width (what the panels set to fit their fonts), by path;
        // not the charts': Qt Charts widens a chart view's minimum to its chart's on any resize
        const auto minimumWidths = [&window] {
            QMap<QString, int> out;
            for (QWidget* w : window.findChildren<QWidget*>()) {
                if (!w->isVisible() || qobject_cast<QChartView*>(w))
                    continue;
                QString path = QString::number(quintptr(w), 16);
                for (QWidget* p = w; p; p = p->parentWidget())
                    path.prepend(QStringLiteral("%1(%2)/").arg(QLatin1String(p->metaObject()->className()), p->objectName()));
                out.insert(path, w->minimumWidth());
            }
            return out;
        };
        const QMap<QString, int> widthsBefore = minimumWidths();
        window.setPresenterMode(true);
        QTRY_VERIFY(spin->font().pointSizeF() > spinFont.pointSizeF());
        QCoreApplication::processEvents();
        QVERIFY2(window.width() <= 1600, qPrintable(QString::number(window.width()))); // never past the screen
        saveShot(window, QStringLiteral("presenter-1600x1000"));

        window.setPresenterMode(false);
        QTRY_COMPARE(window.size(), size);
        QTest::qWait(200);
        QCOMPARE(spin->font(), spinFont);
        QCOMPARE(header->font(), headerFont);
        // no minimum left grown by the presenter fonts: no panel keeps a wider explicit minimum...
        const QMap<QString, int> widthsAfter = minimumWidths();
        for (auto it = widthsAfter.cbegin(); it != widthsAfter.cend(); ++it)
            QVERIFY2(it.value() <= widthsBefore.value(it.key(), it.value()),
                qPrintable(QStringLiteral("%1: %2 -> %3").arg(it.key()).arg(widthsBefore.value(it.key())).arg(it.value())));
        // ...and another round trip leaves the window's minimum where the first left it (Qt measures
        // some widgets, like the dock tab bar, only once they are polished again, so the minimum before
        // the first round trip is not the reference)
        const QSize minimum = window.minimumSizeHint();
        window.setPresenterMode(true);
        QTRY_VERIFY(spin->font().pointSizeF() > spinFont.pointSizeF());
        window.setPresenterMode(false);
        QTRY_COMPARE(window.size(), size);
        QTest::qWait(200);
        QVERIFY2(window.minimumSizeHint().width() <= minimum.width(),
            qPrintable(QStringLiteral("%1 > %2").arg(window.minimumSizeHint().width()).arg(minimum.width())));
        QCOMPARE(window.minimumSizeHint().height(), minimum.height());
        QCOMPARE(dockGeometries(), docks); // every panel where and as large as it was
    }

    void cursorStaysOutOfTheLegend()
    {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openDemo(QStringLiteral("outage-recovery")));
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        window.resultsView()->markTime(90);
        QCoreApplication::processEvents();
        for (ChartView* chart : window.resultsView()->charts())
            for (QLegendMarker* marker : chart->chart()->legend()->markers())
                QVERIFY2(!(marker->isVisible() && marker->label() == QStringLiteral("cursor")), qPrintable(chart->chart()->title()));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"
