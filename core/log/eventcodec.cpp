#include "core/log/eventcodec.h"

#include "core/common/iso8601.h"
#include "core/log/jsonscan.h"
#include "core/log/jsonwrite.h"

#include <QVarLengthArray>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rwb::eventcodec {

LogLevel levelFor(const Event& event) noexcept
{
    // Levels a person triaging would pick: `level>=WARNING` lists what went wrong for a caller or a
    // circuit, not the routine work of the policies (a retry storm logs tens of thousands of retries).
    switch (event.kind) {
    case EventKind::BreakerTransition:
        return event.to == BreakerState::Open ? LogLevel::Warning : LogLevel::Info;
    case EventKind::Attempt:
        return event.outcome == OutcomeKind::Success ? LogLevel::Debug : LogLevel::Info;
    case EventKind::BreakerRejected:
    case EventKind::RetryScheduled:
    case EventKind::BulkheadRejected:
    case EventKind::RateLimited:
    case EventKind::FaultChanged:
    case EventKind::HedgeLaunched:
    case EventKind::HedgeCancelled:
        return LogLevel::Info;
    case EventKind::RetryGaveUp:
        return LogLevel::Warning;
    case EventKind::RequestDone:
        if (event.fallback)
            return LogLevel::Warning;
        return event.outcome == OutcomeKind::Success ? LogLevel::Info : LogLevel::Error;
    }
    return LogLevel::Info;
}

namespace {
QString msText(Duration d)
{
    QByteArray b;
    jsonwrite::appendMs(d, b);
    return QString::fromLatin1(b) + QStringLiteral(" ms");
}
QString withReason(QString s, const QString& reason)
{
    if (!reason.isEmpty())
        s += QStringLiteral(": ") + reason;
    return s;
}
} // namespace

QString messageFor(const Event& e)
{
    const QString req = QString::number(e.requestId);
    switch (e.kind) {
    case EventKind::BreakerTransition:
        return withReason(QStringLiteral("circuit ") + e.source + QLatin1Char(' ') + toString(e.from)
                + QStringLiteral(" -> ") + toString(e.to),
            e.text);
    case EventKind::BreakerRejected:
        return QStringLiteral("request ") + req + QStringLiteral(" rejected by open circuit ") + e.source
            + QStringLiteral(" (retry in ") + msText(e.delay) + QLatin1Char(')');
    case EventKind::Attempt: {
        QString s = QStringLiteral("attempt ") + QString::number(e.attempt) + QStringLiteral(" of request ") + req
            + QStringLiteral(": ") + toString(e.outcome);
        if (e.httpStatus)
            s += QLatin1Char(' ') + QString::number(e.httpStatus);
        if (!e.errorClass.isNone())
            s += QLatin1Char(' ') + e.errorClass.name();
        return s + QStringLiteral(" in ") + msText(e.latency);
    }
    case EventKind::RetryScheduled:
        return withReason(QStringLiteral("retry of request ") + req + QStringLiteral(" after attempt ")
                + QString::number(e.attempt) + QStringLiteral(" in ") + msText(e.delay),
            e.text);
    case EventKind::RetryGaveUp:
        return withReason(QStringLiteral("request ") + req + QStringLiteral(" gave up after ")
                + QString::number(e.attempt) + QStringLiteral(" attempts"),
            e.text);
    case EventKind::RequestDone:
        return QStringLiteral("request ") + req + QLatin1Char(' ') + toString(e.outcome) + QStringLiteral(" after ")
            + QString::number(e.attempt) + QStringLiteral(" attempts in ") + msText(e.total)
            + (e.fallback ? QStringLiteral(" (fallback)") : QString());
    case EventKind::BulkheadRejected:
        return QStringLiteral("request ") + req + QStringLiteral(" rejected: bulkhead full");
    case EventKind::RateLimited:
        return QStringLiteral("request ") + req + QStringLiteral(" rate limited")
            + (e.text.isEmpty() ? QString() : QStringLiteral(" (") + e.text + QLatin1Char(')'))
            + QStringLiteral(", retry after ") + msText(e.delay);
    case EventKind::FaultChanged:
        return withReason(QStringLiteral("fault profile of ") + e.source + QStringLiteral(" changed"), e.text);
    case EventKind::HedgeLaunched:
        return QStringLiteral("hedge ") + e.text + QStringLiteral(" of request ") + req + QStringLiteral(" attempt ")
            + QString::number(e.attempt) + QStringLiteral(" after ") + msText(e.delay);
    case EventKind::HedgeCancelled:
        return QStringLiteral("request ") + req + QStringLiteral(" attempt ") + QString::number(e.attempt)
            + QStringLiteral(": cancelled hedge ") + e.text;
    }
    return {};
}

