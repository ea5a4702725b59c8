#include "ui/demos.h"

namespace rwb {

std::vector<DemoInfo> builtInDemos()
{
    return {};
}

QString defaultDemoName()
{
    return QStringLiteral("outage-and-recovery");
}

} // namespace rwb
