#include "core/config/seedconfig.h"

#include "core/config/jsonreader.h"
#include "core/config/scenariojson.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace rwb::seedconfig {

namespace {
const QString kRetry = QStringLiteral("retry_configs");
const QString kBreaker = QStringLiteral("circuit_breaker_configs");

QString strategyName(const BackoffConfig& b)
{
    switch (b.strategy) {
    case BackoffStrategy::Exponential:
        return b.jitter == Jitter::None ? QStringLiteral("exponential_backoff") : QStringLiteral("jittered_exponential");
    case BackoffStrategy::Linear:
        return QStringLiteral("linear_backoff");
    case BackoffStrategy::Constant:
        return QStringLiteral("fixed_delay");
    }
    return QStringLiteral("exponential_backoff");
}
// QJsonObject sorts keys; recover the file's order from where each key first appears after its section.
QStringList fileOrder(const QByteArray& bytes, const QString& section, QStringList names)
{
    const auto quotedUtf8 = [](const QString& s) -> QByteArray { return QByteArray("\"") + s.toUtf8() + QByteArray("\""); };
    const qsizetype from = std::max<qsizetype>(0, bytes.indexOf(quotedUtf8(section)));
    std::stable_sort(names.begin(), names.end(), [&](const QString& a, const QString& b) {
        return bytes.indexOf(quotedUtf8(a), from) < bytes.indexOf(quotedUtf8(b), from);
    });
    return names;
}
} // namespace

SeedConfigLoad load(const QByteArray& bytes, const QString& fileName)
{
    SeedConfigLoad result;
    if (bytes.trimmed().isEmpty()) {
        result.errors.push_back({fileName, 1, 1, QString(), QStringLiteral("the file is empty (expected a JSON object)")});
        return result;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        const auto [line, column] = scenariojson::lineColumn(bytes, std::max(0, error.offset - 1));
        result.errors.push_back({fileName, line, column, QString(), QStringLiteral("syntax error: ") + error.errorString()});
        return result;
    }
    if (!doc.isObject()) {
        result.errors.push_back({fileName, 0, 0, QString(), QStringLiteral("expected a JSON object at the top level")});
        return result;
    }
    LoadErrors& errors = result.errors;
    JsonReader root(doc.object(), QString(), errors);
    if (auto retries = root.object(kRetry)) {
        const QJsonObject all = doc.object().value(kRetry).toObject();
        const QStringList names = fileOrder(bytes, kRetry, all.keys());
        for (const auto& name : names) {
            auto r = retries->object(name);
            if (!r)
                continue;
            RetryConfig c;
            r->read(QStringLiteral("max_attempts"), c.maxAttempts, 1, 1000000);
            r->readDuration(QStringLiteral("base_delay"), c.backoff.baseDelay);
            r->readDuration(QStringLiteral("max_delay"), c.backoff.maxDelay);
            r->read(QStringLiteral("exponential_base"), c.backoff.exponentialBase);
            QString strategy = QStringLiteral("exponential_backoff");
            if (r->read(QStringLiteral("strategy"), strategy)) {
                strategy = strategy.toLower();
                if (strategy == QLatin1String("exponential_backoff") || strategy == QLatin1String("exponential")) {
                    c.backoff.strategy = BackoffStrategy::Exponential;
                    c.backoff.jitter = Jitter::None;
                } else if (strategy == QLatin1String("jittered_exponential")) {
                    c.backoff.strategy = BackoffStrategy::Exponential;
                    c.backoff.jitter = Jitter::Full;
                } else if (strategy == QLatin1String("linear_backoff") || strategy == QLatin1String("linear")) {
                    c.backoff.strategy = BackoffStrategy::Linear;
                    c.backoff.jitter = Jitter::None;
                } else if (strategy == QLatin1String("fixed_delay") || strategy == QLatin1String("fixed")) {
                    c.backoff.strategy = BackoffStrategy::Constant;
                    c.backoff.jitter = Jitter::None;
                } else {
                    r->error(QStringLiteral("strategy"),
                        QStringLiteral("expected one of exponential_backoff, jittered_exponential, linear_backoff, fixed_delay, got \"%1\"")
                            .arg(strategy));
                }
            } else {
                c.backoff.jitter = Jitter::None;
            }
            bool jitter = false;
            if (r->read(QStringLiteral("jitter"), jitter))
                c.backoff.jitter = jitter ? Jitter::Full : Jitter::None;
            r->finish();
            r->addFieldErrors(RetryConfig::validate(c));
            result.config.retryConfigs.emplace_back(name, c);
        }
    }
    if (auto breakers = root.object(kBreaker)) {
        const QJsonObject all = doc.object().value(kBreaker).toObject();
        const QStringList names = fileOrder(bytes, kBreaker, all.keys());
        for (const auto& name : names) {
            auto r = breakers->object(name);
            if (!r)
                continue;
            CircuitBreakerConfig c;
            c.name = name;
            c.tripMode = TripMode::Consecutive;
            r->read(QStringLiteral("name"), c.name, false);
            r->read(QStringLiteral("failure_threshold"), c.failureThreshold);
            r->readDuration(QStringLiteral("recovery_timeout"), c.recoveryTimeout);
            r->finish();
            r->addFieldErrors(CircuitBreakerConfig::validate(c));
            result.config.circuitBreakerConfigs.emplace_back(name, c);
        }
    }
    root.finish();
    for (auto& e : errors)
        e.file = fileName;
    return result;
}

