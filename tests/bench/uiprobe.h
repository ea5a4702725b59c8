#pragma once

// Small helpers shared by the GUI benchmarks (bench_ui*): a stall probe and an application that
// names the slowest event it delivered. GUI thread only; header-only so each bench stays one file.
#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QEventLoop>
#include <QMetaEnum>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace rwb::bench {

/// CPU time the calling thread has used, in ns: unlike wall time, not inflated by a loaded machine.
inline qint64 threadCpuNs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

/// Measures event-loop lateness with a short periodic timer while it runs. For the longest gap it
/// also keeps how much CPU the GUI thread used inside it: a gap the thread spent working is our
/// code's stall, a gap it spent waiting for a core is the machine's load (other builds, our own
/// simulation workers).
class StallProbe {
public:
    static constexpr double kGoalMs = 50.0; ///< issue 14: no GUI-thread stall over 50 ms

    explicit StallProbe(int intervalMs = 2)
        : m_interval(intervalMs)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(intervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const qint64 cpu = threadCpuNs();
            if (m_last >= 0) {
                const double late = (now - m_last) / 1e6 - m_interval;
                const double busy = (cpu - m_lastCpu) / 1e6;
                if (late > m_worst) {
                    m_worst = late;
                    m_worstBusy = busy;
                }
                m_busiest = std::max(m_busiest, busy - m_interval);
                if (late > kGoalMs)
                    ++m_over;
            }
            m_last = now;
            m_lastCpu = cpu;
        });
    }
    void start()
    {
        m_worst = m_worstBusy = m_busiest = 0;
        m_over = 0;
        // the first tick measures from here: work the caller does right after start() (a synchronous
        // openFile(), say) is a stall like any other
        m_clock.start();
        m_last = 0;
        m_lastCpu = threadCpuNs();
        m_timer.start();
    }
    /// Stops and returns the longest lateness in ms.
    double stop()
    {
        m_timer.stop();
        return m_worst;
    }
    double worst() const noexcept { return m_worst; }
    /// GUI-thread CPU time (ms) inside the longest gap.
    double worstBusy() const noexcept { return m_worstBusy; }
    /// The most GUI-thread CPU time (ms) any one gap held, beyond the probe's interval: the longest
    /// stall the thread caused itself, whatever the machine's load.
    double busiest() const noexcept { return m_busiest; }
    /// Gaps over the goal.
    int overGoal() const noexcept { return m_over; }

    /// "longest UI stall 38.0 ms (goal <= 50 ms): met; ..." for the bench output.
    void print(const char* label) const
    {
        std::printf("%s: longest UI stall %.1f ms (goal <= %.0f ms): %s; %d gap(s) over the goal; GUI thread "
                    "on CPU %.1f ms of that stall; longest GUI-thread busy spell %.1f ms\n",
            label, m_worst, kGoalMs, m_worst <= kGoalMs ? "met" : "MISSED", m_over, m_worstBusy, m_busiest);
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_interval;
    qint64 m_last = -1;
    qint64 m_lastCpu = 0;
    double m_worst = 0;
    double m_worstBusy = 0;
    double m_busiest = 0;
    int m_over = 0;
};

/// Times every top-level event delivery on the GUI thread (wall and GUI-thread CPU time), so the probe's
/// stalls can be traced to the event (and receiver class) that caused them.
class TimedApplication final : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override
    {
        if (m_depth++ > 0) {
            const bool r = QApplication::notify(receiver, event);
            --m_depth;
            return r;
        }
        QElapsedTimer t;
        t.start();
        const qint64 cpuStart = threadCpuNs();
        const int type = event->type();
        // a timer is named by its owner or its object name ("QTimer" alone says nothing)
        const bool timer = receiver->inherits("QTimer");
        const QObject* named = timer && receiver->parent() ? receiver->parent() : receiver;
        const QByteArray cls = timer && !receiver->parent() && !receiver->objectName().isEmpty()
            ? receiver->objectName().toUtf8()
            : QByteArray(named->metaObject()->className());
        const bool r = QApplication::notify(receiver, event);
        const double ms = t.nsecsElapsed() / 1e6;
        const double cpuMs = (threadCpuNs() - cpuStart) / 1e6;
        --m_depth;
        if (ms > slowest.ms)
            slowest = { ms, cpuMs, cls, type };
        if (cpuMs > busiest.cpuMs)
            busiest = { ms, cpuMs, cls, type };
        if (traceOverMs > 0 && ms > traceOverMs)
            std::fprintf(stderr, "[slow event] %.1f ms (CPU %.1f ms) %s type %d\n", ms, cpuMs, cls.constData(), type);
        return r;
    }
    struct Slow {
        double ms = 0;
        double cpuMs = 0; ///< GUI-thread CPU time of the event
        QByteArray receiver;
        int type = 0;
    };
    Slow slowest; ///< by wall time
    Slow busiest; ///< by GUI-thread CPU time
    void resetSlowest()
    {
        slowest = {};
        busiest = {};
    }
    double traceOverMs = 0; ///< > 0: every top-level event slower than this is written to stderr

private:
    int m_depth = 0;
};

/// Prints and resets the slowest event delivery (by wall time, and by GUI-thread CPU time) seen since
/// the last call.
inline void printSlowest(TimedApplication& app)
{
    const auto name = [](int type) {
        const char* key = QMetaEnum::fromType<QEvent::Type>().valueToKey(type);
        return key ? key : "?";
    };
    std::printf("    slowest GUI event: %.1f ms, CPU %.1f ms (%s, %s); most CPU: %.1f ms (%s, %s)\n", app.slowest.ms,
        app.slowest.cpuMs, app.slowest.receiver.constData(), name(app.slowest.type), app.busiest.cpuMs,
        app.busiest.receiver.constData(),
        name(app.busiest.type));
    app.resetSlowest();
}

/// Runs the event loop for `ms` milliseconds.
inline void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace rwb::bench
