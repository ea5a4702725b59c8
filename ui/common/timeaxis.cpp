#include "ui/common/timeaxis.h"

#include <algorithm>
#include <cmath>

namespace rwb {

QString formatRunTime(double seconds)
{
    const bool negative = seconds < 0;
    auto ms = static_cast<long long>(std::llround(std::abs(seconds) * 1000.0));
    const long long h = ms / 3'600'000;
    ms %= 3'600'000;
    const long long m = ms / 60'000;
    ms %= 60'000;
    const long long s = ms / 1000;
    ms %= 1000;
    const QChar zero(u'0');
    QString text = h > 0 ? QStringLiteral("%1:%2:%3.%4")
                               .arg(h)
                               .arg(m, 2, 10, zero)
                               .arg(s, 2, 10, zero)
                               .arg(ms, 3, 10, zero)
                         : QStringLiteral("%1:%2.%3").arg(m).arg(s, 2, 10, zero).arg(ms, 3, 10, zero);
    return negative ? QStringLiteral("-") + text : text;
}

QString formatRunTime(TimePoint t) { return formatRunTime(toSeconds(t)); }

QString formatDuration(Duration d)
{
    const double ms = toMs(d);
    if (std::abs(ms) < 1.0)
        return QStringLiteral("%1 ms").arg(ms, 0, 'g', 2);
    if (std::abs(ms) < 1000.0)
        return QStringLiteral("%1 ms").arg(std::llround(ms));
    const double s = ms / 1000.0;
    if (std::abs(s) < 60.0)
        return QStringLiteral("%1 s").arg(s, 0, 'g', 3);
    const auto total = std::llround(s);
    if (total < 3600)
        return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
    return QStringLiteral("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60);
}

TimeAxisSync::TimeAxisSync(QObject* parent)
    : QObject(parent)
{
}

void TimeAxisSync::setFollowMode(bool follow)
{
    if (m_follow == follow)
        return;
    m_follow = follow;
    if (!m_manual)
        applyAutomatic();
}

void TimeAxisSync::setFollowWindow(double seconds)
{
    m_followWindow = std::max(seconds, 1.0);
    if (!m_manual)
        applyAutomatic();
}

void TimeAxisSync::extendData(double seconds)
{
    double& e = m_extents[nullptr];
    if (seconds > e)
        e = seconds;
    recomputeDataMax();
}

void TimeAxisSync::setDataEnd(const void* source, double seconds)
{
    m_extents.insert(source, std::max(seconds, 0.0));
    recomputeDataMax();
}

void TimeAxisSync::forgetSource(const void* source)
{
    m_extents.remove(source);
    recomputeDataMax();
}

void TimeAxisSync::recomputeDataMax()
{
    double max = 0.0;
    for (double e : std::as_const(m_extents))
        max = std::max(max, e);
    if (max == m_dataMax)
        return;
    m_dataMax = max;
    if (!m_manual)
        applyAutomatic();
}

void TimeAxisSync::resetData()
{
    m_extents.clear();
    m_dataMax = 0.0;
    m_manual = false;
    applyAutomatic();
}

void TimeAxisSync::setManualRange(double min, double max)
{
    if (!(max > min))
        return;
    m_manual = true;
    setRange(min, max);
}

void TimeAxisSync::resetZoom()
{
    m_manual = false;
    applyAutomatic();
}

void TimeAxisSync::applyAutomatic()
{
    if (m_follow) {
        const double max = std::max(m_dataMax, m_followWindow);
        setRange(max - m_followWindow, max);
    } else {
        // a little head-room so the last bucket is not glued to the border
        setRange(0.0, m_dataMax > 0 ? m_dataMax : 60.0);
    }
}

void TimeAxisSync::setRange(double min, double max)
{
    if (min == m_min && max == m_max)
        return;
    m_min = min;
    m_max = max;
    if (m_batch > 0) {
        m_pending = true; // told once, at endBatch()
        return;
    }
    emit rangeChanged(min, max);
}

void TimeAxisSync::beginBatch()
{
    if (m_batch++ == 0) {
        m_pending = false;
        m_batchMin = m_min;
        m_batchMax = m_max;
    }
}

void TimeAxisSync::endBatch()
{
    if (m_batch == 0 || --m_batch > 0)
        return;
    // a range that came back to where it was is no change at all
    if (m_pending && (m_min != m_batchMin || m_max != m_batchMax))
        emit rangeChanged(m_min, m_max);
    m_pending = false;
}

} // namespace rwb
