#include "ui/shell/firstruntour.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace rwb {

namespace {

constexpr int HighlightMargin = 6; // room between a widget and the cut-out's edge
constexpr int CalloutGap = 14; // between the cut-out and the callout
const QColor Dim(0x10, 0x18, 0x28, 150);
const QColor Accent(0xff, 0xb3, 0x00); // the amber of the application icon's lever

} // namespace

FirstRunTour::FirstRunTour(std::vector<Step> steps, QWidget* window)
    : QWidget(window)
    , m_steps(std::move(steps))
    , m_callout(new QFrame(this))
    , m_title(new QLabel(m_callout))
    , m_text(new QLabel(m_callout))
    , m_progress(new QLabel(m_callout))
    , m_back(new QPushButton(tr("Back"), m_callout))
    , m_next(new QPushButton(m_callout))
    , m_skip(new QPushButton(tr("Skip Tour"), m_callout))
{
    setObjectName(QStringLiteral("firstRunTour"));
    setFocusPolicy(Qt::StrongFocus);
    hide();

    m_callout->setObjectName(QStringLiteral("tourCallout"));
    m_callout->setStyleSheet(
        QStringLiteral("#tourCallout { background: white; border: 2px solid #ffb300; border-radius: 8px; }"
                       "#tourTitle { color: #0d47a1; font-weight: bold; }"
                       "#tourText { color: #212529; }"
                       "#tourProgress { color: #6b7780; }"));
    m_title->setObjectName(QStringLiteral("tourTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);
    m_text->setObjectName(QStringLiteral("tourText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_progress->setObjectName(QStringLiteral("tourProgress"));
    m_back->setObjectName(QStringLiteral("tourBack"));
    m_next->setObjectName(QStringLiteral("tourNext"));
    m_next->setDefault(true);
    m_skip->setObjectName(QStringLiteral("tourSkip"));
    m_skip->setFlat(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_progress);
    buttons->addStretch(1);
    buttons->addWidget(m_skip);
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto* layout = new QVBoxLayout(m_callout);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(8);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addLayout(buttons);

    connect(m_back, &QPushButton::clicked, this, &FirstRunTour::back);
    connect(m_next, &QPushButton::clicked, this, &FirstRunTour::next);
    connect(m_skip, &QPushButton::clicked, this, &FirstRunTour::skip);
    window->installEventFilter(this);
    for (QPushButton* button : { m_back, m_next, m_skip })
        button->installEventFilter(this); // arrow keys step the tour instead of moving the focus
}

void FirstRunTour::start()
{
    if (m_steps.empty())
        return;
    setGeometry(parentWidget()->rect());
    show();
    raise();
    showStep(0);
}

void FirstRunTour::next()
{
    if (m_current < 0)
        return;
    if (m_current + 1 < stepCount())
        showStep(m_current + 1);
    else
        finish(false);
}

void FirstRunTour::back()
{
    if (m_current > 0)
        showStep(m_current - 1);
}

void FirstRunTour::skip()
{
    if (m_current >= 0)
        finish(true);
}

void FirstRunTour::finish(bool skipped)
{
    m_current = -1;
    m_target = nullptr;
    hide();
    emit finished(skipped);
}

void FirstRunTour::showStep(int index)
{
    m_current = index;
    const Step& s = step(index);
    m_target = s.target ? s.target() : nullptr;
    m_title->setText(s.title);
    m_text->setText(s.text);
    m_progress->setText(tr("%1 of %2").arg(index + 1).arg(stepCount()));
    m_back->setEnabled(index > 0);
    m_next->setText(index + 1 == stepCount() ? tr("Finish") : tr("Next"));
    m_next->setFocus();
    relayout();
    emit stepChanged(index);
    // A target that was just raised or shown (a tabbed dock) gets its place in the layout only on
    // the next pass of the event loop: measure again then.
    QTimer::singleShot(0, this, &FirstRunTour::relayout);
}

void FirstRunTour::relayout()
{
    if (m_current < 0)
        return;
    QWidget* window = parentWidget();
    if (geometry() != window->rect())
        setGeometry(window->rect());
    m_highlight = {};
    if (m_target && m_target->isVisible() && m_target->window() == window) {
        const QRect r(m_target->mapTo(window, QPoint(0, 0)), m_target->size());
        m_highlight = r.adjusted(-HighlightMargin, -HighlightMargin, HighlightMargin, HighlightMargin) & rect();
    }
    placeCallout();
    raise(); // above a dock the step just raised
    update();
}

void FirstRunTour::placeCallout()
{
    // A readable measure that follows the font (presenter mode), never wider than the window.
    const int width = std::min(fontMetrics().averageCharWidth() * 52, this->width() - 2 * CalloutGap);
    const int calloutWidth = std::max(width, 200);
    m_callout->resize(calloutWidth, m_callout->heightForWidth(calloutWidth)); // the wrapped text's height
    const QSize size = m_callout->size();
    const QRect area = rect().adjusted(CalloutGap, CalloutGap, -CalloutGap, -CalloutGap);
    const QRect& h = m_highlight;
    QPoint at = area.center() - QPoint(size.width() / 2, size.height() / 2);
    if (!h.isEmpty()) {
        // beside the widget where there is room: right, left, below, above; else inside it
        const int y = std::clamp(h.top(), area.top(), std::max(area.top(), area.bottom() - size.height()));
        const int x = std::clamp(h.left(), area.left(), std::max(area.left(), area.right() - size.width()));
        if (h.right() + CalloutGap + size.width() <= area.right())
            at = { h.right() + CalloutGap, y };
        else if (h.left() - CalloutGap - size.width() >= area.left())
            at = { h.left() - CalloutGap - size.width(), y };
        else if (h.bottom() + CalloutGap + size.height() <= area.bottom())
            at = { x, h.bottom() + CalloutGap };
        else if (h.top() - CalloutGap - size.height() >= area.top())
            at = { x, h.top() - CalloutGap - size.height() };
        else
            at = h.center() - QPoint(size.width() / 2, size.height() / 2);
    }
    m_callout->move(at);
    m_callout->raise();
}

void FirstRunTour::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QPainterPath dim;
    dim.addRect(rect());
    if (!m_highlight.isEmpty()) {
        QPainterPath hole;
        hole.addRoundedRect(m_highlight, 6, 6);
        dim = dim.subtracted(hole);
    }
    p.fillPath(dim, Dim);
    if (!m_highlight.isEmpty()) {
        p.setPen(QPen(Accent, 3));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(m_highlight).adjusted(1.5, 1.5, -1.5, -1.5), 6, 6);
    }
}

void FirstRunTour::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Escape:
        skip();
        break;
    case Qt::Key_Right:
        next();
        break;
    case Qt::Key_Left:
        back();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void FirstRunTour::mousePressEvent(QMouseEvent* event)
{
    event->accept(); // the window under the overlay waits until the tour is over
}

bool FirstRunTour::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress && watched != parentWidget()) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_Left || key == Qt::Key_Right) {
            if (key == Qt::Key_Left)
                back();
            else
                next();
            return true;
        }
    }
    if (watched == parentWidget() && m_current >= 0
        && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest))
        QTimer::singleShot(0, this, &FirstRunTour::relayout); // after the window moved its docks
    return QWidget::eventFilter(watched, event);
}

} // namespace rwb
