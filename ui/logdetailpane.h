#pragma once

#include <QPlainTextEdit>

namespace rwb {

/// Read-only view of one log line: pretty-printed, syntax-coloured JSON, or the raw text with the
/// reason when the line is not valid JSON. GUI thread only.
class LogDetailPane final : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit LogDetailPane(QWidget* parent = nullptr);

    /// Shows `line` (the raw bytes of one JSONL line); `lineNumber` is 1-based (0: none).
    void showLine(const QByteArray& line, qint64 lineNumber = 0);
    void clearLine();
    /// The pretty-printed text (tests, copy).
    QString prettyText() const { return toPlainText(); }
    static QString prettyJson(const QByteArray& line, QString* error = nullptr);
};

} // namespace rwb
