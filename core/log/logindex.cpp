#include "core/log/logindex.h"

#include "core/common/iso8601.h"
#include "core/common/threadpriority.h"
#include "core/log/jsonscan.h"
#include "core/log/logindex_p.h"
#include "core/log/logindexcache.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QThread>
#include <QTimer>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

namespace rwb {

using namespace logindex_detail;

// ---------------------------------------------------------------------------------------------
// Dictionary

namespace logindex_detail {

bool MappedFile::map(qint64 bytes)
{
    size = bytes;
    if (bytes <= 0)
        return true;
    data = reinterpret_cast<const char*>(file.map(0, bytes));
    if (!data)
        return false;
    guard = std::make_unique<MapGuard>(data, std::size_t(bytes));
    return true;
}

qint64 MappedFile::intactBytes() const noexcept
{
    qint64 intact = guard ? qint64(guard->intactBytes()) : size;
    // A file cut to a size inside a page reads zeros up to that page's end without any fault.
    struct stat st { };
    if (::fstat(file.handle(), &st) == 0)
        intact = std::min<qint64>(intact, st.st_size);
    return intact;
}

MappedFile::~MappedFile()
{
    guard.reset(); // no longer ours to answer for once unmapped
    if (data)
        file.unmap(reinterpret_cast<uchar*>(const_cast<char*>(data)));
}

namespace {

// Dictionary keys are short (agents, events, task ids): eight bytes per multiply beats the library's
// general string hash, which cost more than the scan of the key itself. Only the slot depends on it.
std::size_t slotHash(std::string_view s) noexcept
{
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = s.size() * kMul;
    const char* p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * kMul;
        h ^= h >> 29;
    }
    std::uint64_t tail = 0;
    if (n >= 4) { // the first and the last four bytes, overlapping
        std::uint32_t first, last;
        std::memcpy(&first, p, 4);
        std::memcpy(&last, p + n - 4, 4);
        tail = std::uint64_t(first) << 32 | last;
    } else {
        for (std::size_t i = 0; i < n; ++i)
            tail |= std::uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    h = (h ^ tail) * kMul;
    return std::size_t(h ^ (h >> 32));
}

} // namespace

Dictionary::Dictionary()
{
    m_entries.emplace_back();
    m_table.assign(64, 0);
}

std::string_view Dictionary::store(std::string_view s)
{
    if (s.empty())
        return {};
    if (!m_blocks.empty() && m_blockUsed + s.size() <= m_blockSize) {
        char* at = m_blocks.back().get() + m_blockUsed;
        std::memcpy(at, s.data(), s.size());
        m_blockUsed += s.size();
        return { at, s.size() };
    }
    m_blockSize = std::max<std::size_t>(64 * 1024, s.size());
    m_blocks.push_back(std::make_unique<char[]>(m_blockSize));
    std::memcpy(m_blocks.back().get(), s.data(), s.size());
    m_blockUsed = s.size();
    return { m_blocks.back().get(), s.size() };
}

void Dictionary::grow()
{
    std::vector<std::uint32_t> table(m_table.size() * 2, 0);
    const std::size_t mask = table.size() - 1;
    for (std::uint32_t id = 1; id < m_entries.size(); ++id) {
        std::size_t slot = slotHash(m_entries[id]) & mask;
        while (table[slot])
            slot = (slot + 1) & mask;
        table[slot] = id + 1;
    }
    m_table.swap(table);
}

std::optional<std::uint32_t> Dictionary::find(std::string_view s) const
{
    if (s.empty())
        return 0;
    const std::size_t mask = m_table.size() - 1;
    std::size_t slot = slotHash(s) & mask;
    while (const std::uint32_t v = m_table[slot]) {
        if (m_entries[v - 1] == s)
            return v - 1;
        slot = (slot + 1) & mask;
    }
    return std::nullopt;
}

std::uint32_t Dictionary::intern(std::string_view s)
{
    if (s.empty())
        return 0;
    std::size_t mask = m_table.size() - 1;
    std::size_t slot = slotHash(s) & mask;
    while (const std::uint32_t v = m_table[slot]) {
        const std::string_view entry = m_entries[v - 1];
        if (entry.size() == s.size() && jsonscan::sameBytes(entry.data(), s.data(), s.size()))
            return v - 1;
        slot = (slot + 1) & mask;
    }
    const auto id = std::uint32_t(m_entries.size());
    m_entries.push_back(store(s));
    m_table[slot] = id + 1;
    if (m_entries.size() * 2 > m_table.size())
        grow();
    return id;
}

std::size_t Dictionary::memoryBytes() const noexcept
{
    return m_blocks.size() * m_blockSize + m_entries.capacity() * sizeof(std::string_view) + m_table.capacity() * 4;
}

} // namespace logindex_detail

// ---------------------------------------------------------------------------------------------
// LogSnapshot

LogSnapshot::LogSnapshot() = default;
LogSnapshot::~LogSnapshot() = default;
LogSnapshot::LogSnapshot(const LogSnapshot&) = default;
LogSnapshot& LogSnapshot::operator=(const LogSnapshot&) = default;

namespace {

struct Located {
    const Chunk* chunk = nullptr;
    std::size_t i = 0;
};

Located locate(const std::vector<std::shared_ptr<const Chunk>>& chunks, qint64 row)
{
    auto it = std::upper_bound(chunks.begin(), chunks.end(), row,
        [](qint64 r, const std::shared_ptr<const Chunk>& c) { return r < c->firstRow; });
    if (it == chunks.begin())
        return {};
    const Chunk* c = (it - 1)->get();
    const auto i = std::size_t(row - c->firstRow);
    if (i >= c->size())
        return {};
    return { c, i };
}

LogRow makeRow(const Chunk& c, std::size_t i, const char* data)
{
    LogRow r;
    r.offset = c.lineStart(i);
    r.length = c.lineEnd(i, data) - r.offset;
    r.timestampMs = c.ts[i];
    r.level = LogLevel(c.level[i]);
    r.agentId = c.agent[i];
    r.taskId = c.task[i];
    r.eventId = c.event[i];
    r.flags = c.flags[i];
    return r;
}

QString nameOf(const State* state, const Dictionary State::*dict, std::uint32_t id)
{
    if (!state)
        return {};
    std::shared_lock lock(state->lock);
    const auto n = (state->*dict).name(id);
    return QString::fromUtf8(n.data(), qsizetype(n.size()));
}

std::optional<std::uint32_t> idOf(const State* state, const Dictionary State::*dict, QByteArrayView utf8)
{
    if (!state)
        return std::nullopt;
    std::shared_lock lock(state->lock);
    return (state->*dict).find(std::string_view(utf8.data(), std::size_t(utf8.size())));
}

} // namespace

LogRow LogSnapshot::row(RowIndex index) const
{
    const Located at = locate(m_chunks, index.value);
    return at.chunk ? makeRow(*at.chunk, at.i, m_file->data) : LogRow {};
}

QByteArrayView LogSnapshot::line(RowIndex index) const
{
    const Located at = locate(m_chunks, index.value);
    if (!at.chunk)
        return {};
    const qint64 s = at.chunk->lineStart(at.i);
    return QByteArrayView(m_file->data + s, at.chunk->lineEnd(at.i, m_file->data) - s);
}

const char* LogSnapshot::data() const noexcept
{
    return m_file ? m_file->data : nullptr;
}
bool LogSnapshot::fileShrank() const noexcept
{
    return m_file && m_file->intactBytes() < m_file->size;
}
qint64 LogSnapshot::intactBytes() const noexcept
{
    return m_file ? m_file->intactBytes() : 0;
}

QString LogSnapshot::agentName(std::uint32_t id) const
{
    return nameOf(m_state.get(), &State::agents, id);
}
namespace {
QString taskNameOf(const State* state, std::uint32_t id)
{
    if (!state)
        return {};
    std::shared_lock lock(state->lock);
    return QString::fromStdString(state->taskName(id));
}
} // namespace

QString LogSnapshot::taskName(std::uint32_t id) const
{
    return taskNameOf(m_state.get(), id);
}
QString LogSnapshot::eventName(std::uint8_t id) const
{
    return nameOf(m_state.get(), &State::events, id);
}
std::optional<std::uint32_t> LogSnapshot::agentId(QByteArrayView utf8) const
{
    return idOf(m_state.get(), &State::agents, utf8);
}
std::optional<std::uint32_t> LogSnapshot::taskId(QByteArrayView utf8) const
{
    if (!m_state)
        return std::nullopt;
    std::shared_lock lock(m_state->lock);
    return m_state->findTask(std::string_view(utf8.data(), std::size_t(utf8.size())));
}
std::optional<std::uint8_t> LogSnapshot::eventId(QByteArrayView utf8) const
{
    const auto id = idOf(m_state.get(), &State::events, utf8);
    if (!id || *id >= 255)
        return std::nullopt;
    return std::uint8_t(*id);
}

const FieldMapping& LogSnapshot::mapping() const
{
    static const FieldMapping kDefault;
    return m_state ? m_state->mapping : kDefault;
}

// ---------------------------------------------------------------------------------------------
// Line scanning

namespace {

constexpr std::size_t kMaxMalformedReported = 100;

struct ChunkStats {
    qint64 blank = 0;
    qint64 malformed = 0;
    qint64 invalidUtf8 = 0;
    std::vector<qint64> firstMalformed; // local row indexes
    qint64 minTime = LogRow::kNoTime;
    qint64 maxTime = LogRow::kNoTime;
    qint64 perLevel[7] {};
    std::vector<qint64> perAgent; // by local agent id
    bool crlf = false;
};

std::uint32_t internValue(Dictionary& dict, const jsonscan::Value& v, QByteArray& scratch);

struct WorkChunk {
    std::shared_ptr<Chunk> chunk;
    ChunkStats stats;
    Dictionary agents, tasks, events; // local ids; remapped on publish
    std::vector<std::string_view> taskPrefixes; // local prefix indexes of inline task ids
};

std::uint32_t internTask(WorkChunk& w, const jsonscan::Value& v, QByteArray& scratch)
{
    if (v.type == jsonscan::Type::String && !v.escaped) {
        std::string_view prefix;
        std::uint32_t number = 0;
        if (taskcode::split(v.raw(), prefix, number)) {
            auto& prefixes = w.taskPrefixes;
            for (std::size_t i = 0; i < prefixes.size(); ++i)
                if (prefixes[i] == prefix)
                    return taskcode::make(i, number);
            if (prefixes.size() < taskcode::kMaxPrefixes) {
                prefixes.push_back(prefix);
                return taskcode::make(prefixes.size() - 1, number);
            }
        }
    }
    return internValue(w.tasks, v, scratch);
}

/// The compiled mapping used by the scanner.
struct Scanner {
    jsonscan::PathSet paths;
    int iTs = -1, iLevel = -1, iAgent = -1, iTask = -1, iEvent = -1;
    TimeEncoding timeEncoding = TimeEncoding::Iso8601;
    LogLevel missingLevel = LogLevel::Unknown;

