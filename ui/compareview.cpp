#include "ui/compareview.h"

#include "ui/comparemodel.h"
#include "ui/icons.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace rwb {

CompareView::CompareView(QWidget* parent)
    : QWidget(parent)
    , m_model(new CompareModel(this))
    , m_table(new QTableView(this))
    , m_duplicate(new QPushButton(icons::icon(icons::Icon::Compare), tr("Duplicate as variant B"), this))
    , m_drop(new QPushButton(tr("Drop variant B"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("compareView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    auto* buttons = new QHBoxLayout;
    m_duplicate->setToolTip(tr("Copy the current pipelines into variant B; edit B and compare both on the same seed"));
    m_drop->setToolTip(tr("Stop comparing and forget variant B"));
    buttons->addWidget(m_duplicate);
    buttons->addWidget(m_drop);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_table->setObjectName(QStringLiteral("summaryTable"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    layout->addWidget(m_table, 1);

    m_status->setObjectName(QStringLiteral("dimLabel"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(m_duplicate, &QPushButton::clicked, this, &CompareView::duplicateRequested);
    connect(m_drop, &QPushButton::clicked, this, &CompareView::dropRequested);
    setCompareActive(false);
}

void CompareView::setCompareActive(bool active)
{
    m_duplicate->setVisible(!active);
    m_drop->setVisible(active);
}

void CompareView::setStatus(const QString& text)
{
    m_status->setText(text);
}

} // namespace rwb
