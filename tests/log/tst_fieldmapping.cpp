#include "core/log/fieldmapping.h"
#include "core/log/loglevel.h"

#include <QTest>

using namespace rwb;

class TestFieldMapping : public QObject {
    Q_OBJECT
private slots:
    void formatNames()
    {
        for (const QString& name : logFormatNames())
            QCOMPARE(toString(*logFormatFromString(name)), name);
        QVERIFY(logFormatFromString(QStringLiteral("Logstash")) == LogFormat::Ecs);
        QVERIFY(logFormatFromString(QStringLiteral("serilog")) == LogFormat::Clef);
        QVERIFY(logFormatFromString(QStringLiteral(" PINO ")) == LogFormat::Pino);
        QVERIFY(!logFormatFromString(QStringLiteral("log4j")).has_value());
    }

    void detection_data()
    {
        QTest::addColumn<QByteArray>("sample");
        QTest::addColumn<int>("format");
        QTest::newRow("workbench") << QByteArray(R"({"timestamp": "2026-01-03T15:30:00", "level": "INFO", "agent": "a", "task_id": "t", "message": "m", "extra": {}})")
                                   << int(LogFormat::Workbench);
        QTest::newRow("pino") << QByteArray(R"({"level":30,"time":1767454200000,"pid":1,"hostname":"h","msg":"m"})") << int(LogFormat::Pino);
        QTest::newRow("bunyan") << QByteArray(R"({"name":"n","hostname":"h","pid":1,"level":30,"msg":"m","time":"2026-01-03T15:30:00.000Z","v":0})")
                                << int(LogFormat::Bunyan);
        QTest::newRow("zap") << QByteArray(R"({"level":"info","ts":1767454200.1,"caller":"c","msg":"m"})") << int(LogFormat::Zap);
        QTest::newRow("structlog") << QByteArray(R"({"event": "m", "level": "info", "timestamp": "2026-01-03T15:30:00Z"})")
                                   << int(LogFormat::Structlog);
        QTest::newRow("ecs") << QByteArray(R"({"@timestamp":"2026-01-03T15:30:00Z","log.level":"info","message":"m"})") << int(LogFormat::Ecs);
        QTest::newRow("clef") << QByteArray(R"({"@t":"2026-01-03T15:30:00Z","@mt":"m {X}","X":1})") << int(LogFormat::Clef);
        QTest::newRow("unknown") << QByteArray("not json") << int(LogFormat::Workbench);
    }

    void detection()
    {
        QFETCH(QByteArray, sample);
        QFETCH(int, format);
        QCOMPARE(int(detectLogFormat(sample.constData(), std::size_t(sample.size()))), format);
    }

    void mappings()
    {
        const FieldMapping ecs = FieldMapping::forFormat(LogFormat::Ecs);
        QCOMPARE(ecs.levelKey, QByteArray("log.level"));
        QVERIFY(ecs.extraPrefix.isEmpty());
        const FieldMapping wb = FieldMapping::forFormat(LogFormat::Auto);
        QVERIFY(wb.format == LogFormat::Workbench);
        QCOMPARE(wb.eventKey, QByteArray("extra.event"));
        QVERIFY(FieldMapping::forFormat(LogFormat::Zap).timeEncoding == TimeEncoding::EpochSeconds);
    }

    void levels()
    {
        QVERIFY(parseLogLevel(QStringLiteral("Information")) == LogLevel::Info);
        QVERIFY(parseLogLevel(QStringLiteral("55")) == LogLevel::Error);
        QVERIFY(!parseLogLevel(QStringLiteral("5")).has_value());
        QVERIFY(!parseLogLevel(QStringLiteral("")).has_value());
        QVERIFY(!parseLogLevel(QStringLiteral("a-very-long-level-name")).has_value());
        QVERIFY(LogLevel::Warning < LogLevel::Error);
        QCOMPARE(toString(LogLevel::Warning), QStringLiteral("WARNING"));
    }
};

QTEST_APPLESS_MAIN(TestFieldMapping)
#include "tst_fieldmapping.moc"