    bool checkUtf8 = true;

    explicit Scanner(const FieldMapping& m, const ScanColumns& columns = {})
        : timeEncoding(m.timeEncoding)
        , missingLevel(m.missingLevel)
        , checkUtf8(columns.utf8)
    {
        if (columns.timestamp)
            iTs = paths.add(m.timestampKey);
        if (columns.level)
            iLevel = paths.add(m.levelKey);
        if (columns.agent)
            iAgent = paths.add(m.agentKey);
        if (columns.task)
            iTask = paths.add(m.taskKey);
        if (columns.event)
            iEvent = paths.add(m.eventKey);
    }
};

/// Consecutive lines mostly share their timestamp up to the milliseconds
/// ("2026-01-03T15:30:00.123+00:00"): when only the three digits after the seconds' point changed
/// since the last timestamp read, the time is the last one plus the difference, without parsing.
class TimestampMemo {
public:
    std::optional<qint64> parse(std::string_view text)
    {
        if (m_known && text.size() == m_text.size() && isMillis(text)
            && std::memcmp(text.data(), m_text.data(), kMillisAt) == 0
            && std::memcmp(text.data() + kMillisAt + 3, m_text.data() + kMillisAt + 3, text.size() - kMillisAt - 3)
                == 0)
            return m_time + (millis(text) - millis(m_text));
        const auto t = iso8601::parseTimestamp(QByteArrayView(text.data(), qsizetype(text.size())));
        m_known = t && isMillis(text);
        if (m_known) {
            m_text.assign(text);
            m_time = *t;
        }
        return t;
    }

private:
    static constexpr std::size_t kMillisAt = 20; // "YYYY-MM-DDTHH:MM:SS." is 20 bytes
    static bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
    static bool isMillis(std::string_view t) noexcept
    {
        return t.size() >= kMillisAt + 3 && (t[kMillisAt - 1] == '.' || t[kMillisAt - 1] == ',') && digit(t[kMillisAt])
            && digit(t[kMillisAt + 1]) && digit(t[kMillisAt + 2]);
    }
    static qint64 millis(std::string_view t) noexcept
    {
        return (t[kMillisAt] - '0') * 100 + (t[kMillisAt + 1] - '0') * 10 + (t[kMillisAt + 2] - '0');
    }
    bool m_known = false;
    std::string m_text;
    qint64 m_time = 0;
};

qint64 timeFrom(const jsonscan::Value& v, TimeEncoding enc, TimestampMemo& memo)
{
    using jsonscan::Type;
    if (v.type == Type::String) {
        if (auto t = memo.parse(v.raw()))
            return *t;
    }
    double d = 0;
    if ((v.type == Type::Number || v.type == Type::String) && jsonscan::toDouble(v, &d) && std::isfinite(d)) {
        bool seconds = enc == TimeEncoding::EpochSeconds;
        if (enc == TimeEncoding::Iso8601)
            seconds = std::fabs(d) < 1e11; // a bare number in an ISO dialect: guess by magnitude
        const double ms = seconds ? d * 1000.0 : d;
        if (std::fabs(ms) < 9.2e18)
            return qint64(std::llround(ms));
    }
    return LogRow::kNoTime;
}

std::uint32_t internValue(Dictionary& dict, const jsonscan::Value& v, QByteArray& scratch)
{
    using jsonscan::Type;
    if (v.type == Type::String && !v.escaped)
        return dict.intern(v.raw());
    if (v.type == Type::String || v.type == Type::Number || v.type == Type::True || v.type == Type::False) {
        scratch.clear();
        jsonscan::appendText(v, scratch);
        return dict.intern(std::string_view(scratch.constData(), std::size_t(scratch.size())));
    }
    return 0;
}

void scanChunk(const char* data, qint64 begin, qint64 end, bool lastIsFileEnd, const Scanner& sc, WorkChunk& w,
    const std::atomic_bool& cancel, std::atomic<qint64>& bytesDone)
{
    Chunk& c = *w.chunk;
    c.base = begin;
    c.end = end;
    const std::size_t estimate = std::size_t((end - begin) / 96 + 16);
    c.rel.reserve(estimate);
    c.ts.reserve(estimate);
    c.level.reserve(estimate);
    c.flags.reserve(estimate);
    c.event.reserve(estimate);
    c.agent.reserve(estimate);
    c.task.reserve(estimate);
    QByteArray scratch;
    TimestampMemo timestamps;
    jsonscan::Value v[jsonscan::PathSet::kMaxPaths];
    const char* p = data + begin;
    const char* const stop = data + end;
    qint64 reported = begin;
    while (p < stop) {
        // With the UTF-8 check, one pass finds the newline and any byte above 0x7F (only then is the
        // line checked); without it, memchr() is faster.
        bool nonAscii = true;
        const char* nl = nullptr;
        if (sc.checkUtf8) {
            nl = jsonscan::findLineEnd(p, stop, &nonAscii);
            if (nl == stop)
                nl = nullptr;
        } else {
            nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(stop - p)));
        }
        const char* e = nl ? nl : stop;
        const char* next = nl ? nl + 1 : stop;
        if (e > p && e[-1] == '\r') {
            --e;
            w.stats.crlf = true;
        }
        const std::size_t row = c.rel.size();
        c.rel.push_back(std::uint32_t(p - (data + begin)));
        std::uint8_t flags = 0;
        qint64 ts = LogRow::kNoTime;
        LogLevel level = LogLevel::Unknown;
        std::uint32_t agent = 0, task = 0, event = 0;

