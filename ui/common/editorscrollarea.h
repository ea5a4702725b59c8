#pragma once

#include <QScrollArea>

namespace rwb {

/// The scroll area of an editor panel: it scrolls only vertically, so it keeps itself as wide as its
/// content (which grows with the font in presenter mode). The content widget is resizable, frameless.
/// GUI thread only.
class EditorScrollArea final : public QScrollArea {
    Q_OBJECT
public:
    explicit EditorScrollArea(QWidget* parent = nullptr);

    /// Makes the area as wide as its content; call after filling the content.
    void fitWidth();

protected:
    void changeEvent(QEvent* event) override;
};

} // namespace rwb
