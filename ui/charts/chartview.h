#pragma once

#include "ui/common/timeaxis.h"

#include <QChartView>
#include <QColor>
#include <QElapsedTimer>
#include <QImage>
#include <QPointer>

#include <utility>
#include <vector>

class QAbstractAxis;
class QAbstractSeries;
class QCategoryAxis;
class QLegendMarker;
class QLineSeries;
class QRubberBand;
class QTimer;
class QValueAxis;
class QXYSeries;

namespace rwb {

/// Colours shared by every chart and tile so a state or a metric looks the same everywhere.
namespace chartcolors {
QColor closed();   ///< breaker CLOSED: green
QColor halfOpen(); ///< breaker HALF_OPEN: amber
QColor open();     ///< breaker OPEN: red
QColor series(int index); ///< a qualitative palette for unrelated series
} // namespace chartcolors

/// A round marker image for QXYSeries::setLightMarker(), drawn at twice `size` so it stays smooth when
/// Qt scales it (and on high-DPI screens): `fill` inside a `rim` rimWidth x the image side wide. Light
/// markers are painted by their series in one pass; Qt's default markers are one graphics item each,
/// ~30 ms per thousand points on every refresh.
QImage roundMarkerImage(qreal size, const QBrush& fill, const QColor& rim, qreal rimWidth);

/// Sets `axis`'s categories (label at its end value) unless it already has exactly these: each change
/// makes Qt lay the chart out again.
void setAxisCategories(QCategoryAxis* axis, double start, const QList<QPair<double, QString>>& labels);

/// Base of every workbench chart: a QChartView with a time axis in seconds since the start of the
/// run (bottom, labelled m:ss) and a value axis (left), plus the interactions users expect:
/// - click a legend entry to hide/show its series; hover a series for a tooltip;
/// - wheel zooms time around the cursor, drag pans, Shift+drag zooms to a rubber band,
///   double-click / Home / the context menu reset the zoom; the time range is shared through a
///   TimeAxisSync so every chart attached to the same sync shows the same time window;
/// - exportPng() (atomic, QSaveFile), presenter mode (larger fonts and lines);
/// - redraws are coalesced: subclasses call scheduleRefresh() whenever data changes and
///   refreshSeries() runs at most maxRefreshRate() times a second, pushing data into the series
///   with QXYSeries::replace(). Refreshes of several charts that fall due together run one per
///   event-loop pass, so the GUI thread turns (input, paints) between them.
/// GUI thread only. The view owns its chart and series; it does not own a sync set with
/// setTimeAxisSync().
class ChartView : public QChartView {
    Q_OBJECT
public:
    explicit ChartView(QWidget* parent = nullptr);
    ~ChartView() override;

    /// Shares the time range with other charts. nullptr returns to a private sync.
    void setTimeAxisSync(TimeAxisSync* sync);
    TimeAxisSync* timeAxisSync() const noexcept { return m_sync; }

    QCategoryAxis* timeAxis() const noexcept { return m_timeAxis; }
    /// The value axis (a QCategoryAxis whose labels the view computes, so it can also show decades).
    QValueAxis* valueAxis() const noexcept;

    /// Linear or logarithmic value axis; Auto switches to log when the data spans more than ~2 decades
    /// (a few 30 s Retry-After waits would otherwise flatten every 100 ms point).
    enum class ValueScale { Linear, Log, Auto };
    void setValueScale(ValueScale scale);
    ValueScale valueScale() const noexcept { return m_scale; }
    bool isLogScale() const noexcept { return m_logActive; }

    void setPresenterMode(bool on);
    bool presenterMode() const noexcept { return m_presenter; }

    /// Upper bound for refreshes per second (default 30).
    void setMaxRefreshRate(int perSecond);
    int maxRefreshRate() const noexcept { return m_maxRate; }
    /// How many times refreshSeries() ran (diagnostics and tests).
    int refreshCount() const noexcept { return m_refreshCount; }
    /// Data changed since the last refresh: the series do not show it yet (refreshed() follows).
    bool isRefreshPending() const noexcept { return m_dirty; }
    /// Runs a pending refresh now (export, tests).
    void flushRefresh();

    /// Renders the view into a PNG at `path`, written atomically. Returns false with a message.
    bool exportPng(const QString& path, QString* error = nullptr);
    /// The view as an image (what exportPng() writes).
    QImage renderImage();

