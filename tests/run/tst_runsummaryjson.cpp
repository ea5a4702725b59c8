#include "core/config/demos.h"
#include "core/run/runmetrics.h"
#include "core/run/runsummaryjson.h"
#include "core/sim/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace rwb;

// The one run summary schema (docs/run-format.md), written for a simulated demo with an outage.
class TestRunSummaryJson : public QObject {
    Q_OBJECT

private:
    Scenario m_scenario;
    RunResult m_result;
    std::vector<Event> m_events;


private slots:
    void initTestCase()
    {
        const ScenarioLoad load = demos::load(QStringLiteral("outage-recovery"));
        QVERIFY(load.ok());
        m_scenario = *load.scenario;
        KeyEventSink sink;
        SimulationOptions options;
        options.sink = &sink;
        m_result = Simulator::run(m_scenario, options);
        m_events = sink.events();
        QVERIFY(!m_events.empty());
    }

    void headerSaysWhatAndWhence()
    {
        runjson::Options options;
        options.source = runjson::Source::Replay;
        options.scenario = m_scenario.name;
        const QJsonObject doc = runjson::toJson(m_result, options);
        QCOMPARE(doc.value(QStringLiteral("format")).toString(), QStringLiteral("resilience-workbench.run-summary"));
        QCOMPARE(doc.value(QStringLiteral("format_version")).toInt(), runjson::kFormatVersion);
        QCOMPARE(doc.value(QStringLiteral("source")).toString(), QStringLiteral("replay"));
        QCOMPARE(doc.value(QStringLiteral("scenario")).toString(), m_scenario.name);
        QVERIFY(doc.value(QStringLiteral("seed")).isNull()); // a replay's events do not carry the seed
        QCOMPARE(runjson::toJson(m_result, {}).value(QStringLiteral("seed")).toInteger(), qint64(m_result.seed));
        QCOMPARE(doc.value(QStringLiteral("duration_s")).toDouble(), toSeconds(m_result.duration));
        QVERIFY(doc.value(QStringLiteral("events")).isNull()); // no event log was written
        options.eventsWritten = true;
        QCOMPARE(runjson::toJson(m_result, options).value(QStringLiteral("events")).toInteger(), qint64(m_result.events));
        QCOMPARE(doc.value(QStringLiteral("interrupted")).toBool(), false);
    }

    void countsAddUpPerPipelineAndInTotal()
    {
        const QJsonObject doc = runjson::toJson(m_result, {});
        const QJsonArray pipelines = doc.value(QStringLiteral("pipelines")).toArray();
        QCOMPARE(std::size_t(pipelines.size()), m_result.pipelines.size());
        qint64 requests = 0;
        for (qsizetype i = 0; i < pipelines.size(); ++i) {
            const QJsonObject p = pipelines.at(i).toObject();
            const PipelineSeries& s = m_result.pipelines[std::size_t(i)];
            QCOMPARE(p.value(QStringLiteral("name")).toString(), s.name);
            QCOMPARE(p.value(QStringLiteral("requests")).toInteger(), qint64(s.summary.requests));
            QCOMPARE(p.value(QStringLiteral("breaker_transitions")).toInteger(), qint64(s.summary.breakerTransitions));
            // The circuit is named, or null for a pipeline without a breaker.
            QCOMPARE(p.value(QStringLiteral("circuit")).isNull(), s.breaker.isEmpty());
            // Every request ends in exactly one of the outcomes.
            qint64 ended = 0;
            for (const char* k : { "succeeded", "failed", "rejected", "fallbacks", "unfinished" })
                ended += p.value(QLatin1String(k)).toInteger();
            QCOMPARE(ended, p.value(QStringLiteral("requests")).toInteger());
            QVERIFY(!p.contains(QStringLiteral("series")));
            requests += p.value(QStringLiteral("requests")).toInteger();
        }
        const QJsonObject totals = doc.value(QStringLiteral("totals")).toObject();
        QCOMPARE(totals.value(QStringLiteral("requests")).toInteger(), requests);
        QCOMPARE(totals.value(QStringLiteral("attempts")).toInteger(), qint64(m_result.total().attempts));
        qint64 arrivals = 0;
        for (const ServiceSeries& s : m_result.services)
            arrivals += qint64(s.arrivals);
        QCOMPARE(totals.value(QStringLiteral("service_load")).toInteger(), arrivals);
    }

