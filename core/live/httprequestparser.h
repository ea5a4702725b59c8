#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>
#include <vector>

namespace rwb {

/// One complete HTTP/1.x request as received by the mock server. Header names are lower-cased;
/// values keep their case with surrounding whitespace removed.
struct HttpRequest {
    QByteArray method;
    QByteArray target; ///< as sent, e.g. "/api/pay?x=1"
    QByteArray path; ///< target up to '?'
    QByteArray query; ///< after '?', without it
    int versionMinor = 1; ///< HTTP/1.<versionMinor>
    std::vector<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool keepAlive = true; ///< false when the connection must be closed after the response

    /// The first header named `lowerCaseName`, or a null QByteArray.
    QByteArray header(QByteArrayView lowerCaseName) const;
};

/// Why a request could not be parsed, with the status code the server should answer with.
struct HttpParseError {
    int status = 400; ///< 400, 413, 414, 431, 501 or 505
    QString message; ///< precise, for logs and the 4xx body
};

/// An incremental HTTP/1.1 request parser (RFC 9112 subset): request line, header fields,
/// Content-Length bodies, keep-alive and pipelining. Transfer-Encoding (chunked) request bodies are
/// refused with 501: the mock services never need them and Content-Length covers every client here.
/// A request line is judged as soon as it is complete and a bare CR as soon as the byte after it
/// arrives, so HTTP/0.9 and CR-only heads fail at once.
///
/// Feed bytes as they arrive, then take complete requests one at a time. Memory is bounded by
/// Limits: bytes beyond maxBufferedBytes are dropped and turn into an error once the requests
/// complete before them have been taken. After an error the parser stays failed (the connection
/// must answer error().status and close). Never throws, never reads out of bounds.
/// Not thread-safe: one parser per connection.
class HttpRequestParser final {
public:
    struct Limits {
        qsizetype maxRequestLineBytes = 8 * 1024;
        qsizetype maxHeaderBytes = 16 * 1024; ///< request line + header fields + blank line
        int maxHeaderCount = 100;
        qsizetype maxBodyBytes = 1024 * 1024;
        qsizetype maxBufferedBytes = 2 * 1024 * 1024; ///< unconsumed input kept (pipelined requests)
    };
    enum class State {
        NeedMore, ///< no complete request buffered
        Ready, ///< takeRequest() will return a request
        Failed, ///< see error()
    };

    HttpRequestParser();
    explicit HttpRequestParser(Limits limits);

    void feed(QByteArrayView data);
    /// Parses as far as possible; Ready means a request can be taken.
    State state();
    /// Removes and returns the next complete request. Precondition: state() == Ready.
    HttpRequest takeRequest();
    const HttpParseError& error() const noexcept { return m_error; }
    bool failed() const noexcept { return m_failed; }
    /// Bytes fed but not consumed by a taken request.
    qsizetype bufferedBytes() const noexcept { return m_buffer.size() - m_offset; }
    /// True while part of a request has arrived but not all of it (for slow-client timeouts).
    bool midRequest() const noexcept { return bufferedBytes() > 0; }
    const Limits& limits() const noexcept { return m_limits; }

private:
    bool parseHead();
    bool parseRequestLine(QByteArrayView line);
    bool hasBareCr(qsizetype from, qsizetype to); ///< fails the parser when true
    void fail(int status, QString message);

    Limits m_limits;
    QByteArray m_buffer;
    qsizetype m_offset = 0; ///< start of the current (unconsumed) request in m_buffer
    qsizetype m_scanPos = 0; ///< where the search for the end of the head resumes
    qsizetype m_crChecked = 0; ///< bytes before this were checked for a bare CR
    qsizetype m_headEnd = -1; ///< offset just past the blank line, once found
    qsizetype m_bodyLength = 0;
    bool m_overflow = false;
    bool m_failed = false;
    bool m_ready = false;
    bool m_haveRequestLine = false; ///< m_current holds the parsed request line
    HttpRequest m_current;
    HttpParseError m_error;
};

/// The standard reason phrase for a status code ("OK", "Service Unavailable", ...), or "Unknown".
QByteArray httpReasonPhrase(int status);

} // namespace rwb
