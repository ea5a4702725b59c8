#include "core/live/mockservicegroup.h"

#include "core/clock/systemclock.h"
#include "core/live/descriptorlimit.h"

namespace rwb {

MockServiceGroup::MockServiceGroup(const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
{
    if (!m_clock) {
        m_ownClock = std::make_unique<SystemClock>();
        m_clock = m_ownClock.get();
    }
}

MockServiceGroup::~MockServiceGroup()
{
    close();
}

int MockServiceGroup::connectionsPerService(int services) const
{
    const int budget
        = m_descriptorBudget > 0 ? m_descriptorBudget : descriptors::softLimit() - kReservedDescriptors;
    return std::max(1, budget / std::max(1, services));
}

bool MockServiceGroup::start(const Scenario& scenario, const std::map<QString, quint16>& ports, QString* error,
    MockServiceOptions defaults, const QSet<QString>& skip)
{
    close();
    m_servers.clear();
    int served = 0;
    for (const ServiceSpec& spec : scenario.services)
        served += skip.contains(spec.name) ? 0 : 1;
    defaults.maxConnections = std::min(defaults.maxConnections, connectionsPerService(served));
    for (std::size_t i = 0; i < scenario.services.size(); ++i) {
        const ServiceSpec& spec = scenario.services[i];
        if (skip.contains(spec.name))
            continue;
        MockServiceOptions options = defaults;
        options.name = spec.name;
        const auto port = ports.find(spec.name);
        options.port = port == ports.end() ? 0 : port->second;
        // One independent, reproducible random stream per service.
        options.seed = scenario.seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
        auto server = std::make_unique<MockHttpServer>(spec.faults, options, m_clock);
        if (!server->listen(error)) {
            m_servers.clear();
            return false;
        }
        m_servers.push_back(std::move(server));
    }
    std::vector<const MockHttpServer*> group;
    for (const auto& s : m_servers)
        group.push_back(s.get());
    for (const auto& s : m_servers)
        s->setMetricsGroup(group);
    return true;
}

void MockServiceGroup::startSchedules(TimePoint origin)
{
    for (const auto& s : m_servers)
        s->start(origin);
}

void MockServiceGroup::close()
{
    for (const auto& s : m_servers)
        s->close();
}

MockHttpServer* MockServiceGroup::server(const QString& service) const
{
    for (const auto& s : m_servers)
        if (s->name() == service)
            return s.get();
    return nullptr;
}

std::map<QString, QUrl> MockServiceGroup::urls() const
{
    std::map<QString, QUrl> out;
    for (const auto& s : m_servers)
        out[s->name()] = s->url();
    return out;
}

void MockServiceGroup::setEventSink(EventSink* sink)
{
    for (const auto& s : m_servers)
        s->setEventSink(sink);
}

void MockServiceGroup::setMetricsProvider(const std::function<QByteArray()>& provider)
{
    for (const auto& s : m_servers)
        s->setMetricsProvider(provider);
}

void MockServiceGroup::setBreakerControl(const MockHttpServer::BreakerControl& control)
{
    for (const auto& s : m_servers)
        s->setBreakerControl(control);
}

} // namespace rwb
