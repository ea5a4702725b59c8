#include "core/common/errorclass.h"

#include <QHash>
#include <QReadWriteLock>
#include <QStringList>

#include <stdexcept>
#include <vector>

namespace rwb {

namespace {
struct Registry {
    QReadWriteLock lock;
    QHash<QString, std::uint16_t> ids;
    std::vector<QString> names {QString()}; // id 0 = none

    static Registry& instance()
    {
        static Registry registry;
        return registry;
    }
};

std::uint16_t intern(const QString& name)
{
    if (name.isEmpty())
        return 0;
    auto& r = Registry::instance();
    {
        QReadLocker read(&r.lock);
        if (auto it = r.ids.constFind(name); it != r.ids.cend())
            return *it;
    }
    QWriteLocker write(&r.lock);
    if (auto it = r.ids.constFind(name); it != r.ids.cend())
        return *it;
    if (r.names.size() >= ErrorClass::kMaxClasses)
        throw std::length_error("too many distinct error classes");
    const auto id = static_cast<std::uint16_t>(r.names.size());
    r.names.push_back(name);
    r.ids.insert(name, id);
    return id;
}
} // namespace

ErrorClass ErrorClass::fromName(const QString& name) { return ErrorClass(intern(name)); }

ErrorClass ErrorClass::forHttpStatus(int status)
{
    return fromName(QStringLiteral("http_") + QString::number(status));
}

QString ErrorClass::name() const
{
    auto& r = Registry::instance();
    QReadLocker read(&r.lock);
    return m_id < r.names.size() ? r.names[m_id] : QString();
}

#define RWB_WELL_KNOWN(fn, text)                                                                                       \
    ErrorClass ErrorClass::fn()                                                                                        \
    {                                                                                                                  \
        static const ErrorClass c = fromName(QStringLiteral(text));                                                    \
        return c;                                                                                                      \
    }
RWB_WELL_KNOWN(timeout, "timeout")
RWB_WELL_KNOWN(connectionReset, "connection_reset")
RWB_WELL_KNOWN(connectionRefused, "connection_refused")
RWB_WELL_KNOWN(malformedResponse, "malformed_response")
RWB_WELL_KNOWN(circuitOpen, "circuit_open")
RWB_WELL_KNOWN(bulkheadFull, "bulkhead_full")
RWB_WELL_KNOWN(rateLimited, "rate_limited")
RWB_WELL_KNOWN(exception, "exception")
#undef RWB_WELL_KNOWN

QStringList ErrorClassSet::names() const
{
    QStringList out;
    auto& r = Registry::instance();
    QReadLocker read(&r.lock);
    for (std::size_t id = 1; id < r.names.size(); ++id)
        if (m_bits.test(id))
            out << r.names[id];
    return out;
}

} // namespace rwb