namespace {

// Which optional fields a kind always writes; the others are written only when not default.
enum Field : unsigned {
    FRequest = 1,
    FAttempt = 2,
    FOutcome = 4,
    FHttp = 8,
    FErrorClass = 16,
    FLatency = 32,
    FDelay = 64,
    FTotal = 128,
    FFromTo = 256,
    FFallback = 512,
    FText = 1024,
};

unsigned fieldsOf(EventKind kind) noexcept
{
    switch (kind) {
    case EventKind::BreakerTransition:
        return FFromTo | FText;
    case EventKind::BreakerRejected:
        return FRequest | FDelay;
    case EventKind::Attempt:
        return FRequest | FAttempt | FOutcome | FHttp | FLatency;
    case EventKind::RetryScheduled:
        return FRequest | FAttempt | FDelay | FText;
    case EventKind::RetryGaveUp:
        return FRequest | FAttempt | FText;
    case EventKind::RequestDone:
        return FRequest | FAttempt | FOutcome | FTotal | FFallback;
    case EventKind::BulkheadRejected:
        return FRequest;
    case EventKind::RateLimited:
        return FRequest | FDelay | FText;
    case EventKind::FaultChanged:
        return FText;
    case EventKind::HedgeLaunched:
        return FRequest | FAttempt | FDelay | FText;
    case EventKind::HedgeCancelled:
        return FRequest | FAttempt | FText;
    }
    return 0;
}

const char* attemptKey(EventKind k) noexcept
{
    return (k == EventKind::RetryGaveUp || k == EventKind::RequestDone) ? "attempts" : "attempt";
}
const char* delayKey(EventKind k) noexcept
{
    return (k == EventKind::RateLimited || k == EventKind::BreakerRejected) ? "retry_after_ms" : "delay_ms";
}
const char* textKey(EventKind k) noexcept
{
    switch (k) {
    case EventKind::BreakerTransition:
    case EventKind::RetryScheduled:
    case EventKind::RetryGaveUp:
        return "reason";
    case EventKind::RateLimited:
        return "limiter";
    case EventKind::FaultChanged:
        return "description";
    case EventKind::HedgeLaunched:
    case EventKind::HedgeCancelled:
        return "hedge";
    default:
        return "text";
    }
}

void key(QByteArray& out, const char* name)
{
    out.append(", \"", 3);
    out.append(name);
    out.append("\": ", 3);
}

void appendTaskId(std::uint64_t requestId, QByteArray& out)
{
    out.append('"');
    if (requestId) {
        out.append("req-", 4);
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, requestId);
        out.append(buf, r.ptr - buf);
    }
    out.append('"');
}

} // namespace

