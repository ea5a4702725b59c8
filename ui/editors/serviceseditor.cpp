#include "ui/editors/serviceseditor.h"

#include "ui/common/collapsiblesection.h"
#include "ui/common/editorscrollarea.h"
#include "ui/common/icons.h"
#include "ui/editors/jsonarraymodel.h"
#include "core/config/jsonpointer.h"
#include "ui/common/namedcombo.h"
#include "ui/editors/parametercatalog.h"
#include "ui/editors/parametercontrol.h"
#include "ui/editors/parametersection.h"
#include "ui/document/scenariodocument.h"
#include "ui/editors/scheduletimeline.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace rwb {

namespace {

// Where a service keeps its fault profile in the scenario JSON.
const QString ProfileKey = QStringLiteral("fault");

ParameterSpecs outageColumns()
{
    ParameterSpec start;
    start.key = QStringLiteral("start");
    start.label = QObject::tr("From");
    start.tooltip = QObject::tr("When the outage begins, in seconds from the start of the run.");
    start.kind = ParameterSpec::Kind::Real;
    start.unit = QStringLiteral("s");
    start.minimum = 0;
    start.maximum = 1e7;
    start.decimals = 1;
    start.defaultValue = 0.0;
    ParameterSpec end = start;
    end.key = QStringLiteral("end");
    end.label = QObject::tr("Until");
    end.tooltip = QObject::tr("When the service answers normally again, in seconds from the start of the run.");
    ParameterSpec error;
    error.key = QStringLiteral("error");
    error.label = QObject::tr("Fails with");
    error.tooltip = QObject::tr("What every request gets during the outage.");
    error.kind = ParameterSpec::Kind::Choice;
    error.choices = { QStringLiteral("http_503"), QStringLiteral("http_500"), QStringLiteral("http_429"),
        QStringLiteral("connection_reset"), QStringLiteral("connection_refused"), QStringLiteral("hang") };
    error.choiceLabels = { QObject::tr("HTTP 503"), QObject::tr("HTTP 500"), QObject::tr("HTTP 429"),
        QObject::tr("Connection reset"), QObject::tr("Connection refused"), QObject::tr("Hang") };
    error.defaultValue = QStringLiteral("http_503");
    return { start, end, error };
}

ParameterSpecs scheduleColumns()
{
    ParameterSpec at;
    at.key = QStringLiteral("at");
    at.label = QObject::tr("At");
    at.tooltip = QObject::tr("When the service switches to this behaviour, in seconds from the start of the run.");
    at.kind = ParameterSpec::Kind::Real;
    at.unit = QStringLiteral("s");
    at.maximum = 1e7;
    at.decimals = 1;
    at.defaultValue = 0.0;
    ParameterSpec label;
    label.key = QStringLiteral("label");
    label.label = QObject::tr("Label");
    label.tooltip = QObject::tr("A name for the change, shown in the fault_changed events and on the timeline.");
    label.kind = ParameterSpec::Kind::Text;
    ParameterSpec rate;
    rate.key = QStringLiteral("fault/error_rate");
    rate.label = QObject::tr("Error rate");
    rate.tooltip = QObject::tr("The error rate from then on (the entry's other changes, edited in the file, are kept).");
    rate.kind = ParameterSpec::Kind::Fraction;
    rate.unit = QStringLiteral("%");
    rate.maximum = 100;
    rate.decimals = 1;
    rate.jsonScale = 0.01;
    rate.defaultValue = QJsonValue(QJsonValue::Undefined);
    return { at, label, rate };
}

/// Editors for JsonArrayModel cells that respect each column's ParameterSpec.
class SpecDelegate final : public QStyledItemDelegate {
public:
    SpecDelegate(ParameterSpecs specs, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_specs(std::move(specs))
    {
    }

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex& index) const override
    {
        const ParameterSpec& spec = m_specs.at(std::size_t(index.column()));
        if (spec.kind == ParameterSpec::Kind::Choice) {
            auto* combo = new QComboBox(parent);
            combo->addItems(spec.choiceLabels.isEmpty() ? spec.choices : spec.choiceLabels);
            return combo;
        }
        if (spec.kind == ParameterSpec::Kind::Text)
            return new QLineEdit(parent);
        auto* spin = new QDoubleSpinBox(parent);
        spin->setRange(spec.minimum, spec.maximum);
        spin->setDecimals(spec.kind == ParameterSpec::Kind::Integer ? 0 : spec.decimals);
        if (!spec.unit.isEmpty())
            spin->setSuffix(QLatin1Char(' ') + spec.unit);
        return spin;
    }
    void setEditorData(QWidget* editor, const QModelIndex& index) const override
    {
        if (auto* combo = qobject_cast<QComboBox*>(editor))
            combo->setCurrentIndex(index.data(Qt::EditRole).toInt());
        else if (auto* line = qobject_cast<QLineEdit*>(editor))
            line->setText(index.data(Qt::EditRole).toString());
        else if (auto* spin = qobject_cast<QDoubleSpinBox*>(editor))
            spin->setValue(index.data(Qt::EditRole).toDouble());
    }
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override
    {
        if (auto* combo = qobject_cast<QComboBox*>(editor))
            model->setData(index, combo->currentIndex());
        else if (auto* line = qobject_cast<QLineEdit*>(editor))
            model->setData(index, line->text());
        else if (auto* spin = qobject_cast<QDoubleSpinBox*>(editor))
            model->setData(index, spin->value());
    }

private:
    ParameterSpecs m_specs;
};

} // namespace