    /// Draws a vertical cursor at `seconds` ("show in chart") and brings it into view.
    void markTime(double seconds);
    void clearTimeMark();

public slots:
    void resetZoom();

signals:
    /// A plain click (no drag) on the plot at this run time; MainWindow can move the log panel there.
    void timeClicked(double seconds);
    /// The series now show the data (refreshSeries() ran); the view repaints on the next paint.
    void refreshed();

protected:
    /// Pushes the current data into the series. Called by the refresh throttle.
    virtual void refreshSeries() = 0;
    /// Tooltip for a hovered point (value coordinates). Default: series name, time, nearest y.
    virtual QString tooltipFor(QAbstractSeries* series, const QPointF& value) const;
    /// Legend click. Default toggles the series' visibility and dims its legend entry.
    virtual void toggleSeries(QAbstractSeries* series);
    /// Presenter mode changed: subclasses re-apply pen widths (lineWidth() already reflects it).
    virtual void applyStyle() { }

    /// Adds a series, attaches the time axis and `yAxis` (default: valueAxis()), wires hover and legend
    /// clicks. `inLegend` false hides its legend entry.
    void addChartSeries(QAbstractSeries* series, bool inLegend = true, QAbstractAxis* yAxis = nullptr);
    void scheduleRefresh();
    /// Data now reaches `seconds` (grows the shared automatic time range).
    void extendTime(double seconds);
    /// This chart has no data any more (a new run starts); a zoom the user chose is kept.
    void resetTime();
    /// Visible time range.
    double visibleMin() const;
    double visibleMax() const;
    /// Plot width in pixels (decimation budget).
    int plotColumns() const;
    int plotRows() const;
    /// Pen width for data lines: 2 px, 4 px in presenter mode.
    qreal lineWidth() const noexcept { return m_presenter ? 4.0 : 2.0; }
    /// Sets the value axis to [0, a nice number >= max].
    void setValueMax(double max);
    /// Like setValueMax, for charts that may use the log scale: `low` is a low positive value of the
    /// data (a small percentile: the log axis floor), `typical` its median. Auto picks the log scale
    /// when max is more than ~20x the typical value (outliers would flatten everything else).
    void setValueRange(double low, double max, double typical);
    /// Small percentile and median of the positive values, for setValueRange().
    static std::pair<double, double> lowAndTypical(std::vector<double> positives);
    /// Data value -> axis coordinate (log10 on the log scale, values below the axis floor clamped).
    double toAxis(double value) const;
    /// Axis coordinate -> data value.
    double fromAxis(double coordinate) const;
    /// Title of the value axis, whichever scale is active.
    void setValueTitle(const QString& title);
    /// Dims or restores the legend entry of `series` after a visibility change.
    void updateLegendMarker(QAbstractSeries* series);
    /// The legend label of `series` when the full names do not fit the chart's width ("attempts"
    /// for "attempts to service"); the full name stays in the tooltip.
    void setShortLegendName(QAbstractSeries* series, const QString& shortName);
    /// Chooses full or short legend labels for the current width.
    void fitLegendLabels();

    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void applyRange(double min, double max);
    void styleLegendMarker(QAbstractSeries* series);
    void setValueLabels(const QList<QPair<double, QString>>& labels);
    void updateTimeLabels(double min, double max);
    void applyFonts();
    void onHovered(QAbstractSeries* series, const QPointF& point, bool state);
    void updateTimeMark();
    double xAtPixel(double px) const;

    QPointer<TimeAxisSync> m_sync;
    TimeAxisSync* m_ownSync = nullptr;
    QMetaObject::Connection m_syncConnection;
    QCategoryAxis* m_timeAxis = nullptr;
    QCategoryAxis* m_valueAxis = nullptr;
    ValueScale m_scale = ValueScale::Linear;
    bool m_logActive = false;
    double m_logOffset = 0; // decade at the bottom of the log axis
    QTimer* m_refreshTimer = nullptr;
    QElapsedTimer m_lastRefresh;
    QLineSeries* m_markSeries = nullptr;
    QRubberBand* m_rubberBand = nullptr;
    double m_mark = -1.0;
    double m_timeEnd = 0.0;
    int m_maxRate = 30;
    int m_timeLabelTarget = 0; // tick labels the last updateTimeLabels() aimed at
    int m_refreshCount = 0;
    bool m_presenter = false;
    bool m_dirty = false;
    bool m_panning = false;
    bool m_zooming = false;
    QPoint m_pressPos;
    double m_pressMin = 0.0;
    double m_pressMax = 0.0;
};

} // namespace rwb
