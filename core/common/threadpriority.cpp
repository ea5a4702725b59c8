#include "core/common/threadpriority.h"

#include <algorithm>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace rwb {

#ifdef __linux__

int thisThreadNiceValue()
{
    errno = 0;
    const int nice = ::getpriority(PRIO_PROCESS, id_t(::gettid()));
    return nice == -1 && errno != 0 ? 0 : nice;
}

bool lowerThisThreadPriority(int steps)
{
    // On Linux, PRIO_PROCESS with a thread id sets that thread alone (nice is a per-thread attribute).
    const int target = std::clamp(thisThreadNiceValue() + std::max(0, steps), -20, 19);
    return ::setpriority(PRIO_PROCESS, id_t(::gettid()), target) == 0;
}

#else

int thisThreadNiceValue()
{
    return 0;
}

bool lowerThisThreadPriority(int)
{
    return false;
}

#endif

} // namespace rwb