        const char* first = jsonscan::skipWs(p, e);
        if (first == e) {
            flags |= LogRow::Blank;
            ++w.stats.blank;
        } else {
            if (e - p > LogIndex::kHugeLine)
                flags |= LogRow::Huge;
            const auto result = sc.paths.extract(p, e, v);
            if (result == jsonscan::PathSet::Result::Malformed) {
                flags |= LogRow::Malformed;
                if (!nl && lastIsFileEnd)
                    flags |= LogRow::Truncated;
                ++w.stats.malformed;
                if (w.stats.firstMalformed.size() < kMaxMalformedReported)
                    w.stats.firstMalformed.push_back(qint64(row));
            }
            // Whatever could be read before the damage is still indexed.
            if (sc.iTs >= 0 && v[sc.iTs].found())
                ts = timeFrom(v[sc.iTs], sc.timeEncoding, timestamps);
            if (sc.iLevel >= 0 && v[sc.iLevel].found()) {
                const auto& lv = v[sc.iLevel];
                std::optional<LogLevel> parsed;
                if (lv.type == jsonscan::Type::Number) {
                    double d = 0;
                    if (jsonscan::toDouble(lv, &d))
                        parsed = logLevelFromNumber(d);
                } else if (lv.type == jsonscan::Type::String) {
                    parsed = parseLogLevel(QByteArrayView(lv.begin, lv.end - lv.begin));
                }
                level = parsed.value_or(LogLevel::Unknown);
            } else if (sc.iLevel >= 0 && result != jsonscan::PathSet::Result::Malformed) {
                level = sc.missingLevel;
            }
            if (sc.iAgent >= 0)
                agent = internValue(w.agents, v[sc.iAgent], scratch);
            if (sc.iTask >= 0)
                task = internTask(w, v[sc.iTask], scratch);
            if (sc.iEvent >= 0)
                event = internValue(w.events, v[sc.iEvent], scratch);
            if (sc.checkUtf8 && nonAscii && !jsonscan::isValidUtf8(p, std::size_t(e - p))) {
                flags |= LogRow::InvalidUtf8;
                ++w.stats.invalidUtf8;
            }
        }
        c.ts.push_back(ts);
        c.level.push_back(std::uint8_t(level));
        c.flags.push_back(flags);
        c.agent.push_back(agent);
        c.task.push_back(task);
        c.event.push_back(std::uint8_t(std::min<std::uint32_t>(event, 255)));
        if (!(flags & LogRow::Blank)) {
            ++w.stats.perLevel[std::size_t(level)];
            if (ts != LogRow::kNoTime) {
                if (w.stats.minTime == LogRow::kNoTime || ts < w.stats.minTime)
                    w.stats.minTime = ts;
                if (w.stats.maxTime == LogRow::kNoTime || ts > w.stats.maxTime)
                    w.stats.maxTime = ts;
            }
            if (agent >= w.stats.perAgent.size())
                w.stats.perAgent.resize(agent + 1, 0);
            ++w.stats.perAgent[agent];
        }
        p = next;
        if ((row & 4095) == 4095) {
            if (cancel.load(std::memory_order_relaxed))
                break;
            const qint64 at = p - data;
            bytesDone.fetch_add(at - reported, std::memory_order_relaxed);
            reported = at;
        }
    }
    bytesDone.fetch_add((p - data) - reported, std::memory_order_relaxed);
    for (auto* vec : { &c.level, &c.flags, &c.event })
        vec->shrink_to_fit();
    c.rel.shrink_to_fit();
    c.ts.shrink_to_fit();
    c.agent.shrink_to_fit();
    c.task.shrink_to_fit();
}

} // namespace

