#include "core/live/httprequestparser.h"

#include <algorithm>

namespace rwb {

namespace {

bool isTchar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), isTchar);
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimOws(QByteArrayView s)
{
    while (!s.isEmpty() && isOws(s.front()))
        s = s.sliced(1);
    while (!s.isEmpty() && isOws(s.back()))
        s.chop(1);
    return s;
}

bool hasControlChars(QByteArrayView s)
{
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

QString printable(QByteArrayView s, qsizetype max = 60)
{
    QString out;
    for (qsizetype i = 0; i < s.size() && i < max; ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (u >= 0x20 && u < 0x7f)
            out += QLatin1Char(static_cast<char>(u));
        else
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    if (s.size() > max)
        out += QStringLiteral("...");
    return out;
}

} // namespace

QByteArray HttpRequest::header(QByteArrayView lowerCaseName) const
{
    for (const auto& [name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

HttpRequestParser::HttpRequestParser()
    : HttpRequestParser(Limits {})
{
}

HttpRequestParser::HttpRequestParser(Limits limits)
    : m_limits(limits)
{
}

void HttpRequestParser::feed(QByteArrayView data)
{
    if (m_failed || data.isEmpty())
        return;
    const qsizetype room = std::max<qsizetype>(0, m_limits.maxBufferedBytes - bufferedBytes());
    if (data.size() > room) {
        data = data.first(room);
        m_overflow = true;
    }
    m_buffer.append(data);
}

void HttpRequestParser::fail(int status, QString message)
{
    m_failed = true;
    m_ready = false;
    m_error = { status, std::move(message) };
    m_buffer.clear();
    m_buffer.squeeze();
    m_offset = m_scanPos = m_crChecked = 0;
    m_headEnd = -1;
    m_haveRequestLine = false;
}

HttpRequestParser::State HttpRequestParser::state()
{
    if (m_failed)
        return State::Failed;
    if (m_ready)
        return State::Ready;
    if (m_headEnd < 0) {
        // Tolerate empty lines (CRLF or LF) before a request line (RFC 9112 section 2.2).
        while (m_offset < m_buffer.size()) {
            if (m_buffer[m_offset] == '\n')
                ++m_offset;
            else if (m_buffer[m_offset] == '\r' && m_offset + 1 < m_buffer.size() && m_buffer[m_offset + 1] == '\n')
                m_offset += 2;
            else
                break;
        }
        m_scanPos = std::max(m_scanPos, m_offset);
        if (!parseHead())
            return m_failed ? State::Failed : State::NeedMore;
    }
    if (m_buffer.size() - m_headEnd >= m_bodyLength) {
        m_ready = true;
        return State::Ready;
    }
    if (m_overflow) {
        fail(413, QStringLiteral("too much pipelined data buffered"));
        return State::Failed;
    }
    return State::NeedMore;
}

HttpRequest HttpRequestParser::takeRequest()
{
    if (state() != State::Ready)
        return {};
    HttpRequest request = std::move(m_current);
    m_current = {};
    request.body = m_buffer.mid(m_headEnd, m_bodyLength);
    m_offset = m_headEnd + m_bodyLength;
    m_headEnd = -1;
    m_bodyLength = 0;
    m_ready = false;
    m_haveRequestLine = false;
    if (m_offset >= m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > 4096 && m_offset * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_scanPos = m_crChecked = m_offset;
    return request;
}

bool HttpRequestParser::parseRequestLine(QByteArrayView requestLine)
{
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
        fail(400, QStringLiteral("malformed request line '%1'").arg(printable(requestLine)));
        return false;
    }
    const QByteArrayView method = requestLine.first(sp1);
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!isToken(method)) {
        fail(400, QStringLiteral("invalid method '%1'").arg(printable(method)));
        return false;
    }
    if (target.isEmpty() || hasControlChars(target) || target.contains('\t')) {
        fail(400, QStringLiteral("invalid request target '%1'").arg(printable(target)));
        return false;
    }
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0' || version[5] > '9'
        || version[7] < '0' || version[7] > '9') {
        fail(400, QStringLiteral("invalid HTTP version '%1'").arg(printable(version)));
        return false;
    }
    if (version[5] != '1') {
        fail(505, QStringLiteral("HTTP version '%1' not supported").arg(printable(version)));
        return false;
    }
    HttpRequest& request = m_current;
    request = {};
    request.method = method.toByteArray();
    request.target = target.toByteArray();
    const qsizetype q = request.target.indexOf('?');
    request.path = q < 0 ? request.target : request.target.left(q);
    request.query = q < 0 ? QByteArray() : request.target.mid(q + 1);
    request.versionMinor = version[7] - '0';
    return true;
}

bool HttpRequestParser::hasBareCr(qsizetype from, qsizetype to)
{
    // RFC 9112 section 2.2: a CR not followed by LF makes the head invalid. A CR that is the last byte
    // received so far is judged once the next byte arrives.
    for (qsizetype i = from; i < to; ++i) {
        const qsizetype cr = QByteArrayView(m_buffer).sliced(i, to - i).indexOf('\r');
        if (cr < 0)
            break;
        i += cr;
        if (i + 1 < m_buffer.size() && m_buffer[i + 1] != '\n') {
            fail(400, QStringLiteral("bare CR in the request head (lines must end with CRLF or LF)"));
            return true;
        }
    }
    return false;
}

bool HttpRequestParser::parseHead()
{
    // Find the blank line that ends the head, resuming where the previous call stopped so that
    // a head trickling in byte by byte costs linear time. The request line is checked as soon as it
    // is complete and a bare CR as soon as the byte after it arrives, so a client that can never send
    // a valid head (HTTP/0.9, CR-only line ends) is answered at once instead of at the request timeout.
    qsizetype headEnd = -1;
    while (true) {
        const qsizetype nl = m_buffer.indexOf('\n', m_scanPos);
        const qsizetype lineEnd = nl < 0 ? m_buffer.size() : nl;
        const qsizetype checkFrom = std::max(m_crChecked, m_scanPos);
        if (hasBareCr(checkFrom, lineEnd))
            return false;
        m_crChecked = lineEnd > checkFrom && m_buffer[lineEnd - 1] == '\r' && nl < 0 ? lineEnd - 1 : lineEnd;
        if (m_scanPos == m_offset && lineEnd - m_offset > m_limits.maxRequestLineBytes) {
            fail(414, QStringLiteral("request line longer than %1 bytes").arg(m_limits.maxRequestLineBytes));
            return false;
        }
        if (lineEnd - m_offset > m_limits.maxHeaderBytes) {
            fail(431, QStringLiteral("request head longer than %1 bytes").arg(m_limits.maxHeaderBytes));
            return false;
        }
        if (nl < 0) {
            if (m_overflow)
                fail(431, QStringLiteral("request head truncated by the input buffer limit"));
            return false;
        }
        const qsizetype length = nl - m_scanPos - (nl > m_scanPos && m_buffer[nl - 1] == '\r' ? 1 : 0);
        const bool firstLine = m_scanPos == m_offset;
        const QByteArrayView line(m_buffer.constData() + m_scanPos, length);
        m_scanPos = nl + 1;
        if (firstLine && !m_haveRequestLine) {
            if (!parseRequestLine(line))
                return false;
            m_haveRequestLine = true;
            continue;
        }
        if (length == 0) {
            headEnd = nl + 1;
            break;
        }
    }

    HttpRequest request = std::move(m_current);
    m_current = {};
    const QByteArrayView head(m_buffer.constData() + m_offset, headEnd - m_offset);
    qsizetype pos = head.indexOf('\n') + 1; // past the request line, parsed already
    auto nextLine = [&]() {
        const qsizetype nl = head.indexOf('\n', pos);
        QByteArrayView line = head.sliced(pos, nl - pos);
        if (!line.isEmpty() && line.back() == '\r')
            line.chop(1);
        pos = nl + 1;
        return line;
    };

    bool haveLength = false;
    qint64 contentLength = 0;
    int hostCount = 0;
    bool connectionClose = false;
    bool connectionKeepAlive = false;
    while (pos < head.size()) {
        const QByteArrayView line = nextLine();
        if (line.isEmpty())
            break;
        if (isOws(line.front())) {
            fail(400, QStringLiteral("obsolete header line folding"));
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon < 0 || !isToken(line.first(colon))) {
            fail(400, QStringLiteral("malformed header line '%1'").arg(printable(line)));
            return false;
        }
        const QByteArrayView value = trimOws(line.sliced(colon + 1));
        if (hasControlChars(value)) {
            fail(400, QStringLiteral("control character in header '%1'").arg(printable(line.first(colon))));
            return false;
        }
        if (static_cast<int>(request.headers.size()) >= m_limits.maxHeaderCount) {
            fail(431, QStringLiteral("more than %1 header fields").arg(m_limits.maxHeaderCount));
            return false;
        }
        QByteArray name = line.first(colon).toByteArray().toLower();
        if (name == "content-length") {
            if (value.isEmpty() || value.size() > 18
                || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                fail(400, QStringLiteral("invalid Content-Length '%1'").arg(printable(value)));
                return false;
            }
            const qint64 length = value.toByteArray().toLongLong();
            if (haveLength && length != contentLength) {
                fail(400, QStringLiteral("conflicting Content-Length headers"));
                return false;
            }
            haveLength = true;
            contentLength = length;
        } else if (name == "transfer-encoding") {
            fail(501, QStringLiteral("Transfer-Encoding in requests is not supported; send Content-Length"));
            return false;
        } else if (name == "host") {
            ++hostCount;
        } else if (name == "connection") {
            for (const QByteArray& token : value.toByteArray().split(',')) {
                const QByteArrayView t = trimOws(token);
                connectionClose = connectionClose || equalsIgnoreCase(t, "close");
                connectionKeepAlive = connectionKeepAlive || equalsIgnoreCase(t, "keep-alive");
            }
        }
        request.headers.emplace_back(std::move(name), value.toByteArray());
    }
    if (request.versionMinor >= 1 && hostCount != 1) {
        fail(400,
            hostCount == 0 ? QStringLiteral("HTTP/1.1 request without Host header")
                           : QStringLiteral("more than one Host header"));
        return false;
    }
    if (contentLength > m_limits.maxBodyBytes) {
        fail(413,
            QStringLiteral("body of %1 bytes exceeds the limit of %2").arg(contentLength).arg(m_limits.maxBodyBytes));
        return false;
    }
    request.keepAlive = request.versionMinor >= 1 ? !connectionClose : (connectionKeepAlive && !connectionClose);
    m_current = std::move(request);
    m_headEnd = headEnd;
    m_bodyLength = static_cast<qsizetype>(contentLength);
    return true;
}

QByteArray httpReasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

} // namespace rwb
