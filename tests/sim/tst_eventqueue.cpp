#include "core/common/random.h"
#include "core/sim/eventqueue.h"
#include "core/run/latencyhistogram.h"

#include <QTest>

#include <algorithm>
#include <set>
#include <tuple>

using namespace rwb;

class TestEventQueue : public QObject {
    Q_OBJECT

private slots:
    // Random pushes and pops, near and far, checked against an ordered set as the reference model.
    void matchesAReferenceModel_data()
    {
        QTest::addColumn<qint64>("maxAheadNs");
        QTest::newRow("within the wheel") << qint64(2000000000);
        QTest::newRow("mostly beyond the wheel") << qint64(60000000000);
        QTest::newRow("same instant ties") << qint64(0);
    }
    void matchesAReferenceModel()
    {
        QFETCH(qint64, maxAheadNs);
        Random rng(12345);
        EventQueue q;
        std::set<std::tuple<std::int64_t, std::uint64_t, std::uint32_t>> model;
        std::int64_t now = 0;
        std::uint64_t seq = 0;
        for (int step = 0; step < 200000; ++step) {
            if (model.empty() || rng.chance(0.52)) {
                const std::int64_t ahead = maxAheadNs == 0 ? 0 : std::int64_t(rng.below(std::uint64_t(maxAheadNs)));
                const auto payload = std::uint32_t(rng.below(1000));
                q.push({now + ahead, ++seq, payload, 0});
                model.insert({now + ahead, seq, payload});
            } else {
                QCOMPARE(q.top().seq, std::get<1>(*model.begin()));
                const auto e = q.pop();
                const auto expected = *model.begin();
                model.erase(model.begin());
                QCOMPARE(e.time, std::get<0>(expected));
                QCOMPARE(e.seq, std::get<1>(expected));
                QCOMPARE(e.payload, std::get<2>(expected));
                QVERIFY(e.time >= now);
                now = e.time;
            }
            QCOMPARE(q.size(), model.size());
        }
        while (!model.empty()) {
            QCOMPARE(q.pop().seq, std::get<1>(*model.begin()));
            model.erase(model.begin());
        }
        QVERIFY(q.empty());
    }

    void histogramPercentiles()
    {
        LatencyHistogram h;
        QCOMPARE(h.percentile(0.5), 0.0);
        for (int ms = 1; ms <= 1000; ++ms)
            h.add(std::int64_t(ms) * 1000000);
        QCOMPARE(h.count(), std::uint64_t(1000));
        QCOMPARE(h.max(), std::int64_t(1000000000));
        QVERIFY(std::abs(h.percentile(0.50) / 1e6 - 500) / 500 < 0.035);
        QVERIFY(std::abs(h.percentile(0.99) / 1e6 - 990) / 990 < 0.035);
        QVERIFY(h.percentile(1.0) <= 1e9);
        h.clear();
        QCOMPARE(h.count(), std::uint64_t(0));
        h.add(5000); // exact below 32 us: reported as the middle of its 1 us bin
        QCOMPARE(h.percentile(0.5), 5000.0);
    }
};

QTEST_APPLESS_MAIN(TestEventQueue)
#include "tst_eventqueue.moc"
