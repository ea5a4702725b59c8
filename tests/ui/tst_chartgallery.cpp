// Renders every chart and tile offscreen with a real simulated run and saves PNGs (for looking at
// them, and for docs/charts.md); asserts the pictures are not empty.

#include "tst_chartfixture.h"

#include "core/log/eventcodec.h"
#include "ui/charts/breakerstatechart.h"
#include "ui/log/logpanel.h"
#include "ui/log/logtablemodel.h"
#include "ui/log/logtableview.h"
#include "ui/shell/replaycontrols.h"
#include "ui/charts/bucketchart.h"
#include "ui/charts/circuittileboard.h"
#include "ui/charts/retrydelaychart.h"
#include "ui/common/timeaxis.h"

#include <QCategoryAxis>
#include <QDir>
#include <QTemporaryDir>
#include <QImage>
#include <QTest>

using namespace rwb;

namespace {

// Share of pixels that differ clearly from the most common colour: an empty chart scores ~0.
double inkRatio(const QImage& image)
{
    QHash<QRgb, int> histogram;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            ++histogram[image.pixel(x, y)];
    QRgb background = 0;
    int best = 0;
    for (auto it = histogram.cbegin(); it != histogram.cend(); ++it)
        if (it.value() > best) {
            best = it.value();
            background = it.key();
        }
    int total = 0, ink = 0;
    for (auto it = histogram.cbegin(); it != histogram.cend(); ++it) {
        total += it.value();
        if (it.key() != background)
            ink += it.value();
    }
    return total ? double(ink) / total : 0.0;
}

// Set RWB_CHART_GALLERY=<dir> to keep the pictures (docs/images/charts-*.png come from there);
// otherwise they go to a temporary directory removed at exit.
QString outDir()
{
    static QTemporaryDir scratch;
    const QString dir = qEnvironmentVariable("RWB_CHART_GALLERY", scratch.path());
    QDir().mkpath(dir);
    return dir;
}

} // namespace

class TestChartGallery : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        m_run = testing::runDemo();
        QVERIFY(!m_run.events.empty());
        int retries = 0, transitions = 0;
        for (const Event& e : m_run.events) {
            retries += e.kind == EventKind::RetryScheduled;
            transitions += e.kind == EventKind::BreakerTransition;
        }
        qInfo("%zu events, %d retries, %d transitions, until %.1f s", m_run.events.size(), retries, transitions,
            toSeconds(m_run.result.simulatedUntil));
        QVERIFY(retries > 0);
        QVERIFY(transitions > 0);
    }

    void render_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("presenter");
        for (const char* n : {"breakers", "retries", "traffic", "latency"}) {
            QTest::newRow(n) << QString::fromLatin1(n) << false;
            QTest::newRow(QByteArray(QByteArray(n) + "-presenter").constData()) << QString::fromLatin1(n) << true;
        }
    }

    void render()
    {
        QFETCH(QString, name);
        QFETCH(bool, presenter);
        std::unique_ptr<ChartView> view;
        if (name == QLatin1String("breakers")) {
            auto* c = new BreakerStateChart;
            c->setResult(m_run.result, m_run.events);
            view.reset(c);
        } else if (name == QLatin1String("retries")) {
            auto* c = new RetryDelayChart;
            BackoffConfig b;
            b.baseDelay = 100ms;
            b.maxDelay = 1500ms;
            b.jitter = Jitter::Full;
            c->setBackoff(b, 3);
            c->setEvents(m_run.events);
            view.reset(c);
        } else if (name == QLatin1String("traffic")) {
            auto* c = new TrafficChart;
            c->setResult(m_run.result);
            view.reset(c);
        } else {
            auto* c = new LatencyChart;
            c->setResult(m_run.result);
            view.reset(c);
        }
        view->setPresenterMode(presenter);
        view->resize(presenter ? 1280 : 900, presenter ? 560 : 340);
        view->show();
        QCoreApplication::processEvents();
        view->flushRefresh();
        auto* ya = static_cast<QCategoryAxis*>(view->valueAxis());
        qInfo("visible %.1f .. %.1f y %g..%g start %g labels %s", view->timeAxisSync()->rangeMin(), view->timeAxisSync()->rangeMax(),
            ya->min(), ya->max(), ya->startValue(), qPrintable(ya->categoriesLabels().join(QLatin1Char(','))));
        const QString path = outDir() + QStringLiteral("/%1%2.png").arg(name, presenter ? QStringLiteral("-presenter") : QString());
        QString error;
        QVERIFY2(view->exportPng(path, &error), qPrintable(error));
        const QImage image(path);
        QCOMPARE(image.size(), view->size() * view->devicePixelRatio());
        QVERIFY2(inkRatio(image) > 0.03, qPrintable(QStringLiteral("%1 looks empty").arg(path)));
    }

    void tiles()
    {
        CircuitTileBoard board;
        board.resize(600, 380);
        // the live picture at 30 s into the run (during the payments outage)
        std::vector<Event> firstHalf;
        for (const Event& e : m_run.events)
            if (e.time < TimePoint(30s))
                firstHalf.push_back(e);
        board.appendEvents(firstHalf);
        board.refreshNow();
        board.show();
        QCoreApplication::processEvents();
        const QImage image = board.grab().toImage();
        const QString path = outDir() + QStringLiteral("/tiles.png");
        QVERIFY(image.save(path));
        QVERIFY(inkRatio(image) > 0.05);
        const QStringList names = board.names();
        QCOMPARE(QSet<QString>(names.begin(), names.end()), QSet<QString>({QStringLiteral("payments"), QStringLiteral("inventory")}));
    }

    void logPanelAndReplay()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray out;
        const qint64 origin = 1767225600000;
        for (const Event& e : m_run.events)
            eventcodec::encode(e, origin + std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count(), out);
        file.write(out);
        file.close();

        LogPanel panel;
        panel.resize(1000, 560);
        QVERIFY(panel.openFile(path));
        panel.show();
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        panel.setQuery(QStringLiteral("level>=WARNING and agent=payments"));
        QTRY_VERIFY(!panel.isQueryRunning());
        QTRY_VERIFY(panel.model()->rowCount() > 10);
        panel.tableView()->setCurrentIndex(panel.model()->index(3, 0));
        QCoreApplication::processEvents();
        QImage image = panel.grab().toImage();
        QVERIFY(image.save(outDir() + QStringLiteral("/logpanel.png")));
        QVERIFY(inkRatio(image) > 0.05);

        ReplayControls controls;
        controls.resize(820, 44);
        controls.loadEvents(m_run.events);
        controls.seek(TimePoint(42s));
        controls.show();
        QCoreApplication::processEvents();
        image = controls.grab().toImage();
        QVERIFY(image.save(outDir() + QStringLiteral("/replaycontrols.png")));
    }

private:
    testing::DemoRun m_run;
};

QTEST_MAIN(TestChartGallery)
#include "tst_chartgallery.moc"