void logindex_detail::indexLines(const char* data, qint64 begin, qint64 end, bool lastIsFileEnd,
    const ScanColumns& columns, Chunk& chunk, State& state)
{
    WorkChunk w;
    w.chunk = std::shared_ptr<Chunk>(&chunk, [](Chunk*) {}); // the caller owns it
    const Scanner scanner(state.mapping, columns);
    const std::atomic_bool never { false };
    std::atomic<qint64> bytes { 0 };
    scanChunk(data, begin, end, lastIsFileEnd, scanner, w, never, bytes);
    state.agents = std::move(w.agents);
    state.tasks = std::move(w.tasks);
    state.events = std::move(w.events);
    state.taskPrefixes.assign(w.taskPrefixes.begin(), w.taskPrefixes.end());
}

namespace {

qint64 inodeOf(const QString& path)
{
    struct stat st { };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return qint64(st.st_ino);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// LogIndex

struct LogIndex::Private {
    LogIndex* q = nullptr;
    QString path;
    Options options;
    qint64 inode = -1;
    bool hadBom = false;

    // Guarded by `publishLock` (workers) and read under `state->lock` shared by readers.
    mutable std::shared_mutex listLock; ///< guards chunks, file, stats, indexedTo
    std::vector<std::shared_ptr<const Chunk>> chunks;
    std::shared_ptr<const MappedFile> file;
    std::shared_ptr<State> state;
    std::atomic<qint64> rows { 0 };
    qint64 indexedTo = 0; ///< bytes covered by published chunks
    LogStats stats;
    std::vector<qint64> perAgent; // by global agent id

    // Current pass
    std::mutex publishLock;
    std::vector<std::thread> workers;
    std::vector<WorkChunk*> pending; // owned until published
    std::vector<qint64> starts; // chunk start offsets; starts[K] = pass end
    std::size_t nextPublish = 0;
    std::atomic<std::size_t> nextTake { 0 };
    std::atomic<int> active { 0 };
    std::atomic<qint64> passBytes { 0 };
    std::atomic<qint64> bytesDone { 0 };
    std::atomic_bool cancel { false };
    std::atomic_bool cancelled { false };
    std::atomic_bool shrank { false }; ///< a pass of the current file ended early: the file got shorter
    std::atomic_bool indexing { false };
    std::atomic_bool notifyPending { false };
    std::unique_ptr<Scanner> scanner;
    bool lastIsFileEnd = false;

    QTimer followTimer;

    // The persistent cache
    QString cacheFile;
    std::atomic<CacheUse> cacheUse { CacheUse::None };
    QString cacheNote; ///< guarded by listLock (the pass that loads the cache writes it)
    bool saveAfterPass = false; ///< written before a pass starts its workers, read by its last worker
    /// The next pass loads the cache first, on its own thread: reading a cache of a large log takes
    /// tens of milliseconds, which the owner (the GUI thread) must not wait for.
    bool loadCacheInPass = false;
    void saveCache();
    bool loadCache();

    void join()
    {
        for (auto& t : workers)
            if (t.joinable())
                t.join();
        workers.clear();
        for (auto* w : pending)
            delete w;
        pending.clear();
    }

    void publishLocked(WorkChunk& w);
    void planPass(qint64 from);
    void workerLoop();
    void enterWorkerThread() const
    {
        if (options.background)
            lowerThisThreadPriority();
    }
    void notify();
};

void LogIndex::Private::notify()
{
    if (notifyPending.exchange(true))
        return;
    QMetaObject::invokeMethod(
        q,
        [this] {
            notifyPending = false;
            emit q->rowsAvailable(rows.load());
            emit q->progressChanged(q->progress());
        },
        Qt::QueuedConnection);
}

void LogIndex::Private::publishLocked(WorkChunk& w)
{
    Chunk& c = *w.chunk;
    // Local dictionary ids -> global ids.
    std::vector<std::uint32_t> agentMap(w.agents.size()), taskMap(w.tasks.size()), eventMap(w.events.size());
    int prefixMap[taskcode::kMaxPrefixes];
    bool overflow = false; // a prefix found no room among the file's inline prefixes
    {
        std::unique_lock lock(state->lock);
        for (std::uint32_t i = 0; i < w.agents.size(); ++i)
            agentMap[i] = state->agents.intern(w.agents.name(i));
        for (std::uint32_t i = 0; i < w.tasks.size(); ++i)
            taskMap[i] = state->tasks.intern(w.tasks.name(i));
        for (std::uint32_t i = 0; i < w.events.size(); ++i)
            eventMap[i] = std::min<std::uint32_t>(state->events.intern(w.events.name(i)), 255);
        auto& prefixes = state->taskPrefixes;
        for (std::size_t i = 0; i < w.taskPrefixes.size(); ++i) {
            const auto it = std::find(prefixes.begin(), prefixes.end(), w.taskPrefixes[i]);
            if (it != prefixes.end()) {
                prefixMap[i] = int(it - prefixes.begin());
            } else if (prefixes.size() < taskcode::kMaxPrefixes) {
                prefixes.emplace_back(w.taskPrefixes[i]);
                prefixMap[i] = int(prefixes.size() - 1);
            } else {
                prefixMap[i] = -1;
                overflow = true;
            }
        }
        if (overflow) {
            // Spell those values out and intern them like any other string.
            std::string name;
            for (auto& t : c.task) {
                if (taskcode::isInline(t) && prefixMap[taskcode::prefixOf(t)] < 0) {
                    name.assign(w.taskPrefixes[taskcode::prefixOf(t)]);
                    name += std::to_string(t & taskcode::kNumberMask);
                    t = state->tasks.intern(name) | 0x40000000u; // marked: already global
                }
            }
        }
    }
    for (auto& a : c.agent)
        a = agentMap[a];
    for (auto& t : c.task) {
        if (taskcode::isInline(t))
            t = taskcode::make(std::size_t(prefixMap[taskcode::prefixOf(t)]), t & taskcode::kNumberMask);
        else if (t & 0x40000000u)
            t &= ~0x40000000u;
        else
            t = taskMap[t];
    }
    for (auto& ev : c.event)
        ev = std::uint8_t(ev == 255 ? 255 : eventMap[ev]);

    std::unique_lock lock(listLock);
    c.firstRow = rows.load();
    stats.lines += qint64(c.size());
    stats.blankLines += w.stats.blank;
    stats.malformedLines += w.stats.malformed;
    stats.invalidUtf8Lines += w.stats.invalidUtf8;
    stats.crlf = stats.crlf || w.stats.crlf;
    for (qint64 local : w.stats.firstMalformed)
        if (stats.firstMalformed.size() < kMaxMalformedReported)
            stats.firstMalformed.push_back(toLineNumber(RowIndex(c.firstRow + local)));
    if (w.stats.minTime != LogRow::kNoTime && (stats.minTimeMs == LogRow::kNoTime || w.stats.minTime < stats.minTimeMs))
        stats.minTimeMs = w.stats.minTime;
    if (w.stats.maxTime != LogRow::kNoTime && (stats.maxTimeMs == LogRow::kNoTime || w.stats.maxTime > stats.maxTimeMs))
        stats.maxTimeMs = w.stats.maxTime;
    for (int i = 0; i < 7; ++i)
        stats.perLevel[i] += w.stats.perLevel[i];
    for (std::size_t local = 0; local < w.stats.perAgent.size(); ++local) {
        const std::uint32_t g = agentMap[local];
        if (g >= perAgent.size())
            perAgent.resize(g + 1, 0);
        perAgent[g] += w.stats.perAgent[local];
    }
    indexedTo = c.end;
    chunks.push_back(std::move(w.chunk));
    rows.store(c.firstRow + qint64(c.size()));
}

void LogIndex::Private::workerLoop()
{
    const std::size_t count = starts.size() - 1;
    while (!cancel.load()) {
        const std::size_t k = nextTake.fetch_add(1);
        if (k >= count)
            break;
        auto* w = new WorkChunk;
        w->chunk = std::make_shared<Chunk>();
        // Chunk k starts at the first line starting at or after its nominal start.
        auto lineStartAt = [this](std::size_t i) {
            if (i == 0 || i == starts.size() - 1)
                return starts[i];
            const qint64 nominal = starts[i];
            const char* d = file->data;
            const auto* nl = static_cast<const char*>(
                std::memchr(d + nominal - 1, '\n', std::size_t(starts.back() - (nominal - 1))));
            return nl ? qint64(nl - d) + 1 : starts.back();
        };
        const qint64 b = lineStartAt(k);
        const qint64 e = std::max(b, lineStartAt(k + 1));
        scanChunk(file->data, b, e, lastIsFileEnd && k + 1 == count, *scanner, *w, cancel, bytesDone);
        if (e > file->intactBytes()) {
            // The file got shorter under the map: this chunk may hold zeros instead of lines. Keep the
            // chunks before it and end the pass.
            shrank = true;
            cancel = true;
        }
        if (cancel.load()) {
            delete w;
            break;
        }
        std::lock_guard lock(publishLock);
        pending[k] = w;
        while (nextPublish < count && pending[nextPublish]) {
            publishLocked(*pending[nextPublish]);
            delete pending[nextPublish];
            pending[nextPublish] = nullptr;
            ++nextPublish;
        }
        notify();
    }
    if (active.fetch_sub(1) == 1) {
        if (cancel.load() && !shrank.load())
            cancelled = true;
        if (saveAfterPass && !cancel.load())
            saveCache();
        indexing = false;
        notify();
        QMetaObject::invokeMethod(
            q, [this] { emit q->finished(); }, Qt::QueuedConnection);
    }
}

bool LogIndex::Private::loadCache()
{
    IndexImage image;
    QString note;
    const CacheLoad load = loadIndexImage(cacheFile, path, *file, options.format, image, &note);
    // Follow mode indexes complete lines only: a cached half-written last line would stay half.
    const bool partialLast
        = load == CacheLoad::Loaded && image.indexedTo > 0 && file->data[image.indexedTo - 1] != '\n';
    std::unique_lock lock(listLock);
    cacheNote = note;
    if (load == CacheLoad::Loaded && !(options.follow && partialLast)) {
        cacheUse = image.indexedTo < file->size ? CacheUse::Extended : CacheUse::Loaded;
        saveAfterPass = cacheUse == CacheUse::Extended;
        state = std::move(image.state);
        chunks = std::move(image.chunks);
        rows = image.rows;
        indexedTo = image.indexedTo;
        stats = std::move(image.stats);
        perAgent = std::move(image.perAgent);
        return true;
    }
    cacheUse = load == CacheLoad::Missing ? CacheUse::Built : CacheUse::Rebuilt;
    if (partialLast)
        cacheNote = QStringLiteral("its last line was incomplete");
    saveAfterPass = true;
    return false;
}

void LogIndex::Private::saveCache()
{
    saveAfterPass = false;
    IndexImage image;
    std::shared_ptr<const MappedFile> mapped;
    {
        std::shared_lock lock(listLock);
        image.chunks = chunks;
        image.state = state;
        image.stats = stats;
        image.stats.hadBom = hadBom;
        image.perAgent = perAgent;
        image.indexedTo = indexedTo;
        image.rows = rows.load();
        mapped = file;
    }
    if (!mapped || mapped->intactBytes() < image.indexedTo)
        return;
    if (saveIndexImage(cacheFile, path, *mapped, image))
        LogIndexCache::trim(QFileInfo(cacheFile).absolutePath(), options.cacheMaxBytes);
}

LogIndex::LogIndex(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->state = std::make_shared<State>();
    connect(&d->followTimer, &QTimer::timeout, this, [this] { poll(); });
}

LogIndex::~LogIndex()
{
    close();
}

void LogIndex::close()
{
    d->followTimer.stop();
    d->cancel = true;
    d->join();
    std::unique_lock lock(d->listLock);
    d->chunks.clear();
    d->file.reset();
    d->state = std::make_shared<State>();
    d->rows = 0;
    d->indexedTo = 0;
    d->stats = LogStats {};
    d->perAgent.clear();
    d->path.clear();
    d->inode = -1;
    d->shrank = false;
    d->cacheFile.clear();
    d->cacheUse = CacheUse::None;
    d->cacheNote.clear();
    d->saveAfterPass = false;
    d->loadCacheInPass = false;
}

bool LogIndex::open(const QString& path, const Options& options, QString* error)
{
    close();
    auto file = std::make_shared<MappedFile>();
    file->file.setFileName(path);
    if (!file->file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot open: %2").arg(path, file->file.errorString());
        return false;
    }
    if (QFileInfo(path).isDir()) {
        if (error)
            *error = QStringLiteral("%1: is a directory").arg(path);
        return false;
    }
    if (!file->map(file->file.size())) {
        if (error)
            *error = QStringLiteral("%1: cannot memory-map: %2").arg(path, file->file.errorString());
        return false;
    }
    d->options = options;
    if (d->options.threads <= 0)
        d->options.threads = std::max(1, QThread::idealThreadCount());
    d->options.chunkBytes = std::max<qint64>(d->options.chunkBytes, 4096);
    d->path = path;
    d->inode = inodeOf(path);
    d->hadBom = file->size >= 3 && std::memcmp(file->data, "\xEF\xBB\xBF", 3) == 0;
    {
        const qint64 skip = d->hadBom ? 3 : 0;
        const LogFormat format = options.format == LogFormat::Auto && file->size > 0
            ? detectLogFormat(file->data + skip, std::size_t(file->size - skip))
            : options.format;
        std::unique_lock lock(d->listLock);
        d->state->mapping = FieldMapping::forFormat(format);
        d->indexedTo = skip;
        d->stats.hadBom = d->hadBom;
    }
    {
        std::unique_lock lock(d->listLock);
        d->file = std::move(file);
    }
    if (!options.cacheDirectory.isEmpty() && options.cacheMaxBytes > 0) {
        d->cacheFile = LogIndexCache::fileFor(options.cacheDirectory, path);
        if (options.cachedOnly) {
            // The caller needs the answer now (and is not a GUI: the CLI).
            if (!d->loadCache()) {
                close();
                if (error)
                    error->clear();
                return false;
            }
        } else {
            d->loadCacheInPass = true;
        }
    }
    startPass(d->indexedTo);
    if (options.follow)
        d->followTimer.start(std::max(10, options.followIntervalMs));
    return true;
}

void LogIndex::startPass(qint64 from)
{
    d->join();
    d->cancel = false;
    d->cancelled = false;
    d->bytesDone = 0;
    d->passBytes = 0;
    d->indexing = true;
    if (std::exchange(d->loadCacheInPass, false)) {
        // One thread loads the cache, then indexes what it does not hold with the other workers.
        d->workers.emplace_back([this] {
            d->enterWorkerThread();
            if (d->loadCache())
                d->notify();
            d->planPass(d->indexedTo);
            std::vector<std::thread> helpers;
            for (int i = 1; i < d->active.load(); ++i)
                helpers.emplace_back([this] {
                    d->enterWorkerThread();
                    d->workerLoop();
                });
            d->workerLoop();
            for (auto& t : helpers)
                t.join();
        });
        return;
    }
    d->planPass(from);
    for (int i = 0; i < d->active.load(); ++i)
        d->workers.emplace_back([this] {
            d->enterWorkerThread();
            d->workerLoop();
        });
}

/// Cuts [from, the end of the file) into chunks for the workers and sets how many will run.
void LogIndex::Private::planPass(qint64 from)
{
    const char* data = file->data;
    qint64 to = file->size;
    lastIsFileEnd = !options.follow;
    if (options.follow) {
        // The writer may be in the middle of the last line: stop after the last newline.
        while (to > from && data[to - 1] != '\n')
            --to;
    }
    starts.clear();
    starts.push_back(from);
    // A small first chunk, so the first rows are published within a few milliseconds.
    qint64 at = from + std::min<qint64>(256 * 1024, options.chunkBytes);
    // Chunks shrink toward the end of the pass (down to 1 MB), so that no worker is left scanning a
    // full-size last chunk alone while the others have nothing to take.
    const qint64 smallest = std::min<qint64>(1 << 20, options.chunkBytes);
    while (at < to) {
        starts.push_back(at);
        at += std::clamp<qint64>((to - at) / (4 * qint64(std::max(1, options.threads))), smallest, options.chunkBytes);
    }
    starts.push_back(to);
    if (to <= from)
        starts = { from, from };
    const std::size_t count = starts.size() - 1;
    pending.assign(count, nullptr);
    nextPublish = 0;
    nextTake = 0;
    passBytes = to - from;
    scanner = std::make_unique<Scanner>(state->mapping);
    active = int(std::min<std::size_t>(std::size_t(options.threads), count));
}

void LogIndex::cancel()
{
    d->cancel = true;
    d->join();
}

void LogIndex::waitForFinished()
{
    d->join();
}
bool LogIndex::isIndexing() const noexcept
{
    return d->indexing.load();
}
bool LogIndex::wasCancelled() const noexcept
{
    return d->cancelled.load();
}

double LogIndex::progress() const noexcept
{
    const qint64 total = d->passBytes.load();
    if (total <= 0)
        return d->indexing ? 0.0 : 1.0;
    return std::min(1.0, double(d->bytesDone.load()) / double(total));
}

bool LogIndex::poll()
{
    if (d->path.isEmpty() || d->indexing)
        return false;
    d->join();
    const QFileInfo info(d->path);
    if (!info.exists())
        return false; // rotated away, the new file is not there yet
    const qint64 size = info.size();
    const qint64 inode = inodeOf(d->path);
    qint64 indexedTo;
    {
        std::shared_lock lock(d->listLock);
        indexedTo = d->indexedTo;
    }
    if (inode != d->inode || size < indexedTo || d->shrank) {
        const QString path = d->path;
        const Options options = d->options;
        emit reset();
        return open(path, options);
    }
    if (size == d->file->size)
        return false;
    auto file = std::make_shared<MappedFile>();
    file->file.setFileName(d->path);
    if (!file->file.open(QIODevice::ReadOnly))
        return false;
    if (!file->map(size))
        return false;
    {
        std::unique_lock lock(d->listLock);
        d->file = std::move(file); // snapshots keep the previous map alive
    }
    startPass(indexedTo);
    return true;
}

QString LogIndex::path() const
{
    return d->path;
}
LogIndex::CacheUse LogIndex::cacheUse() const noexcept
{
    return d->cacheUse.load();
}
QString LogIndex::cacheNote() const
{
    std::shared_lock lock(d->listLock);
    return d->cacheNote;
}
qint64 LogIndex::rowCount() const noexcept
{
    return d->rows.load();
}

namespace {
// In follow mode the file may be truncated under the map (copytruncate rotation) before poll()
// notices; touching a page past the new end would raise SIGBUS. The GUI reads a few dozen rows per
// repaint through row()/line(), so one fstat per call closes most of that window cheaply.
bool stillMapped(const MappedFile& file, const Chunk& chunk)
{
    struct stat st { };
    return ::fstat(file.file.handle(), &st) == 0 && st.st_size >= chunk.end;
}
} // namespace

LogRow LogIndex::row(RowIndex index) const
{
    std::shared_lock lock(d->listLock);
    const Located at = locate(d->chunks, index.value);
    if (!at.chunk || (d->options.follow && !stillMapped(*d->file, *at.chunk)))
        return {};
    return makeRow(*at.chunk, at.i, d->file->data);
}

QByteArray LogIndex::line(RowIndex index) const
{
    std::shared_lock lock(d->listLock);
    const Located at = locate(d->chunks, index.value);
    if (!at.chunk || (d->options.follow && !stillMapped(*d->file, *at.chunk)))
        return {};
    const qint64 s = at.chunk->lineStart(at.i);
    return QByteArray(d->file->data + s, at.chunk->lineEnd(at.i, d->file->data) - s);
}

LogSnapshot LogIndex::snapshot() const
{
    LogSnapshot s;
    std::shared_lock lock(d->listLock);
    s.m_chunks = d->chunks;
    s.m_file = d->file;
    s.m_state = d->state;
    s.m_rows = d->chunks.empty() ? 0 : d->chunks.back()->firstRow + qint64(d->chunks.back()->size());
    return s;
}

LogStats LogIndex::stats() const
{
    std::shared_lock lock(d->listLock);
    LogStats s = d->stats;
    if (d->file)
        s.bytes = d->file->size;
    s.fileShrank = d->shrank.load();
    std::shared_lock dictLock(d->state->lock);
    for (std::size_t id = 0; id < d->perAgent.size(); ++id) {
        if (!d->perAgent[id])
            continue;
        const auto n = d->state->agents.name(std::uint32_t(id));
        s.perAgent[QString::fromUtf8(n.data(), qsizetype(n.size()))] += d->perAgent[id];
    }
    return s;
}

FieldMapping LogIndex::mapping() const
{
    std::shared_lock lock(d->listLock);
    return d->state->mapping;
}

QString LogIndex::agentName(std::uint32_t id) const
{
    return nameOf(d->state.get(), &State::agents, id);
}
QString LogIndex::taskName(std::uint32_t id) const
{
    return taskNameOf(d->state.get(), id);
}

double LogIndex::bytesPerRow() const
{
    std::shared_lock lock(d->listLock);
    std::size_t bytes = 0, rows = 0;
    for (const auto& c : d->chunks) {
        bytes += c->memoryBytes();
        rows += c->size();
    }
    return rows ? double(bytes) / double(rows) : 0.0;
}

qint64 LogIndex::indexMemoryBytes() const
{
    std::shared_lock lock(d->listLock);
    std::size_t bytes = d->chunks.capacity() * sizeof(void*) * 2;
    for (const auto& c : d->chunks)
        bytes += c->memoryBytes() + sizeof(Chunk);
    std::shared_lock dictLock(d->state->lock);
    bytes += d->state->agents.memoryBytes() + d->state->tasks.memoryBytes() + d->state->events.memoryBytes();
    return qint64(bytes);
}

} // namespace rwb
