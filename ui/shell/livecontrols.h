#pragma once

#include <QMap>
#include <QWidget>

class QHBoxLayout;
class QLabel;
class QToolButton;

namespace rwb {

/// The bar above the charts in Live mode: for every mock service its address on 127.0.0.1 (so it
/// can be tried with curl while the run goes on) and the live actions *Outage now* / *Recover*,
/// which act on the running service at once and are not edits of the scenario (no undo step, the
/// document stays unchanged). Also says whether the run is being recorded and where.
/// GUI thread only.
class LiveControls final : public QWidget {
    Q_OBJECT
public:
    explicit LiveControls(QWidget* parent = nullptr);

    /// The services of the scenario (before a run: no address yet).
    void setServices(const QStringList& services);
    /// A run started: the services' base URLs by name.
    void setRunning(const QMap<QString, QString>& urls);
    /// The run ended: addresses are gone, outages with it.
    void setStopped();
    void setRecording(const QString& text);

    QString addressOf(const QString& service) const;
    QToolButton* outageButton(const QString& service) const;
    QToolButton* recoverButton(const QString& service) const;

signals:
    /// The user took `service` down (true) or brought it back (false) during the run.
    void outageRequested(const QString& service, bool down);

private:
    struct Row {
        QLabel* address = nullptr;
        QToolButton* outage = nullptr;
        QToolButton* recover = nullptr;
    };
    QHBoxLayout* m_rows;
    QLabel* m_recording;
    QMap<QString, Row> m_services;
    QList<QWidget*> m_widgets;
};

} // namespace rwb
