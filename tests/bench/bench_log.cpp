// Generates a large workbench-format JSONL log, then prints the log figures of issue 17 beside their
// goals: the one-shot query (LogScan: no index kept) next to grep -c and rg -c on the same file in the
// same run, the index build (throughput, memory per line), the second query on the unchanged file
// (index loaded from the cache), and queries over a built index. Every ratio says what it includes.
//
// Usage: bench_log [--size 210M|1G|...] [--file PATH] [--keep] [--no-compare] [--threads N] [--index-only]
// --index-only: only the index build (for profiling it under callgrind or perf).
// The default is the 210 MB case; the 1 GB case only with --size 1G (it needs 1 GB in /tmp).
#include "core/log/eventcodec.h"
#include "core/log/logindex.h"
#include "core/log/logindexcache.h"
#include "core/log/logquery.h"
#include "core/log/logscan.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <span>
#include <thread>

using namespace rwb;
using Clock = std::chrono::steady_clock;

namespace {

double cpuMs()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

qint64 parseSize(QString s)
{
    s = s.trimmed().toUpper();
    qint64 mult = 1;
    if (s.endsWith(QLatin1Char('B')))
        s.chop(1);
    if (s.endsWith(QLatin1Char('G'))) {
        mult = 1LL << 30;
        s.chop(1);
    } else if (s.endsWith(QLatin1Char('M'))) {
        mult = 1LL << 20;
        s.chop(1);
    } else if (s.endsWith(QLatin1Char('K'))) {
        mult = 1LL << 10;
        s.chop(1);
    }
    bool ok = false;
    const double v = s.toDouble(&ok);
    return ok && v > 0 ? qint64(v * double(mult)) : -1;
}

/// A plausible run: 16 services, requests with attempts, retries, breaker flips and faults.
bool generate(const QString& path, qint64 bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const QString agents[] = { QStringLiteral("payments"), QStringLiteral("orders"), QStringLiteral("inventory"),
        QStringLiteral("auth"), QStringLiteral("search"), QStringLiteral("shipping"), QStringLiteral("billing"),
        QStringLiteral("catalog"), QStringLiteral("profile"), QStringLiteral("reviews"), QStringLiteral("pricing"),
        QStringLiteral("cart"), QStringLiteral("notify"), QStringLiteral("ledger"), QStringLiteral("fraud"),
        QStringLiteral("gateway") };
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    auto rnd = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    const qint64 origin = 1767454200000;
    QByteArray buf;
    buf.reserve(8 << 20);
    qint64 written = 0;
    std::uint64_t request = 0;
    Duration now {};
    while (written < bytes) {
        Event e;
        const std::uint64_t r = rnd();
        e.source = agents[r % 16];
        now += Duration(std::int64_t(rnd() % 2000000));
        e.time = TimePoint(now);
        const unsigned kind = unsigned((r >> 8) % 100);
        e.requestId = ++request;
        e.attempt = int(1 + (r >> 20) % 3);
        if (kind < 55) {
            e.kind = EventKind::Attempt;
            const bool fail = (r >> 30) % 10 == 0;
            e.outcome = fail ? OutcomeKind::Error : OutcomeKind::Success;
            e.httpStatus = fail ? 503 : 200;
            if (fail)
                e.errorClass = ErrorClass::forHttpStatus(503);
            e.latency = Duration(std::int64_t(rnd() % 80000000));
        } else if (kind < 80) {
            e.kind = EventKind::RequestDone;
            e.outcome = (r >> 30) % 50 == 0 ? OutcomeKind::Timeout : OutcomeKind::Success;
            e.total = Duration(std::int64_t(rnd() % 400000000));
        } else if (kind < 92) {
            e.kind = EventKind::RetryScheduled;
            e.delay = Duration(std::int64_t(rnd() % 3000000000));
            e.text = (r >> 40) % 4 == 0 ? QStringLiteral("connection reset by peer") : QStringLiteral("http_503");
        } else if (kind < 95) {
            e.kind = EventKind::RetryGaveUp;
            e.text = QStringLiteral("max attempts reached");
        } else if (kind < 97) {
            e.kind = EventKind::RateLimited;
            e.delay = 2s;
            e.text = QStringLiteral("server");
        } else if (kind < 99) {
            e.kind = EventKind::BreakerRejected;
            e.delay = Duration(std::int64_t(rnd() % 30000000000));
        } else {
            e.kind = EventKind::BreakerTransition;
            e.requestId = 0;
            e.attempt = 0;
            e.from = BreakerState::Closed;
            e.to = BreakerState::Open;
            e.text = QStringLiteral("5 failures in 10 s");
        }
        const qsizetype before = buf.size();
        eventcodec::encode(e, origin + std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), buf);
        written += buf.size() - before;
        if (buf.size() > (8 << 20) - 4096) {
            if (f.write(buf) != buf.size())
                return false;
            buf.clear();
        }
    }
    return f.write(buf) == buf.size() && f.flush();
}

