#include "core/sim/simgroups.h"

#include <map>
#include <numeric>

namespace rwb {

namespace {

class UnionFind {
public:
    explicit UnionFind(std::size_t n)
        : m_parent(n)
    {
        std::iota(m_parent.begin(), m_parent.end(), std::size_t(0));
    }
    std::size_t find(std::size_t i)
    {
        while (m_parent[i] != i)
            i = m_parent[i] = m_parent[m_parent[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b) { m_parent[find(a)] = find(b); }

private:
    std::vector<std::size_t> m_parent;
};

} // namespace

std::vector<SimGroup> independentGroups(const Scenario& scenario)
{
    // Nodes: services first, then pipelines.
    const std::size_t services = scenario.services.size();
    const std::size_t pipelines = scenario.pipelines.size();
    UnionFind links(services + pipelines);
    std::map<QString, std::size_t> budgets;
    std::map<QString, std::size_t> throttles;
    const auto joinByName = [&](std::map<QString, std::size_t>& seen, const QString& name, std::size_t node) {
        if (name.isEmpty())
            return;
        const auto [it, inserted] = seen.emplace(name, node);
        if (!inserted)
            links.join(node, it->second);
    };
    for (std::size_t i = 0; i < pipelines; ++i) {
        const PipelineSpec& p = scenario.pipelines[i];
        const std::size_t node = services + i;
        if (const int service = scenario.serviceIndex(p.service); service >= 0)
            links.join(node, std::size_t(service));
        if (const int owner = scenario.sharedBreakerOwner(int(i)); owner >= 0)
            links.join(node, services + std::size_t(owner));
        if (p.config.retry.budget)
            joinByName(budgets, p.config.retry.budget->name, node);
        if (p.config.retry.throttling)
            joinByName(throttles, p.config.retry.throttling->name, node);
    }

    std::vector<SimGroup> groups;
    std::vector<int> groupOfRoot(services + pipelines, -1);
    const auto groupOf = [&](std::size_t node) -> SimGroup& {
        int& g = groupOfRoot[links.find(node)];
        if (g < 0) {
            g = int(groups.size());
            groups.emplace_back();
        }
        return groups[std::size_t(g)];
    };
    for (std::size_t i = 0; i < pipelines; ++i)
        groupOf(services + i).pipelines.push_back(int(i));
    for (std::size_t i = 0; i < services; ++i)
        groupOf(i).services.push_back(int(i));
    for (std::size_t i = 0; i < scenario.clients.size(); ++i) {
        const int pipeline = scenario.pipelineIndex(scenario.clients[i].pipeline);
        groupOf(services + std::size_t(std::max(pipeline, 0))).clients.push_back(int(i));
    }
    return groups;
}

SimGroup wholeScenario(const Scenario& scenario)
{
    SimGroup all;
    for (int i = 0; i < int(scenario.services.size()); ++i)
        all.services.push_back(i);
    for (int i = 0; i < int(scenario.pipelines.size()); ++i)
        all.pipelines.push_back(i);
    for (int i = 0; i < int(scenario.clients.size()); ++i)
        all.clients.push_back(i);
    return all;
}

} // namespace rwb
