#include "core/sweep/sweepplan.h"

#include "core/common/random.h"
#include "core/config/jsonpointer.h"
#include "core/config/scenariojson.h"
#include "core/run/runsummaryjson.h"
#include "core/sim/simulator.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

#include <limits>
#include <numeric>
#include <stdexcept>

namespace rwb {

namespace {

/// Why `pointer` names nothing in `root`: the first step that does not exist.
QString missingStep(const QJsonValue& root, const QString& pointer)
{
    const QStringList tokens = json::tokens(pointer);
    QStringList walked;
    QJsonValue node = root;
    for (const QString& token : tokens) {
        const QString here = walked.isEmpty() ? QStringLiteral("the scenario") : json::pointer(walked);
        if (node.isObject()) {
            const QJsonObject o = node.toObject();
            if (!o.contains(token))
                return QStringLiteral("%1 has no '%2' (it has: %3)")
                    .arg(here, token, o.keys().join(QStringLiteral(", ")));
            node = o.value(token);
        } else if (node.isArray()) {
            bool ok = false;
            const int i = token.toInt(&ok);
            if (!ok || i < 0 || i >= node.toArray().size())
                return QStringLiteral("%1 is a list of %2; '%3' is not an index in it")
                    .arg(here)
                    .arg(node.toArray().size())
                    .arg(token);
            node = node.toArray().at(i);
        } else {
            return QStringLiteral("%1 is a single value, not an object or list").arg(here);
        }
        walked << token;
    }
    return QStringLiteral("no value there");
}

QString typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return QStringLiteral("true/false");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    default:
        return QStringLiteral("null");
    }
}

QString valueText(const QJsonValue& v)
{
    const QByteArray a = QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(a.mid(1, a.size() - 2));
}

/// Whether the parameter's values have the type of the value they replace.
bool typeFits(const SweepParameter& p, const QJsonValue& current, QString* problem)
{
    if (current.isObject() || current.isArray()) {
        *problem = QStringLiteral("names %1, not a single value").arg(typeName(current));
        return false;
    }
    if (current.isNull() || current.isUndefined())
        return true;
    if (p.isRange() && !current.isDouble()) {
        *problem = QStringLiteral("is %1 (%2): a numeric range does not fit; give a list")
                       .arg(typeName(current), valueText(current));
        return false;
    }
    for (const QJsonValue& v : p.gridValues()) {
        if (v.type() != current.type()) {
            *problem = QStringLiteral("is %1, but '%2' is %3").arg(typeName(current), valueText(v), typeName(v));
            return false;
        }
        if (p.isRange())
            break; // a range is numbers all through
    }
    return true;
}

} // namespace

QString SweepDesign::toString() const
{
    switch (kind) {
    case Kind::Grid:
        return QStringLiteral("grid");
    case Kind::Random:
        return QStringLiteral("random %1 seed %2").arg(samples).arg(designSeed);
    case Kind::Lhs:
        return QStringLiteral("lhs %1 seed %2").arg(samples).arg(designSeed);
    }
    return {};
}

std::optional<SweepShard> SweepShard::parse(const QString& text, QString* error)
{
    const QStringList parts = text.split(QLatin1Char('/'));
    bool okK = false, okN = false;
    const int k = parts.value(0).toInt(&okK);
    const int n = parts.value(1).toInt(&okN);
    if (parts.size() != 2 || !okK || !okN || n < 1 || k < 0 || k >= n) {
        *error = QStringLiteral("--shard '%1': expected K/N with 0 <= K < N, e.g. 0/3 (K is 0-based, as "
                                "JOB_COMPLETION_INDEX)")
                     .arg(text);
        return std::nullopt;
    }
    return SweepShard { k, n };
}

