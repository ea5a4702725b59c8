#include "core/common/configerror.h"

#include <QTest>

#include <limits>

using namespace rwb;

class TestConfigError : public QObject {
    Q_OBJECT
private slots:
    void collectsEveryBrokenRule()
    {
        FieldCheck check;
        check.atLeast(QStringLiteral("failure_threshold"), 0LL, 1LL);
        check.inRange(QStringLiteral("failure_rate_threshold"), 1.5, 0.0, 1.0);
        check.finite(QStringLiteral("base_delay"), std::numeric_limits<double>::quiet_NaN());
        check.atLeast(QStringLiteral("max_delay"), 2.0, 1.0);
        QVERIFY(!check.ok());
        const auto errors = check.take();
        QCOMPARE(errors.size(), std::size_t(3));
        QCOMPARE(errors[0].toString(), QStringLiteral("failure_threshold: expected an integer >= 1, got 0"));
        QCOMPARE(errors[1].toString(), QStringLiteral("failure_rate_threshold: expected a number in [0, 1], got 1.5"));
        QCOMPARE(errors[2].toString(), QStringLiteral("base_delay: expected a finite number, got nan"));
    }

    void nanFailsRangeChecks()
    {
        FieldCheck check;
        check.inRange(QStringLiteral("x"), std::numeric_limits<double>::quiet_NaN(), 0.0, 1.0);
        check.atLeast(QStringLiteral("y"), std::numeric_limits<double>::quiet_NaN(), 0.0);
        QCOMPARE(check.take().size(), std::size_t(2));
    }

    void throwIfFailedCarriesErrors()
    {
        FieldCheck check;
        check.require(false, QStringLiteral("permitted_probes"), QStringLiteral("expected an integer >= 1, got 0"));
        try {
            check.throwIfFailed();
            QFAIL("expected InvalidConfig");
        } catch (const InvalidConfig& e) {
            QCOMPARE(e.errors().size(), std::size_t(1));
            QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("permitted_probes: expected an integer >= 1, got 0"));
        }
    }
};

QTEST_GUILESS_MAIN(TestConfigError)
#include "tst_configerror.moc"
