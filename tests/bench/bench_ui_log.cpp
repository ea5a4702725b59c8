// Log panel responsiveness: opens a large workbench JSONL log in the real MainWindow the way File >
// Open does, then types queries into the query bar and scrolls the table, with a 2 ms stall probe
// running throughout. Prints time to first rows painted, time to fully indexed and to the replay
// loaded (the main window decodes the log's events when indexing ends), the longest UI stall of each
// phase and the slowest GUI event (receiver class, event type). Target: no stall over 50 ms.
//
// Usage: bench_ui_log [--size 1G|200M|...] [--file PATH] [--keep] [--trace MS]
// (--trace: print every GUI event slower than MS milliseconds to stderr)
// Runs offscreen unless QT_QPA_PLATFORM is set.
#include "core/log/eventcodec.h"
#include "core/log/logindex.h"
#include "core/log/logreplayer.h"
#include "tests/bench/uiprobe.h"
#include "ui/log/logpanel.h"
#include "ui/log/logquerybar.h"
#include "ui/log/logtablemodel.h"
#include "ui/log/logtableview.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/replaycontrols.h"

#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QKeyEvent>
#include <QMetaEnum>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTimer>
#include <QtConcurrent>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>

using namespace rwb;
using bench::printSlowest;
using bench::spin;
using bench::StallProbe;
using bench::TimedApplication;

namespace {

qint64 parseSize(QString s)
{
    s = s.trimmed().toUpper();
    if (s.endsWith(QLatin1Char('B')))
        s.chop(1);
    qint64 unit = 1;
    const QString suffixes = QStringLiteral("KMG");
    if (!s.isEmpty() && suffixes.contains(s.back())) {
        unit = qint64(1) << (10 * (suffixes.indexOf(s.back()) + 1));
        s.chop(1);
    }
    bool ok = false;
    const double v = s.toDouble(&ok);
    return ok && v > 0 ? qint64(v * double(unit)) : -1;
}

/// A run of 12 services written with the real encoder: attempts, completions, retries (some after a
/// "connection reset"), give-ups and breaker transitions; about 220 bytes a line.
bool generate(const QString& path, qint64 bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QStringList agents;
    for (const char* a : { "payments", "orders", "inventory", "auth", "search", "shipping", "billing", "catalog",
             "profile", "pricing", "ledger", "gateway" })
        agents << QString::fromLatin1(a);
    std::uint64_t x = 0x2545F4914F6CDD1Dull;
    const auto rnd = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    const qint64 originMs = 1767454200000; // 2026-01-03T15:30:00Z
    QByteArray buf;
    Duration now {};
    std::uint64_t request = 0;
    qint64 written = 0;
    while (written < bytes) {
        const std::uint64_t r = rnd();
        Event e;
        e.source = agents[int(r % 12)];
        now += Duration(std::int64_t(rnd() % 1000000));
        e.time = TimePoint(now);
        e.requestId = ++request;
        e.attempt = int(1 + (r >> 20) % 3);
        const unsigned kind = unsigned((r >> 8) % 100);
        if (kind < 55) {
            const bool fail = (r >> 30) % 10 == 0;
            e.kind = EventKind::Attempt;
            e.outcome = fail ? OutcomeKind::Error : OutcomeKind::Success;
            e.httpStatus = fail ? 503 : 200;
            if (fail)
                e.errorClass = ErrorClass::forHttpStatus(503);
            e.latency = Duration(std::int64_t(rnd() % 80000000));
        } else if (kind < 82) {
            e.kind = EventKind::RequestDone;
            e.outcome = (r >> 30) % 40 == 0 ? OutcomeKind::Timeout : OutcomeKind::Success;
            e.total = Duration(std::int64_t(rnd() % 400000000));
        } else if (kind < 95) {
            e.kind = EventKind::RetryScheduled;
            e.delay = Duration(std::int64_t(rnd() % 3000000000));
            e.text = (r >> 40) % 4 == 0 ? QStringLiteral("connection reset by peer") : QStringLiteral("http_503");
        } else if (kind < 99) {
            e.kind = EventKind::RetryGaveUp;
            e.text = QStringLiteral("max attempts reached");
        } else {
            e.kind = EventKind::BreakerTransition;
            e.requestId = 0;
            e.attempt = 0;
            e.to = (r >> 40) % 2 ? BreakerState::Open : BreakerState::Closed;
            e.from = e.to == BreakerState::Open ? BreakerState::Closed : BreakerState::Open;
            e.text = QStringLiteral("5 failures in 10 s");
        }
        const qsizetype before = buf.size();
        eventcodec::encode(e, originMs + std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), buf);
        written += buf.size() - before;
        if (buf.size() > (4 << 20)) {
            if (f.write(buf) != buf.size())
                return false;
            buf.clear();
        }
    }
    return f.write(buf) == buf.size() && f.flush();
}

