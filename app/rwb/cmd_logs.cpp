// rwb logs query|stats: search and summarise JSONL logs from the command line.
#include "command.h"

#include "core/common/iso8601.h"
#include "core/common/nearestname.h"
#include "core/live/shutdownsignals.h"
#include "core/log/logindex.h"
#include "core/log/logindexcache.h"
#include "core/log/logquery.h"
#include "core/log/logrowtext.h"
#include "core/log/logscan.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryFile>
#include <QTimer>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

using namespace rwb;
using namespace rwb::cli;

namespace {

const char* const kUsage
    = "Usage:\n"
      "  rwb logs query FILE QUERY [--count | --format jsonl|csv|table] [--mapping auto|NAME]\n"
      "  rwb logs query FILE QUERY --follow [--mapping auto|NAME]\n"
      "  rwb logs stats FILE [--mapping auto|NAME]\n"
      "  rwb logs index FILE [--mapping auto|NAME]\n"
      "\n"
      "QUERY is a filter such as 'level>=WARNING and agent=payments and extra.delay_ms>1000'\n"
      "(see docs/log-query.md). NAME is one of: workbench, pino, bunyan, zap, structlog, ecs, clef.\n"
      "FILE '-' reads standard input (streamed; buffered in a temporary file for csv and table).\n"
      "--follow keeps reading FILE as it grows, like 'tail -f | filter', until interrupted.\n"
      "Exit codes: 0 ok, 2 bad input (missing file, bad query, bad option), 1 runtime error.\n";

enum class Format { Jsonl, Csv, Table };

struct Args {
    QStringList positional;
    bool count = false;
    bool follow = false;
    Format format = Format::Jsonl;
    LogFormat mapping = LogFormat::Auto;
    bool help = false;
};

bool parseArgs(const QStringList& args, Args& out, QString& error)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        auto value = [&](QString& v) {
            const qsizetype eq = a.indexOf(QLatin1Char('='));
            if (eq > 0) {
                v = a.mid(eq + 1);
                return true;
            }
            if (i + 1 >= args.size()) {
                error = QStringLiteral("option %1 needs a value").arg(a);
                return false;
            }
            v = args[++i];
            return true;
        };
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            out.help = true;
        } else if (a == QLatin1String("--count") || a == QLatin1String("-c")) {
            out.count = true;
        } else if (a == QLatin1String("--follow") || a == QLatin1String("-f")) {
            out.follow = true;
        } else if (a.startsWith(QLatin1String("--format"))) {
            QString v;
            if (!value(v))
                return false;
            if (v == QLatin1String("jsonl"))
                out.format = Format::Jsonl;
            else if (v == QLatin1String("csv"))
                out.format = Format::Csv;
            else if (v == QLatin1String("table"))
                out.format = Format::Table;
            else {
                error = QStringLiteral("unknown format '%1' (expected jsonl, csv or table)").arg(v);
                return false;
            }
        } else if (a.startsWith(QLatin1String("--mapping"))) {
            QString v;
            if (!value(v))
                return false;
            const auto f = logFormatFromString(v);
            if (!f) {
                error = QStringLiteral("unknown mapping '%1' (expected %2)")
                            .arg(v, logFormatNames().join(QStringLiteral(", ")));
                return false;
            }
            out.mapping = *f;
        } else if (a.startsWith(QLatin1String("--")) && a.size() > 2) {
            error = unknownOption(a, kUsage);
            return false;
        } else {
            out.positional << a;
        }
    }
    return true;
}

/// A file or cache that cannot be used (the command line itself was fine).
int badInput(const QString& message)
{
    err() << "rwb logs: " << message << '\n';
    err().flush();
    return BadInput;
}

/// A command line that does not fit the usage: the message, the synopsis and where the options are.
int badUsage(const QString& message)
{
    const int code = usageError("logs", message, kUsage);
    err().flush();
    return code;
}

/// The file a command reads: FILE itself, or for "-" a temporary copy of standard input (the index maps
/// a file, and a pipe cannot be mapped).
class InputFile {
public:
    bool open(const QString& argument, QString& error)
    {
        m_name = argument;
        if (argument != QLatin1String("-")) {
            m_path = argument;
            return true;
        }
        m_name = QStringLiteral("(standard input)");
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly) || !m_copy.open()) {
            error = QStringLiteral("cannot buffer standard input: %1").arg(m_copy.errorString());
            return false;
        }
        QByteArray block;
        while (!(block = in.read(1 << 20)).isEmpty()) {
            if (m_copy.write(block) != block.size()) {
                error = QStringLiteral("cannot buffer standard input in %1: %2")
                            .arg(m_copy.fileName(), m_copy.errorString());
                return false;
            }
        }
        if (!m_copy.flush()) {
            error = QStringLiteral("cannot buffer standard input: %1").arg(m_copy.errorString());
            return false;
        }
        m_path = m_copy.fileName();
        return true;
    }
    const QString& path() const { return m_path; }
    const QString& name() const { return m_name; } ///< for messages

