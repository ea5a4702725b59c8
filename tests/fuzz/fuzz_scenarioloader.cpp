// Fuzzes the scenario loader (scenariojson::load: JSON syntax, UTF-8, every field's validation).
// Invariants beyond "no crash": a rejected document has at least one error, each with a message; an
// accepted one saves to a canonical document that loads again and saves to the same bytes.
#include "core/config/scenariojson.h"

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
    const QByteArray input(reinterpret_cast<const char*>(bytes), qsizetype(size));
    const ScenarioLoad loaded = scenariojson::load(input, QStringLiteral("fuzz.json"));
    if (!loaded.ok()) {
        check(!loaded.errors.empty());
        for (const auto& e : loaded.errors)
            check(!e.toString().isEmpty());
        return 0;
    }
    const QByteArray saved = scenariojson::toBytes(*loaded.scenario);
    const ScenarioLoad again = scenariojson::load(saved, QStringLiteral("saved.json"));
    check(again.ok());
    check(scenariojson::toBytes(*again.scenario) == saved);
    return 0;
}
