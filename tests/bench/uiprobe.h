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

namespace rwb::bench {

/// Measures event-loop lateness with a short periodic timer while it runs.
class StallProbe {
public:
    explicit StallProbe(int intervalMs = 2)
        : m_interval(intervalMs)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(intervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0)
                m_worst = std::max(m_worst, (now - m_last) / 1e6 - m_interval);
            m_last = now;
        });
    }
    void start()
    {
        m_worst = 0;
        m_last = -1;
        m_clock.start();
        m_timer.start();
    }
    double stop()
    {
        m_timer.stop();
        return m_worst;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_interval;
    qint64 m_last = -1;
    double m_worst = 0;
};

/// Times every top-level event delivery on the GUI thread, so the probe's stalls can be traced to the
/// event (and receiver class) that caused them.
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
        const int type = event->type();
        // a timer is named by its owner ("QTimer" alone says nothing)
        const QObject* named = receiver->parent() && receiver->inherits("QTimer") ? receiver->parent() : receiver;
        const char* cls = named->metaObject()->className();
        const bool r = QApplication::notify(receiver, event);
        const double ms = t.nsecsElapsed() / 1e6;
        --m_depth;
        if (ms > slowest.ms)
            slowest = {ms, cls, type};
        if (traceOverMs > 0 && ms > traceOverMs)
            std::fprintf(stderr, "[slow event] %.1f ms %s type %d\n", ms, cls, type);
        return r;
    }
    struct Slow {
        double ms = 0;
        const char* receiver = "";
        int type = 0;
    } slowest;
    double traceOverMs = 0; ///< > 0: every top-level event slower than this is written to stderr

private:
    int m_depth = 0;
};

/// Prints and resets the slowest event delivery seen since the last call.
inline void printSlowest(TimedApplication& app)
{
    const char* name = QMetaEnum::fromType<QEvent::Type>().valueToKey(app.slowest.type);
    std::printf("    slowest GUI event: %.1f ms (%s, %s)\n", app.slowest.ms, app.slowest.receiver, name ? name : "?");
    app.slowest = {};
}

/// Runs the event loop for `ms` milliseconds.
inline void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace rwb::bench
