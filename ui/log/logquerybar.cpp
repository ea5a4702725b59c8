#include "ui/log/logquerybar.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QCoreApplication>
#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QStringListModel>
#include <QTextCharFormat>
#include <QTimer>

namespace rwb {

LogQueryBar::LogQueryBar(QWidget* parent)
    : QLineEdit(parent)
{
    setPlaceholderText(tr("Filter: level>=WARNING and agent=payments   ·   \"connection reset\"   ·   extra.delay_ms>1000"));
    setClearButtonEnabled(true);
    QFont mono = font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    setFont(mono);

    m_historyModel = new QStringListModel(this);
    m_completer = new QCompleter(m_historyModel, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    setCompleter(m_completer);

    m_settle = new QTimer(this);
    m_settle->setSingleShot(true);
    m_settle->setInterval(300);
    connect(m_settle, &QTimer::timeout, this, [this] { emit settled(text()); });
    connect(this, &QLineEdit::textEdited, this, [this] {
        clearError();
        m_historyPos = -1;
        m_settle->start();
    });
    connect(this, &QLineEdit::returnPressed, this, [this] {
        m_settle->stop();
        addToHistory(text());
        emit submitted(text());
    });
}

void LogQueryBar::setError(int column, const QString& message)
{
    m_errorColumn = std::max(column, 1);
    m_errorMessage = message;
    setToolTip(QStringLiteral("<b>%1</b><br>%2").arg(tr("Query error"), message.toHtmlEscaped()));
    applyFormats();
}

void LogQueryBar::clearError()
{
    if (m_errorColumn == 0)
        return;
    m_errorColumn = 0;
    m_errorMessage.clear();
    setToolTip(QString());
    applyFormats();
}

void LogQueryBar::applyFormats()
{
    // QLineEdit has no public rich formatting; an input-method event carrying TextFormat attributes
    // is the supported way to underline a range without changing the text.
    QList<QInputMethodEvent::Attribute> attributes;
    if (m_errorColumn > 0) {
        const QString t = text();
        int start = std::min<int>(m_errorColumn - 1, static_cast<int>(t.size()));
        int end = start;
        while (end < t.size() && !t.at(end).isSpace())
            ++end;
        if (end == start) { // error at the end of the text: underline the last token
            end = static_cast<int>(t.size());
            start = std::max(0, end - 1);
            while (start > 0 && !t.at(start - 1).isSpace())
                --start;
        }
        QTextCharFormat format;
        format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        format.setUnderlineColor(QColor(0xd6, 0x33, 0x2b));
        format.setForeground(QColor(0xd6, 0x33, 0x2b));
        attributes.append(QInputMethodEvent::Attribute(QInputMethodEvent::TextFormat, start - cursorPosition(),
            std::max(end - start, 1), format));
    }
    QInputMethodEvent event(QString(), attributes);
    QCoreApplication::sendEvent(this, &event);
}

void LogQueryBar::setHistory(const QStringList& history)
{
    m_history = history.mid(0, kMaxHistory);
    m_historyModel->setStringList(m_history);
}

void LogQueryBar::addToHistory(const QString& query)
{
    const QString q = query.trimmed();
    if (q.isEmpty())
        return;
    m_history.removeAll(q);
    m_history.prepend(q);
    while (m_history.size() > kMaxHistory)
        m_history.removeLast();
    m_historyModel->setStringList(m_history);
    m_historyPos = -1;
}

void LogQueryBar::keyPressEvent(QKeyEvent* event)
{
    const bool popupVisible = m_completer->popup() && m_completer->popup()->isVisible();
    if (!popupVisible && (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down) && !m_history.isEmpty()) {
        const int next = event->key() == Qt::Key_Up ? m_historyPos + 1 : m_historyPos - 1;
        if (next >= 0 && next < m_history.size()) {
            m_historyPos = next;
            setText(m_history.at(next));
            clearError();
            m_settle->start();
        } else if (next < 0) {
            m_historyPos = -1;
            clear();
            m_settle->start();
        }
        event->accept();
        return;
    }
    QLineEdit::keyPressEvent(event);
}

} // namespace rwb
