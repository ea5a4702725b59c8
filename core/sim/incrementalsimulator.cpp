#include "core/sim/incrementalsimulator.h"

#include "core/config/scenariojson.h"
#include "core/events/eventsink.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace rwb {

namespace {

// The kinds of events a group keeps for `sink`, one digit per kind ("" without a sink).
QString eventKinds(const EventSink* sink)
{
    QString kinds;
    if (sink)
        for (unsigned k = 0; k < 32; ++k)
            kinds += sink->interests().contains(EventKind(k)) ? QLatin1Char('1') : QLatin1Char('0');
    return kinds;
}

// Everything a group's result depends on, as compact JSON bytes (compared whole: no hash collisions).
QByteArray groupKey(
    const QJsonObject& document, const Scenario& scenario, const SimulationOptions& options, const SimGroup& group)
{
    QJsonObject key = document;
    const QJsonArray services = document.value(QStringLiteral("services")).toArray();
    const QJsonArray pipelines = document.value(QStringLiteral("pipelines")).toArray();
    const auto members = [](const QJsonArray& all, const std::vector<int>& indices) {
        QJsonObject picked;
        for (const int i : indices)
            picked.insert(QString::number(i), all.at(i));
        return picked;
    };
    key.insert(QStringLiteral("services"), members(services, group.services));
    key.insert(QStringLiteral("pipelines"), members(pipelines, group.pipelines));
    // counts: the random streams are split from the seed in scenario order
    key.insert(QStringLiteral("counts"),
        QJsonArray {
            qint64(scenario.services.size()), qint64(scenario.pipelines.size()), qint64(scenario.clients.size()) });
    // exact, whatever the document rounds
    key.insert(QStringLiteral("seed"), QString::number(options.seed.value_or(scenario.seed)));
    key.insert(QStringLiteral("duration_ns"), QString::number(scenario.duration.count()));
    key.insert(QStringLiteral("drain_ns"), QString::number(scenario.drainLimit.count()));
    key.insert(QStringLiteral("bucket_ns"), QString::number(options.bucketWidth.count()));
    key.insert(QStringLiteral("events"), eventKinds(options.sink));
    return QJsonDocument(key).toJson(QJsonDocument::Compact);
}

// Everything the arrival plan depends on (see ArrivalPlan): the clients, the seed, the duration and how
// many random streams are split before the clients'.
QByteArray planKey(const QJsonObject& document, const Scenario& scenario, const SimulationOptions& options)
{
    const QJsonObject key {
        { QStringLiteral("clients"), document.value(QStringLiteral("clients")) },
        { QStringLiteral("streams_before"),
            QJsonArray { qint64(scenario.services.size()), qint64(scenario.pipelines.size()) } },
        { QStringLiteral("seed"), QString::number(options.seed.value_or(scenario.seed)) },
        { QStringLiteral("duration_ns"), QString::number(scenario.duration.count()) },
    };
    return QJsonDocument(key).toJson(QJsonDocument::Compact);
}

} // namespace

void IncrementalSimulator::clear()
{
    m_plan.reset();
    m_planKey.clear();
    m_kept.clear();
    m_lastParts.clear();
    m_lastReused = 0;
    m_lastReusedPipelines = 0;
    m_lastRepeated = false;
}

void IncrementalSimulator::setKeptBytes(std::size_t bytes)
{
    m_keptBytes = bytes;
    evict();
}

std::size_t IncrementalSimulator::estimatedBytes(const SimGroupResult& part) noexcept
{
    std::size_t bytes = sizeof(SimGroupResult) + part.eventLog.capacity() * sizeof(Event);
    for (const PipelineSeries& p : part.pipelines)
        bytes += sizeof(PipelineSeries) + p.buckets.capacity() * sizeof(PipelineBucket);
    for (const ServiceSeries& s : part.services)
        bytes += sizeof(ServiceSeries) + s.buckets.capacity() * sizeof(ServiceBucket);
    return bytes;
}

void IncrementalSimulator::keep(
    const std::vector<QByteArray>& keys, const std::vector<std::shared_ptr<const SimGroupResult>>& parts)
{
    ++m_runs;
    for (std::size_t g = 0; g < keys.size(); ++g)
        m_kept[keys[g]] = Kept { parts[g], m_runs, estimatedBytes(*parts[g]) + std::size_t(keys[g].size()) };
    evict();
}

