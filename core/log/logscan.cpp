#include "core/log/logscan.h"

#include "core/log/logindex_p.h"
#include "core/log/loglevel.h"

#include <QFileInfo>
#include <QThread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace rwb {

using namespace logindex_detail;

namespace {

constexpr qint64 kDetectBytes = 64 * 1024; // what detectLogFormat() looks at
constexpr char kBom[] = "\xEF\xBB\xBF";

/// A query compiled for one mapping: the columns to fill and the literals to look for.
struct Plan {
    const LogQuery* query = nullptr;
    FieldMapping mapping;
    ScanColumns columns;
    std::vector<QByteArray> literals;

    // Without literals, a query that allows only some levels is prefiltered by a look at the level key.
    std::uint8_t levels = 0x7F;
    QByteArray levelToken; ///< "\"level\"" (empty: no level prefilter)
    bool missingLevelOk = true;

    Plan(const LogQuery& q, const FieldMapping& m)
        : query(&q)
        , mapping(m)
        , columns(q.scanColumns(m))
        , literals(q.requiredLiterals(m))
        , levels(q.requiredLevels())
    {
        if (literals.empty() && levels != 0x7F && !m.levelKey.isEmpty() && !m.levelKey.contains('.')
            && !m.levelKey.contains('"') && !m.levelKey.contains('\\')) {
            levelToken = '"' + m.levelKey + '"';
            missingLevelOk = levels & (1u << int(m.missingLevel));
        }
    }

