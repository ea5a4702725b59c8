#include "ui/parametercatalog.h"

#include <QCoreApplication>

namespace rwb::catalog {

namespace {

using Kind = ParameterSpec::Kind;

QString tr(const char* text)
{
    return QCoreApplication::translate("rwb::catalog", text);
}

/// "1 call", not "1 calls".
QString singular(const char* unit)
{
    static const std::pair<const char*, const char*> forms[] = {
        { "calls", QT_TRANSLATE_NOOP("rwb::catalog", "call") },
        { "failures", QT_TRANSLATE_NOOP("rwb::catalog", "failure") },
        { "requests", QT_TRANSLATE_NOOP("rwb::catalog", "request") },
        { "tries", QT_TRANSLATE_NOOP("rwb::catalog", "try") },
    };
    for (const auto& [plural, one] : forms)
        if (qstrcmp(plural, unit) == 0)
            return tr(one);
    return {};
}

ParameterSpec integer(const char* key, const char* label, const char* tip, double min, double sliderMax, double max,
    const char* unit, int def)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::Integer;
    s.unit = tr(unit);
    s.unitOne = singular(unit);
    s.minimum = min;
    s.sliderMaximum = sliderMax;
    s.maximum = max;
    s.defaultValue = def;
    return s;
}

ParameterSpec real(const char* key, const char* label, const char* tip, double min, double sliderMax, double max,
    const char* unit, int decimals, double def)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::Real;
    s.unit = tr(unit);
    s.minimum = min;
    s.sliderMaximum = sliderMax;
    s.maximum = max;
    s.decimals = decimals;
    s.defaultValue = def;
    return s;
}

/// A fraction stored as 0..1 and shown as a percentage.
ParameterSpec fraction(const char* key, const char* label, const char* tip, double def)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::Fraction;
    s.unit = QStringLiteral("%");
    s.minimum = 0.0;
    s.sliderMaximum = 100.0;
    s.maximum = 100.0;
    s.decimals = 1;
    s.jsonScale = 0.01;
    s.defaultValue = def;
    return s;
}

/// A duration stored in seconds and shown in milliseconds.
ParameterSpec duration(
    const char* key, const char* label, const char* tip, double minMs, double sliderMaxMs, double defSeconds)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::Duration;
    s.unit = QStringLiteral("ms");
    s.minimum = minMs;
    s.sliderMaximum = sliderMaxMs;
    s.maximum = 3.6e9;
    s.decimals = 0;
    s.logarithmic = true;
    s.jsonScale = 0.001;
    s.defaultValue = defSeconds;
    return s;
}

ParameterSpec optionalDuration(const char* key, const char* label, const char* tip, double sliderMaxMs)
{
    ParameterSpec s = duration(key, label, tip, 0, sliderMaxMs, 0.0);
    s.defaultValue = QJsonValue(QJsonValue::Undefined);
    s.offAtMinimum = true;
    s.offText = tr("Off");
    return s;
}

ParameterSpec only(ParameterSpec s, const char* key, std::initializer_list<const char*> values)
{
    s.visibleKey = QLatin1String(key);
    for (const char* v : values)
        s.visibleValues << QLatin1String(v);
    return s;
}

ParameterSpec offAtZero(ParameterSpec s)
{
    s.offText = tr("Off");
    return s;
}

ParameterSpec unlimitedAtZero(ParameterSpec s)
{
    s.offText = tr("Unlimited");
    return s;
}

ParameterSpec boolean(const char* key, const char* label, const char* tip, bool def)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::Bool;
    s.defaultValue = def;
    return s;
}

ParameterSpec choice(
    const char* key, const char* label, const char* tip, QStringList values, QStringList labels, const QString& def)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::Choice;
    s.choices = std::move(values);
    s.choiceLabels = std::move(labels);
    s.defaultValue = def;
    return s;
}

