#pragma once

// Small raw-socket HTTP client for the live-mode tests: every wait is on a real socket event with a
// deadline (QTest::qWaitFor), never a fixed sleep.

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

namespace rwb::testing {

struct RawResponse {
    int status = 0; ///< 0 when no complete status line arrived
    QByteArray head; ///< status line and headers
    QByteArray body;
    bool complete = false; ///< the whole body (per Content-Length) arrived
    bool closedByServer = false;
    qint64 elapsedMs = 0;

    QByteArray header(const QByteArray& name) const
    {
        for (const QByteArray& line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

/// Tries to read one response from the front of `buffer`; removes it when complete.
inline bool takeResponse(QByteArray& buffer, RawResponse& out)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    out.head = buffer.left(end);
    const QList<QByteArray> statusLine = out.head.left(out.head.indexOf('\r')).split(' ');
    out.status = statusLine.size() >= 2 ? statusLine[1].toInt() : -1;
    const qsizetype length = out.header("Content-Length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return false;
    out.body = buffer.mid(end + 4, length);
    out.complete = true;
    buffer.remove(0, end + 4 + length);
    return true;
}

/// A client connection that collects responses as they arrive.
class RawClient {
public:
    explicit RawClient(quint16 port)
        : m_socket(std::make_unique<QTcpSocket>())
    {
        QObject::connect(m_socket.get(), &QTcpSocket::readyRead, [this] { m_buffer += m_socket->readAll(); });
        QObject::connect(m_socket.get(), &QTcpSocket::disconnected, [this] { m_closed = true; });
        m_socket->connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        m_timer.start();
    }
    bool waitConnected(int ms = 5000)
    {
        return QTest::qWaitFor([this] { return m_socket->state() == QAbstractSocket::ConnectedState || m_closed; }, ms)
            && m_socket->state() == QAbstractSocket::ConnectedState;
    }
    void send(const QByteArray& bytes)
    {
        m_timer.restart();
        m_socket->write(bytes);
    }
    /// Waits for the next complete response (or the server closing the connection).
    RawResponse next(int ms = 5000)
    {
        RawResponse r;
        (void)QTest::qWaitFor([&] { return takeResponse(m_buffer, r) || m_closed; }, ms);
        if (!r.complete)
            takeResponse(m_buffer, r);
        r.closedByServer = m_closed;
        r.elapsedMs = m_timer.elapsed();
        return r;
    }
    bool waitClosed(int ms = 5000)
    {
        return QTest::qWaitFor([this] { return m_closed; }, ms);
    }
    bool closed() const { return m_closed; }
    QByteArray& buffer() { return m_buffer; }
    QTcpSocket* socket() { return m_socket.get(); }
    qint64 elapsedMs() const { return m_timer.elapsed(); }

private:
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    bool m_closed = false;
    QElapsedTimer m_timer;
};

inline QByteArray get(const QByteArray& path, const QByteArray& extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

inline QByteArray post(const QByteArray& path, const QByteArray& body)
{
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

/// One request on a fresh connection.
inline RawResponse roundTrip(quint16 port, const QByteArray& request, int ms = 5000)
{
    RawClient client(port);
    client.send(request);
    return client.next(ms);
}

/// Resident set size of this process in KiB (Linux), 0 when unknown.
inline qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

} // namespace rwb::testing