ServicesEditor::ServicesEditor(QWidget* parent)
    : QWidget(parent)
    , m_services(new QComboBox(this))
    , m_description(new QLabel(this))
    , m_outage(new QPushButton(icons::icon(icons::Icon::Outage), tr("Outage now"), this))
    , m_recover(new QPushButton(icons::icon(icons::Icon::Recover), tr("Recover"), this))
    , m_outages(new JsonArrayModel(outageColumns(), this))
    , m_schedule(new JsonArrayModel(scheduleColumns(), this))
{
    setObjectName(QStringLiteral("servicesEditor"));
    build();
}

void ServicesEditor::build()
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    auto* top = new QWidget(this);
    top->setObjectName(QStringLiteral("panelHeader"));
    auto* topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(8, 6, 8, 6);
    auto* label = new QLabel(tr("Service"), top);
    label->setBuddy(m_services);
    m_services->setToolTip(tr("The mock service being edited"));
    m_services->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_services->setMinimumContentsLength(8);
    topLayout->addWidget(label);
    topLayout->addWidget(m_services, 1);
    outer->addWidget(top);

    auto* scroll = new EditorScrollArea(this);
    auto* content = new QWidget(scroll);
    content->setObjectName(QStringLiteral("editorContent"));
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(8);

    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(8);
    for (QPushButton* b : { m_outage, m_recover }) {
        b->setMinimumHeight(40);
        b->setIconSize(QSize(22, 22));
        b->setCheckable(true);
        buttons->addWidget(b, 1);
    }
    m_outage->setObjectName(QStringLiteral("outageButton"));
    m_recover->setObjectName(QStringLiteral("recoverButton"));
    m_outage->setToolTip(tr("Take the service down: every request fails (in Live mode at once, in Simulate mode for "
                            "the whole run)"));
    m_recover->setToolTip(tr("Bring the service back to its normal error rate"));
    layout->addLayout(buttons);
    connect(m_outage, &QPushButton::clicked, this, [this] { setOutage(true); });
    connect(m_recover, &QPushButton::clicked, this, [this] { setOutage(false); });

    m_description->setObjectName(QStringLiteral("dimLabel"));
    m_description->setWordWrap(true);
    layout->addWidget(m_description);

    const ParameterGroup& group = catalog::faultProfileGroup();
    m_profileSection = new CollapsibleSection(
        group.title, tr("How the service misbehaves when no outage is in force."), false, content);
    m_profileSection->setObjectName(QStringLiteral("section_faults"));
    auto* grid = new QGridLayout(m_profileSection->body());
    grid->setContentsMargins(12, 0, 8, 0);
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(4);
    grid->setColumnStretch(1, 1);
    int row = 0;
    for (const ParameterSpec& spec : group.parameters) {
        auto* control = new ParameterControl(spec, grid, row++, m_profileSection->body());
        connect(control, &ParameterControl::edited, this, [this, control](const QJsonValue& value, int mergeKey) {
            if (!m_document || m_refreshing)
                return;
            m_document->setValue(profilePointer() + QLatin1Char('/') + control->spec().key, value,
                tr("Set %1 › %2").arg(m_services->currentText(), control->spec().label), mergeKey);
        });
        m_controls.push_back(control);
    }
    layout->addWidget(m_profileSection);

    // error mix, flapping and ramp: sections of the profile of their own
    const auto subject = [this] { return m_services->currentText(); };
    for (const ParameterGroup* g : { &catalog::errorMixGroup(), &catalog::flappingGroup(), &catalog::rampGroup() }) {
        const QString key = g->key;
        auto* section = new ParameterSection(*g, [this, key]() -> QString { return profilePointer() + QLatin1Char('/') + key; },
            subject, content);
        section->section()->setExpanded(false);
        layout->addWidget(section->section());
        m_sections.push_back(section);
    }

    auto* outageSection = new CollapsibleSection(tr("Outage windows"),
        tr("Times during which every request fails. Double-click a cell to "
           "edit it."),
        false, content);
    outageSection->setObjectName(QStringLiteral("section_outages"));
    auto* outageLayout = new QVBoxLayout(outageSection->body());
    outageLayout->setContentsMargins(8, 0, 8, 0);
    m_outageTable = new QTableView(outageSection->body());
    m_outageTable->setObjectName(QStringLiteral("outageTable"));
    m_outageTable->setModel(m_outages);
    m_outageTable->setItemDelegate(new SpecDelegate(outageColumns(), m_outageTable));
    m_outageTable->verticalHeader()->hide();
    m_outageTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_outageTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_outageTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_outageTable->setAlternatingRowColors(true);
    m_outageTable->setMinimumHeight(5 * (fontMetrics().height() + 8));
    m_outageTable->setMaximumHeight(8 * (fontMetrics().height() + 8));
    outageLayout->addWidget(m_outageTable);
    auto* rowButtons = new QHBoxLayout;
    auto* add = new QToolButton(outageSection->body());
    add->setIcon(icons::icon(icons::Icon::Add));
    add->setText(tr("Add outage"));
    add->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    add->setToolTip(tr("Add an outage window of 60 s after the last one"));
    auto* remove = new QToolButton(outageSection->body());
    remove->setIcon(icons::icon(icons::Icon::Remove));
    remove->setText(tr("Remove"));
    remove->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    remove->setToolTip(tr("Remove the selected outage window"));
    rowButtons->addWidget(add);
    rowButtons->addWidget(remove);
    rowButtons->addStretch(1);
    outageLayout->addLayout(rowButtons);
    connect(add, &QToolButton::clicked, this, [this] {
        double start = 60.0;
        const QJsonArray existing = m_document ? m_document->value(m_outages->pointer()).toArray() : QJsonArray();
        for (const QJsonValue& v : existing)
            start = std::max(start, v.toObject().value(QStringLiteral("end")).toDouble() + 60.0);
        m_outages->appendElement(
            QJsonObject { { QStringLiteral("start"), start }, { QStringLiteral("end"), start + 60.0 },
                { QStringLiteral("error"), QStringLiteral("http_503") } },
            tr("Add outage window"));
    });
    connect(remove, &QToolButton::clicked, this, [this] {
        const QModelIndex current = m_outageTable->currentIndex();
        if (current.isValid())
            m_outages->removeElement(current.row(), tr("Remove outage window"));
    });
    layout->addWidget(outageSection);
    layout->addWidget(buildScheduleSection(content));
    layout->addStretch(1);

    scroll->setWidget(content);
    outer->addWidget(scroll, 1);
    scroll->fitWidth();

    connect(m_services, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_refreshing && index >= 0)
            setServiceIndex(index);
    });
}