struct Timed {
    double ms = 0;
    qint64 result = 0;
};

Timed shell(const QString& command)
{
    QProcess p;
    const auto t = Clock::now();
    p.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), command });
    if (!p.waitForFinished(-1))
        return { -1, -1 };
    return { msSince(t), p.readAllStandardOutput().trimmed().toLongLong() };
}

template <typename F> Timed best(int rounds, F&& f)
{
    Timed out { 1e300, 0 };
    for (int i = 0; i < rounds; ++i) {
        const auto t = Clock::now();
        const qint64 r = f();
        const double ms = msSince(t);
        if (ms < out.ms)
            out = { ms, r };
    }
    return out;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    qint64 size = 210LL << 20;
    QString path = QDir::temp().filePath(QStringLiteral("rwb_bench_log.jsonl"));
    bool keep = false;
    bool compare = true;
    bool indexOnly = false;
    int threads = 0;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--size") && i + 1 < args.size())
            size = parseSize(args[++i]);
        else if (a == QLatin1String("--file") && i + 1 < args.size())
            path = args[++i];
        else if (a == QLatin1String("--threads") && i + 1 < args.size())
            threads = args[++i].toInt();
        else if (a == QLatin1String("--keep"))
            keep = true;
        else if (a == QLatin1String("--no-compare"))
            compare = false;
        else if (a == QLatin1String("--index-only"))
            indexOnly = true;
        else {
            std::fprintf(stderr,
                "usage: bench_log [--size 210M|1G] [--file PATH] [--keep] [--no-compare] [--threads N] "
                "[--index-only]\n");
            return 2;
        }
    }
    if (size <= 0) {
        std::fprintf(stderr, "bench_log: bad --size\n");
        return 2;
    }

    const bool reuse = keep && QFile::exists(path) && QFile(path).size() >= size;
    if (!reuse) {
        std::printf(
            "generating %.2f GB of workbench JSONL in %s ...\n", double(size) / double(1 << 30), qPrintable(path));
        std::fflush(stdout);
        const auto t = Clock::now();
        if (!generate(path, size)) {
            std::fprintf(stderr, "bench_log: cannot write %s\n", qPrintable(path));
            return 1;
        }
        std::printf("  generated in %.1f s\n", msSince(t) / 1000.0);
    }
    const qint64 bytes = QFile(path).size();

    const bool haveGrep = compare && !QStandardPaths::findExecutable(QStringLiteral("grep")).isEmpty();
    const bool haveRg = compare && !QStandardPaths::findExecutable(QStringLiteral("rg")).isEmpty();
    const bool haveJq = compare && !QStandardPaths::findExecutable(QStringLiteral("jq")).isEmpty();
    const int usedThreads = threads > 0 ? threads : QThread::idealThreadCount();

    // One-shot queries: what `rwb logs query FILE QUERY --count` does without a cached index. Each figure
    // is the best of 3 runs over a file in the page cache (grep and rg get the same), and includes
    // reading the whole file, detecting the mapping, the literal prefilter and parsing the candidate lines.
    struct OneShot {
        const char* text;
        QStringList fixed; ///< the same count with grep -c -F / rg -c -F (one -e per string)
    };
    const OneShot oneShots[] = {
        { "level>=ERROR", { QStringLiteral("\"level\": \"ERROR\""), QStringLiteral("\"level\": \"CRITICAL\"") } },
        { "agent=payments", { QStringLiteral("\"agent\": \"payments\"") } },
        { "\"connection reset\"", { QStringLiteral("connection reset") } },
        { "extra.event=breaker_transition", { QStringLiteral("\"event\": \"breaker_transition\"") } },
    };
    auto fixedArgs = [&path](const QStringList& fixed) -> QString {
        QStringList words;
        for (const QString& f : fixed)
            words << QStringLiteral("-e '%1'").arg(f);
        words << QStringLiteral("'%1'").arg(path);
        return QLatin1Char(' ') + words.join(QLatin1Char(' '));
    };
    if (!indexOnly) {
        std::printf(
            "\none-shot query, --count (LogScan, %d threads; no index built or kept); goal: <= grep -c\n", usedThreads);
        std::printf("  ratio = one-shot time / tool time, both over the whole file from the page cache;"
                    " below 1 is faster\n");
        std::printf(
            "%-34s %10s %9s %9s %9s %9s %9s\n", "query", "matches", "pread ms", "mmap ms", "grep ms", "rg ms", "ratio");
    }
    for (const OneShot& q : indexOnly ? std::span<const OneShot> {} : std::span<const OneShot>(oneShots)) {
        const auto query = LogQuery::parse(QString::fromUtf8(q.text));
        auto run = [&](bool map) {
            return best(3, [&] {
                LogScan::Options o;
                o.threads = threads;
                o.countOnly = true;
                o.useMap = map;
                LogScanResult r;
                LogScan::scanFile(path, *query, o, {}, &r);
                return r.matches;
            });
        };
        const Timed pread = run(false);
        const Timed map = run(true);
        Timed g { -1, -1 }, rg { -1, -1 };
        if (haveGrep)
            g = best(3, [&] { return shell(QStringLiteral("LC_ALL=C grep -c -F") + fixedArgs(q.fixed)).result; });
        if (haveRg)
            rg = best(3, [&] { return shell(QStringLiteral("rg -c -F") + fixedArgs(q.fixed)).result; });
        const double tool = g.ms > 0 ? g.ms : rg.ms;
        std::printf("%-34s %10lld %9.1f %9.1f %9.1f %9.1f %9s\n", q.text, static_cast<long long>(pread.result),
            pread.ms, map.ms, g.ms, rg.ms,
            tool > 0 ? qPrintable(
                QString::number(pread.ms / tool, 'f', 2) + (g.ms > 0 ? QStringLiteral("xg") : QStringLiteral("xr")))
                     : "-");
        if ((g.ms > 0 && g.result != pread.result) || (rg.ms > 0 && rg.result != pread.result))
            std::printf("  (grep/rg counted %lld/%lld: their fixed strings are a proxy for the query)\n",
                static_cast<long long>(g.result), static_cast<long long>(rg.result));
    }

    // Index, watching for the first published rows.
    LogIndex index;
    LogIndex::Options options;
    options.threads = threads;
    const auto t0 = Clock::now();
    const double cpu0 = cpuMs();
    QString error;
    if (!index.open(path, options, &error)) {
        std::fprintf(stderr, "bench_log: %s\n", qPrintable(error));
        return 1;
    }
    while (index.rowCount() == 0 && index.isIndexing())
        std::this_thread::yield();
    const double firstRowsMs = msSince(t0);
    index.waitForFinished();
    const double indexMs = msSince(t0);
    const double indexCpuMs = cpuMs() - cpu0;
    const qint64 rows = index.rowCount();
    const LogSnapshot snap = index.snapshot();

    std::printf("\nfile: %.3f GB, %lld lines (%.0f bytes/line)\n", double(bytes) / 1e9, static_cast<long long>(rows),
        double(bytes) / double(rows));
    std::printf("index: %.0f ms, %.2f GB/s (%d threads), first rows after %.2f ms\n", indexMs,
        double(bytes) / 1e9 / (indexMs / 1000.0), threads > 0 ? threads : QThread::idealThreadCount(), firstRowsMs);
    std::printf("index CPU time: %.0f ms (%.2f GB/s per busy core; the machine is shared, see the load average)\n",
        indexCpuMs, double(bytes) / 1e9 / (indexCpuMs / 1000.0));
    std::printf("index memory: columns %.1f bytes/line (goal <= 24); with dictionaries %.1f bytes/line (%.1f MB)\n",
        index.bytesPerRow(), double(index.indexMemoryBytes()) / double(rows), double(index.indexMemoryBytes()) / 1e6);
    std::printf("index build goal: >= 2 GB/s wall\n");
    if (indexOnly) {
        if (!keep)
            QFile::remove(path);
        return 0;
    }
    {
        const auto query = LogQuery::parse(QStringLiteral("level>=ERROR"));
        const Timed count = best(3, [&] { return query->count(snap); });
        std::printf(
            "index build + count of level>=ERROR (the path of rwb logs query --count without a cache): %.0f ms\n",
            indexMs + count.ms);
    }

    // The second query on the unchanged file: the index comes from the cache (built here first).
    {
        QTemporaryDir cacheDir;
        LogIndex::Options cached = options;
        cached.cacheDirectory = cacheDir.path();
        cached.cacheMaxBytes = qint64(1) << 40;
        const auto tb = Clock::now();
        LogIndex first;
        first.open(path, cached);
        first.waitForFinished();
        const double buildAndSaveMs = msSince(tb);
        const qint64 cacheBytes = QFileInfo(LogIndexCache::fileFor(cacheDir.path(), path)).size();
        const auto query = LogQuery::parse(QStringLiteral("level>=ERROR"));
        const Timed second = best(3, [&] {
            LogIndex again;
            again.open(path, cached);
            again.waitForFinished();
            if (again.cacheUse() != LogIndex::CacheUse::Loaded)
                return qint64(-1);
            return query->count(again.snapshot());
        });
        std::printf("index cache: build + save %.0f ms, %.1f MB on disk (%.1f bytes/line)\n", buildAndSaveMs,
            double(cacheBytes) / 1e6, double(cacheBytes) / double(rows));
        std::printf(
            "second query (level>=ERROR --count): %.1f ms = load the cached index + count (%lld); goal <= 50 ms\n",
            second.ms, static_cast<long long>(second.result));
    }

    struct Q {
        const char* text;
        const char* grep;
        const char* jq;
    };
    const Q queries[] = {
        { "level>=ERROR", nullptr, "select(.level==\"ERROR\" or .level==\"CRITICAL\")" },
        { "agent=payments and extra.delay_ms>1000", nullptr,
            "select(.agent==\"payments\" and (.extra.delay_ms // 0) > 1000)" },
        { "\"connection reset\"", "connection reset", nullptr },
        { "message~\"connection reset\"", nullptr, nullptr },
        { "extra.event=breaker_transition", nullptr, nullptr },
    };
    std::printf("\nqueries over the built index (evaluation only)\n%-45s %12s %10s %14s\n", "query", "matches", "ms",
        "ms/10M lines");
    for (const Q& q : queries) {
        const auto query = LogQuery::parse(QString::fromUtf8(q.text));
        const Timed t = best(3, [&] { return qint64(query->evaluate(snap).size()); });
        std::printf(
            "%-45s %12lld %10.1f %14.1f\n", q.text, static_cast<long long>(t.result), t.ms, t.ms * 1e7 / double(rows));
        if (q.grep && haveGrep) {
            const Timed g = best(2, [&] {
                return shell(QStringLiteral("LC_ALL=C grep -c -F '%1' '%2'").arg(QString::fromUtf8(q.grep), path))
                    .result;
            });
            std::printf("  %-43s %12lld %10.1f   (ratio %.2fx: evaluation over the built index / grep over the file)\n",
                "grep -c -F", static_cast<long long>(g.result), g.ms, t.ms / g.ms);
        }
        if (q.jq && haveJq) {
            const Timed j = shell(QStringLiteral("jq -c '%1' '%2' | wc -l").arg(QString::fromUtf8(q.jq), path));
            std::printf("  %-43s %12lld %10.1f\n", "jq -c ... | wc -l", static_cast<long long>(j.result), j.ms);
        }
    }
    if (!keep)
        QFile::remove(path);
    return 0;
}
