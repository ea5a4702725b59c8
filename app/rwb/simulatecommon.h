#pragma once

#include "core/clock/virtualclock.h"
#include "core/events/eventsink.h"
#include "core/log/eventcodec.h"
#include "core/run/scenario.h"
#include "core/run/runresult.h"
#include "core/run/runsummaryjson.h"

#include <QSaveFile>

#include <QString>
#include <QStringList>

#include <optional>

namespace rwb::cli {

/// Options shared by `rwb simulate` and `rwb demo NAME`.
struct SimulateArgs {
    QStringList positional;
    std::optional<std::uint64_t> seed;
    QString out;
    bool json = false;
    bool series = false; ///< --series: the JSON summary carries the per-second series
    bool help = false;
};

bool parseSimulateArgs(const QStringList& args, SimulateArgs& out, QString& error, bool needsFile);
/// Runs the scenario, writes events to args.out when set, prints the summary. Returns an exit code.
int simulateAndReport(const Scenario& scenario, const SimulateArgs& args, const QString& command);
/// Where a run summary comes from, beyond the result itself.
struct RunProvenance {
    runjson::Source source = runjson::Source::Simulation;
    bool eventsWritten = false;              ///< the events went to args.out
    const std::vector<Event>* keyEvents = nullptr; ///< transitions and fault changes (exact time to detect)
};
/// The summary part of simulateAndReport (table, or the run summary JSON of docs/run-format.md with
/// args.json); also used by `rwb live`.
void printRunSummary(const Scenario& scenario, const RunResult& result, const SimulateArgs& args,
    const RunProvenance& provenance);

/// Encodes events as JSONL into a QSaveFile, so a failed or interrupted run leaves no half file.
/// `originUtcMs` is the wall-clock time of t = 0 (a simulation's fixed origin, or a live run's start).
class JsonlFileSink final : public EventSink {
public:
    explicit JsonlFileSink(const QString& path, qint64 originUtcMs = VirtualClock::kDefaultOriginUtcMs)
        : m_file(path), m_origin(originUtcMs) { }
    /// Opens the file and writes the run-start line (engine time zero, for exact replays).
    bool open(const QString& scenario, std::uint64_t seed)
    {
        if (!m_file.open(QIODevice::WriteOnly))
            return false;
        eventcodec::encodeRunStarted(m_origin, scenario, seed, m_buffer);
        return true;
    }
    void onEvent(const Event& event) override
    {
        eventcodec::encode(event, m_origin + event.time.time_since_epoch().count() / 1000000, m_buffer);
        if (m_buffer.size() >= (1 << 20))
            flushBuffer();
    }
    bool commit()
    {
        flushBuffer();
        return m_ok && m_file.commit();
    }
    QString errorString() const { return m_file.errorString(); }

private:
    void flushBuffer()
    {
        if (!m_buffer.isEmpty() && m_file.write(m_buffer) != m_buffer.size())
            m_ok = false;
        m_buffer.clear();
    }
    QSaveFile m_file;
    QByteArray m_buffer;
    qint64 m_origin;
    bool m_ok = true;
};

} // namespace rwb::cli