std::vector<ParameterGroup> makePipelineGroups()
{
    std::vector<ParameterGroup> groups;

    groups.push_back({ QStringLiteral("fallback"), tr("Fallback"),
        tr("Answers with a default value when everything else failed, so the caller degrades "
           "instead of erroring."),
        true, false,
        { boolean("on_failure", "On errors", "Substitutes the fallback when the call ends with an error.", true),
            boolean("on_timeout", "On timeouts", "Substitutes the fallback when the call timed out.", true),
            boolean("on_rejection", "On rejections",
                "Substitutes the fallback when a policy refused the call (breaker open, bulkhead full).", true) } });

    ParameterGroup retry { QStringLiteral("retry"), tr("Retry"),
        tr("Tries a failed call again after a growing, jittered delay."), true, false, {} };
    retry.parameters = {
        integer("max_attempts", "Max attempts", "Total tries per call, the first one included (1 = never retry).", 1,
            10, 1000, "tries", 3),
        choice("backoff/strategy", "Backoff", "How the delay grows from one retry to the next.",
            { QStringLiteral("exponential"), QStringLiteral("linear"), QStringLiteral("constant") },
            { tr("Exponential"), tr("Linear"), tr("Constant") }, QStringLiteral("exponential")),
        duration("backoff/base_delay", "Base delay", "Delay before the first retry; later delays grow from it.", 0,
            10000, 1.0),
        duration("backoff/max_delay", "Max delay", "Cap on any single retry delay, jitter included.", 0, 120000, 60.0),
        only(real("backoff/exponential_base", "Growth factor",
                 "Each exponential retry waits this many times longer than the previous one.", 1.0, 4.0, 100.0, "×", 2,
                 2.0),
            "backoff/strategy", { "exponential" }),
        choice("backoff/jitter", "Jitter",
            "Randomisation that spreads retries of many clients apart (avoids thundering herds).",
            { QStringLiteral("none"), QStringLiteral("full"), QStringLiteral("equal"), QStringLiteral("decorrelated") },
            { tr("None"), tr("Full"), tr("Equal"), tr("Decorrelated") }, QStringLiteral("full")),
        boolean("retry_after/respect_retry_after", "Honour Retry-After",
            "Waits at least as long as the server's Retry-After header asks on 429 and 503 answers.", true),
        duration("retry_after/default_retry_delay", "Default Retry-After",
            "Delay used for a 429/503 that carries no usable Retry-After header.", 0, 60000, 30.0),
        duration("retry_after/max_retry_delay", "Max Retry-After",
            "Cap on the delay a server may impose through Retry-After.", 0, 600000, 300.0),
        optionalDuration("time_budget", "Time budget",
            "Gives up when the next retry would start later than this after the call began.", 60000),
        boolean("retry_on_rejection", "Retry rejections",
            "Also retries calls refused by the breaker, bulkhead or rate limiter (after their hint).", false),
    };
    groups.push_back(std::move(retry));

    ParameterGroup breaker { QStringLiteral("circuit_breaker"), tr("Circuit breaker"),
        tr("Stops calling a failing service for a while, then probes it before trusting it again."), true, false, {} };
    breaker.parameters = {
        choice("trip_mode", "Trip on", "What makes a closed circuit open.",
            { QStringLiteral("consecutive"), QStringLiteral("count_window"), QStringLiteral("time_window") },
            { tr("Consecutive failures"), tr("Failure rate (last N calls)"), tr("Failure rate (time window)") },
            QStringLiteral("consecutive")),
        only(integer("failure_threshold", "Failure threshold",
                 "Failures in a row that open the circuit (consecutive mode).", 1, 50, 1000000, "failures", 5),
            "trip_mode", { "consecutive" }),
        only(fraction("failure_rate_threshold", "Failure rate threshold",
                 "Share of failed calls in the window that opens the circuit (window modes).", 0.5),
            "trip_mode", { "count_window", "time_window" }),
        only(integer("window_size", "Window size", "How many recent calls the failure rate is computed over.", 1, 200,
                 1000000, "calls", 20),
            "trip_mode", { "count_window" }),
        only(duration("failure_window", "Failure window", "How far back the failure rate looks (time-window mode).", 1,
                 120000, 60.0),
            "trip_mode", { "time_window" }),
        only(integer("minimum_calls", "Minimum calls",
                 "Calls needed in the window before the rate may open the circuit.", 1, 100, 1000000, "calls", 10),
            "trip_mode", { "count_window", "time_window" }),
        offAtZero(duration(
            "slow_call_duration", "Slow call", "Calls at least this slow count as slow (0 = off).", 0, 10000, 0.0)),
        only(fraction("slow_call_rate_threshold", "Slow call rate", "Share of slow calls that opens the circuit.", 1.0),
            "trip_mode", { "count_window", "time_window" }),
        duration("recovery_timeout", "Recovery timeout", "How long the circuit stays open before it probes.", 0, 120000,
            60.0),
        real("recovery_backoff_factor", "Recovery growth", "Multiplies the open time each time a probe fails again.",
            1.0, 4.0, 1000.0, "×", 2, 1.0),
        integer("permitted_probes", "Probes", "Calls let through at once while half-open.", 1, 20, 100000, "calls", 1),
        integer("success_threshold", "Successes to close", "Probe successes needed to close the circuit again.", 1, 20,
            100000, "calls", 2),
    };
    groups.push_back(std::move(breaker));

    ParameterGroup limiter { QStringLiteral("rate_limiter"), tr("Rate limiter"),
        tr("A client-side token bucket that caps how fast calls leave this client."), true, false, {} };
    limiter.parameters = {
        real("rate", "Rate", "Tokens added per second: the sustained call rate allowed.", 0.1, 500.0, 1e6, "/s", 1,
            10.0),
        integer(
            "burst", "Burst", "Bucket size: calls allowed at once after a quiet period.", 1, 200, 1000000, "calls", 10),
        duration("max_wait", "Max wait", "How long a call may wait for a token before it is rejected (0 = never wait).",
            0, 10000, 0.0),
        boolean("respect_server_retry_after", "Pause on 429",
            "A 429 with Retry-After pauses every call through this limiter until the hinted time.", true),
    };
    groups.push_back(std::move(limiter));

    ParameterGroup bulkhead { QStringLiteral("bulkhead"), tr("Bulkhead"),
        tr("Caps concurrent calls so a slow dependency cannot take every thread."), true, false, {} };
    bulkhead.parameters = {
        integer("max_concurrent", "Max concurrent", "Calls allowed in flight at the same time.", 1, 200, 1000000,
            "calls", 10),
        integer("max_queue", "Queue size", "Calls that may wait for a free slot (0 = reject at once).", 0, 200, 1000000,
            "calls", 0),
        duration("max_queue_wait", "Max queue wait", "Longest time a call waits in the queue before it is rejected.", 0,
            10000, 0.0),
    };
    groups.push_back(std::move(bulkhead));

    ParameterGroup timeout { QStringLiteral("timeout"), tr("Timeout"),
        tr("Abandons attempts (and whole calls) that take too long."), true, false, {} };
    timeout.parameters = {
        optionalDuration("attempt_timeout", "Per attempt", "Longest time one attempt may take.", 30000),
        optionalDuration(
            "overall_timeout", "Overall", "Longest time a whole call may take, retries and waits included.", 120000),
    };
    groups.push_back(std::move(timeout));
    return groups;
}

