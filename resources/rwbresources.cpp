#include "resources/rwbresources.h"

#include <QtGlobal>

#include <mutex>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initScenarioResources() { Q_INIT_RESOURCE(rwb_scenarios); }

namespace rwb {

void initBuiltinResources()
{
    static std::once_flag once;
    std::call_once(once, initScenarioResources);
}

// Registers the resources when the library is linked in, even if nobody calls the function.
namespace {
const bool kRegistered = [] {
    initBuiltinResources();
    return true;
}();
} // namespace

} // namespace rwb