QByteArray save(const SeedConfig& config, QStringList* lossy)
{
    // Written by hand so entries keep their order (QJsonObject would sort them).
    const auto number = [](double v) { return QJsonDocument(QJsonObject {{QStringLiteral("v"), v}}).toJson(QJsonDocument::Compact).mid(5).chopped(1); };
    const auto quoted = [](const QString& s) { return QJsonDocument(QJsonObject {{QStringLiteral("v"), s}}).toJson(QJsonDocument::Compact).mid(5).chopped(1); };
    const auto lose = [&](const QString& pointer, const QString& what) {
        if (lossy)
            lossy->append(pointer + QStringLiteral(": ") + what);
    };
    const RetryConfig retryDefaults;
    const CircuitBreakerConfig breakerDefaults;
    QByteArray out = "{\n  \"retry_configs\": {";
    bool first = true;
    for (const auto& [name, c] : config.retryConfigs) {
        const QString ptr = QStringLiteral("/retry_configs/") + escapePointerToken(name);
        if (c.backoff.jitter != Jitter::None && c.backoff.jitter != Jitter::Full)
            lose(ptr, QStringLiteral("%1 jitter written as full jitter").arg(toString(c.backoff.jitter)));
        if (c.backoff.jitter != Jitter::None && c.backoff.strategy != BackoffStrategy::Exponential)
            lose(ptr, QStringLiteral("jitter on a %1 backoff dropped").arg(toString(c.backoff.strategy)));
        if (c.timeBudget)
            lose(ptr, QStringLiteral("time_budget dropped"));
        if (!(c.retryable == retryDefaults.retryable) || !(c.nonRetryable == retryDefaults.nonRetryable))
            lose(ptr, QStringLiteral("retryable / non_retryable error classes dropped"));
        if (c.retryOnRejection)
            lose(ptr, QStringLiteral("retry_on_rejection dropped"));
        if (c.budget || c.throttling)
            lose(ptr, QStringLiteral("retry budget / throttling dropped"));
        out += first ? "\n" : ",\n";
        first = false;
        out += "    " + quoted(name) + ": {\n";
        out += "      \"max_attempts\": " + QByteArray::number(c.maxAttempts) + ",\n";
        out += "      \"base_delay\": " + number(toSeconds(c.backoff.baseDelay)) + ",\n";
        out += "      \"max_delay\": " + number(toSeconds(c.backoff.maxDelay)) + ",\n";
        out += "      \"exponential_base\": " + number(c.backoff.exponentialBase) + ",\n";
        out += "      \"strategy\": " + quoted(strategyName(c.backoff)) + "\n    }";
    }
    out += first ? "},\n" : "\n  },\n";
    out += "  \"circuit_breaker_configs\": {";
    first = true;
    for (const auto& [name, c] : config.circuitBreakerConfigs) {
        const QString ptr = QStringLiteral("/circuit_breaker_configs/") + escapePointerToken(name);
        if (c.tripMode != TripMode::Consecutive)
            lose(ptr, QStringLiteral("trip_mode %1 written as consecutive failures").arg(toString(c.tripMode)));
        if (c.successThreshold != breakerDefaults.successThreshold || c.permittedProbes != breakerDefaults.permittedProbes
            || c.halfOpenRule != breakerDefaults.halfOpenRule || c.maxWaitInHalfOpen)
            lose(ptr, QStringLiteral("half-open probe settings dropped"));
        if (c.initialState != breakerDefaults.initialState || !c.schedule.empty())
            lose(ptr, QStringLiteral("initial state / schedule dropped"));
        if (c.recoveryBackoffFactor != 1.0 || c.maxRecoveryTimeout)
            lose(ptr, QStringLiteral("recovery growth dropped"));
        if (c.slowCallDuration != Duration::zero())
            lose(ptr, QStringLiteral("slow-call detection dropped"));
        out += first ? "\n" : ",\n";
        first = false;
        out += "    " + quoted(name) + ": {\n";
        out += "      \"failure_threshold\": " + QByteArray::number(c.failureThreshold) + ",\n";
        out += "      \"recovery_timeout\": " + number(toSeconds(c.recoveryTimeout)) + ",\n";
        out += "      \"name\": " + quoted(c.name) + "\n    }";
    }
    out += first ? "}\n}\n" : "\n  }\n}\n";
    return out;
}

