#include "ui/common/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace rwb {

void applyTheme(QApplication& app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p = app.style()->standardPalette();
    p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf8, 0xfa));
    p.setColor(QPalette::Button, QColor(0xf5, 0xf6, 0xf8));
    p.setColor(QPalette::Highlight, QColor(0x1e, 0x6f, 0xd9));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Text, QColor(0x21, 0x25, 0x29));
    p.setColor(QPalette::WindowText, QColor(0x21, 0x25, 0x29));
    p.setColor(QPalette::ButtonText, QColor(0x21, 0x25, 0x29));
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0xa0, 0xa6));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xfd, 0xe7));
    p.setColor(QPalette::ToolTipText, QColor(0x21, 0x25, 0x29));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0xa0, 0xa4, 0xa8));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0xa0, 0xa4, 0xa8));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0xa0, 0xa4, 0xa8));
    app.setPalette(p);

    // No font sizes here: presenter mode scales the application font and everything follows.
    app.setStyleSheet(QStringLiteral(R"(
#sectionHeader { background: #e8ebef; border-radius: 4px; }
#section { background: transparent; }
#sectionArrow { border: none; padding: 2px; }
#sectionSummary, #dimLabel, #summaryCaption { color: #5f6b76; }
#liveControls { background: #eef6ee; border-bottom: 1px solid #c8e0c8; }
#panelHeader { background: #eceff2; border-bottom: 1px solid #d5d9de; }
#editorContent { background: palette(window); }
QLabel[advice="true"] { color: #b26a00; font-weight: bold; }
QLabel[invalid="true"] { color: #c62828; font-weight: bold; }
QDoubleSpinBox[invalid="true"], QComboBox[invalid="true"] { border: 1px solid #c62828; background: #fdecea; border-radius: 2px; }
QPushButton#outageButton { background: #fdecea; border: 1px solid #e57373; border-radius: 5px; font-weight: bold; color: #b71c1c; padding: 6px 12px; }
QPushButton#outageButton:checked { background: #c62828; color: white; border-color: #8e0000; }
QPushButton#recoverButton { background: #e8f5e9; border: 1px solid #81c784; border-radius: 5px; font-weight: bold; color: #1b5e20; padding: 6px 12px; }
QPushButton#recoverButton:checked { background: #2e7d32; color: white; border-color: #005005; }
QToolBar { spacing: 4px; border-bottom: 1px solid #d5d9de; }
QToolBar QToolButton:checked { background: #dbe7f7; border: 1px solid #9ab8e2; border-radius: 3px; }
QDockWidget::title { background: #e3e6ea; padding: 5px 8px; border-bottom: 1px solid #cfd4da; }
QStatusBar { border-top: 1px solid #d5d9de; }
#centralPlaceholder { background: white; }
#placeholderTitle { color: #37474f; font-weight: bold; }
#placeholderText { color: #6b7780; }
#lessonBanner { background: #fff8e1; border-bottom: 1px solid #ffe08a; }
#lessonText { color: #5d4200; }
)"));
}

} // namespace rwb
