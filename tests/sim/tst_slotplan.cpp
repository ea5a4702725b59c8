// Laying a split run's tasks out on the cores (wrapAround) and running them in those turns (SlotTurns).
#include "core/common/random.h"
#include "core/sim/slotplan.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using namespace rwb;

namespace {

using Layout = std::vector<std::vector<SlotSegment>>;

// Each segment's interval in cost units when every slot runs its segments back to back from 0; a task's
// second part (the one ending at 1 when it has two) covers what its first left.
struct Interval {
    double from = 0;
    double to = 0;
    std::size_t slot = 0;
};

std::map<std::size_t, std::vector<Interval>> intervals(const Layout& layout, const std::vector<double>& costs)
{
    std::map<std::size_t, double> firstPart; // task -> `until` of its part that ends before 1
    for (const auto& slot : layout)
        for (const SlotSegment& seg : slot)
            if (seg.until < 1)
                firstPart[seg.task] = seg.until;
    std::map<std::size_t, std::vector<Interval>> out;
    for (std::size_t s = 0; s < layout.size(); ++s) {
        double time = 0;
        for (const SlotSegment& seg : layout[s]) {
            const auto it = firstPart.find(seg.task);
            const double share = seg.until < 1 || it == firstPart.end() ? seg.until : 1 - it->second;
            out[seg.task].push_back({ time, time + share * costs[seg.task], s });
            time += share * costs[seg.task];
        }
    }
    return out;
}

} // namespace

class TestSlotPlan : public QObject {
    Q_OBJECT

private slots:
    void threeEqualTasksOnTwoSlots()
    {
        const Layout layout = wrapAround({ 10, 10, 10 }, 2);
        QCOMPARE(layout.size(), std::size_t(2));
        QCOMPARE(layout[0], (std::vector<SlotSegment> { { 0, 1 }, { 1, 1 } }));
        QCOMPARE(layout[1], (std::vector<SlotSegment> { { 1, 0.5 }, { 2, 1 } }));
    }

    // What GroupRunner lays out for the demo: numbering (a twentieth of the calls) and three equal groups.
    void numberingAndThreeGroups()
    {
        const Layout layout = wrapAround({ 1, 10, 10, 10 }, 2); // end 15.5
        QCOMPARE(layout[0], (std::vector<SlotSegment> { { 0, 1 }, { 1, 1 }, { 2, 1 } }));
        QCOMPARE(layout[1].size(), std::size_t(2));
        QCOMPARE(layout[1][0].task, std::size_t(2));
        QCOMPARE(layout[1][0].until, 0.55); // 5.5 of 10 first on slot 1, the last 4.5 close slot 0
        QCOMPARE(layout[1][1], (SlotSegment { 3, 1 }));
    }

    void largeTaskAloneAndFewTasks()
    {
        QCOMPARE(wrapAround({ 100, 1, 1 }, 2),
            (Layout { { { 0, 1 } }, { { 1, 1 }, { 2, 1 } } }));
        QCOMPARE(wrapAround({ 5, 5 }, 3), (Layout { { { 0, 1 } }, { { 1, 1 } }, {} }));
        QCOMPARE(wrapAround({ 0, 3, 0 }, 2), (Layout { { { 0, 1 }, { 1, 1 } }, { { 2, 1 } } }));
        QCOMPARE(wrapAround({}, 2), (Layout { {}, {} }));
    }

