#include "core/config/scenariojson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace rwb::scenariojson {

namespace {

std::optional<FaultKind> failureKindFromString(const QString& text)
{
    auto k = faultKindFromString(text);
    if (k == FaultKind::Ok)
        return std::nullopt;
    return k;
}

QJsonArray toArray(const QStringList& list)
{
    QJsonArray a;
    for (const auto& s : list)
        a.append(s);
    return a;
}

QJsonValue optionalDuration(const std::optional<Duration>& d) { return d ? durationToJson(*d) : QJsonValue(QJsonValue::Null); }

void readErrorClasses(JsonReader& r, const QString& key, ErrorClassSet& out)
{
    QStringList names;
    if (!r.readStringList(key, names))
        return;
    ErrorClassSet set;
    for (const auto& n : names) {
        if (n.isEmpty() || n.size() > 64) {
            r.error(key, QStringLiteral("expected error class names of 1 to 64 characters, got \"%1\"").arg(n.left(70)));
            return;
        }
        set.insert(ErrorClass::fromName(n));
    }
    out = set;
}

QJsonArray errorClassesToJson(const ErrorClassSet& set)
{
    QStringList names = set.names();
    names.sort();
    return toArray(names);
}

// ---- latency ------------------------------------------------------------------------------------------------

LatencyDistribution latencyFromJson(JsonReader& parent, const QString& key)
{
    LatencyDistribution d;
    const QJsonValue raw = parent.value(key);
    if (raw.isDouble() || raw.isString()) { // shorthand: a bare duration is a fixed latency
        Duration fixed {};
        if (parent.readDuration(key, fixed))
            d = LatencyDistribution::fixed(fixed);
        return d;
    }
    auto sub = parent.object(key);
    if (!sub)
        return d;
    JsonReader& r = *sub;
    r.readEnum(QStringLiteral("distribution"), d.kind, &latencyKindFromString, latencyKindNames());
    switch (d.kind) {
    case LatencyDistribution::Kind::Fixed:
        r.readDuration(QStringLiteral("value"), d.value);
        break;
    case LatencyDistribution::Kind::Uniform:
        r.readDuration(QStringLiteral("min"), d.min);
        r.readDuration(QStringLiteral("max"), d.max);
        break;
    case LatencyDistribution::Kind::Normal:
        r.readDuration(QStringLiteral("mean"), d.mean);
        r.readDuration(QStringLiteral("stddev"), d.stddev);
        break;
    case LatencyDistribution::Kind::LogNormal:
        r.readDuration(QStringLiteral("median"), d.median);
        r.readDuration(QStringLiteral("p99"), d.p99);
        break;
    case LatencyDistribution::Kind::Exponential:
        r.readDuration(QStringLiteral("mean"), d.mean);
        break;
    case LatencyDistribution::Kind::Gamma:
        r.readDuration(QStringLiteral("mean"), d.mean);
        r.read(QStringLiteral("shape"), d.shape, 1.0e-6, 1.0e6);
        break;
    case LatencyDistribution::Kind::Pareto:
        r.readDuration(QStringLiteral("min"), d.min);
        r.read(QStringLiteral("shape"), d.shape, 1.0e-6, 1.0e6);
        r.readDuration(QStringLiteral("max"), d.max);
        break;
    case LatencyDistribution::Kind::Empirical: {
        std::vector<Duration> samples;
        std::vector<double> weights;
        if (!r.has(QStringLiteral("samples")))
            r.error(QString(), QStringLiteral("missing key \"samples\""));
        if (auto list = r.array(QStringLiteral("samples"))) {
            for (qsizetype i = 0; i < list->size(); ++i) {
                QString problem;
                if (auto v = JsonReader::parseDuration(list->at(i), &problem))
                    samples.push_back(*v);
                else
                    r.errors().push_back({{}, 0, 0, r.pointerOf(QStringLiteral("samples")) + QStringLiteral("/%1").arg(i), problem});
            }
        }
        if (auto list = r.array(QStringLiteral("weights"))) {
            for (qsizetype i = 0; i < list->size(); ++i) {
                if (!list->at(i).isDouble())
                    r.errors().push_back({{}, 0, 0, r.pointerOf(QStringLiteral("weights")) + QStringLiteral("/%1").arg(i),
                        QStringLiteral("expected a number, got %1").arg(JsonReader::describe(list->at(i)))});
                weights.push_back(list->at(i).toDouble());
            }
        }
        d = LatencyDistribution::empirical(std::move(samples), std::move(weights)); // slow tail read below
        break;
    }
    }
    r.read(QStringLiteral("slow_tail_probability"), d.slowTailProbability, 0.0, 1.0);
    r.readDuration(QStringLiteral("slow_tail_latency"), d.slowTailLatency);
    r.finish();
    return d;
}

QJsonObject latencyToJson(const LatencyDistribution& d)
{
    QJsonObject o;
    o[QStringLiteral("distribution")] = toString(d.kind);
    switch (d.kind) {
    case LatencyDistribution::Kind::Fixed:
        o[QStringLiteral("value")] = durationToJson(d.value);
        break;
    case LatencyDistribution::Kind::Uniform:
        o[QStringLiteral("min")] = durationToJson(d.min);
        o[QStringLiteral("max")] = durationToJson(d.max);
        break;
    case LatencyDistribution::Kind::Normal:
        o[QStringLiteral("mean")] = durationToJson(d.mean);
        o[QStringLiteral("stddev")] = durationToJson(d.stddev);
        break;
    case LatencyDistribution::Kind::LogNormal:
        o[QStringLiteral("median")] = durationToJson(d.median);
        o[QStringLiteral("p99")] = durationToJson(d.p99);
        break;
    case LatencyDistribution::Kind::Exponential:
        o[QStringLiteral("mean")] = durationToJson(d.mean);
        break;
    case LatencyDistribution::Kind::Gamma:
        o[QStringLiteral("mean")] = durationToJson(d.mean);
        o[QStringLiteral("shape")] = d.shape;
        break;
    case LatencyDistribution::Kind::Pareto:
        o[QStringLiteral("min")] = durationToJson(d.min);
        o[QStringLiteral("shape")] = d.shape;
        if (d.max > Duration::zero())
            o[QStringLiteral("max")] = durationToJson(d.max);
        break;
    case LatencyDistribution::Kind::Empirical: {
        QJsonArray samples;
        for (const auto& v : d.samples)
            samples.append(durationToJson(v));
        o[QStringLiteral("samples")] = samples;
        if (!d.weights.empty()) {
            QJsonArray weights;
            for (double w : d.weights)
                weights.append(w);
            o[QStringLiteral("weights")] = weights;
        }
        break;
    }
    }
    if (d.slowTailProbability > 0.0 || d.slowTailLatency != Duration::zero()) {
        o[QStringLiteral("slow_tail_probability")] = d.slowTailProbability;
        o[QStringLiteral("slow_tail_latency")] = durationToJson(d.slowTailLatency);
    }
    return o;
}

// A fixed distribution is written as a bare duration (the shorthand the reader accepts).
QJsonValue latencyOrDurationToJson(const LatencyDistribution& d)
{
    if (d.kind == LatencyDistribution::Kind::Fixed && d.slowTailProbability == 0.0 && d.slowTailLatency == Duration::zero())
        return durationToJson(d.value);
    return latencyToJson(d);
}

} // namespace

