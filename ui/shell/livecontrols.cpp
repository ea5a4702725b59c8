#include "ui/shell/livecontrols.h"

#include "ui/common/icons.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace rwb {

LiveControls::LiveControls(QWidget* parent)
    : QWidget(parent)
    , m_rows(new QHBoxLayout)
    , m_recording(new QLabel(this))
{
    setObjectName(QStringLiteral("liveControls"));
    setAttribute(Qt::WA_StyledBackground);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 2, 8, 2);
    layout->setSpacing(12);
    auto* title = new QLabel(tr("<b>Live</b>"), this);
    title->setToolTip(tr("Mock HTTP services on 127.0.0.1 for this run; the actions change the running service "
                         "only, not the scenario"));
    layout->addWidget(title);
    m_rows->setSpacing(16);
    layout->addLayout(m_rows);
    layout->addStretch(1);
    m_recording->setObjectName(QStringLiteral("dimLabel"));
    m_recording->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_recording);
}

void LiveControls::setServices(const QStringList& services)
{
    if (services == m_services.keys() && !m_services.isEmpty())
        return;
    qDeleteAll(m_widgets);
    m_widgets.clear();
    m_services.clear();
    for (const QString& name : services) {
        auto* box = new QWidget(this);
        auto* row = new QHBoxLayout(box);
        row->setContentsMargins(0, 0, 0, 0);
        row->setSpacing(4);
        auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped()), box);
        Row r;
        r.address = new QLabel(box);
        r.address->setObjectName(QStringLiteral("serviceAddress"));
        r.address->setTextInteractionFlags(Qt::TextSelectableByMouse);
        r.outage = new QToolButton(box);
        r.outage->setIcon(icons::icon(icons::Icon::Outage));
        r.outage->setText(tr("Outage now"));
        r.outage->setToolTip(tr("Take %1 down now: every request gets 503 until Recover (not an edit)").arg(name));
        r.recover = new QToolButton(box);
        r.recover->setIcon(icons::icon(icons::Icon::Recover));
        r.recover->setText(tr("Recover"));
        r.recover->setToolTip(tr("Bring %1 back to its scenario behaviour").arg(name));
        auto* group = new QButtonGroup(box);
        for (QToolButton* b : { r.outage, r.recover }) {
            b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
            b->setCheckable(true);
            b->setAutoRaise(true);
            b->setEnabled(false);
            group->addButton(b);
        }
        r.recover->setChecked(true);
        connect(r.outage, &QToolButton::clicked, this, [this, name] { emit outageRequested(name, true); });
        connect(r.recover, &QToolButton::clicked, this, [this, name] { emit outageRequested(name, false); });
        row->addWidget(label);
        row->addWidget(r.address);
        row->addWidget(r.outage);
        row->addWidget(r.recover);
        m_rows->addWidget(box);
        m_widgets.append(box);
        m_services.insert(name, r);
    }
    setStopped();
}

void LiveControls::setRunning(const QMap<QString, QString>& urls)
{
    for (auto it = m_services.begin(); it != m_services.end(); ++it) {
        QString url = urls.value(it.key());
        while (url.endsWith(QLatin1Char('/')))
            url.chop(1);
        const QString hostPort = QString(url).remove(QStringLiteral("http://"));
        it->address->setText(hostPort.isEmpty() ? tr("not listening") : hostPort);
        it->address->setToolTip(url.isEmpty() ? QString() : tr("Try it: curl -i %1/").arg(url));
        it->outage->setEnabled(!url.isEmpty());
        it->recover->setEnabled(!url.isEmpty());
        it->recover->setChecked(true);
    }
}

void LiveControls::setStopped()
{
    for (auto it = m_services.begin(); it != m_services.end(); ++it) {
        it->address->setText(tr("(starts with Run)"));
        it->address->setToolTip(tr("The mock service listens on 127.0.0.1 while a live run goes on"));
        it->outage->setEnabled(false);
        it->recover->setEnabled(false);
        it->recover->setChecked(true);
    }
}

void LiveControls::setRecording(const QString& text)
{
    m_recording->setText(text);
}

QString LiveControls::addressOf(const QString& service) const
{
    return m_services.contains(service) ? m_services.value(service).address->text() : QString();
}

QToolButton* LiveControls::outageButton(const QString& service) const
{
    return m_services.contains(service) ? m_services.value(service).outage : nullptr;
}

QToolButton* LiveControls::recoverButton(const QString& service) const
{
    return m_services.contains(service) ? m_services.value(service).recover : nullptr;
}

} // namespace rwb
