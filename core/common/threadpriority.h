#pragma once

namespace rwb {

/// Makes the calling thread yield the CPU to the process's other threads by raising its nice value by
/// `steps` (at most to 19). Background work that runs while a window is open (indexing a log) calls it,
/// so that the GUI thread gets a core as soon as it wakes instead of waiting for a busy worker's time
/// slice. Linux keeps a nice value per thread; elsewhere this does nothing. Returns whether it applied.
bool lowerThisThreadPriority(int steps = 10);

/// The calling thread's nice value (0 where threads have none).
int thisThreadNiceValue();

} // namespace rwb