    /// Whether line [b, e) may match, by its level alone. Certain only for lines without escapes whose
    /// level key occurs at most once: then the line's level is that value, or the mapping's missing
    /// level (when that one key is nested, or absent); anything else is a candidate.
    bool levelCandidate(const char* b, const char* e) const
    {
        const auto n = std::size_t(levelToken.size());
        const auto* hit = static_cast<const char*>(memmem(b, std::size_t(e - b), levelToken.constData(), n));
        if (!hit)
            return missingLevelOk;
        const char* p = hit + n;
        if (memmem(p, std::size_t(e - p), levelToken.constData(), n))
            return true;
        auto ws = [&] {
            while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
                ++p;
        };
        ws();
        if (p == e || *p != ':')
            return true;
        ++p;
        ws();
        if (p == e || *p != '"')
            return true;
        const char* value = ++p;
        const auto* close = static_cast<const char*>(std::memchr(value, '"', std::size_t(e - value)));
        if (!close)
            return true;
        const LogLevel level = parseLogLevel(QByteArrayView(value, close - value)).value_or(LogLevel::Unknown);
        return (levels & (1u << int(level))) || missingLevelOk;
    }
};

struct BatchOutput {
    qint64 matches = 0;
    qint64 candidates = 0;
    QByteArray lines; ///< matching lines, each followed by "\n"
};

/// Per-thread buffers, reused from batch to batch.
struct Scratch {
    std::vector<std::pair<const char*, const char*>> ranges; // candidate lines [start, end incl. "\n")
    QByteArray compact;
    std::vector<std::uint8_t> mask;
};

/// Appends to `ranges` every line of [b, e) in which `find` reports a hit.
template <typename Find>
void linesWith(const char* b, const char* e, Find find, std::vector<std::pair<const char*, const char*>>& ranges)
{
    const std::size_t first = ranges.size(); // this call's run starts here
    const char* p = b;
    while (p < e) {
        const char* hit = find(p, e);
        if (!hit)
            return;
        const auto* before = static_cast<const char*>(memrchr(b, '\n', std::size_t(hit - b)));
        const char* start = before ? before + 1 : b;
        const auto* nl = static_cast<const char*>(std::memchr(hit, '\n', std::size_t(e - hit)));
        const char* end = nl ? nl + 1 : e;
        if (ranges.size() == first || ranges.back().second <= start)
            ranges.emplace_back(start, end);
        p = end;
    }
}

/// Copies the candidate lines of s.ranges (`bytes` in all) together, and points `data`/`end` at them,
/// unless they are most of the batch (then scanning it all is cheaper than the copy).
void compact(Scratch& s, qint64 bytes, qint64& end, const char*& data)
{
    if (bytes * 2 >= end)
        return;
    s.compact.resize(bytes);
    char* to = s.compact.data();
    for (const auto& [rb, re] : s.ranges) {
        std::memcpy(to, rb, std::size_t(re - rb));
        to += re - rb;
    }
    data = s.compact.constData();
    end = bytes;
}

/// Filters the complete lines [b, e). `lastIsFileEnd`: a last line without newline ends the input.
void filterBatch(
    const Plan& plan, const char* b, const char* e, bool lastIsFileEnd, bool countOnly, Scratch& s, BatchOutput& out)
{
    const char* data = b;
    qint64 end = e - b;
    if (!plan.levelToken.isEmpty()) {
        s.ranges.clear();
        const char* backslash = static_cast<const char*>(std::memchr(b, '\\', std::size_t(e - b)));
        qint64 bytes = 0;
        for (const char* p = b; p < e;) {
            const auto* nl = static_cast<const char*>(std::memchr(p, '\n', std::size_t(e - p)));
            const char* lineEnd = nl ? nl : e;
            const char* next = nl ? nl + 1 : e;
            if (backslash && backslash < p)
                backslash = static_cast<const char*>(std::memchr(p, '\\', std::size_t(e - p)));
            if ((backslash && backslash < lineEnd) || plan.levelCandidate(p, lineEnd)) {
                s.ranges.emplace_back(p, next);
                bytes += next - p;
            }
            p = next;
        }
        compact(s, bytes, end, data);
    } else if (!plan.literals.empty()) {
        s.ranges.clear();
        for (const QByteArray& literal : plan.literals) {
            const std::size_t before = s.ranges.size();
            linesWith(
                b, e,
                [&](const char* p, const char* stop) {
                    return static_cast<const char*>(
                        memmem(p, std::size_t(stop - p), literal.constData(), std::size_t(literal.size())));
                },
                s.ranges);
            std::inplace_merge(s.ranges.begin(), s.ranges.begin() + std::ptrdiff_t(before), s.ranges.end());
        }
        const std::size_t before = s.ranges.size();
        // An escape may spell any literal differently: such lines are always candidates.
        linesWith(
            b, e,
            [](const char* p, const char* stop) {
                return static_cast<const char*>(std::memchr(p, '\\', std::size_t(stop - p)));
            },
            s.ranges);
        std::inplace_merge(s.ranges.begin(), s.ranges.begin() + std::ptrdiff_t(before), s.ranges.end());
        s.ranges.erase(std::unique(s.ranges.begin(), s.ranges.end()), s.ranges.end());
        qint64 bytes = 0;
        for (const auto& [rb, re] : s.ranges)
            bytes += re - rb;
        compact(s, bytes, end, data);
    }
    if (end == 0)
        return;
    Chunk chunk;
    State state;
    state.mapping = plan.mapping;
    indexLines(data, 0, end, lastIsFileEnd, plan.columns, chunk, state);
    out.candidates += qint64(chunk.size());
    s.mask.assign(chunk.size(), 1);
    plan.query->evaluateChunk(chunk, data, state, s.mask);
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        if (!s.mask[i])
            continue;
        ++out.matches;
        if (!countOnly) {
            const qint64 start = chunk.lineStart(i);
            out.lines.append(data + start, chunk.lineEnd(i, data) - start);
            out.lines.append('\n');
        }
    }
}

FieldMapping mappingFor(LogFormat format, const char* sample, qint64 size)
{
    return FieldMapping::forFormat(
        format == LogFormat::Auto && size > 0 ? detectLogFormat(sample, std::size_t(size)) : format);
}

