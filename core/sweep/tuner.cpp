#include "core/sweep/tuner.h"

#include "core/sim/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <thread>

namespace rwb {

namespace {

constexpr double kFirstStep = 0.25; // of each parameter's unit range
constexpr double kLastStep = 1.0 / 64;

using Unit = std::vector<double>; // a point in [0, 1)^d

void parallelFor(int count, int threads, const std::function<void(int)>& body)
{
    std::atomic<int> next { 0 };
    const auto worker = [&] {
        for (int i = next.fetch_add(1); i < count; i = next.fetch_add(1))
            body(i);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::min(threads, count); ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool)
        t.join();
}

QByteArray key(const SweepPoint& point)
{
    QJsonArray a;
    for (const QJsonValue& v : point)
        a.append(v);
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

bool lowerIsBetter(const figures::Constraint& c)
{
    return c.op == figures::Constraint::Op::LessOrEqual || c.op == figures::Constraint::Op::Less;
}

} // namespace

Tuner::Tuner(SweepPlan plan, TuneOptions options)
    : m_plan(std::move(plan))
    , m_options(std::move(options))
{
}

std::optional<Tuner> Tuner::create(const Scenario& scenario, TuneOptions options, LoadErrors* errors)
{
    const auto fail = [errors](const QString& message) { errors->push_back({ QString(), 0, 0, QString(), message }); };
    if (options.objectives.empty())
        fail(QStringLiteral("no objective: give --objective 'minimize FIGURE' or 'maximize FIGURE'"));
    if (options.budget < 1)
        fail(QStringLiteral("the budget must be at least 1 configuration, got %1").arg(options.budget));
    std::vector<figures::FigureRef> refs;
    for (const auto& o : options.objectives)
        refs.push_back(o.figure);
    for (const auto& c : options.constraints)
        refs.push_back(c.figure);
    for (const auto& ref : refs) {
        const bool known = ref.pipeline.isEmpty()
            || std::any_of(scenario.pipelines.begin(), scenario.pipelines.end(),
                [&](const PipelineSpec& p) { return p.name() == ref.pipeline; });
        if (!known)
            fail(QStringLiteral("%1: the scenario has no pipeline '%2'").arg(ref.toString(), ref.pipeline));
    }
    SweepDesign design { SweepDesign::Kind::Random, 1, options.searchSeed };
    auto plan = SweepPlan::create(scenario, options.parameters, design, options.seeds, errors);
    if (!plan || !errors->empty())
        return std::nullopt;
    return Tuner(std::move(*plan), std::move(options));
}

TuneEvaluation Tuner::evaluate(const SweepPoint& point, std::atomic<int>& simulationsStarted) const
{
    TuneEvaluation e;
    e.point = point;
    const std::size_t nObj = m_options.objectives.size();
    const std::size_t nCon = m_options.constraints.size();
    e.objectives.assign(nObj, 0.0);
    e.constraints.assign(nCon, std::numeric_limits<double>::quiet_NaN());
    if (m_options.cancel && m_options.cancel->load()) {
        // Not started: a batch can hold tens of thousands of configurations, and even a run that
        // stops at once costs a scenario build, so after Ctrl+C the rest are skipped outright.
        e.interrupted = true;
        return e;
    }
    LoadErrors errors;
    const auto scenario = m_plan.scenarioAt(point, &errors);
    if (!scenario) {
        e.error = errors.empty() ? QStringLiteral("does not load") : errors.front().toString();
        e.objectives.assign(nObj, std::numeric_limits<double>::infinity());
        return e;
    }
    for (int s = 0; s < m_options.seeds; ++s) {
        SimulationOptions options;
        options.seed = m_plan.seed(s);
        options.cancel = m_options.cancel;
        simulationsStarted.fetch_add(1, std::memory_order_relaxed);
        const RunResult result = Simulator::run(*scenario, options);
        if (result.cancelled) {
            e.interrupted = true;
            return e;
        }
        for (std::size_t i = 0; i < nObj; ++i) {
            const auto v = figures::value(m_options.objectives[i].figure, result);
            // Undefined counts as the worst value; maximised figures are summed negated.
            e.objectives[i] += v ? *v / m_options.seeds : std::numeric_limits<double>::infinity();
        }
        for (std::size_t i = 0; i < nCon; ++i) {
            const auto& c = m_options.constraints[i];
            const auto v = figures::value(c.figure, result);
            double& worst = e.constraints[i];
            if (!v)
                worst = std::numeric_limits<double>::infinity() * (lowerIsBetter(c) ? 1 : -1);
            else if (std::isnan(worst) || (lowerIsBetter(c) ? *v > worst : *v < worst))
                worst = *v;
        }
    }
    for (std::size_t i = 0; i < nCon; ++i)
        e.violation += std::isfinite(e.constraints[i]) ? m_options.constraints[i].violation(e.constraints[i]) : 1.0;
    return e;
}

bool Tuner::better(const TuneEvaluation& a, const TuneEvaluation& b) const
{
    if (a.error.isEmpty() != b.error.isEmpty())
        return a.error.isEmpty();
    if (a.feasible() != b.feasible())
        return a.feasible();
    if (!a.feasible() && a.violation != b.violation)
        return a.violation < b.violation;
    const bool max = m_options.objectives.front().maximize;
    const double x = a.objectives.front(), y = b.objectives.front();
    return max ? x > y : x < y;
}

TuneResult Tuner::run() const
{
    TuneResult result;
    const std::size_t d = m_options.parameters.size();
    const int threads
        = m_options.threads > 0 ? m_options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    std::map<QByteArray, std::size_t> seen; // value point -> evaluation index
    std::atomic<int> simulationsStarted { 0 };
    const auto toPoint = [&](const Unit& u) {
        SweepPoint p;
        for (std::size_t i = 0; i < d; ++i)
            p.push_back(m_options.parameters[i].sample(u[i]));
        return p;
    };
    // Evaluates the new points of a batch in parallel; returns each unit point's evaluation index.
    const auto evaluateBatch = [&](const std::vector<Unit>& units) {
        std::vector<std::size_t> indices;
        std::vector<SweepPoint> fresh;
        for (const Unit& u : units) {
            SweepPoint p = toPoint(u);
            const QByteArray k = key(p);
            auto it = seen.find(k);
            if (it == seen.end()) {
                if (int(result.evaluations.size() + fresh.size()) >= m_options.budget) {
                    indices.push_back(std::size_t(-1));
                    continue;
                }
                it = seen.emplace(k, result.evaluations.size() + fresh.size()).first;
                fresh.push_back(std::move(p));
            }
            indices.push_back(it->second);
        }
        std::vector<TuneEvaluation> done(fresh.size());
        parallelFor(int(fresh.size()), threads,
            [&](int i) { done[std::size_t(i)] = evaluate(fresh[std::size_t(i)], simulationsStarted); });
        for (auto& e : done)
            result.evaluations.push_back(std::move(e));
        if (m_options.progress)
            m_options.progress(int(result.evaluations.size()), m_options.budget);
        return indices;
    };
    const auto cancelled = [&] { return m_options.cancel && m_options.cancel->load(); };

    // 1. Latin-hypercube start: covers every parameter's range evenly, whatever the budget.
    const int start = std::max(1, std::min(m_options.budget, std::max(int(2 * d + 2), m_options.budget / 3)));
    const std::vector<Unit> units = latinHypercube(std::size_t(start), d, m_options.searchSeed);
    const auto startIndices = evaluateBatch(units);
    std::size_t bestUnit = 0;
    for (std::size_t i = 1; i < units.size(); ++i)
        if (startIndices[i] != std::size_t(-1)
            && better(result.evaluations[startIndices[i]], result.evaluations[startIndices[bestUnit]]))
            bestUnit = i;
    Unit current = units[bestUnit];
    std::size_t currentIndex = startIndices[bestUnit];

    // 2. Compass search: poll +-step along each axis, move to the best improving neighbour, else halve.
    double step = kFirstStep;
    while (!cancelled() && step >= kLastStep && int(result.evaluations.size()) < m_options.budget) {
        std::vector<Unit> poll;
        for (std::size_t k = 0; k < d; ++k)
            for (const double sign : { -1.0, 1.0 }) {
                Unit u = current;
                u[k] = std::clamp(u[k] + sign * step, 0.0, std::nextafter(1.0, 0.0));
                if (u[k] != current[k])
                    poll.push_back(u);
            }
        const auto indices = evaluateBatch(poll);
        std::optional<std::size_t> move;
        for (std::size_t i = 0; i < poll.size(); ++i) {
            const std::size_t index = indices[i];
            if (index == std::size_t(-1) || index == currentIndex)
                continue;
            const auto& candidate = result.evaluations[index];
            if (better(candidate, result.evaluations[move ? indices[*move] : currentIndex]))
                move = i;
        }
        if (move) {
            current = poll[*move];
            currentIndex = indices[*move];
        } else {
            step /= 2;
        }
    }
    result.cancelled = cancelled();
    result.simulationsStarted = simulationsStarted.load();
    // A configuration cut short by the cancel has partial figures: it is no result at all.
    std::erase_if(result.evaluations, [](const TuneEvaluation& e) { return e.interrupted; });

    for (std::size_t i = 0; i < result.evaluations.size(); ++i)
        if (!result.best || better(result.evaluations[i], result.evaluations[*result.best]))
            result.best = i;

    // Pareto front over the objectives and the constrained figures, among feasible configurations
    // (all that loaded when none is feasible).
    const bool anyFeasible = std::any_of(
        result.evaluations.begin(), result.evaluations.end(), [](const TuneEvaluation& e) { return e.feasible(); });
    const auto score = [&](const TuneEvaluation& e) { // every coordinate: lower is better
        std::vector<double> s;
        for (std::size_t i = 0; i < e.objectives.size(); ++i)
            s.push_back(m_options.objectives[i].maximize ? -e.objectives[i] : e.objectives[i]);
        for (std::size_t i = 0; i < e.constraints.size(); ++i)
            s.push_back(lowerIsBetter(m_options.constraints[i]) ? e.constraints[i] : -e.constraints[i]);
        return s;
    };
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < result.evaluations.size(); ++i) {
        const auto& e = result.evaluations[i];
        if (e.error.isEmpty() && (!anyFeasible || e.feasible()))
            candidates.push_back(i);
    }
    for (const std::size_t i : candidates) {
        const auto si = score(result.evaluations[i]);
        const bool dominated = std::any_of(candidates.begin(), candidates.end(), [&](std::size_t j) {
            const auto sj = score(result.evaluations[j]);
            bool strictly = false;
            for (std::size_t k = 0; k < si.size(); ++k) {
                if (!(sj[k] <= si[k]))
                    return false;
                strictly = strictly || sj[k] < si[k];
            }
            return strictly || (sj == si && j < i); // equal twins: keep the first
        });
        if (!dominated)
            result.pareto.push_back(i);
    }
    std::stable_sort(result.pareto.begin(), result.pareto.end(),
        [&](std::size_t a, std::size_t b) { return better(result.evaluations[a], result.evaluations[b]); });
    return result;
}

} // namespace rwb
