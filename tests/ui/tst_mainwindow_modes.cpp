// The main window in its Live and Replay modes and as a drop target, end to end on the offscreen
// platform: a short live run against mock services on 127.0.0.1 fills the charts and the circuit
// tiles with what the run reports; a recorded run opened as a .jsonl log replays into the breaker
// transitions of the recording; dropped files open (or are refused) the way the Open dialog opens them.
#include "core/clock/virtualclock.h"
#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"
#include "core/log/jsonlwriter.h"
#include "core/sim/simulator.h"
#include "ui/charts/breakerstatechart.h"
#include "ui/charts/bucketchart.h"
#include "ui/charts/circuittileboard.h"
#include "ui/run/comparemodel.h"
#include "ui/shell/compareview.h"
#include "ui/run/livecontroller.h"
#include "ui/log/logpanel.h"
#include "ui/log/logtablemodel.h"
#include "ui/shell/filecontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/replaycontrols.h"
#include "ui/charts/resultsview.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/simulationcontroller.h"

#include <QAction>
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

using namespace rwb;

namespace {

// Three seconds of scenario time in real time: the service is down from 0.5 s to 2 s, long enough
// for a breaker tripping after 3 consecutive failures to open, probe and reopen a few times. No
// retry: the outage's 503s carry a Retry-After longer than the drain limit, and requests waiting on
// it would end the run as unfinished instead of letting it finish on its own.
const char* const LiveScenario = R"({
  "schema_version": 1,
  "name": "Live outage",
  "seed": 11,
  "duration": 3,
  "drain_limit": 2,
  "services": [
    {"name": "payments", "fault": {"error_rate": 0.0, "latency": {"distribution": "fixed", "value": 0.002},
      "outages": [{"start": 0.5, "end": 2.0, "error": "http_503"}]}}
  ],
  "pipelines": [
    {"name": "checkout", "service": "payments",
      "circuit_breaker": {"trip_mode": "consecutive", "failure_threshold": 3, "recovery_timeout": 0.4, "success_threshold": 1}}
  ],
  "clients": [{"name": "web", "pipeline": "checkout", "arrival": {"process": "constant", "rate": 40}}]
})";

// Recorded in virtual time: 20 s with an outage from 5 s to 10 s.
const char* const RecordedScenario = R"({
  "schema_version": 1,
  "name": "Recorded outage",
  "seed": 5,
  "duration": 20,
  "drain_limit": 10,
  "services": [
    {"name": "payments", "fault": {"error_rate": 0.02, "latency": {"distribution": "fixed", "value": 0.02},
      "outages": [{"start": 5, "end": 10, "error": "http_503"}]}}
  ],
  "pipelines": [
    {"name": "checkout", "service": "payments",
      "retry": {"max_attempts": 3, "backoff": {"strategy": "exponential", "base_delay": 0.1, "max_delay": 1, "jitter": "full"}},
      "circuit_breaker": {"trip_mode": "consecutive", "failure_threshold": 5, "recovery_timeout": 1, "success_threshold": 2}}
  ],
  "clients": [{"name": "web", "pipeline": "checkout", "arrival": {"process": "poisson", "rate": 20}}]
})";

const char* const OtherScenario = R"({
  "schema_version": 1,
  "name": "Dropped scenario",
  "seed": 3,
  "duration": 10,
  "services": [{"name": "inventory", "fault": {"error_rate": 0.1}}],
  "pipelines": [{"name": "lookup", "service": "inventory"}],
  "clients": [{"name": "web", "pipeline": "lookup", "arrival": {"process": "constant", "rate": 5}}]
})";

QJsonObject parse(const char* text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile out(path);
    return out.open(QIODevice::WriteOnly) && out.write(content) == content.size();
}

std::vector<BreakerTransitionMark> transitionsIn(const std::vector<Event>& events, const QString& circuit)
{
    std::vector<BreakerTransitionMark> out;
    for (const Event& e : events)
        if (e.kind == EventKind::BreakerTransition && e.source == circuit)
            out.push_back({ e.time, e.from, e.to, e.text });
    return out;
}

QStringList circuitsIn(const std::vector<Event>& events)
{
    QStringList out;
    for (const Event& e : events)
        if (e.kind == EventKind::BreakerTransition && !out.contains(e.source))
            out << e.source;
    return out;
}

std::size_t countOf(const std::vector<Event>& events, EventKind kind, const QString& source,
    std::optional<OutcomeKind> outcome = std::nullopt)
{
    return std::size_t(std::count_if(events.begin(), events.end(),
        [&](const Event& e) { return e.kind == kind && e.source == source && (!outcome || e.outcome == *outcome); }));
}

