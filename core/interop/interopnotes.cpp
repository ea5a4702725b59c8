#include "core/interop/interopnotes.h"

namespace rwb {

void InteropNotes::approximate(const QString& setting, const QString& why)
{
    m_warnings.append(setting + QStringLiteral(": approximate: ") + why);
}

void InteropNotes::missing(const QString& setting, const QString& why)
{
    m_warnings.append(setting + QStringLiteral(": not expressible: ") + why);
}

} // namespace rwb