    // Random costs: every task placed whole or split in two parts on neighbouring slots, a split task's
    // parts never overlap in time, and no slot runs past the best possible end.
    void randomLayoutsAreFeasible()
    {
        Random rng(17);
        for (int round = 0; round < 2000; ++round) {
            const int slotCount = 1 + int(rng.nextU64() % 4);
            std::vector<double> costs(1 + rng.nextU64() % 9);
            for (double& c : costs)
                c = rng.nextU64() % 5 == 0 ? 0.0 : 0.5 + rng.uniform01() * 20;
            const Layout layout = wrapAround(costs, slotCount);
            QCOMPARE(int(layout.size()), slotCount);
            double total = 0;
            double largest = 0;
            for (const double c : costs) {
                total += c;
                largest = std::max(largest, c);
            }
            const double end = std::max(largest, total / slotCount);
            const auto placed = intervals(layout, costs);
            for (std::size_t task = 0; task < costs.size(); ++task) {
                const auto it = placed.find(task);
                QVERIFY2(it != placed.end(), qPrintable(QStringLiteral("round %1 task %2").arg(round).arg(task)));
                const std::vector<Interval>& parts = it->second;
                QVERIFY(parts.size() == 1 || parts.size() == 2);
                double length = 0;
                for (const Interval& p : parts) {
                    length += p.to - p.from;
                    QVERIFY(p.to <= end * (1 + 1e-9) + 1e-12);
                }
                QVERIFY(std::abs(length - costs[task]) <= 1e-9 * (1 + costs[task]));
                if (parts.size() == 2) {
                    // parts on neighbouring slots; the first part (on the later slot) ends before the rest starts
                    const Interval& a = parts[0].slot > parts[1].slot ? parts[0] : parts[1];
                    const Interval& b = parts[0].slot > parts[1].slot ? parts[1] : parts[0];
                    QCOMPARE(a.slot, b.slot + 1);
                    QVERIFY(a.to <= b.from + 1e-9 * (1 + end));
                }
            }
        }
    }

    // Tasks on threads: never more running than slots, each in its layout's order, every task to its end
    // (also under ThreadSanitizer).
    void turnsFollowTheLayout()
    {
        const std::vector<double> costs { 1, 10, 10, 10, 3 };
        const Layout layout = wrapAround(costs, 2);
        for (int round = 0; round < 20; ++round) {
            SlotTurns turns(layout);
            std::mutex lock;
            int running = 0; // tasks holding a turn
            int mostRunning = 0;
            std::vector<std::pair<std::size_t, int>> log; // (task, step) in the order they ran
            const auto count = [&](int change) {
                const std::lock_guard guard(lock);
                running += change;
                mostRunning = std::max(mostRunning, running);
            };
            const auto task = [&](std::size_t t) {
                double pauseAt = 2; // where the task's first part ends, if it has two
                for (const auto& slot : layout)
                    for (const SlotSegment& seg : slot)
                        if (seg.task == t && seg.until < 1)
                            pauseAt = seg.until;
                turns.start(t);
                count(+1);
                for (int step = 1; step <= 100; ++step) {
                    {
                        const std::lock_guard guard(lock);
                        log.push_back({ t, step });
                    }
                    const bool pauses = step / 100.0 >= pauseAt && (step - 1) / 100.0 < pauseAt;
                    if (pauses)
                        count(-1);
                    turns.reached(t, step / 100.0);
                    if (pauses)
                        count(+1);
                }
                count(-1);
                turns.finish(t);
            };
            std::vector<std::thread> threads;
            for (std::size_t t = 1; t < costs.size(); ++t)
                threads.emplace_back(task, t);
            task(0);
            for (auto& t : threads)
                t.join();
            QVERIFY(mostRunning <= 2);
            QCOMPARE(log.size(), std::size_t(500));
            // slot 0 runs task 0, then task 1, then the rest of task 2: task 2 passes its first part's end
            // only after task 1 has finished
            const auto at = [&](std::size_t t, int step) {
                return std::find(log.begin(), log.end(), std::pair { t, step }) - log.begin();
            };
            QCOMPARE(layout[0].back().task, std::size_t(2));
            const int resumeStep = int(layout[1].front().until * 100) + 2;
            QVERIFY(at(1, 100) < at(2, resumeStep));
            QVERIFY(at(0, 100) < at(1, 1));
        }
    }
};

QTEST_APPLESS_MAIN(TestSlotPlan)
#include "tst_slotplan.moc"