// ---- fault profile ------------------------------------------------------------------------------------------

namespace {
FaultProfile faultProfileOver(JsonReader& r, FaultProfile p)
{
    r.read(QStringLiteral("error_rate"), p.errorRate, 0.0, 1.0);
    if (auto mix = r.object(QStringLiteral("error_mix"))) {
        ErrorMix m {0, 0, 0, 0, 0, 0};
        mix->read(QStringLiteral("http_500"), m.http500, 0.0);
        mix->read(QStringLiteral("http_503"), m.http503, 0.0);
        mix->read(QStringLiteral("http_429"), m.http429, 0.0);
        mix->read(QStringLiteral("connection_reset"), m.connectionReset, 0.0);
        mix->read(QStringLiteral("hang"), m.hang, 0.0);
        mix->read(QStringLiteral("malformed"), m.malformed, 0.0);
        mix->finish();
        p.errorMix = m;
    }
    if (r.has(QStringLiteral("latency")))
        p.latency = latencyFromJson(r, QStringLiteral("latency"));
    if (r.has(QStringLiteral("network_delay")))
        p.networkDelay = latencyFromJson(r, QStringLiteral("network_delay"));
    r.read(QStringLiteral("optimistic_concurrency"), p.optimisticConcurrency);
    r.readDuration(QStringLiteral("retry_after"), p.retryAfter);
    r.readEnum(QStringLiteral("retry_after_format"), p.retryAfterFormat, &retryAfterFormatFromString,
        {QStringLiteral("seconds"), QStringLiteral("http_date")});
    r.read(QStringLiteral("retry_after_on_503"), p.retryAfterOn503);

    if (auto outages = r.array(QStringLiteral("outages"))) {
        p.outages.clear();
        for (qsizetype i = 0; i < outages->size(); ++i) {
            const QString ptr = r.pointerOf(QStringLiteral("outages")) + QLatin1Char('/') + QString::number(i);
            if (!outages->at(i).isObject()) {
                r.errors().push_back({{}, 0, 0, ptr, QStringLiteral("expected an object, got ") + JsonReader::describe(outages->at(i))});
                continue;
            }
            JsonReader w(outages->at(i).toObject(), ptr, r.errors());
            OutageWindow o;
            if (!w.has(QStringLiteral("start")))
                w.error(QString(), QStringLiteral("missing key \"start\""));
            if (!w.has(QStringLiteral("end")))
                w.error(QString(), QStringLiteral("missing key \"end\""));
            w.readDuration(QStringLiteral("start"), o.start);
            w.readDuration(QStringLiteral("end"), o.end);
            w.readEnum(QStringLiteral("error"), o.error, &failureKindFromString, faultKindNames(true));
            w.finish();
            p.outages.push_back(o);
        }
    }
    const auto isNullAt = [&](const QString& key) { return r.has(key) && r.value(key).isNull(); };
    if (isNullAt(QStringLiteral("flapping"))) {
        r.accept(QStringLiteral("flapping"));
        p.flapping = Flapping {};
    } else if (auto f = r.object(QStringLiteral("flapping"))) {
        Flapping fl;
        fl.period = 1s;
        f->readDuration(QStringLiteral("period"), fl.period);
        f->read(QStringLiteral("duty_cycle"), fl.dutyCycle, 0.0, 1.0);
        f->readDuration(QStringLiteral("offset"), fl.offset);
        f->readEnum(QStringLiteral("error"), fl.error, &failureKindFromString, faultKindNames(true));
        if (fl.period <= Duration::zero())
            f->error(QStringLiteral("period"), QStringLiteral("expected a duration > 0 s, got 0 s"));
        f->finish();
        p.flapping = fl;
    }
    if (isNullAt(QStringLiteral("ramp"))) {
        r.accept(QStringLiteral("ramp"));
        p.ramp.reset();
    } else if (auto f = r.object(QStringLiteral("ramp"))) {
        DegradationRamp ramp;
        ramp.errorRate = p.errorRate;
        f->readDuration(QStringLiteral("start"), ramp.start);
        f->readDuration(QStringLiteral("end"), ramp.end);
        f->read(QStringLiteral("error_rate"), ramp.errorRate, 0.0, 1.0);
        f->read(QStringLiteral("latency_multiplier"), ramp.latencyMultiplier, 0.0, 1.0e6);
        f->finish();
        p.ramp = ramp;
    }
    if (isNullAt(QStringLiteral("capacity"))) {
        r.accept(QStringLiteral("capacity"));
        p.capacity = Capacity {};
    } else if (auto f = r.object(QStringLiteral("capacity"))) {
        Capacity c;
        c.maxConcurrent = 1;
        f->read(QStringLiteral("max_concurrent"), c.maxConcurrent, 1, 10000000);
        f->read(QStringLiteral("queue_size"), c.queueSize, 0, 10000000);
        f->readEnum(QStringLiteral("overload_error"), c.overloadError, &failureKindFromString, faultKindNames(true));
        if (f->has(QStringLiteral("overload_latency")))
            c.overloadLatency = latencyFromJson(*f, QStringLiteral("overload_latency"));
        f->readEnum(QStringLiteral("discipline"), c.discipline, &queueDisciplineFromString,
            {QStringLiteral("fifo"), QStringLiteral("lifo"), QStringLiteral("adaptive_lifo")});
        f->readDuration(QStringLiteral("queue_timeout"), c.queueTimeout);
        if (f->has(QStringLiteral("codel")) && f->value(QStringLiteral("codel")).isNull()) {
            f->accept(QStringLiteral("codel"));
        } else if (auto codel = f->object(QStringLiteral("codel"))) {
            CoDel cd;
            codel->readDuration(QStringLiteral("target"), cd.target);
            codel->readDuration(QStringLiteral("interval"), cd.interval);
            codel->finish();
            c.codel = cd;
        }
        f->read(QStringLiteral("drop_abandoned"), c.dropAbandoned);
        f->finish();
        p.capacity = c;
    }
    return p;
}
} // namespace

FaultProfile faultProfileFromJson(JsonReader& reader)
{
    return faultProfileOver(reader, FaultProfile {});
}

