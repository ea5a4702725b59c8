#include "core/common/iso8601.h"

namespace rwb::iso8601 {

namespace {

// Days since 1970-01-01 <-> proleptic Gregorian y/m/d (the classic era-based civil calendar
// arithmetic; valid for the whole int64 millisecond range we care about).
constexpr qint64 daysFromCivil(qint64 y, unsigned m, unsigned d) noexcept
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

struct Civil {
    qint64 y;
    unsigned m;
    unsigned d;
};

constexpr Civil civilFromDays(qint64 z) noexcept
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 y = qint64(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

constexpr qint64 kMsPerDay = 86400000;

qint64 floorDiv(qint64 a, qint64 b) noexcept { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void appendDigits(QByteArray& out, qint64 value, int width)
{
    char buf[24];
    int n = 0;
    bool neg = value < 0;
    quint64 v = neg ? quint64(-(value + 1)) + 1 : quint64(value);
    do {
        buf[n++] = char('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        buf[n++] = '0';
    if (neg)
        out.append('-');
    while (n)
        out.append(buf[--n]);
}

} // namespace

void appendTimestamp(qint64 utcMs, QByteArray& out)
{
    const qint64 days = floorDiv(utcMs, kMsPerDay);
    qint64 msOfDay = utcMs - days * kMsPerDay;
    const Civil c = civilFromDays(days);
    appendDigits(out, c.y, 4);
    out.append('-');
    appendDigits(out, c.m, 2);
    out.append('-');
    appendDigits(out, c.d, 2);
    out.append('T');
    appendDigits(out, msOfDay / 3600000, 2);
    msOfDay %= 3600000;
    out.append(':');
    appendDigits(out, msOfDay / 60000, 2);
    msOfDay %= 60000;
    out.append(':');
    appendDigits(out, msOfDay / 1000, 2);
    out.append('.');
    appendDigits(out, msOfDay % 1000, 3);
    out.append("+00:00", 6);
}

std::optional<qint64> parseTimestamp(QByteArrayView text) noexcept
{
    const char* p = text.data();
    const char* e = p + text.size();
    auto num = [&](int digits, int& value) {
        if (e - p < digits)
            return false;
        value = 0;
        for (int i = 0; i < digits; ++i) {
            if (p[i] < '0' || p[i] > '9')
                return false;
            value = value * 10 + (p[i] - '0');
        }
        p += digits;
        return true;
    };
    int y, mo, d, h = 0, mi = 0, s = 0, ms = 0;
    if (!num(4, y) || p >= e || *p++ != '-' || !num(2, mo) || p >= e || *p++ != '-' || !num(2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return std::nullopt;
    if (p < e && (*p == 'T' || *p == 't' || *p == ' ')) {
        ++p;
        if (!num(2, h) || p >= e || *p++ != ':' || !num(2, mi))
            return std::nullopt;
        if (p < e && *p == ':') {
            ++p;
            if (!num(2, s))
                return std::nullopt;
            if (p < e && (*p == '.' || *p == ',')) {
                ++p;
                int digits = 0;
                while (p < e && *p >= '0' && *p <= '9') {
                    if (digits < 3)
                        ms = ms * 10 + (*p - '0');
                    ++digits;
                    ++p;
                }
                if (digits == 0)
                    return std::nullopt;
                for (int i = digits; i < 3; ++i)
                    ms *= 10;
            }
        }
        if (h > 24 || mi > 59 || s > 60)
            return std::nullopt;
    }
    qint64 offsetMin = 0;
    if (p < e) {
        if (*p == 'Z' || *p == 'z') {
            ++p;
        } else if (*p == '+' || *p == '-') {
            const int sign = *p == '-' ? -1 : 1;
            ++p;
            int oh = 0, om = 0;
            if (!num(2, oh))
                return std::nullopt;
            if (p < e && *p == ':')
                ++p;
            if (p < e && !num(2, om))
                return std::nullopt;
            offsetMin = sign * (oh * 60 + om);
        } else {
            return std::nullopt;
        }
    }
    if (p != e)
        return std::nullopt;
    const qint64 days = daysFromCivil(y, unsigned(mo), unsigned(d));
    return days * kMsPerDay + h * 3600000LL + mi * 60000LL + s * 1000LL + ms - offsetMin * 60000LL;
}

} // namespace rwb::iso8601
