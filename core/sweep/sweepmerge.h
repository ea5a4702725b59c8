#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace rwb {

/// Joins the JSONL outputs of a sweep's shards into the lines an unsharded run writes (the same bytes,
/// in task order). Refuses files of different sweeps (their "sweep" ids differ), lines that are not
/// sweep lines, and two different lines for one task; reports (file:line) where. Lines of a task
/// present in several files identically are kept once. Pure function of its inputs: thread-safe.
struct SweepMerge {
    QByteArray lines; ///< the merged output
    int tasks = 0; ///< lines in `lines`
    int expected = 0; ///< points x seeds of the sweep
    QStringList errors; ///< non-empty: refused, `lines` is empty
    bool complete() const noexcept { return errors.isEmpty() && tasks == expected; }

    /// `files`: (name, content) pairs; names only label errors.
    static SweepMerge merge(const QList<QPair<QString, QByteArray>>& files);
};

} // namespace rwb
