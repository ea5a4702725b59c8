#include "core/advice/lint.h"

#include "core/advice/loadmodel.h"
#include "core/policy/backoff.h"

#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <functional>

namespace rwb {

QString toString(LintSeverity severity)
{
    switch (severity) {
    case LintSeverity::Info:
        return QStringLiteral("info");
    case LintSeverity::Warning:
        return QStringLiteral("warning");
    case LintSeverity::Error:
        return QStringLiteral("error");
    }
    return {};
}

std::optional<LintSeverity> lintSeverityFromString(const QString& text)
{
    for (auto s : {LintSeverity::Info, LintSeverity::Warning, LintSeverity::Error})
        if (toString(s) == text)
            return s;
    return std::nullopt;
}

namespace lint {

namespace {

// Below this many clients a pipeline's retries rarely line up; from here on, unjittered retries do.
constexpr int kManyClients = 10;
// An attempt timeout this many times the healthy p99 lets a hung dependency hold each attempt for nothing.
constexpr double kFarAboveP99 = 10.0;

QString sec(Duration d) { return formatNumber(std::round(toSeconds(d) * 1000.0) / 1000.0) + QStringLiteral(" s"); }
double ms(Duration d) { return std::round(toSeconds(d) * 1e4) / 10.0; }
QString num(double v) { return formatNumber(std::round(v * 100.0) / 100.0); }

struct Context {
    const Scenario& scenario;
    int index;
    const PipelineSpec& pipeline;
    const ServiceSpec& service;

