#include "core/interop/interop.h"

#include "core/config/scenariojson.h"
#include "core/interop/formats.h"

#include <QJsonDocument>
#include <QSaveFile>

#include <cmath>

namespace rwb {

namespace {
struct FormatInfo {
    InteropFormat format;
    const char* name;
    const char* title;
    const char* suffix;
    bool importable;
};
constexpr FormatInfo kFormats[] = {
    { InteropFormat::Resilience4j, "resilience4j", "Resilience4j (Spring Boot application.yml)", "yml", true },
    { InteropFormat::Polly, "polly", "Polly v8 (Microsoft.Extensions.Http.Resilience JSON)", "json", true },
    { InteropFormat::Opossum, "opossum", "opossum (options JSON)", "json", true },
    { InteropFormat::Cockatiel, "cockatiel", "cockatiel (JavaScript module)", "js", false },
    { InteropFormat::Envoy, "envoy", "Envoy (cluster and route YAML)", "yaml", false },
    { InteropFormat::Seed004, "seed004", "Seed 004 (retry_configs / circuit_breaker_configs)", "json", true },
};
const FormatInfo& info(InteropFormat f)
{
    for (const auto& i : kFormats)
        if (i.format == f)
            return i;
    return kFormats[0];
}
} // namespace

QString toString(InteropFormat format)
{
    return QString::fromLatin1(info(format).name);
}
QString interopTitle(InteropFormat format)
{
    return QString::fromLatin1(info(format).title);
}
QString interopSuffix(InteropFormat format)
{
    return QString::fromLatin1(info(format).suffix);
}
bool canImport(InteropFormat format)
{
    return info(format).importable;
}

std::optional<InteropFormat> interopFormatFromString(const QString& text)
{
    for (const auto& i : kFormats)
        if (text.compare(QLatin1String(i.name), Qt::CaseInsensitive) == 0)
            return i.format;
    return std::nullopt;
}

const std::vector<InteropFormat>& allInteropFormats()
{
    static const std::vector<InteropFormat> all = [] {
        std::vector<InteropFormat> v;
        for (const auto& i : kFormats)
            v.push_back(i.format);
        return v;
    }();
    return all;
}

namespace interop {

InteropExport exportPipeline(const PipelineSpec& spec, InteropFormat format)
{
    switch (format) {
    case InteropFormat::Resilience4j:
        return detail::exportResilience4j(spec);
    case InteropFormat::Polly:
        return detail::exportPolly(spec);
    case InteropFormat::Opossum:
        return detail::exportOpossum(spec);
    case InteropFormat::Cockatiel:
        return detail::exportCockatiel(spec);
    case InteropFormat::Envoy:
        return detail::exportEnvoy(spec);
    case InteropFormat::Seed004:
        return detail::exportSeed004(spec);
    }
    return {};
}

std::optional<InteropExport> exportPipeline(const Scenario& scenario, const QString& name, InteropFormat format)
{
    const PipelineSpec* spec = scenario.pipeline(name);
    if (!spec)
        return std::nullopt;
    return exportPipeline(*spec, format);
}

InteropImport importPipelines(const QByteArray& bytes, InteropFormat format, const QString& fileName)
{
    InteropImport result;
    switch (format) {
    case InteropFormat::Resilience4j:
        result = detail::importResilience4j(bytes, fileName);
        break;
    case InteropFormat::Polly:
        result = detail::importPolly(bytes, fileName);
        break;
    case InteropFormat::Opossum:
        result = detail::importOpossum(bytes, fileName);
        break;
    case InteropFormat::Seed004:
        result = detail::importSeed004(bytes, fileName);
        break;
    case InteropFormat::Cockatiel:
    case InteropFormat::Envoy:
        result.errors.push_back({ fileName, 0, 0, QString(),
            toString(format) + QStringLiteral(" files cannot be imported (export only)") });
        break;
    }
    if (result.pipelines.empty() && result.errors.empty())
        result.errors.push_back({ fileName, 0, 0, QString(), QStringLiteral("the file holds no pipeline settings") });
    for (auto& e : result.errors) {
        // LoadError::toString() shows the line or the pointer; a peer's file is easier to fix with both.
        if (e.line > 0 && !e.pointer.isEmpty() && !e.message.startsWith(e.pointer))
            e.message = e.pointer + QStringLiteral(": ") + e.message;
    }
    if (!result.errors.empty())
        result.pipelines.clear(); // nothing half-imported
    return result;
}

QStringList applyToScenario(const std::vector<PipelineSpec>& imported, Scenario& scenario)
{
    QStringList unmatched;
    for (const auto& p : imported)
        if (scenario.pipelineIndex(p.name()) < 0)
            unmatched << p.name();
    if (!unmatched.isEmpty())
        return unmatched;
    for (const auto& p : imported) {
        PipelineSpec& target = scenario.pipelines[std::size_t(scenario.pipelineIndex(p.name()))];
        PipelineConfig config = p.config;
        config.seed = target.config.seed;
        config.order = target.config.order;
        config.fallbackHandler = target.config.fallbackHandler;
        target.config = config;
        target.breaker = p.breaker;
    }
    return unmatched;
}

QByteArray pipelinesToJson(const std::vector<PipelineSpec>& pipelines)
{
    Scenario holder;
    holder.pipelines = pipelines;
    const QJsonObject all = scenariojson::toJson(holder);
    const QJsonObject doc { { QStringLiteral("schema_version"), Scenario::kSchemaVersion },
        { QStringLiteral("pipelines"), all.value(QStringLiteral("pipelines")) } };
    return QJsonDocument(doc).toJson(QJsonDocument::Indented);
}

bool saveFile(const QByteArray& bytes, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace interop

namespace interop::detail {

qint64 wholeMs(Duration d, bool* exact)
{
    const auto ms = std::chrono::round<std::chrono::milliseconds>(d);
    if (exact && Duration(ms) != d)
        *exact = false;
    return ms.count();
}

void noteCommonGaps(const PipelineSpec& spec, const QString& target, InteropNotes& notes)
{
    const PipelineConfig& c = spec.config;
    const RetryConfig defaults;
    if (c.retryEnabled) {
        if (!(c.retry.retryable == defaults.retryable) || !(c.retry.nonRetryable == defaults.nonRetryable))
            notes.missing(QStringLiteral("retry.retryable / retry.non_retryable"),
                target
                    + QStringLiteral(
                        " decides what to retry in code (a predicate or exception list), not by our error classes"));
        if (c.retry.timeBudget)
            notes.missing(QStringLiteral("retry.time_budget"), target + QStringLiteral(" has no retry time budget"));
        if (c.retry.retryOnRejection)
            notes.missing(QStringLiteral("retry.retry_on_rejection"), QStringLiteral("not a setting in ") + target);
        if (c.retry.budget || c.retry.throttling)
            notes.missing(QStringLiteral("retry.budget / retry.throttling"),
                target + QStringLiteral(" has no client retry budget"));
    }
    if (spec.breaker) {
        const CircuitBreakerConfig& b = *spec.breaker;
        if (!b.monitored.empty() || !b.ignored.empty())
            notes.missing(QStringLiteral("circuit_breaker.monitored / ignored"),
                target + QStringLiteral(" classifies failures in code, not by our error classes"));
        if (b.initialState != BreakerInitialState::Closed || !b.schedule.empty())
            notes.missing(QStringLiteral("circuit_breaker.initial_state / schedule"),
                QStringLiteral("manual control is code in ") + target);
    }
    if (c.fallbackEnabled)
        notes.missing(
            QStringLiteral("fallback"), target + QStringLiteral(" fallbacks are code (a function), not configuration"));
    if (c.order != PipelineConfig::defaultOrder())
        notes.approximate(
            QStringLiteral("order"), target + QStringLiteral(" nests its policies in its own fixed or coded order"));
}

PipelineSpec emptyPipeline(const QString& name)
{
    PipelineSpec p;
    p.config.name = name;
    p.config.retryEnabled = false;
    return p;
}

CircuitBreakerConfig singleProbeBreaker(const QString& name)
{
    CircuitBreakerConfig c;
    c.name = name;
    c.halfOpenRule = HalfOpenRule::AnyFailure;
    c.permittedProbes = 1;
    c.successThreshold = 1;
    return c;
}

bool isSingleProbe(const CircuitBreakerConfig& c)
{
    return c.halfOpenRule == HalfOpenRule::AnyFailure && c.permittedProbes == 1 && c.successThreshold == 1
        && !c.maxWaitInHalfOpen;
}

std::optional<QJsonObject> parseJsonObject(const QByteArray& bytes, const QString& fileName, LoadErrors& errors)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        const auto [line, column] = scenariojson::lineColumn(bytes, std::max(0, error.offset - 1));
        errors.push_back({ fileName, line, column, QString(), QStringLiteral("syntax error: ") + error.errorString() });
        return std::nullopt;
    }
    if (!doc.isObject()) {
        errors.push_back({ fileName, 1, 1, QString(), QStringLiteral("expected a JSON object at the top level") });
        return std::nullopt;
    }
    return doc.object();
}

void locateJsonErrors(const QByteArray& bytes, LoadErrors& errors)
{
    for (auto& e : errors) {
        if (e.line > 0 || e.pointer.isEmpty())
            continue;
        qsizetype at = 0;
        bool found = true;
        for (QString token : e.pointer.mid(1).split(QLatin1Char('/'))) {
            token.replace(QStringLiteral("~1"), QStringLiteral("/")).replace(QStringLiteral("~0"), QStringLiteral("~"));
            const QByteArray quoted = QByteArray("\"") + token.toUtf8() + QByteArray("\"");
            const qsizetype next = bytes.indexOf(quoted, at);
            if (next < 0) {
                found = false;
                break;
            }
            at = next;
        }
        if (found) {
            const auto [line, column] = scenariojson::lineColumn(bytes, at);
            e.line = line;
            e.column = column;
        }
    }
}

void validateImported(const std::vector<PipelineSpec>& pipelines,
    const std::function<QString(const QString&)>& pointerOf, const QString& fileName, LoadErrors& errors)
{
    for (const auto& p : pipelines) {
        for (const auto& e : PipelineConfig::validate(p.config))
            errors.push_back({ fileName, 0, 0, pointerOf(p.name()), QStringLiteral("gives our ") + e.toString() });
        if (p.breaker)
            for (const auto& e : CircuitBreakerConfig::validate(*p.breaker))
                errors.push_back({ fileName, 0, 0, pointerOf(p.name()),
                    QStringLiteral("gives our circuit_breaker.") + e.toString() });
    }
}

} // namespace interop::detail

} // namespace rwb
