#include "core/sim/fidelity.h"

#include "core/events/eventsink.h"
#include "core/policy/backoff.h"
#include "core/sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace rwb {

namespace queueing {

double erlangC(int c, double a)
{
    // Erlang B by its stable recurrence, then C = B / (1 - (a / c)(1 - B)).
    double b = 1.0;
    for (int k = 1; k <= c; ++k)
        b = a * b / (k + a * b);
    const double rho = a / c;
    return b / (1.0 - rho * (1.0 - b));
}

FiniteQueue mmck(int c, int k, double lambda, double mu)
{
    const double a = lambda / mu;
    std::vector<double> p(std::size_t(k) + 1);
    p[0] = 1.0;
    for (int n = 1; n <= k; ++n)
        p[std::size_t(n)] = p[std::size_t(n) - 1] * a / std::min(n, c);
    const double sum = std::accumulate(p.begin(), p.end(), 0.0);
    FiniteQueue q;
    for (int n = 0; n <= k; ++n)
        q.meanInSystem += n * p[std::size_t(n)] / sum;
    q.blocking = p[std::size_t(k)] / sum;
    return q;
}

double ksPValue(double d, std::size_t n)
{
    const double sn = std::sqrt(double(n));
    const double lambda = (sn + 0.12 + 0.11 / sn) * d;
    if (lambda < 0.2)
        return 1.0;
    double p = 0.0;
    for (int j = 1; j <= 100; ++j) {
        const double term = 2.0 * ((j % 2) ? 1.0 : -1.0) * std::exp(-2.0 * j * j * lambda * lambda);
        p += term;
        if (std::abs(term) < 1e-12)
            break;
    }
    return std::clamp(p, 0.0, 1.0);
}

double ksUniformStatistic(std::vector<double>& u)
{
    std::sort(u.begin(), u.end());
    const double n = double(u.size());
    double d = 0.0;
    for (std::size_t i = 0; i < u.size(); ++i)
        d = std::max({d, double(i + 1) / n - u[i], u[i] - double(i) / n});
    return d;
}

} // namespace queueing

QJsonObject FidelityCheck::toJson() const
{
    return {{QStringLiteral("model"), model}, {QStringLiteral("figure"), figure}, {QStringLiteral("simulated"), simulated},
        {QStringLiteral("theory"), theory}, {QStringLiteral("error"), error}, {QStringLiteral("tolerance"), tolerance},
        {QStringLiteral("passed"), passed}, {QStringLiteral("formula"), note}};
}

namespace {

constexpr Duration kService = 10ms; // mean service time of every queueing case (mu = 100 / s)

// Sojourn times of the requests the service answered successfully, exactly (a histogram's bins would
// blur a 3 % check).
class SojournSink final : public EventSink {
public:
    void onEvent(const Event& e) override
    {
        if (e.kind == EventKind::RequestDone && e.outcome == OutcomeKind::Success)
            sojournMs.push_back(toMs(e.total));
    }
    EventKindSet interests() const override { return {EventKind::RequestDone}; }
    std::vector<double> sojournMs;
};

struct QueueRun {
    std::vector<double> sojournMs; // sorted
    double mean = 0;
    ServiceSeries service;
    double seconds = 0;
};

QueueRun simulateQueue(const LatencyDistribution& serviceTime, int workers, int room, double lambda,
    const FidelityOptions& options, std::uint64_t seed)
{
    Scenario s;
    s.name = QStringLiteral("fidelity");
    s.seed = seed;
    // Near saturation successive sojourns are strongly correlated, so a run needs more customers for
    // the same precision (the variance of the mean grows like 1 / (1 - rho)^4 in M/M/1).
    const double rho = workers > 0 ? lambda * serviceTime.moments().mean / 1e9 / workers : 0.0;
    const double customers = double(options.customers) * (rho >= 0.85 && rho < 1.0 ? 3.0 : 1.0);
    s.duration = fromSeconds(customers / lambda);
    s.drainLimit = 3600s;
    ServiceSpec svc;
    svc.name = QStringLiteral("server");
    FaultProfile f;
    f.latency = serviceTime;
    if (workers > 0) {
        f.capacity.maxConcurrent = workers;
        f.capacity.queueSize = room;
        f.capacity.overloadLatency = LatencyDistribution::fixed(Duration::zero());
    }
    svc.faults = FaultSchedule(f);
    s.services.push_back(svc);
    PipelineSpec p;
    p.config.name = QStringLiteral("direct");
    p.config.retryEnabled = false;
    p.service = svc.name;
    s.pipelines.push_back(p);
    ClientSpec c;
    c.name = QStringLiteral("poisson");
    c.pipeline = p.config.name;
    c.arrival.kind = ArrivalProcess::Kind::Poisson;
    c.arrival.rate = lambda;
    s.clients.push_back(c);

    SojournSink sink;
    SimulationOptions o;
    o.sink = &sink;
    o.cancel = options.cancel;
    const RunResult r = Simulator::run(s, o);
    QueueRun run;
    run.sojournMs = std::move(sink.sojournMs);
    std::sort(run.sojournMs.begin(), run.sojournMs.end());
    if (!run.sojournMs.empty())
        run.mean = std::accumulate(run.sojournMs.begin(), run.sojournMs.end(), 0.0) / double(run.sojournMs.size());
    run.service = r.services.front();
    run.seconds = toSeconds(r.simulatedUntil);
    return run;
}

double quantile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return 0.0;
    return sorted[std::min(sorted.size() - 1, std::size_t(std::ceil(q * double(sorted.size()))) - 1)];
}

