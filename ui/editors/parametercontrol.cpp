#include "ui/editors/parametercontrol.h"

#include "core/config/jsonpointer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLineEdit>
#include <QMenu>
#include <QToolButton>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {

constexpr int SliderSteps = 1000;

int nextDragKey()
{
    // Distinct per drag so two separate drags of one slider are two undo steps.
    static int key = 1000;
    return ++key;
}

void setInvalidProperty(QWidget* widget, bool invalid)
{
    if (!widget || widget->property("invalid").toBool() == invalid)
        return;
    widget->setProperty("invalid", invalid);
    widget->style()->unpolish(widget);
    widget->style()->polish(widget);
}

} // namespace

ParameterControl::ParameterControl(ParameterSpec spec, QGridLayout* grid, int row, QWidget* parent)
    : QObject(parent)
    , m_spec(std::move(spec))
{
    using Kind = ParameterSpec::Kind;
    m_label = new QLabel(m_spec.label, parent);
    m_label->setObjectName(QStringLiteral("parameterLabel"));
    grid->addWidget(m_label, row, 0);

    if (m_spec.kind == Kind::ErrorClasses) {
        // a drop-down of check boxes: the chosen classes in the button's text
        m_classes = new QToolButton(parent);
        m_classes->setObjectName(m_spec.key);
        m_classes->setPopupMode(QToolButton::InstantPopup);
        m_classes->setToolButtonStyle(Qt::ToolButtonTextOnly);
        // the text names one class and counts the others: a long list must not widen the panel (the
        // tooltip has them all)
        m_classes->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
        m_classes->setMinimumWidth(80);
        auto* menu = new QMenu(m_classes);
        m_classes->setMenu(menu);
        connect(menu, &QMenu::triggered, this, [this] {
            if (m_updating)
                return;
            QJsonArray names;
            for (QAction* a : m_classes->menu()->actions())
                if (a->isChecked())
                    names.append(a->text());
            updateClassesText();
            emit edited(names, 0);
        });
        grid->addWidget(m_classes, row, 1, 1, 2);
    } else if (m_spec.kind == Kind::Text) {
        m_text = new QLineEdit(parent);
        m_text->setObjectName(m_spec.key);
        grid->addWidget(m_text, row, 1, 1, 2);
        connect(m_text, &QLineEdit::editingFinished, this, [this] {
            if (!m_updating)
                emit edited(m_text->text(), 0);
        });
    } else if (m_spec.kind == Kind::Bool) {
        m_check = new QCheckBox(parent);
        m_check->setObjectName(m_spec.key);
        grid->addWidget(m_check, row, 1, 1, 2);
        connect(m_check, &QCheckBox::toggled, this, [this](bool on) {
            if (!m_updating)
                emit edited(m_spec.toJson(on ? 1.0 : 0.0), 0);
        });
    } else if (m_spec.kind == Kind::Choice) {
        m_combo = new QComboBox(parent);
        m_combo->setObjectName(m_spec.key);
        m_combo->addItems(m_spec.choiceLabels.isEmpty() ? m_spec.choices : m_spec.choiceLabels);
        grid->addWidget(m_combo, row, 1, 1, 2);
        connect(m_combo, &QComboBox::currentIndexChanged, this, [this](int index) {
            if (!m_updating && index >= 0)
                emit edited(m_spec.toJson(index), 0);
        });
    } else {
        m_slider = new QSlider(Qt::Horizontal, parent);
        m_slider->setRange(0, SliderSteps);
        m_slider->setMinimumWidth(60);
        m_slider->setFocusPolicy(Qt::StrongFocus); // arrows and Page keys move it too
        // an arrow key moves 1 % of the range, at least one whole unit for integers; Page keys 10 %
        const double units = std::max(m_spec.sliderMaximum - m_spec.minimum, 1e-9);
        const int unit = m_spec.kind == ParameterSpec::Kind::Integer ? int(std::ceil(SliderSteps / units)) : 1;
        m_slider->setSingleStep(std::max(SliderSteps / 100, unit));
        m_slider->setPageStep(SliderSteps / 10);
        m_keyboardKey = nextDragKey();
        m_spin = new QDoubleSpinBox(parent);
        m_spin->setObjectName(m_spec.key);
        m_spin->setDecimals(m_spec.kind == Kind::Integer ? 0 : m_spec.decimals);
        m_spin->setRange(m_spec.minimum, m_spec.maximum);
        m_spin->setKeyboardTracking(false);
        m_spin->setAlignment(Qt::AlignRight);
        m_spin->setMinimumWidth(84);
        m_spin->setAccelerated(true);
        if (!m_spec.offText.isEmpty())
            m_spin->setSpecialValueText(m_spec.offText);
        updateSuffix(m_spec.toDisplay(m_spec.defaultValue));
        const double range = m_spec.sliderMaximum - m_spec.minimum;
        m_spin->setSingleStep(
            m_spec.kind == Kind::Integer ? 1.0 : std::max(std::pow(10.0, -m_spec.decimals), range / 100.0));
        grid->addWidget(m_slider, row, 1);
        grid->addWidget(m_spin, row, 2);

        connect(m_slider, &QSlider::sliderPressed, this, [this] { m_dragKey = nextDragKey(); });
        connect(m_slider, &QSlider::sliderReleased, this, [this] { m_dragKey = 0; });
        connect(m_slider, &QSlider::valueChanged, this, [this](int position) {
            if (m_updating)
                return;
            double display = fromSlider(position);
            if (m_spec.kind == Kind::Integer)
                display = std::round(display);
            {
                const QSignalBlocker block(m_spin);
                m_spin->setValue(display);
            }
            // a drag is one undo step; so is a run of key presses on the same slider
            emitDisplay(m_spin->value(), m_slider->isSliderDown() || m_dragKey ? m_dragKey : m_keyboardKey);
        });
        connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double display) {
            if (m_updating)
                return;
            {
                const QSignalBlocker block(m_slider);
                m_slider->setValue(toSlider(display));
            }
            emitDisplay(display, 0);
        });
    }
    updateTooltips();
}