/// Reads [from, from + n) of `fd` into `to`; returns the bytes read (fewer at the end of the file).
qint64 readAt(int fd, char* to, qint64 from, qint64 n)
{
    qint64 got = 0;
    while (got < n) {
        const ssize_t r = ::pread(fd, to + got, std::size_t(n - got), off_t(from + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += r;
    }
    return got;
}

/// One file being scanned in blocks: block k owns the lines that start in
/// [base + k * blockBytes, base + (k + 1) * blockBytes).
class FileScan {
public:
    FileScan(int fd, const MappedFile* map, qint64 size, qint64 base, qint64 blockBytes)
        : m_fd(fd)
        , m_map(map)
        , m_size(size)
        , m_base(base)
        , m_block(blockBytes)
    {
    }
    std::size_t blocks() const { return std::size_t((m_size - m_base + m_block - 1) / m_block); }

    /// The owned lines of block k, read into `buffer` (or viewed in the map). False if the file got
    /// shorter than it was at the start.
    bool read(std::size_t k, QByteArray& buffer, const char*& b, const char*& e, bool& lastIsFileEnd) const
    {
        const qint64 nominal = m_base + qint64(k) * m_block;
        const qint64 nominalEnd = std::min(m_size, nominal + m_block);
        const qint64 from = k == 0 ? m_base : nominal - 1; // one byte before: does a line start at `nominal`?
        qint64 to = nominalEnd;
        const char* data = nullptr;
        if (m_map) {
            data = m_map->data + from;
        } else {
            buffer.resize(to - from);
            if (readAt(m_fd, buffer.data(), from, to - from) != to - from)
                return false;
            data = buffer.constData();
        }
        const char* start = data;
        if (k > 0) {
            const auto* nl = static_cast<const char*>(std::memchr(data, '\n', std::size_t(nominalEnd - from)));
            if (!nl) { // the block lies inside a line that an earlier block owns
                b = e = data;
                lastIsFileEnd = false;
                return true;
            }
            start = nl + 1;
        }
        const qint64 offset = start - data;
        if (m_map) {
            const auto* nl = static_cast<const char*>(
                std::memchr(m_map->data + nominalEnd - 1, '\n', std::size_t(m_size - nominalEnd + 1)));
            to = nl ? qint64(nl - m_map->data) + 1 : m_size;
        } else {
            // The last line may run past the block: read on until its newline.
            qint64 step = 64 * 1024;
            while (buffer.back() != '\n' && to < m_size) {
                const qint64 n = std::min(step, m_size - to);
                const qsizetype old = buffer.size();
                buffer.resize(old + n);
                if (readAt(m_fd, buffer.data() + old, to, n) != n)
                    return false;
                to += n;
                const auto* nl = static_cast<const char*>(std::memchr(buffer.constData() + old, '\n', std::size_t(n)));
                if (nl) {
                    buffer.truncate(qsizetype(nl - buffer.constData()) + 1);
                    to = from + buffer.size();
                }
                step *= 2;
            }
            data = buffer.constData();
        }
        b = data + offset;
        e = data + (to - from);
        lastIsFileEnd = to == m_size;
        return true;
    }

private:
    int m_fd;
    const MappedFile* m_map;
    qint64 m_size;
    qint64 m_base;
    qint64 m_block;
};

} // namespace

bool LogScan::scanFile(const QString& path, const LogQuery& query, const Options& options, const LogScanSink& sink,
    LogScanResult* result, QString* error)
{
    auto fail = [&](const QString& message) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, message);
        return false;
    };
    MappedFile file;
    file.file.setFileName(path);
    if (!file.file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot open: %1").arg(file.file.errorString()));
    if (QFileInfo(path).isDir())
        return fail(QStringLiteral("is a directory"));
    const int fd = file.file.handle();
    const qint64 size = file.file.size();
    if (options.useMap && !file.map(size))
        return fail(QStringLiteral("cannot memory-map: %1").arg(file.file.errorString()));

    QByteArray head(std::min<qint64>(size, kDetectBytes + 3), Qt::Uninitialized);
    if (readAt(fd, head.data(), 0, head.size()) != head.size())
        return fail(QStringLiteral("cannot read: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    const qint64 skip = head.startsWith(kBom) ? 3 : 0;
    LogScanResult res;
    res.mapping = mappingFor(options.format, head.constData() + skip, head.size() - skip);
    const Plan plan(query, res.mapping);

    const FileScan scan(fd, options.useMap ? &file : nullptr, size, skip, std::max<qint64>(options.blockBytes, 4096));
    const std::size_t count = size > skip ? scan.blocks() : 0;
    std::vector<std::unique_ptr<BatchOutput>> done(count);
    std::atomic<std::size_t> next { 0 };
    std::atomic_bool stop { false };
    std::atomic_bool shrank { false };
    std::mutex publishLock;
    std::size_t published = 0;
    qint64 covered = skip;

    auto work = [&] {
        Scratch scratch;
        QByteArray buffer;
        while (!stop.load(std::memory_order_relaxed)
            && !(options.cancel && options.cancel->load(std::memory_order_relaxed))) {
            const std::size_t k = next.fetch_add(1);
            if (k >= count)
                return;
            const char* b = nullptr;
            const char* e = nullptr;
            bool last = false;
            auto out = std::make_unique<BatchOutput>();
            if (!scan.read(k, buffer, b, e, last)) {
                shrank = true;
                stop = true;
                return;
            }
            filterBatch(plan, b, e, last, options.countOnly, scratch, *out);
            if (options.useMap && file.intactBytes() < size) { // it may have read zeros for vanished pages
                shrank = true;
                stop = true;
                return;
            }
            std::lock_guard lock(publishLock);
            done[k] = std::move(out);
            while (published < count && done[published] && !stop.load()) {
                BatchOutput& o = *done[published];
                res.matches += o.matches;
                res.candidates += o.candidates;
                covered = std::min(size, skip + qint64(published + 1) * std::max<qint64>(options.blockBytes, 4096));
                if (!options.countOnly && !o.lines.isEmpty() && sink && !sink(o.lines))
                    stop = true;
                done[published].reset();
                ++published;
            }
        }
    };
    int threads = options.threads > 0 ? options.threads : std::max(1, QThread::idealThreadCount());
    threads = int(std::min<std::size_t>(std::size_t(threads), std::max<std::size_t>(count, 1)));
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    res.fileShrank = shrank.load();
    res.bytes = covered;
    if (result)
        *result = std::move(res);
    return true;
}

// ---------------------------------------------------------------------------------------------
// LogLineFilter

struct LogLineFilter::Private {
    const LogQuery query;
    LogFormat format;
    LogScanSink sink;
    std::unique_ptr<Plan> plan;
    Scratch scratch;
    QByteArray pending;
    bool started = false; ///< the BOM check is done
    qint64 matches = 0;

    Private(const LogQuery& q, LogFormat f, LogScanSink s)
        : query(q)
        , format(f)
        , sink(std::move(s))
    {
    }
};

LogLineFilter::LogLineFilter(const LogQuery& query, LogFormat format, LogScanSink sink)
    : d(std::make_unique<Private>(query, format, std::move(sink)))
{
}

LogLineFilter::~LogLineFilter() = default;

bool LogLineFilter::feed(QByteArrayView bytes)
{
    d->pending.append(bytes.data(), bytes.size());
    return process(false);
}

bool LogLineFilter::finish()
{
    return process(true);
}

void LogLineFilter::restart()
{
    d->pending.clear();
    d->started = false;
}

qint64 LogLineFilter::matches() const noexcept
{
    return d->matches;
}
FieldMapping LogLineFilter::mapping() const
{
    return d->plan ? d->plan->mapping : FieldMapping {};
}

bool LogLineFilter::process(bool atEnd)
{
    if (!d->started) {
        if (d->pending.size() < 3 && !atEnd && QByteArrayView(kBom).startsWith(d->pending))
            return true; // may still become a BOM
        if (d->pending.startsWith(kBom))
            d->pending.remove(0, 3);
        d->started = true;
    }
    if (!d->plan) {
        if (d->pending.isEmpty() && !atEnd)
            return true;
        d->plan = std::make_unique<Plan>(
            d->query, mappingFor(d->format, d->pending.constData(), std::min<qint64>(d->pending.size(), kDetectBytes)));
    }
    const qsizetype lastNl = d->pending.lastIndexOf('\n');
    const qsizetype upTo = atEnd ? d->pending.size() : lastNl + 1;
    if (upTo <= 0)
        return true;
    BatchOutput out;
    filterBatch(*d->plan, d->pending.constData(), d->pending.constData() + upTo, atEnd, false, d->scratch, out);
    d->pending.remove(0, upTo);
    d->matches += out.matches;
    return out.lines.isEmpty() || !d->sink || d->sink(out.lines);
}

} // namespace rwb
