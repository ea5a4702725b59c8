#pragma once

#include "core/log/lineref.h"

#include <QByteArray>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSyntaxHighlighter;

namespace rwb {

/// Read-only view of one log line: pretty-printed, syntax-coloured JSON, or the raw text with the
/// reason when the line is not valid JSON. GUI thread only.
///
/// Bounded in time whatever the line (text layout of one multi-megabyte line never finishes): a line
/// longer than kShortenAbove bytes is shown shortened, its raw first kShortenAbove bytes, with its size
/// and two actions, "Show all" and "Copy line", as klogg and lnav do. Shown text is cut into pieces of
/// at most kMaxPieceChars characters (the view wraps lines anyway), so layout stays per piece; JSON is
/// pretty-printed only up to kMaxPrettyBytes and coloured only up to kMaxColouredChars.
class LogDetailPane final : public QWidget {
    Q_OBJECT
public:
    static constexpr qsizetype kShortenAbove = 64 * 1024;
    static constexpr qsizetype kMaxPieceChars = 2000;
    static constexpr qsizetype kMaxPrettyBytes = 8 * 1024 * 1024;
    static constexpr qsizetype kMaxColouredChars = 256 * 1024;

    explicit LogDetailPane(QWidget* parent = nullptr);

    /// Shows `line` (the raw bytes of one JSONL line), headed by its number when given.
    void showLine(const QByteArray& line, std::optional<LineNumber> lineNumber = std::nullopt);
    void clearLine();
    /// Shows the current line in full (the "Show all" action).
    void showAll();
    /// Puts the current line, complete and unchanged, on the clipboard (the "Copy line" action).
    void copyLine() const;
    /// The current line is shown shortened.
    bool isShortened() const noexcept { return m_shortened; }
    /// The text shown (tests, copy).
    QString prettyText() const;
    /// Indented JSON of `line`, or a null string and `error` when it does not parse.
    static QString prettyJson(const QByteArray& line, QString* error = nullptr);
    QPlainTextEdit* textView() const noexcept { return m_text; }

private:
    void render();

    QPlainTextEdit* m_text = nullptr;
    QSyntaxHighlighter* m_highlighter = nullptr;
    QWidget* m_longBar = nullptr;
    QLabel* m_longLabel = nullptr;
    QPushButton* m_showAll = nullptr;
    QByteArray m_line;
    std::optional<LineNumber> m_lineNumber;
    bool m_all = false;
    bool m_shortened = false;
};

} // namespace rwb
