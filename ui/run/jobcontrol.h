#pragma once

#include <atomic>

namespace rwb {

/// What a background job and the GUI thread share: the cancel flag the job polls and the progress
/// it reports (0..1000). Thread-safe (atomics only).
struct JobControl {
    std::atomic<bool> cancel { false };
    std::atomic<int> progress { 0 };
};

} // namespace rwb
