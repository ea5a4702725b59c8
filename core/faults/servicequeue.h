#pragma once

#include "core/common/time.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace rwb {

/// In which order waiting requests are taken by a free worker.
enum class QueueDiscipline : std::uint8_t {
    Fifo,         ///< oldest first
    Lifo,         ///< newest first: under overload the newest (least likely given up) requests are served
    AdaptiveLifo, ///< FIFO while the queue drains, LIFO once it has stayed non-empty for the congestion interval
};

/// Controlled delay, after the queue management many large services run in front of their workers:
/// a request that waited longer than `interval` is dropped; once the queue has not been empty for a
/// whole `interval` (a standing queue: the service is overloaded), the bound tightens to `target`.
struct CoDel {
    Duration target = 5ms;
    Duration interval = 100ms;
    friend bool operator==(const CoDel&, const CoDel&) = default;
};

/// The shape of a service's waiting room, as the queue needs it. Unlimited when workers is 0.
struct QueueShape {
    int workers = 0;       ///< requests served at once (c)
    int waitingRoom = 0;   ///< requests that may wait for a worker (K - c)
    QueueDiscipline discipline = QueueDiscipline::Fifo;
    Duration queueTimeout {}; ///< drop a request that waited longer than this (0: never), unless `codel` is set
    std::optional<CoDel> codel;
};

/// The workers and waiting room of one service: a work-conserving multi-server queue (c workers, a
/// waiting room of K - c places), with FIFO, LIFO or adaptive-LIFO order and optional queue timeouts.
///
/// Decisions only, no clock and no timers: the executor says when requests arrive, when a worker is
/// done, when a client abandons a waiting request; the queue answers which request a free worker takes
/// next and which waited too long. Requests are the executor's own small ids (Job). Every call takes
/// the shape in force (a fault schedule may change it over time).
///
/// Also integrates, over time, the number of busy workers and of requests in the system (waiting +
/// in service), so executors can report utilisation and, through Little's law, check mean latency.
/// Not thread-safe.
class ServiceQueue final {
public:
    using Job = std::uint32_t;
    using Ticket = std::uint64_t; ///< names a waiting request, for abandon()

    enum class Admission : std::uint8_t {
        Start,  ///< a worker took it now
        Wait,   ///< it waits; `ticket` names it
        Refuse, ///< no worker and no room: the executor refuses it
    };
    struct Pick {
        enum class Kind : std::uint8_t { None, Start, Drop } kind = Kind::None;
        Job job = 0;
        Duration waited {};
    };

    /// A request arrives at `now`. Start: a worker was free (and nobody waits); Wait: queued, `*ticket` set.
    Admission arrive(TimePoint now, Job job, const QueueShape& shape, Ticket* ticket);
    /// A request arrives at `now` and takes a free worker: arrive() when hasFreeWorker() said so (inline, as
    /// nearly every request of a service with free workers comes this way).
    void start(TimePoint now) noexcept
    {
        advance(now);
        ++m_busy;
    }
    /// A worker is free again (its request finished, hung up or was cancelled).
    void release(TimePoint now) noexcept
    {
        advance(now);
        if (m_busy > 0)
            --m_busy;
    }
    /// What a free worker does next. Start: it took `job`. Drop: `job` waited longer than the queue allows
    /// and is refused without service; call again. None: no free worker, or nobody waits.
    Pick pick(TimePoint now, const QueueShape& shape);
    /// The client of a waiting request gave up and the service learns of it: the request leaves the
    /// queue. False when `ticket` no longer names `job` waiting (already taken or dropped).
    bool abandon(TimePoint now, Ticket ticket, Job job);

    /// Would a request arriving now be served at once (a worker free and nobody waiting)?
    bool hasFreeWorker(const QueueShape& shape) const noexcept
    {
        return shape.workers <= 0 || (m_busy < shape.workers && m_live == 0);
    }
    int busy() const noexcept { return m_busy; }
    std::uint32_t waiting() const noexcept { return m_live; }
    std::uint32_t inSystem() const noexcept { return std::uint32_t(m_busy) + m_live; }
    /// Integrals up to the last call: worker-nanoseconds busy, request-nanoseconds in the system.
    double busyArea() const noexcept { return m_busyArea; }
    double systemArea() const noexcept { return m_systemArea; }
    /// Brings the integrals up to `now` (call at the end of a run).
    void advance(TimePoint now) noexcept
    {
        const std::int64_t t = now.time_since_epoch().count();
        if (t > m_lastNs) {
            const double dt = double(t - m_lastNs);
            m_busyArea += double(m_busy) * dt;
            m_systemArea += double(std::uint32_t(m_busy) + m_live) * dt;
            m_lastNs = t;
        }
    }

private:
    struct Entry {
        Job job = 0;
        bool alive = false;
        std::int64_t enqueuedNs = 0;
    };
    bool congested(std::int64_t nowNs, const QueueShape& shape) const noexcept;
    Entry& at(std::uint64_t position) noexcept { return m_ring[position & (m_ring.size() - 1)]; }
    void grow();
    void trim() noexcept;

    std::vector<Entry> m_ring = std::vector<Entry>(16); // power-of-two ring over absolute positions
    std::uint64_t m_head = 0; // [m_head, m_tail): queued entries, dead ones included
    std::uint64_t m_tail = 0;
    std::uint32_t m_live = 0; // alive entries
    int m_busy = 0;
    std::int64_t m_lastEmptyNs = 0;
    std::int64_t m_lastNs = 0;
    double m_busyArea = 0;
    double m_systemArea = 0;
};

} // namespace rwb