std::vector<std::vector<double>> latinHypercube(std::size_t n, std::size_t dimensions, std::uint64_t seed)
{
    Random rng(seed);
    std::vector<std::vector<double>> units(n, std::vector<double>(dimensions));
    for (std::size_t d = 0; d < dimensions; ++d) {
        std::vector<std::size_t> strata(n);
        std::iota(strata.begin(), strata.end(), 0);
        for (std::size_t i = n; i > 1; --i) // Fisher-Yates on our own generator: equal on every platform
            std::swap(strata[i - 1], strata[rng.below(i)]);
        for (std::size_t i = 0; i < n; ++i)
            units[i][d] = (double(strata[i]) + rng.uniform01()) / double(n);
    }
    return units;
}

std::vector<SweepPoint> designPoints(const std::vector<SweepParameter>& parameters, const SweepDesign& design)
{
    std::vector<SweepPoint> points;
    if (parameters.empty())
        return points;
    if (design.kind == SweepDesign::Kind::Grid) {
        points.push_back({});
        for (const SweepParameter& p : parameters) {
            std::vector<SweepPoint> next;
            const auto values = p.gridValues();
            for (const SweepPoint& prefix : points)
                for (const QJsonValue& v : values) {
                    next.push_back(prefix);
                    next.back().push_back(v);
                }
            points = std::move(next);
        }
        return points;
    }
    const std::size_t n = std::size_t(std::max(design.samples, 0));
    points.assign(n, SweepPoint(parameters.size()));
    if (design.kind == SweepDesign::Kind::Random) {
        Random rng(design.designSeed);
        for (SweepPoint& point : points)
            for (std::size_t d = 0; d < parameters.size(); ++d)
                point[d] = parameters[d].sample(rng.uniform01());
        return points;
    }
    const auto units = latinHypercube(n, parameters.size(), design.designSeed);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t d = 0; d < parameters.size(); ++d)
            points[i][d] = parameters[d].sample(units[i][d]);
    return points;
}

std::optional<SweepPlan> SweepPlan::create(const Scenario& scenario, std::vector<SweepParameter> parameters,
    const SweepDesign& design, int seeds, LoadErrors* errors)
{
    SweepPlan plan;
    plan.m_document = scenariojson::toJson(scenario);
    plan.m_name = scenario.name;
    plan.m_baseSeed = scenario.seed;
    plan.m_seeds = seeds;
    const auto fail = [errors](const QString& pointer, const QString& message) {
        errors->push_back({ QString(), 0, 0, pointer, message });
    };
    if (parameters.empty())
        fail(QString(), QStringLiteral("no parameter to sweep: give at least one --param POINTER=SPEC"));
    if (seeds < 1)
        fail(QString(), QStringLiteral("--seeds must be at least 1, got %1").arg(seeds));
    if (design.kind != SweepDesign::Kind::Grid && design.samples < 1)
        fail(QString(), QStringLiteral("a random or LHS design needs at least 1 point, got %1").arg(design.samples));
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const SweepParameter& p = parameters[i];
        for (std::size_t j = 0; j < i; ++j)
            if (parameters[j].pointer() == p.pointer())
                fail(p.pointer(), QStringLiteral("swept twice"));
        const QJsonValue current = json::get(plan.m_document, p.pointer());
        if (current.isUndefined()) {
            fail(p.pointer(),
                QStringLiteral("unknown parameter path: %1").arg(missingStep(plan.m_document, p.pointer())));
            continue;
        }
        QString problem;
        if (!typeFits(p, current, &problem)) {
            fail(p.pointer(), QStringLiteral("the scenario's value here %1").arg(problem));
            continue;
        }
        // Load each value alone (a range: its two ends) so a value the engine refuses is named here.
        std::vector<QJsonValue> probes = p.gridValues();
        if (p.isRange())
            probes = { probes.front(), probes.back() };
        for (const QJsonValue& v : probes) {
            QJsonValue root = plan.m_document;
            json::set(root, p.pointer(), v);
            const ScenarioLoad loaded = scenariojson::fromJson(root.toObject());
            for (const LoadError& e : loaded.errors)
                fail(p.pointer(),
                    QStringLiteral("value %1 is refused: %2%3")
                        .arg(valueText(v), e.pointer == p.pointer() ? QString() : e.pointer + QStringLiteral(": "),
                            e.message));
            if (!loaded.ok())
                break;
        }
    }
    if (!errors->empty())
        return std::nullopt;
    plan.m_parameters = std::move(parameters);
    plan.m_points = designPoints(plan.m_parameters, design);

    QJsonArray specs;
    for (const SweepParameter& p : plan.m_parameters)
        specs.append(QString(p.pointer() + QLatin1Char('=') + p.spec()));
    const QJsonObject identity { { QStringLiteral("scenario"), plan.m_document },
        { QStringLiteral("parameters"), specs }, { QStringLiteral("design"), design.toString() },
        { QStringLiteral("seeds"), seeds } };
    plan.m_id = QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(identity).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256)
            .toHex()
            .left(16));
    return plan;
}