QJsonObject faultProfileToJson(const FaultProfile& p)
{
    QJsonObject o;
    o[QStringLiteral("error_rate")] = p.errorRate;
    QJsonObject mix;
    mix[QStringLiteral("http_500")] = p.errorMix.http500;
    mix[QStringLiteral("http_503")] = p.errorMix.http503;
    mix[QStringLiteral("http_429")] = p.errorMix.http429;
    mix[QStringLiteral("connection_reset")] = p.errorMix.connectionReset;
    mix[QStringLiteral("hang")] = p.errorMix.hang;
    mix[QStringLiteral("malformed")] = p.errorMix.malformed;
    o[QStringLiteral("error_mix")] = mix;
    o[QStringLiteral("latency")] = latencyToJson(p.latency);
    o[QStringLiteral("network_delay")] = latencyOrDurationToJson(p.networkDelay);
    o[QStringLiteral("optimistic_concurrency")] = p.optimisticConcurrency;
    o[QStringLiteral("retry_after")] = durationToJson(p.retryAfter);
    o[QStringLiteral("retry_after_format")] = toString(p.retryAfterFormat);
    o[QStringLiteral("retry_after_on_503")] = p.retryAfterOn503;
    QJsonArray outages;
    for (const auto& w : p.outages)
        outages.append(QJsonObject {{QStringLiteral("start"), durationToJson(w.start)},
            {QStringLiteral("end"), durationToJson(w.end)}, {QStringLiteral("error"), toString(w.error)}});
    o[QStringLiteral("outages")] = outages;
    if (p.flapping.enabled())
        o[QStringLiteral("flapping")] = QJsonObject {{QStringLiteral("period"), durationToJson(p.flapping.period)},
            {QStringLiteral("duty_cycle"), p.flapping.dutyCycle}, {QStringLiteral("offset"), durationToJson(p.flapping.offset)},
            {QStringLiteral("error"), toString(p.flapping.error)}};
    else
        o[QStringLiteral("flapping")] = QJsonValue::Null;
    if (p.ramp)
        o[QStringLiteral("ramp")] = QJsonObject {{QStringLiteral("start"), durationToJson(p.ramp->start)},
            {QStringLiteral("end"), durationToJson(p.ramp->end)}, {QStringLiteral("error_rate"), p.ramp->errorRate},
            {QStringLiteral("latency_multiplier"), p.ramp->latencyMultiplier}};
    else
        o[QStringLiteral("ramp")] = QJsonValue::Null;
    if (p.capacity.enabled()) {
        const auto& c = p.capacity;
        QJsonObject capacity {{QStringLiteral("max_concurrent"), c.maxConcurrent}, {QStringLiteral("queue_size"), c.queueSize},
            {QStringLiteral("overload_error"), toString(c.overloadError)},
            {QStringLiteral("overload_latency"), latencyOrDurationToJson(c.overloadLatency)},
            {QStringLiteral("discipline"), toString(c.discipline)}, {QStringLiteral("drop_abandoned"), c.dropAbandoned}};
        if (c.queueTimeout > Duration::zero())
            capacity[QStringLiteral("queue_timeout")] = durationToJson(c.queueTimeout);
        if (c.codel)
            capacity[QStringLiteral("codel")] = QJsonObject {{QStringLiteral("target"), durationToJson(c.codel->target)},
                {QStringLiteral("interval"), durationToJson(c.codel->interval)}};
        o[QStringLiteral("capacity")] = capacity;
    } else
        o[QStringLiteral("capacity")] = QJsonValue::Null;
    return o;
}

// ---- policies -----------------------------------------------------------------------------------------------

BackoffConfig backoffFromJson(JsonReader& r)
{
    BackoffConfig c;
    r.readEnum(QStringLiteral("strategy"), c.strategy, &backoffStrategyFromString,
        {QStringLiteral("exponential"), QStringLiteral("linear"), QStringLiteral("constant")});
    r.readDuration(QStringLiteral("base_delay"), c.baseDelay);
    r.readDuration(QStringLiteral("max_delay"), c.maxDelay);
    r.read(QStringLiteral("exponential_base"), c.exponentialBase);
    r.readEnum(QStringLiteral("jitter"), c.jitter, &jitterFromString,
        {QStringLiteral("none"), QStringLiteral("full"), QStringLiteral("equal"), QStringLiteral("decorrelated"),
            QStringLiteral("proportional"), QStringLiteral("decorrelated_v2")});
    r.finish();
    return c;
}

QJsonObject backoffToJson(const BackoffConfig& c)
{
    return {{QStringLiteral("strategy"), toString(c.strategy)}, {QStringLiteral("base_delay"), durationToJson(c.baseDelay)},
        {QStringLiteral("max_delay"), durationToJson(c.maxDelay)}, {QStringLiteral("exponential_base"), c.exponentialBase},
        {QStringLiteral("jitter"), toString(c.jitter)}};
}

namespace {
// An optional policy object: absent or null -> none, an object -> read with `read`, which finishes it.
template<class T, class F>
void readOptionalObject(JsonReader& r, const QString& key, std::optional<T>& out, F&& read)
{
    if (r.has(key) && r.value(key).isNull()) {
        r.accept(key);
        out.reset();
    } else if (auto sub = r.object(key)) {
        out = read(*sub);
        sub->finish();
    }
}

RetryBudgetConfig retryBudgetFromJson(JsonReader& r)
{
    RetryBudgetConfig c;
    r.read(QStringLiteral("name"), c.name);
    r.read(QStringLiteral("percent"), c.percent);
    r.read(QStringLiteral("min_retries_per_second"), c.minRetriesPerSecond);
    r.readDuration(QStringLiteral("window"), c.window);
    return c;
}

QJsonValue retryBudgetToJson(const std::optional<RetryBudgetConfig>& c)
{
    if (!c)
        return QJsonValue::Null;
    QJsonObject o {{QStringLiteral("percent"), c->percent}, {QStringLiteral("min_retries_per_second"), c->minRetriesPerSecond},
        {QStringLiteral("window"), durationToJson(c->window)}};
    if (!c->name.isEmpty())
        o[QStringLiteral("name")] = c->name;
    return o;
}

RetryThrottleConfig retryThrottleFromJson(JsonReader& r)
{
    RetryThrottleConfig c;
    r.read(QStringLiteral("name"), c.name);
    r.read(QStringLiteral("max_tokens"), c.maxTokens);
    r.read(QStringLiteral("token_ratio"), c.tokenRatio);
    return c;
}

QJsonValue retryThrottleToJson(const std::optional<RetryThrottleConfig>& c)
{
    if (!c)
        return QJsonValue::Null;
    QJsonObject o {{QStringLiteral("max_tokens"), c->maxTokens}, {QStringLiteral("token_ratio"), c->tokenRatio}};
    if (!c->name.isEmpty())
        o[QStringLiteral("name")] = c->name;
    return o;
}
} // namespace

