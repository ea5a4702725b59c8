#include "ui/editors/parametercatalog.h"

#include "core/faults/faultprofile.h"
#include "core/policy/hedging.h"
#include "core/run/scenario.h"

#include <QCoreApplication>
#include <QJsonArray>

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

ParameterSpec errorClasses(const char* key, const char* label, const char* tip)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::ErrorClasses;
    s.defaultValue = QJsonArray();
    return s;
}

/// A duration stored and shown in seconds (times within a run: schedule, ramp, clients).
ParameterSpec seconds(const char* key, const char* label, const char* tip, double sliderMax, double def)
{
    ParameterSpec s;
    s.key = QLatin1String(key);
    s.label = tr(label);
    s.tooltip = tr(tip);
    s.kind = Kind::Duration;
    s.unit = QStringLiteral("s");
    s.minimum = 0;
    s.sliderMaximum = sliderMax;
    s.maximum = 30 * 24 * 3600.0;
    s.decimals = 1;
    s.logarithmic = true;
    s.defaultValue = def;
    return s;
}

/// Where a failure kind is chosen: the engine's spellings (docs/scenario-format.md).
ParameterSpec failureKind(const char* key, const char* label, const char* tip, const QString& def)
{
    return choice(key, label, tip,
        { QStringLiteral("http_500"), QStringLiteral("http_503"), QStringLiteral("http_429"),
            QStringLiteral("connection_reset"), QStringLiteral("connection_refused"), QStringLiteral("hang"),
            QStringLiteral("malformed") },
        { tr("HTTP 500"), tr("HTTP 503"), tr("HTTP 429"), tr("Connection reset"), tr("Connection refused"), tr("Hang"),
            tr("Malformed answer") },
        def);
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
            { QStringLiteral("none"), QStringLiteral("full"), QStringLiteral("equal"), QStringLiteral("decorrelated"),
                QStringLiteral("proportional"), QStringLiteral("decorrelated_v2") },
            { tr("None"), tr("Full"), tr("Equal"), tr("Decorrelated (AWS)"), tr("±25 % (Polly)"),
                tr("Decorrelated V2 (Polly)") },
            QStringLiteral("full")),
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
        errorClasses("retryable", "Retry on", "Error classes worth another try."),
        errorClasses("non_retryable", "Never retry", "Error classes never retried (they win over Retry on)."),
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
        optionalDuration("max_recovery_timeout", "Max recovery",
            "Cap on the open time as Recovery growth lengthens it (Off: no cap).", 600000),
        choice("half_open_rule", "Half-open rule", "How probes decide: the first failed probe re-opens (Polly), or "
            "all probes report and their rates against the thresholds decide (Resilience4j).",
            { QStringLiteral("any_failure"), QStringLiteral("rates") },
            { tr("Any failure re-opens"), tr("Probe rates decide") }, QStringLiteral("any_failure")),
        integer("permitted_probes", "Probes", "Calls let through at once while half-open.", 1, 20, 100000, "calls", 1),
        optionalDuration("max_wait_in_half_open", "Max half-open",
            "A half-open circuit whose probes never report goes back to open after this long (Off: it waits).", 600000),
        only(integer("success_threshold", "Successes to close", "Probe successes needed to close the circuit again.", 1,
                 20, 100000, "calls", 2),
            "half_open_rule", { "any_failure" }),
        errorClasses("monitored", "Failures are",
            "Error classes that count as failures; none ticked: every error counts. Other errors count as successes."),
        errorClasses("ignored", "Ignored", "Error classes not recorded at all, neither as success nor as failure."),
        choice("initial_state", "Starts", "The state the circuit starts the run in.",
            { QStringLiteral("closed"), QStringLiteral("open"), QStringLiteral("half_open"), QStringLiteral("isolated"),
                QStringLiteral("disabled"), QStringLiteral("metrics_only") },
            { tr("Closed"), tr("Open"), tr("Half-open"), tr("Isolated (forced open)"), tr("Disabled (records nothing)"),
                tr("Metrics only (never opens)") },
            QStringLiteral("closed")),
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

    // Ranges and defaults are the engine's (HedgingConfig).
    const HedgingConfig hedgingDefaults;
    ParameterSpec percentile = real("delay_percentile", "Delay percentile",
        "Hedge after this percentile of the latencies observed (Fixed delay: use the delay above).", 0, 99.9, 99.9, "%",
        1, 0.0);
    percentile.defaultValue = QJsonValue(QJsonValue::Undefined);
    percentile.offAtMinimum = true;
    percentile.offText = tr("Fixed delay");
    ParameterGroup hedging { QStringLiteral("hedging"), tr("Hedging"),
        tr("Sends the request again when no answer came in time; the first good answer wins and the others "
           "are cancelled. Cuts tail latency at the cost of extra load."),
        true, false, {} };
    hedging.parameters = {
        integer("max_hedged_attempts", "Max hedges", "Extra requests per try.", 1, HedgingConfig::kMaxHedgedAttempts,
            HedgingConfig::kMaxHedgedAttempts, "requests", hedgingDefaults.maxHedgedAttempts),
        duration("delay", "Hedging delay", "Wait this long for an answer before the next hedge (0 = all at once).", 0,
            10000, std::chrono::duration<double>(hedgingDefaults.delay).count()),
        percentile,
        boolean("on_failure_only", "Only after failures", "Never hedge on time, only right after a request failed.",
            hedgingDefaults.onFailureOnly),
    };
    groups.push_back(std::move(hedging));
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

