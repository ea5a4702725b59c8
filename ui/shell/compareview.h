#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace rwb {

class CompareModel;

/// The run summary and the A/B comparison: a table of figures for variant A and, once the pipeline
/// was duplicated as variant B, B and the difference. GUI thread only; owns its model.
class CompareView final : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    CompareModel* model() const noexcept { return m_model; }
    QTableView* table() const noexcept { return m_table; }
    /// Switches the buttons between "duplicate as B" and "drop B".
    void setCompareActive(bool active);
    /// Whether a comparison can start (not in Replay: a recorded log has no scenario to duplicate).
    void setCompareAvailable(bool available);
    /// One line under the table ("A: 1 h simulated in 84 ms · seed 42").
    void setStatus(const QString& text);
    /// As wide as every column needs (the dock's wish); the minimum is smaller and the table scrolls.
    QSize sizeHint() const override;
    /// Measures the columns again (after a font change).
    void fitWidth();

signals:
    void duplicateRequested();
    void dropRequested();

protected:
    void changeEvent(QEvent* event) override;

private:

    CompareModel* m_model;
    QTableView* m_table;
    QPushButton* m_duplicate;
    bool m_active = false;
    bool m_available = true;
    QPushButton* m_drop;
    QLabel* m_status;
    int m_preferredWidth = 0;
};

} // namespace rwb
