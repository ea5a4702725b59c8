#include "core/clock/clock.h"
#include "core/log/jsonlwriter.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace rwb;

namespace {
/// Thread-safe clock that moves 1 ms per reading, starting just before midnight, so the
/// writers cross a day boundary while they race.
class SteppingClock final : public Clock {
public:
    TimePoint now() const override { return TimePoint(std::chrono::milliseconds(m_ticks.fetch_add(1))); }
    qint64 originUtcMs() const override { return 1767484799000 + 500; } // 23:59:59.500
private:
    mutable std::atomic<qint64> m_ticks {0};
};
} // namespace

class TestJsonlWriterThreads : public QObject {
    Q_OBJECT
private slots:
    void noLostOrInterleavedLines_data()
    {
        QTest::addColumn<bool>("batched");
        QTest::newRow("each line") << false;
        QTest::newRow("batched") << true;
    }

    void noLostOrInterleavedLines()
    {
        QFETCH(bool, batched);
        constexpr int kThreads = 6;
        constexpr int kLines = 500;
        QTemporaryDir dir;
        SteppingClock clock;
        {
            JsonlWriter::Options o;
            o.directory = dir.path();
            o.name = QStringLiteral("t");
            o.flush = batched ? JsonlWriter::FlushPolicy::Batched : JsonlWriter::FlushPolicy::EachLine;
            o.batchBytes = 4096;
            JsonlWriter writer(clock, o);
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t) {
                threads.emplace_back([&writer, t] {
                    // Long, escaped messages make a torn write visible.
                    const QString pad = QString(200 + t * 37, QChar(u'a' + t)) + QStringLiteral("\"\n\\");
                    for (int i = 0; i < kLines; ++i) {
                        if (i % 2)
                            writer.log(LogLevel::Info, QStringLiteral("w%1").arg(t), QString(), pad,
                                QJsonObject {{QStringLiteral("t"), t}, {QStringLiteral("i"), i}});
                        else {
                            Event e;
                            e.kind = EventKind::Attempt;
                            e.source = QStringLiteral("w%1").arg(t);
                            e.requestId = std::uint64_t(t * 100000 + i);
                            e.text = pad;
                            writer.onEvent(e);
                        }
                    }
                });
            }
            for (auto& th : threads)
                th.join();
            QCOMPARE(writer.linesWritten(), qint64(kThreads * kLines));
        }
        const QStringList files = QDir(dir.path()).entryList(QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 2); // the run crossed midnight
        int valid = 0;
        std::set<std::pair<int, int>> seen;
        for (const QString& name : files) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray all = f.readAll();
            QVERIFY(all.endsWith('\n'));
            for (const QByteArray& line : all.split('\n')) {
                if (line.isEmpty())
                    continue;
                QJsonParseError err;
                const QJsonObject o = QJsonDocument::fromJson(line, &err).object();
                QVERIFY2(err.error == QJsonParseError::NoError, line.left(200).constData());
                const QJsonObject extra = o.value(QStringLiteral("extra")).toObject();
                if (extra.contains(QStringLiteral("t")))
                    seen.insert({extra.value(QStringLiteral("t")).toInt(), extra.value(QStringLiteral("i")).toInt()});
                else {
                    const auto id = qint64(extra.value(QStringLiteral("request_id")).toDouble());
                    seen.insert({int(id / 100000), int(id % 100000)});
                }
                ++valid;
            }
        }
        QCOMPARE(valid, kThreads * kLines);
        QCOMPARE(int(seen.size()), kThreads * kLines);
    }
};

QTEST_GUILESS_MAIN(TestJsonlWriterThreads)
#include "tst_jsonlwriter_threads.moc"