ParameterGroup makeErrorMixGroup()
{
    const ErrorMix mix; // the engine's defaults
    ParameterGroup g { QStringLiteral("error_mix"), tr("Error mix"),
        tr("What a failing request gets: relative weights of the failure kinds."), false, true, {} };
    const auto weight = [](const char* key, const char* label, const char* tip, double def) {
        return real(key, label, tip, 0.0, 1.0, 1000.0, "", 2, def);
    };
    g.parameters = {
        weight("http_500", "HTTP 500", "Weight of 500 Internal Server Error.", mix.http500),
        weight("http_503", "HTTP 503", "Weight of 503 Service Unavailable (with Retry-After if the profile says so).",
            mix.http503),
        weight("http_429", "HTTP 429", "Weight of 429 Too Many Requests (with Retry-After).", mix.http429),
        weight("connection_reset", "Reset", "Weight of a connection reset by the service.", mix.connectionReset),
        weight("hang", "Hang", "Weight of a request that never gets an answer (only a timeout ends it).", mix.hang),
        weight("malformed", "Malformed", "Weight of a 200 answer whose body cannot be read.", mix.malformed),
    };
    return g;
}

ParameterGroup makeFlappingGroup()
{
    const Flapping flapping; // the engine's defaults (its period 0 means off: switching on starts at 30 s)
    ParameterGroup g { QStringLiteral("flapping"), tr("Flapping"),
        tr("The service goes down and up again: each period starts up, then fails for the rest."), true, false, {} };
    g.parameters = {
        seconds("period", "Period", "Length of one up-and-down cycle.", 600, 30.0),
        fraction("duty_cycle", "Up share", "Share of each period the service is up.", flapping.dutyCycle),
        seconds("offset", "Offset", "Where in the run the first period starts.", 600, toSeconds(flapping.offset)),
        failureKind("error", "Fails with", "What requests get while the service is down.", QStringLiteral("http_503")),
    };
    return g;
}

ParameterGroup makeRampGroup()
{
    const DegradationRamp ramp;
    ParameterGroup g { QStringLiteral("ramp"), tr("Degradation ramp"),
        tr("Error rate and latency grow steadily between two times, then hold."), true, false, {} };
    g.parameters = {
        seconds("start", "From", "When the degradation begins (s into the run).", 3600, 60.0),
        seconds("end", "Until", "When it reaches its worst (s into the run).", 3600, 120.0),
        fraction("error_rate", "Error rate", "Error rate reached at the end of the ramp.", 0.5),
        real("latency_multiplier", "Latency ×", "Latency factor reached at the end of the ramp.", 1.0, 20.0, 1e6, "×", 1,
            ramp.latencyMultiplier),
    };
    return g;
}

