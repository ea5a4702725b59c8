#include "ui/editors/lintpanel.h"

#include "core/config/scenariojson.h"
#include "ui/common/collapsiblesection.h"
#include "ui/editors/parametercontrol.h"
#include "ui/editors/pipelineeditor.h"
#include "ui/document/scenariodocument.h"
#include "ui/run/simulationrun.h"

#include <QLabel>
#include <QListWidget>
#include <QScopeGuard>
#include <QStyle>
#include <QVBoxLayout>

namespace rwb {

namespace {

QIcon severityIcon(const QStyle* style, LintSeverity severity)
{
    switch (severity) {
    case LintSeverity::Error:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case LintSeverity::Warning:
        return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case LintSeverity::Info:
        break;
    }
    return style->standardIcon(QStyle::SP_MessageBoxInformation);
}

QListWidget* makeList(QWidget* parent, const QString& name)
{
    auto* list = new QListWidget(parent);
    list->setObjectName(name);
    list->setWordWrap(true);
    list->setTextElideMode(Qt::ElideNone);
    list->setSelectionMode(QAbstractItemView::SingleSelection);
    list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    return list;
}

} // namespace

LintPanel::LintPanel(QWidget* parent)
    : QWidget(parent)
    , m_lintHeader(new QLabel(this))
    , m_findingList(makeList(this, QStringLiteral("lintFindings")))
    , m_expectHeader(new QLabel(this))
    , m_expectationList(makeList(this, QStringLiteral("expectations")))
{
    auto* layout = new QVBoxLayout(this);
    m_lintHeader->setWordWrap(true);
    m_expectHeader->setWordWrap(true);
    layout->addWidget(m_lintHeader);
    layout->addWidget(m_findingList, 1);
    layout->addWidget(m_expectHeader);
    layout->addWidget(m_expectationList, 1);
    m_findingList->setToolTip(tr("Risky settings the lint found (docs/lint.md). Double-click one to go to its setting."));
    m_expectationList->setToolTip(tr("The pipelines' \"expect\" entries, judged against the latest run (rwb check)."));
    connect(m_findingList, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        emit findingActivated(item->data(Qt::UserRole).toString());
    });
    m_expectHeader->setText(tr("<b>Expectations</b>: waiting for a run"));
    relint();
}

void LintPanel::setDocument(ScenarioDocument* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    if (m_document)
        connect(m_document, &ScenarioDocument::changed, this, &LintPanel::relint);
    relint();
}

std::vector<ScenarioProblem> LintPanel::advice() const
{
    std::vector<ScenarioProblem> out;
    for (const LintFinding& f : m_findings)
        out.push_back({f.pointer, QStringLiteral("%1 (%2): %3 Fix: %4").arg(f.rule, toString(f.severity), f.message, f.fix), 0});
    return out;
}

void LintPanel::relint()
{
    // however it ends, the editors re-mark their controls
    const auto notify = qScopeGuard([this] { emit findingsChanged(); });
    m_findings.clear();
    m_findingList->clear();
    const ScenarioLoad loaded = m_document ? scenariojson::fromJson(m_document->json()) : ScenarioLoad {};
    if (!loaded.ok()) {
        m_lintHeader->setText(m_document ? tr("<b>Lint</b>: fix the scenario's problems first") : tr("<b>Lint</b>"));
        return;
    }
    const Scenario& scenario = *loaded.scenario;
    m_findings = lint::check(scenario);
    for (const LintFinding& f : m_findings) {
        const LintRule* rule = lint::rule(f.rule);
        auto* item = new QListWidgetItem(severityIcon(style(), f.severity),
            tr("%1 · %2\n%3").arg(scenario.pipelines[std::size_t(f.pipeline)].name(), rule->title, f.message),
            m_findingList);
        item->setData(Qt::UserRole, f.pointer);
        item->setToolTip(tr("<p><b>%1</b> (%2)</p><p>%3</p><p><b>Fix:</b> %4</p><p><i>%5</i></p>")
                             .arg(f.rule, toString(f.severity), rule->explanation.toHtmlEscaped(), f.fix.toHtmlEscaped(),
                                 f.pointer));
    }
    m_lintHeader->setText(m_findings.empty() ? tr("<b>Lint</b>: no findings")
                                             : tr("<b>Lint</b>: %n finding(s), double-click to go to the setting", nullptr,
                                                   int(m_findings.size())));
}

void LintPanel::showRun(const SimulationRun& run)
{
    m_expectations.clear();
    m_expectationList->clear();
    if (run.ok() && run.scenario)
        m_expectations = expectationcheck::evaluate(*run.scenario, *run.result, run.events.get());
    int failed = 0;
    for (const ExpectationResult& r : m_expectations) {
        failed += r.passed ? 0 : 1;
        auto* item = new QListWidgetItem(
            style()->standardIcon(r.passed ? QStyle::SP_DialogApplyButton : QStyle::SP_DialogCancelButton),
            tr("%1 %2 · %3\nexpected %4, got %5")
                .arg(r.passed ? tr("PASS") : tr("FAIL"), r.pipeline, r.key, r.expected, r.got),
            m_expectationList);
        item->setBackground(r.passed ? QColor(0x2e, 0x7d, 0x32, 40) : QColor(0xc6, 0x28, 0x28, 55));
        item->setToolTip(r.pointer);
    }
    if (m_expectations.empty())
        m_expectHeader->setText(tr("<b>Expectations</b>: none (add \"expect\" to a pipeline to test its run)"));
    else
        m_expectHeader->setText(failed ? tr("<b>Expectations</b>: %1 of %2 failed").arg(failed).arg(m_expectations.size())
                                       : tr("<b>Expectations</b>: all %1 hold").arg(m_expectations.size()));
}

bool revealPipelineSetting(PipelineEditor& editor, const QString& pointer)
{
    // "/pipelines/N/policy[/key...]" or "/pipelines/N/order"
    const QStringList parts = pointer.split(QLatin1Char('/'));
    bool ok = false;
    const int index = parts.size() >= 4 && parts[1] == QLatin1String("pipelines") ? parts[2].toInt(&ok) : -1;
    if (!ok || index < 0)
        return false;
    editor.setPipelineIndex(index);
    const QString policy = parts[3];
    if (policy == QLatin1String("order")) {
        editor.orderList()->setFocus();
        return true;
    }
    CollapsibleSection* section = editor.section(policy);
    if (!section)
        return false;
    section->setExpanded(true);
    ParameterControl* control = parts.size() > 4 ? editor.control(policy, parts.mid(4).join(QLatin1Char('/'))) : nullptr;
    QWidget* target = control ? control->editor() : section;
    target->setFocus(Qt::OtherFocusReason);
    return true;
}

} // namespace rwb
