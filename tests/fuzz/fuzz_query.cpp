// Fuzzes the query parser and evaluator. Invariants beyond "no crash": an accepted query's
// canonical form parses again to the same canonical form; a rejected one has a column inside
// the text (or one past its end); evaluation over a small fixed log stays in bounds and ordered.
#include "core/log/logquery.h"

#include <QFile>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace rwb;

namespace {
void check(bool ok)
{
    if (!ok)
        std::abort();
}

const LogSnapshot& sample()
{
    static QTemporaryDir dir;
    static std::unique_ptr<LogIndex> index;
    static LogSnapshot snap;
    if (!index) {
        const QString path = dir.filePath(QStringLiteral("s.jsonl"));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly)) {
            for (int i = 0; i < 64; ++i)
                f.write(QStringLiteral("{\"timestamp\": \"2026-01-03T15:30:%1.000+00:00\", \"level\": \"%2\", \"agent\": \"a%3\", "
                                       "\"task_id\": \"req-%4\", \"message\": \"m %4 \\u00e9\", \"extra\": {\"event\": \"attempt\", "
                                       "\"delay_ms\": %5, \"s\": \"x%4\"}}\n")
                            .arg(i % 60, 2, 10, QLatin1Char('0'))
                            .arg(QLatin1String(i % 3 ? "INFO" : "ERROR"))
                            .arg(i % 4)
                            .arg(i)
                            .arg(i * 37)
                            .toUtf8());
            f.write("broken\n\n");
        }
        f.close();
        index = std::make_unique<LogIndex>();
        LogIndex::Options o;
        o.chunkBytes = 4096;
        index->open(path, o);
        index->waitForFinished();
        snap = index->snapshot();
    }
    return snap;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    if (size > (1 << 20))
        return 0; // long enough for any nesting and chain the parser must refuse or flatten
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(bytes), qsizetype(size));
    LogQueryError error;
    const auto query = LogQuery::parse(text, &error);
    if (!query) {
        check(error.column >= 1 && error.column <= text.size() + 1 && !error.message.isEmpty());
        return 0;
    }
    const QString canonical = query->toString();
    const auto again = LogQuery::parse(canonical);
    check(again.has_value() || canonical == QLatin1String("*"));
    if (again && canonical != QLatin1String("*"))
        check(again->toString() == canonical);
    const LogSnapshot& snap = sample();
    const auto rows = query->evaluate(snap);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        check(rows[i] >= 0 && rows[i] < snap.rowCount());
        check(i == 0 || rows[i - 1] < rows[i]);
    }
    check(qint64(rows.size()) == query->count(snap));
    return 0;
}
