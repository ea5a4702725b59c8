#include "ui/charts/circuittile.h"

#include "core/policy/circuitbreaker.h"
#include "ui/charts/chartview.h"
#include "ui/common/timeaxis.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {

QString compact(std::uint64_t n)
{
    if (n >= 10'000'000)
        return QStringLiteral("%1M").arg(double(n) / 1e6, 0, 'f', 0);
    if (n >= 100'000)
        return QStringLiteral("%1k").arg(double(n) / 1e3, 0, 'f', 0);
    if (n >= 10'000)
        return QStringLiteral("%1k").arg(double(n) / 1e3, 0, 'f', 1);
    return QString::number(n);
}

/// The first text that fits `width`, else the last one elided (presenter fonts on a narrow dock).
QString firstThatFits(const QFontMetricsF& fm, qreal width, const QStringList& candidates)
{
    for (const QString& text : candidates)
        if (fm.horizontalAdvance(text) <= width)
            return text;
    return fm.elidedText(candidates.last(), Qt::ElideRight, width);
}

QString ms(double v)
{
    if (v >= 10000)
        return QStringLiteral("%1 s").arg(v / 1000, 0, 'f', 1);
    if (v >= 100)
        return QStringLiteral("%1").arg(std::llround(v));
    return QString::number(v, 'g', 3);
}

// Hystrix-style health colour: green when healthy, through amber, to red at >= 50 % failures.
QColor healthColor(double failureRate)
{
    const double t = std::clamp(failureRate / 0.5, 0.0, 1.0);
    const QColor a = chartcolors::closed();
    const QColor b = chartcolors::halfOpen();
    const QColor c = chartcolors::open();
    const auto mix = [](const QColor& x, const QColor& y, double f) {
        return QColor::fromRgbF(float(x.redF() + (y.redF() - x.redF()) * f), float(x.greenF() + (y.greenF() - x.greenF()) * f),
            float(x.blueF() + (y.blueF() - x.blueF()) * f));
    };
    return t < 0.5 ? mix(a, b, t * 2) : mix(b, c, (t - 0.5) * 2);
}

} // namespace

CircuitTile::CircuitTile(QWidget* parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    updateToolTip();
}

QColor CircuitTile::stateColor(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed:
        return chartcolors::closed();
    case BreakerState::HalfOpen:
        return chartcolors::halfOpen();
    case BreakerState::Open:
        return chartcolors::open();
    }
    return chartcolors::closed();
}

void CircuitTile::setData(const CircuitTileData& data)
{
    if (data == m_data)
        return;
    m_data = data;
    updateToolTip();
    update();
}

void CircuitTile::applyStats(const CircuitBreakerStats& stats)
{
    CircuitTileData d = m_data;
    if (d.name.isEmpty())
        d.name = stats.name;
    d.hasBreaker = true;
    d.state = stats.state;
    d.failureRate = stats.failureRate;
    d.timeUntilHalfOpen = stats.state == BreakerState::Open ? std::optional<Duration>(stats.timeUntilHalfOpen) : std::nullopt;
    setData(d);
}

void CircuitTile::setPresenterMode(bool on)
{
    m_presenter = on;
    updateGeometry();
    update();
}

QSize CircuitTile::sizeHint() const { return m_presenter ? QSize(400, 262) : QSize(268, 172); }
QSize CircuitTile::minimumSizeHint() const { return m_presenter ? QSize(260, 262) : QSize(230, 172); }

void CircuitTile::updateToolTip()
{
    QString tip = QStringLiteral("<b>%1</b> — %2").arg(m_data.name.toHtmlEscaped(),
        m_data.hasBreaker ? toString(m_data.state) : tr("no circuit breaker"));
    tip += tr("<br>failure rate %1 % (%2): requests the service did not answer")
               .arg(m_data.failureRate * 100, 0, 'f', 1)
               .arg(m_data.windowLabel.toHtmlEscaped());
    tip += tr("<br>success %1 · failure %2 · timeout %3 · short-circuited %4 · fallback %5")
               .arg(m_data.successes)
               .arg(m_data.failures)
               .arg(m_data.timeouts)
               .arg(m_data.shortCircuited)
               .arg(m_data.fallbacks);
    tip += tr("<br>latency p50 %1 ms · p95 %2 ms · p99 %3 ms").arg(ms(m_data.p50Ms), ms(m_data.p95Ms), ms(m_data.p99Ms));
    if (m_data.pipelines.size() > 1 || (m_data.pipelines.size() == 1 && m_data.pipelines.front() != m_data.name))
        tip += tr("<br>counts the calls of %1").arg(m_data.pipelines.join(QStringLiteral(", ")).toHtmlEscaped());
    if (m_data.timeUntilHalfOpen)
        tip += tr("<br>half-open in %1").arg(formatDuration(*m_data.timeUntilHalfOpen));
    setToolTip(tip);
}

