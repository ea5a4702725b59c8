#include "ui/presenter.h"

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
    QFont font = m_normalFont;
    if (enabled) {
        if (font.pointSizeF() > 0)
            font.setPointSizeF(font.pointSizeF() * scale());
        else
            font.setPixelSize(int(font.pixelSize() * scale()));
    }
    // QApplication::setFont re-polishes every widget, which also resizes toolbars and table rows.
    QApplication::setFont(font);
    emit enabledChanged(enabled);
}

} // namespace rwb
