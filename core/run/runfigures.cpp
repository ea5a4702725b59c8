#include "core/run/runfigures.h"

#include "core/run/runmetrics.h"

#include <QRegularExpression>
#include <QStringList>

#include <cmath>
#include <functional>

namespace rwb::figures {

namespace {

using Getter = std::function<std::optional<double>(const RunMetrics&)>;

struct Entry {
    FigureInfo info;
    Getter get;
};

std::optional<double> seconds(const std::optional<Duration>& d)
{
    return d ? std::optional<double>(toSeconds(*d)) : std::nullopt;
}

const std::vector<Entry>& entries()
{
    using B = Better;
    auto total
        = [](auto field) { return [field](const RunMetrics& m) -> std::optional<double> { return field(m.total); }; };
    static const std::vector<Entry> list {
        { { QStringLiteral("success_rate"), QStringLiteral("ratio"), B::Higher,
              QStringLiteral("requests that succeeded or fell back, over requests") },
            total([](const PipelineSummary& s) { return s.successRate(); }) },
        { { QStringLiteral("failure_rate"), QStringLiteral("ratio"), B::Lower,
              QStringLiteral("requests that failed or were rejected without fallback, over requests") },
            total([](const PipelineSummary& s) {
                return s.requests ? double(s.failed + s.rejected) / double(s.requests) : 0.0;
            }) },
        { { QStringLiteral("p50"), QStringLiteral("ms"), B::Lower, QStringLiteral("median end-to-end latency") },
            total([](const PipelineSummary& s) { return s.latencyP50Ms; }) },
        { { QStringLiteral("p95"), QStringLiteral("ms"), B::Lower, QStringLiteral("95th percentile latency") },
            total([](const PipelineSummary& s) { return s.latencyP95Ms; }) },
        { { QStringLiteral("p99"), QStringLiteral("ms"), B::Lower, QStringLiteral("99th percentile latency") },
            total([](const PipelineSummary& s) { return s.latencyP99Ms; }) },
        { { QStringLiteral("mean_latency"), QStringLiteral("ms"), B::Lower, QStringLiteral("mean end-to-end latency") },
            total([](const PipelineSummary& s) { return s.latencyMeanMs; }) },
        { { QStringLiteral("worst_call"), QStringLiteral("ms"), B::Lower,
              QStringLiteral("the slowest finished request") },
            total([](const PipelineSummary& s) { return s.latencyMaxMs; }) },
        { { QStringLiteral("load_on_service"), QStringLiteral("count"), B::Lower,
              QStringLiteral("attempts that reached the services") },
            [](const RunMetrics& m) -> std::optional<double> {
                return m.serviceLoad ? std::optional<double>(double(*m.serviceLoad)) : std::nullopt;
            } },
        { { QStringLiteral("peak_concurrency"), QStringLiteral("count"), B::Lower,
              QStringLiteral("most requests inside the services at once") },
            [](const RunMetrics& m) -> std::optional<double> {
                return m.peakConcurrency ? std::optional<double>(double(*m.peakConcurrency)) : std::nullopt;
            } },
        { { QStringLiteral("requests"), QStringLiteral("count"), B::Higher, QStringLiteral("requests started") },
            total([](const PipelineSummary& s) { return double(s.requests); }) },
        { { QStringLiteral("attempts"), QStringLiteral("count"), B::Lower,
              QStringLiteral("attempts that went past every policy toward the service") },
            total([](const PipelineSummary& s) { return double(s.attempts); }) },
        { { QStringLiteral("retries"), QStringLiteral("count"), B::Lower, QStringLiteral("retries scheduled") },
            total([](const PipelineSummary& s) { return double(s.retries); }) },
        { { QStringLiteral("retry_amplification"), QStringLiteral("x"), B::Lower,
              QStringLiteral("attempts per request") },
            total([](const PipelineSummary& s) { return s.retryAmplification(); }) },
        { { QStringLiteral("failed"), QStringLiteral("count"), B::Lower,
              QStringLiteral("requests that ended in an error or timeout, no fallback") },
            total([](const PipelineSummary& s) { return double(s.failed); }) },
        { { QStringLiteral("rejected"), QStringLiteral("count"), B::Lower,
              QStringLiteral("requests rejected by a policy, no fallback") },
            total([](const PipelineSummary& s) { return double(s.rejected); }) },
        { { QStringLiteral("fallbacks"), QStringLiteral("count"), B::Lower,
              QStringLiteral("requests answered by the fallback") },
            total([](const PipelineSummary& s) { return double(s.fallbacks); }) },
        { { QStringLiteral("timeouts"), QStringLiteral("count"), B::Lower,
              QStringLiteral("attempts abandoned at their deadline") },
            total([](const PipelineSummary& s) { return double(s.timeouts); }) },
        { { QStringLiteral("breaker_rejections"), QStringLiteral("count"), B::Lower,
              QStringLiteral("tries refused by a breaker") },
            total([](const PipelineSummary& s) { return double(s.breakerRejections); }) },
        { { QStringLiteral("breaker_transitions"), QStringLiteral("count"), B::Lower,
              QStringLiteral("breaker state changes (flapping shows here)") },
            total([](const PipelineSummary& s) { return double(s.breakerTransitions); }) },
        { { QStringLiteral("time_to_detect"), QStringLiteral("s"), B::Lower,
              QStringLiteral("from the fault's first failing second to a breaker opening (undefined without)") },
            [](const RunMetrics& m) { return seconds(m.timeToDetect); } },
        { { QStringLiteral("time_to_recover"), QStringLiteral("s"), B::Lower,
              QStringLiteral("from the fault's last failing second to 95 % served again (undefined without)") },
            [](const RunMetrics& m) { return seconds(m.timeToRecover); } },
    };
    return list;
}

const Entry* entry(const QString& name)
{
    for (const Entry& e : entries())
        if (e.info.name == name)
            return &e;
    return nullptr;
}

QString knownNames()
{
    QStringList names;
    for (const Entry& e : entries())
        names << e.info.name;
    return names.join(QStringLiteral(", "));
}

bool isDuration(const QString& unit)
{
    return unit == QLatin1String("ms") || unit == QLatin1String("s");
}

/// Reads "800ms", "2s", "99.5%", "0.995" as a value in `unit`.
std::optional<double> parseQuantity(const QString& text, const FigureInfo& info, QString* error)
{
    static const QRegularExpression re(QStringLiteral("^([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(ms|s|%)?$"));
    const auto match = re.match(text.trimmed());
    if (!match.hasMatch()) {
        *error = QStringLiteral("expected a number after the comparison, got '%1'").arg(text);
        return std::nullopt;
    }
    double v = match.captured(1).toDouble();
    const QString suffix = match.captured(2);
    if (suffix.isEmpty())
        return v;
    if (suffix == QLatin1String("%")) {
        if (info.unit != QLatin1String("ratio")) {
            *error = QStringLiteral("'%1' is in %2; a percentage only bounds a ratio").arg(info.name, info.unit);
            return std::nullopt;
        }
        return v / 100.0;
    }
    if (!isDuration(info.unit)) {
        *error = QStringLiteral("'%1' is a %2, not a duration: drop the '%3'").arg(info.name, info.unit, suffix);
        return std::nullopt;
    }
    const double inMs = suffix == QLatin1String("s") ? v * 1000.0 : v;
    return info.unit == QLatin1String("s") ? inMs / 1000.0 : inMs;
}

} // namespace

const std::vector<FigureInfo>& catalog()
{
    static const std::vector<FigureInfo> list = [] {
        std::vector<FigureInfo> out;
        for (const Entry& e : entries())
            out.push_back(e.info);
        return out;
    }();
    return list;
}

const FigureInfo* find(const QString& name)
{
    const Entry* e = entry(name);
    return e ? &e->info : nullptr;
}

QString FigureRef::toString() const
{
    return pipeline.isEmpty() ? name : name + QLatin1Char('@') + pipeline;
}

std::optional<FigureRef> parseRef(const QString& text, QString* error)
{
    const QString trimmed = text.trimmed();
    const qsizetype at = trimmed.indexOf(QLatin1Char('@'));
    FigureRef ref { at < 0 ? trimmed : trimmed.left(at), at < 0 ? QString() : trimmed.mid(at + 1) };
    if (!entry(ref.name)) {
        *error = QStringLiteral("unknown figure '%1' (known: %2)").arg(ref.name, knownNames());
        return std::nullopt;
    }
    if (at >= 0 && ref.pipeline.isEmpty()) {
        *error = QStringLiteral("'%1': expected a pipeline name after '@'").arg(trimmed);
        return std::nullopt;
    }
    return ref;
}

std::optional<double> value(const FigureRef& ref, const RunResult& result, QString* error)
{
    const Entry* e = entry(ref.name);
    if (!e) {
        if (error)
            *error = QStringLiteral("unknown figure '%1'").arg(ref.name);
        return std::nullopt;
    }
    RunMetrics::Selection selection;
    if (!ref.pipeline.isEmpty()) {
        const PipelineSeries* p = result.pipeline(ref.pipeline);
        if (!p) {
            if (error)
                *error = QStringLiteral("%1: the scenario has no pipeline '%2'").arg(ref.toString(), ref.pipeline);
            return std::nullopt;
        }
        selection.pipelines = QStringList { p->name };
        if (!p->breaker.isEmpty())
            selection.circuits = QStringList { p->breaker };
    }
    return e->get(RunMetrics::from(result, nullptr, selection));
}

bool Constraint::holds(double v) const noexcept
{
    switch (op) {
    case Op::LessOrEqual:
        return v <= bound;
    case Op::Less:
        return v < bound;
    case Op::GreaterOrEqual:
        return v >= bound;
    case Op::Greater:
        return v > bound;
    }
    return false;
}

double Constraint::violation(double v) const noexcept
{
    if (holds(v))
        return 0.0;
    const double scale = std::max(std::abs(bound), 1e-9);
    return std::abs(v - bound) / scale + 1e-12; // a strict bound missed exactly still counts
}

std::optional<Constraint> parseConstraint(const QString& text, QString* error)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_]*(?:@[^<>=]+)?)\\s*(<=|>=|<|>)\\s*(.*)$"));
    const auto match = re.match(text);
    if (!match.hasMatch()) {
        *error = QStringLiteral("constraint '%1': expected FIGURE<=VALUE, FIGURE>=VALUE, FIGURE<VALUE or "
                                "FIGURE>VALUE, e.g. 'p99<=800ms'")
                     .arg(text);
        return std::nullopt;
    }
    QString problem;
    const auto ref = parseRef(match.captured(1), &problem);
    if (!ref) {
        *error = QStringLiteral("constraint '%1': %2").arg(text, problem);
        return std::nullopt;
    }
    const auto bound = parseQuantity(match.captured(3), *find(ref->name), &problem);
    if (!bound) {
        *error = QStringLiteral("constraint '%1': %2").arg(text, problem);
        return std::nullopt;
    }
    const QString op = match.captured(2);
    Constraint c;
    c.figure = *ref;
    c.op = op == QLatin1String("<=") ? Constraint::Op::LessOrEqual
        : op == QLatin1String("<")   ? Constraint::Op::Less
        : op == QLatin1String(">=")  ? Constraint::Op::GreaterOrEqual
                                     : Constraint::Op::Greater;
    c.bound = *bound;
    c.text = text.trimmed();
    return c;
}

QString Objective::toString() const
{
    return (maximize ? QStringLiteral("maximize ") : QStringLiteral("minimize ")) + figure.toString();
}

std::optional<Objective> parseObjective(const QString& text, QString* error)
{
    const QStringList words = text.trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString verb = words.value(0).toLower();
    const bool max = verb == QLatin1String("maximize") || verb == QLatin1String("max");
    const bool min = verb == QLatin1String("minimize") || verb == QLatin1String("min");
    if (words.size() != 2 || !(max || min)) {
        *error = QStringLiteral("objective '%1': expected 'minimize FIGURE' or 'maximize FIGURE'").arg(text);
        return std::nullopt;
    }
    QString problem;
    const auto ref = parseRef(words[1], &problem);
    if (!ref) {
        *error = QStringLiteral("objective '%1': %2").arg(text, problem);
        return std::nullopt;
    }
    return Objective { *ref, max };
}

} // namespace rwb::figures