std::size_t IncrementalSimulator::earlierBytes() const noexcept
{
    std::size_t bytes = 0;
    for (const auto& [key, kept] : m_kept)
        if (kept.lastUsed != m_runs) // the last run's are always kept, outside the budget
            bytes += kept.bytes;
    return bytes;
}

// Drops the least recently used groups until those of earlier runs fit the budget.
void IncrementalSimulator::evict()
{
    for (std::size_t earlier = earlierBytes(); earlier > m_keptBytes;) {
        auto oldest = m_kept.end();
        for (auto it = m_kept.begin(); it != m_kept.end(); ++it)
            if (it->second.lastUsed != m_runs && (oldest == m_kept.end() || it->second.lastUsed < oldest->second.lastUsed))
                oldest = it;
        earlier -= oldest->second.bytes;
        m_kept.erase(oldest);
    }
}

RunResult IncrementalSimulator::run(const Scenario& scenario, const SimulationOptions& options)
{
    validateRun(scenario, options);
    if (Simulator::streamsEvents(options)) {
        // a sink of per-call kinds gets the one queue's stream (Simulator::run): no parts to keep or reuse
        m_lastReused = 0;
        m_lastReusedPipelines = 0;
        m_lastRepeated = false;
        m_lastParts.clear();
        return Simulator::run(scenario, options);
    }
    const std::vector<SimGroup> groups = Simulator::parallelGroups(scenario);
    const QJsonObject document = scenariojson::toJson(scenario);
    std::vector<QByteArray> keys;
    std::vector<std::shared_ptr<const SimGroupResult>> parts(groups.size());
    std::vector<std::size_t> fresh;
    std::int64_t end = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        keys.push_back(groupKey(document, scenario, options, groups[g]));
        const auto it = m_kept.find(keys.back());
        if (it != m_kept.end()) {
            parts[g] = it->second.part;
            end = std::max(end, parts[g]->ownEnd);
        } else {
            fresh.push_back(g);
        }
    }

    // Unchanged clients number their calls as before: the last run's arrival plan serves again.
    QByteArray arrivalsKey = planKey(document, scenario, options);
    GroupRunner runner(scenario, options, Simulator::threadCount(options), GroupRunner::Events::PerGroup,
        arrivalsKey == m_planKey ? m_plan : nullptr);
    // A kept group is final already: a run drawn while it proceeds shows it whole from the start,
    // not blank until the groups being simulated catch up.
    if (options.checkpoint)
        for (std::size_t g = 0; g < groups.size(); ++g) {
            if (!parts[g])
                continue;
            std::vector<std::pair<int, const PipelineSeries*>> recorded;
            for (std::size_t i = 0; i < groups[g].pipelines.size(); ++i)
                recorded.emplace_back(groups[g].pipelines[i], &parts[g]->pipelines[i]);
            options.checkpoint(parts[g]->buckets, recorded);
        }
    const auto simulate = [&](const std::vector<std::size_t>& which) {
        std::vector<SimGroup> batch;
        for (const std::size_t g : which)
            batch.push_back(groups[g]);
        runner.simulate(batch);
    };
    simulate(fresh);
    end = std::max(end, runner.end());
    // A kept part completed for another run end is simulated again (its own end is at most `end`).
    std::vector<std::size_t> stale;
    for (std::size_t g = 0; g < groups.size(); ++g)
        if (parts[g] && parts[g]->finishedAt != end)
            stale.push_back(g);
    simulate(stale);
    std::vector<std::size_t> simulated = fresh;
    simulated.insert(simulated.end(), stale.begin(), stale.end());
    const auto finished = runner.finish(end);
    for (std::size_t k = 0; k < simulated.size(); ++k)
        parts[simulated[k]] = finished[k];

    if (runner.plan() && runner.plan() != m_plan) {
        m_plan = runner.plan();
        m_planKey = std::move(arrivalsKey);
    }

    RunResult result = mergeGroups(scenario, options, parts);
    if (options.sink)
        deliverGroupEvents(parts, *options.sink);
    m_lastRepeated = simulated.empty() && parts == m_lastParts;
    if (!result.cancelled)
        keep(keys, parts);
    m_lastReused = int(groups.size() - simulated.size());
    m_lastReusedPipelines = 0;
    for (std::size_t g = 0; g < groups.size(); ++g)
        if (std::find(simulated.begin(), simulated.end(), g) == simulated.end())
            m_lastReusedPipelines += int(groups[g].pipelines.size());
    m_lastParts = std::move(parts);
    if (options.progress)
        options.progress(1000);
    return result;
}

} // namespace rwb
