#include "core/run/scenario.h"

#include <QSet>

#include <cmath>
#include <map>

namespace rwb {

namespace {

/// Pipelines naming one retry budget (or throttle) share it, so they must configure it alike.
void validateSharedRetryLimits(const std::vector<PipelineSpec>& pipelines, FieldErrors& e)
{
    const auto check = [&](const char* key, auto limitOf) {
        std::map<QString, std::size_t> first;
        for (std::size_t i = 0; i < pipelines.size(); ++i) {
            const auto& limit = limitOf(pipelines[i].config);
            if (!pipelines[i].config.retryEnabled || !limit || limit->name.isEmpty())
                continue;
            const auto [it, inserted] = first.emplace(limit->name, i);
            if (!inserted && !(*limitOf(pipelines[it->second].config) == *limit))
                e.push_back({QStringLiteral("pipelines/%1/retry/%2").arg(i).arg(QLatin1String(key)),
                    QStringLiteral("%1 \"%2\" is shared with pipelines/%3, which configures it differently; pipelines "
                                   "that name one %1 share it and must configure it alike")
                        .arg(QLatin1String(key), limit->name)
                        .arg(it->second)});
        }
    };
    check("budget", [](const PipelineConfig& c) -> const auto& { return c.retry.budget; });
    check("throttling", [](const PipelineConfig& c) -> const auto& { return c.retry.throttling; });
}

constexpr double kMaxRequests = 2.0e9; // a run beyond this would take minutes and gigabytes
constexpr Duration kMaxDuration = std::chrono::hours(24 * 30);
constexpr double kMaxBurst = 1.0e6; // requests started at one instant

void prefixInto(FieldErrors& into, const QString& path, const FieldErrors& errors)
{
    for (const auto& e : errors) {
        QString field = e.field;
        field.replace(QLatin1Char('.'), QLatin1Char('/'));
        into.push_back({path + field, e.message});
    }
}

QString seconds(Duration d) { return formatNumber(toSeconds(d)) + QStringLiteral(" s"); }
} // namespace

QString toString(ArrivalProcess::Kind kind)
{
    switch (kind) {
    case ArrivalProcess::Kind::Constant:
        return QStringLiteral("constant");
    case ArrivalProcess::Kind::Poisson:
        return QStringLiteral("poisson");
    case ArrivalProcess::Kind::Bursts:
        return QStringLiteral("bursts");
    case ArrivalProcess::Kind::Closed:
        return QStringLiteral("closed");
    }
    return QStringLiteral("unknown");
}

std::optional<ArrivalProcess::Kind> arrivalKindFromString(const QString& text)
{
    using K = ArrivalProcess::Kind;
    for (auto k : {K::Constant, K::Poisson, K::Bursts, K::Closed})
        if (toString(k) == text)
            return k;
    return std::nullopt;
}

FieldErrors ArrivalProcess::validate() const
{
    FieldCheck c;
    c.inRange(QStringLiteral("rate"), rate, 0.0, 1.0e7);
    if (kind == Kind::Bursts) {
        c.atLeast(QStringLiteral("burst_size"), (long long)burstSize, 1LL);
        c.require(burstInterval > Duration::zero(), QStringLiteral("burst_interval"),
            QStringLiteral("expected a duration > 0 s, got %1").arg(seconds(burstInterval)));
    } else if (kind == Kind::Closed) {
        c.atLeast(QStringLiteral("requests_per_user"), (long long)requestsPerUser, 0LL);
        const double meanThinkNs = thinkTime.moments().mean;
        c.require(requestsPerUser > 0 || meanThinkNs >= 1000.0, QStringLiteral("think_time"),
            QStringLiteral("expected a mean think time >= 1 us when requests_per_user is unlimited, got %1 ms")
                .arg(formatNumber(meanThinkNs / 1e6)));
    } else {
        c.require(rate > 0.0, QStringLiteral("rate"), QStringLiteral("expected a number > 0, got %1").arg(formatNumber(rate)));
    }
    c.require(start >= Duration::zero(), QStringLiteral("start"), QStringLiteral("expected a time >= 0 s, got %1").arg(seconds(start)));
    if (end)
        c.require(*end >= start, QStringLiteral("end"),
            QStringLiteral("expected a time >= start (%1), got %2").arg(seconds(start), seconds(*end)));
    FieldErrors errors = c.take();
    if (kind == Kind::Closed)
        for (const auto& f : thinkTime.validate())
            errors.push_back({QStringLiteral("think_time/") + f.field, f.message});
    return errors;
}

const ServiceSpec* Scenario::service(const QString& name) const noexcept
{
    const int i = serviceIndex(name);
    return i < 0 ? nullptr : &services[std::size_t(i)];
}

const PipelineSpec* Scenario::pipeline(const QString& name) const noexcept
{
    const int i = pipelineIndex(name);
    return i < 0 ? nullptr : &pipelines[std::size_t(i)];
}

int Scenario::serviceIndex(const QString& name) const noexcept
{
    for (std::size_t i = 0; i < services.size(); ++i)
        if (services[i].name == name)
            return int(i);
    return -1;
}

int Scenario::pipelineIndex(const QString& name) const noexcept
{
    for (std::size_t i = 0; i < pipelines.size(); ++i)
        if (pipelines[i].name() == name)
            return int(i);
    return -1;
}

int Scenario::sharedBreakerOwner(int pipeline) const noexcept
{
    const auto& breaker = pipelines[std::size_t(pipeline)].breaker;
    if (!breaker)
        return -1;
    for (int i = 0; i < pipeline; ++i)
        if (const auto& other = pipelines[std::size_t(i)].breaker; other && other->name == breaker->name)
            return i;
    return pipeline;
}

FieldErrors Scenario::validate() const
{
    FieldErrors e;
    if (schemaVersion != kSchemaVersion)
        e.push_back({QStringLiteral("schema_version"),
            QStringLiteral("expected %1, got %2").arg(kSchemaVersion).arg(schemaVersion)});
    if (duration <= Duration::zero() || duration > kMaxDuration)
        e.push_back({QStringLiteral("duration"),
            QStringLiteral("expected a duration in (0, %1], got %2").arg(seconds(kMaxDuration), seconds(duration))});
    if (drainLimit < Duration::zero() || drainLimit > kMaxDuration)
        e.push_back({QStringLiteral("drain_limit"),
            QStringLiteral("expected a duration in [0, %1], got %2").arg(seconds(kMaxDuration), seconds(drainLimit))});

    QSet<QString> names;
    for (std::size_t i = 0; i < services.size(); ++i) {
        const QString path = QStringLiteral("services/%1/").arg(i);
        const auto& s = services[i];
        if (s.name.trimmed().isEmpty())
            e.push_back({path + QStringLiteral("name"), QStringLiteral("expected a non-empty string, got \"%1\"").arg(s.name)});
        else if (names.contains(s.name))
            e.push_back({path + QStringLiteral("name"), QStringLiteral("duplicate service name \"%1\"").arg(s.name)});
        names.insert(s.name);
        FieldErrors faults = s.faults.validate();
        for (auto& f : faults) {
            // base/x -> fault/x, changes/i/profile/x -> schedule/i/fault/x, changes/i/at -> schedule/i/at
            if (f.field.startsWith(QLatin1String("base/")))
                f.field = QStringLiteral("fault/") + f.field.mid(5);
            else {
                f.field.replace(QLatin1String("changes/"), QLatin1String("schedule/"));
                f.field.replace(QLatin1String("/profile/"), QLatin1String("/fault/"));
            }
        }
        prefixInto(e, path, faults);
    }
    if (services.empty())
        e.push_back({QStringLiteral("services"), QStringLiteral("expected at least one service, got none")});

    names.clear();
    for (std::size_t i = 0; i < pipelines.size(); ++i) {
        const QString path = QStringLiteral("pipelines/%1/").arg(i);
        const auto& p = pipelines[i];
        if (names.contains(p.name()))
            e.push_back({path + QStringLiteral("name"), QStringLiteral("duplicate pipeline name \"%1\"").arg(p.name())});
        names.insert(p.name());
        if (serviceIndex(p.service) < 0)
            e.push_back({path + QStringLiteral("service"), QStringLiteral("expected the name of a service, got \"%1\"").arg(p.service)});
        prefixInto(e, path, PipelineConfig::validate(p.config));
        prefixInto(e, path + QStringLiteral("expect/"), p.expect.validate());
        prefixInto(e, path, behavelike::errors(p));
        if (p.breaker) {
            prefixInto(e, path + QStringLiteral("circuit_breaker/"), CircuitBreakerConfig::validate(*p.breaker));
            // pipelines naming the same circuit share one breaker, so they must agree on its settings
            const int first = sharedBreakerOwner(int(i));
            if (first != int(i)) {
                const QStringList differ = CircuitBreakerConfig::differences(*pipelines[std::size_t(first)].breaker, *p.breaker);
                if (!differ.isEmpty())
                    e.push_back({path + (differ.front() == QLatin1String("behave_like") ? QString()
                                                                                      : QStringLiteral("circuit_breaker/"))
                            + differ.front(),
                        QStringLiteral("circuit \"%1\" is shared with pipelines/%2, which sets %3 differently; pipelines "
                                       "that name one circuit share one breaker and must configure it alike")
                            .arg(p.breaker->name)
                            .arg(first)
                            .arg(differ.join(QStringLiteral(", ")))});
            }
        }
    }
    if (pipelines.empty())
        e.push_back({QStringLiteral("pipelines"), QStringLiteral("expected at least one pipeline, got none")});
    validateSharedRetryLimits(pipelines, e);

    double expectedRequests = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const QString path = QStringLiteral("clients/%1/").arg(i);
        const auto& c = clients[i];
        if (pipelineIndex(c.pipeline) < 0)
            e.push_back({path + QStringLiteral("pipeline"), QStringLiteral("expected the name of a pipeline, got \"%1\"").arg(c.pipeline)});
        if (c.count < 1)
            e.push_back({path + QStringLiteral("count"), QStringLiteral("expected an integer >= 1, got %1").arg(c.count)});
        else if (c.arrival.kind == ArrivalProcess::Kind::Bursts && double(c.arrival.burstSize) * c.count > kMaxBurst)
            e.push_back({path + QStringLiteral("arrival/burst_size"),
                QStringLiteral("expected burst_size x count <= %1, got %2")
                    .arg(formatNumber(kMaxBurst), formatNumber(double(c.arrival.burstSize) * c.count))});
        prefixInto(e, path + QStringLiteral("arrival/"), c.arrival.validate());
        const double span = toSeconds(duration);
        double perClient = c.arrival.rate * span;
        if (c.arrival.kind == ArrivalProcess::Kind::Closed) {
            // A user sends at most one request per think time (and per requests_per_user).
            const double think = c.arrival.thinkTime.moments().mean / 1e9;
            perClient = think > 0.0 ? span / think + 1.0 : 0.0;
            if (c.arrival.requestsPerUser > 0)
                perClient = think > 0.0 ? std::min(perClient, double(c.arrival.requestsPerUser)) : double(c.arrival.requestsPerUser);
        }
        if (c.arrival.kind == ArrivalProcess::Kind::Bursts && c.arrival.burstInterval > Duration::zero())
            perClient += double(c.arrival.burstSize) * std::ceil(span / toSeconds(c.arrival.burstInterval));
        expectedRequests += perClient * std::max(c.count, 1);
    }
    if (clients.empty())
        e.push_back({QStringLiteral("clients"), QStringLiteral("expected at least one client, got none")});
    else if (!(expectedRequests <= kMaxRequests))
        e.push_back({QStringLiteral("clients"),
            QStringLiteral("expected at most %1 requests in the whole run, got about %2 (lower the rates or the duration)")
                .arg(formatNumber(kMaxRequests), formatNumber(std::round(expectedRequests)))});
    return e;
}

} // namespace rwb