void encode(const Event& e, qint64 utcMs, QByteArray& out)
{
    const unsigned always = fieldsOf(e.kind);
    const Event def;
    out.append("{\"timestamp\": \"", 15);
    iso8601::appendTimestamp(utcMs, out);
    out.append("\", \"level\": \"", 13);
    out.append(levelName(levelFor(e)));
    out.append("\", \"agent\": ", 12);
    jsonwrite::appendString(QStringView(e.source), out);
    out.append(", \"task_id\": ", 13);
    appendTaskId(e.requestId, out);
    out.append(", \"message\": ", 13);
    jsonwrite::appendString(QStringView(messageFor(e)), out);
    out.append(", \"extra\": {\"event\": \"", 22);
    out.append(toString(e.kind).toLatin1());
    out.append('"');
    if ((always & FRequest) || e.requestId != def.requestId) {
        key(out, "request_id");
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, e.requestId);
        out.append(buf, r.ptr - buf);
    }
    if ((always & FAttempt) || e.attempt != def.attempt) {
        key(out, attemptKey(e.kind));
        jsonwrite::appendInt(out, e.attempt);
    }
    if ((always & FOutcome) || e.outcome != def.outcome) {
        key(out, "outcome");
        out.append('"');
        out.append(toString(e.outcome).toLatin1());
        out.append('"');
    }
    if ((always & FHttp) || e.httpStatus != def.httpStatus) {
        key(out, "http_status");
        jsonwrite::appendInt(out, e.httpStatus);
    }
    if (!e.errorClass.isNone()) {
        key(out, "error_class");
        jsonwrite::appendString(QStringView(e.errorClass.name()), out);
    }
    if ((always & FLatency) || e.latency != def.latency) {
        key(out, "latency_ms");
        jsonwrite::appendMs(e.latency, out);
    }
    if ((always & FDelay) || e.delay != def.delay) {
        key(out, delayKey(e.kind));
        jsonwrite::appendMs(e.delay, out);
    }
    if ((always & FTotal) || e.total != def.total) {
        key(out, "total_ms");
        jsonwrite::appendMs(e.total, out);
    }
    if ((always & FFromTo) || e.from != def.from || e.to != def.to) {
        key(out, "from");
        out.append('"');
        out.append(toString(e.from).toLatin1());
        out.append('"');
        key(out, "to");
        out.append('"');
        out.append(toString(e.to).toLatin1());
        out.append('"');
    }
    if ((always & FFallback) || e.fallback != def.fallback) {
        key(out, "fallback");
        out.append(e.fallback ? "true" : "false");
    }
    if ((always & FText) || !e.text.isEmpty()) {
        key(out, textKey(e.kind));
        jsonwrite::appendString(QStringView(e.text), out);
    }
    const qint64 frac = e.time.time_since_epoch().count() % 1000000;
    if (frac) {
        key(out, "time_ns_frac");
        jsonwrite::appendInt(out, frac);
    }
    out.append("}}\n", 3);
}

void encodeRunStarted(qint64 originUtcMs, const QString& scenario, std::uint64_t seed, QByteArray& out)
{
    out.append("{\"timestamp\": \"", 15);
    iso8601::appendTimestamp(originUtcMs, out);
    out.append("\", \"level\": \"INFO\", \"agent\": \"workbench\", \"task_id\": \"\", \"message\": ");
    jsonwrite::appendString(QStringView(QStringLiteral("run started: %1 (seed %2)").arg(scenario).arg(seed)), out);
    out.append(", \"extra\": {\"event\": \"");
    out.append(kRunStartedEvent);
    out.append('"');
    key(out, "scenario");
    jsonwrite::appendString(QStringView(scenario), out);
    key(out, "seed");
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, seed);
    out.append(buf, r.ptr - buf);
    out.append("}}\n", 3);
}

QByteArray encode(const Event& event, qint64 utcMs)
{
    QByteArray out;
    out.reserve(320);
    encode(event, utcMs, out);
    return out;
}

