#pragma once

#include <QFont>
#include <QObject>
#include <QPointer>

#include <vector>

class QWidget;

namespace rwb {

/// Presenter mode: enlarges every font of the application (through its style sheet) (and tells charts to thicken their
/// lines) so a room can read the screen. Switching it off gives every widget back exactly the font it
/// had (a style sheet font stays behind in spin boxes and headers otherwise). One instance per
/// application; GUI thread only.
class Presenter final : public QObject {
    Q_OBJECT
public:
    explicit Presenter(QObject* parent = nullptr);

    bool isEnabled() const noexcept { return m_enabled; }
    void setEnabled(bool enabled);
    /// Font scale currently applied (1.0 normally, `scale()` in presenter mode).
    double factor() const noexcept { return m_enabled ? scale() : 1.0; }
    static constexpr double scale() noexcept { return 1.45; }
    /// Line width charts should use: `normal` scaled in presenter mode.
    double lineWidth(double normal) const noexcept { return m_enabled ? normal * 2.0 : normal; }

signals:
    void enabledChanged(bool enabled);

private:
    struct SavedFont {
        QPointer<QWidget> widget;
        bool explicitFont = false; ///< set on the widget itself (Qt::WA_SetFont)
        QFont font;
    };
    bool m_enabled = false;
    QFont m_normalFont;
    QString m_baseStyleSheet;
    std::vector<SavedFont> m_saved;
};

} // namespace rwb
