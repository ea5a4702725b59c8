#include "core/live/descriptorlimit.h"

#include <sys/resource.h>

#include <algorithm>
#include <limits>

namespace rwb::descriptors {

namespace {

int clampToInt(rlim_t value)
{
    if (value == RLIM_INFINITY)
        return std::numeric_limits<int>::max();
    return static_cast<int>(std::min<rlim_t>(value, rlim_t(std::numeric_limits<int>::max())));
}

} // namespace

int softLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    return clampToInt(limit.rlim_cur);
}

int raiseSoftLimitToHard()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur != limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return clampToInt(limit.rlim_cur);
}

} // namespace rwb::descriptors