ParameterGroup makeRunGroup()
{
    const Scenario defaults;
    ParameterGroup g { QString(), tr("Run"), tr("Seed and length of the simulated run."), false, true, {} };
    g.parameters = {
        integer("seed", "Seed", "Seed of every random choice: the same seed gives the same run, to the nanosecond.", 0,
            1000, 9007199254740992.0, "", int(defaults.seed)),
        seconds("duration", "Duration", "Clients start requests during this long.", 3600, toSeconds(defaults.duration)),
        seconds("drain_limit", "Drain limit",
            "After the duration, requests in flight get this long to finish; what still runs is unfinished.", 600,
            toSeconds(defaults.drainLimit)),
    };
    return g;
}

ParameterGroup makeClientGroup()
{
    const ArrivalProcess arrival;
    ParameterGroup g { QString(), tr("Client"), tr("Who calls the pipeline, and how often."), false, true, {} };
    ParameterSpec burstSize
        = integer("arrival/burst_size", "Burst size", "Requests sent at the same instant in each burst.", 1, 500, 1000000,
            "requests", 10);
    burstSize.visibleKey = QStringLiteral("arrival/process");
    burstSize.visibleValues = { QStringLiteral("bursts") };
    ParameterSpec burstInterval = seconds("arrival/burst_interval", "Burst every", "Time between two bursts.", 600,
        toSeconds(arrival.burstInterval));
    burstInterval.visibleKey = burstSize.visibleKey;
    burstInterval.visibleValues = burstSize.visibleValues;
    ParameterSpec end = seconds("arrival/end", "Until", "The client stops sending (Off: at the end of the run).", 3600, 0.0);
    end.offAtMinimum = true;
    end.offText = tr("End of run");
    end.defaultValue = QJsonValue(QJsonValue::Undefined);
    g.parameters = {
        integer("count", "Clients",
            "Identical clients (closed loop: users): rates and burst sizes are multiplied by this.", 1, 100, 1000000,
            "", 1),
        choice("arrival/process", "Arrivals",
            "How requests are spaced in time. Open arrivals keep coming however slow the service is; closed-loop "
            "users wait for each answer, then think, then send again.",
            { QStringLiteral("constant"), QStringLiteral("poisson"), QStringLiteral("bursts"), QStringLiteral("closed") },
            { tr("Evenly spaced"), tr("Poisson (random)"), tr("Bursts"), tr("Closed loop (users wait)") },
            toString(arrival.kind)),
        only(real("arrival/rate", "Rate", "Requests per second per client (in bursts mode: the background traffic).",
                 0.0, 500.0, 1e7, "/s", 1, arrival.rate),
            "arrival/process", { "constant", "poisson", "bursts" }),
        burstSize,
        burstInterval,
        only(duration("arrival/think_time", "Think time",
                 "Closed loop: how long a user pauses after an answer (or a failure) before the next request.", 0,
                 10000, arrival.thinkTime.moments().mean / 1e9),
            "arrival/process", { "closed" }),
        only(unlimitedAtZero(integer("arrival/requests_per_user", "Requests each",
                 "Closed loop: a user stops after this many requests (Unlimited: keeps going until the end).", 0, 100,
                 1000000000, "", 0)),
            "arrival/process", { "closed" }),
        seconds("arrival/start", "From", "The client starts sending at this time.", 3600, toSeconds(arrival.start)),
        end,
    };
    return g;
}

} // namespace

const ParameterGroup& errorMixGroup()
{
    static const ParameterGroup group = makeErrorMixGroup();
    return group;
}

const ParameterGroup& flappingGroup()
{
    static const ParameterGroup group = makeFlappingGroup();
    return group;
}

const ParameterGroup& rampGroup()
{
    static const ParameterGroup group = makeRampGroup();
    return group;
}

const ParameterGroup& runGroup()
{
    static const ParameterGroup group = makeRunGroup();
    return group;
}

const ParameterGroup& clientGroup()
{
    static const ParameterGroup group = makeClientGroup();
    return group;
}

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
