#include "core/advice/loadmodel.h"

#include <algorithm>

namespace rwb::loadmodel {

namespace {

double seconds(const LatencyDistribution& d) { return d.moments().mean / 1e9; }

// Every profile of the schedule with the span it is in force, clipped to [0, duration).
template<typename F>
void forEachProfile(const ServiceSpec& service, Duration duration, F&& visit)
{
    const auto& changes = service.faults.changes();
    Duration from {};
    for (std::size_t i = 0; i <= changes.size(); ++i) {
        const Duration to = i < changes.size() ? std::min(changes[i].at, duration) : duration;
        if (to > from)
            visit(service.faults.profile(i), from, to);
        from = std::max(from, to);
    }
}

} // namespace

double offeredRate(const Scenario& scenario, int pipeline)
{
    const auto& p = scenario.pipelines[std::size_t(pipeline)];
    const ServiceSpec* service = scenario.service(p.service);
    const double serviceTime = service ? seconds(service->faults.base().latency) : 0.0;
    double rate = 0.0;
    for (const auto& c : scenario.clients) {
        if (c.pipeline != p.name())
            continue;
        const ArrivalProcess& a = c.arrival;
        double perClient = a.rate;
        if (a.kind == ArrivalProcess::Kind::Bursts && a.burstInterval > Duration::zero())
            perClient += a.burstSize / toSeconds(a.burstInterval);
        if (a.kind == ArrivalProcess::Kind::Closed) {
            const double cycle = seconds(a.thinkTime) + serviceTime;
            perClient = cycle > 0.0 ? 1.0 / cycle : 0.0;
        }
        rate += perClient * c.count;
    }
    return rate;
}

double circuitRate(const Scenario& scenario, int pipeline)
{
    const auto& breaker = scenario.pipelines[std::size_t(pipeline)].breaker;
    if (!breaker)
        return 0.0;
    double rate = 0.0;
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i)
        if (const auto& b = scenario.pipelines[i].breaker; b && b->name == breaker->name)
            rate += offeredRate(scenario, int(i));
    return rate;
}

int synchronizedCallers(const Scenario& scenario, int pipeline)
{
    int n = 0;
    for (const auto& c : scenario.clients)
        if (c.pipeline == scenario.pipelines[std::size_t(pipeline)].name())
            n += c.count * (c.arrival.kind == ArrivalProcess::Kind::Bursts ? std::max(1, c.arrival.burstSize) : 1);
    return n;
}

double AttemptLatency::fractionAbove(Duration limit) const noexcept
{
    return 1.0 - service.cdf(limit - network);
}

AttemptLatency healthyLatency(const ServiceSpec& service)
{
    const FaultProfile& base = service.faults.base();
    AttemptLatency a;
    a.service = base.latency;
    a.network = base.networkDelay.isZero() ? Duration::zero() : 2 * base.networkDelay.typical();
    a.p99 = a.service.quantile(0.99) + a.network;
    return a;
}

std::vector<Duration> outageLengths(const ServiceSpec& service, Duration duration)
{
    std::vector<Duration> lengths;
    forEachProfile(service, duration, [&](const FaultProfile& profile, Duration from, Duration to) {
        if (profile.errorRate >= 0.5) {
            lengths.push_back(to - from);
            return;
        }
        for (const auto& w : profile.outages) {
            const Duration start = std::max(w.start, from), end = std::min(w.end, to);
            if (end > start)
                lengths.push_back(end - start);
        }
        if (profile.flapping.enabled()) {
            const auto down = std::chrono::duration_cast<Duration>(profile.flapping.period * (1.0 - profile.flapping.dutyCycle));
            if (down > Duration::zero())
                lengths.push_back(std::min(down, to - from));
        }
    });
    return lengths;
}

std::optional<Duration> typicalOutage(const ServiceSpec& service, Duration duration)
{
    std::vector<Duration> lengths = outageLengths(service, duration);
    if (lengths.empty())
        return std::nullopt;
    std::nth_element(lengths.begin(), lengths.begin() + std::ptrdiff_t(lengths.size() / 2), lengths.end());
    return lengths[lengths.size() / 2];
}

std::optional<double> capacityRate(const ServiceSpec& service)
{
    std::optional<double> tightest;
    for (std::size_t i = 0; i <= service.faults.changes().size(); ++i) {
        const FaultProfile& profile = service.faults.profile(i);
        if (!profile.capacity.enabled())
            continue;
        const double mean = seconds(profile.latency);
        const double rate = mean > 0.0 ? profile.capacity.maxConcurrent / mean : 1e12;
        tightest = tightest ? std::min(*tightest, rate) : rate;
    }
    return tightest;
}

} // namespace rwb::loadmodel