RetryConfig retryFromJson(JsonReader& r)
{
    RetryConfig c;
    r.read(QStringLiteral("max_attempts"), c.maxAttempts, 1, 1000000);
    if (auto b = r.object(QStringLiteral("backoff")))
        c.backoff = backoffFromJson(*b);
    readErrorClasses(r, QStringLiteral("retryable"), c.retryable);
    readErrorClasses(r, QStringLiteral("non_retryable"), c.nonRetryable);
    r.readDuration(QStringLiteral("time_budget"), c.timeBudget);
    if (auto h = r.object(QStringLiteral("retry_after"))) {
        h->read(QStringLiteral("respect_retry_after"), c.retryAfter.respectRetryAfter);
        h->readDuration(QStringLiteral("default_retry_delay"), c.retryAfter.defaultRetryDelay);
        h->readDuration(QStringLiteral("max_retry_delay"), c.retryAfter.maxRetryDelay);
        h->finish();
    }
    r.read(QStringLiteral("retry_on_rejection"), c.retryOnRejection);
    readOptionalObject(r, QStringLiteral("budget"), c.budget, retryBudgetFromJson);
    readOptionalObject(r, QStringLiteral("throttling"), c.throttling, retryThrottleFromJson);
    return c;
}

QJsonObject retryToJson(const RetryConfig& c)
{
    QJsonObject o {{QStringLiteral("max_attempts"), c.maxAttempts}, {QStringLiteral("backoff"), backoffToJson(c.backoff)},
        {QStringLiteral("retryable"), errorClassesToJson(c.retryable)},
        {QStringLiteral("non_retryable"), errorClassesToJson(c.nonRetryable)},
        {QStringLiteral("time_budget"), optionalDuration(c.timeBudget)},
        {QStringLiteral("retry_after"),
            QJsonObject {{QStringLiteral("respect_retry_after"), c.retryAfter.respectRetryAfter},
                {QStringLiteral("default_retry_delay"), durationToJson(c.retryAfter.defaultRetryDelay)},
                {QStringLiteral("max_retry_delay"), durationToJson(c.retryAfter.maxRetryDelay)}}},
        {QStringLiteral("retry_on_rejection"), c.retryOnRejection}, {QStringLiteral("budget"), retryBudgetToJson(c.budget)},
        {QStringLiteral("throttling"), retryThrottleToJson(c.throttling)}};
    return o;
}

CircuitBreakerConfig circuitBreakerFromJson(JsonReader& r, const QString& defaultName)
{
    CircuitBreakerConfig c;
    c.name = defaultName;
    r.read(QStringLiteral("name"), c.name, false);
    r.readEnum(QStringLiteral("trip_mode"), c.tripMode, &tripModeFromString,
        {QStringLiteral("consecutive"), QStringLiteral("count_window"), QStringLiteral("time_window")});
    r.read(QStringLiteral("failure_threshold"), c.failureThreshold);
    r.read(QStringLiteral("window_size"), c.windowSize);
    r.readDuration(QStringLiteral("failure_window"), c.failureWindow);
    r.read(QStringLiteral("failure_rate_threshold"), c.failureRateThreshold);
    r.read(QStringLiteral("minimum_calls"), c.minimumCalls);
    r.readDuration(QStringLiteral("slow_call_duration"), c.slowCallDuration);
    r.read(QStringLiteral("slow_call_rate_threshold"), c.slowCallRateThreshold);
    r.readDuration(QStringLiteral("recovery_timeout"), c.recoveryTimeout);
    r.read(QStringLiteral("recovery_backoff_factor"), c.recoveryBackoffFactor);
    r.readDuration(QStringLiteral("max_recovery_timeout"), c.maxRecoveryTimeout);
    r.readEnum(QStringLiteral("half_open_rule"), c.halfOpenRule, &halfOpenRuleFromString,
        {QStringLiteral("any_failure"), QStringLiteral("rates")});
    r.read(QStringLiteral("permitted_probes"), c.permittedProbes);
    r.read(QStringLiteral("success_threshold"), c.successThreshold);
    r.readDuration(QStringLiteral("max_wait_in_half_open"), c.maxWaitInHalfOpen);
    readErrorClasses(r, QStringLiteral("monitored"), c.monitored);
    readErrorClasses(r, QStringLiteral("ignored"), c.ignored);
    r.readEnum(QStringLiteral("initial_state"), c.initialState, &breakerInitialStateFromString,
        {QStringLiteral("closed"), QStringLiteral("open"), QStringLiteral("half_open"), QStringLiteral("isolated"),
            QStringLiteral("disabled"), QStringLiteral("metrics_only")});
    if (auto schedule = r.array(QStringLiteral("schedule"))) {
        for (qsizetype i = 0; i < schedule->size(); ++i) {
            const QString ptr = r.pointerOf(QStringLiteral("schedule")) + QLatin1Char('/') + QString::number(i);
            if (!schedule->at(i).isObject()) {
                r.errors().push_back({{}, 0, 0, ptr, QStringLiteral("expected an object, got ") + JsonReader::describe(schedule->at(i))});
                continue;
            }
            JsonReader e(schedule->at(i).toObject(), ptr, r.errors());
            ScheduledBreakerAction entry;
            for (const auto& key : {QStringLiteral("at"), QStringLiteral("action")})
                if (!e.has(key))
                    e.error(QString(), QStringLiteral("missing key \"%1\"").arg(key));
            e.readDuration(QStringLiteral("at"), entry.at);
            e.readEnum(QStringLiteral("action"), entry.action.command, &breakerCommandFromString,
                {QStringLiteral("close"), QStringLiteral("open"), QStringLiteral("half_open"), QStringLiteral("isolate"),
                    QStringLiteral("disable"), QStringLiteral("metrics_only"), QStringLiteral("release"), QStringLiteral("reset")});
            e.readDuration(QStringLiteral("for"), entry.action.openFor);
            std::optional<Duration> until;
            e.readDuration(QStringLiteral("until"), until);
            if (until)
                entry.action.openUntil = TimePoint(*until);
            e.finish();
            c.schedule.push_back(entry);
        }
    }
    return c;
}

