#include "ui/livecontroller.h"

#include "core/clock/systemclock.h"
#include "core/common/configerror.h"
#include "core/config/scenariojson.h"
#include "core/live/liverunner.h"
#include "core/live/mockhttpserver.h"
#include "ui/eventbridge.h"

#include <QCoreApplication>
#include <QThread>

#include <map>
#include <memory>
#include <vector>

namespace rwb {

/// Owns the mock servers and the runner; lives on the live thread. Only its slots are called from
/// the GUI thread, through queued invocations.
class LiveWorker final : public QObject {
    Q_OBJECT
public:
    LiveWorker(Scenario scenario, EventSink* sink)
        : m_scenario(std::move(scenario))
        , m_sink(sink)
    {
    }

    /// Runs on the live thread. Returns an error message, empty on success.
    QString start()
    {
        LiveRunOptions options;
        options.sink = m_sink;
        options.clock = &m_clock;
        for (const ServiceSpec& service : m_scenario.services) {
            MockServiceOptions serviceOptions;
            serviceOptions.name = service.name;
            auto server = std::make_unique<MockHttpServer>(service.faults, serviceOptions, &m_clock);
            server->setEventSink(m_sink);
            QString error;
            if (!server->listen(&error))
                return QCoreApplication::translate("rwb::LiveController", "mock service %1 cannot listen: %2")
                    .arg(service.name, error);
            options.serviceUrls[service.name] = server->url();
            m_servers[service.name] = std::move(server);
        }
        try {
            m_runner = std::make_unique<LiveRunner>(m_scenario, options);
        } catch (const InvalidConfig& e) {
            return e.errors().empty() ? QString::fromLocal8Bit(e.what()) : e.errors().front().toString();
        }
        connect(m_runner.get(), &LiveRunner::finished, this, [this] { emit finished(m_runner->result()); });
        const TimePoint origin = m_clock.now();
        for (auto& [name, server] : m_servers)
            server->start(origin);
        m_runner->start();
        return {};
    }

    void stop()
    {
        if (m_runner && m_runner->isRunning())
            m_runner->stop();
    }

    void setOutage(const QString& service, bool down)
    {
        const auto it = m_servers.find(service);
        if (it == m_servers.end())
            return;
        if (down) {
            FaultProfile profile = it->second->currentProfile();
            profile.errorRate = 1.0;
            profile.errorMix = ErrorMix {};
            profile.errorMix.http500 = 0.0;
            profile.errorMix.http503 = 1.0;
            it->second->setFaultOverride(profile, QStringLiteral("outage now"));
        } else {
            it->second->clearFaultOverride();
        }
    }

signals:
    void finished(const rwb::SimulationResult& result);

private:
    Scenario m_scenario;
    EventSink* m_sink;
    SystemClock m_clock;
    std::map<QString, std::unique_ptr<MockHttpServer>> m_servers;
    std::unique_ptr<LiveRunner> m_runner;
};

LiveController::LiveController(QObject* parent)
    : QObject(parent)
    , m_bridge(new EventBridge(this))
{
    qRegisterMetaType<rwb::SimulationResult>();
    connect(m_bridge, &EventBridge::eventsReady, this, &LiveController::eventsReady);
}

LiveController::~LiveController()
{
    shutdownWorker();
}

bool LiveController::start(const QJsonObject& scenario, QString* error)
{
    shutdownWorker();
    const ScenarioLoad load = scenariojson::fromJson(scenario);
    if (!load.ok()) {
        if (error)
            *error = load.errors.empty() ? tr("the scenario does not load") : load.errors.front().toString();
        return false;
    }
    m_bridge->reset();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("live"));
    m_worker = new LiveWorker(*load.scenario, m_bridge);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &LiveWorker::finished, this, [this](const SimulationResult& result) {
        m_bridge->flush();
        m_running = false;
        emit finished(result);
    });
    m_thread->start();

    // Listening and starting happen on the live thread; wait for the answer (milliseconds).
    QString message;
    QMetaObject::invokeMethod(
        m_worker, [this, &message] { message = m_worker->start(); }, Qt::BlockingQueuedConnection);
    if (!message.isEmpty()) {
        shutdownWorker();
        if (error)
            *error = message;
        emit failed(message);
        return false;
    }
    m_running = true;
    emit started();
    return true;
}

void LiveController::stop()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &LiveWorker::stop, Qt::QueuedConnection);
}

void LiveController::setOutage(const QString& service, bool down)
{
    if (!m_worker)
        return;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, service, down] { worker->setOutage(service, down); }, Qt::QueuedConnection);
}

void LiveController::shutdownWorker()
{
    if (!m_thread)
        return;
    if (m_worker) {
        // Servers and runner must be destroyed on their own thread.
        QMetaObject::invokeMethod(
            m_worker,
            [worker = m_worker] {
                worker->stop();
                delete worker;
            },
            Qt::BlockingQueuedConnection);
        m_worker = nullptr;
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_running = false;
}

} // namespace rwb

#include "livecontroller.moc"
