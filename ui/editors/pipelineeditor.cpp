#include "ui/editors/pipelineeditor.h"

#include "core/policy/pipeline.h"
#include "core/run/behavelike.h"

#include "ui/common/collapsiblesection.h"
#include "ui/common/editorscrollarea.h"
#include "core/config/jsonpointer.h"
#include "ui/common/namedcombo.h"
#include "ui/editors/parametercatalog.h"
#include "ui/editors/parametercontrol.h"
#include "ui/document/scenariodocument.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QSignalBlocker>
#include <QUndoStack>
#include <QVBoxLayout>

namespace rwb {

namespace {

QStringList defaultOrder()
{
    QStringList order;
    for (const auto& g : catalog::pipelineGroups())
        if (stageKindFromString(g.key)) // hedging acts on each request and has no place in the order
            order << g.key;
    return order;
}

} // namespace

PipelineEditor::PipelineEditor(QWidget* parent)
    : QWidget(parent)
    , m_pipelines(new QComboBox(this))
    , m_binding(new QLabel(this))
    , m_behaveLike(new QComboBox(this))
    , m_order(new QListWidget(this))
    , m_orderHint(new QLabel(this))
{
    setObjectName(QStringLiteral("pipelineEditor"));
    build();
}

void PipelineEditor::build()
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    auto* top = new QWidget(this);
    top->setObjectName(QStringLiteral("panelHeader"));
    auto* topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(8, 6, 8, 6);
    auto* pipelineLabel = new QLabel(tr("Pipeline"), top);
    pipelineLabel->setBuddy(m_pipelines);
    m_pipelines->setToolTip(tr("The pipeline of the scenario being edited"));
    // may shrink below its longest name, so the "calls <service>" note beside it is never clipped
    m_pipelines->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_pipelines->setMinimumContentsLength(8);
    m_binding->setObjectName(QStringLiteral("dimLabel"));
    topLayout->addWidget(pipelineLabel);
    topLayout->addWidget(m_pipelines, 1);
    topLayout->addWidget(m_binding);
    outer->addWidget(top);

    // Whose semantics the breaker follows: what is tuned here is what the exported library will run.
    auto* behave = new QWidget(this);
    behave->setObjectName(QStringLiteral("panelHeader"));
    auto* behaveLayout = new QHBoxLayout(behave);
    behaveLayout->setContentsMargins(8, 0, 8, 6);
    auto* behaveLabel = new QLabel(tr("Behave like"), behave);
    behaveLabel->setBuddy(m_behaveLike);
    m_behaveLike->setObjectName(QStringLiteral("behaveLike"));
    for (BehaveLike library : allBehaveLike())
        m_behaveLike->addItem(behaveLikeTitle(library), toString(library));
    m_behaveLike->setToolTip(tr("Run the circuit breaker with this library's semantics where they differ from "
                                "the workbench's; settings the library cannot express are fixed or refused, so "
                                "the export carries the breaker exactly (docs/interop.md)"));
    behaveLayout->addWidget(behaveLabel);
    behaveLayout->addWidget(m_behaveLike, 1);
    outer->addWidget(behave);
    connect(m_behaveLike, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_refreshing && index >= 0)
            behaveLikeEdited(index);
    });

    auto* scroll = new EditorScrollArea(this);
    auto* content = new QWidget(scroll);
    content->setObjectName(QStringLiteral("editorContent"));
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    // Policy order: outer -> inner, reorderable by drag and drop.
    auto* orderSection = new CollapsibleSection(tr("Policy order"),
        tr("Outer to inner. Policies above Retry act once per call, those below act on every attempt."), false,
        content);
    orderSection->setObjectName(QStringLiteral("section_order"));
    auto* orderLayout = new QVBoxLayout(orderSection->body());
    orderLayout->setContentsMargins(8, 0, 8, 0);
    m_order->setObjectName(QStringLiteral("policyOrder"));
    m_order->setDragDropMode(QAbstractItemView::InternalMove);
    m_order->setDefaultDropAction(Qt::MoveAction);
    m_order->setSelectionMode(QAbstractItemView::SingleSelection);
    m_order->setToolTip(tr("Drag a policy up or down to change where it sits in the pipeline"));
    m_order->setAlternatingRowColors(true);
    orderLayout->addWidget(m_order);
    connect(m_order->model(), &QAbstractItemModel::rowsMoved, this, [this] {
        if (!m_refreshing)
            orderEdited();
    });
    layout->addWidget(orderSection);

    for (const ParameterGroup& group : catalog::pipelineGroups()) {
        Group g;
        g.key = group.key;
        g.section = new CollapsibleSection(group.title, group.summary, group.optional, content);
        g.section->setObjectName(QStringLiteral("section_") + group.key);
        auto* grid = new QGridLayout(g.section->body());
        grid->setContentsMargins(12, 0, 8, 0);
        grid->setHorizontalSpacing(10);
        grid->setVerticalSpacing(4);
        grid->setColumnStretch(1, 1);
        int row = 0;
        for (const ParameterSpec& spec : group.parameters) {
            auto* control = new ParameterControl(spec, grid, row++, g.section->body());
            const QString key = group.key;
            connect(
                control, &ParameterControl::edited, this, [this, key, control](const QJsonValue& value, int mergeKey) {
                    if (!m_document || m_refreshing)
                        return;
                    m_document->setValue(policyPointer(key) + QLatin1Char('/') + control->spec().key, value,
                        tr("Set %1 › %2 to %3")
                            .arg(catalog::policyTitle(key), control->spec().label,
                                value.isDouble()          ? QString::number(value.toDouble())
                                    : value.isBool()      ? (value.toBool() ? tr("on") : tr("off"))
                                    : value.isUndefined() ? tr("off")
                                    : value.isArray()     ? control->classes().join(QStringLiteral(", "))
                                                          : value.toString()),
                        mergeKey);
                });
            g.controls.push_back(control);
        }
        if (group.optional) {
            const QString key = group.key;
            connect(g.section, &CollapsibleSection::toggled, this, [this, key](bool on) {
                if (!m_document || m_refreshing)
                    return;
                m_document->setValue(policyPointer(key) + QStringLiteral("/enabled"), on,
                    on ? tr("Enable %1").arg(catalog::policyTitle(key))
                       : tr("Disable %1").arg(catalog::policyTitle(key)));
            });
        }
        layout->addWidget(g.section);
        m_groups.push_back(std::move(g));
    }
    layout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);
    scroll->fitWidth();

    connect(m_pipelines, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_refreshing && index >= 0)
            setPipelineIndex(index);
    });
}