QJsonObject circuitBreakerToJson(const CircuitBreakerConfig& c)
{
    QJsonObject o {{QStringLiteral("name"), c.name}, {QStringLiteral("trip_mode"), toString(c.tripMode)},
        {QStringLiteral("failure_threshold"), c.failureThreshold}, {QStringLiteral("window_size"), c.windowSize},
        {QStringLiteral("failure_window"), durationToJson(c.failureWindow)},
        {QStringLiteral("failure_rate_threshold"), c.failureRateThreshold}, {QStringLiteral("minimum_calls"), c.minimumCalls},
        {QStringLiteral("slow_call_duration"), durationToJson(c.slowCallDuration)},
        {QStringLiteral("slow_call_rate_threshold"), c.slowCallRateThreshold},
        {QStringLiteral("recovery_timeout"), durationToJson(c.recoveryTimeout)},
        {QStringLiteral("recovery_backoff_factor"), c.recoveryBackoffFactor},
        {QStringLiteral("max_recovery_timeout"), optionalDuration(c.maxRecoveryTimeout)},
        {QStringLiteral("half_open_rule"), toString(c.halfOpenRule)}, {QStringLiteral("permitted_probes"), c.permittedProbes},
        {QStringLiteral("success_threshold"), c.successThreshold},
        {QStringLiteral("max_wait_in_half_open"), optionalDuration(c.maxWaitInHalfOpen)},
        {QStringLiteral("monitored"), errorClassesToJson(c.monitored)},
        {QStringLiteral("ignored"), errorClassesToJson(c.ignored)}, {QStringLiteral("initial_state"), toString(c.initialState)}};
    if (!c.schedule.empty()) {
        QJsonArray schedule;
        for (const auto& s : c.schedule) {
            QJsonObject entry {{QStringLiteral("at"), durationToJson(s.at)}, {QStringLiteral("action"), toString(s.action.command)}};
            if (s.action.openFor)
                entry[QStringLiteral("for")] = durationToJson(*s.action.openFor);
            if (s.action.openUntil)
                entry[QStringLiteral("until")] = durationToJson(s.action.openUntil->time_since_epoch());
            schedule.append(entry);
        }
        o[QStringLiteral("schedule")] = schedule;
    }
    return o;
}