    QString pointer(const QString& tail) const { return QStringLiteral("/pipelines/%1/").arg(index) + tail; }
    bool retries() const { return pipeline.config.retryEnabled && pipeline.config.retry.maxAttempts > 1; }
    int stage(StageKind kind) const
    {
        const auto& order = pipeline.config.order;
        return int(std::find(order.begin(), order.end(), kind) - order.begin());
    }
    // The breaker records each attempt (inside Retry) rather than each call.
    bool breakerCountsAttempts() const { return !retries() || stage(StageKind::CircuitBreaker) > stage(StageKind::Retry); }
};

using Findings = std::vector<LintFinding>;

LintFinding finding(const Context& c, const char* id, QString pointerTail, QString message, QString fix,
    std::vector<LintNumber> numbers)
{
    return {QString::fromLatin1(id), rule(QString::fromLatin1(id))->severity, c.index, c.pointer(pointerTail), std::move(message),
        std::move(fix), std::move(numbers)};
}

void minimumCallsUnreachable(const Context& c, Findings& out)
{
    const auto& b = c.pipeline.breaker;
    if (!b || b->tripMode != TripMode::TimeWindow || c.scenario.sharedBreakerOwner(c.index) != c.index)
        return;
    // The most calls the window can ever hold: every call of every pipeline on the circuit, each one
    // retried to max_attempts when the breaker sits inside Retry.
    const double perCall = c.breakerCountsAttempts() && c.retries() ? c.pipeline.config.retry.maxAttempts : 1;
    const double rate = loadmodel::circuitRate(c.scenario, c.index);
    const double window = toSeconds(b->failureWindow);
    const double inWindow = rate * perCall * window;
    if (inWindow >= b->minimumCalls)
        return;
    const int lowered = std::max(1, int(std::floor(inWindow / 2.0)));
    const double longer = rate > 0 ? std::ceil(2.0 * b->minimumCalls / (rate * perCall)) : 0.0;
    out.push_back(finding(c, "minimum_calls_unreachable", QStringLiteral("circuit_breaker/minimum_calls"),
        QStringLiteral("at most %1 calls reach the breaker in its %2 failure_window (%3 calls/s x %4), fewer than "
                       "minimum_calls %5: the failure rate is never computed, so the circuit can never open")
            .arg(num(inWindow), sec(b->failureWindow), num(rate), num(perCall))
            .arg(b->minimumCalls),
        rate > 0 ? QStringLiteral("lower minimum_calls to %1 or lengthen failure_window to %2 s (twice the calls needed, "
                                  "so half-loaded windows still count)")
                       .arg(lowered)
                       .arg(formatNumber(longer))
                 : QStringLiteral("give the pipeline clients, or drop the circuit breaker"),
        {{QStringLiteral("calls_per_window"), inWindow}, {QStringLiteral("minimum_calls"), double(b->minimumCalls)},
            {QStringLiteral("failure_window_s"), window}, {QStringLiteral("calls_per_s"), rate},
            {QStringLiteral("recorded_per_call"), perCall}}));
}

void recoveryShorterThanOutage(const Context& c, Findings& out)
{
    const auto& b = c.pipeline.breaker;
    if (!b || b->recoveryTimeout <= Duration::zero() || c.scenario.sharedBreakerOwner(c.index) != c.index)
        return;
    const auto outage = loadmodel::typicalOutage(c.service, c.scenario.duration);
    if (!outage || b->recoveryTimeout >= *outage)
        return;
    // Each open period ends in HALF_OPEN; probes into the still-dead service re-open it, with the wait
    // grown by recovery_backoff_factor up to max_recovery_timeout.
    int reopens = 0;
    double wait = toSeconds(b->recoveryTimeout), open = 0.0;
    const double cap = b->maxRecoveryTimeout ? toSeconds(*b->maxRecoveryTimeout) : 1e18;
    while ((open += wait) < toSeconds(*outage) && reopens < 1000) {
        ++reopens;
        wait = std::min(wait * b->recoveryBackoffFactor, cap);
    }
    if (reopens == 0)
        return;
    out.push_back(finding(c, "recovery_timeout_shorter_than_outage", QStringLiteral("circuit_breaker/recovery_timeout"),
        QStringLiteral("recovery_timeout %1 is shorter than the typical outage of service \"%2\" (%3): the circuit "
                       "half-opens and re-opens about %4 times per outage, sending probes into a dead service each time")
            .arg(sec(b->recoveryTimeout), c.service.name, sec(*outage))
            .arg(reopens),
        QStringLiteral("raise recovery_timeout to %1, or set recovery_backoff_factor 2 so each re-open waits longer")
            .arg(sec(*outage)),
        {{QStringLiteral("recovery_timeout_s"), toSeconds(b->recoveryTimeout)}, {QStringLiteral("outage_s"), toSeconds(*outage)},
            {QStringLiteral("reopens_per_outage"), double(reopens)}}));
}

// The typical delay a jitter leaves of the capped delay d.
double jitterShare(Jitter jitter)
{
    switch (jitter) {
    case Jitter::Full:
        return 0.5;
    case Jitter::Equal:
        return 0.75;
    default:
        return 1.0;
    }
}

void retriesExceedTimeout(const Context& c, Findings& out)
{
    const PipelineConfig& p = c.pipeline.config;
    if (!c.retries() || !p.timeoutEnabled || !p.timeout.attemptTimeout)
        return;
    std::optional<Duration> budget = p.timeout.overallTimeout;
    QString budgetKey = QStringLiteral("timeout/overall_timeout");
    if (p.retry.timeBudget && (!budget || *p.retry.timeBudget < *budget)) {
        budget = p.retry.timeBudget;
        budgetKey = QStringLiteral("retry/time_budget");
    }
    if (!budget)
        return;
    const Timeout timeout(p.timeout);
    const Backoff backoff(p.retry.backoff);
    const double share = jitterShare(p.retry.backoff.jitter);
    // A failing attempt may run to its limit; add the typical backoff before each retry.
    double worst = 0.0;
    int fit = 0;
    for (int attempt = 1; attempt <= p.retry.maxAttempts; ++attempt) {
        if (attempt > 1)
            worst += toSeconds(backoff.baseDelay(attempt - 1)) * share;
        worst += toSeconds(*timeout.attemptLimit(attempt));
        if (worst <= toSeconds(*budget))
            fit = attempt;
    }
    if (fit >= p.retry.maxAttempts)
        return;
    out.push_back(finding(c, "retries_exceed_overall_timeout", budgetKey,
        QStringLiteral("max_attempts %1 x attempt_timeout %2 plus backoff takes up to %3 s, but %4 is %5: only %6 "
                       "attempts fit, the last %7 can never complete")
            .arg(p.retry.maxAttempts)
            .arg(sec(*p.timeout.attemptTimeout), num(worst), budgetKey.section(QLatin1Char('/'), 1), sec(*budget))
            .arg(fit)
            .arg(p.retry.maxAttempts - fit),
        QStringLiteral("lower retry/max_attempts to %1, or raise %2 to %3 s, or shorten attempt_timeout")
            .arg(std::max(1, fit))
            .arg(budgetKey.section(QLatin1Char('/'), 1), num(std::ceil(worst))),
        {{QStringLiteral("max_attempts"), double(p.retry.maxAttempts)}, {QStringLiteral("attempts_that_fit"), double(fit)},
            {QStringLiteral("worst_case_s"), worst}, {QStringLiteral("budget_s"), toSeconds(*budget)}}));
}

void noJitterManyClients(const Context& c, Findings& out)
{
    const int clients = loadmodel::synchronizedCallers(c.scenario, c.index);
    if (!c.retries() || c.pipeline.config.retry.backoff.jitter != Jitter::None || clients < kManyClients)
        return;
    out.push_back(finding(c, "no_jitter_many_clients", QStringLiteral("retry/backoff/jitter"),
        QStringLiteral("%1 callers (clients, or requests of one burst) retry with the same unjittered backoff: callers that failed together retry together, "
                       "up to %2 times, in synchronized waves")
            .arg(clients)
            .arg(c.pipeline.config.retry.maxAttempts - 1),
        QStringLiteral("set retry/backoff/jitter to \"full\" (or \"decorrelated\")"),
        {{QStringLiteral("clients"), double(clients)}, {QStringLiteral("retries_per_call"), double(c.pipeline.config.retry.maxAttempts - 1)}}));
}

void retryStormRisk(const Context& c, Findings& out)
{
    const PipelineConfig& p = c.pipeline.config;
    const auto capacity = loadmodel::capacityRate(c.service);
    if (!c.retries() || c.pipeline.breaker || p.retry.budget || p.retry.throttling || !capacity)
        return;
    const double amplification = p.retry.maxAttempts * (p.hedgingEnabled ? 1.0 + p.hedging.maxHedgedAttempts : 1.0);
    const double offered = loadmodel::offeredRate(c.scenario, c.index);
    const double worst = offered * amplification;
    if (worst <= *capacity)
        return;
    out.push_back(finding(c, "retry_storm_risk", QStringLiteral("retry"),
        QStringLiteral("retries without a circuit breaker or retry budget on service \"%1\" of finite capacity (%2 req/s): "
                       "when it fails, each call becomes up to %3 attempts, %4 req/s instead of %5 (%6 x its capacity), "
                       "which keeps it overloaded after the fault ends")
            .arg(c.service.name, num(*capacity), num(amplification), num(worst), num(offered), num(worst / *capacity)),
        QStringLiteral("add a circuit_breaker, or a retry/budget (e.g. percent 10: at most 10 % extra attempts)"),
        {{QStringLiteral("amplification"), amplification}, {QStringLiteral("offered_rps"), offered},
            {QStringLiteral("worst_case_rps"), worst}, {QStringLiteral("capacity_rps"), *capacity}}));
}

// Does any profile of the schedule answer with a Retry-After hint?
bool sendsRetryAfter(const ServiceSpec& service)
{
    for (std::size_t i = 0; i <= service.faults.changes().size(); ++i) {
        const FaultProfile& f = service.faults.profile(i);
        const auto hinted = [&](FaultKind k) { return k == FaultKind::Http429 || (k == FaultKind::Http503 && f.retryAfterOn503); };
        if ((f.errorRate > 0 && (f.errorMix.http429 > 0 || (f.retryAfterOn503 && f.errorMix.http503 > 0)))
            || std::any_of(f.outages.begin(), f.outages.end(), [&](const OutageWindow& w) { return hinted(w.error); })
            || (f.flapping.enabled() && hinted(f.flapping.error)) || (f.capacity.enabled() && hinted(f.capacity.overloadError)))
            return true;
    }
    return false;
}

void retryAfterIgnored(const Context& c, Findings& out)
{
    const PipelineConfig& p = c.pipeline.config;
    if (!c.retries() || p.retry.retryAfter.respectRetryAfter || !sendsRetryAfter(c.service))
        return;
    const double hint = toSeconds(c.service.faults.base().retryAfter);
    const double first = toSeconds(Backoff(p.retry.backoff).baseDelay(1));
    out.push_back(finding(c, "retry_after_ignored", QStringLiteral("retry/retry_after/respect_retry_after"),
        QStringLiteral("service \"%1\" answers 429/503 with Retry-After (%2 s) but the retry ignores it and comes back after "
                       "%3 s of backoff: retries arrive while the server still refuses them, and count against its limit")
            .arg(c.service.name, num(hint), num(first)),
        QStringLiteral("set retry/retry_after/respect_retry_after to true"),
        {{QStringLiteral("retry_after_s"), hint}, {QStringLiteral("first_backoff_s"), first}}));
}

void breakerOutsideRetry(const Context& c, Findings& out)
{
    const auto& b = c.pipeline.breaker;
    if (!b || !c.retries() || c.breakerCountsAttempts())
        return;
    const int attempts = c.pipeline.config.retry.maxAttempts;
    const int threshold = b->tripMode == TripMode::Consecutive ? b->failureThreshold : b->minimumCalls;
    out.push_back(finding(c, "breaker_outside_retry", QStringLiteral("order"),
        QStringLiteral("the circuit breaker sits outside the retry: it records one outcome per call, after up to %1 attempts, "
                       "so it opens only after %2 failed calls, up to %3 failed attempts on the service")
            .arg(attempts)
            .arg(threshold)
            .arg(threshold * attempts),
        QStringLiteral("keep it if a call is the unit you want to count; move circuit_breaker after retry in \"order\" to "
                       "count every attempt and stop retries as soon as the circuit opens"),
        {{QStringLiteral("max_attempts"), double(attempts)}, {QStringLiteral("calls_to_open"), double(threshold)},
            {QStringLiteral("attempts_to_open"), double(threshold * attempts)}}));
}

void attemptTimeoutVsP99(const Context& c, Findings& out)
{
    const PipelineConfig& p = c.pipeline.config;
    if (!p.timeoutEnabled || !p.timeout.attemptTimeout)
        return;
    const Duration limit = *p.timeout.attemptTimeout;
    const loadmodel::AttemptLatency healthy = loadmodel::healthyLatency(c.service);
    const std::vector<LintNumber> numbers {{QStringLiteral("attempt_timeout_ms"), ms(limit)}, {QStringLiteral("p99_ms"), ms(healthy.p99)}};
    if (limit < healthy.p99) {
        const double cut = healthy.fractionAbove(limit);
        auto n = numbers;
        n.push_back({QStringLiteral("healthy_timeouts_pct"), std::round(cut * 1000.0) / 10.0});
        out.push_back(finding(c, "attempt_timeout_below_p99", QStringLiteral("timeout/attempt_timeout"),
            QStringLiteral("attempt_timeout %1 ms is below the healthy p99 of service \"%2\" (%3 ms): about %4 % of attempts "
                           "time out while the service is fine, and each one is retried as extra load")
                .arg(num(ms(limit)), c.service.name, num(ms(healthy.p99)), num(cut * 100.0)),
            QStringLiteral("raise attempt_timeout to at least %1 ms (the p99 plus a margin)").arg(num(std::ceil(ms(healthy.p99) * 1.5))),
            n));
    } else if (healthy.p99 > Duration::zero() && toSeconds(limit) > kFarAboveP99 * toSeconds(healthy.p99)) {
        out.push_back(finding(c, "attempt_timeout_far_above_p99", QStringLiteral("timeout/attempt_timeout"),
            QStringLiteral("attempt_timeout %1 ms is %2 x the healthy p99 of service \"%3\" (%4 ms): a hung or very slow service "
                           "holds each attempt (and its caller) that long before the retry or breaker can act")
                .arg(num(ms(limit)), num(toSeconds(limit) / toSeconds(healthy.p99)), c.service.name, num(ms(healthy.p99))),
            QStringLiteral("lower attempt_timeout towards %1 ms (about 2-3 x the p99)").arg(num(std::ceil(ms(healthy.p99) * 3.0))),
            numbers));
    }
}

// Rule checks in the order of rules().
const std::vector<std::function<void(const Context&, Findings&)>>& checks()
{
    static const std::vector<std::function<void(const Context&, Findings&)>> all {minimumCallsUnreachable,
        recoveryShorterThanOutage, retriesExceedTimeout, noJitterManyClients, retryStormRisk, retryAfterIgnored,
        breakerOutsideRetry, attemptTimeoutVsP99};
    return all;
}

} // namespace

const std::vector<LintRule>& rules()
{
    static const std::vector<LintRule> all {
        {QStringLiteral("minimum_calls_unreachable"), LintSeverity::Error,
            QStringLiteral("the breaker's window never holds minimum_calls"),
            QStringLiteral("A time-window breaker computes its failure rate only once the window holds at least minimum_calls "
                           "calls (Resilience4j's minimumNumberOfCalls). When the pipeline's load cannot fill the window that far, "
                           "even a dependency failing every call never opens the circuit: every caller keeps paying the full "
                           "failure cost."),
            QStringLiteral("tst_lintharm::minimumCallsUnreachable")},
        {QStringLiteral("recovery_timeout_shorter_than_outage"), LintSeverity::Warning,
            QStringLiteral("recovery_timeout shorter than the scheduled outages"),
            QStringLiteral("After recovery_timeout an open circuit lets probes through. If the outage is still going on, they "
                           "fail and the circuit opens again: it flaps open / half-open for the whole outage, spending probes "
                           "(real user calls) on a dead service and emitting a transition each time."),
            QStringLiteral("tst_lintharm::recoveryShorterThanOutage; demo flapping-service")},
        {QStringLiteral("retries_exceed_overall_timeout"), LintSeverity::Warning,
            QStringLiteral("retries x attempt timeout exceed the overall timeout"),
            QStringLiteral("Attempts that fail slowly can each run to attempt_timeout, with backoff in between. When that sum "
                           "exceeds overall_timeout (or the retry's time_budget), the call is cut off before its last attempts: "
                           "they are configured but never get to run to completion, and the caller waits the whole budget anyway."),
            QStringLiteral("tst_lintharm::retriesExceedOverallTimeout")},
        {QStringLiteral("no_jitter_many_clients"), LintSeverity::Warning,
            QStringLiteral("many clients retry without jitter"),
            QStringLiteral("Clients that fail at the same moment (an outage, a restart) and back off by the same fixed delays "
                           "retry at the same moments too: the service sees waves of synchronized retries instead of a spread-out "
                           "trickle, the thundering herd. Jitter spreads each client's delay at random."),
            QStringLiteral("demo thundering-herd (tst_simulator demoLessonsHold)")},
        {QStringLiteral("retry_storm_risk"), LintSeverity::Warning,
            QStringLiteral("retries without a breaker or retry budget on a finite-capacity service"),
            QStringLiteral("Every failed attempt is retried, so a failing service receives up to max_attempts times the offered "
                           "load, exactly when it can serve the least. With finite capacity the extra load keeps it overloaded, "
                           "so failures cause retries and retries cause failures (a metastable retry storm). A circuit breaker "
                           "or a retry budget caps the amplification."),
            QStringLiteral("tst_lintharm::retryStormRisk; demos retry-storm, metastable-retry-storm")},
        {QStringLiteral("retry_after_ignored"), LintSeverity::Warning,
            QStringLiteral("the service sends Retry-After and the retry ignores it"),
            QStringLiteral("A 429 (or 503 with Retry-After) tells the client when the server will accept requests again. A retry "
                           "that uses only its own backoff comes back too early, is refused again and spends attempts (and the "
                           "caller's quota) for nothing."),
            QStringLiteral("demo rate-limited-api (tst_simulator demoLessonsHold)")},
        {QStringLiteral("breaker_outside_retry"), LintSeverity::Info,
            QStringLiteral("the circuit breaker counts calls, not attempts"),
            QStringLiteral("Inside the retry (the default order) a breaker records every attempt and rejects the remaining "
                           "retries of a call once it opens. Outside the retry it records one outcome per call, after all its "
                           "attempts: thresholds count calls, the service takes max_attempts failed attempts per counted "
                           "failure, and an open circuit stops whole calls. Either can be right; this says which one you have."),
            QStringLiteral("docs/pipeline.md (stage order)")},
        {QStringLiteral("attempt_timeout_below_p99"), LintSeverity::Warning,
            QStringLiteral("attempt timeout below the service's healthy p99"),
            QStringLiteral("A timeout below the service's p99 fires on healthy traffic: the slowest percent (or more) of "
                           "perfectly good answers are abandoned, counted as failures by the breaker and retried as extra load."),
            QStringLiteral("tst_lintharm::attemptTimeoutBelowP99; demo slow-dependency")},
        {QStringLiteral("attempt_timeout_far_above_p99"), LintSeverity::Info,
            QStringLiteral("attempt timeout far above the service's healthy p99"),
            QStringLiteral("A timeout many times the p99 protects nothing: when the service hangs or slows down, each attempt "
                           "and its caller wait the whole timeout before a retry, a fallback or the breaker can act."),
            QStringLiteral("tst_lint (when it fires); no simulated harm yet")},
    };
    return all;
}

const LintRule* rule(const QString& id)
{
    for (const auto& r : rules())
        if (r.id == id)
            return &r;
    return nullptr;
}

std::vector<LintFinding> check(const Scenario& scenario)
{
    Findings out;
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i) {
        const ServiceSpec* service = scenario.service(scenario.pipelines[i].service);
        if (!service)
            continue;
        const Context c {scenario, int(i), scenario.pipelines[i], *service};
        for (const auto& run : checks())
            run(c, out);
    }
    return out;
}

QJsonObject toJson(const LintFinding& f, const Scenario& scenario)
{
    QJsonObject numbers;
    for (const auto& n : f.numbers)
        numbers[n.name] = n.value;
    const LintRule* r = rule(f.rule);
    return {{QStringLiteral("rule"), f.rule}, {QStringLiteral("severity"), toString(f.severity)},
        {QStringLiteral("pipeline"), f.pipeline >= 0 ? scenario.pipelines[std::size_t(f.pipeline)].name() : QString()},
        {QStringLiteral("pointer"), f.pointer}, {QStringLiteral("message"), f.message}, {QStringLiteral("fix"), f.fix},
        {QStringLiteral("numbers"), numbers}, {QStringLiteral("explanation"), r ? r->explanation : QString()},
        {QStringLiteral("shown_by"), r ? r->shownBy : QString()}};
}

} // namespace lint

} // namespace rwb
