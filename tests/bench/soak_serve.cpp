// Soak test of `rwb serve` against hostile and well-behaved clients at once, on loopback only. Not a
// unit test: it runs for minutes and prints figures. Every few seconds it prints the server's resident
// memory and open descriptors, and the requests of the well-behaved clients (done, lost, p50, p99);
// at the end whether resident memory stayed bounded and whether any well-behaved request was lost.
//
// Clients, all at once:
//   well-behaved   keep-alive connections sending GET / one at a time, and one new connection per
//                  request; a request not answered 200 within 5 s is lost
//   non-readers    connections pipelining GET /metrics without ever reading the answers
//   slowloris      connections sending a request head one byte per second
//   garbage        a connection every 100 ms sending random bytes
//   floods         every 10 s, a few hundred connections opened at once, held 2 s, closed
//
// Usage: soak_serve [--seconds N] [--rwb PATH] [--url URL --pid PID]
//   By default it starts `rwb serve` (the one built with this program, or --rwb) on a one-service scenario and
//   stops it at the end; with --url and --pid it drives a server that is already running.
//   Exit code 0 when memory stayed bounded and no well-behaved request was lost, 1 otherwise.
#include "core/live/descriptorlimit.h"
#include "core/run/latencyhistogram.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>

#include <sys/prctl.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

using namespace rwb;

namespace {

constexpr int kKeepAliveClients = 8;
constexpr int kNonReaders = 4;
constexpr int kSlowloris = 32;
constexpr int kFloodSize = 300;
constexpr int kRequestDeadlineMs = 5000;

const char* const kScenario = R"({
  "schema_version": 1, "name": "soak", "seed": 1, "duration": 60,
  "services": [{"name": "api", "fault": {"error_rate": 0, "latency": {"distribution": "fixed", "value": 0.002}}}],
  "pipelines": [{"name": "calls", "service": "api"}],
  "clients": [{"name": "users", "pipeline": "calls", "arrival": {"process": "constant", "rate": 1}}]
})";

QByteArray request(const QByteArray& path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

/// Resident memory (KiB) and open descriptors of a process, from /proc.
struct ProcessFigures {
    qint64 residentKiB = 0;
    int descriptors = 0;
};

ProcessFigures figuresOf(qint64 pid)
{
    ProcessFigures f;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n'))
            if (line.startsWith("VmRSS:"))
                f.residentKiB = line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    f.descriptors
        = int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
    return f;
}

/// The status of the first complete response at the front of `buffer` (removed), or 0.
int takeStatus(QByteArray& buffer)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return 0;
    qsizetype length = 0;
    for (const QByteArray& line : buffer.left(end).split('\n'))
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    if (buffer.size() < end + 4 + length)
        return 0;
    const int status = buffer.mid(9, 3).toInt();
    buffer.remove(0, end + 4 + length);
    return status;
}

/// What the well-behaved clients saw in one reporting interval and over the whole run.
struct Served {
    quint64 done = 0;
    quint64 lost = 0;
    LatencyHistogram interval;
    LatencyHistogram total;
    void record(qint64 ns)
    {
        ++done;
        interval.add(ns);
        total.add(ns);
    }
};

/// One well-behaved client: a request at a time, on a keep-alive connection or a new one per request.
class PoliteClient : public QObject {
public:
    PoliteClient(quint16 port, bool keepAlive, Served& served, QObject* parent)
        : QObject(parent)
        , m_port(port)
        , m_keepAlive(keepAlive)
        , m_served(served)
    {
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] { fail(); });
        QTimer::singleShot(0, this, [this] { send(); });
    }

private:
    void connectSocket()
    {
        dropSocket();
        m_socket = std::make_unique<QTcpSocket>();
        connect(m_socket.get(), &QTcpSocket::readyRead, this, [this] {
            m_buffer += m_socket->readAll();
            if (const int status = takeStatus(m_buffer); status != 0)
                status == 200 ? succeed() : fail();
        });
        connect(m_socket.get(), &QTcpSocket::disconnected, this, [this] {
            if (m_waiting)
                fail();
        });
        m_socket->connectToHost(QHostAddress(QHostAddress::LocalHost), m_port);
    }
    void send()
    {
        if (!m_socket || !m_keepAlive || m_socket->state() != QAbstractSocket::ConnectedState)
            connectSocket();
        m_buffer.clear();
        m_waiting = true;
        m_timer.start();
        m_deadline.start(kRequestDeadlineMs);
        m_socket->write(request("/"));
    }
    void succeed()
    {
        m_waiting = false;
        m_deadline.stop();
        m_served.record(m_timer.nsecsElapsed());
        next();
    }
    void fail()
    {
        if (!m_waiting)
            return;
        m_waiting = false;
        m_deadline.stop();
        ++m_served.lost;
        dropSocket();
        next();
    }
    void next()
    {
        if (!m_keepAlive)
            dropSocket();
        QTimer::singleShot(m_keepAlive ? 0 : 5, this, [this] { send(); });
    }
    // Called from the socket's own signals: it is deleted once they return.
    void dropSocket()
    {
        if (!m_socket)
            return;
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket.release()->deleteLater();
    }

    quint16 m_port;
    bool m_keepAlive;
    Served& m_served;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    QElapsedTimer m_timer;
    QTimer m_deadline;
    bool m_waiting = false;
};