QStringList droppedFields(const Scenario& scenario)
{
    QStringList out;
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i) {
        const PipelineSpec& p = scenario.pipelines[i];
        const PipelineConfig& c = p.config;
        const QString ptr = QStringLiteral("/pipelines/%1 (%2)").arg(i).arg(p.name());
        const auto lose = [&](const QString& what) { out.append(ptr + QStringLiteral(": ") + what); };
        if (c.fallbackEnabled)
            lose(QStringLiteral("fallback dropped"));
        if (c.timeoutEnabled)
            lose(QStringLiteral("timeout dropped"));
        if (c.bulkheadEnabled)
            lose(QStringLiteral("bulkhead dropped"));
        if (c.rateLimiterEnabled)
            lose(QStringLiteral("rate_limiter dropped"));
        if (c.hedgingEnabled)
            lose(QStringLiteral("hedging dropped"));
        if (c.order != PipelineConfig::defaultOrder())
            lose(QStringLiteral("policy order dropped"));
        if (c.retryEnabled) {
            const RetryAfterConfig& r = c.retry.retryAfter;
            lose(r.respectRetryAfter ? QStringLiteral("Retry-After handling dropped (honoured, %1 s without a hint, capped at %2 s)")
                                           .arg(toSeconds(r.defaultRetryDelay))
                                           .arg(toSeconds(r.maxRetryDelay))
                                     : QStringLiteral("Retry-After handling dropped (hints ignored)"));
        }
        if (p.breaker && (!p.breaker->monitored.empty() || !p.breaker->ignored.empty()))
            lose(QStringLiteral("circuit breaker monitored / ignored error classes dropped"));
    }
    return out;
}

SeedConfig fromScenario(const Scenario& scenario)
{
    SeedConfig c;
    for (const auto& p : scenario.pipelines) {
        if (p.config.retryEnabled)
            c.retryConfigs.emplace_back(p.name(), p.config.retry);
        if (p.breaker)
            c.circuitBreakerConfigs.emplace_back(p.name(), *p.breaker);
    }
    return c;
}

QStringList applyToScenario(const SeedConfig& config, Scenario& scenario)
{
    QStringList unmatched;
    for (const auto& [name, retry] : config.retryConfigs) {
        const int i = scenario.pipelineIndex(name);
        if (i < 0) {
            unmatched << name;
            continue;
        }
        scenario.pipelines[std::size_t(i)].config.retryEnabled = true;
        scenario.pipelines[std::size_t(i)].config.retry = retry;
    }
    for (const auto& [name, breaker] : config.circuitBreakerConfigs) {
        const int i = scenario.pipelineIndex(name);
        if (i < 0) {
            unmatched << name;
            continue;
        }
        scenario.pipelines[std::size_t(i)].breaker = breaker;
    }
    return unmatched;
}

} // namespace rwb::seedconfig
