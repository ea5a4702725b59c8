#pragma once

#include <QDialog>

class QLabel;
class QSpinBox;

namespace rwb {

/// Edit > Log Index Cache: the size cap of the log index cache (the setting `rwb logs` reads too), what the
/// cache holds now, and a button to empty it. Applies on OK. GUI thread only.
class LogCacheDialog final : public QDialog {
    Q_OBJECT
public:
    explicit LogCacheDialog(QWidget* parent = nullptr);
    QSpinBox* capBox() const noexcept { return m_cap; } ///< for tests

    /// Stores the cap and trims the cache to it.
    void apply();

private:
    void updateUsage();
    QSpinBox* m_cap = nullptr;
    QLabel* m_usage = nullptr;
};

} // namespace rwb
