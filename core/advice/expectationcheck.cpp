#include "core/advice/expectationcheck.h"

#include "core/run/runmetrics.h"

#include <algorithm>
#include <cmath>

namespace rwb::expectationcheck {

namespace {

QString sec(Duration d) { return formatNumber(std::round(toSeconds(d) * 1000.0) / 1000.0) + QStringLiteral(" s"); }
QString msText(double ms) { return formatNumber(std::round(ms * 10.0) / 10.0) + QStringLiteral(" ms"); }

std::size_t bucketOf(Duration t, Duration width) { return std::size_t(std::max<std::int64_t>(0, t / width)); }

class Judge {
public:
    Judge(const Scenario& scenario, std::size_t index, std::vector<ExpectationResult>& out)
        : m_name(scenario.pipelines[index].name()), m_prefix(QStringLiteral("/pipelines/%1/expect/").arg(index)), m_out(out)
    {
    }
    void add(const char* key, QString expected, QString got, bool passed)
    {
        const QString k = QString::fromLatin1(key);
        m_out.push_back({m_name, k, m_prefix + k, std::move(expected), std::move(got), passed});
    }

private:
    QString m_name;
    QString m_prefix;
    std::vector<ExpectationResult>& m_out;
};

// Attempts the pipeline placed from the fault's first second to the second its breaker opened (both
// included), or to the fault's end when it never opened.
std::uint64_t attemptsBeforeOpen(const PipelineSeries& series, const RunMetrics& m, Duration width)
{
    const std::size_t first = bucketOf(*m.faultStart, width);
    const std::size_t last = m.timeToDetect ? bucketOf(*m.faultStart + *m.timeToDetect, width)
                                            : bucketOf(*m.faultEnd - Duration(1), width);
    std::uint64_t n = 0;
    for (std::size_t i = first; i <= last && i < series.buckets.size(); ++i)
        n += series.buckets[i].attempts;
    return n;
}

} // namespace

std::vector<ExpectationResult> evaluate(const Scenario& scenario, const RunResult& result, const std::vector<Event>* keyEvents)
{
    std::vector<ExpectationResult> out;
    for (std::size_t i = 0; i < scenario.pipelines.size(); ++i) {
        const PipelineSpec& spec = scenario.pipelines[i];
        const PipelineExpectations& x = spec.expect;
        const PipelineSeries* series = result.pipeline(spec.name());
        if (x.empty() || !series)
            continue;
        RunMetrics::Selection selection {{spec.name()}, {}};
        if (spec.breaker)
            selection.circuits = {spec.breaker->name};
        const RunMetrics m = RunMetrics::from(result, keyEvents, selection);
        const PipelineSummary& s = series->summary;
        const QString noFault = QStringLiteral("no fault in the run (no second with >= 50 % failed answers)");
        Judge judge(scenario, i, out);

        // Without a breaker nothing can open: the breaker expectations fail (breaker_opens: false holds)
        // and say why. Not a load error, so that switching the breaker off shows what the breaker bought.
        const QString noBreaker = QStringLiteral("the pipeline has no circuit breaker");
        if (x.breakerOpens && !spec.breaker) {
            judge.add("breaker_opens", *x.breakerOpens ? QStringLiteral("opens") : QStringLiteral("never opens"), noBreaker,
                !*x.breakerOpens);
        } else if (x.breakerOpens) {
            const bool opened = std::any_of(series->buckets.begin(), series->buckets.end(),
                [](const PipelineBucket& b) { return b.breakerState != BreakerState::Closed; });
            judge.add("breaker_opens", *x.breakerOpens ? QStringLiteral("opens") : QStringLiteral("never opens"),
                opened ? QStringLiteral("opened") : QStringLiteral("never opened"), opened == *x.breakerOpens);
        }
        if (x.breakerOpensWithin) {
            const QString expected = QStringLiteral("opens <= %1 after the fault starts").arg(sec(*x.breakerOpensWithin));
            if (!spec.breaker)
                judge.add("breaker_opens_within", expected, noBreaker, false);
            else if (!m.faultStart)
                judge.add("breaker_opens_within", expected, noFault, false);
            else if (!m.timeToDetect)
                judge.add("breaker_opens_within", expected, QStringLiteral("never opened"), false);
            else
                judge.add("breaker_opens_within", expected, QStringLiteral("opened after %1").arg(sec(*m.timeToDetect)),
                    *m.timeToDetect <= *x.breakerOpensWithin);
        }
        if (x.attemptsBeforeOpenAtMost) {
            const QString expected = QStringLiteral("<= %1 attempts before it opens").arg(*x.attemptsBeforeOpenAtMost);
            if (!spec.breaker) {
                judge.add("attempts_before_open_at_most", expected, noBreaker, false);
            } else if (!m.faultStart) {
                judge.add("attempts_before_open_at_most", expected, noFault, false);
            } else {
                const std::uint64_t n = attemptsBeforeOpen(*series, m, result.bucketWidth);
                judge.add("attempts_before_open_at_most", expected,
                    QStringLiteral("%1 attempts%2").arg(n).arg(m.timeToDetect ? QString() : QStringLiteral(" (never opened)")),
                    m.timeToDetect && n <= std::uint64_t(*x.attemptsBeforeOpenAtMost));
            }
        }
        if (x.worstCallAtMost)
            judge.add("worst_call_at_most", QStringLiteral("<= %1").arg(msText(toSeconds(*x.worstCallAtMost) * 1000.0)),
                msText(s.latencyMaxMs), s.latencyMaxMs <= toSeconds(*x.worstCallAtMost) * 1000.0);
        if (x.successRateAtLeast)
            judge.add("success_rate_at_least", QStringLiteral(">= %1").arg(formatNumber(*x.successRateAtLeast)),
                QStringLiteral("%1 (%2 of %3 requests)")
                    .arg(formatNumber(std::round(s.successRate() * 1e4) / 1e4))
                    .arg(s.succeeded + s.fallbacks)
                    .arg(s.requests),
                s.successRate() >= *x.successRateAtLeast);
        if (x.p99AtMost)
            judge.add("p99_at_most", QStringLiteral("<= %1").arg(msText(toSeconds(*x.p99AtMost) * 1000.0)),
                msText(s.latencyP99Ms), s.latencyP99Ms <= toSeconds(*x.p99AtMost) * 1000.0);
        if (x.recoversWithin) {
            const QString expected = QStringLiteral("recovers <= %1 after the fault ends").arg(sec(*x.recoversWithin));
            if (!m.faultEnd)
                judge.add("recovers_within", expected, noFault, false);
            else if (!m.timeToRecover)
                judge.add("recovers_within", expected, QStringLiteral("not recovered by the end of the run"), false);
            else
                judge.add("recovers_within", expected, QStringLiteral("recovered after %1").arg(sec(*m.timeToRecover)),
                    *m.timeToRecover <= *x.recoversWithin);
        }
    }
    return out;
}

bool allPassed(const std::vector<ExpectationResult>& results)
{
    return std::all_of(results.begin(), results.end(), [](const ExpectationResult& r) { return r.passed; });
}

QJsonObject toJson(const ExpectationResult& r)
{
    return {{QStringLiteral("pipeline"), r.pipeline}, {QStringLiteral("key"), r.key}, {QStringLiteral("pointer"), r.pointer},
        {QStringLiteral("expected"), r.expected}, {QStringLiteral("got"), r.got}, {QStringLiteral("passed"), r.passed}};
}

} // namespace rwb::expectationcheck