void CircuitTile::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = m_presenter ? 1.5 : 1.0;
    const QRectF r = QRectF(rect()).adjusted(2, 2, -2, -2);
    const QColor stateCol = m_data.hasBreaker ? stateColor(m_data.state) : QColor(0x9a, 0xa0, 0xa8);
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 110;
    const QColor card = dark ? pal.color(QPalette::Base).lighter(115) : QColor(0xff, 0xff, 0xff);
    const QColor text = pal.color(QPalette::Text);
    QColor muted = text;
    muted.setAlphaF(0.6f);

    // card with a state-coloured top strip
    QPainterPath path;
    path.addRoundedRect(r, 6, 6);
    p.fillPath(path, card);
    p.setPen(QPen(dark ? QColor(0x55, 0x55, 0x55) : QColor(0xd8, 0xdb, 0xe0), 1));
    p.drawPath(path);
    p.save();
    p.setClipPath(path);
    p.fillRect(QRectF(r.left(), r.top(), r.width(), 4 * s), stateCol);
    p.restore();

    QFont base = font();
    const qreal pt = std::max<qreal>(8.0, base.pointSizeF()) * s;
    QFont title = base;
    title.setPointSizeF(pt * 1.1);
    title.setBold(true);
    QFont small = base;
    small.setPointSizeF(pt * 0.85);
    QFont big = base;
    big.setPointSizeF(pt * 1.9);
    big.setBold(true);

    const qreal pad = 10 * s;
    qreal y = r.top() + 8 * s;

    // header: name and state pill (a pipeline without a breaker has no state: a plain note instead)
    p.setFont(small);
    const QString stateText = m_data.hasBreaker ? toString(m_data.state) : tr("no breaker");
    const QFontMetricsF smallFm(small);
    const qreal pillW = smallFm.horizontalAdvance(stateText) + 14 * s;
    const qreal pillH = smallFm.height() + 4 * s;
    const QRectF pill(r.right() - pad - pillW, y + 2 * s, pillW, pillH);
    if (m_data.hasBreaker) {
        p.setPen(Qt::NoPen);
        p.setBrush(stateCol);
        p.drawRoundedRect(pill, pillH / 2, pillH / 2);
        p.setPen(m_data.state == BreakerState::HalfOpen ? QColor(0x33, 0x26, 0x00) : QColor(Qt::white));
    } else {
        p.setPen(muted);
    }
    p.drawText(pill, Qt::AlignCenter, stateText);

    p.setFont(title);
    p.setPen(text);
    const QFontMetricsF titleFm(title);
    const QRectF nameRect(r.left() + pad, y, pill.left() - r.left() - 2 * pad, titleFm.height() + 4 * s);
    p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
        titleFm.elidedText(m_data.name, Qt::ElideRight, nameRect.width()));
    y = nameRect.bottom() + 4 * s;

    // counts column metrics first: the columns to its left must leave it room
    QFont countFont = small;
    countFont.setBold(true);
    const QFontMetricsF countFm(countFont);
    const qreal labelW = smallFm.horizontalAdvance(tr("short-circuited")) + 6 * s;
    const qreal valueW = countFm.horizontalAdvance(QStringLiteral("99.9k")) + 4 * s;
    const qreal countsRight = r.right() - pad;
    const qreal countsLeft = countsRight - valueW - labelW;
    const QString sampleRate = QStringLiteral("99.9 %"); // the widest common value

    // health circle: area grows with traffic (log scale), colour with failure rate
    const qreal maxRadius = 24 * s;
    // A narrow tile (a slim dock, presenter fonts) drops the circle and shrinks the big figure
    // instead of drawing it over the counts.
    const bool roomForCircle = r.left() + pad + 2 * maxRadius + 10 * s
            + QFontMetricsF(big).horizontalAdvance(sampleRate) + 8 * s <= countsLeft;
    const qreal radius = m_data.requestRate > 0
        ? std::clamp<qreal>(maxRadius * std::sqrt(std::log10(1 + m_data.requestRate) / 4.0), 6 * s, maxRadius)
        : 5 * s;
    const QPointF centre(r.left() + pad + maxRadius, y + maxRadius + 2 * s);
    QColor health = healthColor(m_data.failureRate);
    QColor fill = health;
    fill.setAlphaF(0.55f);
    if (roomForCircle) {
        p.setPen(QPen(health.darker(120), 1.5 * s));
        p.setBrush(fill);
        p.drawEllipse(centre, radius, radius);
    }

    // failure rate, big
    const qreal colX = roomForCircle ? centre.x() + maxRadius + 10 * s : r.left() + pad;
    const qreal colW = std::max<qreal>(countsLeft - 8 * s - colX, 10);
    while (big.pointSizeF() > pt && QFontMetricsF(big).horizontalAdvance(sampleRate) > colW)
        big.setPointSizeF(big.pointSizeF() - 0.5);
    p.setFont(big);
    p.setPen(m_data.failureRate >= 0.05 ? chartcolors::open() : text);
    const QFontMetricsF bigFm(big);
    const QRectF rateRect(colX, y, colW, bigFm.height());
    p.drawText(rateRect, Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("%1 %").arg(m_data.failureRate * 100, 0, 'f', 1));
    p.setFont(small);
    p.setPen(muted);
    p.drawText(QRectF(colX, rateRect.bottom() - 2 * s, colW, smallFm.height()), Qt::AlignLeft,
        smallFm.elidedText(tr("failure rate"), Qt::ElideRight, colW));
    const QString rate = QStringLiteral("%1/s").arg(
        QString::number(m_data.requestRate, 'f', m_data.requestRate < 10 ? 1 : 0));
    p.drawText(QRectF(colX, rateRect.bottom() - 2 * s + smallFm.height(), colW, smallFm.height()), Qt::AlignLeft,
        firstThatFits(smallFm, colW, {QStringLiteral("%1 · %2").arg(rate, m_data.windowLabel), rate}));

    // counts column (Hystrix order and colours)
    struct Count {
        QString label;
        std::uint64_t value;
        QColor color;
    };
    const Count counts[] = {{tr("success"), m_data.successes, chartcolors::closed()},
        {tr("failure"), m_data.failures, chartcolors::open()},
        {tr("timeout"), m_data.timeouts, QColor(0xd5, 0x5e, 0x00)},
        {tr("short-circuited"), m_data.shortCircuited, QColor(0x8e, 0x44, 0xad)},
        {tr("fallback"), m_data.fallbacks, QColor(0xb0, 0x7a, 0x00)}};
    qreal cy = y + 2 * s;
    for (const Count& c : counts) {
        p.setFont(countFont);
        p.setPen(c.color);
        p.drawText(QRectF(countsRight - valueW, cy, valueW, countFm.height()), Qt::AlignRight | Qt::AlignVCenter, compact(c.value));
        p.setFont(small);
        p.setPen(muted);
        p.drawText(QRectF(countsRight - valueW - labelW, cy, labelW, countFm.height()), Qt::AlignLeft | Qt::AlignVCenter, c.label);
        cy += countFm.height();
    }
    y = std::max(centre.y() + maxRadius, cy) + 6 * s;

    // latency and half-open line
    p.setFont(small);
    p.setPen(text);
    const auto whole = [](double v) { return v >= 10000 ? ms(v) : QString::number(std::llround(v)); };
    const QString latency = firstThatFits(smallFm, r.width() - 2 * pad,
        {tr("p50 %1 · p95 %2 · p99 %3 ms").arg(ms(m_data.p50Ms), ms(m_data.p95Ms), ms(m_data.p99Ms)),
            tr("p50 %1 · p95 %2 · p99 %3").arg(whole(m_data.p50Ms), whole(m_data.p95Ms), whole(m_data.p99Ms)),
            tr("%1 / %2 / %3 ms").arg(whole(m_data.p50Ms), whole(m_data.p95Ms), whole(m_data.p99Ms))});
    p.drawText(QRectF(r.left() + pad, y, r.width() - 2 * pad, smallFm.height()), Qt::AlignLeft | Qt::AlignVCenter,
        latency);
    y += smallFm.height() + 2 * s;
    QString footer;
    if (m_data.hasBreaker && m_data.state == BreakerState::Open && m_data.timeUntilHalfOpen)
        footer = tr("half-open in %1").arg(formatDuration(*m_data.timeUntilHalfOpen));
    else if (m_data.hasBreaker && m_data.state == BreakerState::HalfOpen)
        footer = tr("probing");
    if (!footer.isEmpty()) {
        p.setPen(stateCol.darker(115));
        p.drawText(QRectF(r.left() + pad, y, r.width() - 2 * pad, smallFm.height()), Qt::AlignLeft | Qt::AlignVCenter, footer);
    }

    // a circuit several pipelines share says so, bottom left beside the sparkline (the tooltip names them all)
    if (m_data.pipelines.size() > 1) {
        const qreal w = r.width() * 0.45 - 2 * pad;
        const int n = int(m_data.pipelines.size());
        p.setFont(small);
        p.setPen(muted);
        p.drawText(QRectF(r.left() + pad, r.bottom() - smallFm.height() - 6 * s, w, smallFm.height()),
            Qt::AlignLeft | Qt::AlignVCenter,
            firstThatFits(smallFm, w,
                { tr("shared by %1").arg(m_data.pipelines.join(QStringLiteral(", "))), tr("shared by %n pipelines", nullptr, n),
                    tr("%n pipelines", nullptr, n) }));
    }

    // sparkline of recent traffic along the bottom edge
    if (m_data.sparkline.size() >= 2) {
        const qreal h = 16 * s;
        const QRectF spark(r.left() + r.width() * 0.45, r.bottom() - h - 6 * s, r.width() * 0.55 - pad, h);
        const double maxV = std::max(1.0, *std::max_element(m_data.sparkline.begin(), m_data.sparkline.end()));
        QPainterPath line;
        const auto n = m_data.sparkline.size();
        for (qsizetype i = 0; i < n; ++i) {
            const QPointF pt(spark.left() + spark.width() * double(i) / double(n - 1),
                spark.bottom() - spark.height() * m_data.sparkline[i] / maxV);
            if (i == 0)
                line.moveTo(pt);
            else
                line.lineTo(pt);
        }
        QColor sc = health;
        sc.setAlphaF(0.9f);
        p.setPen(QPen(sc, 1.3 * s));
        p.setBrush(Qt::NoBrush);
        p.drawPath(line);
    }
}

} // namespace rwb