/// Types `text` into `bar` one key every `gapMs` (a quick typist), then presses Enter. Returns once
/// Enter has been delivered.
void typeAndSubmit(QWidget* bar, const QString& text, int gapMs)
{
    for (const QChar c : text) {
        QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
        QCoreApplication::sendEvent(bar, &press);
        QKeyEvent release(QEvent::KeyRelease, 0, Qt::NoModifier, QString(c));
        QCoreApplication::sendEvent(bar, &release);
        spin(gapMs);
    }
    QKeyEvent enter(QEvent::KeyPress, Qt::Key_Return, Qt::NoModifier);
    QCoreApplication::sendEvent(bar, &enter);
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // keep the query history out of the user's settings

    qint64 size = qint64(1) << 30;
    QString file;
    bool keep = false;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QStringLiteral("--size") && i + 1 < args.size())
            size = parseSize(args[++i]);
        else if (args[i] == QStringLiteral("--file") && i + 1 < args.size())
            file = args[++i];
        else if (args[i] == QStringLiteral("--keep"))
            keep = true;
        else if (args[i] == QStringLiteral("--trace") && i + 1 < args.size())
            app.traceOverMs = args[++i].toDouble();
        else {
            std::fprintf(stderr, "usage: bench_ui_log [--size 1G|200M] [--file PATH] [--keep] [--trace MS]\n");
            return 2;
        }
    }
    if (size <= 0) {
        std::fprintf(stderr, "bench_ui_log: bad --size\n");
        return 2;
    }
    const bool generated = file.isEmpty();
    if (!generated && !QFileInfo(file).isFile()) {
        // MainWindow would show its modal error box, which nobody closes offscreen
        std::fprintf(stderr, "bench_ui_log: %s: no such file\n", qPrintable(file));
        return 2;
    }
    if (generated) {
        file = QDir::temp().filePath(QStringLiteral("bench_ui_log_%1.jsonl").arg(QCoreApplication::applicationPid()));
        QElapsedTimer t;
        t.start();
        if (!generate(file, size)) {
            std::fprintf(stderr, "bench_ui_log: cannot write %s\n", qPrintable(file));
            return 1;
        }
        std::printf("generated %s: %.0f MB in %.1f s\n", qPrintable(file), double(QFileInfo(file).size()) / (1 << 20),
            t.nsecsElapsed() / 1e9);
    }
    const auto cleanup = [&] {
        if (generated && !keep)
            QFile::remove(file);
    };

    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    LogPanel* panel = window.logPanel();
    for (QWidget* w = panel; w; w = w->parentWidget())
        if (auto* dock = qobject_cast<QDockWidget*>(w)) {
            dock->show();
            dock->raise();
        }
    spin(1500); // the start-up simulation lands and is drawn
    app.resetSlowest();

    // 1. Open the log as File > Open / drop does, until indexed (and the replay has loaded it).
    LogTableView* table = panel->tableView();
    LogTableModel* model = panel->model();
    QElapsedTimer clock;
    double firstRowsMs = -1;
    double firstPaintMs = -1;
    struct PaintWatch final : QObject {
        std::function<void()> onPaint;
        bool eventFilter(QObject*, QEvent* e) override
        {
            if (e->type() == QEvent::Paint)
                onPaint();
            return false;
        }
    } paintWatch;
    paintWatch.onPaint = [&] {
        if (firstPaintMs < 0 && firstRowsMs >= 0)
            firstPaintMs = clock.nsecsElapsed() / 1e6;
    };
    table->viewport()->installEventFilter(&paintWatch);
    const auto noteRows = [&] {
        if (firstRowsMs < 0 && model->rowCount() > 0)
            firstRowsMs = clock.nsecsElapsed() / 1e6;
    };
    QObject::connect(model, &QAbstractItemModel::rowsInserted, noteRows);
    QObject::connect(model, &QAbstractItemModel::modelReset, noteRows);

    StallProbe probe;
    probe.start();
    clock.start();
    const qint64 openCpuStart = bench::threadCpuNs();
    if (!window.openFile(file)) {
        std::fprintf(stderr, "bench_ui_log: MainWindow::openFile(%s) failed\n", qPrintable(file));
        cleanup();
        return 1;
    }
    const double openCallMs = clock.nsecsElapsed() / 1e6;
    const double openCallCpuMs = (bench::threadCpuNs() - openCpuStart) / 1e6;
    noteRows();
    LogIndex* index = panel->logIndex();
    // the index's own end, seen off the GUI thread (the finished signal also runs the replay load)
    std::atomic<qint64> indexedNs { -1 };
    std::atomic_bool watching { true };
    std::thread watcher([&] {
        while (watching.load() && index->isIndexing())
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        indexedNs = clock.nsecsElapsed();
    });
    double finishedMs = -1;
    {
        QEventLoop loop;
        QObject::connect(index, &LogIndex::finished, &loop, [&] {
            finishedMs = clock.nsecsElapsed() / 1e6;
            loop.quit();
        });
        QTimer::singleShot(600000, &loop, &QEventLoop::quit);
        if (index->isIndexing())
            loop.exec();
        else
            finishedMs = clock.nsecsElapsed() / 1e6; // a small file: done before we looked
    }
    watching = false;
    watcher.join();
    // the main window loads the replay when indexing ends (on the GUI thread or on a worker), if the
    // log holds workbench events (a foreign log given with --file may not)
    bool hasEvents = false;
    for (qint64 i = 0; i < std::min<qint64>(index->rowCount(), 10000) && !hasEvents; ++i)
        hasEvents = index->row(RowIndex(i)).eventId != 0;
    double replayMs = -1;
    if (hasEvents) {
        QEventLoop loop;
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (window.replayControls()->replayer().eventCount() > 0) {
                replayMs = clock.nsecsElapsed() / 1e6;
                loop.quit();
            }
        });
        poll.start(5);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    spin(1000); // whatever the end of indexing triggers
    probe.stop();
    std::printf("open %.0f MB log (%lld lines): openFile() returned in %.1f ms (GUI-thread CPU %.1f ms), first rows in "
                "the model %.1f ms, painted %.1f ms\n",
        double(QFileInfo(file).size()) / (1 << 20), static_cast<long long>(index->rowCount()), openCallMs, openCallCpuMs,
        firstRowsMs, firstPaintMs);
    std::printf("    indexed in %.0f ms; finished signal handled at %.0f ms; replay loaded at %.0f ms\n",
        indexedNs.load() / 1e6, finishedMs, replayMs);
    probe.print("    while opening");
    printSlowest(app);

    // 1b. The replay load as it could be: events decoded on a worker (LogReplayer::decode), only the
    //     hand-over (ReplayControls::loadDecoded) on the GUI thread.
    if (hasEvents) {
        app.resetSlowest();
        probe.start();
        QElapsedTimer t;
        t.start();
        QFutureWatcher<LogReplayer::Decoded> watcher;
        QEventLoop loop;
        QObject::connect(&watcher, &QFutureWatcher<LogReplayer::Decoded>::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(QtConcurrent::run([snapshot = index->snapshot()] { return LogReplayer::decode(snapshot); }));
        loop.exec();
        const double decodeMs = t.nsecsElapsed() / 1e6;
        QElapsedTimer h;
        h.start();
        window.replayControls()->loadEvents({}); // what freeing the events loaded before costs
        const double releaseMs = h.nsecsElapsed() / 1e6;
        h.start();
        // as ReplaySession hands them over: decode() sorted them, so loadDecoded() does not check the order
        const std::size_t events = window.replayControls()->loadDecoded(watcher.future().takeResult());
        const double handOverMs = h.nsecsElapsed() / 1e6;
        spin(500);
        std::printf("replay load off the GUI thread: %zu events decoded on a worker in %.0f ms; on the GUI thread: "
                    "releasing the events loaded before %.1f ms, hand-over %.1f ms\n",
            events, decodeMs, releaseMs, handOverMs);
        probe.stop();
        probe.print("    replay load off the GUI thread");
        printSlowest(app);
        h.start();
        const std::size_t one = LogReplayer::decode(index->snapshot(), -1, nullptr, 1).events.size();
        std::printf(
            "    for comparison, decoding the %zu events on one thread: %.0f ms\n", one, h.nsecsElapsed() / 1e6);
    }

    // 2. Queries typed into the query bar, submitted with Enter.
    LogQueryBar* bar = panel->queryBar();
    bar->setFocus();
    bar->clear();
    spin(600);
    const QString queries[] = { QStringLiteral("level>=ERROR"), QStringLiteral("\"connection reset\""),
        QStringLiteral("message~\"gave up\" and agent=payments"), QStringLiteral("level>=INFO"), QString() };
    for (const QString& text : queries) {
        bar->clear();
        spin(400); // the cleared text settles and shows every line again
        app.resetSlowest();
        qint64 matches = -2;
        double resultMs = -1;
        QElapsedTimer t;
        QEventLoop loop;
        const auto c = QObject::connect(panel, &LogPanel::queryFinished, &loop, [&](qint64 n) {
            if (n >= 0 && !panel->isQueryRunning()) {
                matches = n;
                resultMs = t.nsecsElapsed() / 1e6;
                loop.quit();
            }
        });
        probe.start();
        typeAndSubmit(bar, text, 60);
        t.start();
        if (text.isEmpty()) { // Enter on an empty bar: the settle of clear() already showed everything
            matches = model->rowCount();
            resultMs = 0;
        } else {
            QTimer::singleShot(300000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        QObject::disconnect(c);
        spin(300); // the filtered table is painted
        probe.stop();
        std::printf("query %-42s %9lld rows in %7.1f ms after Enter\n",
            qPrintable(text.isEmpty() ? QStringLiteral("(cleared)") : text), static_cast<long long>(matches), resultMs);
        probe.print("    typing + query");
        printSlowest(app);
    }

    // 3. Scrolling the whole table through its scroll bar, 400 steps, one every 10 ms.
    {
        QScrollBar* sb = table->verticalScrollBar();
        sb->setValue(0);
        spin(200);
        app.resetSlowest();
        const int steps = 400;
        int step = 0;
        QEventLoop loop;
        QTimer timer;
        timer.setInterval(10);
        QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
            sb->setValue(int(qint64(sb->maximum()) * ++step / steps));
            if (step >= steps)
                loop.quit();
        });
        probe.start();
        QElapsedTimer t;
        t.start();
        timer.start();
        loop.exec();
        timer.stop();
        spin(200);
        probe.stop();
        std::printf("scroll %d rows top to bottom in %d scroll-bar steps (%.0f ms)\n", model->rowCount(), steps,
            t.nsecsElapsed() / 1e6);
        probe.print("    scrolling");
        printSlowest(app);
    }
    cleanup();
    return 0;
}