private:
    QTemporaryFile m_copy;
    QString m_path;
    QString m_name;
};

/// The index cache the CLI uses: the GUI's setting, or RWB_LOG_INDEX_CACHE_MB (0: none).
void useCache(LogIndex::Options& options)
{
    options.cacheMaxBytes = LogIndexCache::configuredMaxBytes();
    if (options.cacheMaxBytes > 0)
        options.cacheDirectory = LogIndexCache::defaultDirectory();
}

bool openIndex(LogIndex& index, InputFile& input, const QString& argument, LogFormat mapping, QString& error)
{
    if (!input.open(argument, error))
        return false;
    const QString& path = input.path();
    const QFileInfo info(path);
    if (!info.exists()) {
        error = QStringLiteral("%1: no such file").arg(path);
        return false;
    }
    if (!info.isFile()) {
        error = QStringLiteral("%1: not a regular file").arg(path);
        return false;
    }
    LogIndex::Options options;
    options.format = mapping;
    if (argument != QLatin1String("-"))
        useCache(options);
    if (!index.open(path, options, &error))
        return false;
    index.waitForFinished();
    return true;
}

QByteArray iso(qint64 ms)
{
    if (ms == LogRow::kNoTime)
        return {};
    QByteArray out;
    iso8601::appendTimestamp(ms, out);
    return out;
}

QByteArray oneLine(QByteArray v)
{
    v.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    return v;
}

/// The file got shorter while it was read (copytruncate, `truncate`): what was read before is printed,
/// this says how much that was, and the command fails.
int shrankWhileReading(const InputFile& input, const QString& coverage)
{
    err() << "rwb logs: " << input.name() << " got shorter while it was read (truncated or rotated?); " << coverage
          << '\n';
    err().flush();
    return RuntimeError;
}

QString resultsCover(qint64 rows, qint64 indexed)
{
    return QStringLiteral("the results cover its first %1 of %2 indexed lines").arg(rows).arg(indexed);
}

bool writeOut(const QByteArray& bytes)
{
    return std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout) == std::size_t(bytes.size());
}

LogScanSink stdoutSink()
{
    return [](QByteArrayView lines) {
        return std::fwrite(lines.data(), 1, std::size_t(lines.size()), stdout) == std::size_t(lines.size());
    };
}

int finishOutput(bool written, qint64 matches, bool count)
{
    if (count) {
        out() << matches << '\n';
        out().flush();
    }
    if (!written || std::fflush(stdout) != 0) {
        err() << "rwb logs: cannot write the results\n";
        return RuntimeError;
    }
    return Ok;
}

/// Files from this size on get their index built in the background after a one-shot query, so that the
/// next query on the same file is answered from the cache.
constexpr qint64 kBackgroundIndexBytes = 8 << 20;

void indexInBackground(const Args& args, const QString& path)
{
    if (QFileInfo(path).size() < kBackgroundIndexBytes || LogIndexCache::configuredMaxBytes() <= 0)
        return;
    QProcess indexer;
    indexer.setProgram(QCoreApplication::applicationFilePath());
    indexer.setArguments(
        { QStringLiteral("logs"), QStringLiteral("index"), path, QStringLiteral("--mapping"), toString(args.mapping) });
    indexer.setStandardInputFile(QProcess::nullDevice());
    indexer.setStandardOutputFile(QProcess::nullDevice()); // the caller's pipe must see its end now
    indexer.setStandardErrorFile(QProcess::nullDevice());
    indexer.startDetached();
}

/// A query answered from the cached index, when the cache holds one for the file (it is extended if
/// the file grew). False if there is none.
bool openCachedIndex(LogIndex& index, const Args& args, const QString& path)
{
    if (path == QLatin1String("-"))
        return false;
    LogIndex::Options options;
    options.format = args.mapping;
    useCache(options);
    options.cachedOnly = true;
    if (options.cacheDirectory.isEmpty() || !QFileInfo(path).isFile() || !index.open(path, options))
        return false;
    index.waitForFinished();
    return true;
}

