#pragma once

#include "core/events/event.h"
#include "core/policy/circuitbreaker.h"
#include "core/run/runresult.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>

#include <memory>

class QThread;

namespace rwb {

class EventBridge;
class LiveWorker;

/// A file-name-safe form of a scenario name for recordings ("Outage & recovery" -> "outage-recovery"),
/// with "-2", "-3", ... appended when `directory` already holds a recording of that name for the UTC
/// day of `startUtcMs` (the writer would append to it, mixing two runs in one file).
QString recordingName(const QString& scenario, const QString& directory = {}, qint64 startUtcMs = 0);

/// Live mode: runs a scenario in real time against real HTTP mock services on 127.0.0.1. The mock
/// servers and the LiveRunner live on a worker thread of their own, so network handling never
/// stalls the GUI; events reach the GUI thread in batches through an EventBridge (at most 30 a
/// second). Fault controls ("Outage now" / "Recover") act on the running mock service at once.
///
/// Lives on the GUI thread. One run at a time; owns its worker thread.
class LiveController final : public QObject {
    Q_OBJECT
public:
    explicit LiveController(QObject* parent = nullptr);
    ~LiveController() override;

    /// Starts `scenario` (its JSON document; validated by the engine). False with a message when it
    /// does not load or a mock service cannot listen. With `recordDirectory`, the run's events are also
    /// written there by the engine's JsonlWriter (`<scenario>_YYYY-MM-DD.jsonl`, a new file each UTC day).
    bool start(const QJsonObject& scenario, QString* error = nullptr, const QString& recordDirectory = {});
    /// Ends the run now (in-flight calls count as unfinished); finished() follows.
    void stop();
    bool isRunning() const noexcept { return m_running; }
    /// The mock services' base URLs of the current (or last) run ("http://127.0.0.1:41235"), by service.
    QMap<QString, QString> serviceUrls() const { return m_urls; }
    /// The file the last recorded run ended in ("" when it was not recorded).
    QString recordingPath() const { return m_recording; }
    /// Takes `service` down (every request fails with 503) or brings it back to its schedule.
    void setOutage(const QString& service, bool down);
    /// Carries out a manual breaker command on the running run's circuit (a live action, not an edit).
    void applyBreakerAction(const QString& circuit, const BreakerAction& action);
    EventBridge* bridge() const noexcept { return m_bridge; }

signals:
    void started();
    /// Events of the run, in order, batched.
    void eventsReady(const std::vector<rwb::Event>& events);
    /// The run ended; `result` holds its totals and time series.
    void finished(const rwb::RunResult& result);
    void failed(const QString& message);

private:
    void shutdownWorker();

    QThread* m_thread = nullptr;
    LiveWorker* m_worker = nullptr;
    EventBridge* m_bridge;
    QMap<QString, QString> m_urls;
    QString m_recording;
    bool m_running = false;
};

} // namespace rwb