FidelityCheck check(QString model, QString figure, double simulated, double theory, double tolerance, QString note)
{
    FidelityCheck c;
    c.model = std::move(model);
    c.figure = std::move(figure);
    c.simulated = simulated;
    c.theory = theory;
    c.error = theory != 0.0 ? std::abs(simulated - theory) / std::abs(theory) : std::abs(simulated);
    c.tolerance = tolerance;
    c.passed = c.error <= tolerance;
    c.note = std::move(note);
    return c;
}

FidelityCheck ksCheck(QString model, std::vector<double>& u, double minPValue, QString note)
{
    FidelityCheck c;
    c.model = std::move(model);
    c.figure = QStringLiteral("KS p-value");
    c.error = queueing::ksUniformStatistic(u);
    c.simulated = queueing::ksPValue(c.error, u.size());
    c.theory = 1.0;
    c.tolerance = minPValue;
    c.passed = c.simulated > minPValue;
    c.note = std::move(note);
    return c;
}

QString rhoName(const char* model, double rho) { return QStringLiteral("%1, rho %2").arg(QLatin1String(model)).arg(rho); }

// Probability integral transform of each jittered delay under the documented formula, randomised at
// the cap's atom, so that a correct implementation gives uniform values.
std::vector<double> jitterUniforms(Jitter jitter, std::int64_t draws, std::uint64_t seed)
{
    BackoffConfig cfg;
    cfg.strategy = BackoffStrategy::Exponential;
    cfg.baseDelay = 100ms;
    cfg.maxDelay = 2s; // retries 6+ are capped; decorrelated chains reach the cap within a few draws
    cfg.exponentialBase = 2.0;
    cfg.jitter = jitter;
    const Backoff backoff(cfg);
    Random rng(seed);
    Random atom(seed ^ 0x9e3779b97f4a7c15ULL);
    const double base = double(cfg.baseDelay.count());
    const double cap = double(cfg.maxDelay.count());
    std::vector<double> u;
    u.reserve(std::size_t(draws));
    Duration previous {};
    int retry = 1;
    for (std::int64_t i = 0; i < draws; ++i) {
        const Duration d = backoff.delay(retry, previous, rng);
        const double x = double(d.count());
        switch (jitter) {
        case Jitter::Full: {
            const double top = double(backoff.baseDelay(retry).count());
            u.push_back(x / top);
            break;
        }
        case Jitter::Equal: {
            const double top = double(backoff.baseDelay(retry).count());
            u.push_back((x - top / 2.0) / (top / 2.0));
            break;
        }
        case Jitter::Decorrelated: {
            // Documented: min(cap, U[base, 3 * max(previous, base))).
            const double hi = 3.0 * std::max(double(previous.count()), base);
            const double below = std::clamp((x - base) / (hi - base), 0.0, 1.0);
            if (x >= cap && hi > cap) {
                const double atCap = (cap - base) / (hi - base); // F just below the cap
                u.push_back(atCap + atom.uniform01() * (1.0 - atCap));
            } else {
                u.push_back(below);
            }
            break;
        }
        default: // the other jitters are not among the checked formulas
            break;
        }
        previous = d;
        if (++retry > 8) { // a fresh call: the chain starts over
            retry = 1;
            previous = Duration::zero();
        }
    }
    return u;
}

} // namespace