QWidget* ServicesEditor::buildScheduleSection(QWidget* content)
{
    auto* section = new CollapsibleSection(tr("Schedule"),
        tr("Changes of behaviour at given times: each entry patches the profile from its time on."), false, content);
    section->setObjectName(QStringLiteral("section_schedule"));
    auto* box = new QVBoxLayout(section->body());
    box->setContentsMargins(8, 0, 8, 0);
    m_timeline = new ScheduleTimeline(section->body());
    box->addWidget(m_timeline);
    m_scheduleTable = new QTableView(section->body());
    m_scheduleTable->setObjectName(QStringLiteral("scheduleTable"));
    m_scheduleTable->setModel(m_schedule);
    m_scheduleTable->setItemDelegate(new SpecDelegate(scheduleColumns(), m_scheduleTable));
    m_scheduleTable->verticalHeader()->hide();
    m_scheduleTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_scheduleTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_scheduleTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_scheduleTable->setMinimumHeight(4 * (fontMetrics().height() + 8));
    m_scheduleTable->setMaximumHeight(8 * (fontMetrics().height() + 8));
    box->addWidget(m_scheduleTable);
    connect(m_timeline, &ScheduleTimeline::entryClicked, m_scheduleTable, [this](int entry) {
        m_scheduleTable->selectRow(entry);
    });
    connect(m_scheduleTable->selectionModel(), &QItemSelectionModel::currentRowChanged, m_timeline,
        [this](const QModelIndex& current) { m_timeline->setSelected(current.row()); });
    auto* rowButtons = new QHBoxLayout;
    auto* add = new QToolButton(section->body());
    add->setObjectName(QStringLiteral("addScheduleEntry"));
    add->setIcon(icons::icon(icons::Icon::Add));
    add->setText(tr("Add change"));
    add->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    add->setToolTip(tr("Add a change 30 s after the last one: every request fails from then on"));
    auto* remove = new QToolButton(section->body());
    remove->setIcon(icons::icon(icons::Icon::Remove));
    remove->setText(tr("Remove"));
    remove->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    remove->setToolTip(tr("Remove the selected change"));
    rowButtons->addWidget(add);
    rowButtons->addWidget(remove);
    rowButtons->addStretch(1);
    box->addLayout(rowButtons);
    connect(add, &QToolButton::clicked, this, [this] {
        double at = 30.0;
        const QJsonArray existing = m_document ? m_document->value(m_schedule->pointer()).toArray() : QJsonArray();
        for (const QJsonValue& v : existing)
            at = std::max(at, v.toObject().value(QStringLiteral("at")).toDouble() + 30.0);
        m_schedule->appendElement(QJsonObject { { QStringLiteral("at"), at }, { QStringLiteral("label"), tr("change") },
                                      { QStringLiteral("fault"), QJsonObject { { QStringLiteral("error_rate"), 1.0 } } } },
            tr("Add schedule change"));
    });
    connect(remove, &QToolButton::clicked, this, [this] {
        const QModelIndex current = m_scheduleTable->currentIndex();
        if (current.isValid())
            m_schedule->removeElement(current.row(), tr("Remove schedule change"));
    });
    return section;
}

