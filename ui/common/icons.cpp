#include "ui/common/icons.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <cmath>

namespace rwb::icons {

namespace {

const QColor Ink(0x37, 0x47, 0x4f);
const QColor Green(0x2e, 0x7d, 0x32);
const QColor Red(0xc6, 0x28, 0x28);
const QColor Blue(0x15, 0x65, 0xc0);
const QColor Amber(0xef, 0x8f, 0x00);

// Everything is drawn on a 24x24 design grid and scaled.
void paint(QPainter& p, Icon which)
{
    p.setRenderHint(QPainter::Antialiasing);
    const QPen ink(Ink, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    switch (which) {
    case Icon::App:
        break; // not painted: the application icon's PNGs (see icon())
    case Icon::Run:
    case Icon::Simulate: {
        QPainterPath tri;
        tri.moveTo(7, 4.5);
        tri.lineTo(19.5, 12);
        tri.lineTo(7, 19.5);
        tri.closeSubpath();
        p.setPen(QPen(Green.darker(115), 1.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Green);
        p.drawPath(tri);
        if (which == Icon::Simulate) {
            p.setPen(QPen(Qt::white, 1.4));
            p.drawLine(QPointF(9, 12), QPointF(14, 12));
        }
        break;
    }
    case Icon::Pause:
        p.setPen(Qt::NoPen);
        p.setBrush(Ink);
        p.drawRoundedRect(QRectF(6, 5, 4, 14), 1, 1);
        p.drawRoundedRect(QRectF(14, 5, 4, 14), 1, 1);
        break;
    case Icon::Stop:
        p.setPen(Qt::NoPen);
        p.setBrush(Red);
        p.drawRoundedRect(QRectF(6, 6, 12, 12), 2, 2);
        break;
    case Icon::Open: {
        p.setPen(QPen(Amber.darker(130), 1.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Amber.lighter(150));
        QPainterPath back;
        back.moveTo(3, 6);
        back.lineTo(9, 6);
        back.lineTo(11, 8);
        back.lineTo(20, 8);
        back.lineTo(20, 19);
        back.lineTo(3, 19);
        back.closeSubpath();
        p.drawPath(back);
        p.setBrush(Amber);
        QPainterPath front;
        front.moveTo(3, 19);
        front.lineTo(6, 11);
        front.lineTo(22, 11);
        front.lineTo(20, 19);
        front.closeSubpath();
        p.drawPath(front);
        break;
    }
    case Icon::Save:
        p.setPen(QPen(Blue.darker(120), 1.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Blue);
        p.drawRoundedRect(QRectF(4, 4, 16, 16), 2, 2);
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        p.drawRect(QRectF(7.5, 4.5, 9, 5.5));
        p.drawRoundedRect(QRectF(7, 13, 10, 6), 1, 1);
        p.setBrush(Blue);
        p.drawRect(QRectF(13.5, 5.5, 2, 3.5));
        break;
    case Icon::Export:
        p.setPen(ink);
        p.setBrush(Qt::NoBrush);
        p.drawPolyline(QPolygonF({ QPointF(9, 6), QPointF(5, 6), QPointF(5, 19), QPointF(18, 19), QPointF(18, 15) }));
        p.setPen(QPen(Blue, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawLine(QPointF(10, 14), QPointF(19, 5));
        p.drawPolyline(QPolygonF({ QPointF(13, 5), QPointF(19, 5), QPointF(19, 11) }));
        break;
    case Icon::Compare:
        p.setPen(Qt::NoPen);
        p.setBrush(Blue);
        p.drawRoundedRect(QRectF(3, 5, 8, 14), 2, 2);
        p.setBrush(Amber);
        p.drawRoundedRect(QRectF(13, 5, 8, 14), 2, 2);
        p.setPen(QPen(Qt::white, 1.6));
        p.drawText(QRectF(3, 5, 8, 14), Qt::AlignCenter, QStringLiteral("A"));
        p.drawText(QRectF(13, 5, 8, 14), Qt::AlignCenter, QStringLiteral("B"));
        break;
    case Icon::Presenter:
        p.setPen(ink);
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(3, 4, 18, 12), 1.5, 1.5);
        p.drawLine(QPointF(12, 16), QPointF(12, 20));
        p.drawLine(QPointF(8, 20), QPointF(16, 20));
        p.setPen(QPen(Blue, 2.0, Qt::SolidLine, Qt::RoundCap));
        p.drawPolyline(QPolygonF({ QPointF(6, 13), QPointF(10, 9), QPointF(13, 11), QPointF(18, 7) }));
        break;
    case Icon::Live:
        p.setPen(Qt::NoPen);
        p.setBrush(Red);
        p.drawEllipse(QPointF(12, 12), 4, 4);
        p.setPen(QPen(Red, 1.6, Qt::SolidLine, Qt::RoundCap));
        p.setBrush(Qt::NoBrush);
        p.drawArc(QRectF(4, 4, 16, 16), 35 * 16, 110 * 16);
        p.drawArc(QRectF(4, 4, 16, 16), 215 * 16, 110 * 16);
        break;
    case Icon::Replay: {
        p.setPen(QPen(Ink, 1.8, Qt::SolidLine, Qt::RoundCap));
        p.setBrush(Qt::NoBrush);
        p.drawArc(QRectF(4, 4, 16, 16), 100 * 16, 300 * 16);
        QPainterPath head;
        head.moveTo(9.5, 1.5);
        head.lineTo(12.5, 4.2);
        head.lineTo(9.2, 6.8);
        p.drawPath(head);
        QPainterPath tri;
        tri.moveTo(10, 9);
        tri.lineTo(15.5, 12);
        tri.lineTo(10, 15);
        tri.closeSubpath();
        p.setPen(Qt::NoPen);
        p.setBrush(Green);
        p.drawPath(tri);
        break;
    }
    case Icon::Outage:
        p.setPen(Qt::NoPen);
        p.setBrush(Red);
        p.drawEllipse(QRectF(3, 3, 18, 18));
        p.setPen(QPen(Qt::white, 2.4, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(8.5, 8.5), QPointF(15.5, 15.5));
        p.drawLine(QPointF(15.5, 8.5), QPointF(8.5, 15.5));
        break;
    case Icon::Recover:
        p.setPen(Qt::NoPen);
        p.setBrush(Green);
        p.drawEllipse(QRectF(3, 3, 18, 18));
        p.setPen(QPen(Qt::white, 2.4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(QPolygonF({ QPointF(7.5, 12.5), QPointF(10.5, 15.5), QPointF(16.5, 8.5) }));
        break;
    case Icon::Add:
    case Icon::Remove:
        p.setPen(QPen(which == Icon::Add ? Green : Red, 2.4, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(6, 12), QPointF(18, 12));
        if (which == Icon::Add)
            p.drawLine(QPointF(12, 6), QPointF(12, 18));
        break;
    case Icon::Demo:
        p.setPen(QPen(Amber.darker(120), 1.2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Amber);
        {
            QPainterPath star;
            for (int i = 0; i < 10; ++i) {
                const double r = i % 2 == 0 ? 9.0 : 4.0;
                const double a = (-90.0 + i * 36.0) * 3.14159265358979 / 180.0;
                const QPointF pt(12 + r * std::cos(a), 12.5 + r * std::sin(a));
                if (i == 0)
                    star.moveTo(pt);
                else
                    star.lineTo(pt);
            }
            star.closeSubpath();
            p.drawPath(star);
        }
        break;
    }
}

QPixmap render(Icon which, int size, bool disabled)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.scale(size / 24.0, size / 24.0);
    if (disabled)
        p.setOpacity(0.35);
    paint(p, which);
    return pixmap;
}

} // namespace

QIcon icon(Icon which)
{
    static QHash<int, QIcon> cache;
    const auto found = cache.constFind(int(which));
    if (found != cache.constEnd())
        return *found;
    QIcon result;
    if (which == Icon::App) {
        // The application icon is the installed one (resources/icons), so window, menus and desktop agree.
        for (int size : { 16, 22, 24, 32, 48, 64, 128, 256 })
            result.addFile(QStringLiteral(":/icons/hicolor/%1x%1/apps/resilience-workbench.png").arg(size));
        cache.insert(int(which), result);
        return result;
    }
    for (int size : { 16, 22, 24, 32, 48, 64, 128 }) {
        result.addPixmap(render(which, size, false), QIcon::Normal);
        result.addPixmap(render(which, size, true), QIcon::Disabled);
    }
    cache.insert(int(which), result);
    return result;
}

} // namespace rwb::icons