std::vector<FidelityCheck> runFidelity(const FidelityOptions& options)
{
    std::vector<FidelityCheck> out;
    const int total = 11;
    int done = 0;
    const auto step = [&] {
        if (options.progress)
            options.progress(++done, total);
    };
    const auto cancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };
    const double mu = 1000.0 / toMs(kService);
    std::uint64_t seed = options.seed;

    // M/M/1: sojourn time is exponential with rate mu - lambda.
    for (double rho : {0.5, 0.8, 0.9}) {
        if (cancelled())
            return out;
        const double lambda = rho * mu;
        const QueueRun r = simulateQueue(LatencyDistribution::exponential(kService), 1, 1 << 24, lambda, options, ++seed);
        const double w = 1000.0 / (mu - lambda);
        out.push_back(check(rhoName("M/M/1", rho), QStringLiteral("mean sojourn (ms)"), r.mean, w, options.meanTolerance,
            QStringLiteral("W = 1 / (mu - lambda)")));
        out.push_back(check(rhoName("M/M/1", rho), QStringLiteral("p95 sojourn (ms)"), quantile(r.sojournMs, 0.95),
            std::log(20.0) * w, options.p95Tolerance, QStringLiteral("sojourn ~ Exp(mu - lambda): p95 = ln 20 / (mu - lambda)")));
        step();
    }

    // M/G/1 by Pollaczek-Khinchine: W = E[S] + lambda E[S^2] / (2 (1 - rho)).
    struct General {
        const char* model;
        LatencyDistribution service;
        double rho;
    };
    const General general[] = {
        {"M/D/1", LatencyDistribution::fixed(kService), 0.5},
        {"M/D/1", LatencyDistribution::fixed(kService), 0.8},
        {"M/D/1", LatencyDistribution::fixed(kService), 0.9},
        {"M/G/1 (gamma, CV 3)", LatencyDistribution::gamma(kService, 1.0 / 9.0), 0.5},
        {"M/G/1 (log-normal)", LatencyDistribution::logNormal(fromMs(7.5), fromMs(29.0)), 0.8},
    };
    for (const auto& g : general) {
        if (cancelled())
            return out;
        const auto m = g.service.moments();
        const double es = m.mean / 1e9; // seconds
        const double lambda = g.rho / es;
        const QueueRun r = simulateQueue(g.service, 1, 1 << 24, lambda, options, ++seed);
        const double w = (es + lambda * (m.second / 1e18) / (2.0 * (1.0 - g.rho))) * 1000.0;
        out.push_back(check(rhoName(g.model, g.rho), QStringLiteral("mean sojourn (ms)"), r.mean, w, options.meanTolerance,
            QStringLiteral("Pollaczek-Khinchine: W = E[S] + lambda E[S^2] / (2 (1 - rho))")));
        step();
    }

    // M/M/c by Erlang C: W = C(c, a) / (c mu - lambda) + 1 / mu.
    if (cancelled())
        return out;
    {
        const int c = 4;
        const double rho = 0.8;
        const double lambda = rho * c * mu;
        const QueueRun r = simulateQueue(LatencyDistribution::exponential(kService), c, 1 << 24, lambda, options, ++seed);
        const double w = (queueing::erlangC(c, lambda / mu) / (c * mu - lambda) + 1.0 / mu) * 1000.0;
        out.push_back(check(QStringLiteral("M/M/4, rho 0.8"), QStringLiteral("mean sojourn (ms)"), r.mean, w,
            options.meanTolerance, QStringLiteral("Erlang C: W = C(c, a) / (c mu - lambda) + 1 / mu")));
        step();
    }

    // M/M/c/K in overload: blocking probability, mean sojourn of admitted requests, and Little's law.
    if (cancelled())
        return out;
    {
        const int c = 2, room = 3;
        const double lambda = 1.2 * c * mu;
        const QueueRun r = simulateQueue(LatencyDistribution::exponential(kService), c, room, lambda, options, ++seed);
        const auto q = queueing::mmck(c, c + room, lambda, mu);
        const double lambdaEff = lambda * (1.0 - q.blocking);
        const QString model = QStringLiteral("M/M/2/5, offered 1.2x capacity");
        const double blocked = double(r.service.overloaded) / double(std::max<std::uint64_t>(r.service.arrivals, 1));
        out.push_back(check(model, QStringLiteral("blocking probability"), blocked, q.blocking, options.meanTolerance,
            QStringLiteral("p_K of the birth-death chain with rates lambda and min(n, c) mu")));
        out.push_back(check(model, QStringLiteral("mean sojourn (ms)"), r.mean, q.meanInSystem / lambdaEff * 1000.0,
            options.meanTolerance, QStringLiteral("W = L / (lambda (1 - p_K))")));
        const double servedPerSecond = double(r.sojournMs.size()) / r.seconds;
        out.push_back(check(model, QStringLiteral("Little's law: L"), r.service.meanInSystem,
            servedPerSecond * r.mean / 1000.0, options.meanTolerance,
            QStringLiteral("time-average number in the service = throughput x mean sojourn, both measured")));
        step();
    }

    // Jitter distributions, each draw transformed by the documented formula's CDF.
    if (cancelled())
        return out;
    const std::int64_t draws = std::min<std::int64_t>(options.customers / 4, 200000);
    struct JitterCase {
        Jitter jitter;
        const char* name;
        const char* formula;
    };
    const JitterCase jitters[] = {
        {Jitter::Full, "full jitter", "U[0, d), d = min(cap, base 2^(n-1))"},
        {Jitter::Equal, "equal jitter", "d/2 + U[0, d/2)"},
        {Jitter::Decorrelated, "decorrelated jitter", "min(cap, U[base, 3 prev))"},
    };
    for (const auto& j : jitters) {
        std::vector<double> u = jitterUniforms(j.jitter, draws, ++seed);
        out.push_back(ksCheck(QLatin1String(j.name), u, options.ksMinPValue, QLatin1String(j.formula)));
    }
    step();
    return out;
}

} // namespace rwb
