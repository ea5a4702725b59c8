#include "core/policy/fallback.h"

#include <QTest>

using namespace rwb;

Q_DECLARE_METATYPE(rwb::Outcome)

class TestFallback : public QObject {
    Q_OBJECT
private slots:
    void triggers_data()
    {
        QTest::addColumn<Outcome>("outcome");
        QTest::addColumn<bool>("onFailure");
        QTest::addColumn<bool>("onTimeout");
        QTest::addColumn<bool>("onRejection");
        QTest::addColumn<bool>("applies");
        const Outcome err = Outcome::httpError(500), to = Outcome::timeout(1s),
                      rej = Outcome::rejected(ErrorClass::circuitOpen()), ok = Outcome::success();
        QTest::newRow("success-never") << ok << true << true << true << false;
        QTest::newRow("error-on") << err << true << false << false << true;
        QTest::newRow("error-off") << err << false << true << true << false;
        QTest::newRow("timeout-on") << to << false << true << false << true;
        QTest::newRow("timeout-off") << to << true << false << true << false;
        QTest::newRow("rejected-on") << rej << false << false << true << true;
        QTest::newRow("rejected-off") << rej << true << true << false << false;
    }
    void triggers()
    {
        QFETCH(Outcome, outcome);
        QFETCH(bool, onFailure);
        QFETCH(bool, onTimeout);
        QFETCH(bool, onRejection);
        QFETCH(bool, applies);
        const Fallback f(FallbackConfig {onFailure, onTimeout, onRejection});
        QCOMPARE(f.appliesTo(outcome), applies);
    }

    void defaultSubstituteIsSuccessWithLatency()
    {
        const Fallback f;
        const Outcome s = f.apply(Outcome::httpError(503, 40ms));
        QVERIFY(s.isSuccess());
        QCOMPARE(s.latency, Duration(40ms));
    }

    void valueAndFunction()
    {
        const Fallback v = Fallback::value(Outcome::success(1ms, 203));
        QCOMPARE(v.apply(Outcome::timeout(2s)).httpStatus, 203);
        const Fallback fn(FallbackConfig {}, [](const Outcome& failed) {
            return Outcome::success(failed.latency, failed.kind == OutcomeKind::Rejected ? 299 : 298);
        });
        QCOMPARE(fn.apply(Outcome::rejected(ErrorClass::bulkheadFull())).httpStatus, 299);
        QCOMPARE(fn.apply(Outcome::httpError(500)).httpStatus, 298);
    }
};

QTEST_APPLESS_MAIN(TestFallback)
#include "tst_fallback.moc"
