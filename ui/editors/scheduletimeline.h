#pragma once

#include <QJsonObject>
#include <QWidget>

namespace rwb {

/// A strip showing one service's behaviour over the run: the outage windows (red), a degradation ramp
/// (a band growing from clear to amber), flapping (hatched), and every schedule entry as a marker with
/// its label, on a time scale from 0 to the end of the run. Clicking a marker selects that entry.
/// Painted by hand; GUI thread only.
class ScheduleTimeline final : public QWidget {
    Q_OBJECT
public:
    explicit ScheduleTimeline(QWidget* parent = nullptr);

    /// `service` is the service's JSON object (fault profile and schedule); `duration` the run's, in seconds.
    void setService(const QJsonObject& service, double duration);
    /// The entry selected (highlighted), -1 for none.
    void setSelected(int entry);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    /// x of a time, in widget pixels (tests).
    double xOf(double seconds) const;

signals:
    void entryClicked(int entry);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QJsonObject m_service;
    double m_end = 60;
    int m_selected = -1;
};

} // namespace rwb
