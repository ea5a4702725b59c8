// Fuzzes the body of POST /_control/fault (faultProfileFromControlJson), which any local client can
// send to a running mock server. Invariants beyond "no crash": a rejected body has a message; an
// accepted profile describes itself, and its canonical JSON posted again gives the same profile.
#include "core/config/scenariojson.h"
#include "core/live/mockhttpserver.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>

using namespace rwb;

namespace {
void check(bool ok)
{
    if (!ok)
        std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    static const FaultProfile base = FaultProfile::healthy(std::chrono::milliseconds(5));
    const QByteArray body(reinterpret_cast<const char*>(bytes), qsizetype(size));
    QString error;
    const auto profile = faultProfileFromControlJson(body, base, &error);
    if (!profile) {
        check(!error.isEmpty());
        return 0;
    }
    const QString description = profile->describe();
    check(!description.isEmpty());
    (void)profile->validate();
    const QByteArray canonical = QJsonDocument(scenariojson::faultProfileToJson(*profile)).toJson();
    QString again;
    const auto reread = faultProfileFromControlJson(canonical, base, &again);
    check(reread.has_value());
    check(reread->describe() == description);
    return 0;
}