/// The hostile clients; each kind reconnects whenever the server closes it.
class Hostiles : public QObject {
public:
    Hostiles(quint16 port, QObject* parent)
        : QObject(parent)
        , m_port(port)
    {
        for (int i = 0; i < kNonReaders; ++i)
            nonReader();
        for (int i = 0; i < kSlowloris; ++i)
            slowloris();
        auto* garbage = new QTimer(this);
        connect(garbage, &QTimer::timeout, this, [this] { this->garbage(); });
        garbage->start(100);
        auto* flood = new QTimer(this);
        connect(flood, &QTimer::timeout, this, [this] { this->flood(); });
        flood->start(10000);
        auto* drip = new QTimer(this);
        connect(drip, &QTimer::timeout, this, [this] { dripSlowloris(); });
        drip->start(1000);
    }
    quint64 nonReaderConnections = 0, slowlorisConnections = 0, garbageSent = 0, floodConnections = 0;

private:
    QTcpSocket* open(QObject* owner)
    {
        auto* socket = new QTcpSocket(owner);
        socket->connectToHost(QHostAddress(QHostAddress::LocalHost), m_port);
        return socket;
    }
    void nonReader()
    {
        ++nonReaderConnections;
        QTcpSocket* socket = open(this);
        socket->setReadBufferSize(1); // never reads what the server sends
        const QByteArray burst = request("/metrics").repeated(1000);
        auto feed = [socket, burst] {
            if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesToWrite() < (1 << 20))
                socket->write(burst);
        };
        connect(socket, &QTcpSocket::connected, socket, feed);
        connect(socket, &QTcpSocket::bytesWritten, socket, feed);
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            socket->deleteLater();
            nonReader();
        });
    }
    void slowloris()
    {
        ++slowlorisConnections;
        QTcpSocket* socket = open(this);
        socket->setProperty("sent", 0);
        m_slow.push_back(socket);
        connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_slow.erase(std::remove(m_slow.begin(), m_slow.end(), socket), m_slow.end());
            socket->deleteLater();
            slowloris();
        });
    }
    void dripSlowloris()
    {
        static const QByteArray head("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        for (QTcpSocket* socket : m_slow) {
            if (socket->state() != QAbstractSocket::ConnectedState)
                continue;
            const int sent = socket->property("sent").toInt();
            socket->write(sent < head.size() ? head.mid(sent, 1) : QByteArray("a"));
            socket->setProperty("sent", sent + 1);
        }
    }
    void garbage()
    {
        ++garbageSent;
        QTcpSocket* socket = open(this);
        QByteArray bytes(int(m_random() % 512) + 1, Qt::Uninitialized);
        for (char& c : bytes)
            c = char(m_random());
        connect(socket, &QTcpSocket::connected, socket, [socket, bytes] { socket->write(bytes + "\r\n\r\n"); });
        connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(3000, socket, [socket] { socket->abort(); });
    }
    void flood()
    {
        auto* holder = new QObject(this);
        for (int i = 0; i < kFloodSize; ++i) {
            ++floodConnections;
            open(holder);
        }
        QTimer::singleShot(2000, holder, [holder] { holder->deleteLater(); });
    }

    quint16 m_port;
    std::vector<QTcpSocket*> m_slow;
    std::mt19937 m_random { 42 };
};

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    int seconds = 120;
    QString rwb = QStringLiteral(RWB_BINARY);
    QUrl url;
    qint64 pid = 0;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        const bool hasValue = i + 1 < args.size();
        if (a == QLatin1String("--seconds") && hasValue)
            seconds = args[++i].toInt();
        else if (a == QLatin1String("--rwb") && hasValue)
            rwb = args[++i];
        else if (a == QLatin1String("--url") && hasValue)
            url = QUrl(args[++i]);
        else if (a == QLatin1String("--pid") && hasValue)
            pid = args[++i].toLongLong();
        else {
            std::fprintf(stderr, "usage: soak_serve [--seconds N] [--rwb PATH] [--url URL --pid PID]\n");
            return 2;
        }
    }
    if (seconds <= 0 || (url.isValid() != (pid > 0))) {
        std::fprintf(stderr, "soak_serve: --seconds must be > 0; --url and --pid go together\n");
        return 2;
    }
    if (url.isValid() && url.host() != QLatin1String("127.0.0.1") && url.host() != QLatin1String("localhost")) {
        std::fprintf(stderr, "soak_serve: loopback only\n");
        return 2;
    }
    descriptors::raiseSoftLimitToHard(); // the floods need a few hundred descriptors here too

    QTemporaryDir dir;
    QProcess serve;
    if (!url.isValid()) {
        const QString scenario = dir.filePath(QStringLiteral("soak.json"));
        QFile f(scenario);
        if (!f.open(QIODevice::WriteOnly) || f.write(kScenario) < 0) {
            std::fprintf(stderr, "soak_serve: cannot write %s\n", qPrintable(scenario));
            return 1;
        }
        f.close();
        serve.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        // The server must not outlive this program, however it ends.
        serve.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        serve.start(rwb, { QStringLiteral("serve"), scenario, QStringLiteral("--json") });
        if (!serve.waitForStarted(10000) || !serve.waitForReadyRead(15000)) {
            std::fprintf(stderr, "soak_serve: cannot start %s serve\n", qPrintable(rwb));
            return 1;
        }
        const QJsonObject services
            = QJsonDocument::fromJson(serve.readLine()).object().value(QStringLiteral("services")).toObject();
        url = QUrl(services.value(QStringLiteral("api")).toString());
        pid = serve.processId();
    }
    const auto port = quint16(url.port());
    std::printf("soak_serve: %d s against %s (pid %lld): %d keep-alive + 1 new-connection well-behaved clients, "
                "%d non-readers, %d slowloris, garbage every 100 ms, %d-connection floods every 10 s\n\n",
        seconds, qPrintable(url.toString()), pid, kKeepAliveClients, kNonReaders, kSlowloris, kFloodSize);
    std::printf("%6s %9s %6s %9s %6s %8s %8s   %s\n", "t s", "RSS MB", "fds", "done", "lost", "p50 ms", "p99 ms",
        "hostile connections so far (non-reader / slowloris / garbage / flood)");
    std::fflush(stdout);

    Served served;
    for (int i = 0; i < kKeepAliveClients; ++i)
        new PoliteClient(port, true, served, &app);
    new PoliteClient(port, false, served, &app);
    auto* hostiles = new Hostiles(port, &app);

    std::vector<qint64> rss;
    int maxFds = 0;
    QElapsedTimer clock;
    clock.start();
    QTimer report;
    QObject::connect(&report, &QTimer::timeout, &app, [&] {
        const ProcessFigures f = figuresOf(pid);
        rss.push_back(f.residentKiB);
        maxFds = std::max(maxFds, f.descriptors);
        std::printf("%6.0f %9.1f %6d %9llu %6llu %8.2f %8.2f   %llu / %llu / %llu / %llu\n",
            double(clock.elapsed()) / 1000.0, double(f.residentKiB) / 1024.0, f.descriptors, served.done, served.lost,
            served.interval.percentile(0.5) / 1e6, served.interval.percentile(0.99) / 1e6,
            hostiles->nonReaderConnections, hostiles->slowlorisConnections, hostiles->garbageSent,
            hostiles->floodConnections);
        std::fflush(stdout);
        served.interval.clear();
        if (clock.elapsed() + 500 >= qint64(seconds) * 1000) // reports come every 5 s, give or take
            QCoreApplication::quit();
    });
    report.start(5000);
    QCoreApplication::exec();

    // Bounded: after the first third (buffers and caches warm up), memory does not keep rising.
    const std::size_t lateFrom = rss.size() - rss.size() / 3;
    qint64 early = 0, late = 0;
    for (std::size_t i = 0; i < rss.size(); ++i) {
        qint64& highest = i < lateFrom ? early : late;
        highest = std::max(highest, rss[i]);
    }
    const bool bounded = !rss.empty() && late <= early + std::max<qint64>(early / 10, 8 * 1024);
    std::printf("\nserver RSS: first %.1f MB, highest in the first two thirds %.1f MB, in the last third %.1f MB: %s\n",
        rss.empty() ? 0.0 : double(rss.front()) / 1024.0, double(early) / 1024.0, double(late) / 1024.0,
        bounded ? "bounded" : "STILL GROWING");
    std::printf("server descriptors: at most %d\n", maxFds);
    std::printf("well-behaved requests: %llu done, %llu lost; p50 %.2f ms, p99 %.2f ms over the run\n", served.done,
        served.lost, served.total.percentile(0.5) / 1e6, served.total.percentile(0.99) / 1e6);
    if (serve.state() == QProcess::Running) {
        serve.terminate();
        serve.waitForFinished(10000);
    }
    return bounded && served.lost == 0 ? 0 : 1;
}