void PipelineEditor::setDocument(ScenarioDocument* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_pipeline = 0;
    if (m_document) {
        connect(m_document, &ScenarioDocument::documentReset, this, [this] {
            m_pipeline = 0;
            rebuildPipelineList();
            refresh();
        });
        connect(m_document, &ScenarioDocument::valueChanged, this, [this](const QString& pointer) {
            if (pointer.startsWith(QStringLiteral("/pipelines/")) && pointer.count(QLatin1Char('/')) <= 3
                && pointer.endsWith(QStringLiteral("/name")))
                rebuildPipelineList();
            refresh();
        });
    }
    rebuildPipelineList();
    refresh();
}

void PipelineEditor::setPipelineIndex(int index)
{
    m_pipeline = index;
    {
        const QSignalBlocker block(m_pipelines);
        m_pipelines->setCurrentIndex(index);
    }
    refresh();
    markControls(m_advice, &ParameterControl::setAdvice);
}

QString PipelineEditor::pipelinePointer() const
{
    return json::child(QStringLiteral("/pipelines"), m_pipeline);
}

QString PipelineEditor::policyPointer(const QString& policy) const
{
    return json::child(pipelinePointer(), policy);
}

void PipelineEditor::rebuildPipelineList()
{
    m_refreshing = true;
    const QJsonArray items = m_document ? m_document->value(QStringLiteral("/pipelines")).toArray() : QJsonArray();
    fillNamedCombo(m_pipelines, items, tr("Pipeline %1"), m_pipeline);
    m_refreshing = false;
}

void PipelineEditor::refresh()
{
    m_refreshing = true;
    const bool hasPipeline = m_document && m_document->value(pipelinePointer()).isObject();
    setEnabled(hasPipeline);
    const QJsonObject pipeline = hasPipeline ? m_document->value(pipelinePointer()).toObject() : QJsonObject();
    const QString service = pipeline.value(QStringLiteral("service")).toString();
    m_binding->setText(service.isEmpty() ? QString() : tr("calls %1").arg(service));

    const auto& groups = catalog::pipelineGroups();
    for (std::size_t i = 0; i < m_groups.size(); ++i) {
        Group& g = m_groups[i];
        const ParameterGroup& spec = groups[i];
        const QJsonObject policy = pipeline.value(g.key).toObject();
        const QJsonValue enabled = policy.value(QStringLiteral("enabled"));
        g.section->setChecked(enabled.isBool() ? enabled.toBool() : (policy.isEmpty() ? spec.enabledByDefault : true));
        for (ParameterControl* control : g.controls) {
            control->setValue(json::get(policy, QLatin1Char('/') + control->spec().key));
            control->updateVisibility(policy);
        }
    }
    refreshOrder();
    refreshPeerNames(pipeline);
    m_refreshing = false;
}

