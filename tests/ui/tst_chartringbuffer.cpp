// Bounded memory for long live runs: the ring buffer and the decimation helpers.

#include "core/common/ringbuffer.h"
#include "ui/charts/chartdecimation.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace rwb;

class TestChartRingBuffer : public QObject {
    Q_OBJECT
private slots:
    void keepsTheNewest_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("pushed");
        QTest::newRow("under") << 8 << 5;
        QTest::newRow("exact") << 8 << 8;
        QTest::newRow("wrapped") << 8 << 21;
        QTest::newRow("one") << 1 << 3;
    }
    void keepsTheNewest()
    {
        QFETCH(int, capacity);
        QFETCH(int, pushed);
        RingBuffer<int> ring(static_cast<std::size_t>(capacity));
        for (int i = 0; i < pushed; ++i)
            ring.push(i);
        const int kept = std::min(capacity, pushed);
        QCOMPARE(int(ring.size()), kept);
        QCOMPARE(int(ring.dropped()), pushed - kept);
        for (int i = 0; i < kept; ++i)
            QCOMPARE(ring[static_cast<std::size_t>(i)], pushed - kept + i);
        QCOMPARE(ring.back(), pushed - 1);
        std::vector<int> seen;
        ring.forEach([&](int v) { seen.push_back(v); });
        QCOMPARE(int(seen.size()), kept);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    }

    void shrinkKeepsNewest()
    {
        RingBuffer<int> ring(10);
        for (int i = 0; i < 15; ++i)
            ring.push(i);
        ring.setCapacity(4);
        QCOMPARE(ring.size(), std::size_t(4));
        QCOMPARE(ring.front(), 11);
        QCOMPARE(ring.back(), 14);
        ring.push(15);
        QCOMPARE(ring.front(), 12);
    }

    void minMaxKeepsSpikes()
    {
        QList<QPointF> points;
        for (int i = 0; i < 100000; ++i)
            points.append(QPointF(i * 0.01, i == 54321 ? 1000.0 : std::sin(i * 0.001)));
        const QList<QPointF> reduced = decimateMinMax(points, 0, 1000, 500);
        QVERIFY(reduced.size() <= 2 * 500 + 2);
        QVERIFY(reduced.size() >= 500);
        QVERIFY(std::is_sorted(
            reduced.begin(), reduced.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        const auto spike
            = std::find_if(reduced.begin(), reduced.end(), [](const QPointF& p) { return p.y() == 1000.0; });
        QVERIFY(spike != reduced.end());
        QCOMPARE(spike->x(), 543.21);
    }

    void minMaxKeepsEveryColumnsExtent()
    {
        // what a user sees: in every pixel column the line spans exactly the data's lowest to highest
        // value there, whatever was left out
        QList<QPointF> points;
        std::uint64_t x = 88172645463325252ull;
        for (int i = 0; i < 36000; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            points.append(QPointF(i * 0.1, double(x % 1000) + (i % 5000 == 0 ? 5000.0 : 0.0)));
        }
        const int columns = 700;
        const double xMin = 0, xMax = 3600;
        const QList<QPointF> reduced = decimateMinMax(points, xMin, xMax, columns);
        QVERIFY(reduced.size() <= 2 * columns + 2);
        const auto extents = [&](const QList<QPointF>& line) {
            std::vector<std::pair<double, double>> e(columns, { INFINITY, -INFINITY });
            for (const QPointF& p : line) {
                const int c = std::clamp(int(std::floor((p.x() - xMin) / ((xMax - xMin) / columns))), 0, columns - 1);
                e[std::size_t(c)]
                    = { std::min(e[std::size_t(c)].first, p.y()), std::max(e[std::size_t(c)].second, p.y()) };
            }
            return e;
        };
        QVERIFY(extents(reduced) == extents(points));
        QVERIFY(std::is_sorted(
            reduced.begin(), reduced.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
    }

    void minMaxClipsToRangeWithNeighbours()
    {
        QList<QPointF> points;
        for (int i = 0; i < 100; ++i)
            points.append(QPointF(i, i));
        const QList<QPointF> reduced = decimateMinMax(points, 10, 20, 1000);
        QCOMPARE(reduced.size(), 13); // 10..20 plus one neighbour on each side
        QCOMPARE(reduced.front().x(), 9.0);
        QCOMPARE(reduced.back().x(), 21.0);
    }

    void scatterOnePointPerCell()
    {
        QList<QPointF> points;
        for (int i = 0; i < 50000; ++i)
            points.append(QPointF((i % 1000) * 0.1, (i % 7) * 0.01));
        const QList<QPointF> reduced = decimateScatter(points, 0, 100, 0, 1, 200, 100);
        QVERIFY(reduced.size() <= 200 * 100);
        QVERIFY(reduced.size() < points.size() / 10);
        QVERIFY(!reduced.isEmpty());
    }
};

QTEST_MAIN(TestChartRingBuffer)
#include "tst_chartringbuffer.moc"
