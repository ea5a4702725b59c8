#pragma once

#include "core/live/mockhttpserver.h"
#include "core/run/scenario.h"

#include <QObject>
#include <QSet>

#include <map>
#include <memory>
#include <vector>

namespace rwb {

/// The mock HTTP servers of a scenario's services, one per service, started together on loopback and
/// sharing one clock, so the services' fault schedules count from the same instant. GET /metrics of
/// any of them reports all of them. Lives on one thread; not thread-safe. The clock, when given, is
/// not owned and must outlive the group.
///
/// Connections are budgeted across the services below the process's descriptor limit: each server's
/// maxConnections is at most its share of the budget, so a flood on one service leaves descriptors
/// for the others, for their control endpoints and for files.
class MockServiceGroup final : public QObject {
    Q_OBJECT
public:
    /// Descriptors kept out of the connection budget: files, logs, the event loop, refused connections.
    static constexpr int kReservedDescriptors = 64;

    explicit MockServiceGroup(const Clock* clock = nullptr, QObject* parent = nullptr);
    ~MockServiceGroup() override;

    /// Descriptors the servers may use for client connections together. Default (0): the process's soft
    /// limit minus kReservedDescriptors. A caller whose clients run in the same process (`rwb live`)
    /// gives half of that, since each such connection costs two descriptors.
    void setDescriptorBudget(int descriptors) { m_descriptorBudget = descriptors; }
    /// The per-service connection cap start() applies for `services` services.
    int connectionsPerService(int services) const;

    /// Starts a server for every service of `scenario` not named in `skip`. `ports` maps service names to
    /// fixed ports (others get ephemeral ports); `defaults` applies to every server (its name and seed
    /// are set per service, its maxConnections is capped by connectionsPerService()). On failure nothing
    /// stays listening and `error` says which service failed.
    bool start(const Scenario& scenario, const std::map<QString, quint16>& ports, QString* error,
        MockServiceOptions defaults = {}, const QSet<QString>& skip = {});
    /// Restarts every fault schedule at `origin` (on the shared clock), e.g. the start of a live run.
    void startSchedules(TimePoint origin);
    void close();

    const std::vector<std::unique_ptr<MockHttpServer>>& servers() const noexcept { return m_servers; }
    MockHttpServer* server(const QString& service) const;
    std::map<QString, QUrl> urls() const;
    void setEventSink(EventSink* sink);
    /// Extra Prometheus text appended to GET /metrics of every server (e.g. a LiveRunner's metrics).
    void setMetricsProvider(const std::function<QByteArray()>& provider);
    /// Every server answers /_control/breaker through `control` (a live run's breakers).
    void setBreakerControl(const MockHttpServer::BreakerControl& control);

private:
    const Clock* m_clock;
    std::unique_ptr<Clock> m_ownClock;
    int m_descriptorBudget = 0;
    std::vector<std::unique_ptr<MockHttpServer>> m_servers;
};

} // namespace rwb
