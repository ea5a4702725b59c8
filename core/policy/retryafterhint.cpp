#include "core/policy/retryafterhint.h"

#include <algorithm>
#include <chrono>

namespace rwb {

FieldErrors RetryAfterConfig::validate(const RetryAfterConfig& config)
{
    FieldCheck c;
    c.durationAtLeastMs(QStringLiteral("default_retry_delay"), toMs(config.defaultRetryDelay), 0);
    c.durationAtLeastMs(QStringLiteral("max_retry_delay"), toMs(config.maxRetryDelay), 0);
    c.require(config.maxRetryDelay >= config.defaultRetryDelay, QStringLiteral("max_retry_delay"),
        QStringLiteral("expected a duration >= default_retry_delay (%1 ms), got %2 ms")
            .arg(formatNumber(toMs(config.defaultRetryDelay)), formatNumber(toMs(config.maxRetryDelay))));
    return c.take();
}

namespace {

// A strict left-to-right reader over an ASCII header value.
class Reader {
public:
    explicit Reader(QStringView s) : m_s(s) { }
    bool atEnd() const { return m_pos >= m_s.size(); }
    bool lit(char c)
    {
        if (atEnd() || m_s[m_pos] != QLatin1Char(c))
            return false;
        ++m_pos;
        return true;
    }
    bool lit(const char* text)
    {
        const qsizetype start = m_pos;
        for (; *text; ++text)
            if (!lit(*text)) {
                m_pos = start;
                return false;
            }
        return true;
    }
    // Exactly `n` digits.
    std::optional<int> digits(int n)
    {
        int v = 0;
        for (int i = 0; i < n; ++i) {
            if (atEnd() || !m_s[m_pos].isDigit() || m_s[m_pos].unicode() > 127)
                return std::nullopt;
            v = v * 10 + (m_s[m_pos].unicode() - '0');
            ++m_pos;
        }
        return v;
    }
    // Index of the first of `names` (case-sensitive, as RFC 9110 requires) matching here, or -1.
    int oneOf(const char* const* names, int count)
    {
        for (int i = 0; i < count; ++i)
            if (lit(names[i]))
                return i;
        return -1;
    }

private:
    QStringView m_s;
    qsizetype m_pos = 0;
};

constexpr const char* kShortDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr const char* kLongDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool readTime(Reader& r, int& h, int& m, int& s)
{
    auto hh = r.digits(2);
    if (!hh || !r.lit(':'))
        return false;
    auto mm = r.digits(2);
    if (!mm || !r.lit(':'))
        return false;
    auto ss = r.digits(2);
    if (!ss)
        return false;
    h = *hh;
    m = *mm;
    s = *ss;
    return h <= 23 && m <= 59 && s <= 60;
}

std::optional<qint64> toEpochMs(int year, int month, int day, int h, int m, int s)
{
    using namespace std::chrono;
    const year_month_day ymd {std::chrono::year(year), std::chrono::month(unsigned(month)), std::chrono::day(unsigned(day))};
    if (!ymd.ok())
        return std::nullopt;
    const auto days = sys_days(ymd).time_since_epoch().count();
    const int sec = std::min(s, 59); // a leap second reads as the last second of the minute
    return (qint64(days) * 86400 + h * 3600 + m * 60 + sec) * 1000;
}

int yearOf(qint64 utcMs)
{
    using namespace std::chrono;
    const auto days = sys_days(floor<std::chrono::days>(milliseconds(utcMs)));
    return int(year_month_day(days).year());
}

} // namespace

std::optional<qint64> RetryAfterHint::parseHttpDate(QStringView value, qint64 nowUtcMs)
{
    value = value.trimmed();
    int h = 0, m = 0, s = 0;
    {   // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        Reader r(value);
        if (r.oneOf(kShortDays, 7) >= 0 && r.lit(", ")) {
            auto day = r.digits(2);
            if (day && r.lit(' ')) {
                const int month = r.oneOf(kMonths, 12);
                if (month >= 0 && r.lit(' ')) {
                    auto year = r.digits(4);
                    if (year && r.lit(' ') && readTime(r, h, m, s) && r.lit(" GMT") && r.atEnd())
                        return toEpochMs(*year, month + 1, *day, h, m, s);
                }
            }
            return std::nullopt;
        }
    }
    {   // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        Reader r(value);
        if (r.oneOf(kLongDays, 7) >= 0 && r.lit(", ")) {
            auto day = r.digits(2);
            if (day && r.lit('-')) {
                const int month = r.oneOf(kMonths, 12);
                if (month >= 0 && r.lit('-')) {
                    auto yy = r.digits(2);
                    if (yy && r.lit(' ') && readTime(r, h, m, s) && r.lit(" GMT") && r.atEnd()) {
                        const int nowYear = yearOf(nowUtcMs);
                        int year = nowYear / 100 * 100 + *yy;
                        if (year > nowYear + 50)
                            year -= 100;
                        return toEpochMs(year, month + 1, *day, h, m, s);
                    }
                }
            }
            return std::nullopt;
        }
    }
    {   // asctime: Sun Nov  6 08:49:37 1994
        Reader r(value);
        if (r.oneOf(kShortDays, 7) >= 0 && r.lit(' ')) {
            const int month = r.oneOf(kMonths, 12);
            if (month >= 0 && r.lit(' ')) {
                std::optional<int> day;
                if (r.lit(' '))
                    day = r.digits(1);
                else
                    day = r.digits(2);
                if (day && r.lit(' ') && readTime(r, h, m, s) && r.lit(' ')) {
                    auto year = r.digits(4);
                    if (year && r.atEnd())
                        return toEpochMs(*year, month + 1, *day, h, m, s);
                }
            }
        }
    }
    return std::nullopt;
}

std::optional<Duration> RetryAfterHint::parse(QStringView value, qint64 nowUtcMs)
{
    value = value.trimmed();
    if (value.isEmpty())
        return std::nullopt;
    const auto maxSeconds = std::chrono::duration_cast<std::chrono::seconds>(kSaturation).count();
    bool allDigits = true;
    for (QChar c : value)
        allDigits = allDigits && c.unicode() >= '0' && c.unicode() <= '9';
    if (allDigits) {
        long long seconds = 0;
        for (QChar c : value) {
            seconds = seconds * 10 + (c.unicode() - '0');
            if (seconds >= maxSeconds)
                return kSaturation;
        }
        return std::chrono::seconds(seconds);
    }
    const auto dateMs = parseHttpDate(value, nowUtcMs);
    if (!dateMs)
        return std::nullopt;
    const qint64 deltaMs = *dateMs - nowUtcMs;
    if (deltaMs <= 0)
        return Duration::zero();
    if (deltaMs / 1000 >= maxSeconds)
        return kSaturation;
    return std::chrono::milliseconds(deltaMs);
}

RetryAfterHint::RetryAfterHint(RetryAfterConfig config)
    : m_config(config)
{
    if (auto errors = RetryAfterConfig::validate(m_config); !errors.empty())
        throw InvalidConfig(std::move(errors));
}

std::optional<Duration> RetryAfterHint::delayFor(int httpStatus, std::optional<Duration> hint) const noexcept
{
    if (m_config.respectRetryAfter && hint)
        return std::clamp(*hint, Duration::zero(), m_config.maxRetryDelay);
    if (isThrottleStatus(httpStatus))
        return std::min(m_config.defaultRetryDelay, m_config.maxRetryDelay);
    return std::nullopt;
}

std::optional<Duration> RetryAfterHint::delayFor(int httpStatus, QStringView headerValue, qint64 nowUtcMs) const
{
    return delayFor(httpStatus, headerValue.isEmpty() ? std::nullopt : parse(headerValue, nowUtcMs));
}

} // namespace rwb