namespace {

// A stage object: present = enabled unless "enabled": false.
bool readEnabled(JsonReader& r)
{
    bool enabled = true;
    r.read(QStringLiteral("enabled"), enabled);
    return enabled;
}

// A pipeline's "expect" object: every key optional (validate() checks the ranges).
PipelineExpectations expectationsFromJson(JsonReader& r)
{
    PipelineExpectations x;
    if (bool opens = false; r.has(QStringLiteral("breaker_opens")) && r.read(QStringLiteral("breaker_opens"), opens))
        x.breakerOpens = opens;
    r.readDuration(QStringLiteral("breaker_opens_within"), x.breakerOpensWithin);
    if (int n = 0; r.has(QStringLiteral("attempts_before_open_at_most"))
        && r.read(QStringLiteral("attempts_before_open_at_most"), n, 0))
        x.attemptsBeforeOpenAtMost = n;
    r.readDuration(QStringLiteral("worst_call_at_most"), x.worstCallAtMost);
    if (double rate = 0; r.has(QStringLiteral("success_rate_at_least")) && r.read(QStringLiteral("success_rate_at_least"), rate, 0.0, 1.0))
        x.successRateAtLeast = rate;
    r.readDuration(QStringLiteral("p99_at_most"), x.p99AtMost);
    r.readDuration(QStringLiteral("recovers_within"), x.recoversWithin);
    return x;
}

QJsonObject expectationsToJson(const PipelineExpectations& x)
{
    QJsonObject o;
    if (x.breakerOpens)
        o[QStringLiteral("breaker_opens")] = *x.breakerOpens;
    if (x.breakerOpensWithin)
        o[QStringLiteral("breaker_opens_within")] = durationToJson(*x.breakerOpensWithin);
    if (x.attemptsBeforeOpenAtMost)
        o[QStringLiteral("attempts_before_open_at_most")] = *x.attemptsBeforeOpenAtMost;
    if (x.worstCallAtMost)
        o[QStringLiteral("worst_call_at_most")] = durationToJson(*x.worstCallAtMost);
    if (x.successRateAtLeast)
        o[QStringLiteral("success_rate_at_least")] = *x.successRateAtLeast;
    if (x.p99AtMost)
        o[QStringLiteral("p99_at_most")] = durationToJson(*x.p99AtMost);
    if (x.recoversWithin)
        o[QStringLiteral("recovers_within")] = durationToJson(*x.recoversWithin);
    return o;
}

PipelineSpec pipelineFromJson(JsonReader& r)
{
    PipelineSpec spec;
    PipelineConfig& c = spec.config;
    c.retryEnabled = false;
    if (!r.has(QStringLiteral("name")))
        r.error(QString(), QStringLiteral("missing key \"name\""));
    if (!r.has(QStringLiteral("service")))
        r.error(QString(), QStringLiteral("missing key \"service\""));
    r.read(QStringLiteral("name"), c.name, false);
    r.read(QStringLiteral("service"), spec.service, false);
    QStringList order;
    if (r.readStringList(QStringLiteral("order"), order)) {
        std::vector<StageKind> stages;
        for (qsizetype i = 0; i < order.size(); ++i) {
            if (auto k = stageKindFromString(order[i]))
                stages.push_back(*k);
            else
                r.errors().push_back({{}, 0, 0, r.pointerOf(QStringLiteral("order")) + QLatin1Char('/') + QString::number(i),
                    QStringLiteral("expected one of fallback, retry, circuit_breaker, rate_limiter, bulkhead, timeout, got \"%1\"")
                        .arg(order[i])});
        }
        if (stages.size() == std::size_t(order.size()))
            c.order = stages;
    }
    if (auto s = r.object(QStringLiteral("retry"))) {
        c.retryEnabled = readEnabled(*s);
        c.retry = retryFromJson(*s);
        s->finish();
    }
    if (auto s = r.object(QStringLiteral("circuit_breaker"))) {
        const bool enabled = readEnabled(*s);
        CircuitBreakerConfig read = circuitBreakerFromJson(*s, c.name);
        s->finish();
        if (enabled)
            spec.breaker = read;
    }
    if (auto s = r.object(QStringLiteral("rate_limiter"))) {
        c.rateLimiterEnabled = readEnabled(*s);
        s->read(QStringLiteral("rate"), c.rateLimiter.ratePerSecond);
        s->read(QStringLiteral("burst"), c.rateLimiter.burst);
        s->readDuration(QStringLiteral("max_wait"), c.rateLimiter.maxWait);
        s->read(QStringLiteral("respect_server_retry_after"), c.rateLimiter.respectServerRetryAfter);
        s->finish();
    }
    if (auto s = r.object(QStringLiteral("bulkhead"))) {
        c.bulkheadEnabled = readEnabled(*s);
        s->read(QStringLiteral("max_concurrent"), c.bulkhead.maxConcurrent);
        s->read(QStringLiteral("max_queue"), c.bulkhead.maxQueue);
        s->readDuration(QStringLiteral("max_queue_wait"), c.bulkhead.maxQueueWait);
        s->finish();
    }
    if (auto s = r.object(QStringLiteral("timeout"))) {
        c.timeoutEnabled = readEnabled(*s);
        s->readDuration(QStringLiteral("attempt_timeout"), c.timeout.attemptTimeout);
        s->readDuration(QStringLiteral("attempt_timeout_increment"), c.timeout.attemptTimeoutIncrement);
        s->readDuration(QStringLiteral("overall_timeout"), c.timeout.overallTimeout);
        s->finish();
    }
    if (auto s = r.object(QStringLiteral("hedging"))) {
        c.hedgingEnabled = readEnabled(*s);
        s->read(QStringLiteral("max_hedged_attempts"), c.hedging.maxHedgedAttempts);
        s->readDuration(QStringLiteral("delay"), c.hedging.delay);
        if (const QJsonValue v = s->value(QStringLiteral("delay_percentile")); v.isUndefined() || v.isNull()) {
            s->accept(QStringLiteral("delay_percentile")); // absent or null: a fixed delay
        } else {
            double p = 0;
            if (s->read(QStringLiteral("delay_percentile"), p))
                c.hedging.delayPercentile = p;
        }
        s->read(QStringLiteral("on_failure_only"), c.hedging.onFailureOnly);
        s->finish();
    }
    if (auto s = r.object(QStringLiteral("fallback"))) {
        c.fallbackEnabled = readEnabled(*s);
        s->read(QStringLiteral("on_failure"), c.fallback.onFailure);
        s->read(QStringLiteral("on_timeout"), c.fallback.onTimeout);
        s->read(QStringLiteral("on_rejection"), c.fallback.onRejection);
        s->finish();
    }
    if (auto s = r.object(QStringLiteral("expect"))) {
        spec.expect = expectationsFromJson(*s);
        s->finish();
    }
    if (QString library; r.read(QStringLiteral("behave_like"), library)) {
        if (auto b = behaveLikeFromString(library); b && *b != BehaveLike::Workbench)
            spec.behaveLike = *b;
        else if (!b)
            r.error(QStringLiteral("behave_like"),
                QStringLiteral("expected one of opossum, cockatiel, resilience4j, polly, got \"%1\"").arg(library));
    }
    behavelike::apply(spec);
    r.finish();
    return spec;
}

QJsonObject withEnabled(QJsonObject o, bool enabled)
{
    if (!enabled)
        o[QStringLiteral("enabled")] = false;
    return o;
}

QJsonObject pipelineToJson(const PipelineSpec& spec)
{
    const PipelineConfig& c = spec.config;
    QJsonObject o {{QStringLiteral("name"), c.name}, {QStringLiteral("service"), spec.service}};
    if (c.order != PipelineConfig::defaultOrder()) {
        QJsonArray order;
        for (auto k : c.order)
            order.append(toString(k));
        o[QStringLiteral("order")] = order;
    }
    // Disabled stages are written (with "enabled": false) only when they carry non-default settings.
    const PipelineConfig defaults;
    const auto stage = [&](const QString& key, bool enabled, const QJsonObject& value, const QJsonObject& defaultValue) {
        if (enabled || value != defaultValue)
            o[key] = withEnabled(value, enabled);
    };
    stage(QStringLiteral("retry"), c.retryEnabled, retryToJson(c.retry), retryToJson(defaults.retry));
    if (spec.breaker)
        o[QStringLiteral("circuit_breaker")] = circuitBreakerToJson(*spec.breaker);
    stage(QStringLiteral("rate_limiter"), c.rateLimiterEnabled,
        {{QStringLiteral("rate"), c.rateLimiter.ratePerSecond}, {QStringLiteral("burst"), c.rateLimiter.burst},
            {QStringLiteral("max_wait"), durationToJson(c.rateLimiter.maxWait)},
            {QStringLiteral("respect_server_retry_after"), c.rateLimiter.respectServerRetryAfter}},
        {{QStringLiteral("rate"), defaults.rateLimiter.ratePerSecond}, {QStringLiteral("burst"), defaults.rateLimiter.burst},
            {QStringLiteral("max_wait"), durationToJson(defaults.rateLimiter.maxWait)},
            {QStringLiteral("respect_server_retry_after"), defaults.rateLimiter.respectServerRetryAfter}});
    stage(QStringLiteral("bulkhead"), c.bulkheadEnabled,
        {{QStringLiteral("max_concurrent"), c.bulkhead.maxConcurrent}, {QStringLiteral("max_queue"), c.bulkhead.maxQueue},
            {QStringLiteral("max_queue_wait"), durationToJson(c.bulkhead.maxQueueWait)}},
        {{QStringLiteral("max_concurrent"), defaults.bulkhead.maxConcurrent},
            {QStringLiteral("max_queue"), defaults.bulkhead.maxQueue},
            {QStringLiteral("max_queue_wait"), durationToJson(defaults.bulkhead.maxQueueWait)}});
    stage(QStringLiteral("timeout"), c.timeoutEnabled,
        {{QStringLiteral("attempt_timeout"), optionalDuration(c.timeout.attemptTimeout)},
            {QStringLiteral("attempt_timeout_increment"), durationToJson(c.timeout.attemptTimeoutIncrement)},
            {QStringLiteral("overall_timeout"), optionalDuration(c.timeout.overallTimeout)}},
        {{QStringLiteral("attempt_timeout"), optionalDuration(defaults.timeout.attemptTimeout)},
            {QStringLiteral("attempt_timeout_increment"), durationToJson(defaults.timeout.attemptTimeoutIncrement)},
            {QStringLiteral("overall_timeout"), optionalDuration(defaults.timeout.overallTimeout)}});
    const auto hedging = [](const HedgingConfig& h) {
        return QJsonObject {{QStringLiteral("max_hedged_attempts"), h.maxHedgedAttempts},
            {QStringLiteral("delay"), durationToJson(h.delay)},
            {QStringLiteral("delay_percentile"), h.delayPercentile ? QJsonValue(*h.delayPercentile) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("on_failure_only"), h.onFailureOnly}};
    };
    stage(QStringLiteral("hedging"), c.hedgingEnabled, hedging(c.hedging), hedging(defaults.hedging));
    stage(QStringLiteral("fallback"), c.fallbackEnabled,
        {{QStringLiteral("on_failure"), c.fallback.onFailure}, {QStringLiteral("on_timeout"), c.fallback.onTimeout},
            {QStringLiteral("on_rejection"), c.fallback.onRejection}},
        {{QStringLiteral("on_failure"), defaults.fallback.onFailure}, {QStringLiteral("on_timeout"), defaults.fallback.onTimeout},
            {QStringLiteral("on_rejection"), defaults.fallback.onRejection}});
    if (!spec.expect.empty())
        o[QStringLiteral("expect")] = expectationsToJson(spec.expect);
    if (spec.behaveLike != BehaveLike::Workbench)
        o[QStringLiteral("behave_like")] = toString(spec.behaveLike);
    return o;
}

ServiceSpec serviceFromJson(JsonReader& r)
{
    ServiceSpec s;
    if (!r.has(QStringLiteral("name")))
        r.error(QString(), QStringLiteral("missing key \"name\""));
    r.read(QStringLiteral("name"), s.name, false);
    FaultProfile base;
    if (auto f = r.object(QStringLiteral("fault"))) {
        base = faultProfileOver(*f, FaultProfile {});
        f->finish();
    }
    s.faults = FaultSchedule(base);
    if (auto schedule = r.array(QStringLiteral("schedule"))) {
        for (qsizetype i = 0; i < schedule->size(); ++i) {
            const QString ptr = r.pointerOf(QStringLiteral("schedule")) + QLatin1Char('/') + QString::number(i);
            if (!schedule->at(i).isObject()) {
                r.errors().push_back({{}, 0, 0, ptr, QStringLiteral("expected an object, got ") + JsonReader::describe(schedule->at(i))});
                continue;
            }
            const QJsonObject entry = schedule->at(i).toObject();
            JsonReader e(entry, ptr, r.errors());
            Duration at {};
            QString label;
            if (!e.has(QStringLiteral("at")))
                e.error(QString(), QStringLiteral("missing key \"at\""));
            e.readDuration(QStringLiteral("at"), at);
            e.read(QStringLiteral("label"), label);
            FaultProfile profile = base;
            if (auto f = e.object(QStringLiteral("fault"))) {
                profile = faultProfileOver(*f, base);
                f->finish();
            }
            e.finish();
            s.faults.addChange(at, profile, label);
        }
    }
    r.finish();
    return s;
}

QJsonObject serviceToJson(const ServiceSpec& s)
{
    QJsonObject base = faultProfileToJson(s.faults.base());
    QJsonObject o {{QStringLiteral("name"), s.name}};
    QJsonObject compactBase = base;
    for (const auto& key : {QStringLiteral("flapping"), QStringLiteral("ramp"), QStringLiteral("capacity")})
        if (compactBase.value(key).isNull())
            compactBase.remove(key);
    if (s.faults.base().networkDelay.isZero())
        compactBase.remove(QStringLiteral("network_delay"));
    if (!s.faults.base().optimisticConcurrency)
        compactBase.remove(QStringLiteral("optimistic_concurrency"));
    o[QStringLiteral("fault")] = compactBase;
    if (!s.faults.changes().empty()) {
        QJsonArray schedule;
        for (const auto& c : s.faults.changes()) {
            const QJsonObject full = faultProfileToJson(c.profile);
            QJsonObject patch; // only what differs from the base profile
            for (auto it = full.begin(); it != full.end(); ++it)
                if (base.value(it.key()) != it.value())
                    patch[it.key()] = it.value();
            QJsonObject entry {{QStringLiteral("at"), durationToJson(c.at)}, {QStringLiteral("fault"), patch}};
            if (!c.label.isEmpty())
                entry[QStringLiteral("label")] = c.label;
            schedule.append(entry);
        }
        o[QStringLiteral("schedule")] = schedule;
    }
    return o;
}

ClientSpec clientFromJson(JsonReader& r)
{
    ClientSpec c;
    r.read(QStringLiteral("name"), c.name);
    if (!r.has(QStringLiteral("pipeline")))
        r.error(QString(), QStringLiteral("missing key \"pipeline\""));
    r.read(QStringLiteral("pipeline"), c.pipeline, false);
    r.read(QStringLiteral("count"), c.count, 1, 1000000);
    if (auto a = r.object(QStringLiteral("arrival"))) {
        auto& p = c.arrival;
        a->readEnum(QStringLiteral("process"), p.kind, &arrivalKindFromString,
            {QStringLiteral("constant"), QStringLiteral("poisson"), QStringLiteral("bursts"), QStringLiteral("closed")});
        if (p.kind == ArrivalProcess::Kind::Bursts)
            p.rate = 0;
        if (p.kind == ArrivalProcess::Kind::Closed) {
            if (a->has(QStringLiteral("think_time")))
                p.thinkTime = latencyFromJson(*a, QStringLiteral("think_time"));
            a->read(QStringLiteral("requests_per_user"), p.requestsPerUser, 0, 1000000000);
        } else {
            a->read(QStringLiteral("rate"), p.rate, 0.0, 1.0e7);
        }
        if (p.kind == ArrivalProcess::Kind::Bursts) {
            p.burstSize = 1;
            a->read(QStringLiteral("burst_size"), p.burstSize, 1, 10000000);
            a->readDuration(QStringLiteral("burst_interval"), p.burstInterval);
        }
        a->readDuration(QStringLiteral("start"), p.start);
        a->readDuration(QStringLiteral("end"), p.end);
        a->finish();
    }
    r.finish();
    return c;
}

QJsonObject clientToJson(const ClientSpec& c)
{
    const auto& p = c.arrival;
    QJsonObject a {{QStringLiteral("process"), toString(p.kind)}};
    if (p.kind == ArrivalProcess::Kind::Closed) {
        a[QStringLiteral("think_time")] = latencyOrDurationToJson(p.thinkTime);
        if (p.requestsPerUser > 0)
            a[QStringLiteral("requests_per_user")] = p.requestsPerUser;
    } else {
        a[QStringLiteral("rate")] = p.rate;
    }
    if (p.kind == ArrivalProcess::Kind::Bursts) {
        a[QStringLiteral("burst_size")] = p.burstSize;
        a[QStringLiteral("burst_interval")] = durationToJson(p.burstInterval);
    }
    if (p.start != Duration::zero())
        a[QStringLiteral("start")] = durationToJson(p.start);
    if (p.end)
        a[QStringLiteral("end")] = durationToJson(*p.end);
    return {{QStringLiteral("name"), c.name}, {QStringLiteral("pipeline"), c.pipeline}, {QStringLiteral("count"), c.count},
        {QStringLiteral("arrival"), a}};
}

template<class T, class F>
std::vector<T> readList(JsonReader& r, const QString& key, F&& readOne)
{
    std::vector<T> out;
    auto array = r.array(key);
    if (!array)
        return out;
    for (qsizetype i = 0; i < array->size(); ++i) {
        const QString ptr = r.pointerOf(key) + QLatin1Char('/') + QString::number(i);
        if (!array->at(i).isObject()) {
            r.errors().push_back({{}, 0, 0, ptr, QStringLiteral("expected an object, got ") + JsonReader::describe(array->at(i))});
            continue;
        }
        JsonReader item(array->at(i).toObject(), ptr, r.errors());
        out.push_back(readOne(item));
    }
    return out;
}

} // namespace