void PipelineEditor::refreshPeerNames(const QJsonObject& pipeline)
{
    const BehaveLike library
        = behaveLikeFromString(pipeline.value(QStringLiteral("behave_like")).toString()).value_or(BehaveLike::Workbench);
    m_behaveLike->setCurrentIndex(int(allBehaveLike().indexOf(library)));
    for (Group& g : m_groups) {
        if (g.key != QLatin1String("circuit_breaker"))
            continue;
        for (ParameterControl* control : g.controls) {
            const behavelike::PeerSetting peer = behavelike::peerSetting(library, control->spec().key);
            control->setPeer(behaveLikeTitle(library), peer.name, peer.fixedBecause);
        }
    }
}

void PipelineEditor::behaveLikeEdited(int index)
{
    if (!m_document)
        return;
    const BehaveLike library = allBehaveLike().value(index, BehaveLike::Workbench);
    const QString title = behaveLikeTitle(library);
    QUndoStack* undo = m_document->undoStack();
    undo->beginMacro(tr("Behave like %1").arg(title));
    m_document->setValue(pipelinePointer() + QStringLiteral("/behave_like"),
        library == BehaveLike::Workbench ? QJsonValue(QJsonValue::Undefined) : QJsonValue(toString(library)),
        tr("Behave like %1").arg(title));
    if (m_document->value(policyPointer(QStringLiteral("circuit_breaker"))).isObject()) {
        for (const auto& [key, value] : behavelike::fixedSettings(library))
            m_document->setValue(policyPointer(QStringLiteral("circuit_breaker")) + QLatin1Char('/') + key, value,
                tr("Set %1 for %2").arg(key, title));
    }
    undo->endMacro();
}

void PipelineEditor::refreshOrder()
{
    QStringList order;
    const QJsonValue stored
        = m_document ? m_document->value(pipelinePointer() + QStringLiteral("/order")) : QJsonValue();
    for (const QJsonValue& v : stored.toArray())
        order << v.toString();
    if (order.isEmpty())
        order = defaultOrder();
    m_order->clear();
    for (const QString& key : order) {
        auto* item = new QListWidgetItem(catalog::policyTitle(key), m_order);
        item->setData(Qt::UserRole, key);
        const auto it = std::find_if(m_groups.begin(), m_groups.end(), [&](const Group& g) { return g.key == key; });
        const bool on = it != m_groups.end() && it->section->isChecked();
        item->setForeground(on ? palette().color(QPalette::Text) : palette().color(QPalette::PlaceholderText));
        item->setToolTip(on ? tr("%1 (enabled)").arg(item->text()) : tr("%1 (disabled: skipped)").arg(item->text()));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    if (m_order->count() > 0)
        m_order->setFixedHeight(m_order->sizeHintForRow(0) * m_order->count() + 2 * m_order->frameWidth() + 2);
}

void PipelineEditor::orderEdited()
{
    QJsonArray order;
    for (int i = 0; i < m_order->count(); ++i)
        order.append(m_order->item(i)->data(Qt::UserRole).toString());
    m_document->setValue(pipelinePointer() + QStringLiteral("/order"), order, tr("Reorder policies"));
}

void PipelineEditor::setProblems(const std::vector<ScenarioProblem>& problems)
{
    markControls(problems, &ParameterControl::setError);
}

void PipelineEditor::setAdvice(const std::vector<ScenarioProblem>& advice)
{
    m_advice = advice;
    markControls(m_advice, &ParameterControl::setAdvice);
}

void PipelineEditor::markControls(const std::vector<ScenarioProblem>& items, void (ParameterControl::*mark)(const QString&))
{
    for (Group& g : m_groups) {
        const QString base = policyPointer(g.key) + QLatin1Char('/');
        for (ParameterControl* control : g.controls) {
            const QString pointer = base + control->spec().key;
            QString message;
            for (const auto& p : items) {
                if (p.pointer == pointer)
                    message = message.isEmpty() ? p.message : message + QLatin1Char('\n') + p.message;
            }
            (control->*mark)(message);
        }
    }
}

ParameterControl* PipelineEditor::control(const QString& policy, const QString& key) const
{
    for (const Group& g : m_groups) {
        if (g.key != policy)
            continue;
        for (ParameterControl* c : g.controls) {
            if (c->spec().key == key)
                return c;
        }
    }
    return nullptr;
}

CollapsibleSection* PipelineEditor::section(const QString& policy) const
{
    for (const Group& g : m_groups) {
        if (g.key == policy)
            return g.section;
    }
    return nullptr;
}


} // namespace rwb