namespace {

// Exact decimal milliseconds -> nanoseconds (falls back to double rounding beyond 6 decimals).
std::optional<Duration> parseMs(const jsonscan::Value& v)
{
    if (v.type != jsonscan::Type::Number)
        return std::nullopt;
    const std::string_view s = v.raw();
    std::size_t i = 0;
    bool neg = false;
    if (i < s.size() && s[i] == '-') {
        neg = true;
        ++i;
    }
    qint64 whole = 0;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 12) {
        whole = whole * 10 + (s[i] - '0');
        ++i;
        ++digits;
    }
    qint64 frac = 0;
    int fracDigits = 0;
    bool exact = digits > 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (fracDigits < 6) {
                frac = frac * 10 + (s[i] - '0');
                ++fracDigits;
            } else if (s[i] != '0') {
                exact = false;
            }
            ++i;
        }
    }
    if (exact && i == s.size()) {
        for (int k = fracDigits; k < 6; ++k)
            frac *= 10;
        const qint64 ns = whole * 1000000 + frac;
        return Duration(neg ? -ns : ns);
    }
    double d = 0;
    if (!jsonscan::toDouble(v, &d) || !(std::fabs(d) < 9.0e12)) // beyond ~285 years: not a duration
        return std::nullopt;
    return fromMs(d);
}

std::optional<qint64> parseInt(const jsonscan::Value& v)
{
    if (v.type != jsonscan::Type::Number)
        return std::nullopt;
    qint64 out = 0;
    const auto s = v.raw();
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        return std::nullopt;
    return out;
}

std::optional<std::uint64_t> parseUInt(const jsonscan::Value& v)
{
    if (v.type != jsonscan::Type::Number)
        return std::nullopt;
    std::uint64_t out = 0;
    const auto s = v.raw();
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        return std::nullopt;
    return out;
}

QString str(const jsonscan::Value& v) { return QString::fromUtf8(jsonscan::text(v)); }

/// str() for the short strings a log repeats on every line (agents, event kinds, outcomes, reasons):
/// a small per-thread cache keyed by the raw JSON bytes hands out shared copies, which spares an
/// allocation and a UTF-8 conversion per value, and the memory of millions of equal strings.
QString sharedStr(const jsonscan::Value& v)
{
    constexpr std::size_t kSlots = 64;
    constexpr std::size_t kMaxKey = 64;
    const std::string_view raw = v.raw();
    if (v.type != jsonscan::Type::String || raw.size() > kMaxKey)
        return str(v);
    struct Slot {
        std::string key;
        QString value;
        bool used = false;
    };
    thread_local std::array<Slot, kSlots> cache;
    Slot& slot = cache[std::hash<std::string_view> {}(raw) % kSlots];
    if (!slot.used || slot.key != raw) {
        slot.key.assign(raw);
        slot.value = str(v);
        slot.used = true;
    }
    return slot.value;
}

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