ParameterGroup makeFaultGroup()
{
    ParameterGroup g { QString(), tr("Fault profile"), QString(), false, true, {} };
    g.parameters = {
        fraction(
            "error_rate", "Error rate", "Share of requests that fail (the kind is drawn from the error mix).", 0.0),
        choice("latency/distribution", "Latency", "Shape of the service time distribution (drawn when a worker takes the request).",
            { QStringLiteral("fixed"), QStringLiteral("uniform"), QStringLiteral("normal"), QStringLiteral("log_normal"),
                QStringLiteral("exponential"), QStringLiteral("gamma"), QStringLiteral("pareto") },
            { tr("Fixed"), tr("Uniform"), tr("Normal"), tr("Log-normal"), tr("Exponential"), tr("Gamma / Erlang"),
                tr("Pareto (heavy tail)") },
            QStringLiteral("fixed")),
        only(duration("latency/value", "Latency", "Response time of every request (fixed latency).", 0, 5000, 0.02),
            "latency/distribution", { "fixed" }),
        only(duration("latency/min", "Min latency", "Fastest response (uniform), or the Pareto scale: no response is faster.",
                 0, 5000, 0.0),
            "latency/distribution", { "uniform", "pareto" }),
        only(duration("latency/max", "Max latency",
                 "Slowest response (uniform), or the bound of a bounded Pareto (0 = unbounded).", 0, 5000, 0.0),
            "latency/distribution", { "uniform", "pareto" }),
        only(duration("latency/mean", "Mean latency", "Average response time (normal, exponential, gamma).", 0, 5000, 0.0),
            "latency/distribution", { "normal", "exponential", "gamma" }),
        only(duration("latency/stddev", "Latency spread", "Standard deviation of the response time (normal latency).",
                 0, 5000, 0.0),
            "latency/distribution", { "normal" }),
        only(real("latency/shape", "Shape",
                 "Gamma: k (1 = exponential, larger = more regular; CV = 1/sqrt k). Pareto: alpha (smaller = heavier "
                 "tail; above 1 for a finite mean).",
                 0.01, 10, 1000, "", 2, 1.0),
            "latency/distribution", { "gamma", "pareto" }),
        only(duration("latency/median", "Median latency", "Typical response time (log-normal latency).", 0, 5000, 0.04),
            "latency/distribution", { "log_normal" }),
        only(duration("latency/p99", "p99 latency", "Response time that only 1 % of requests exceed (log-normal).", 0,
                 20000, 0.4),
            "latency/distribution", { "log_normal" }),
        duration("network_delay", "Network delay",
            "Delay of each network hop (request and response): every attempt, even a refused one, costs a round trip.", 0,
            1000, 0.0),
        unlimitedAtZero(integer("capacity/max_concurrent", "Workers",
            "Requests the service works on at once; others wait in its queue, and beyond the queue are refused "
            "(0 = unlimited).",
            0, 500, 1000000, "requests", 0)),
        integer("capacity/queue_size", "Queue", "Requests that may wait for a worker.", 0, 500, 1000000, "requests", 0),
        choice("capacity/discipline", "Queue order", "Which waiting request a free worker takes.",
            { QStringLiteral("fifo"), QStringLiteral("lifo"), QStringLiteral("adaptive_lifo") },
            { tr("Oldest first (FIFO)"), tr("Newest first (LIFO)"), tr("Adaptive LIFO") }, QStringLiteral("fifo")),
        optionalDuration("capacity/queue_timeout", "Queue timeout",
            "A request that waited longer than this is refused instead of served (load shedding).", 5000),
        boolean("capacity/drop_abandoned", "Drop abandoned",
            "When a client gives up, the server drops its request; otherwise it keeps working on it in vain.", false),
        duration(
            "retry_after", "Retry-After", "Delay the service asks for in its 429 (and 503) answers.", 0, 60000, 1.0),
    };
    return g;
}

} // namespace

const std::vector<ParameterGroup>& pipelineGroups()
{
    static const std::vector<ParameterGroup> groups = makePipelineGroups();
    return groups;
}

const ParameterGroup& faultProfileGroup()
{
    static const ParameterGroup group = makeFaultGroup();
    return group;
}

QString policyTitle(const QString& key)
{
    for (const auto& g : pipelineGroups()) {
        if (g.key == key)
            return g.title;
    }
    return key;
}

} // namespace rwb::catalog
