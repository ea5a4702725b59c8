#include "ui/shell/recordingcontroller.h"

#include "ui/common/settings.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/livecontroller.h"
#include "ui/run/runrecording.h"
#include "ui/shell/livecontrols.h"
#include "ui/shell/mainwindow.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QStatusBar>

#include <climits>

namespace rwb {

RecordingController::RecordingController(MainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_action(new QAction(tr("&Record Run to JSONL…"), window))
{
    m_action->setObjectName(QStringLiteral("recordAction"));
    m_action->setCheckable(true);
    m_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_action->setToolTip(tr("Simulate: write the run's events to a JSONL log now. Live: record every live run "
                            "while checked. Files rotate daily (Ctrl+R)"));
    connect(m_action, &QAction::triggered, this, &RecordingController::toggle);
}

bool RecordingController::recordSimulation(
    const QString& directory, std::function<void(const QString&, const QString&)> done)
{
    if (m_recordings.isRunning())
        return false;
    m_window->statusBar()->showMessage(tr("Recording the run to %1…").arg(QDir::toNativeSeparators(directory)));
    m_recordings.start(
        [json = m_window->document()->json(), directory] { return rwb::recordSimulation(json, directory); },
        [this, done = std::move(done)](const RecordedRun& recorded) {
            if (recorded.error.isEmpty())
                m_window->statusBar()->showMessage(
                    tr("Recorded %n line(s) to %1", nullptr, int(std::min<qint64>(recorded.lines, INT_MAX)))
                        .arg(QDir::toNativeSeparators(recorded.path)),
                    8000);
            else
                QMessageBox::warning(m_window, tr("Recording failed"), recorded.error);
            if (done)
                done(recorded.path, recorded.error);
        });
    return true;
}

void RecordingController::setLiveRecording(const QString& directory)
{
    m_liveDirectory = directory;
    m_action->setChecked(m_window->mode() == MainWindow::Mode::Live && !directory.isEmpty());
    showLiveTarget();
}

void RecordingController::modeChanged()
{
    const bool live = m_window->mode() == MainWindow::Mode::Live;
    m_action->setChecked(live && !m_liveDirectory.isEmpty());
    if (live)
        showLiveTarget();
}

void RecordingController::showLiveTarget()
{
    m_window->liveControls()->setRecording(
        m_liveDirectory.isEmpty() ? QString() : tr("Recording to %1").arg(QDir::toNativeSeparators(m_liveDirectory)));
}

QString RecordingController::chooseDirectory()
{
    const QString start
        = Settings::recordingDirectory().isEmpty() ? Settings::lastDirectory() : Settings::recordingDirectory();
    const QString dir = QFileDialog::getExistingDirectory(m_window, tr("Record Runs to Folder"), start);
    if (!dir.isEmpty())
        Settings::setRecordingDirectory(dir);
    return dir;
}

void RecordingController::toggle(bool on)
{
    const MainWindow::Mode mode = m_window->mode();
    if (mode == MainWindow::Mode::Live) {
        setLiveRecording(on ? chooseDirectory() : QString());
        if (on && m_window->live()->isRunning())
            m_window->statusBar()->showMessage(tr("Recording starts with the next live run"), 5000);
        return;
    }
    m_action->setChecked(false); // a one-off in Simulate mode
    if (mode == MainWindow::Mode::Simulate) {
        const QString dir = chooseDirectory();
        if (!dir.isEmpty())
            recordSimulation(dir);
    }
}

} // namespace rwb
