#include "core/log/logindexcache.h"

#include "core/log/logindex_p.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

#include <sys/stat.h>
#include <utime.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <shared_mutex>

namespace rwb {

using namespace logindex_detail;

namespace {

constexpr char kMagic[8] = { 'R', 'W', 'B', 'L', 'I', 'D', 'X', '\0' };
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr qint64 kKeyBlock = 64 * 1024; // the first and last block of the covered bytes are hashed
constexpr qint64 kHeaderBytes = 8 + 4 + 4 + 8 + 8;
const QString kSettingKey = QStringLiteral("logs/indexCacheMaxMB");

std::uint64_t rotl(std::uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/// A fast non-cryptographic 64-bit hash (four independent lanes): it detects damage, not attacks.
std::uint64_t hashBytes(const char* p, std::size_t n)
{
    constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xBF58476D1CE4E5B9ull, k3 = 0x94D049BB133111EBull;
    std::uint64_t lane[4] = { k1 ^ n, k2, k3, k1 + k2 };
    while (n >= 32) {
        for (int i = 0; i < 4; ++i) {
            std::uint64_t w;
            std::memcpy(&w, p + 8 * i, 8);
            lane[i] = rotl(lane[i] ^ (w * k2), 31) * k1;
        }
        p += 32;
        n -= 32;
    }
    std::uint64_t h = rotl(lane[0], 1) + rotl(lane[1], 7) + rotl(lane[2], 12) + rotl(lane[3], 18);
    for (; n > 0; ++p, --n)
        h = (h ^ static_cast<unsigned char>(*p)) * k3;
    h ^= h >> 31;
    h *= k2;
    h ^= h >> 29;
    return h;
}

struct FileKey {
    qint64 size = 0; ///< bytes the index covers
    qint64 mtimeNs = 0;
    qint64 inode = 0;
    std::uint64_t head = 0;
    std::uint64_t tail = 0;
};

/// The key of the first `covered` bytes of the mapped log (its size, time and inode as they are now).
FileKey keyOf(const MappedFile& file, qint64 covered)
{
    FileKey k;
    k.size = covered;
    struct stat st { };
    if (::fstat(file.file.handle(), &st) == 0) {
        k.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
        k.inode = qint64(st.st_ino);
    }
    const qint64 headBytes = std::min(covered, kKeyBlock);
    k.head = hashBytes(file.data, std::size_t(headBytes));
    const qint64 tailFrom = std::max<qint64>(0, covered - kKeyBlock);
    k.tail = hashBytes(file.data + tailFrom, std::size_t(covered - tailFrom));
    return k;
}

class Writer {
public:
    QByteArray bytes;
    template <typename T> void put(T v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void putString(std::string_view s)
    {
        put(std::uint32_t(s.size()));
        bytes.append(s.data(), qsizetype(s.size()));
    }
    template <typename T> void putArray(const std::vector<T>& v)
    {
        bytes.append(reinterpret_cast<const char*>(v.data()), qsizetype(v.size() * sizeof(T)));
    }
};

/// Bounds-checked reads; any read past the end sets failed() and returns zeros.
class Reader {
public:
    Reader(const char* p, qint64 n)
        : m_p(p)
        , m_end(p + n)
    {
    }
    bool failed() const { return m_failed; }
    bool atEnd() const { return m_p == m_end; }
    template <typename T> T get()
    {
        T v {};
        if (!take(sizeof v))
            return v;
        std::memcpy(&v, m_p - sizeof v, sizeof v);
        return v;
    }
    std::string_view getString()
    {
        const auto n = get<std::uint32_t>();
        if (!take(n))
            return {};
        return { m_p - n, n };
    }
    template <typename T> bool getArray(std::vector<T>& v, std::size_t count)
    {
        if (count > std::size_t(m_end - m_p) / sizeof(T) || !take(count * sizeof(T)))
            return false;
        v.resize(count);
        if (count > 0) // an empty vector's data() may be null, which memcpy must not get
            std::memcpy(v.data(), m_p - count * sizeof(T), count * sizeof(T));
        return true;
    }

private:
    bool take(std::size_t n)
    {
        if (m_failed || n > std::size_t(m_end - m_p)) {
            m_failed = true;
            return false;
        }
        m_p += n;
        return true;
    }
    const char* m_p;
    const char* m_end;
    bool m_failed = false;
};

void putDictionary(Writer& w, const Dictionary& d)
{
    w.put(d.size());
    for (std::uint32_t id = 1; id < d.size(); ++id)
        w.putString(d.name(id));
}

bool getDictionary(Reader& r, Dictionary& d)
{
    const auto n = r.get<std::uint32_t>();
    for (std::uint32_t id = 1; id < n && !r.failed(); ++id) {
        if (d.intern(r.getString()) != id)
            return false; // a duplicate or an empty name: not what a dictionary writes
    }
    return !r.failed() && d.size() == std::max<std::uint32_t>(n, 1);
}

/// Every column value must point into its dictionary and every line into the covered bytes, so that
/// nothing read later can go out of bounds, whatever the file held.
bool consistent(const Chunk& c, const State& s, qint64 firstRow, qint64 base)
{
    if (c.firstRow != firstRow || c.base != base || c.end < c.base)
        return false;
    const std::size_t n = c.rel.size();
    if (n == 0)
        return c.end == c.base;
    if (c.rel[0] != 0 || qint64(c.rel[n - 1]) >= c.end - c.base)
        return false;
    for (std::size_t i = 1; i < n; ++i)
        if (c.rel[i] <= c.rel[i - 1])
            return false;
    for (std::size_t i = 0; i < n; ++i) {
        if (c.level[i] > std::uint8_t(LogLevel::Critical) || c.agent[i] >= s.agents.size())
            return false;
        if (c.event[i] != 255 && c.event[i] >= s.events.size())
            return false;
        const std::uint32_t t = c.task[i];
        if (taskcode::isInline(t) ? taskcode::prefixOf(t) >= s.taskPrefixes.size() : t >= s.tasks.size())
            return false;
    }
    return true;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Saving and loading (internals of LogIndex)

bool logindex_detail::saveIndexImage(
    const QString& cacheFile, const QString& logPath, const MappedFile& file, const IndexImage& image, QString* error)
{
    const FileKey key = keyOf(file, image.indexedTo);
    Writer w;
    w.bytes.reserve(qsizetype(image.rows) * 24 + (1 << 20));
    w.putString(QFileInfo(logPath).absoluteFilePath().toStdString());
    w.put(key.size);
    w.put(key.mtimeNs);
    w.put(key.inode);
    w.put(key.head);
    w.put(key.tail);
    w.put(std::uint8_t(image.state->mapping.format));
    w.put(std::uint8_t(image.stats.hadBom));
    w.put(std::uint8_t(image.indexedTo == 0 || file.data[image.indexedTo - 1] == '\n'));
    const LogStats& st = image.stats;
    for (qint64 v : { st.lines, st.blankLines, st.malformedLines, st.invalidUtf8Lines, st.minTimeMs, st.maxTimeMs })
        w.put(v);
    for (qint64 v : st.perLevel)
        w.put(v);
    w.put(std::uint8_t(st.crlf));
    w.put(std::uint32_t(st.firstMalformed.size()));
    w.putArray(st.firstMalformed);
    w.put(std::uint32_t(image.perAgent.size()));
    w.putArray(image.perAgent);
    {
        std::shared_lock lock(image.state->lock);
        putDictionary(w, image.state->agents);
        putDictionary(w, image.state->tasks);
        putDictionary(w, image.state->events);
        w.put(std::uint32_t(image.state->taskPrefixes.size()));
        for (const auto& p : image.state->taskPrefixes)
            w.putString(p);
    }
    w.put(std::uint32_t(image.chunks.size()));
    for (const auto& c : image.chunks) {
        w.put(c->firstRow);
        w.put(c->base);
        w.put(c->end);
        w.put(std::uint32_t(c->size()));
        w.putArray(c->rel);
        w.putArray(c->ts);
        w.putArray(c->level);
        w.putArray(c->flags);
        w.putArray(c->event);
        w.putArray(c->agent);
        w.putArray(c->task);
    }

    QDir().mkpath(QFileInfo(cacheFile).absolutePath());
    QSaveFile out(cacheFile);
    Writer header;
    header.bytes.append(kMagic, sizeof kMagic);
    header.put(kVersion);
    header.put(kByteOrder);
    header.put(qint64(w.bytes.size()));
    header.put(hashBytes(w.bytes.constData(), std::size_t(w.bytes.size())));
    if (!out.open(QIODevice::WriteOnly) || out.write(header.bytes) != header.bytes.size()
        || out.write(w.bytes) != w.bytes.size() || !out.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot write: %2").arg(cacheFile, out.errorString());
        return false;
    }
    return true;
}

CacheLoad logindex_detail::loadIndexImage(const QString& cacheFile, const QString& logPath, const MappedFile& file,
    LogFormat requested, IndexImage& out, QString* why)
{
    auto invalid = [why](const char* reason) {
        if (why)
            *why = QString::fromLatin1(reason);
        return CacheLoad::Invalid;
    };
    QFile in(cacheFile);
    if (!in.open(QIODevice::ReadOnly))
        return CacheLoad::Missing;
    const QByteArray bytes = in.readAll();
    in.close();
    Reader header(bytes.constData(), bytes.size());
    char magic[sizeof kMagic] {};
    for (char& c : magic)
        c = header.get<char>();
    if (std::memcmp(magic, kMagic, sizeof kMagic) != 0 || header.get<std::uint32_t>() != kVersion
        || header.get<std::uint32_t>() != kByteOrder)
        return invalid("not a cache file of this version");
    const auto payloadBytes = header.get<qint64>();
    const auto payloadHash = header.get<std::uint64_t>();
    if (header.failed() || payloadBytes != bytes.size() - kHeaderBytes
        || hashBytes(bytes.constData() + kHeaderBytes, std::size_t(payloadBytes)) != payloadHash)
        return invalid("damaged (size or checksum)");

    Reader r(bytes.constData() + kHeaderBytes, payloadBytes);
    if (r.getString() != QFileInfo(logPath).absoluteFilePath().toStdString())
        return invalid("another file's cache");
    FileKey stored;
    stored.size = r.get<qint64>();
    stored.mtimeNs = r.get<qint64>();
    stored.inode = r.get<qint64>();
    stored.head = r.get<std::uint64_t>();
    stored.tail = r.get<std::uint64_t>();
    const auto format = LogFormat(r.get<std::uint8_t>());
    const bool hadBom = r.get<std::uint8_t>();
    const bool endsWithNewline = r.get<std::uint8_t>();
    if (r.failed() || stored.size < 0 || stored.size > file.size)
        return invalid("the log is shorter than its cached index (truncated or replaced)");
    if (requested != LogFormat::Auto && requested != format)
        return invalid("another mapping");
    const FileKey now = keyOf(file, stored.size);
    if (now.inode != stored.inode || now.head != stored.head || now.tail != stored.tail)
        return invalid("the log changed (another file, or other content)");
    if (stored.size == file.size ? now.mtimeNs != stored.mtimeNs : !endsWithNewline)
        return invalid("the log changed (rewritten, or its last line was completed)");

    auto state = std::make_shared<State>();
    state->mapping = FieldMapping::forFormat(format);
    LogStats st;
    st.hadBom = hadBom;
    st.lines = r.get<qint64>();
    st.blankLines = r.get<qint64>();
    st.malformedLines = r.get<qint64>();
    st.invalidUtf8Lines = r.get<qint64>();
    st.minTimeMs = r.get<qint64>();
    st.maxTimeMs = r.get<qint64>();
    for (qint64& v : st.perLevel)
        v = r.get<qint64>();
    st.crlf = r.get<std::uint8_t>();
    std::vector<qint64> perAgent;
    if (!r.getArray(st.firstMalformed, r.get<std::uint32_t>()) || !r.getArray(perAgent, r.get<std::uint32_t>()))
        return invalid("damaged (statistics)");
    if (!getDictionary(r, state->agents) || !getDictionary(r, state->tasks) || !getDictionary(r, state->events))
        return invalid("damaged (dictionaries)");
    const auto prefixes = r.get<std::uint32_t>();
    if (prefixes > taskcode::kMaxPrefixes)
        return invalid("damaged (task prefixes)");
    for (std::uint32_t i = 0; i < prefixes; ++i)
        state->taskPrefixes.emplace_back(r.getString());
    if (perAgent.size() > state->agents.size())
        return invalid("damaged (agent counts)");

    IndexImage image;
    const auto chunkCount = r.get<std::uint32_t>();
    qint64 rows = 0;
    qint64 base = hadBom ? 3 : 0;
    for (std::uint32_t k = 0; k < chunkCount && !r.failed(); ++k) {
        auto c = std::make_shared<Chunk>();
        c->firstRow = r.get<qint64>();
        c->base = r.get<qint64>();
        c->end = r.get<qint64>();
        const auto n = r.get<std::uint32_t>();
        if (!r.getArray(c->rel, n) || !r.getArray(c->ts, n) || !r.getArray(c->level, n) || !r.getArray(c->flags, n)
            || !r.getArray(c->event, n) || !r.getArray(c->agent, n) || !r.getArray(c->task, n)
            || !consistent(*c, *state, rows, base))
            return invalid("damaged (columns)");
        rows += n;
        base = c->end;
        image.chunks.push_back(std::move(c));
    }
    if (r.failed() || !r.atEnd() || base != stored.size || rows != st.lines)
        return invalid("damaged (layout)");

    image.state = std::move(state);
    image.stats = std::move(st);
    image.perAgent = std::move(perAgent);
    image.indexedTo = stored.size;
    image.rows = rows;
    out = std::move(image);
    ::utime(QFile::encodeName(cacheFile).constData(), nullptr); // recently used
    return CacheLoad::Loaded;
}

// ---------------------------------------------------------------------------------------------
// LogIndexCache

QString LogIndexCache::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
        + QStringLiteral("/resilience-workbench/log-index");
}

qint64 LogIndexCache::settingMaxMegabytes()
{
    QSettings settings(QStringLiteral("ResilienceWorkbench"), QStringLiteral("resilience-workbench"));
    bool ok = false;
    const qint64 mb = settings.value(kSettingKey).toLongLong(&ok);
    return ok && mb >= 0 ? mb : kDefaultMaxBytes >> 20;
}

void LogIndexCache::setSettingMaxMegabytes(qint64 megabytes)
{
    QSettings settings(QStringLiteral("ResilienceWorkbench"), QStringLiteral("resilience-workbench"));
    settings.setValue(kSettingKey, std::max<qint64>(0, megabytes));
}

qint64 LogIndexCache::configuredMaxBytes()
{
    bool ok = false;
    const qint64 env = qEnvironmentVariable(kEnvMaxMegabytes).toLongLong(&ok);
    return (ok && env >= 0 ? env : settingMaxMegabytes()) << 20;
}

QString LogIndexCache::fileFor(const QString& directory, const QString& logPath)
{
    const QByteArray id
        = QCryptographicHash::hash(QFileInfo(logPath).absoluteFilePath().toUtf8(), QCryptographicHash::Sha1).toHex();
    return directory + QLatin1Char('/') + QString::fromLatin1(id) + QStringLiteral(".rwbidx");
}

qint64 LogIndexCache::trim(const QString& directory, qint64 maxBytes)
{
    QFileInfoList files = QDir(directory).entryInfoList({ QStringLiteral("*.rwbidx") }, QDir::Files);
    std::sort(files.begin(), files.end(),
        [](const QFileInfo& a, const QFileInfo& b) { return a.lastModified() > b.lastModified(); });
    qint64 total = 0;
    bool full = false;
    for (const QFileInfo& f : files) {
        full = full || total + f.size() > maxBytes;
        if (!full)
            total += f.size();
        else if (!QFile::remove(f.absoluteFilePath()))
            total += f.size();
    }
    return total;
}

} // namespace rwb
