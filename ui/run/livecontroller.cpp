#include "ui/run/livecontroller.h"

#include "core/clock/systemclock.h"
#include "core/common/configerror.h"
#include "core/config/scenariojson.h"
#include "core/live/liverunner.h"
#include "core/live/mockhttpserver.h"
#include "core/log/jsonlwriter.h"
#include "ui/run/eventbridge.h"

#include <QCoreApplication>
#include <QFileInfo>
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
    LiveWorker(Scenario scenario, EventSink* sink, QString recordDirectory)
        : m_scenario(std::move(scenario))
        , m_recordDirectory(std::move(recordDirectory))
    {
        m_sink.add(sink);
    }

    /// Runs on the live thread. Returns an error message, empty on success.
    QString start()
    {
        if (!m_recordDirectory.isEmpty()) {
            // the engine's writer, on the run's own clock: daily files, run_started at time zero
            JsonlWriter::Options writerOptions;
            writerOptions.directory = m_recordDirectory;
            writerOptions.name = recordingName(m_scenario.name, m_recordDirectory, m_clock.originUtcMs());
            writerOptions.flush = JsonlWriter::FlushPolicy::Batched;
            m_writer = std::make_unique<JsonlWriter>(m_clock, writerOptions);
            m_writer->runStarted(m_scenario.name, m_scenario.seed);
            if (!m_writer->lastError().isEmpty())
                return QCoreApplication::translate("rwb::LiveController", "cannot record to %1: %2")
                    .arg(m_recordDirectory, m_writer->lastError());
            m_sink.add(m_writer.get());
        }
        LiveRunOptions options;
        options.sink = &m_sink;
        options.clock = &m_clock;
        for (const ServiceSpec& service : m_scenario.services) {
            MockServiceOptions serviceOptions;
            serviceOptions.name = service.name;
            auto server = std::make_unique<MockHttpServer>(service.faults, serviceOptions, &m_clock);
            server->setEventSink(&m_sink);
            QString error;
            if (!server->listen(&error))
                return QCoreApplication::translate("rwb::LiveController", "mock service %1 cannot listen: %2")
                    .arg(service.name, error);
            options.serviceUrls[service.name] = server->url();
            m_urls[service.name] = server->url().toString();
            m_servers[service.name] = std::move(server);
        }
        try {
            m_runner = std::make_unique<LiveRunner>(m_scenario, options);
        } catch (const InvalidConfig& e) {
            return e.errors().empty() ? QString::fromLocal8Bit(e.what()) : e.errors().front().toString();
        }
        // the mocks answer /_control/breaker with this run's breakers, as under `rwb live`
        for (auto& [name, server] : m_servers)
            server->setBreakerControl([runner = m_runner.get()](const QByteArray& method, const QByteArray& body) {
                return runner->breakerControl(method, body);
            });
        connect(m_runner.get(), &LiveRunner::finished, this, [this] {
            QString recorded;
            if (m_writer) {
                m_writer->flush();
                recorded = m_writer->currentPath();
            }
            emit finished(m_runner->result(), recorded);
        });
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

    void applyBreakerAction(const QString& circuit, const BreakerAction& action)
    {
        if (m_runner && m_runner->isRunning())
            m_runner->applyBreakerAction(circuit, action);
    }

    const std::map<QString, QString>& urls() const { return m_urls; }

signals:
    void finished(const rwb::RunResult& result, const QString& recording);

private:
    Scenario m_scenario;
    QString m_recordDirectory;
    FanOutSink m_sink;
    SystemClock m_clock;
    std::unique_ptr<JsonlWriter> m_writer; // declared after the clock it reads
    std::map<QString, QString> m_urls;
    std::map<QString, std::unique_ptr<MockHttpServer>> m_servers;
    std::unique_ptr<LiveRunner> m_runner;
};

LiveController::LiveController(QObject* parent)
    : QObject(parent)
    , m_bridge(new EventBridge(this))
{
    qRegisterMetaType<rwb::RunResult>();
    connect(m_bridge, &EventBridge::eventsReady, this, &LiveController::eventsReady);
}

LiveController::~LiveController()
{
    shutdownWorker();
}

QString recordingName(const QString& scenario, const QString& directory, qint64 startUtcMs)
{
    QString name;
    for (const QChar c : scenario.toLower())
        name += c.isLetterOrNumber() ? c : QLatin1Char('-');
    while (name.contains(QStringLiteral("--")))
        name.replace(QStringLiteral("--"), QStringLiteral("-"));
    name = name.section(QLatin1Char('-'), 0, -1, QString::SectionSkipEmpty);
    if (name.isEmpty())
        name = QStringLiteral("run");
    if (directory.isEmpty())
        return name;
    QString unique = name;
    for (int n = 2; QFileInfo::exists(JsonlWriter::pathFor(directory, unique, startUtcMs)); ++n)
        unique = name + QStringLiteral("-%1").arg(n);
    return unique;
}

bool LiveController::start(const QJsonObject& scenario, QString* error, const QString& recordDirectory)
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
    m_worker = new LiveWorker(*load.scenario, m_bridge, recordDirectory);
    m_urls.clear();
    m_recording.clear();
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &LiveWorker::finished, this, [this](const RunResult& result, const QString& recording) {
        m_bridge->flush();
        m_running = false;
        m_recording = recording;
        emit finished(result);
    });
    m_thread->start();

    // Listening and starting happen on the live thread; wait for the answer (milliseconds).
    QString message;
    std::map<QString, QString> urls;
    QMetaObject::invokeMethod(
        m_worker,
        [this, &message, &urls] {
            message = m_worker->start();
            urls = m_worker->urls();
        },
        Qt::BlockingQueuedConnection);
    for (const auto& [service, url] : urls)
        m_urls.insert(service, url);
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

void LiveController::applyBreakerAction(const QString& circuit, const BreakerAction& action)
{
    if (!m_worker)
        return;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, circuit, action] { worker->applyBreakerAction(circuit, action); },
        Qt::QueuedConnection);
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
