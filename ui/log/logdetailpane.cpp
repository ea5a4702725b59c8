#include "ui/log/logdetailpane.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QVBoxLayout>

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

/// `text` with every line longer than `maxChars` cut into pieces of at most that many characters, so
/// that no text block's layout grows with the size of a line.
QString cutIntoPieces(const QString& text, qsizetype maxChars)
{
    QString out;
    out.reserve(text.size() + text.size() / maxChars + 1);
    qsizetype run = 0;
    for (const QChar c : text) {
        if (c == QLatin1Char('\n')) {
            run = 0;
        } else if (run == maxChars) {
            out += QLatin1Char('\n');
            run = 0;
        }
        if (c != QLatin1Char('\n'))
            ++run;
        out += c;
    }
    return out;
}

} // namespace

LogDetailPane::LogDetailPane(QWidget* parent)
    : QWidget(parent)
{
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    QFont mono = m_text->font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    m_text->setFont(mono);
    m_text->setPlaceholderText(tr("Select a line to see its JSON"));
    m_highlighter = new JsonHighlighter(m_text->document());

    m_longBar = new QWidget(this);
    m_longLabel = new QLabel(m_longBar);
    m_showAll = new QPushButton(tr("Show all"), m_longBar);
    m_showAll->setToolTip(tr("Show the whole line (it may take a moment for lines of many megabytes)"));
    auto* copy = new QPushButton(tr("Copy line"), m_longBar);
    copy->setToolTip(tr("Copy the whole line, unchanged, to the clipboard"));
    auto* bar = new QHBoxLayout(m_longBar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_longLabel, 1);
    bar->addWidget(m_showAll);
    bar->addWidget(copy);
    m_longBar->setVisible(false);
    connect(m_showAll, &QPushButton::clicked, this, &LogDetailPane::showAll);
    connect(copy, &QPushButton::clicked, this, &LogDetailPane::copyLine);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_longBar);
    layout->addWidget(m_text, 1);
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

void LogDetailPane::showLine(const QByteArray& line, std::optional<LineNumber> lineNumber)
{
    m_line = line;
    m_lineNumber = lineNumber;
    m_all = false;
    render();
}

void LogDetailPane::showAll()
{
    m_all = true;
    render();
}

void LogDetailPane::copyLine() const
{
    if (QClipboard* clipboard = QGuiApplication::clipboard())
        clipboard->setText(QString::fromUtf8(m_line));
}

void LogDetailPane::clearLine()
{
    m_line.clear();
    m_lineNumber.reset();
    m_all = false;
    m_shortened = false;
    m_longBar->setVisible(false);
    m_text->clear();
}

QString LogDetailPane::prettyText() const { return m_text->toPlainText(); }

void LogDetailPane::render()
{
    const bool longLine = m_line.size() > kShortenAbove;
    m_shortened = longLine && !m_all;
    QString header = m_lineNumber ? tr("// line %1").arg(m_lineNumber->value) + QLatin1Char('\n') : QString();
    QString body;
    if (m_shortened) {
        // Part of a JSON document cannot be pretty-printed: show the raw start.
        QByteArrayView start(m_line.constData(), kShortenAbove);
        while (!start.isEmpty() && (static_cast<unsigned char>(start.back()) & 0xC0) == 0x80)
            start.chop(1); // do not cut a UTF-8 sequence
        if (!start.isEmpty() && static_cast<unsigned char>(start.back()) >= 0xC0)
            start.chop(1);
        body = QString::fromUtf8(start) + QStringLiteral(" …");
    } else {
        QString error;
        const QString pretty = m_line.size() <= kMaxPrettyBytes ? prettyJson(m_line, &error) : QString();
        if (pretty.isNull() && !error.isEmpty())
            header += QStringLiteral("// ") + error + QLatin1Char('\n');
        body = pretty.isNull() ? QString::fromUtf8(m_line) : pretty;
    }
    if (longLine) {
        const QString size = QLocale().formattedDataSize(m_line.size());
        m_longLabel->setText(m_shortened ? tr("Long line (%1): its first %2 are shown.")
                                               .arg(size, QLocale().formattedDataSize(kShortenAbove))
                                         : tr("Long line (%1), shown in full.").arg(size));
    }
    m_showAll->setVisible(m_shortened);
    m_longBar->setVisible(longLine);
    const QString text = cutIntoPieces(header + body, kMaxPieceChars);
    // Colouring runs over the whole document at once: only for texts of a reasonable size.
    m_highlighter->setDocument(nullptr);
    m_text->setPlainText(text);
    if (text.size() <= kMaxColouredChars)
        m_highlighter->setDocument(m_text->document());
}

} // namespace rwb