/// `--count` and JSONL output need no index: one pass over the file (or standard input, streamed).
int queryOneShot(const Args& args, const QString& path, const LogQuery& query)
{
    out().flush();
    if (path == QLatin1String("-")) {
        bool written = true;
        LogLineFilter filter(query, args.mapping, args.count ? LogScanSink {} : stdoutSink());
        QByteArray block(1 << 20, Qt::Uninitialized);
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, block.data(), std::size_t(block.size()));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            if (!(written = filter.feed(QByteArrayView(block.constData(), n))))
                break;
        }
        written = written && filter.finish();
        return finishOutput(written, filter.matches(), args.count);
    }
    const QFileInfo info(path);
    if (!info.exists())
        return badInput(QStringLiteral("%1: no such file").arg(path));
    if (!info.isFile())
        return badInput(QStringLiteral("%1: not a regular file").arg(path));
    LogScan::Options options;
    options.format = args.mapping;
    options.countOnly = args.count;
    bool written = true;
    const LogScanSink sink = stdoutSink();
    LogScanResult result;
    QString error;
    if (!LogScan::scanFile(
            path, query, options, [&](QByteArrayView lines) { return written = sink(lines); }, &result, &error))
        return badInput(error);
    const int code = finishOutput(written, result.matches, args.count);
    if (code == Ok && !result.fileShrank)
        indexInBackground(args, path);
    if (code == Ok && result.fileShrank) {
        err() << "rwb logs: " << path
              << " got shorter while it was read (truncated or rotated?); the results cover its "
              << "first " << result.bytes << " bytes\n";
        return RuntimeError;
    }
    return code;
}

qint64 inodeOf(const QString& path)
{
    struct stat st { };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? qint64(st.st_ino) : -1;
}

/// `--follow`: prints the matching lines, then those appended later, until SIGINT or SIGTERM. A file
/// truncated or replaced (rotation) is read again from its start; a half-written last line waits for its
/// newline.
int queryFollow(const Args& args, const QString& path, const LogQuery& query)
{
    ShutdownSignals shutdown;
    const QFileInfo info(path);
    if (!info.exists())
        return badInput(QStringLiteral("%1: no such file").arg(path));
    if (!info.isFile())
        return badInput(QStringLiteral("%1: not a regular file").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return badInput(QStringLiteral("%1: cannot open: %2").arg(path, file.errorString()));
    qint64 inode = inodeOf(path);
    bool written = true;
    const LogScanSink sink = stdoutSink();
    LogLineFilter filter(query, args.mapping, [&](QByteArrayView lines) { return written = sink(lines); });
    QEventLoop loop;
    auto pump = [&] {
        const qint64 nowInode = inodeOf(path);
        if ((nowInode != -1 && nowInode != inode) || QFileInfo(path).size() < file.pos()) {
            err() << "rwb logs: " << path << " was truncated or replaced; reading it from the start\n";
            err().flush();
            file.close();
            file.setFileName(path);
            if (!file.open(QIODevice::ReadOnly))
                return; // rotated away: try again on the next tick
            inode = nowInode;
            filter.restart();
        }
        QByteArray block;
        while (written && !(block = file.read(1 << 20)).isEmpty())
            filter.feed(block);
        if (!written || std::fflush(stdout) != 0) {
            written = false;
            loop.quit();
        }
    };
    pump();
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, &loop, pump);
    QObject::connect(&shutdown, &ShutdownSignals::received, &loop, &QEventLoop::quit);
    timer.start(100);
    if (written)
        loop.exec();
    if (!written) {
        err() << "rwb logs: cannot write the results\n";
        return RuntimeError;
    }
    return Interrupted;
}