std::optional<Event> decode(QByteArrayView line, qint64 originUtcMs, QString* error)
{
    using jsonscan::Type;
    using jsonscan::Value;
    // built once: extract() is const and thread-safe
    static const jsonscan::PathSet top = [] {
        jsonscan::PathSet set;
        set.add("timestamp");
        set.add("agent");
        set.add("extra");
        return set;
    }();
    constexpr int iTs = 0, iAgent = 1, iExtra = 2;
    Value v[3];
    const char* b = line.data();
    const char* e = b + line.size();
    if (top.extract(b, e, v) == jsonscan::PathSet::Result::Malformed) {
        fail(error, QStringLiteral("not a JSON object"));
        return std::nullopt;
    }
    if (v[iExtra].type != Type::Object) {
        fail(error, QStringLiteral("no \"extra\" object"));
        return std::nullopt;
    }
    if (v[iTs].type != Type::String) {
        fail(error, QStringLiteral("no \"timestamp\""));
        return std::nullopt;
    }
    const auto utcMs = iso8601::parseTimestamp(QByteArrayView(v[iTs].begin, v[iTs].end - v[iTs].begin));
    if (!utcMs) {
        fail(error, QStringLiteral("bad \"timestamp\""));
        return std::nullopt;
    }

    Event ev;
    ev.source = sharedStr(v[iAgent]);
    qint64 fracNs = 0;
    bool haveKind = false;
    QString bad;

    // Walk the members of "extra".
    const char* p = jsonscan::skipWs(v[iExtra].begin + 1, v[iExtra].end);
    struct Member {
        std::string_view key;
        Value value;
    };
    QVarLengthArray<Member, 16> members;
    while (p < v[iExtra].end && *p != '}') {
        if (*p != '"')
            break;
        const char* kend = jsonscan::findStringEnd(p + 1, e, nullptr);
        if (!kend)
            break;
        Member m {std::string_view(p + 1, std::size_t(kend - p - 1)), {}};
        p = jsonscan::skipWs(kend + 1, e);
        if (p >= e || *p != ':')
            break;
        p = jsonscan::parseValue(jsonscan::skipWs(p + 1, e), e, m.value);
        if (!p)
            break;
        members.push_back(m);
        p = jsonscan::skipWs(p, e);
        if (p < e && *p == ',')
            p = jsonscan::skipWs(p + 1, e);
    }
    for (const auto& m : members) {
        if (m.key == "event") {
            const auto kind = eventKindFromString(sharedStr(m.value));
            if (!kind) {
                fail(error, QStringLiteral("unknown extra.event '%1'").arg(str(m.value)));
                return std::nullopt;
            }
            ev.kind = *kind;
            haveKind = true;
        }
    }
    if (!haveKind) {
        fail(error, QStringLiteral("no extra.event"));
        return std::nullopt;
    }
    const std::string_view aKey = attemptKey(ev.kind);
    const std::string_view dKey = delayKey(ev.kind);
    const std::string_view tKey = textKey(ev.kind);
    for (const auto& m : members) {
        const auto& k = m.key;
        const auto& val = m.value;
        bool ok = true;
        if (k == "event") {
            continue;
        } else if (k == "request_id") {
            const auto n = parseUInt(val);
            ok = n.has_value();
            ev.requestId = n.value_or(0);
        } else if (k == aKey) {
            const auto n = parseInt(val);
            ok = n.has_value();
            ev.attempt = int(n.value_or(0));
        } else if (k == "outcome") {
            const auto o = outcomeKindFromString(sharedStr(val));
            ok = o.has_value();
            ev.outcome = o.value_or(OutcomeKind::Success);
        } else if (k == "http_status") {
            const auto n = parseInt(val);
            ok = n.has_value();
            ev.httpStatus = int(n.value_or(0));
        } else if (k == "error_class") {
            const QString name = sharedStr(val);
            try {
                ev.errorClass = name.isEmpty() ? ErrorClass::none() : ErrorClass::fromName(name);
            } catch (const std::length_error&) {
                ok = false; // the process-wide table of error classes is full
            }
        } else if (k == "latency_ms" || k == dKey || k == "total_ms") {
            const auto d = parseMs(val);
            ok = d.has_value();
            (k == "latency_ms" ? ev.latency : k == "total_ms" ? ev.total : ev.delay) = d.value_or(Duration {});
        } else if (k == "from" || k == "to") {
            const auto s = breakerStateFromString(sharedStr(val));
            ok = s.has_value();
            (k == "from" ? ev.from : ev.to) = s.value_or(BreakerState::Closed);
        } else if (k == "fallback") {
            ok = val.type == Type::True || val.type == Type::False;
            ev.fallback = val.type == Type::True;
        } else if (k == tKey) {
            ev.text = sharedStr(val);
        } else if (k == "time_ns_frac") {
            const auto n = parseInt(val);
            ok = n.has_value();
            fracNs = n.value_or(0);
        }
        if (!ok) {
            bad = QString::fromUtf8(k.data(), qsizetype(k.size()));
            break;
        }
    }
    if (!bad.isEmpty()) {
        fail(error, QStringLiteral("bad value of extra.%1").arg(bad));
        return std::nullopt;
    }
    qint64 ns = 0;
    if (__builtin_sub_overflow(*utcMs, originUtcMs, &ns) || __builtin_mul_overflow(ns, qint64(1000000), &ns)
        || __builtin_add_overflow(ns, fracNs, &ns)) {
        fail(error, QStringLiteral("timestamp out of range"));
        return std::nullopt;
    }
    ev.time = TimePoint(Duration(ns));
    return ev;
}

} // namespace rwb::eventcodec