std::vector<SweepTask> SweepPlan::tasks(const SweepShard& shard) const
{
    std::vector<SweepTask> out;
    for (int t = shard.index; t < taskCount(); t += shard.count)
        out.push_back({ t / m_seeds, t % m_seeds });
    return out;
}

QJsonObject SweepPlan::documentAt(const SweepPoint& point) const
{
    QJsonValue root = m_document;
    for (std::size_t i = 0; i < m_parameters.size() && i < point.size(); ++i)
        json::set(root, m_parameters[i].pointer(), point[i]);
    return root.toObject();
}

std::optional<Scenario> SweepPlan::scenarioAt(const SweepPoint& point, LoadErrors* errors) const
{
    ScenarioLoad loaded = scenariojson::fromJson(documentAt(point));
    if (!loaded.ok()) {
        if (errors)
            *errors = loaded.errors;
        return std::nullopt;
    }
    return std::move(loaded.scenario);
}

QJsonObject SweepPlan::parameterObject(const SweepPoint& point) const
{
    QJsonObject o;
    for (std::size_t i = 0; i < m_parameters.size() && i < point.size(); ++i)
        o.insert(m_parameters[i].pointer(), point[i]);
    return o;
}

std::optional<SweepRecord> SweepPlan::run(
    const SweepTask& task, const std::vector<figures::FigureRef>& figures, const std::atomic<bool>* cancel) const
{
    SweepRecord record { task, {}, std::vector<double>(figures.size(), std::numeric_limits<double>::quiet_NaN()) };
    const SweepPoint& point = m_points[std::size_t(task.point)];
    QJsonObject line { { QStringLiteral("format"), QLatin1String(kLineFormat) },
        { QStringLiteral("format_version"), kLineFormatVersion }, { QStringLiteral("sweep"), m_id },
        { QStringLiteral("point"), task.point }, { QStringLiteral("points"), qint64(m_points.size()) },
        { QStringLiteral("seed"), qint64(seed(task.seedIndex)) }, { QStringLiteral("seed_index"), task.seedIndex },
        { QStringLiteral("seeds"), m_seeds }, { QStringLiteral("params"), parameterObject(point) } };
    LoadErrors errors;
    const auto scenario = scenarioAt(point, &errors);
    if (!scenario) {
        QStringList messages;
        for (const LoadError& e : errors)
            messages << e.toString();
        line.insert(QStringLiteral("error"), messages.join(QStringLiteral("; ")));
        record.loadFailed = true;
    } else {
        SimulationOptions options;
        options.seed = seed(task.seedIndex);
        options.cancel = cancel;
        try {
            const RunResult result = Simulator::run(*scenario, options);
            if (result.cancelled)
                return std::nullopt;
            line.insert(QStringLiteral("run"), runjson::toJson(result, { runjson::Source::Simulation, m_name }));
            for (std::size_t i = 0; i < figures.size(); ++i)
                record.figures[i] = figures::value(figures[i], result).value_or(record.figures[i]);
        } catch (const std::exception& e) {
            line.insert(QStringLiteral("error"), QString::fromUtf8(e.what()));
            record.loadFailed = true;
        }
    }
    record.line = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    return record;
}

} // namespace rwb
