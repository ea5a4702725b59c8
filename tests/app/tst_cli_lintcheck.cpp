// rwb lint and rwb check, run as a CI job would: exit codes, the text and JSON reports, bad input.
#include "processrun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace rwbtest;

namespace {

// A pipeline whose breaker can never open (10 calls/s, 50 in its window, minimum_calls 100) and whose
// timeout sits far above the service's p99; `expect` fills in the pipeline's expectations.
QByteArray scenario(const char* breaker, const char* expect)
{
    return QByteArray(R"({"schema_version": 1, "duration": 60,
        "services": [{"name": "s", "fault": {"latency": {"distribution": "fixed", "value": 0.02},
                      "outages": [{"start": 20, "end": 40, "error": "connection_refused"}]}}],
        "pipelines": [{"name": "p", "service": "s", "circuit_breaker": )")
        + breaker + R"(, "timeout": {"attempt_timeout": 1}, "expect": )" + expect + R"(}],
        "clients": [{"name": "c", "pipeline": "p", "arrival": {"process": "constant", "rate": 10}}]})";
}

const char* const kTrap = R"({"trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 100, "recovery_timeout": 30})";
const char* const kSound = R"({"trip_mode": "time_window", "failure_window": 5, "window_size": 200, "minimum_calls": 20, "recovery_timeout": 30})";

} // namespace

class TestCliLintCheck : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& content) { return writeFile(m_dir.filePath(name), content); }

private slots:
    void lintExitCodes()
    {
        const QString trap = write(QStringLiteral("trap.json"), scenario(kTrap, "{}"));
        Run r = rwb({QStringLiteral("lint"), trap});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QLatin1String("/pipelines/0/circuit_breaker/minimum_calls: error [minimum_calls_unreachable]")), qPrintable(r.out));
        QVERIFY(r.out.contains(QLatin1String("fix: lower minimum_calls to 25")));
        QVERIFY(r.out.contains(QLatin1String("[attempt_timeout_far_above_p99]")));

        // the info finding alone does not fail a CI gate at warning
        const QString sound = write(QStringLiteral("sound.json"), scenario(kSound, "{}"));
        QCOMPARE(rwb({QStringLiteral("lint"), sound}).exitCode, 1);
        QCOMPARE(rwb({QStringLiteral("lint"), sound, QStringLiteral("--fail-on"), QStringLiteral("warning")}).exitCode, 0);
        QCOMPARE(rwb({QStringLiteral("lint"), trap, QStringLiteral("--fail-on"), QStringLiteral("error")}).exitCode, 1);

        const QString clean = write(QStringLiteral("clean.json"),
            QByteArray(R"({"schema_version": 1, "services": [{"name": "s"}], "pipelines": [{"name": "p", "service": "s"}],
                           "clients": [{"name": "c", "pipeline": "p"}]})"));
        r = rwb({QStringLiteral("lint"), clean});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("no findings")));
    }

    void lintJson()
    {
        const Run r = rwb({QStringLiteral("lint"), write(QStringLiteral("trap.json"), scenario(kTrap, "{}")), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(doc.value(QStringLiteral("counts")).toObject().value(QStringLiteral("error")).toInt(), 1);
        const QJsonObject first = doc.value(QStringLiteral("findings")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("rule")).toString(), QStringLiteral("minimum_calls_unreachable"));
        QCOMPARE(first.value(QStringLiteral("numbers")).toObject().value(QStringLiteral("calls_per_window")).toDouble(), 50.0);
    }

    void badInput()
    {
        const QString trap = write(QStringLiteral("trap.json"), scenario(kTrap, "{}"));
        for (const QString& cmd : {QStringLiteral("lint"), QStringLiteral("check")}) {
            QCOMPARE(rwb({cmd}).exitCode, 2);
            QCOMPARE(rwb({cmd, trap, QStringLiteral("--bogus")}).exitCode, 2);
            const Run bad = rwb({cmd, write(QStringLiteral("bad.json"), scenario(kTrap, R"({"p99_at_most": "fast"})"))});
            QCOMPARE(bad.exitCode, 2);
            QVERIFY2(bad.err.contains(QLatin1String("/pipelines/0/expect/p99_at_most")), qPrintable(bad.err));
            QCOMPARE(rwb({cmd, m_dir.filePath(QStringLiteral("missing.json"))}).exitCode, 2);
            QCOMPARE(rwb({cmd, QStringLiteral("--help")}).exitCode, 0);
        }
        const Run r = rwb({QStringLiteral("lint"), trap, QStringLiteral("--fail-on"), QStringLiteral("fatal")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("--fail-on expects info, warning or error")));
    }

    void checkPassesAndFails()
    {
        // The trapped breaker never opens: the expectation catches it in CI.
        Run r = rwb({QStringLiteral("check"), write(QStringLiteral("trap.json"), scenario(kTrap, R"({"breaker_opens_within": 2})"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QLatin1String("FAIL p breaker_opens_within: expected opens <= 2 s after the fault starts, got never opened")),
            qPrintable(r.out));
        QVERIFY(r.out.contains(QLatin1String("0 of 1 expectations hold; 1 failed")));

        r = rwb({QStringLiteral("check"), write(QStringLiteral("sound.json"), scenario(kSound, R"({"breaker_opens_within": 3})"))});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QLatin1String("PASS p breaker_opens_within")), qPrintable(r.out));

        r = rwb({QStringLiteral("check"), write(QStringLiteral("sound.json"), scenario(kSound, R"({"breaker_opens_within": 3})")),
            QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(doc.value(QStringLiteral("passed")).toBool(), true);
        QCOMPARE(doc.value(QStringLiteral("expectations")).toArray().size(), 1);
        QCOMPARE(doc.value(QStringLiteral("run")).toObject().value(QStringLiteral("format")).toString(),
            QStringLiteral("resilience-workbench.run-summary"));
    }
};

QTEST_GUILESS_MAIN(TestCliLintCheck)
#include "tst_cli_lintcheck.moc"
