#pragma once

#include <QJsonObject>
#include <QString>

#include <atomic>
#include <functional>

namespace rwb {

/// What recording a simulated run produced.
struct RecordedRun {
    QString path;       ///< the last file written (the run's last UTC day); "" on failure
    qint64 lines = 0;   ///< lines written, the run_started line included
    QString error;      ///< "" on success
    bool cancelled = false;
};

/// Simulates `scenario` (its JSON document) once more and records every event with the engine's
/// JsonlWriter into `directory`: `<scenario name>_YYYY-MM-DD.jsonl`, one file per UTC day of the
/// simulated clock (the simulator's fixed origin, so the same scenario gives the same bytes), opening
/// with the run_started line. The same seed gives the run the window shows. `progress` gets 0..1000.
/// Thread-safe (shares nothing): meant for a worker thread; `cancel` is polled.
RecordedRun recordSimulation(const QJsonObject& scenario, const QString& directory,
    const std::atomic<bool>* cancel = nullptr, const std::function<void(int)>& progress = {});

} // namespace rwb