int runQuery(const Args& args)
{
    if (args.positional.size() != 3)
        return badUsage(QStringLiteral("query needs FILE and QUERY"));
    const QString& path = args.positional[1];
    const QString& text = args.positional[2];
    LogQueryError qerror;
    const auto query = LogQuery::parse(text, &qerror);
    if (!query) {
        err() << "rwb logs: bad query, column " << qerror.column << ": " << qerror.message << '\n'
              << "  " << text << '\n'
              << "  " << QString(qerror.column - 1, QLatin1Char(' ')) << "^\n";
        err().flush();
        return BadInput;
    }
    if (args.follow) {
        if (args.count || args.format != Format::Jsonl)
            return badUsage(QStringLiteral("--follow prints the matching lines as JSONL (no --count or --format)"));
        if (path != QLatin1String("-"))
            return queryFollow(args, path, *query);
    }
    LogIndex index;
    InputFile input;
    QString error;
    const bool cached = (args.count || args.format == Format::Jsonl) && openCachedIndex(index, args, path);
    if (cached) {
        input.open(path, error); // names the file in messages
    } else if (args.count || args.format == Format::Jsonl) {
        return queryOneShot(args, path, *query);
    } else if (!openIndex(index, input, path, args.mapping, error)) {
        return badInput(error);
    }
    const LogSnapshot snap = index.snapshot();
    LogQueryOutcome outcome;
    LogQueryControl control;
    control.outcome = &outcome;
    if (args.count) {
        out() << query->count(snap, control) << '\n';
        out().flush();
        return outcome.fileShrank || index.stats().fileShrank
            ? shrankWhileReading(input, resultsCover(outcome.rowsScanned, snap.rowCount()))
            : Ok;
    }
    const std::vector<qint64> rows = query->evaluate(snap, control);
    qint64 covered = outcome.rowsScanned;
    const FieldMapping mapping = snap.mapping();
    out().flush();
    QByteArray buf;
    buf.reserve(1 << 20);
    bool ok = true;
    if (args.format == Format::Csv)
        buf += logrowtext::csvHeader();
    else if (args.format == Format::Table)
        buf += QByteArray("LINE").leftJustified(8) + ' ' + QByteArray("TIMESTAMP").leftJustified(29) + ' '
            + QByteArray("LEVEL").leftJustified(8) + ' ' + QByteArray("AGENT").leftJustified(16) + ' '
            + QByteArray("TASK").leftJustified(12) + " MESSAGE\n";
    // Lines leave the process only once checked against the file: one it lost meanwhile (truncated in
    // place) would have been read as zeros.
    std::vector<std::pair<qsizetype, RowIndex>> inBuffer; // where each buffered line starts, its row
    bool cut = false;
    auto flush = [&] {
        const qint64 intact = snap.intactBytes();
        for (const auto& [at, r] : inBuffer) {
            const LogRow row = snap.row(r);
            if (row.offset + row.length > intact) {
                buf.truncate(at);
                covered = std::min(covered, r.value);
                outcome.fileShrank = true;
                cut = true;
                break;
            }
        }
        inBuffer.clear();
        const bool written = writeOut(buf);
        buf.clear();
        return written;
    };
    for (const qint64 value : rows) {
        const RowIndex r(value);
        const qsizetype before = buf.size();
        const QByteArrayView line = snap.line(r);
        if (args.format == Format::Jsonl) {
            buf.append(line.data(), line.size());
            buf.append('\n');
        } else if (args.format == Format::Csv) {
            logrowtext::appendCsvRow(snap, mapping, r, buf);
        } else {
            const LogRow row = snap.row(r);
            buf += QByteArray::number(toLineNumber(r).value).leftJustified(8) + ' '
                + logrowtext::timestamp(row).leftJustified(29) + ' ' + logrowtext::level(row).leftJustified(8) + ' '
                + oneLine(snap.agentName(row.agentId).toUtf8()).leftJustified(16, ' ', true) + ' '
                + oneLine(snap.taskName(row.taskId).toUtf8()).leftJustified(12, ' ', true) + ' '
                + oneLine(logrowtext::message(snap, mapping, r)) + '\n';
        }
        inBuffer.push_back({ before, r });
        if (buf.size() > (1 << 20) - 4096) {
            ok = ok && flush();
            if (cut)
                break;
        }
    }
    ok = ok && flush() && std::fflush(stdout) == 0;
    if (!ok) {
        err() << "rwb logs: cannot write the results\n";
        return RuntimeError;
    }
    if (outcome.fileShrank || index.stats().fileShrank)
        return shrankWhileReading(input, resultsCover(covered, snap.rowCount()));
    return Ok;
}

QString span(qint64 ms)
{
    const qint64 h = ms / 3600000, m = ms / 60000 % 60;
    const double s = double(ms % 60000) / 1000.0;
    return QStringLiteral("%1h %2m %3s").arg(h).arg(m).arg(s, 0, 'f', 3);
}