QWidget* ParameterControl::editor() const
{
    if (m_classes)
        return m_classes;
    if (m_text)
        return m_text;
    if (m_check)
        return m_check;
    if (m_combo)
        return m_combo;
    return m_spin;
}

int ParameterControl::toSlider(double display) const
{
    const double lo = m_spec.minimum;
    const double hi = std::max(m_spec.sliderMaximum, lo + 1e-9);
    double t = 0.0;
    if (m_spec.logarithmic) {
        // log1p keeps zero reachable for delays that may be 0.
        t = std::log1p(std::max(0.0, display - lo)) / std::log1p(hi - lo);
    } else {
        t = (display - lo) / (hi - lo);
    }
    return int(std::lround(std::clamp(t, 0.0, 1.0) * SliderSteps));
}

double ParameterControl::fromSlider(int position) const
{
    const double t = double(position) / SliderSteps;
    const double lo = m_spec.minimum;
    const double hi = std::max(m_spec.sliderMaximum, lo + 1e-9);
    if (m_spec.logarithmic)
        return lo + std::expm1(t * std::log1p(hi - lo));
    return lo + t * (hi - lo);
}

void ParameterControl::emitDisplay(double display, int mergeKey)
{
    if (m_structured)
        return; // never replace the file's object with a number the control did not show
    updateSuffix(display);
    emit edited(m_spec.toJson(display), mergeKey);
}

void ParameterControl::updateSuffix(double display)
{
    const QString& unit = display == 1.0 && !m_spec.unitOne.isEmpty() ? m_spec.unitOne : m_spec.unit;
    m_spin->setSuffix(unit.isEmpty() ? QString() : QLatin1Char(' ') + unit);
}

QStringList ParameterControl::classes() const
{
    QStringList out;
    if (m_classes)
        for (QAction* a : m_classes->menu()->actions())
            if (a->isChecked())
                out << a->text();
    return out;
}

void ParameterControl::updateClassesText()
{
    const QStringList chosen = classes();
    QString text = chosen.isEmpty() ? tr("(none)") : chosen.front();
    if (chosen.size() > 1)
        text += tr(" +%1").arg(chosen.size() - 1);
    m_classes->setText(text);
    updateTooltips();
}

void ParameterControl::setValue(const QJsonValue& value)
{
    m_updating = true;
    if (m_classes) {
        QStringList chosen;
        for (const QJsonValue& v : value.toArray())
            chosen << v.toString();
        // actions are only added, never deleted: this runs while one of them is being triggered
        QMenu* menu = m_classes->menu();
        QStringList offered;
        for (QAction* a : menu->actions())
            offered << a->text();
        QStringList missing = ParameterSpec::knownErrorClasses() + chosen;
        missing.removeDuplicates();
        missing.sort();
        for (const QString& name : std::as_const(missing)) {
            if (offered.contains(name))
                continue;
            QAction* a = menu->addAction(name);
            a->setCheckable(true);
        }
        for (QAction* a : menu->actions())
            a->setChecked(chosen.contains(a->text()));
        updateClassesText();
    }
    if (m_text)
        m_text->setText(value.toString());
    const double display = m_spec.toDisplay(value);
    if (m_check)
        m_check->setChecked(display != 0.0);
    if (m_combo)
        m_combo->setCurrentIndex(int(display));
    if (m_spin) {
        updateSuffix(display);
        m_spin->setValue(display);
        m_slider->setValue(toSlider(display));
        // a distribution written in the file: shown as its number would be wrong, overwritten by a slip
        // of the wheel would be lost, so the control stands aside and says why
        const bool structured = value.isObject() || value.isArray();
        if (structured != m_structured) {
            m_structured = structured;
            m_spin->setEnabled(!structured);
            m_slider->setEnabled(!structured);
            m_spin->setSpecialValueText(structured ? tr("set in the file") : m_spec.offText);
            if (structured)
                m_spin->setValue(m_spin->minimum()); // the special text shows at the minimum
            updateTooltips();
        }
    }
    m_updating = false;
}

