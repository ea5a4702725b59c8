#include "ui/shell/replaysession.h"

#include "core/log/logindex.h"
#include "core/log/logreplayer.h"
#include "ui/charts/bucketchart.h"
#include "ui/charts/circuittileboard.h"
#include "ui/charts/resultsview.h"
#include "ui/common/settings.h"
#include "ui/common/timeaxis.h"
#include "ui/log/logpanel.h"
#include "ui/run/eventbridge.h"
#include "ui/shell/filecontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/replaycontrols.h"
#include "ui/shell/runpresenter.h"
#include "ui/shell/summarycontroller.h"

#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>

namespace rwb {

ReplaySession::ReplaySession(MainWindow* window, RunPresenter* runs, QLabel* status)
    : QObject(window)
    , m_window(window)
    , m_runs(runs)
    , m_status(status)
    , m_bridge(new EventBridge(this))
{
    ReplayControls* replay = window->replayControls();
    replay->setBridge(m_bridge);
    connect(m_bridge, &EventBridge::eventsReady, runs, &RunPresenter::drawEvents);
    connect(replay, &ReplayControls::overviewEvents, runs, &RunPresenter::drawEvents);
    connect(replay, &ReplayControls::wholeLogShown, this, [this] {
        m_window->resultsView()->finishEvents();
        updateCaption();
    });
    connect(replay, &ReplayControls::rewound, this, [this](const std::vector<Event>& history) {
        m_window->resultsView()->clear();
        m_window->circuitTiles()->clear();
        m_window->summary()->clearEvents();
        m_runs->drawEvents(history);
    });
    connect(replay, &ReplayControls::positionChanged, this, [this] { updateCaption(); });
    connect(replay, &ReplayControls::playingChanged, this, &ReplaySession::stateChanged);
}

bool ReplaySession::open(const QString& path)
{
    const QFileInfo info(path);
    LogPanel* log = m_window->logPanel();
    QString error;
    if (!log->openFile(info.absoluteFilePath(), &error)) {
        QMessageBox box(QMessageBox::Warning, tr("Cannot open log"),
            tr("<b>%1</b> was not opened; the current session is unchanged.").arg(info.fileName().toHtmlEscaped()),
            QMessageBox::Ok, m_window);
        box.setInformativeText(error);
        box.exec();
        return false;
    }
    m_logName = info.fileName();
    m_window->replayControls()->loadEvents({}); // the previous log's replay is over
    m_window->setMode(MainWindow::Mode::Replay);
    m_runs->clearDrawing(nullptr);
    m_window->summary()->clear(tr("Replay of %1: indexing the log…").arg(m_logName));
    // The replay starts once the log is indexed (in the background).
    if (LogIndex* index = log->logIndex())
        connect(index, &LogIndex::finished, this, &ReplaySession::loadEvents, Qt::SingleShotConnection);
    Settings::addRecentFile(info.absoluteFilePath());
    Settings::setLastDirectory(info.absolutePath());
    m_window->files()->updateRecentMenu();
    m_window->statusBar()->showMessage(tr("Opened log %1").arg(info.fileName()), 3000);
    return true;
}

void ReplaySession::updateCaption()
{
    const ReplayControls* replay = m_window->replayControls();
    if (m_window->mode() != MainWindow::Mode::Replay || replay->replayer().eventCount() == 0)
        return;
    const LogReplayer& r = replay->replayer();
    const QString span = formatRunTime(r.endTime());
    const QString where = replay->isOverview() || r.atEnd()
        ? tr("the whole log (%1)").arg(span)
        : tr("up to %1 of %2").arg(formatRunTime(replay->position()), span);
    m_window->summary()->setCaption(tr("Replay of %1 · %2").arg(m_logName, where));
}

void ReplaySession::loadEvents()
{
    LogIndex* index = m_window->logPanel()->logIndex();
    if (!index)
        return;
    m_runs->clearDrawing(nullptr);
    m_window->summary()->clear(tr("Replay of %1: reading events…").arg(m_logName));
    m_status->setText(tr("Replay: reading events…"));
    // Decoding millions of events takes seconds (it froze the window for 1.4 s on a 1 GB log): on a
    // worker. A newer log cancels the older decode, and its result is dropped by job number.
    m_decodes.start(
        [snapshot = index->snapshot()](JobControl& control) {
            // shared_ptr: Decoded is move-only, and then() would otherwise copy it (or takeResult() reset the future)
            return std::make_shared<LogReplayer::Decoded>(LogReplayer::decode(snapshot, -1, &control.cancel));
        },
        [this](const std::shared_ptr<LogReplayer::Decoded>& decoded) {
            SummaryController* summary = m_window->summary();
            ReplayControls* replay = m_window->replayControls();
            m_window->logPanel()->setTimeOrigin(decoded->originUtcMs);
            summary->followEvents(&m_window->resultsView()->trafficChart()->bucketer(), runjson::Source::Replay,
                tr("Replay of %1").arg(m_logName));
            const std::size_t events = replay->loadDecoded(std::move(*decoded));
            m_status->setText(tr("Replay: %n event(s) loaded", nullptr, int(events)));
            if (events > replay->overviewLimit())
                m_window->statusBar()->showMessage(
                    tr("A large log: press Play to replay it, or ⏭ to draw it all at once"), 8000);
            if (events == 0) {
                summary->clear(tr("%1 holds no workbench events to replay").arg(m_logName));
                m_window->statusBar()->showMessage(
                    tr("The log holds no workbench events to replay; its lines are in the Log panel"), 8000);
            }
            emit stateChanged();
            emit eventsLoaded(events);
        });
}

} // namespace rwb
