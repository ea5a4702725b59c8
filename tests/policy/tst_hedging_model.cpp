// Randomized property test: hedged tries driven by random sequences of hedge timers, answers (for
// requests in flight, already answered or never sent) and deadlines, checked step by step against a
// naive reference model of the documented semantics (docs/hedging.md): a hedge when the timer is due,
// a handled failure hedges at once, the first acceptable answer wins and cancels every other request in
// flight, a deadline cancels all of them, and when every request failed the last failure is the result.
#include "core/common/random.h"
#include "core/events/eventsink.h"
#include "core/policy/pipeline.h"

#include <QTest>

#include <bit>
#include <vector>

using namespace rwb;

namespace {

struct Model {
    int maxRequests = 2;
    Duration delay {};
    bool onFailureOnly = false;
    int sent = 1;
    std::vector<bool> inFlight;
    TimePoint nextHedge = Timeout::kNever;
    bool done = false;

    static bool acceptable(const Outcome& o) { return o.isSuccess() || o.httpStatus == 404; }
    std::uint16_t inFlightBits() const
    {
        std::uint16_t b = 0;
        for (std::size_t k = 0; k < inFlight.size(); ++k)
            if (inFlight[k])
                b = std::uint16_t(b | (1u << k));
        return b;
    }
    // The expected step when request `sent` goes out at `now`.
    void send(TimePoint now)
    {
        inFlight.push_back(true);
        ++sent;
        nextHedge = sent < maxRequests && !onFailureOnly ? now + delay : Timeout::kNever;
    }
};

struct Expect {
    Step::Kind kind;
    int request = 0;
    std::uint16_t cancel = 0;
};

} // namespace

class TestHedgingModel : public QObject {
    Q_OBJECT
private slots:
    void randomSequences_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::newRow("a") << quint64(0x4ed9e1);
        QTest::newRow("b") << quint64(0xb0a7);
        QTest::newRow("c") << quint64(0xfeedface);
    }

    void randomSequences()
    {
        QFETCH(quint64, seed);
        Random rng(seed);
        const Outcome outcomes[] = { Outcome::success(), Outcome::httpError(500), Outcome::httpError(503),
            Outcome::httpError(404), Outcome::error(ErrorClass::connectionReset()) };
        int calls = 0;
        int steps = 0;
        for (int config = 0; config < 200; ++config) {
            PipelineConfig c;
            c.name = QStringLiteral("model");
            c.retryEnabled = false;
            c.hedgingEnabled = true;
            c.hedging.maxHedgedAttempts = 1 + int(rng.below(HedgingConfig::kMaxHedgedAttempts));
            c.hedging.delay
                = rng.chance(0.2) ? Duration::zero() : Duration(std::chrono::milliseconds(1 + rng.below(200)));
            c.hedging.onFailureOnly = rng.chance(0.2);
            CollectingSink sink;
            Pipeline p(c, {}, &sink);
            for (int n = 0; n < 100; ++n, ++calls) {
                TimePoint now { std::chrono::seconds(10 + calls) };
                Model m;
                m.maxRequests = 1 + c.hedging.maxHedgedAttempts;
                m.delay = c.hedging.delay;
                m.onFailureOnly = c.hedging.onFailureOnly;
                m.inFlight = { true };
                m.nextHedge = m.maxRequests > 1 && !m.onFailureOnly ? now + m.delay : Timeout::kNever;
                PipelineCall call = p.begin(std::uint64_t(calls + 1), now);
                Step s = call.start(now);
                QCOMPARE(s.hedgeTimer, m.nextHedge != Timeout::kNever);
                Outcome last;
                for (int op = 0; op < 40 && !m.done; ++op, ++steps) {
                    now += Duration(std::chrono::milliseconds(rng.below(120)));
                    const auto r = rng.below(10);
                    Expect want { Step::Kind::Pending };
                    if (r < 3) { // the hedge timer fires (maybe early, maybe stale)
                        s = call.onHedgeTimer(now);
                        if (m.sent < m.maxRequests && now >= m.nextHedge) {
                            want = { Step::Kind::Attempt, m.sent };
                            m.send(now);
                        }
                    } else if (r < 9) { // request k answers (k may be answered already, or never sent)
                        const int k = int(rng.below(std::uint64_t(m.maxRequests)));
                        const Outcome o = outcomes[rng.below(std::size(outcomes))];
                        s = call.onAttemptDone(o, now, k);
                        if (k < m.sent && m.inFlight[std::size_t(k)]) {
                            m.inFlight[std::size_t(k)] = false;
                            if (Model::acceptable(o)) {
                                want = { Step::Kind::Done, 0, m.inFlightBits() };
                                m.done = true;
                                last = o;
                            } else if (m.sent < m.maxRequests) {
                                want = { Step::Kind::Attempt, m.sent };
                                m.send(now);
                            } else if (m.inFlightBits() == 0) {
                                want = { Step::Kind::Done };
                                m.done = true;
                                last = o;
                            }
                        }
                    } else { // the try's deadline
                        s = call.onDeadline(now);
                        want = { Step::Kind::Done, 0, m.inFlightBits() };
                        m.done = true;
                        last = Outcome::timeout({});
                    }
                    const QString where = QStringLiteral("seed 0x%1 call %2 op %3").arg(seed, 0, 16).arg(calls).arg(op);
                    QVERIFY2(s.kind == want.kind,
                        qPrintable(where + QStringLiteral(": kind ") + Step::toString(s.kind)
                            + QStringLiteral(", expected ") + Step::toString(want.kind)));
                    QVERIFY2(s.cancel == want.cancel,
                        qPrintable(where + QStringLiteral(": cancel %1, expected %2").arg(s.cancel).arg(want.cancel)));
                    if (want.kind == Step::Kind::Attempt) {
                        QVERIFY2(int(s.request) == want.request, qPrintable(where + QStringLiteral(": request")));
                        QVERIFY2(s.hedgeTimer == (m.nextHedge != Timeout::kNever),
                            qPrintable(where + QStringLiteral(": timer")));
                        if (s.hedgeTimer)
                            QVERIFY2(s.until == m.nextHedge, qPrintable(where + QStringLiteral(": timer time")));
                    }
                }
                if (!m.done) { // end it at its deadline
                    const std::uint16_t inFlight = m.inFlightBits();
                    s = call.onDeadline(now);
                    QCOMPARE(s.cancel, inFlight);
                    last = Outcome::timeout({});
                }
                QVERIFY(call.isDone());
                const CallResult& result = call.result();
                QCOMPARE(result.attempts, 1);
                QCOMPARE(result.hedges, m.sent - 1);
                QVERIFY(result.lastOutcome.kind == last.kind);
                QCOMPARE(result.lastOutcome.httpStatus, last.httpStatus);
                // Events: one hedge_launched per hedge, one hedge_cancelled per cancelled request, one attempt per try.
                int launched = 0, cancelled = 0, attempts = 0;
                for (const Event& e : sink.take()) {
                    launched += e.kind == EventKind::HedgeLaunched;
                    cancelled += e.kind == EventKind::HedgeCancelled;
                    attempts += e.kind == EventKind::Attempt;
                }
                QCOMPARE(launched, m.sent - 1);
                QCOMPARE(attempts, 1);
                QCOMPARE(cancelled, std::popcount(unsigned(s.cancel)));
            }
        }
        QVERIFY(steps > 10000);
    }
};

QTEST_APPLESS_MAIN(TestHedgingModel)
#include "tst_hedging_model.moc"
