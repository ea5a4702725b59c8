#include "ui/shell/presenter.h"

#include <QApplication>
#include <QWidget>

namespace rwb {

Presenter::Presenter(QObject* parent)
    : QObject(parent)
    , m_normalFont(QApplication::font())
{
}

void Presenter::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    // The application uses a style sheet, and Qt ignores QApplication::setFont() for styled widgets:
    // the font size has to go through the style sheet too.
    auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
    if (!app)
        return;
    if (enabled) {
        m_saved.clear();
        const auto widgets = QApplication::allWidgets();
        for (QWidget* w : widgets)
            m_saved.push_back({ w, w->testAttribute(Qt::WA_SetFont), w->font() });
        m_baseStyleSheet = app->styleSheet();
        const double points = m_normalFont.pointSizeF() > 0 ? m_normalFont.pointSizeF() : 9.0;
        // Charts and circuit tiles scale their own fonts in presenter mode; keep the style sheet out of
        // their way (scaling twice made the tile texts overlap).
        app->setStyleSheet(m_baseStyleSheet
            + QStringLiteral("\nQWidget { font-size: %1pt; }\nQChartView, rwb--CircuitTile { font-size: %2pt; }")
                  .arg(points * scale(), 0, 'f', 1)
                  .arg(points, 0, 'f', 1));
    } else {
        app->setStyleSheet(m_baseStyleSheet);
        for (const SavedFont& saved : m_saved) {
            if (!saved.widget)
                continue;
            if (saved.explicitFont)
                saved.widget->setFont(saved.font);
            else
                saved.widget->setFont(QFont()); // inherit from the parent again
        }
        m_saved.clear();
    }
    emit enabledChanged(enabled);
}

} // namespace rwb
