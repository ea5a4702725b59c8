// Live mode on loopback: (1) requests per second one mock service sustains with no faults, measured
// with `wrk` when installed (else with a small keep-alive load client of our own), and (2) the live
// runner's cost per request compared with a bare QNetworkAccessManager loop issuing the same open-loop
// traffic. The mock server runs on its own thread in both cases. Prints figures; not a test.
//
//   bench_live [--seconds N] [--rate R] [--connections C]
#include "core/live/liverunner.h"
#include "core/live/mockhttpserver.h"
#include "core/run/latencyhistogram.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <memory>

using namespace rwb;

namespace {

double cpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// A mock server living on its own thread.
struct ServerThread {
    QThread thread;
    MockHttpServer* server = nullptr;
    QUrl url;

    explicit ServerThread(FaultProfile profile)
    {
        MockServiceOptions options;
        options.name = QStringLiteral("bench");
        options.maxConnections = 4096;
        server = new MockHttpServer(FaultSchedule(std::move(profile)), options);
        server->moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(
            server,
            [this] {
                server->listen();
                url = server->url();
            },
            Qt::BlockingQueuedConnection);
    }
    ~ServerThread()
    {
        QMetaObject::invokeMethod(
            server, [this] { delete server; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }
    /// CPU time consumed so far by the server's thread.
    double cpuSeconds()
    {
        double seconds = 0;
        QMetaObject::invokeMethod(
            server,
            [&] {
                timespec ts {};
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
                seconds = double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
            },
            Qt::BlockingQueuedConnection);
        return seconds;
    }
    MockServiceStats stats()
    {
        MockServiceStats s;
        QMetaObject::invokeMethod(
            server, [&] { s = server->stats(); }, Qt::BlockingQueuedConnection);
        return s;
    }
};

void throughputWithWrk(const QString& wrk, const QUrl& url, int seconds, int connections)
{
    QProcess process;
    process.start(wrk,
        { QStringLiteral("-t2"), QStringLiteral("-c%1").arg(connections), QStringLiteral("-d%1s").arg(seconds),
            QStringLiteral("--latency"), url.toString() });
    if (!process.waitForFinished((seconds + 30) * 1000)) {
        std::printf("wrk did not finish\n");
        return;
    }
    const QString out = QString::fromLocal8Bit(process.readAllStandardOutput());
    const auto rps = QRegularExpression(QStringLiteral("Requests/sec:\\s+([0-9.]+)")).match(out);
    const auto p50 = QRegularExpression(QStringLiteral("50%\\s+([0-9.]+\\w+)")).match(out);
    const auto p99 = QRegularExpression(QStringLiteral("99%\\s+([0-9.]+\\w+)")).match(out);
    std::printf("mock server, wrk -t2 -c%d -d%ds: %s requests/s (latency p50 %s, p99 %s)\n", connections, seconds,
        qPrintable(rps.captured(1)), qPrintable(p50.captured(1)), qPrintable(p99.captured(1)));
}

/// Fallback load client: `connections` keep-alive sockets, each sending its next request as soon as
/// the previous response is complete.
void throughputBuiltIn(const QUrl& url, int seconds, int connections)
{
    const QByteArray request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    std::vector<QByteArray> buffers(static_cast<std::size_t>(connections));
    quint64 done = 0;
    for (int i = 0; i < connections; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket* s = socket.get();
        QByteArray* buffer = &buffers[std::size_t(i)];
        QObject::connect(s, &QTcpSocket::connected, s, [s, request] { s->write(request); });
        QObject::connect(s, &QTcpSocket::readyRead, s, [s, buffer, request, &done] {
            *buffer += s->readAll();
            for (;;) {
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const qsizetype at = buffer->indexOf("Content-Length: ");
                const qsizetype length = buffer->mid(at + 16, buffer->indexOf('\r', at) - at - 16).toLongLong();
                if (buffer->size() < end + 4 + length)
                    return;
                buffer->remove(0, end + 4 + length);
                ++done;
                s->write(request);
            }
        });
        s->connectToHost(QHostAddress(url.host()), quint16(url.port()));
        sockets.push_back(std::move(socket));
    }
    QElapsedTimer timer;
    timer.start();
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    std::printf("mock server, built-in client (%d keep-alive connections, %d s): %.0f requests/s\n", connections,
        seconds, double(done) / (double(timer.elapsed()) / 1000.0));
}

struct LoopFigures {
    quint64 requests = 0;
    double cpuUsPerRequest = 0;
    double p50Ms = 0;
    double p99Ms = 0;
};

/// Open-loop traffic at `rate` per second for `seconds`, straight through one QNetworkAccessManager.
LoopFigures bareLoop(ServerThread& server, double rate, int seconds)
{
    const QUrl url = server.url;
    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);
    manager.setAutoDeleteReplies(true);
    LatencyHistogram histogram;
    QElapsedTimer clock;
    quint64 sent = 0;
    quint64 received = 0;
    QEventLoop loop;
    QTimer next;
    next.setSingleShot(true);
    next.setTimerType(Qt::PreciseTimer);
    const qint64 endNs = qint64(seconds) * 1'000'000'000;
    const qint64 gapNs = qint64(1e9 / rate);
    qint64 nextAt = 0;
    const double cpu0 = cpuSeconds() - server.cpuSeconds();
    clock.start();
    QObject::connect(&next, &QTimer::timeout, &loop, [&] {
        for (; nextAt <= clock.nsecsElapsed() && nextAt < endNs; nextAt += gapNs, ++sent) {
            QNetworkRequest request(url);
            request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
            const qint64 start = clock.nsecsElapsed();
            QNetworkReply* reply = manager.get(request);
            QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, start] {
                reply->readAll();
                histogram.add(clock.nsecsElapsed() - start);
                if (++received == sent && nextAt >= endNs)
                    loop.quit();
            });
        }
        if (nextAt < endNs)
            next.start(int(std::max<qint64>(0, (nextAt - clock.nsecsElapsed() + 999'999) / 1'000'000)));
    });
    next.start(0);
    loop.exec();
    const double cpu = cpuSeconds() - server.cpuSeconds() - cpu0;
    LoopFigures f;
    f.requests = received;
    f.cpuUsPerRequest = cpu * 1e6 / double(std::max<quint64>(received, 1));
    f.p50Ms = histogram.percentile(0.5) / 1e6;
    f.p99Ms = histogram.percentile(0.99) / 1e6;
    return f;
}

LoopFigures runnerLoop(ServerThread& server, double rate, int seconds)
{
    const QUrl url = server.url;
    Scenario s;
    s.name = QStringLiteral("bench");
    s.duration = std::chrono::seconds(seconds);
    s.drainLimit = 10s;
    s.services.push_back({ QStringLiteral("svc"), FaultSchedule(FaultProfile::healthy(0ms)) });
    PipelineSpec p;
    p.config.name = QStringLiteral("client");
    p.config.retryEnabled = true;
    p.config.timeoutEnabled = true;
    p.config.timeout.attemptTimeout = 2s;
    p.service = QStringLiteral("svc");
    CircuitBreakerConfig breaker;
    breaker.name = QStringLiteral("svc");
    p.breaker = breaker;
    s.pipelines.push_back(p);
    ArrivalProcess arrival;
    arrival.kind = ArrivalProcess::Kind::Constant;
    arrival.rate = rate;
    s.clients.push_back({ QStringLiteral("users"), QStringLiteral("client"), 1, arrival });
    LiveRunOptions options;
    options.serviceUrls[QStringLiteral("svc")] = url;
    LiveRunner runner(s, options);
    QEventLoop loop;
    QObject::connect(&runner, &LiveRunner::finished, &loop, &QEventLoop::quit);
    const double cpu0 = cpuSeconds() - server.cpuSeconds();
    runner.start();
    loop.exec();
    const double cpu = cpuSeconds() - server.cpuSeconds() - cpu0;
    const auto& summary = runner.result().pipelines.front().summary;
    LoopFigures f;
    f.requests = summary.requests;
    f.cpuUsPerRequest = cpu * 1e6 / double(std::max<quint64>(summary.requests, 1));
    f.p50Ms = summary.latencyP50Ms;
    f.p99Ms = summary.latencyP99Ms;
    return f;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    int seconds = 5;
    double rate = 500;
    int connections = 50;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--seconds"))
            seconds = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--rate"))
            rate = args[i + 1].toDouble();
        else if (args[i] == QLatin1String("--connections"))
            connections = args[i + 1].toInt();
    }
    std::printf("bench_live: %d s per measurement, %d cores\n", seconds, QThread::idealThreadCount());

    {
        ServerThread server(FaultProfile::healthy(0ms));
        const QString wrk = QStandardPaths::findExecutable(QStringLiteral("wrk"));
        if (!wrk.isEmpty())
            throughputWithWrk(wrk, server.url, seconds, connections);
        else
            throughputBuiltIn(server.url, seconds, connections);
        const auto stats = server.stats();
        std::printf("  server counted %llu requests, max %d concurrent, %d connections open\n",
            qulonglong(stats.requests), stats.maxConcurrent, stats.connectionsOpen);
    }
    {
        ServerThread server(FaultProfile::healthy(0ms));
        // Warm up (first QNetworkAccessManager use loads plugins and settings), then alternate.
        bareLoop(server, rate, 1);
        runnerLoop(server, rate, 1);
        LoopFigures bare = bareLoop(server, rate, seconds);
        LoopFigures live = runnerLoop(server, rate, seconds);
        const LoopFigures bare2 = bareLoop(server, rate, seconds);
        const LoopFigures live2 = runnerLoop(server, rate, seconds);
        bare.cpuUsPerRequest = std::min(bare.cpuUsPerRequest, bare2.cpuUsPerRequest);
        live.cpuUsPerRequest = std::min(live.cpuUsPerRequest, live2.cpuUsPerRequest);
        bare.p50Ms = std::min(bare.p50Ms, bare2.p50Ms);
        live.p50Ms = std::min(live.p50Ms, live2.p50Ms);
        std::printf(
            "open loop at %.0f requests/s, %d s (client CPU = process minus the server thread; best of 2 runs):\n",
            rate, seconds);
        std::printf(
            "  bare QNetworkAccessManager: %llu requests, %.1f us CPU/request, latency p50 %.3f ms, p99 %.3f ms\n",
            qulonglong(bare.requests), bare.cpuUsPerRequest, bare.p50Ms, bare.p99Ms);
        std::printf("  LiveRunner (retry+breaker+timeout): %llu requests, %.1f us CPU/request, latency p50 %.3f ms, "
                    "p99 %.3f ms\n",
            qulonglong(live.requests), live.cpuUsPerRequest, live.p50Ms, live.p99Ms);
        std::printf("  runner overhead: %+.1f us CPU/request, %+.3f ms p50 latency\n",
            live.cpuUsPerRequest - bare.cpuUsPerRequest, live.p50Ms - bare.p50Ms);
    }
    return 0;
}
