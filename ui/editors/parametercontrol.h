#pragma once

#include "ui/editors/parameterspec.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPointer>

#include <vector>

class QAbstractButton;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QToolButton;
class QSlider;
class QWidget;

namespace rwb {

/// One labelled parameter in a grid row: label | slider | spin box with unit (or a check box /
/// combo box). Emits edited() with the new JSON value; `mergeKey` is non-zero while a slider is
/// being dragged so the whole drag becomes one undo step. GUI thread only; widgets are owned by
/// the grid's parent widget.
class ParameterControl final : public QObject {
    Q_OBJECT
public:
    ParameterControl(ParameterSpec spec, QGridLayout* grid, int row, QWidget* parent);

    const ParameterSpec& spec() const noexcept { return m_spec; }
    /// Shows `value` without emitting edited().
    void setValue(const QJsonValue& value);
    /// Flags the control as invalid with the engine's message (empty message clears the flag).
    void setError(const QString& message);
    bool hasError() const noexcept { return !m_error.isEmpty(); }
    /// Marks the control with lint advice (docs/lint.md): an amber label and the message in the tooltip;
    /// empty clears it. An error wins over advice.
    void setAdvice(const QString& message);
    const QString& advice() const noexcept { return m_advice; }
    void setEnabled(bool enabled);
    void setVisible(bool visible);
    /// Shows the setting as a peer library calls it (`library` e.g. "opossum", `name` its key; the
    /// tooltip keeps ours), or disables it with `fixedBecause` when the library fixes it. All empty:
    /// the workbench's own label, enabled.
    void setPeer(const QString& library, const QString& name, const QString& fixedBecause);
    QString labelText() const;
    const QString& fixedBecause() const noexcept { return m_fixedBecause; }
    /// Shows or hides the row according to spec().visibleKey in `group` (the JSON object holding it).
    void updateVisibility(const QJsonObject& group);
    /// The widget that takes keyboard focus (spin box, check box or combo box); for tests.
    QWidget* editor() const;
    QSlider* slider() const noexcept { return m_slider; }
    /// ErrorClasses: the classes ticked.
    QStringList classes() const;
    QToolButton* classesButton() const noexcept { return m_classes; }
    QDoubleSpinBox* spinBox() const noexcept { return m_spin; }

signals:
    void edited(const QJsonValue& value, int mergeKey);

private:
    int toSlider(double display) const;
    double fromSlider(int position) const;
    void emitDisplay(double display, int mergeKey);
    void updateSuffix(double display);
    void updateTooltips();
    void updateClassesText();
    std::vector<QWidget*> widgets() const;

    ParameterSpec m_spec;
    QLabel* m_label = nullptr;
    QSlider* m_slider = nullptr;
    QDoubleSpinBox* m_spin = nullptr;
    QCheckBox* m_check = nullptr;
    QComboBox* m_combo = nullptr;
    QToolButton* m_classes = nullptr;
    QLineEdit* m_text = nullptr;
    QString m_error;
    QString m_advice;
    QString m_peerLibrary;
    QString m_peerName;
    QString m_fixedBecause;
    bool m_structured = false; // the file holds an object here (a distribution), which a spin box cannot show
    int m_dragKey = 0;
    int m_keyboardKey = 0; // merge key of slider moves by keyboard
    bool m_updating = false;
};

} // namespace rwb