void ParameterControl::setError(const QString& message)
{
    if (m_error == message)
        return;
    m_error = message;
    setInvalidProperty(editor(), !m_error.isEmpty());
    setInvalidProperty(m_label, !m_error.isEmpty());
    updateTooltips();
}

void ParameterControl::setAdvice(const QString& message)
{
    if (m_advice == message)
        return;
    m_advice = message;
    if (m_label && m_label->property("advice").toBool() != !m_advice.isEmpty()) {
        m_label->setProperty("advice", !m_advice.isEmpty());
        m_label->style()->unpolish(m_label);
        m_label->style()->polish(m_label);
    }
    updateTooltips();
}

void ParameterControl::setEnabled(bool enabled)
{
    for (QWidget* w : widgets()) {
        if (w)
            w->setEnabled(enabled);
    }
}

void ParameterControl::setPeer(const QString& library, const QString& name, const QString& fixedBecause)
{
    m_peerLibrary = library;
    m_peerName = name;
    m_fixedBecause = fixedBecause;
    m_label->setText(name.isEmpty() ? m_spec.label : name);
    setEnabled(fixedBecause.isEmpty());
    updateTooltips();
}

QString ParameterControl::labelText() const
{
    return m_label->text();
}

void ParameterControl::setVisible(bool visible)
{
    for (QWidget* w : widgets()) {
        if (w)
            w->setVisible(visible);
    }
}

std::vector<QWidget*> ParameterControl::widgets() const
{
    return { m_label, m_slider, m_spin, m_check, m_combo, m_classes, m_text };
}

void ParameterControl::updateVisibility(const QJsonObject& group)
{
    if (m_spec.visibleKey.isEmpty())
        return;
    const QJsonValue v = json::get(group, QLatin1Char('/') + m_spec.visibleKey);
    if (m_spec.visibleValues.isEmpty()) {
        setVisible(!v.isUndefined() && !v.isNull() && v.toVariant().toString() != m_spec.visibleUnless);
        return;
    }
    // Documents are canonical (every value explicit); should the selector be absent, show everything.
    setVisible(!v.isString() || m_spec.visibleValues.contains(v.toString()));
}

void ParameterControl::updateTooltips()
{
    QString tip = QStringLiteral("<b>%1</b> <code>%2</code><br>%3")
                      .arg(m_spec.label.toHtmlEscaped(), m_spec.key.toHtmlEscaped(), m_spec.tooltip.toHtmlEscaped());
    if (!m_peerName.isEmpty())
        tip = tr("<b>%1</b> (%2)<br>Workbench: ").arg(m_peerName.toHtmlEscaped(), m_peerLibrary.toHtmlEscaped()) + tip;
    if (!m_fixedBecause.isEmpty())
        tip += tr("<br><i>Fixed by %1.</i>").arg(m_fixedBecause.toHtmlEscaped());
    // the file keeps the engine's units; say which when the control shows another one
    if (m_spec.kind == ParameterSpec::Kind::Duration)
        tip += tr("<br><i>Shown in %1; the scenario file stores seconds.</i>").arg(m_spec.unit);
    else if (m_spec.kind == ParameterSpec::Kind::Fraction)
        tip += tr("<br><i>Shown in %; the scenario file stores a fraction from 0 to 1.</i>");
    if (m_classes)
        tip += tr("<br>Ticked: %1").arg(classes().isEmpty() ? tr("none") : classes().join(QStringLiteral(", ")));
    if (m_structured)
        tip += tr("<br><i>The scenario file describes this with an object (e.g. a distribution); edit it there.</i>");
    if (!m_error.isEmpty())
        tip += QStringLiteral("<br><span style='color:#c62828'>%1</span>").arg(m_error.toHtmlEscaped());
    if (!m_advice.isEmpty())
        tip += QStringLiteral("<br><span style='color:#b26a00'>%1</span>").arg(m_advice.toHtmlEscaped());
    for (QWidget* w : widgets()) {
        if (w)
            w->setToolTip(tip);
    }
}

} // namespace rwb
