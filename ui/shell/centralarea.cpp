#include "ui/shell/centralarea.h"

#include "ui/charts/resultsview.h"
#include "ui/common/icons.h"
#include "ui/shell/livecontrols.h"
#include "ui/shell/replaycontrols.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace rwb {

CentralArea::CentralArea(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(createLessonBanner());

    m_replay = new ReplayControls(this);
    m_replay->setObjectName(QStringLiteral("replayControls"));
    m_replay->hide();
    layout->addWidget(m_replay);
    m_liveControls = new LiveControls(this);
    m_liveControls->hide();
    layout->addWidget(m_liveControls);

    m_charts = new QStackedWidget(this);
    m_charts->addWidget(createPlaceholder());
    m_results = new ResultsView(m_charts);
    m_charts->addWidget(m_results);
    layout->addWidget(m_charts, 1);
}

QWidget* CentralArea::chartsArea() const noexcept
{
    return m_charts;
}

void CentralArea::setLesson(const QString& lesson)
{
    m_lessonText->setText(lesson);
    m_lessonBanner->setVisible(!lesson.isEmpty());
}

void CentralArea::showResults()
{
    m_charts->setCurrentWidget(m_results);
}

QWidget* CentralArea::createLessonBanner()
{
    m_lessonBanner = new QWidget(this);
    m_lessonBanner->setObjectName(QStringLiteral("lessonBanner"));
    m_lessonBanner->setAttribute(Qt::WA_StyledBackground);
    auto* layout = new QHBoxLayout(m_lessonBanner);
    layout->setContentsMargins(10, 6, 6, 6);
    auto* bulb = new QLabel(m_lessonBanner);
    bulb->setPixmap(icons::icon(icons::Icon::Demo).pixmap(18, 18));
    m_lessonText = new QLabel(m_lessonBanner);
    m_lessonText->setObjectName(QStringLiteral("lessonText"));
    m_lessonText->setWordWrap(true);
    auto* close = new QToolButton(m_lessonBanner);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Hide the lesson"));
    connect(close, &QToolButton::clicked, m_lessonBanner, &QWidget::hide);
    layout->addWidget(bulb);
    layout->addWidget(m_lessonText, 1);
    layout->addWidget(close);
    m_lessonBanner->hide();
    return m_lessonBanner;
}

QWidget* CentralArea::createPlaceholder()
{
    auto* placeholder = new QWidget(m_charts);
    placeholder->setObjectName(QStringLiteral("centralPlaceholder"));
    placeholder->setAttribute(Qt::WA_StyledBackground);
    auto* layout = new QVBoxLayout(placeholder);
    layout->addStretch(2);
    auto* icon = new QLabel(placeholder);
    icon->setPixmap(icons::icon(icons::Icon::App).pixmap(64, 64));
    icon->setAlignment(Qt::AlignCenter);
    auto* title = new QLabel(tr("Charts"), placeholder);
    title->setObjectName(QStringLiteral("placeholderTitle"));
    title->setAlignment(Qt::AlignCenter);
    auto* text = new QLabel(placeholder);
    text->setObjectName(QStringLiteral("placeholderText"));
    text->setAlignment(Qt::AlignCenter);
    text->setWordWrap(true);
    text->setText(tr("Open a scenario or a demo (File › Demos): breaker states, retry delays, traffic and latency "
                     "are drawn here after each run."));
    layout->addWidget(icon);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addStretch(3);
    return placeholder;
}

} // namespace rwb
