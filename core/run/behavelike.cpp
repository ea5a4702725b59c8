#include "core/run/behavelike.h"

#include "core/run/scenario.h"

#include <array>

namespace rwb {

namespace {

constexpr int kOpossumBuckets = 10; // opossum's rollingCountBuckets default, which the export writes

struct Named {
    BehaveLike library;
    const char* name;
    const char* title;
};
constexpr std::array kNames { Named { BehaveLike::Workbench, "workbench", "Workbench" },
    Named { BehaveLike::Opossum, "opossum", "opossum" }, Named { BehaveLike::Cockatiel, "cockatiel", "cockatiel" },
    Named { BehaveLike::Resilience4j, "resilience4j", "Resilience4j" }, Named { BehaveLike::Polly, "polly", "Polly" } };

bool wholeMs(Duration d)
{
    return d % std::chrono::milliseconds(1) == Duration::zero();
}

QString ms(Duration d)
{
    return QString::number(std::chrono::duration<double, std::milli>(d).count(), 'g', 12);
}

/// Collects errors under "circuit_breaker/<key>", each naming the library.
class Rules {
public:
    explicit Rules(BehaveLike library)
        : m_prefix(QStringLiteral("behave_like %1: ").arg(toString(library)))
    {
    }
    void require(bool ok, const char* key, const QString& why)
    {
        if (!ok)
            m_errors.push_back({ QStringLiteral("circuit_breaker/") + QLatin1String(key), m_prefix + why });
    }
    FieldErrors take() { return std::move(m_errors); }

private:
    QString m_prefix;
    FieldErrors m_errors;
};

/// opossum, cockatiel and Polly half-open alike: one trial call whose outcome alone decides.
void requireSingleProbe(const CircuitBreakerConfig& b, const QString& title, Rules& rules)
{
    const QString why = title + QStringLiteral(" half-opens with one trial call whose outcome alone closes or re-opens");
    rules.require(b.halfOpenRule == HalfOpenRule::AnyFailure, "half_open_rule", why + QStringLiteral(": expected any_failure"));
    rules.require(b.permittedProbes == 1, "permitted_probes", why + QStringLiteral(": expected 1"));
    rules.require(b.successThreshold == 1, "success_threshold", why + QStringLiteral(": expected 1"));
    rules.require(!b.maxWaitInHalfOpen, "max_wait_in_half_open", why + QStringLiteral(" and waits for it: expected null"));
}

void requireCommon(const CircuitBreakerConfig& b, const QString& title, Rules& rules)
{
    rules.require(b.monitored.empty(), "monitored",
        title + QStringLiteral(" decides what a failure is in code, not by error classes: expected []"));
    rules.require(b.ignored.empty(), "ignored",
        title + QStringLiteral(" decides what a failure is in code, not by error classes: expected []"));
    rules.require(b.initialState == BreakerInitialState::Closed, "initial_state",
        QStringLiteral("manual control is code in ") + title + QStringLiteral(": expected closed"));
    rules.require(b.schedule.empty(), "schedule", QStringLiteral("manual control is code in ") + title + QStringLiteral(": expected none"));
    rules.require(b.recoveryBackoffFactor == 1.0, "recovery_backoff_factor",
        title + QStringLiteral(" keeps one open duration: expected 1"));
}

void opossumRules(const CircuitBreakerConfig& b, Rules& rules)
{
    rules.require(b.tripMode == TripMode::TimeWindow, "trip_mode",
        QStringLiteral("opossum has only a rolling time window (rollingCountTimeout): expected time_window"));
    rules.require(wholeMs(b.failureWindow) && b.failureWindow % std::chrono::milliseconds(kOpossumBuckets) == Duration::zero(),
        "failure_window",
        QStringLiteral("opossum rotates its %1 buckets every rollingCountTimeout / %1 whole ms: expected a multiple of "
                       "%1 ms, got %2 ms")
            .arg(kOpossumBuckets)
            .arg(ms(b.failureWindow)));
    rules.require(wholeMs(b.recoveryTimeout), "recovery_timeout",
        QStringLiteral("opossum's resetTimeout is whole milliseconds, got %1 ms").arg(ms(b.recoveryTimeout)));
    rules.require(b.slowCallDuration == Duration::zero(), "slow_call_duration",
        QStringLiteral("opossum has no slow-call rule: expected 0"));
    requireSingleProbe(b, QStringLiteral("opossum"), rules);
}

void cockatielRules(const CircuitBreakerConfig& b, Rules& rules)
{
    rules.require(b.tripMode == TripMode::Consecutive, "trip_mode",
        QStringLiteral("cockatiel's CountBreaker and SamplingBreaker judge their windows otherwise than ours "
                       "(docs/interop.md): expected consecutive (ConsecutiveBreaker)"));
    rules.require(wholeMs(b.recoveryTimeout), "recovery_timeout",
        QStringLiteral("cockatiel's halfOpenAfter is whole milliseconds, got %1 ms").arg(ms(b.recoveryTimeout)));
    rules.require(b.slowCallDuration == Duration::zero(), "slow_call_duration",
        QStringLiteral("cockatiel has no slow-call rule: expected 0"));
    requireSingleProbe(b, QStringLiteral("cockatiel"), rules);
}

void resilience4jRules(const CircuitBreakerConfig& b, Rules& rules)
{
    rules.require(b.tripMode == TripMode::CountWindow, "trip_mode",
        QStringLiteral("expected count_window (COUNT_BASED): Resilience4j's TIME_BASED window counts in one-second "
                       "buckets, and it judges slow calls in every mode"));
    rules.require(b.halfOpenRule == HalfOpenRule::Rates, "half_open_rule",
        QStringLiteral("Resilience4j decides on the rates of permittedNumberOfCallsInHalfOpenState trial calls: "
                       "expected rates"));
    rules.require(b.slowCallDuration > Duration::zero(), "slow_call_duration",
        QStringLiteral("Resilience4j cannot switch slow-call detection off: expected a duration > 0 (its default is "
                       "60 s, with slow_call_rate_threshold 1)"));
    rules.require(b.failureRateThreshold >= 0.01, "failure_rate_threshold",
        QStringLiteral("Resilience4j's failureRateThreshold is 1 to 100 percent: expected >= 0.01"));
    rules.require(b.slowCallRateThreshold >= 0.01, "slow_call_rate_threshold",
        QStringLiteral("Resilience4j's slowCallRateThreshold is 1 to 100 percent: expected >= 0.01"));
}

void pollyRules(const CircuitBreakerConfig& b, Rules& rules)
{
    rules.require(b.tripMode == TripMode::TimeWindow, "trip_mode",
        QStringLiteral("Polly's breaker samples a failure ratio over SamplingDuration: expected time_window"));
    rules.require(b.minimumCalls >= 2, "minimum_calls", QStringLiteral("Polly's MinimumThroughput is at least 2"));
    rules.require(b.failureWindow >= std::chrono::milliseconds(500), "failure_window",
        QStringLiteral("Polly's SamplingDuration is at least 0.5 s, got %1 ms").arg(ms(b.failureWindow)));
    rules.require(b.recoveryTimeout >= std::chrono::milliseconds(500), "recovery_timeout",
        QStringLiteral("Polly's BreakDuration is at least 0.5 s, got %1 ms").arg(ms(b.recoveryTimeout)));
    rules.require(b.slowCallDuration == Duration::zero(), "slow_call_duration",
        QStringLiteral("Polly's breaker has no slow-call rule: expected 0"));
    requireSingleProbe(b, QStringLiteral("Polly"), rules);
}

} // namespace

QString toString(BehaveLike library)
{
    for (const auto& n : kNames)
        if (n.library == library)
            return QLatin1String(n.name);
    return QStringLiteral("unknown");
}

std::optional<BehaveLike> behaveLikeFromString(const QString& text)
{
    for (const auto& n : kNames)
        if (text == QLatin1String(n.name))
            return n.library;
    return std::nullopt;
}

QString behaveLikeTitle(BehaveLike library)
{
    for (const auto& n : kNames)
        if (n.library == library)
            return QLatin1String(n.title);
    return QStringLiteral("unknown");
}

const QList<BehaveLike>& allBehaveLike()
{
    static const QList<BehaveLike> all { BehaveLike::Workbench, BehaveLike::Opossum, BehaveLike::Cockatiel,
        BehaveLike::Resilience4j, BehaveLike::Polly };
    return all;
}

namespace behavelike {

FieldErrors errors(const PipelineSpec& spec)
{
    if (spec.behaveLike == BehaveLike::Workbench)
        return {};
    if (!spec.breaker) {
        if (spec.behaveLike != BehaveLike::Opossum)
            return {};
        return { { QStringLiteral("behave_like"),
            QStringLiteral("behave_like opossum: opossum is a circuit breaker; expected a circuit_breaker (or no "
                           "behave_like)") } };
    }
    const CircuitBreakerConfig& b = *spec.breaker;
    Rules rules(spec.behaveLike);
    requireCommon(b, behaveLikeTitle(spec.behaveLike), rules);
    switch (spec.behaveLike) {
    case BehaveLike::Workbench:
        break;
    case BehaveLike::Opossum:
        opossumRules(b, rules);
        break;
    case BehaveLike::Cockatiel:
        cockatielRules(b, rules);
        break;
    case BehaveLike::Resilience4j:
        resilience4jRules(b, rules);
        break;
    case BehaveLike::Polly:
        pollyRules(b, rules);
        break;
    }
    return rules.take();
}

PeerSetting peerSetting(BehaveLike library, const QString& key)
{
    // One row per breaker key: each library's name for it, or why it has none (the rules of errors()).
    struct Row {
        const char* key;
        const char* opossum;
        const char* cockatiel;
        const char* resilience4j;
        const char* polly;
    };
    static constexpr const char* kSingleProbe = "!one trial call decides";
    static constexpr const char* kNoSlow = "!no slow-call rule";
    static constexpr const char* kFixedOpen = "!one open duration";
    static constexpr const char* kCode = "!decided in code";
    static constexpr Row kRows[] = {
        { "trip_mode", "!a rolling time window only", "!ConsecutiveBreaker only", "!slidingWindowType COUNT_BASED only",
            "!a sampled time window only" },
        { "failure_threshold", "", "ConsecutiveBreaker(n)", "", "" },
        { "failure_rate_threshold", "errorThresholdPercentage", "", "failureRateThreshold", "FailureRatio" },
        { "window_size", "", "", "slidingWindowSize", "" },
        { "failure_window", "rollingCountTimeout", "", "", "SamplingDuration" },
        { "minimum_calls", "volumeThreshold", "", "minimumNumberOfCalls", "MinimumThroughput" },
        { "slow_call_duration", kNoSlow, kNoSlow, "slowCallDurationThreshold", kNoSlow },
        { "slow_call_rate_threshold", kNoSlow, kNoSlow, "slowCallRateThreshold", kNoSlow },
        { "recovery_timeout", "resetTimeout", "halfOpenAfter", "waitDurationInOpenState", "BreakDuration" },
        { "recovery_backoff_factor", kFixedOpen, kFixedOpen, kFixedOpen, kFixedOpen },
        { "max_recovery_timeout", kFixedOpen, kFixedOpen, kFixedOpen, kFixedOpen },
        { "half_open_rule", kSingleProbe, kSingleProbe, "!decides on the trial calls' rates", kSingleProbe },
        { "permitted_probes", kSingleProbe, kSingleProbe, "permittedNumberOfCallsInHalfOpenState", kSingleProbe },
        { "success_threshold", kSingleProbe, kSingleProbe, "", kSingleProbe },
        { "max_wait_in_half_open", kSingleProbe, kSingleProbe, "maxWaitDurationInHalfOpenState", kSingleProbe },
        { "monitored", kCode, kCode, kCode, kCode },
        { "ignored", kCode, kCode, kCode, kCode },
        { "initial_state", kCode, kCode, kCode, kCode },
    };
    for (const Row& row : kRows) {
        if (key != QLatin1String(row.key))
            continue;
        const char* text = library == BehaveLike::Opossum ? row.opossum
            : library == BehaveLike::Cockatiel            ? row.cockatiel
            : library == BehaveLike::Resilience4j         ? row.resilience4j
            : library == BehaveLike::Polly                ? row.polly
                                                          : "";
        if (text[0] == '!')
            return { {}, behaveLikeTitle(library) + QStringLiteral(": ") + QLatin1String(text + 1) };
        return { QLatin1String(text), {} };
    }
    return {};
}

std::vector<std::pair<QString, QJsonValue>> fixedSettings(BehaveLike library)
{
    const auto singleProbe = [](const QString& tripMode) {
        return std::vector<std::pair<QString, QJsonValue>> { { QStringLiteral("trip_mode"), tripMode },
            { QStringLiteral("half_open_rule"), QStringLiteral("any_failure") }, { QStringLiteral("permitted_probes"), 1 },
            { QStringLiteral("success_threshold"), 1 }, { QStringLiteral("max_wait_in_half_open"), QJsonValue::Null },
            { QStringLiteral("slow_call_duration"), 0 }, { QStringLiteral("recovery_backoff_factor"), 1 } };
    };
    switch (library) {
    case BehaveLike::Workbench:
        return {};
    case BehaveLike::Opossum:
    case BehaveLike::Polly:
        return singleProbe(QStringLiteral("time_window"));
    case BehaveLike::Cockatiel:
        return singleProbe(QStringLiteral("consecutive"));
    case BehaveLike::Resilience4j:
        return { { QStringLiteral("trip_mode"), QStringLiteral("count_window") },
            { QStringLiteral("half_open_rule"), QStringLiteral("rates") },
            { QStringLiteral("recovery_backoff_factor"), 1 } };
    }
    return {};
}

void apply(PipelineSpec& spec)
{
    if (!spec.breaker)
        return;
    const bool opossum = spec.behaveLike == BehaveLike::Opossum;
    spec.breaker->windowRule = opossum ? WindowRule::Opossum : WindowRule::Workbench;
    spec.breaker->windowBuckets = opossum ? kOpossumBuckets : 0;
}

} // namespace behavelike

} // namespace rwb