/// A run simulated with its events written as JSONL by the engine's log writer.
struct Recording {
    QString path;
    std::vector<Event> events;
    qint64 lines = 0;
};

Recording record(const QJsonObject& scenarioJson, const QString& dir)
{
    Recording rec;
    const ScenarioLoad load = scenariojson::fromJson(scenarioJson);
    if (!load.ok())
        return rec;
    VirtualClock clock;
    JsonlWriter::Options options;
    options.directory = dir;
    options.name = QStringLiteral("recorded");
    options.flush = JsonlWriter::FlushPolicy::Batched;
    JsonlWriter writer(clock, options);
    CollectingSink collected;
    FanOutSink sinks;
    sinks.add(&writer);
    sinks.add(&collected);
    SimulationOptions simOptions;
    simOptions.sink = &sinks;
    writer.runStarted(load.scenario->name, load.scenario->seed);
    Simulator::run(*load.scenario, simOptions);
    writer.flush();
    rec.path = writer.currentPath();
    rec.lines = writer.linesWritten();
    rec.events = collected.take();
    return rec;
}

/// Closes every message box that comes up (they are modal and would block the test), keeping their
/// texts. Polls from the event loop, so it also reaches boxes opened inside a nested exec().
class DialogCloser final : public QObject {
public:
    explicit DialogCloser(QObject* parent = nullptr)
        : QObject(parent)
    {
        m_timer.setInterval(10);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                m_texts << box->text() + QLatin1Char('\n') + box->informativeText();
                box->done(QMessageBox::Ok);
            }
        });
        m_timer.start();
    }
    const QStringList& texts() const noexcept { return m_texts; }

private:
    QTimer m_timer;
    QStringList m_texts;
};

QAction* actionWithShortcut(const MainWindow& window, const QKeySequence& key)
{
    const auto actions = window.findChildren<QAction*>();
    for (QAction* a : actions)
        if (a->shortcuts().contains(key))
            return a;
    return nullptr;
}

std::unique_ptr<QMimeData> urlsMime(const QList<QUrl>& urls)
{
    auto mime = std::make_unique<QMimeData>();
    mime->setUrls(urls);
    return mime;
}

/// Sends a drag entering the middle of the window; true when the window accepted it.
bool dragEnter(MainWindow& window, const QMimeData* mime)
{
    QDragEnterEvent enter(
        window.rect().center(), Qt::CopyAction | Qt::MoveAction | Qt::LinkAction, mime, Qt::LeftButton, Qt::NoModifier);
    enter.setAccepted(false);
    QCoreApplication::sendEvent(&window, &enter);
    return enter.isAccepted();
}

/// Drags `path` onto the window and drops it there, as a file manager would; true when the drag
/// was accepted (and the drop delivered).
bool dragAndDrop(MainWindow& window, const QString& path)
{
    const auto mime = urlsMime({ QUrl::fromLocalFile(path) });
    if (!dragEnter(window, mime.get()))
        return false;
    QDropEvent drop(QPointF(window.rect().center()), Qt::CopyAction | Qt::MoveAction | Qt::LinkAction, mime.get(),
        Qt::LeftButton, Qt::NoModifier);
    drop.setAccepted(false);
    QCoreApplication::sendEvent(&window, &drop);
    return drop.isAccepted();
}

} // namespace