void ServicesEditor::setDocument(ScenarioDocument* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_service = 0;
    if (m_document) {
        connect(m_document, &ScenarioDocument::documentReset, this, [this] {
            m_service = 0;
            rebuildServiceList();
            refresh();
        });
        connect(m_document, &ScenarioDocument::valueChanged, this, [this](const QString& pointer) {
            if (pointer.startsWith(QStringLiteral("/services")) || pointer == QStringLiteral("/duration"))
                refresh(); // the timeline spans the run
        });
    }
    rebuildServiceList();
    refresh();
}

void ServicesEditor::setServiceIndex(int index)
{
    m_service = index;
    {
        const QSignalBlocker block(m_services);
        m_services->setCurrentIndex(index);
    }
    refresh();
}

QString ServicesEditor::servicePointer() const
{
    return json::child(QStringLiteral("/services"), m_service);
}

QString ServicesEditor::profilePointer() const
{
    return json::child(servicePointer(), ProfileKey);
}

void ServicesEditor::rebuildServiceList()
{
    m_refreshing = true;
    const QJsonArray items = m_document ? m_document->value(QStringLiteral("/services")).toArray() : QJsonArray();
    fillNamedCombo(m_services, items, tr("Service %1"), m_service);
    m_refreshing = false;
}

void ServicesEditor::refresh()
{
    m_refreshing = true;
    const bool has = m_document && m_document->value(servicePointer()).isObject();
    setEnabled(has);
    const QJsonObject profile = has ? m_document->value(profilePointer()).toObject() : QJsonObject();
    for (ParameterControl* c : m_controls) {
        c->setValue(json::get(profile, QLatin1Char('/') + c->spec().key));
        c->updateVisibility(profile);
    }
    const double errorRate = profile.value(QStringLiteral("error_rate")).toDouble();
    m_outage->setChecked(has && errorRate >= 1.0);
    m_recover->setChecked(has && errorRate < 1.0);
    const QString description
        = has ? m_document->value(servicePointer() + QStringLiteral("/description")).toString() : QString();
    m_description->setText(description);
    m_description->setVisible(!description.isEmpty());
    m_outages->bind(m_document, profilePointer() + QStringLiteral("/outages"));
    m_schedule->bind(m_document, servicePointer() + QStringLiteral("/schedule"));
    for (ParameterSection* section : m_sections) {
        section->setDocument(m_document);
        section->section()->setEnabled(has);
    }
    m_timeline->setService(has ? m_document->value(servicePointer()).toObject() : QJsonObject(),
        m_document ? m_document->value(QStringLiteral("/duration")).toDouble() : 60.0);
    m_refreshing = false;
}

