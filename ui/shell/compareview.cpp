#include "ui/shell/compareview.h"

#include "ui/run/comparemodel.h"
#include "ui/common/icons.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
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
    // Nothing is elided: every column takes its content's width, the last one the rest; a narrow dock
    // scrolls the table sideways.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    layout->addWidget(m_table, 1);

    m_status->setObjectName(QStringLiteral("summaryCaption"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    // The table asks for the width of its figures, so a dock never hides a column behind a scroll bar.
    for (auto signal : { &QAbstractItemModel::columnsInserted, &QAbstractItemModel::columnsRemoved }) {
        connect(m_model, signal, this, [this] { fitWidth(); });
    }
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { fitWidth(); });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] { fitWidth(); });
    connect(m_duplicate, &QPushButton::clicked, this, &CompareView::duplicateRequested);
    connect(m_drop, &QPushButton::clicked, this, &CompareView::dropRequested);
    setCompareActive(false);
}

void CompareView::setCompareActive(bool active)
{
    m_active = active;
    m_duplicate->setVisible(m_available && !active);
    m_drop->setVisible(active);
}

void CompareView::setCompareAvailable(bool available)
{
    m_available = available;
    setCompareActive(m_active);
}

void CompareView::fitWidth()
{
    // The dock asks for every column's width (sizeHint), but may be narrower on a small screen: the
    // table then scrolls sideways instead of pushing the window wider than the screen.
    const int chrome = 2 * m_table->frameWidth() + m_table->verticalScrollBar()->sizeHint().width();
    int width = chrome;
    for (int c = 0; c < m_model->columnCount(); ++c)
        width += std::max(static_cast<QAbstractItemView*>(m_table)->sizeHintForColumn(c),
            m_table->horizontalHeader()->sectionSizeHint(c));
    m_preferredWidth = width + 12;
    // the minimum depends on the font only (not on the figures shown): a label and one figure
    const QFontMetrics fm(m_table->font());
    const int minimum = chrome + fm.horizontalAdvance(QStringLiteral("Peak concurrency"))
        + fm.horizontalAdvance(QStringLiteral("100,000,000")) + 28;
    m_table->setMinimumWidth(std::min(width, minimum));
    updateGeometry();
}

QSize CompareView::sizeHint() const
{
    return QSize(std::max(m_preferredWidth, QWidget::sizeHint().width()), QWidget::sizeHint().height());
}

void CompareView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        fitWidth();
}

void CompareView::setStatus(const QString& text)
{
    m_status->setText(text);
}

} // namespace rwb