class TestMainWindowModes : public QObject {
    Q_OBJECT

private slots:
    QJsonObject exportedSummary(MainWindow& window)
    {
        const QString path = m_dir.filePath(QStringLiteral("summary.json"));
        const QString error = window.files()->exportRunSummary(path);
        if (!error.isEmpty())
            qWarning() << error;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(file.readAll()).object();
    }

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbenchModesTest"));
        QVERIFY(m_dir.isValid());
    }

    void liveRunFillsChartsAndTiles()
    {
        MainWindow window;
        window.show();
        QSignalSpy applied(&window, &MainWindow::runApplied);
        QVERIFY(window.openScenarioJson(LiveScenario, QStringLiteral("live.json")));
        // Let the Simulate run land first, so Live has simulated charts to replace.
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() >= 1, 20000);
        const PipelineSummary simulated = applied.last().at(0).value<SimulationRun>().result->total();
        QVERIFY(simulated.requests > 0);

        window.setMode(MainWindow::Mode::Live);
        QCOMPARE(window.mode(), MainWindow::Mode::Live);

        std::vector<Event> received;
        connect(window.live(), &LiveController::eventsReady, this, [&received](const std::vector<Event>& batch) {
            received.insert(received.end(), batch.begin(), batch.end());
        });
        QSignalSpy started(window.live(), &LiveController::started);
        QSignalSpy finished(window.live(), &LiveController::finished);
        QSignalSpy failed(window.live(), &LiveController::failed);

        // Run (F5) in Live mode starts the live run, as the toolbar button does.
        QAction* run = actionWithShortcut(window, QKeySequence(Qt::Key_F5));
        QVERIFY(run);
        QVERIFY(run->isEnabled());
        run->trigger();
        QCOMPARE(started.count(), 1);
        QVERIFY(window.live()->isRunning());
        QVERIFY(!run->isEnabled()); // one live run at a time

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(failed.count(), 0);
        QVERIFY(!window.live()->isRunning());
        QVERIFY(run->isEnabled());
        const auto result = finished.at(0).at(0).value<RunResult>();
        const PipelineSummary total = result.total();
        QVERIFY(total.requests > 0);
        QCOMPARE(total.unfinished, std::uint64_t(0));
        QVERIFY(!received.empty());

        // The traffic chart was rebuilt from the live events alone: its offered load adds up to the
        // requests the live run reports.
        TrafficChart* traffic = window.resultsView()->trafficChart();
        QCOMPARE(traffic->pipelines(), QStringList { QStringLiteral("checkout") });
        std::uint64_t charted = 0;
        traffic->bucketer().forEachBucket(
            QStringLiteral("checkout"), [&charted](const PipelineBucket& b) { charted += b.requests; });
        QCOMPARE(charted, total.requests);
        QCOMPARE(std::uint64_t(countOf(received, EventKind::RequestDone, QStringLiteral("checkout"))), total.requests);
        QTRY_VERIFY_WITH_TIMEOUT(!traffic->points(0).isEmpty(), 5000);

        // The breaker chart holds exactly the transitions of the run, and the outage opened it.
        BreakerStateChart* breakers = window.resultsView()->breakerChart();
        const QStringList circuits = circuitsIn(received);
        QCOMPARE(circuits.size(), 1);
        QCOMPARE(breakers->circuits(), circuits);
        const auto transitions = transitionsIn(received, circuits.front());
        QCOMPARE(breakers->transitions(circuits.front()), transitions);
        QCOMPARE(std::uint64_t(transitions.size()), total.breakerTransitions);
        QVERIFY(std::any_of(transitions.begin(), transitions.end(), [](const BreakerTransitionMark& m) {
            return m.from == BreakerState::Closed && m.to == BreakerState::Open;
        }));

        // The circuit tile counts the whole run (it is shorter than the rolling window).
        CircuitTileBoard* tiles = window.circuitTiles();
        tiles->refreshNow();
        const CircuitTile* tile = tiles->tile(QStringLiteral("checkout"));
        QVERIFY(tile);
        const CircuitTileData& data = tile->data();
        // requests by outcome (no fallback here), short-circuited tries, and a state badge: it has a breaker
        const std::size_t done = countOf(received, EventKind::RequestDone, QStringLiteral("checkout"));
        QCOMPARE(data.successes,
            countOf(received, EventKind::RequestDone, QStringLiteral("checkout"), OutcomeKind::Success));
        QCOMPARE(data.successes + data.failures, done);
        QVERIFY(data.failures > 0);
        QCOMPARE(data.fallbacks, std::uint64_t(0));
        QCOMPARE(data.shortCircuited, countOf(received, EventKind::BreakerRejected, circuits.front()));
        QCOMPARE(data.shortCircuited, total.breakerRejections);
        QVERIFY(data.hasBreaker);
        QCOMPARE(toString(data.state), toString(transitions.back().to));

        // The summary and the status bar report the live totals, captioned as a live run.
        CompareModel* model = window.compareView()->model();
        QCOMPARE(model->columnNames(), QStringList { QStringLiteral("checkout") });
        QCOMPARE(*model->value(CompareModel::Requests, QStringLiteral("checkout")), double(total.requests));
        QCOMPARE(*model->value(CompareModel::Transitions, QStringLiteral("checkout")), double(total.breakerTransitions));
        const auto* caption = window.compareView()->findChild<QLabel*>(QStringLiteral("summaryCaption"));
        QVERIFY(caption);
        QVERIFY2(caption->text().startsWith(QStringLiteral("Live run")), qPrintable(caption->text()));
        QVERIFY2(!caption->text().contains(QStringLiteral("simulated")), qPrintable(caption->text()));
        const auto* status = window.findChild<QLabel*>(QStringLiteral("runStatus"));
        QVERIFY(status);
        QVERIFY2(status->text().contains(QString::number(total.requests)), qPrintable(status->text()));

        // The run summary export describes the live run the Summary shows, not the simulation before it.
        const QJsonObject exported = exportedSummary(window);
        QCOMPARE(exported.value(QStringLiteral("source")).toString(), QStringLiteral("live"));
        QCOMPARE(exported.value(QStringLiteral("totals")).toObject().value(QStringLiteral("requests")).toInteger(),
            qint64(total.requests));
    }

    void replayDrawsTheRecordedTransitions()
    {
        const Recording rec = record(parse(RecordedScenario), m_dir.filePath(QStringLiteral("replay")));
        QVERIFY(!rec.path.isEmpty());
        QVERIFY(rec.path.endsWith(QStringLiteral(".jsonl")));
        QCOMPARE(rec.lines, qint64(rec.events.size()) + 1); // the run_started line, then one per event
        const QStringList circuits = circuitsIn(rec.events);
        QVERIFY(!circuits.isEmpty());
        const auto expected = transitionsIn(rec.events, circuits.front());
        QVERIFY(expected.size() >= 2);

        MainWindow window;
        window.show();
        QVERIFY(window.openScenarioJson(LiveScenario, QStringLiteral("live.json")));
        // Opened as the Open dialog and a drop open it.
        QVERIFY(window.openFile(rec.path));
        QCOMPARE(window.mode(), MainWindow::Mode::Replay);
        QVERIFY(window.replayControls()->isVisible());
        ReplayControls* controls = window.replayControls();
        QTRY_COMPARE_WITH_TIMEOUT(controls->replayer().eventCount(), rec.events.size(), 20000);
        QCOMPARE(controls->replayer().skippedLines(), std::size_t(0));

        // Every line in the log panel.
        LogPanel* log = window.logPanel();
        QTRY_COMPARE_WITH_TIMEOUT(log->model()->rowCount(), int(rec.lines), 20000);
        QCOMPARE(log->shownRows(), rec.lines);

        // Seek to the middle: the charts are rebuilt from the events before it...
        const LogReplayer& replayer = controls->replayer();
        controls->seek(replayer.events()[replayer.eventCount() / 2].time);
        const auto seekedTo
            = std::vector<Event>(rec.events.begin(), rec.events.begin() + qsizetype(replayer.nextIndex()));
        BreakerStateChart* breakers = window.resultsView()->breakerChart();
        QCOMPARE(breakers->transitions(circuits.front()).size(), transitionsIn(seekedTo, circuits.front()).size());

        // ...then play to the end at the highest speed.
        QSignalSpy finished(controls, &ReplayControls::finished);
        controls->setSpeed(LogReplayer::kMaxSpeed);
        controls->play();
        QVERIFY(controls->isPlaying());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY(!controls->isPlaying());
        QCOMPARE(replayer.nextIndex(), rec.events.size());

        QCOMPARE(breakers->circuits(), circuits);
        const auto replayed = breakers->transitions(circuits.front());
        QCOMPARE(replayed.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(toString(replayed[i].from), toString(expected[i].from));
            QCOMPARE(toString(replayed[i].to), toString(expected[i].to));
            QCOMPARE(replayed[i].reason, expected[i].reason);
            // the spacing between transitions is kept to the nanosecond
            QCOMPARE(replayed[i].time - replayed.front().time, expected[i].time - expected.front().time);
        }
        // The recording opens with its run_started line (engine time zero), so the events land where
        // they were even though the first came well after the start of the run.
        QVERIFY(rec.events.front().time.time_since_epoch() >= std::chrono::milliseconds(1));
        QCOMPARE(replayed, expected);

        // The run summary export describes the replayed log, counted from its events.
        const QJsonObject exported = exportedSummary(window);
        QCOMPARE(exported.value(QStringLiteral("source")).toString(), QStringLiteral("replay"));
        QCOMPARE(exported.value(QStringLiteral("totals")).toObject().value(QStringLiteral("requests")).toInteger(),
            qint64(std::count_if(rec.events.begin(), rec.events.end(),
                [](const Event& e) { return e.kind == EventKind::RequestDone; })));
    }

    void dragEnterAcceptsScenariosAndLogs_data()
    {
        QTest::addColumn<QList<QUrl>>("urls");
        QTest::addColumn<bool>("accepted");
        const QString dir = m_dir.path();
        QTest::newRow("scenario") << QList<QUrl> { QUrl::fromLocalFile(dir + QStringLiteral("/a.json")) } << true;
        QTest::newRow("log") << QList<QUrl> { QUrl::fromLocalFile(dir + QStringLiteral("/a.jsonl")) } << true;
        QTest::newRow("upper case") << QList<QUrl> { QUrl::fromLocalFile(dir + QStringLiteral("/A.JSONL")) } << true;
        QTest::newRow("text file") << QList<QUrl> { QUrl::fromLocalFile(dir + QStringLiteral("/notes.txt")) } << false;
        QTest::newRow("no suffix") << QList<QUrl> { QUrl::fromLocalFile(dir + QStringLiteral("/json")) } << false;
        QTest::newRow("json.gz") << QList<QUrl> { QUrl::fromLocalFile(dir + QStringLiteral("/a.json.gz")) } << false;
        QTest::newRow("two files") << QList<QUrl> { QUrl::fromLocalFile(dir + QStringLiteral("/a.json")),
            QUrl::fromLocalFile(dir + QStringLiteral("/b.json")) }
                                   << false;
        QTest::newRow("remote") << QList<QUrl> { QUrl(QStringLiteral("http://127.0.0.1/a.json")) } << false;
        QTest::newRow("no urls") << QList<QUrl> {} << false;
    }

    void dragEnterAcceptsScenariosAndLogs()
    {
        QFETCH(QList<QUrl>, urls);
        QFETCH(bool, accepted);
        MainWindow window;
        auto mime = urlsMime(urls);
        if (urls.isEmpty())
            mime->setText(QStringLiteral("{\"seed\": 1}"));
        QCOMPARE(dragEnter(window, mime.get()), accepted);
    }

    void dropOpensFiles()
    {
        const Recording rec = record(parse(RecordedScenario), m_dir.filePath(QStringLiteral("drop")));
        QVERIFY(!rec.path.isEmpty());
        const QString scenarioPath = m_dir.filePath(QStringLiteral("dropped.json"));
        QVERIFY(writeFile(scenarioPath, OtherScenario));

        MainWindow window;
        window.show();
        DialogCloser closer;
        QVERIFY(window.openScenarioJson(LiveScenario, QStringLiteral("live.json")));
        QVERIFY(!window.document()->isModified());
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("Live outage")));

        // A log switches to Replay and loads its events.
        QVERIFY(dragAndDrop(window, rec.path));
        QTRY_COMPARE_WITH_TIMEOUT(window.mode(), MainWindow::Mode::Replay, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(window.replayControls()->replayer().eventCount(), rec.events.size(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(window.logPanel()->model()->rowCount(), int(rec.lines), 20000);

        // A scenario opens as a file (title from the file name) and goes back to Simulate.
        QVERIFY(dragAndDrop(window, scenarioPath));
        QTRY_COMPARE_WITH_TIMEOUT(window.document()->filePath(), QFileInfo(scenarioPath).absoluteFilePath(), 5000);
        QCOMPARE(window.document()->value(QStringLiteral("/name")).toString(), QStringLiteral("Dropped scenario"));
        QCOMPARE(window.document()->value(QStringLiteral("/pipelines/0/name")).toString(), QStringLiteral("lookup"));
        QVERIFY2(window.windowTitle().startsWith(QStringLiteral("dropped.json")), qPrintable(window.windowTitle()));
        QCOMPARE(window.mode(), MainWindow::Mode::Simulate);
        QVERIFY(closer.texts().isEmpty());
    }

    void dropOfBrokenScenarioKeepsSession_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << QByteArray("{\n  \"seed\": 1,\n  \"duration\": ,\n}") << QStringLiteral("line 3");
        QTest::newRow("range") << QByteArray(OtherScenario).replace("\"duration\": 10", "\"duration\": -10")
                               << QStringLiteral("/duration");
    }

    void dropOfBrokenScenarioKeepsSession()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = m_dir.filePath(QStringLiteral("broken.json"));
        QVERIFY(writeFile(path, content));

        MainWindow window;
        window.show();
        QVERIFY(window.openScenarioJson(LiveScenario, QStringLiteral("live.json")));
        const QJsonObject session = window.document()->json();
        const QString title = window.windowTitle();
        const quint64 revision = window.document()->revision();

        DialogCloser closer;
        QVERIFY(dragAndDrop(window, path));
        QTRY_COMPARE_WITH_TIMEOUT(closer.texts().size(), 1, 5000);
        const QString text = closer.texts().front();
        QVERIFY2(text.contains(QStringLiteral("broken.json")), qPrintable(text));
        QVERIFY2(text.contains(expected), qPrintable(text));
        QCOMPARE(window.document()->json(), session);
        QCOMPARE(window.document()->revision(), revision);
        QCOMPARE(window.windowTitle(), title);
        QVERIFY(window.document()->filePath().isEmpty());
        QCOMPARE(window.mode(), MainWindow::Mode::Simulate);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestMainWindowModes)
#include "tst_mainwindow_modes.moc"
