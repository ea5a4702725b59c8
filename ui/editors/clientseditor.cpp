#include "ui/editors/clientseditor.h"

#include "core/run/scenario.h"
#include "ui/common/collapsiblesection.h"
#include "ui/common/editorscrollarea.h"
#include "ui/common/icons.h"
#include "core/config/jsonpointer.h"
#include "ui/common/namedcombo.h"
#include "ui/editors/parametercatalog.h"
#include "ui/editors/parametersection.h"
#include "ui/document/scenariodocument.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

namespace rwb {

ClientsEditor::ClientsEditor(QWidget* parent)
    : QWidget(parent)
    , m_clients(new QComboBox(this))
{
    setObjectName(QStringLiteral("clientsEditor"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    auto* scroll = new EditorScrollArea(this);
    auto* content = new QWidget(scroll);
    content->setObjectName(QStringLiteral("editorContent"));
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    m_run = new ParameterSection(catalog::runGroup(), [] { return QString(); }, [] { return tr("run"); }, content);
    layout->addWidget(m_run->section());

    // which client, and which pipeline it calls
    auto* picker = new QWidget(content);
    auto* pickerLayout = new QGridLayout(picker);
    pickerLayout->setContentsMargins(6, 4, 6, 0);
    auto* clientLabel = new QLabel(tr("Client"), picker);
    clientLabel->setBuddy(m_clients);
    m_clients->setToolTip(tr("The client being edited"));
    m_clients->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_clients->setMinimumContentsLength(8);
    auto* add = new QToolButton(picker);
    add->setIcon(icons::icon(icons::Icon::Add));
    add->setToolTip(tr("Add a client calling the first pipeline"));
    add->setObjectName(QStringLiteral("addClient"));
    m_remove = new QToolButton(picker);
    m_remove->setIcon(icons::icon(icons::Icon::Remove));
    m_remove->setToolTip(tr("Remove this client (a scenario keeps at least one)"));
    auto* pipelineLabel = new QLabel(tr("Calls"), picker);
    m_pipeline = new QComboBox(picker);
    m_pipeline->setObjectName(QStringLiteral("clientPipeline"));
    m_pipeline->setToolTip(tr("The pipeline this client's requests go through"));
    // sized by the font, not by the names it lists: a long name must not widen the dock
    m_pipeline->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_pipeline->setMinimumContentsLength(8);
    pipelineLabel->setBuddy(m_pipeline);
    pickerLayout->addWidget(clientLabel, 0, 0);
    pickerLayout->addWidget(m_clients, 0, 1);
    pickerLayout->addWidget(add, 0, 2);
    pickerLayout->addWidget(m_remove, 0, 3);
    pickerLayout->addWidget(pipelineLabel, 1, 0);
    pickerLayout->addWidget(m_pipeline, 1, 1, 1, 3);
    pickerLayout->setColumnStretch(1, 1);
    layout->addWidget(picker);

    m_clientSection = new ParameterSection(catalog::clientGroup(), [this] { return clientPointer(); },
        [this] { return m_clients->currentText(); }, content);
    layout->addWidget(m_clientSection->section());
    layout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);
    scroll->fitWidth();

    connect(m_clients, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_refreshing && index >= 0)
            setClientIndex(index);
    });
    connect(m_pipeline, &QComboBox::activated, this, [this](int index) {
        if (!m_document || m_refreshing || index < 0)
            return;
        m_document->setValue(clientPointer() + QStringLiteral("/pipeline"), m_pipeline->itemText(index),
            tr("%1 calls %2").arg(m_clients->currentText(), m_pipeline->itemText(index)));
    });
    connect(add, &QToolButton::clicked, this, &ClientsEditor::addClient);
    connect(m_remove, &QToolButton::clicked, this, &ClientsEditor::removeClient);
}

void ClientsEditor::setDocument(ScenarioDocument* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_client = 0;
    if (m_document) {
        connect(m_document, &ScenarioDocument::documentReset, this, [this] {
            m_client = 0;
            refresh();
        });
        connect(m_document, &ScenarioDocument::valueChanged, this, [this](const QString& pointer) {
            // the client list, the pipelines' names and the top level all show here
            if (pointer.startsWith(QStringLiteral("/clients")) || pointer.startsWith(QStringLiteral("/pipelines"))
                || pointer.count(QLatin1Char('/')) == 1)
                refresh();
        });
    }
    m_run->setDocument(document);
    m_clientSection->setDocument(document);
    refresh();
}

void ClientsEditor::setClientIndex(int index)
{
    m_client = index;
    refresh();
}

QString ClientsEditor::clientPointer() const
{
    return json::child(QStringLiteral("/clients"), m_client);
}

void ClientsEditor::refresh()
{
    m_refreshing = true;
    const QJsonArray clients = m_document ? m_document->value(QStringLiteral("/clients")).toArray() : QJsonArray();
    fillNamedCombo(m_clients, clients, tr("Client %1"), m_client);
    const QJsonObject client = clients.at(m_client).toObject();
    m_pipeline->clear();
    const QJsonArray pipelines = m_document ? m_document->value(QStringLiteral("/pipelines")).toArray() : QJsonArray();
    for (const QJsonValue& p : pipelines)
        m_pipeline->addItem(p.toObject().value(QStringLiteral("name")).toString());
    m_pipeline->setCurrentIndex(m_pipeline->findText(client.value(QStringLiteral("pipeline")).toString()));
    m_pipeline->setEnabled(!clients.isEmpty());
    m_remove->setEnabled(clients.size() > 1);
    m_run->refresh();
    m_clientSection->refresh();
    m_clientSection->section()->setEnabled(!clients.isEmpty());
    m_refreshing = false;
}

void ClientsEditor::addClient()
{
    if (!m_document)
        return;
    const QJsonArray pipelines = m_document->value(QStringLiteral("/pipelines")).toArray();
    QJsonArray clients = m_document->value(QStringLiteral("/clients")).toArray();
    const ArrivalProcess arrival; // the engine's defaults
    QString name;
    for (int n = int(clients.size()) + 1;; ++n) {
        name = QStringLiteral("client-%1").arg(n);
        const auto taken = std::any_of(clients.begin(), clients.end(),
            [&](const QJsonValue& c) { return c.toObject().value(QStringLiteral("name")).toString() == name; });
        if (!taken)
            break;
    }
    clients.append(QJsonObject { { QStringLiteral("name"), name },
        { QStringLiteral("pipeline"), pipelines.at(0).toObject().value(QStringLiteral("name")) },
        { QStringLiteral("count"), 1 },
        { QStringLiteral("arrival"),
            QJsonObject { { QStringLiteral("process"), toString(arrival.kind) }, { QStringLiteral("rate"), arrival.rate } } } });
    m_document->setValue(QStringLiteral("/clients"), clients, tr("Add client %1").arg(name));
    setClientIndex(int(clients.size()) - 1);
}

void ClientsEditor::removeClient()
{
    if (!m_document)
        return;
    QJsonArray clients = m_document->value(QStringLiteral("/clients")).toArray();
    if (clients.size() <= 1 || m_client >= clients.size())
        return;
    const QString name = clients.at(m_client).toObject().value(QStringLiteral("name")).toString();
    clients.removeAt(m_client);
    m_client = std::max(0, m_client - 1);
    m_document->setValue(QStringLiteral("/clients"), clients, tr("Remove client %1").arg(name));
}

void ClientsEditor::setProblems(const std::vector<ScenarioProblem>& problems)
{
    m_run->setProblems(problems);
    m_clientSection->setProblems(problems);
}

} // namespace rwb