    void latencyInMillisecondsToTheMicrosecond()
    {
        const QJsonObject p = runjson::toJson(m_result, {}).value(QStringLiteral("pipelines")).toArray().first().toObject();
        const QJsonObject latency = p.value(QStringLiteral("latency_ms")).toObject();
        const PipelineSummary& s = m_result.pipelines.front().summary;
        QCOMPARE(latency.value(QStringLiteral("p99")).toDouble(), std::round(s.latencyP99Ms * 1000.0) / 1000.0);
        QVERIFY(latency.value(QStringLiteral("p50")).toDouble() <= latency.value(QStringLiteral("p95")).toDouble());
        QVERIFY(latency.value(QStringLiteral("p95")).toDouble() <= latency.value(QStringLiteral("p99")).toDouble());
    }

    void ratesKeepTheirPrecision()
    {
        // 1,999 of 2,000 served is 0.9995: a threshold of 0.999 must see the difference.
        RunResult r;
        PipelineSeries p;
        p.name = QStringLiteral("p");
        p.summary.requests = 2000;
        p.summary.succeeded = 1999;
        p.summary.failed = 1;
        p.summary.attempts = 2001;
        r.pipelines.push_back(p);
        const QJsonObject o = runjson::toJson(r, {}).value(QStringLiteral("pipelines")).toArray().first().toObject();
        QCOMPARE(o.value(QStringLiteral("success_rate")).toDouble(), 0.9995);
        QCOMPARE(o.value(QStringLiteral("retry_amplification")).toDouble(), 1.0005);
        // No service data, no fault: the figures that need them are null, not 0.
        const QJsonObject doc = runjson::toJson(r, {});
        QVERIFY(doc.value(QStringLiteral("totals")).toObject().value(QStringLiteral("service_load")).isNull());
        QVERIFY(doc.value(QStringLiteral("fault")).toObject().value(QStringLiteral("time_to_detect_s")).isNull());
    }

    void faultFiguresComeFromTheEvents()
    {
        runjson::Options options;
        options.events = &m_events;
        const QJsonObject fault = runjson::toJson(m_result, options).value(QStringLiteral("fault")).toObject();
        const RunMetrics metrics = RunMetrics::from(m_result, &m_events);
        QVERIFY(metrics.faultStart && metrics.timeToDetect);
        QCOMPARE(fault.value(QStringLiteral("start_s")).toDouble(), std::round(toSeconds(*metrics.faultStart) * 1e6) / 1e6);
        QCOMPARE(fault.value(QStringLiteral("time_to_detect_s")).toDouble(),
            std::round(toSeconds(*metrics.timeToDetect) * 1e6) / 1e6);
        QVERIFY(fault.value(QStringLiteral("time_to_detect_s")).toDouble() > 0);
    }

    void seriesHaveOneValuePerBucket()
    {
        runjson::Options options;
        options.series = true;
        const QJsonObject doc = runjson::toJson(m_result, options);
        const QJsonObject p = doc.value(QStringLiteral("pipelines")).toArray().first().toObject();
        const QJsonObject series = p.value(QStringLiteral("series")).toObject();
        const std::vector<PipelineBucket>& buckets = m_result.pipelines.front().buckets;
        for (const QString& key : series.keys())
            QCOMPARE(std::size_t(series.value(key).toArray().size()), buckets.size());
        qint64 requests = 0;
        for (const QJsonValue v : series.value(QStringLiteral("requests")).toArray())
            requests += v.toInteger();
        QCOMPARE(requests, qint64(m_result.pipelines.front().summary.requests));
        const QJsonArray states = series.value(QStringLiteral("breaker_state")).toArray();
        QVERIFY(states.contains(QStringLiteral("OPEN")));
        const QJsonObject service = doc.value(QStringLiteral("services")).toArray().first().toObject();
        QCOMPARE(std::size_t(service.value(QStringLiteral("series")).toObject().value(QStringLiteral("arrivals")).toArray().size()),
            m_result.services.front().buckets.size());
    }

    void sameRunSameBytes()
    {
        KeyEventSink sink;
        SimulationOptions simulation;
        simulation.sink = &sink;
        const RunResult again = Simulator::run(m_scenario, simulation);
        runjson::Options options;
        options.series = true;
        QCOMPARE(QJsonDocument(runjson::toJson(again, options)).toJson(),
            QJsonDocument(runjson::toJson(m_result, options)).toJson());
    }
};

QTEST_GUILESS_MAIN(TestRunSummaryJson)
#include "tst_runsummaryjson.moc"
