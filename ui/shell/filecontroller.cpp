#include "ui/shell/filecontroller.h"

#include "core/config/demos.h"
#include "core/config/scenariojson.h"
#include "core/run/runsummaryjson.h"
#include "ui/shell/centralarea.h"
#include "ui/shell/comparecontroller.h"
#include "ui/shell/exporter.h"
#include "ui/common/icons.h"
#include "ui/shell/mainwindow.h"
#include "ui/document/scenariodocument.h"
#include "ui/document/scenariofile.h"
#include "ui/common/settings.h"
#include "ui/shell/shortcuts.h"
#include "ui/run/simulationcontroller.h"
#include "ui/shell/summarycontroller.h"

#include <QAction>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSaveFile>
#include <QStatusBar>
#include <QTimer>

namespace rwb {

FileController::FileController(MainWindow* window)
    : QObject(window)
    , m_window(window)
{
    window->setAcceptDrops(true);
    window->installEventFilter(this);
    const auto nativeText = [](const QAction* a) { return a->shortcut().toString(QKeySequence::NativeText); };

    m_new = new QAction(tr("&New"), window);
    setStandardShortcut(m_new, QKeySequence::New, QKeySequence(Qt::CTRL | Qt::Key_N));
    m_new->setToolTip(tr("Start a new scenario: one service, one pipeline, one client (%1)").arg(nativeText(m_new)));
    connect(m_new, &QAction::triggered, this, [this] {
        if (maybeSave())
            newScenario();
    });

    m_open = new QAction(icons::icon(icons::Icon::Open), tr("&Open…"), window);
    setStandardShortcut(m_open, QKeySequence::Open, QKeySequence(Qt::CTRL | Qt::Key_O));
    m_open->setToolTip(tr("Open a scenario (.json) or a recorded log (.jsonl) (%1)").arg(nativeText(m_open)));
    connect(m_open, &QAction::triggered, this, &FileController::open);

    m_save = new QAction(icons::icon(icons::Icon::Save), tr("&Save"), window);
    setStandardShortcut(m_save, QKeySequence::Save, QKeySequence(Qt::CTRL | Qt::Key_S));
    m_save->setToolTip(tr("Save the scenario; while comparing, variant B too (%1)").arg(nativeText(m_save)));
    connect(m_save, &QAction::triggered, this, &FileController::save);

    m_saveAs = new QAction(tr("Save &As…"), window);
    setStandardShortcut(m_saveAs, QKeySequence::SaveAs, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveAs, &QAction::triggered, this, &FileController::saveAs);

    m_saveBAs = new QAction(tr("Save Variant &B As…"), window);
    m_saveBAs->setToolTip(tr("Save variant B as a scenario of its own"));
    m_saveBAs->setEnabled(false);
    connect(m_saveBAs, &QAction::triggered, this, &FileController::saveVariantBAs);

    m_exportConfig = new QAction(icons::icon(icons::Icon::Export), tr("Export &Config as JSON…"), window);
    m_exportConfig->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportConfig->setToolTip(tr("Export the pipeline configuration as JSON (scenario or seed-004 format)"));
    connect(m_exportConfig, &QAction::triggered, this, &FileController::exportConfigDialog);

    m_importConfig = new QAction(tr("&Import Config…"), window);
    m_importConfig->setToolTip(tr("Replace the pipelines with an exported config (scenario or seed-004 format)"));
    connect(m_importConfig, &QAction::triggered, this, &FileController::importConfigDialog);

    m_exportSummary = new QAction(tr("Export Run &Summary and Metrics…"), window);
    m_exportSummary->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(m_exportSummary, &QAction::triggered, this, &FileController::exportSummaryDialog);

    m_quit = new QAction(tr("&Quit"), window);
    setStandardShortcut(m_quit, QKeySequence::Quit, QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quit->setMenuRole(QAction::QuitRole);
    connect(m_quit, &QAction::triggered, window, &QWidget::close);

    m_recent = new QMenu(tr("Open &Recent"), window);
}

ScenarioDocument* FileController::documentFor(bool variantB) const
{
    return variantB ? m_window->variantB() : m_window->document();
}

void FileController::newScenario()
{
    // Every value is the engine's default: the structs are the one place defaults live.
    Scenario scenario;
    scenario.name = tr("Untitled scenario");
    ServiceSpec service;
    service.name = QStringLiteral("service");
    scenario.services.push_back(service);
    PipelineSpec pipeline;
    pipeline.config.name = QStringLiteral("pipeline");
    pipeline.service = service.name;
    scenario.pipelines.push_back(pipeline);
    ClientSpec client;
    client.name = QStringLiteral("client");
    client.pipeline = pipeline.config.name;
    scenario.clients.push_back(client);
    const QJsonObject json = scenariojson::toJson(scenario);
    m_window->openScenarioJson(QJsonDocument(json).toJson(), tr("Untitled scenario"));
    m_window->statusBar()->showMessage(tr("New scenario: edit the service, pipeline and client in the panels"), 5000);
}

bool FileController::saveTo(const QString& path)
{
    ScenarioDocument* document = m_window->document();
    const QString error = writeJsonFile(path, document->json());
    if (!error.isEmpty()) {
        QMessageBox::warning(m_window, tr("Cannot save scenario"),
            tr("%1 could not be written: %2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    document->setFilePath(path);
    document->markSaved();
    Settings::addRecentFile(path);
    Settings::setLastScenario(QFileInfo(path).absoluteFilePath());
    updateRecentMenu();
    m_window->statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 3000);
    return true;
}

bool FileController::saveVariantBTo(const QString& path)
{
    ScenarioDocument* document = m_window->variantB();
    const QString error = writeJsonFile(path, document->json());
    if (!error.isEmpty()) {
        QMessageBox::warning(m_window, tr("Cannot save variant B"),
            tr("%1 could not be written: %2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    document->setFilePath(path);
    document->markSaved();
    m_window->statusBar()->showMessage(tr("Saved variant B as %1").arg(QFileInfo(path).fileName()), 3000);
    return true;
}

QString FileController::defaultVariantBPath() const
{
    const QString a = m_window->document()->filePath();
    if (a.isEmpty())
        return {};
    const QFileInfo info(a);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral("-variant-b.json"));
}

bool FileController::save()
{
    ScenarioDocument* a = m_window->document();
    if (a->filePath().isEmpty() ? !saveAs() : !saveTo(a->filePath()))
        return false;
    if (!m_window->isComparing())
        return true;
    ScenarioDocument* b = m_window->variantB();
    const QString path = b->filePath().isEmpty() ? defaultVariantBPath() : b->filePath();
    return saveVariantBTo(path);
}

bool FileController::saveAs()
{
    ScenarioDocument* document = m_window->document();
    QString suggestion = document->filePath();
    if (suggestion.isEmpty())
        suggestion = QDir(Settings::lastDirectory())
                         .filePath(document->title().toLower().replace(QLatin1Char(' '), QLatin1Char('-'))
                             + QStringLiteral(".json"));
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save Scenario"), suggestion, tr("Scenarios (*.json);;All files (*)"));
    return !path.isEmpty() && saveTo(path);
}

bool FileController::saveVariantBAs()
{
    ScenarioDocument* b = m_window->variantB();
    QString suggestion = b->filePath().isEmpty() ? defaultVariantBPath() : b->filePath();
    if (suggestion.isEmpty())
        suggestion = QDir(Settings::lastDirectory()).filePath(QStringLiteral("variant-b.json"));
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save Variant B"), suggestion, tr("Scenarios (*.json);;All files (*)"));
    return !path.isEmpty() && saveVariantBTo(path);
}

bool FileController::openScenarioJson(const QByteArray& text, const QString& sourceName, const QString& filePath)
{
    const ScenarioFile file = parseScenario(text, sourceName);
    if (!file.ok()) {
        QMessageBox box(QMessageBox::Warning, tr("Cannot open scenario"),
            tr("<b>%1</b> was not opened; the current session is unchanged.").arg(sourceName.toHtmlEscaped()),
            QMessageBox::Ok, m_window);
        box.setInformativeText(file.problemText(sourceName));
        box.setObjectName(QStringLiteral("openErrorDialog"));
        box.exec();
        return false;
    }
    if (m_window->isComparing())
        m_window->comparing()->action()->setChecked(false); // asks first when B has unsaved edits
    const QString title = file.json.value(QStringLiteral("name")).toString();
    m_window->document()->reset(file.json, filePath, filePath.isEmpty() ? (title.isEmpty() ? sourceName : title) : QString());
    m_window->centralArea()->setLesson(file.json.value(QStringLiteral("lesson")).toString());
    m_window->summary()->clear(tr("Simulating %1…").arg(m_window->document()->title()));
    if (m_window->mode() == MainWindow::Mode::Replay)
        m_window->setMode(MainWindow::Mode::Simulate);
    return true;
}

bool FileController::openScenarioFile(const QString& path)
{
    const QFileInfo info(path);
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(m_window, tr("Cannot open scenario"),
            tr("%1 could not be read: %2").arg(QDir::toNativeSeparators(path), in.errorString()));
        return false;
    }
    if (!openScenarioJson(in.readAll(), info.fileName(), info.absoluteFilePath()))
        return false;
    Settings::addRecentFile(info.absoluteFilePath());
    Settings::setLastScenario(info.absoluteFilePath());
    Settings::setLastDirectory(info.absolutePath());
    updateRecentMenu();
    m_window->setMode(MainWindow::Mode::Simulate);
    m_window->statusBar()->showMessage(tr("Opened %1").arg(info.fileName()), 3000);
    return true;
}

bool FileController::openDemo(const QString& name)
{
    const QString wanted = name.isEmpty() ? QStringLiteral("outage-recovery") : name;
    const auto all = demos::list();
    const auto demo = std::find_if(all.begin(), all.end(), [&](const DemoInfo& d) { return d.name == wanted; });
    if (demo == all.end())
        return false;
    const ScenarioLoad load = demos::load(demo->name);
    if (!load.ok())
        return false;
    if (m_window->isComparing())
        m_window->comparing()->action()->setChecked(false); // asks first when B has unsaved edits
    m_window->document()->reset(scenariojson::toJson(*load.scenario), {}, demo->title);
    m_window->centralArea()->setLesson(demo->lesson);
    m_window->summary()->clear(tr("Simulating %1…").arg(demo->title));
    Settings::setLastScenario(QStringLiteral("demo:") + demo->name);
    m_window->setMode(MainWindow::Mode::Simulate);
    return true;
}

void FileController::restoreLastSession()
{
    const QString last = Settings::lastScenario();
    if (last.startsWith(QStringLiteral("demo:")) && openDemo(last.mid(5)))
        return;
    if (!last.isEmpty() && QFileInfo::exists(last) && m_window->openFile(last))
        return;
    openDemo();
}

void FileController::populateDemoMenu(QMenu* menu)
{
    // each with its lesson as the status tip, so hovering teaches before opening
    const auto all = demos::list();
    for (const DemoInfo& demo : all) {
        QAction* a = menu->addAction(icons::icon(icons::Icon::Demo), demo.title);
        a->setStatusTip(demo.lesson);
        a->setToolTip(demo.lesson);
        const QString name = demo.name;
        connect(a, &QAction::triggered, this, [this, name] {
            if (maybeSave())
                openDemo(name);
        });
    }
    if (all.empty())
        menu->addAction(tr("No built-in demos in this build"))->setEnabled(false);
    menu->setToolTipsVisible(true);
}

namespace {
/// The one local .json or .jsonl file a drag carries, or an empty string.
QString droppableFile(const QMimeData* mime)
{
    const auto urls = mime->urls();
    if (urls.size() != 1 || !urls.front().isLocalFile())
        return {};
    const QString path = urls.front().toLocalFile();
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QStringLiteral("json") || suffix == QStringLiteral("jsonl") ? path : QString();
}
} // namespace

bool FileController::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_window || (event->type() != QEvent::DragEnter && event->type() != QEvent::Drop))
        return QObject::eventFilter(watched, event);
    auto* drop = static_cast<QDropEvent*>(event); // QDragEnterEvent derives from it
    const QString path = droppableFile(drop->mimeData());
    if (path.isEmpty()) {
        drop->ignore();
        return true;
    }
    drop->acceptProposedAction();
    if (event->type() == QEvent::Drop) {
        // Dialogs must not run inside the drop handler (the drag source waits for it to return).
        QTimer::singleShot(0, this, [this, path] {
            if (maybeSave())
                m_window->openFile(path);
        });
    }
    return true;
}

void FileController::open()
{
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Scenario or Log"), Settings::lastDirectory(),
        tr("Scenarios and logs (*.json *.jsonl);;Scenarios (*.json);;"
           "Logs (*.jsonl);;All files (*)"));
    if (!path.isEmpty())
        m_window->openFile(path);
}

bool FileController::maybeSave()
{
    ScenarioDocument* a = m_window->document();
    const bool bModified = m_window->isComparing() && m_window->variantB()->isModified();
    if (!a->isModified() && !bModified)
        return true;
    const QString what = a->isModified() && bModified ? tr("%1 and variant B have unsaved changes.").arg(a->title())
        : bModified                                   ? tr("Variant B has unsaved changes.")
                                                      : tr("%1 has unsaved changes.").arg(a->title());
    QMessageBox box(QMessageBox::Question, tr("Unsaved changes"), what + QLatin1Char(' ') + tr("Save them first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, m_window);
    box.setObjectName(QStringLiteral("unsavedChangesDialog"));
    box.setDefaultButton(QMessageBox::Save);
    if (bModified && m_window->variantB()->filePath().isEmpty() && !defaultVariantBPath().isEmpty())
        box.setInformativeText(tr("Variant B goes to %1.").arg(QDir::toNativeSeparators(defaultVariantBPath())));
    const int answer = box.exec();
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void FileController::updateRecentMenu()
{
    m_recent->clear();
    const QStringList files = Settings::recentFiles();
    int n = 0;
    for (const QString& f : files) {
        ++n;
        QAction* a = m_recent->addAction(QStringLiteral("&%1 %2").arg(n).arg(QFileInfo(f).fileName()));
        a->setToolTip(QDir::toNativeSeparators(f));
        a->setStatusTip(QDir::toNativeSeparators(f));
        connect(a, &QAction::triggered, this, [this, f] {
            if (maybeSave())
                m_window->openFile(f);
        });
    }
    if (files.isEmpty()) {
        m_recent->addAction(tr("No recent files"))->setEnabled(false);
    } else {
        m_recent->addSeparator();
        m_recent->addAction(tr("Clear Menu"), this, [this] {
            Settings::clearRecentFiles();
            updateRecentMenu();
        });
    }
}

QString FileController::exportScenarioConfig(const QString& path, bool variantB) const
{
    return writeJsonFile(path, exporter::pipelineConfig(documentFor(variantB)->json()));
}

QString FileController::exportSeedConfig(const QString& path, QStringList* lossy, bool variantB) const
{
    QString error;
    const QByteArray bytes = exporter::seedConfig(documentFor(variantB)->json(), lossy, &error);
    if (!error.isEmpty())
        return error;
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return out.errorString();
    return {};
}

bool FileController::importConfig(const QString& path, QString* error)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        if (error)
            *error = in.errorString();
        return false;
    }
    ScenarioDocument* document = m_window->document();
    QJsonObject scenario = document->json();
    QStringList unmatched;
    if (!exporter::importConfig(scenario, in.readAll(), QFileInfo(path).fileName(), error, &unmatched))
        return false;
    // One undo step: the pipelines as a whole.
    document->setValue(QStringLiteral("/pipelines"), scenario.value(QStringLiteral("pipelines")),
        tr("Import config from %1").arg(QFileInfo(path).fileName()));
    if (!unmatched.isEmpty())
        m_window->statusBar()->showMessage(
            tr("Imported; no pipeline named %1").arg(unmatched.join(QStringLiteral(", "))), 8000);
    return true;
}

QString FileController::exportRunSummary(const QString& path) const
{
    // What the Summary describes, whichever mode produced it (not the last simulation behind a live run).
    const auto shown = m_window->summary()->shownRun();
    if (!shown)
        return tr("there is no run to export yet");
    runjson::Options options;
    options.source = shown->source;
    options.scenario = m_window->document()->json().value(QStringLiteral("name")).toString();
    options.series = true;
    options.events = &shown->events;
    return writeJsonFile(path, runjson::toJson(shown->result, options));
}

void FileController::exportConfigDialog()
{
    bool variantB = false;
    if (m_window->isComparing()) {
        QMessageBox which(QMessageBox::Question, tr("Export Config"), tr("Export the configuration of which variant?"),
            QMessageBox::Cancel, m_window);
        QPushButton* a = which.addButton(tr("Variant A"), QMessageBox::AcceptRole);
        QPushButton* b = which.addButton(tr("Variant B"), QMessageBox::AcceptRole);
        which.setDefaultButton(a);
        which.exec();
        if (which.clickedButton() != a && which.clickedButton() != b)
            return;
        variantB = which.clickedButton() == b;
    }
    QString selected;
    const QString base = QDir(Settings::lastDirectory())
                             .filePath(QFileInfo(m_window->document()->title()).completeBaseName()
                                 + (variantB ? QStringLiteral("-variant-b") : QString()));
    const QString scenarioFilter = tr("Pipeline config, scenario format (*.json)");
    const QString seedFilter = tr("Pipeline config, retry_configs / circuit_breaker_configs format (*.json)");
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export Config as JSON"),
        base + QStringLiteral("-config.json"), scenarioFilter + QStringLiteral(";;") + seedFilter, &selected);
    if (path.isEmpty())
        return;
    QStringList lossy;
    const QString error
        = selected == seedFilter ? exportSeedConfig(path, &lossy, variantB) : exportScenarioConfig(path, variantB);
    if (!error.isEmpty())
        QMessageBox::warning(m_window, tr("Export failed"), tr("%1: %2").arg(QDir::toNativeSeparators(path), error));
    else if (!lossy.isEmpty())
        QMessageBox::information(m_window, tr("Exported with omissions"),
            tr("The retry_configs / circuit_breaker_configs layout cannot express every setting; "
               "these were left out:\n\n%1")
                .arg(lossy.join(QLatin1Char('\n'))));
    else
        m_window->statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 3000);
}

void FileController::importConfigDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Import Config"), Settings::lastDirectory(), tr("Pipeline configs (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!importConfig(path, &error))
        QMessageBox::warning(m_window, tr("Cannot import config"),
            tr("%1 was not imported; the scenario is unchanged.\n\n%2").arg(QDir::toNativeSeparators(path), error));
}

void FileController::exportSummaryDialog()
{
    const QString base
        = QDir(Settings::lastDirectory()).filePath(QFileInfo(m_window->document()->title()).completeBaseName());
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export Run Summary and Metrics"), base + QStringLiteral("-run.json"), tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    const QString error = exportRunSummary(path);
    if (!error.isEmpty())
        QMessageBox::warning(m_window, tr("Export failed"), tr("%1: %2").arg(QDir::toNativeSeparators(path), error));
    else
        m_window->statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 3000);
}

} // namespace rwb
