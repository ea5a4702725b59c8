#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QToolButton;

namespace rwb {

/// A titled section with an expand/collapse arrow, an optional enable switch in the header and a
/// one-line summary; the body holds the caller's widgets. GUI thread only.
class CollapsibleSection final : public QWidget {
    Q_OBJECT
public:
    CollapsibleSection(const QString& title, const QString& summary, bool checkable, QWidget* parent = nullptr);

    /// The widget to put the section's controls in (parented to the section).
    QWidget* body() const noexcept { return m_body; }
    bool isExpanded() const;
    void setExpanded(bool expanded);
    bool isChecked() const;
    /// Sets the enable switch without emitting toggled().
    void setChecked(bool checked);
    QCheckBox* enableSwitch() const noexcept { return m_enable; }

signals:
    void toggled(bool enabled);

private:
    void updateBodyEnabled();

    QToolButton* m_arrow;
    QLabel* m_summary;
    QCheckBox* m_enable = nullptr;
    QWidget* m_body;
};

} // namespace rwb
