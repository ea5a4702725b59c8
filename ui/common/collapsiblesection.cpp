#include "ui/common/collapsiblesection.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

namespace rwb {

CollapsibleSection::CollapsibleSection(const QString& title, const QString& summary, bool checkable, QWidget* parent)
    : QWidget(parent)
    , m_arrow(new QToolButton(this))
    , m_summary(new QLabel(summary, this))
    , m_body(new QWidget(this))
{
    setObjectName(QStringLiteral("section"));
    setAttribute(Qt::WA_StyledBackground);
    auto* header = new QWidget(this);
    header->setObjectName(QStringLiteral("sectionHeader"));
    header->setAttribute(Qt::WA_StyledBackground);
    auto* headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(4, 3, 8, 3);
    headerLayout->setSpacing(6);

    m_arrow->setObjectName(QStringLiteral("sectionArrow"));
    m_arrow->setArrowType(Qt::DownArrow);
    m_arrow->setCheckable(true);
    m_arrow->setChecked(true);
    m_arrow->setAutoRaise(true);
    m_arrow->setText(title);
    m_arrow->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_arrow->setToolTip(tr("Show or hide the %1 settings").arg(title.toLower()));
    QFont bold = m_arrow->font();
    bold.setBold(true);
    m_arrow->setFont(bold);
    headerLayout->addWidget(m_arrow);
    headerLayout->addStretch(1);
    if (checkable) {
        m_enable = new QCheckBox(tr("Enabled"), header);
        m_enable->setObjectName(QStringLiteral("enableSwitch"));
        m_enable->setToolTip(tr("Include the %1 in the pipeline").arg(title.toLower()));
        headerLayout->addWidget(m_enable);
        connect(m_enable, &QCheckBox::toggled, this, [this](bool on) {
            updateBodyEnabled();
            emit toggled(on);
        });
    }

    m_summary->setObjectName(QStringLiteral("sectionSummary"));
    m_summary->setWordWrap(true);
    m_summary->setContentsMargins(8, 0, 8, 0);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 6);
    layout->setSpacing(4);
    layout->addWidget(header);
    layout->addWidget(m_summary);
    layout->addWidget(m_body);
    m_summary->setVisible(!summary.isEmpty());

    connect(m_arrow, &QToolButton::toggled, this, [this](bool expanded) { setExpanded(expanded); });
}

bool CollapsibleSection::isExpanded() const
{
    return m_arrow->isChecked();
}

void CollapsibleSection::setExpanded(bool expanded)
{
    const QSignalBlocker block(m_arrow);
    m_arrow->setChecked(expanded);
    m_arrow->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
    m_body->setVisible(expanded);
    m_summary->setVisible(expanded && !m_summary->text().isEmpty());
}

bool CollapsibleSection::isChecked() const
{
    return !m_enable || m_enable->isChecked();
}

void CollapsibleSection::setChecked(bool checked)
{
    if (!m_enable)
        return;
    const QSignalBlocker block(m_enable);
    m_enable->setChecked(checked);
    updateBodyEnabled();
}

void CollapsibleSection::updateBodyEnabled()
{
    m_body->setEnabled(isChecked());
}

} // namespace rwb