void ServicesEditor::setOutage(bool down)
{
    if (!m_document)
        return;
    const QString service = m_services->currentText();
    const QString pointer = profilePointer() + QStringLiteral("/error_rate");
    if (down) {
        // Remember the normal rate so Recover restores it.
        const double rate = m_document->value(pointer).toDouble();
        if (rate < 1.0)
            setProperty("normalErrorRate", rate);
        m_document->setValue(pointer, 1.0, tr("Outage of %1").arg(service));
    } else {
        const double normal = property("normalErrorRate").isValid() ? property("normalErrorRate").toDouble() : 0.0;
        m_document->setValue(pointer, normal, tr("Recover %1").arg(service));
    }
    refresh();
    emit outageRequested(service, down);
}

void ServicesEditor::setProblems(const std::vector<ScenarioProblem>& problems)
{
    for (ParameterSection* section : m_sections)
        section->setProblems(problems);
    for (ParameterControl* c : m_controls) {
        const QString pointer = profilePointer() + QLatin1Char('/') + c->spec().key;
        QString message;
        for (const auto& p : problems) {
            if (p.pointer == pointer)
                message = p.message;
        }
        c->setError(message);
    }
}

ParameterControl* ServicesEditor::control(const QString& key) const
{
    for (ParameterControl* c : m_controls) {
        if (c->spec().key == key)
            return c;
    }
    return nullptr;
}


} // namespace rwb
