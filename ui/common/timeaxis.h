#pragma once

#include "core/common/time.h"

#include <QHash>
#include <QObject>
#include <QString>

namespace rwb {

/// "m:ss.mmm" (or "h:mm:ss.mmm" past an hour) for a run time; charts and tooltips use it.
QString formatRunTime(double seconds);
QString formatRunTime(TimePoint t);
/// A duration for humans: "850 ms", "1.25 s", "2 min 5 s".
QString formatDuration(Duration d);

/// Keeps the time (x) axes of several charts on one range, in seconds since the start of the run.
///
/// Charts report how far their data reaches (extendData); while the user has not zoomed, the shared
/// range follows the data: the whole run, or in follow mode the last `followWindow` seconds (live
/// runs scroll). Zooming or panning any chart sets a manual range on all of them until resetZoom().
/// GUI thread only; does not own the charts.
class TimeAxisSync final : public QObject {
    Q_OBJECT
public:
    explicit TimeAxisSync(QObject* parent = nullptr);

    double rangeMin() const noexcept { return m_min; }
    double rangeMax() const noexcept { return m_max; }
    double dataMax() const noexcept { return m_dataMax; }
    bool isManual() const noexcept { return m_manual; }

    bool followMode() const noexcept { return m_follow; }
    void setFollowMode(bool follow);
    double followWindow() const noexcept { return m_followWindow; }
    void setFollowWindow(double seconds);

    /// Data now reaches `seconds`; grows the automatic range.
    void extendData(double seconds);
    /// The data of `source` (a chart) ends at `seconds`; may shrink. The range follows the longest
    /// source, so one chart starting a new run does not cut the others short, and a user zoom is kept.
    void setDataEnd(const void* source, double seconds);
    void forgetSource(const void* source);
    /// Forgets every data extent (a new session) and leaves manual mode.
    void resetData();
    /// A user zoom or pan: every chart shows [min, max] until resetZoom().
    void setManualRange(double min, double max);
    /// Back to the automatic range (whole run, or the follow window).
    void resetZoom();
    /// Between beginBatch() and endBatch() (nestable) range changes are collected and told once at
    /// the end, and not at all when the range ends where it began: every range change makes each
    /// chart lay out all its series again (tens of ms), and a new run resets and regrows every extent.
    void beginBatch();
    void endBatch();

signals:
    void rangeChanged(double min, double max);

private:
    void applyAutomatic();
    void recomputeDataMax();
    void setRange(double min, double max);

    double m_min = 0.0;
    double m_max = 60.0;
    double m_dataMax = 0.0;
    QHash<const void*, double> m_extents; // nullptr: extendData() without a source
    double m_followWindow = 120.0;
    bool m_follow = false;
    bool m_manual = false;
    int m_batch = 0;
    bool m_pending = false;
    double m_batchMin = 0.0;
    double m_batchMax = 0.0;
};

} // namespace rwb
