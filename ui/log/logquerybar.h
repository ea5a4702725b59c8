#pragma once

#include <QLineEdit>
#include <QStringList>

class QCompleter;
class QStringListModel;
class QTimer;

namespace rwb {

/// The query line of the log panel: LogQuery text with inline error marking (a red wavy underline
/// from the error column to the end of the offending token, the message as tooltip) and a history
/// (Up/Down browse it, a popup completes from it; submitted queries are remembered, newest first).
/// It does not parse: the owner calls setError()/clearError() with LogQuery's verdict.
/// GUI thread only.
class LogQueryBar final : public QLineEdit {
    Q_OBJECT
public:
    explicit LogQueryBar(QWidget* parent = nullptr);

    /// Marks `column` (1-based, in characters) as the error position.
    void setError(int column, const QString& message);
    void clearError();
    bool hasError() const noexcept { return m_errorColumn > 0; }
    int errorColumn() const noexcept { return m_errorColumn; }
    QString errorMessage() const { return m_errorMessage; }

    QStringList history() const { return m_history; }
    void setHistory(const QStringList& history);
    void addToHistory(const QString& query);
    static constexpr int kMaxHistory = 50;

signals:
    /// Enter was pressed (the text is already in the history).
    void submitted(const QString& query);
    /// The text changed and then stayed unchanged for a moment (to validate or run as you type).
    void settled(const QString& query);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void applyFormats();

    QStringList m_history;
    QStringListModel* m_historyModel = nullptr;
    QCompleter* m_completer = nullptr;
    QTimer* m_settle = nullptr;
    int m_historyPos = -1;
    int m_errorColumn = 0;
    QString m_errorMessage;
};

} // namespace rwb