// ---- documents ----------------------------------------------------------------------------------------------

std::pair<int, int> lineColumn(const QByteArray& text, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, text.size());
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) { // count characters, not continuation bytes
            ++column;
        }
    }
    return {line, column};
}

qsizetype firstInvalidUtf8(const QByteArray& text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.constData());
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n;) {
        const unsigned char c = s[i];
        int len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        for (int k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return -1;
}

ScenarioLoad fromJson(const QJsonObject& document, const QString& fileName)
{
    ScenarioLoad result;
    LoadErrors& errors = result.errors;
    JsonReader r(document, QString(), errors);
    Scenario s;
    if (!r.has(QStringLiteral("schema_version")))
        r.error(QString(), QStringLiteral("missing key \"schema_version\" (expected %1)").arg(Scenario::kSchemaVersion));
    r.read(QStringLiteral("schema_version"), s.schemaVersion, 1, 1000000);
    r.read(QStringLiteral("name"), s.name);
    r.read(QStringLiteral("description"), s.description);
    r.read(QStringLiteral("lesson"), s.lesson);
    r.read(QStringLiteral("seed"), s.seed);
    r.readDuration(QStringLiteral("duration"), s.duration);
    r.readDuration(QStringLiteral("drain_limit"), s.drainLimit);
    s.services = readList<ServiceSpec>(r, QStringLiteral("services"), [](JsonReader& x) { return serviceFromJson(x); });
    s.pipelines = readList<PipelineSpec>(r, QStringLiteral("pipelines"), [](JsonReader& x) { return pipelineFromJson(x); });
    s.clients = readList<ClientSpec>(r, QStringLiteral("clients"), [](JsonReader& x) { return clientFromJson(x); });
    r.finish();

    const bool schemaOk = s.schemaVersion == Scenario::kSchemaVersion;
    for (const auto& e : s.validate()) {
        // Rules the readers already enforced with a more precise message are not repeated.
        const QString ptr = QLatin1Char('/') + e.field;
        const bool duplicate = std::any_of(errors.begin(), errors.end(), [&](const LoadError& x) { return x.pointer == ptr; });
        if (!duplicate && (schemaOk || e.field == QLatin1String("schema_version")))
            errors.push_back({QString(), 0, 0, ptr, e.message});
    }
    for (auto& e : errors)
        e.file = fileName;
    if (errors.empty())
        result.scenario = std::move(s);
    return result;
}

ScenarioLoad load(const QByteArray& input, const QString& fileName)
{
    ScenarioLoad result;
    QByteArray bytes = input;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    if (bytes.trimmed().isEmpty()) {
        result.errors.push_back({fileName, 1, 1, QString(), QStringLiteral("the file is empty (expected a JSON object)")});
        return result;
    }
    if (const qsizetype bad = firstInvalidUtf8(bytes); bad >= 0) {
        const auto [line, column] = lineColumn(bytes, bad);
        result.errors.push_back({fileName, line, column, QString(),
            QStringLiteral("invalid UTF-8 (byte 0x%1)").arg(static_cast<unsigned char>(bytes[bad]), 2, 16, QLatin1Char('0'))});
        return result;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        // Qt reports the offset just past the offending token; step back onto it for the column.
        const qsizetype at = std::max<qsizetype>(0, std::min<qsizetype>(error.offset, bytes.size()) - (error.offset > 0 ? 1 : 0));
        const auto [line, column] = lineColumn(bytes, at);
        result.errors.push_back({fileName, line, column, QString(), QStringLiteral("syntax error: ") + error.errorString()});
        return result;
    }
    if (!doc.isObject()) {
        result.errors.push_back({fileName, 0, 0, QString(), QStringLiteral("expected a JSON object at the top level, got an array")});
        return result;
    }
    return fromJson(doc.object(), fileName);
}

ScenarioLoad loadFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ScenarioLoad result;
        result.errors.push_back({path, 0, 0, QString(), QStringLiteral("cannot read the file: ") + file.errorString()});
        return result;
    }
    constexpr qint64 kMaxBytes = 64 * 1024 * 1024;
    if (file.size() > kMaxBytes) {
        ScenarioLoad result;
        result.errors.push_back({path, 0, 0, QString(),
            QStringLiteral("the file is %1 bytes; scenario files are limited to %2 bytes").arg(file.size()).arg(kMaxBytes)});
        return result;
    }
    return load(file.readAll(), path);
}

