#pragma once

namespace rwb::descriptors {

/// The process's limit on open file descriptors (RLIMIT_NOFILE). Every client connection of a mock
/// server costs one descriptor, two when the client runs in the same process (`rwb live`), so the
/// limit bounds how many connections the servers of a process can hold together.

/// The soft limit in force now (a large number when the system reports none).
int softLimit();

/// Raises the soft limit to the hard limit, as servers do at start-up (the common soft default of 1024
/// is far below what a connection flood needs). Returns the soft limit in force afterwards.
int raiseSoftLimitToHard();

} // namespace rwb::descriptors
