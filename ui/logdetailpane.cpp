#include "ui/logdetailpane.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace rwb {

namespace {

class JsonHighlighter final : public QSyntaxHighlighter {
public:
    explicit JsonHighlighter(QTextDocument* document)
        : QSyntaxHighlighter(document)
    {
        m_key.setForeground(QColor(0x1f, 0x4e, 0x9a));
        m_key.setFontWeight(QFont::DemiBold);
        m_string.setForeground(QColor(0x0a, 0x7a, 0x3b));
        m_number.setForeground(QColor(0x8e, 0x44, 0xad));
        m_literal.setForeground(QColor(0xc0, 0x5a, 0x00));
        m_comment.setForeground(QColor(0x80, 0x86, 0x90));
        m_comment.setFontItalic(true);
    }

protected:
    void highlightBlock(const QString& text) override
    {
        if (text.startsWith(QLatin1String("//"))) {
            setFormat(0, static_cast<int>(text.size()), m_comment);
            return;
        }
        static const QRegularExpression strings(QStringLiteral(R"("(?:[^"\\]|\\.)*"(\s*:)?)"));
        static const QRegularExpression numbers(QStringLiteral(R"((?<![\w."])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"));
        static const QRegularExpression literals(QStringLiteral(R"(\b(?:true|false|null)\b)"));
        for (auto it = numbers.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), m_number);
        }
        for (auto it = literals.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), m_literal);
        }
        for (auto it = strings.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            const bool key = m.capturedLength(1) > 0;
            const auto length = m.capturedLength() - m.capturedLength(1);
            setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(length), key ? m_key : m_string);
        }
    }

private:
    QTextCharFormat m_key, m_string, m_number, m_literal, m_comment;
};

} // namespace

LogDetailPane::LogDetailPane(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    QFont mono = font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    setFont(mono);
    setPlaceholderText(tr("Select a line to see its JSON"));
    new JsonHighlighter(document());
}

QString LogDetailPane::prettyJson(const QByteArray& line, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || doc.isNull()) {
        if (error)
            *error = tr("not valid JSON at byte %1: %2").arg(parseError.offset).arg(parseError.errorString());
        return QString();
    }
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

void LogDetailPane::showLine(const QByteArray& line, qint64 lineNumber)
{
    QString error;
    const QString pretty = prettyJson(line, &error);
    QString header = lineNumber > 0 ? tr("// line %1").arg(lineNumber) : QString();
    if (pretty.isNull()) {
        setPlainText((header.isEmpty() ? QString() : header + QLatin1Char('\n')) + QStringLiteral("// ") + error
            + QLatin1Char('\n') + QString::fromUtf8(line));
        return;
    }
    setPlainText((header.isEmpty() ? QString() : header + QLatin1Char('\n')) + pretty);
}

void LogDetailPane::clearLine() { clear(); }

} // namespace rwb
