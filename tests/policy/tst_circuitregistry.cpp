#include "core/events/eventsink.h"
#include "core/policy/circuitregistry.h"

#include <QTest>

using namespace rwb;

class TestCircuitRegistry : public QObject {
    Q_OBJECT
private slots:
    void getOrCreateSharesOneCircuit()
    {
        CircuitRegistry registry;
        CircuitBreakerConfig cfg;
        cfg.failureThreshold = 2;
        auto a = registry.getOrCreate(QStringLiteral("payments"), cfg);
        cfg.failureThreshold = 9;
        auto b = registry.getOrCreate(QStringLiteral("payments"), cfg);
        QCOMPARE(a.get(), b.get());
        QCOMPARE(a->config().failureThreshold, 2); // the first config wins
        QCOMPARE(a->name(), QStringLiteral("payments"));
        QCOMPARE(registry.find(QStringLiteral("payments")).get(), a.get());
        QVERIFY(!registry.find(QStringLiteral("missing")));
        QCOMPARE(registry.size(), std::size_t(1));
    }

    void invalidConfigLeavesRegistryUnchanged()
    {
        CircuitRegistry registry;
        CircuitBreakerConfig bad;
        bad.permittedProbes = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidConfig, registry.getOrCreate(QStringLiteral("x"), bad));
        QCOMPARE(registry.size(), std::size_t(0));
        // The registry supplies the name, so an empty name in the config is fine.
        CircuitBreakerConfig unnamed;
        unnamed.name.clear();
        QVERIFY(registry.getOrCreate(QStringLiteral("x"), unnamed));
    }

    void statsAndStatus()
    {
        CollectingSink sink;
        CircuitRegistry registry(&sink);
        CircuitBreakerConfig cfg;
        cfg.failureThreshold = 1;
        auto users = registry.getOrCreate(QStringLiteral("users"), cfg);
        auto auth = registry.getOrCreate(QStringLiteral("auth"), cfg);
        registry.getOrCreate(QStringLiteral("zeta"))->forceOpen(TimePoint {});
        const TimePoint t0 {};
        auto p = users->tryAcquire(t0);
        users->onOutcome(p.permit, Outcome::error(ErrorClass::connectionReset()), t0);
        for (int i = 0; i < 3; ++i) {
            auto q = auth->tryAcquire(t0);
            auth->onOutcome(q.permit, Outcome::success(), t0);
        }
        QVERIFY(!users->tryAcquire(t0));

        QCOMPARE(registry.names(),
            (QStringList { QStringLiteral("auth"), QStringLiteral("users"), QStringLiteral("zeta") }));
        const auto all = registry.allStats(t0);
        QCOMPARE(all.size(), std::size_t(3));
        QCOMPARE(all[0].name, QStringLiteral("auth"));
        QCOMPARE(all[0].successes, std::uint64_t(3));
        QCOMPARE(toString(all[1].state), toString(BreakerState::Open));

        auto s = registry.status(t0);
        QCOMPARE(s.circuits, 3);
        QCOMPARE(s.closed, 1);
        QCOMPARE(s.open, 2);
        QCOMPARE(s.halfOpen, 0);
        QCOMPARE(s.forced, 1);
        QCOMPARE(s.calls, std::uint64_t(4));
        QCOMPARE(s.rejections, std::uint64_t(1));
        QCOMPARE(s.successRate, 0.75);
        QCOMPARE(s.openCircuits, (QStringList { QStringLiteral("users"), QStringLiteral("zeta") }));
        QVERIFY(!s.healthy());
        // 60 s later the tripped circuit reports HALF_OPEN; the forced one stays OPEN.
        s = registry.status(t0 + 60s);
        QCOMPARE(s.halfOpen, 1);
        QCOMPARE(s.open, 1);

        // Breakers created by the registry report to its sink.
        bool sawUsersTrip = false;
        for (const auto& e : sink.events())
            sawUsersTrip |= e.source == QStringLiteral("users") && e.kind == EventKind::BreakerTransition;
        QVERIFY(sawUsersTrip);

        registry.resetAll(t0);
        s = registry.status(t0);
        QVERIFY(s.healthy());
        QCOMPARE(s.calls, std::uint64_t(0));
        QCOMPARE(s.successRate, 1.0);
    }

    void removeKeepsHandedOutBreakersAlive()
    {
        CircuitRegistry registry;
        auto a = registry.getOrCreate(QStringLiteral("a"));
        QVERIFY(registry.remove(QStringLiteral("a")));
        QVERIFY(!registry.remove(QStringLiteral("a")));
        QVERIFY(a->tryAcquire(TimePoint {}));
        QVERIFY(registry.getOrCreate(QStringLiteral("a")).get() != a.get());
    }
};

QTEST_GUILESS_MAIN(TestCircuitRegistry)
#include "tst_circuitregistry.moc"