QJsonObject toJson(const Scenario& s)
{
    QJsonObject o {{QStringLiteral("schema_version"), s.schemaVersion}, {QStringLiteral("seed"), double(s.seed)},
        {QStringLiteral("duration"), durationToJson(s.duration)}, {QStringLiteral("drain_limit"), durationToJson(s.drainLimit)}};
    if (!s.name.isEmpty())
        o[QStringLiteral("name")] = s.name;
    if (!s.description.isEmpty())
        o[QStringLiteral("description")] = s.description;
    if (!s.lesson.isEmpty())
        o[QStringLiteral("lesson")] = s.lesson;
    QJsonArray services, pipelines, clients;
    for (const auto& x : s.services)
        services.append(serviceToJson(x));
    for (const auto& x : s.pipelines)
        pipelines.append(pipelineToJson(x));
    for (const auto& x : s.clients)
        clients.append(clientToJson(x));
    o[QStringLiteral("services")] = services;
    o[QStringLiteral("pipelines")] = pipelines;
    o[QStringLiteral("clients")] = clients;
    return o;
}

QByteArray toBytes(const Scenario& scenario) { return QJsonDocument(toJson(scenario)).toJson(QJsonDocument::Indented); }

bool saveFile(const Scenario& scenario, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const QByteArray bytes = toBytes(scenario);
    if (file.write(bytes) != bytes.size()) {
        if (error)
            *error = file.errorString();
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

namespace {
bool setAt(QJsonValue& node, const QStringList& tokens, int index, const QJsonValue& value, QString* problem)
{
    if (index == tokens.size()) {
        node = value;
        return true;
    }
    QString token = tokens[index];
    token.replace(QStringLiteral("~1"), QStringLiteral("/"));
    token.replace(QStringLiteral("~0"), QStringLiteral("~"));
    if (node.isObject()) {
        QJsonObject o = node.toObject();
        if (!o.contains(token) && index + 1 < tokens.size()) {
            *problem = QStringLiteral("no key \"%1\"").arg(token);
            return false;
        }
        QJsonValue child = o.value(token);
        if (!setAt(child, tokens, index + 1, value, problem))
            return false;
        o[token] = child;
        node = o;
        return true;
    }
    if (node.isArray()) {
        QJsonArray a = node.toArray();
        bool ok = false;
        const int i = token.toInt(&ok);
        if (!ok || i < 0 || i >= a.size()) {
            *problem = QStringLiteral("no array element \"%1\"").arg(token);
            return false;
        }
        QJsonValue child = a.at(i);
        if (!setAt(child, tokens, index + 1, value, problem))
            return false;
        a[i] = child;
        node = a;
        return true;
    }
    *problem = QStringLiteral("\"%1\" is inside a value that is neither an object nor an array").arg(token);
    return false;
}
} // namespace

LoadErrors setParameter(Scenario& scenario, const QString& pointer, const QJsonValue& value)
{
    if (!pointer.startsWith(QLatin1Char('/')))
        return {{QString(), 0, 0, pointer, QStringLiteral("expected a JSON pointer starting with \"/\"")}};
    QJsonValue root = toJson(scenario);
    QString problem;
    if (!setAt(root, pointer.mid(1).split(QLatin1Char('/')), 0, value, &problem))
        return {{QString(), 0, 0, pointer, problem}};
    ScenarioLoad loaded = fromJson(root.toObject());
    if (!loaded.ok())
        return loaded.errors;
    scenario = std::move(*loaded.scenario);
    return {};
}

} // namespace rwb::scenariojson
