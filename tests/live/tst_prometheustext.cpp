// The exposition writer behind both /metrics endpoints: families once, label values escaped, numbers
// in the forms Prometheus parses.
#include "core/live/prometheustext.h"

#include <QTest>

using namespace rwb;

class TestPrometheusText : public QObject {
    Q_OBJECT
private slots:
    void familiesAndSamples()
    {
        PrometheusText out;
        out.family("rwb_x_total", "counter", "Things, per pipeline.");
        out.sample("rwb_x_total", { { "pipeline", QStringLiteral("a") } }, std::uint64_t(18446744073709551615ull));
        out.sample("rwb_x_total", { { "pipeline", QStringLiteral("b") }, { "result", QStringLiteral("ok") } },
            std::int64_t(-3));
        out.family("rwb_y", "gauge", "A level.");
        out.sample("rwb_y", {}, 0.25);
        QCOMPARE(out.text(),
            QByteArray("# HELP rwb_x_total Things, per pipeline.\n# TYPE rwb_x_total counter\n"
                       "rwb_x_total{pipeline=\"a\"} 18446744073709551615\n"
                       "rwb_x_total{pipeline=\"b\",result=\"ok\"} -3\n"
                       "# HELP rwb_y A level.\n# TYPE rwb_y gauge\nrwb_y 0.25\n"));
    }

    void labelValuesAreEscaped()
    {
        // a pipeline named by a user may hold anything: quotes, backslashes, new lines, non-ASCII
        QCOMPARE(
            PrometheusText::escapeLabelValue(QStringLiteral("a\"b\\c\nd é")), QByteArray("a\\\"b\\\\c\\nd \xc3\xa9"));
        PrometheusText out;
        out.sample("m", { { "pipeline", QStringLiteral("x\"}\n# TYPE m gauge") } }, std::int64_t(1));
        QCOMPARE(out.text().count('\n'), 1); // an injected new line cannot start a line of its own
    }
};

QTEST_GUILESS_MAIN(TestPrometheusText)
#include "tst_prometheustext.moc"
