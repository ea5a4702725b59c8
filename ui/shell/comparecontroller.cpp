#include "ui/shell/comparecontroller.h"

#include "ui/charts/resultsview.h"
#include "ui/common/icons.h"
#include "ui/document/scenariodocument.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/run/simulationcontroller.h"
#include "ui/shell/compareview.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/runpresenter.h"
#include "ui/shell/summarycontroller.h"

#include <QAction>
#include <QDockWidget>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>

namespace rwb {

CompareController::CompareController(MainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_action(new QAction(icons::icon(icons::Icon::Compare), tr("Compare &A/B"), window))
{
    m_action->setCheckable(true);
    m_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_action->setToolTip(tr("Duplicate the pipeline as variant B and compare both on the same seed (Ctrl+B)"));
    connect(m_action, &QAction::toggled, this, &CompareController::toggled);
    ScenarioDocument* b = window->variantB();
    connect(b, &ScenarioDocument::changed, this, [this, b] {
        if (isComparing())
            m_window->simulationB()->request(b->json(), b->revision());
    });
}

void CompareController::attach(
    QTabWidget* pipelineTabs, PipelineEditor* editorB, QDockWidget* pipelineDock, QDockWidget* summaryDock)
{
    m_tabs = pipelineTabs;
    m_editorB = editorB;
    m_pipelineDock = pipelineDock;
    m_summaryDock = summaryDock;
    CompareView* view = m_window->compareView();
    connect(view, &CompareView::duplicateRequested, this, [this] { m_action->setChecked(true); });
    connect(view, &CompareView::dropRequested, this, [this] { m_action->setChecked(false); });
}

void CompareController::toggled(bool on)
{
    if (on && !isComparing()) {
        start();
    } else if (!on && isComparing()) {
        if (m_window->variantB()->isModified() && m_window->isVisible()) {
            const auto answer = QMessageBox::question(m_window, tr("Drop variant B"),
                tr("Variant B has unsaved changes. Drop it anyway?"), QMessageBox::Discard | QMessageBox::Cancel,
                QMessageBox::Cancel);
            if (answer != QMessageBox::Discard) {
                const QSignalBlocker block(m_action);
                m_action->setChecked(true);
                return;
            }
        }
        stop();
    }
}

void CompareController::start()
{
    ScenarioDocument* b = m_window->variantB();
    b->reset(m_window->document()->json(), {}, tr("Variant B"));
    if (m_tabs->count() == 1)
        m_tabs->addTab(m_editorB, tr("Variant B"));
    m_tabs->setTabText(0, tr("Variant A"));
    m_tabs->tabBar()->show();
    m_tabs->setCurrentIndex(1);
    m_editorB->setPipelineIndex(m_window->pipelineEditor()->pipelineIndex());
    m_window->compareView()->setCompareActive(true);
    m_summaryDock->show();
    m_summaryDock->raise();
    m_pipelineDock->raise();
    m_action->setChecked(true);
    m_window->simulationB()->request(b->json(), b->revision());
    m_window->simulationB()->runNow();
    emit comparingChanged();
    m_window->statusBar()->showMessage(
        tr("Variant B created: edit it in the Pipeline panel; both run on the same seed"), 5000);
}

void CompareController::stop()
{
    m_window->simulationB()->cancel();
    if (m_tabs->count() > 1)
        m_tabs->removeTab(1);
    m_tabs->setTabText(0, tr("Pipeline"));
    m_tabs->tabBar()->hide();
    m_window->compareView()->setCompareActive(false);
    m_window->resultsView()->setComparison(nullptr);
    m_action->setChecked(false);
    m_window->variantB()->reset({}, {}, tr("Variant B")); // forgotten: nothing left to save
    const SimulationRun& a = m_window->simulation()->lastRun();
    if (m_window->mode() == MainWindow::Mode::Simulate && a.ok())
        m_window->summary()->showRuns(a, nullptr, RunPresenter::statusText(a));
    emit comparingChanged();
}

bool CompareController::isComparing() const noexcept
{
    return m_tabs && m_tabs->count() > 1;
}

void CompareController::loadAsVariantB(const QJsonObject& values)
{
    if (!isComparing())
        start();
    for (auto it = values.begin(); it != values.end(); ++it)
        m_window->variantB()->setValue(it.key(), it.value(), tr("Sweep point %1").arg(it.key()));
    m_summaryDock->show();
    m_summaryDock->raise();
}

} // namespace rwb
