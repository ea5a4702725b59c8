// Fuzzes the JSON line scanner, the timestamp/level parsers, the event decoder and LogIndex on a
// whole file. Invariants checked beyond "no crash":
//  - a line that the strict validator accepts as an object is never reported Malformed;
//  - every row's byte range lies inside the file, and rows cover the file in order.
#include "core/common/iso8601.h"
#include "core/log/eventcodec.h"
#include "core/log/jsonwrite.h"
#include "core/log/jsonscan.h"
#include "core/log/logindex.h"
#include "core/log/logquery.h"

#include <QFile>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdlib>

using namespace rwb;

namespace {
void check(bool ok)
{
    if (!ok)
        std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const char* b = reinterpret_cast<const char*>(bytes);
    const char* e = b + size;

    jsonscan::PathSet paths;
    for (const char* p : {"timestamp", "level", "agent", "task_id", "extra.event", "log.level", "a.b.c.d"})
        paths.add(QByteArray(p));
    jsonscan::Value v[jsonscan::PathSet::kMaxPaths];
    const auto result = paths.extract(b, e, v);
    for (int i = 0; i < paths.size(); ++i) {
        if (!v[i].found())
            continue;
        check(v[i].begin >= b && v[i].end <= e && v[i].begin <= v[i].end);
        (void)jsonscan::text(v[i]);
        double d = 0;
        (void)jsonscan::toDouble(v[i], &d);
        (void)parseLogLevel(QByteArrayView(v[i].begin, v[i].end - v[i].begin));
        (void)iso8601::parseTimestamp(QByteArrayView(v[i].begin, v[i].end - v[i].begin));
    }
    const char* first = jsonscan::skipWs(b, e);
    if (jsonscan::validate(b, e) && first < e && *first == '{')
        check(result != jsonscan::PathSet::Result::Malformed);
    (void)jsonscan::isValidUtf8(b, size);
    (void)eventcodec::decode(QByteArrayView(b, qsizetype(size)), 0);
    QByteArray escaped;
    jsonwrite::appendString(QByteArrayView(b, qsizetype(size)), escaped);
    check(jsonscan::isValidUtf8(escaped.constData(), std::size_t(escaped.size())));
    check(jsonscan::validate(escaped.constData(), escaped.constData() + escaped.size()));

    // The whole input as a file.
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("in.jsonl"));
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        f.write(b, qint64(size));
    }
    LogIndex index;
    LogIndex::Options options;
    options.threads = 1 + (size & 1); // both the serial and the parallel publishing paths
    options.chunkBytes = 4096;
    if (!index.open(path, options))
        return 0;
    index.waitForFinished();
    const LogSnapshot snap = index.snapshot();
    qint64 end = 0;
    for (qint64 i = 0; i < snap.rowCount(); ++i) {
        const LogRow r = snap.row(RowIndex(i));
        check(r.offset >= end && r.length >= 0 && r.offset + r.length <= qint64(size));
        end = r.offset + r.length;
        (void)snap.agentName(r.agentId);
        (void)snap.taskName(r.taskId);
    }
    (void)index.stats();
    static const auto query = LogQuery::parse(QStringLiteral("level>=WARNING or message~a or extra.x.y>3 or task_id~1"));
    LogQueryControl control;
    control.threads = 1;
    (void)query->evaluate(snap, control);
    return 0;
}