int runStats(const Args& args)
{
    if (args.positional.size() != 2)
        return badUsage(QStringLiteral("stats needs FILE"));
    LogIndex index;
    InputFile input;
    QString error;
    if (!openIndex(index, input, args.positional[1], args.mapping, error))
        return badInput(error);
    const LogStats s = index.stats();
    auto& o = out();
    o << "file: " << input.name() << '\n';
    o << "format: " << toString(index.mapping().format) << '\n';
    o << "bytes: " << s.bytes << '\n';
    o << "lines: " << s.lines << '\n';
    o << "blank lines: " << s.blankLines << '\n';
    o << "malformed lines: " << s.malformedLines;
    if (!s.firstMalformed.empty()) {
        QStringList first;
        for (std::size_t i = 0; i < std::min<std::size_t>(10, s.firstMalformed.size()); ++i)
            first << QString::number(s.firstMalformed[i].value);
        o << " (first: " << first.join(QStringLiteral(", ")) << (s.malformedLines > 10 ? ", ..." : "") << ')';
    }
    o << '\n';
    if (s.lines > 0 && (index.row(RowIndex(s.lines - 1)).flags & LogRow::Truncated))
        o << "last line: incomplete (no newline, does not parse): a writer may still be on it\n";
    if (s.invalidUtf8Lines)
        o << "invalid UTF-8 lines: " << s.invalidUtf8Lines << '\n';
    if (s.minTimeMs != LogRow::kNoTime)
        o << "time span: " << iso(s.minTimeMs) << " .. " << iso(s.maxTimeMs) << " (" << span(s.maxTimeMs - s.minTimeMs)
          << ")\n";
    else
        o << "time span: none\n";
    o << "levels:\n";
    for (int l = int(LogLevel::Critical); l >= 0; --l)
        if (s.perLevel[l])
            o << "  " << QString::fromLatin1(levelName(LogLevel(l))).leftJustified(9) << s.perLevel[l] << '\n';
    o << "agents:\n";
    std::vector<std::pair<qint64, QString>> agents;
    for (const auto& [name, n] : s.perAgent)
        agents.emplace_back(n, name);
    std::sort(agents.begin(), agents.end(),
        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    for (const auto& [n, name] : agents)
        o << "  " << (name.isEmpty() ? QStringLiteral("(none)") : name).leftJustified(24) << ' ' << n << '\n';
    o.flush();
    return s.fileShrank
        ? shrankWhileReading(input, QStringLiteral("the figures cover the %1 lines read before").arg(s.lines))
        : Ok;
}

/// `rwb logs index FILE`: builds the file's index into the cache, or brings the cached one up to date.
int runIndex(const Args& args)
{
    if (args.positional.size() != 2)
        return badUsage(QStringLiteral("index needs FILE"));
    const QString& path = args.positional[1];
    if (path == QLatin1String("-"))
        return badUsage(QStringLiteral("index needs a file (standard input is not kept)"));
    LogIndex::Options options;
    useCache(options);
    if (options.cacheDirectory.isEmpty())
        return badInput(QStringLiteral("the index cache is off (%1=0 or the setting is 0)")
                            .arg(QLatin1String(LogIndexCache::kEnvMaxMegabytes)));
    LogIndex index;
    InputFile input;
    QString error;
    if (!openIndex(index, input, path, args.mapping, error))
        return badInput(error);
    const LogStats s = index.stats();
    static const char* const kUse[] = { "not cached", "built", "loaded", "extended", "rebuilt" };
    out() << path << ": " << s.lines << " lines, index " << kUse[int(index.cacheUse())];
    if (index.cacheUse() == LogIndex::CacheUse::Rebuilt && !index.cacheNote().isEmpty())
        out() << " (" << index.cacheNote() << ')';
    out() << " in " << LogIndexCache::fileFor(LogIndexCache::defaultDirectory(), path) << '\n';
    out().flush();
    return s.fileShrank
        ? shrankWhileReading(input, QStringLiteral("the index covers the %1 lines read before").arg(s.lines))
        : Ok;
}

int runLogs(const QStringList& argv)
{
    Args args;
    QString error;
    if (!parseArgs(argv, args, error))
        return badUsage(error);
    if (args.help) {
        out() << kUsage;
        out().flush();
        return Ok;
    }
    if (args.positional.isEmpty())
        return badUsage(QStringLiteral("expected a sub-command: query, stats or index"));
    const QString& sub = args.positional.first();
    if (sub == QLatin1String("query"))
        return runQuery(args);
    if (sub == QLatin1String("stats"))
        return runStats(args);
    if (sub == QLatin1String("index"))
        return runIndex(args);
    const QString nearest
        = nearestName(sub, { QStringLiteral("query"), QStringLiteral("stats"), QStringLiteral("index") });
    return badUsage(QStringLiteral("unknown sub-command '%1' (%2)")
                        .arg(sub,
                            nearest.isEmpty() ? QStringLiteral("expected query, stats or index")
                                              : QStringLiteral("did you mean '%1'?").arg(nearest)));
}

const Registrar reg(
    { QStringLiteral("logs"), QStringLiteral("search (query), summarise (stats) and index JSONL logs"), &runLogs });

} // namespace
