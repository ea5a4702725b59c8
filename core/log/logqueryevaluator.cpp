#include "core/log/logqueryast_p.h"

#include "core/log/jsonscan.h"
#include "core/log/logindex_p.h"

#include <QThread>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>

namespace rwb {

using namespace logindex_detail;
using namespace logquery_detail;

namespace {

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A comparison resolved against one snapshot: dictionary lookups done once.
struct Resolved {
    enum class Mode : std::uint8_t { Column, IdEq, IdTable, Json, Never, Always };
    Mode mode = Mode::Json;
    std::uint32_t id = 0;
    std::vector<std::uint8_t> table; // by dictionary id
    bool eventOverflow = false; // event ids >= 255 share one slot: check those rows by JSON
    std::vector<std::string> taskPrefixes; // to spell inline task ids (see taskcode)
    QByteArray jsonPath; // full dotted path in the line
    QByteArray fallbackPath; // read when jsonPath is absent or null (CLEF's @mt for message)
    std::shared_ptr<const jsonscan::PathSet> paths; // jsonPath (+ fallbackPath), compiled once
    QByteArray prefilter; // bytes that must occur in the raw line (unless it has escapes)
};

struct Context {
    const char* data = nullptr;
    std::vector<Resolved> leaves;
};


int compareBytes(std::string_view a, std::string_view b)
{
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

/// Compares a text (UTF-8) with the node's literal.
bool matchText(const Node& n, std::string_view text)
{
    switch (n.op) {
    case QOp::Contains:
    case QOp::NotContains: {
        const bool has
            = text.find(std::string_view(n.utf8.constData(), std::size_t(n.utf8.size()))) != std::string_view::npos;
        return has != (n.op == QOp::NotContains);
    }
    case QOp::Regex:
    case QOp::NotRegex: {
        const bool has = n.regex.match(QString::fromUtf8(text.data(), qsizetype(text.size()))).hasMatch();
        return has != (n.op == QOp::NotRegex);
    }
    default: {
        double v = 0;
        if (n.isNumber && jsonscan::toDouble(text, &v)) {
            const int c = v < n.number ? -1 : (v > n.number ? 1 : 0);
            return applyOrder(n.op, c);
        }
        return applyOrder(n.op, compareBytes(text, std::string_view(n.utf8.constData(), std::size_t(n.utf8.size()))));
    }
    }
}

bool matchJsonValue(const Node& n, const jsonscan::Value& v)
{
    using jsonscan::Type;
    if (!v.found() || v.type == Type::Null)
        return negative(n.op);
    if (v.type == Type::Number && n.isNumber
        && !(n.op == QOp::Contains || n.op == QOp::NotContains || n.op == QOp::Regex || n.op == QOp::NotRegex)) {
        double d = 0;
        if (jsonscan::toDouble(v, &d))
            return applyOrder(n.op, d < n.number ? -1 : (d > n.number ? 1 : 0));
    }
    if (v.type == Type::String && !v.escaped)
        return matchText(n, v.raw());
    const QByteArray text = jsonscan::text(v);
    return matchText(n, std::string_view(text.constData(), std::size_t(text.size())));
}

std::string_view lineView(const Chunk& c, std::size_t i, const char* data)
{
    const qint64 s = c.lineStart(i);
    return { data + s, std::size_t(c.lineEnd(i, data) - s) };
}

bool jsonRow(const Node& n, const Resolved& r, const Chunk& c, std::size_t i, const char* data)
{
    const std::string_view line = lineView(c, i, data);
    if (!r.prefilter.isEmpty()
        && line.find(std::string_view(r.prefilter.constData(), std::size_t(r.prefilter.size())))
            == std::string_view::npos
        && line.find('\\') == std::string_view::npos) {
        // Without escapes in the line, a value containing the literal must show it in the raw bytes.
        return negative(n.op);
    }
    if (n.field == QField::Line) {
        if (n.op == QOp::Eq || n.op == QOp::Ne)
            return (line == std::string_view(n.utf8.constData(), std::size_t(n.utf8.size()))) == (n.op == QOp::Eq);
        return matchText(n, line);
    }
    jsonscan::Value v[2];
    if (r.paths)
        r.paths->extract(line.data(), line.data() + line.size(), v);
    const bool primary = v[0].found() && v[0].type != jsonscan::Type::Null;
    return matchJsonValue(n, primary || r.fallbackPath.isEmpty() ? v[0] : v[1]);
}

// Marks rows of the chunk whose raw bytes contain `needle` or a backslash (candidates).
void rawCandidates(
    const Chunk& c, const char* data, const QByteArray& needle, bool withBackslash, std::vector<std::uint8_t>& hits)
{
    const char* const base = data + c.base;
    const char* const end = data + c.end;
    auto markFrom = [&](const char* at) {
        const auto off = std::uint32_t(at - base);
        const auto it = std::upper_bound(c.rel.begin(), c.rel.end(), off);
        const std::size_t row = std::size_t(it - c.rel.begin()) - 1;
        hits[row] = 1;
        return row + 1 < c.size() ? base + c.rel[row + 1] : end;
    };
    if (!needle.isEmpty()) {
        const char* p = base;
        while (p < end) {
            const void* hit = memmem(p, std::size_t(end - p), needle.constData(), std::size_t(needle.size()));
            if (!hit)
                break;
            p = markFrom(static_cast<const char*>(hit));
        }
    }
    if (withBackslash) {
        const char* p = base;
        while (p < end) {
            const void* hit = std::memchr(p, '\\', std::size_t(end - p));
            if (!hit)
                break;
            p = markFrom(static_cast<const char*>(hit));
        }
    }
}

void evalNode(const Node& n, const Context& ctx, const Chunk& c, std::vector<std::uint8_t>& mask);

void evalFields(const Node& n, const Context& ctx, const Chunk& c, std::vector<std::uint8_t>& mask);

void evalLeaf(const Node& n, const Context& ctx, const Chunk& c, std::vector<std::uint8_t>& mask)
{
    if (n.field == QField::Line) {
        evalFields(n, ctx, c, mask);
        return;
    }
    // A malformed or blank line has no fields, whatever could be read before the damage (the index
    // keeps that for display): like a missing field it matches only the negative operators.
    std::vector<std::size_t> fieldless;
    const std::uint8_t* fl = c.flags.data();
    for (std::size_t i = 0; i < mask.size(); ++i) {
        if (mask[i] && (fl[i] & (LogRow::Malformed | LogRow::Blank))) {
            fieldless.push_back(i);
            mask[i] = 0;
        }
    }
    evalFields(n, ctx, c, mask);
    for (std::size_t i : fieldless)
        mask[i] = negative(n.op);
}

void evalFields(const Node& n, const Context& ctx, const Chunk& c, std::vector<std::uint8_t>& mask)
{
    const Resolved& r = ctx.leaves[std::size_t(n.leaf)];
    const std::size_t size = c.size();
    std::uint8_t* m = mask.data();
    switch (r.mode) {
    case Resolved::Mode::Never:
        std::fill(mask.begin(), mask.end(), 0);
        return;
    case Resolved::Mode::Always:
        return;
    case Resolved::Mode::Column:
        if (n.field == QField::Level) {
            const auto lit = std::uint8_t(n.level);
            const std::uint8_t* lv = c.level.data();
            for (std::size_t i = 0; i < size; ++i) {
                if (!m[i])
                    continue;
                const std::uint8_t v = lv[i];
                const int cmp = v < lit ? -1 : (v > lit ? 1 : 0);
                m[i] = v != 0 ? applyOrder(n.op, cmp) : (n.op == QOp::Ne);
            }
        } else { // Timestamp
            const qint64 lit = n.timeMs;
            const std::int64_t* ts = c.ts.data();
            for (std::size_t i = 0; i < size; ++i) {
                if (!m[i])
                    continue;
                const std::int64_t v = ts[i];
                m[i] = v == LogRow::kNoTime ? n.op == QOp::Ne : applyOrder(n.op, v < lit ? -1 : (v > lit ? 1 : 0));
            }
        }
        return;
    case Resolved::Mode::IdEq:
    case Resolved::Mode::IdTable: {
        auto run = [&](auto column) {
            for (std::size_t i = 0; i < size; ++i) {
                if (!m[i])
                    continue;
                const std::uint32_t id = column[i];
                if (r.eventOverflow && id == 255) {
                    m[i] = jsonRow(n, r, c, i, ctx.data);
                    continue;
                }
                if (r.mode == Resolved::Mode::IdEq) {
                    m[i] = (id == r.id) == (n.op == QOp::Eq);
                } else if (n.field == QField::Task && taskcode::isInline(id)) {
                    std::string name;
                    taskcode::append(r.taskPrefixes, id, name);
                    m[i] = matchText(n, name);
                } else {
                    m[i] = id < r.table.size() ? r.table[id] : 0;
                }
            }
        };
        if (n.field == QField::Agent)
            run(c.agent.data());
        else if (n.field == QField::Task)
            run(c.task.data());
        else
            run(c.event.data());
        return;
    }
    case Resolved::Mode::Json: {
        std::size_t candidates = 0;
        for (std::size_t i = 0; i < size; ++i)
            candidates += m[i];
        if (candidates == 0)
            return;
        const bool positiveContains = n.op == QOp::Contains || (n.field == QField::Line && n.op == QOp::Eq);
        if (!r.prefilter.isEmpty() && candidates * 4 > size && !negative(n.op)) {
            // Dense: one memmem over the whole chunk beats one per line.
            std::vector<std::uint8_t> hits(size, 0);
            const bool lineContains = n.field == QField::Line && n.op == QOp::Contains;
            rawCandidates(c, ctx.data, r.prefilter, !lineContains, hits);
            for (std::size_t i = 0; i < size; ++i) {
                if (!m[i])
                    continue;
                if (!hits[i])
                    m[i] = 0;
                else if (!(lineContains && positiveContains))
                    m[i] = jsonRow(n, r, c, i, ctx.data);
            }
            return;
        }
        for (std::size_t i = 0; i < size; ++i)
            if (m[i])
                m[i] = jsonRow(n, r, c, i, ctx.data);
        return;
    }
    }
}

void evalNode(const Node& n, const Context& ctx, const Chunk& c, std::vector<std::uint8_t>& mask)
{
    switch (n.kind) {
    case Node::Kind::All:
        return;
    case Node::Kind::And:
        // Each operand only looks at the rows the previous ones kept.
        for (const auto& operand : n.operands)
            evalNode(*operand, ctx, c, mask);
        return;
    case Node::Kind::Or: {
        // Each operand only looks at the rows no earlier operand matched.
        std::vector<std::uint8_t> rest = mask;
        std::vector<std::uint8_t> matched(mask.size(), 0);
        std::vector<std::uint8_t> part;
        for (const auto& operand : n.operands) {
            part = rest;
            evalNode(*operand, ctx, c, part);
            for (std::size_t i = 0; i < mask.size(); ++i) {
                matched[i] |= part[i];
                rest[i] &= !part[i];
            }
        }
        mask.swap(matched);
        return;
    }
    case Node::Kind::Not: {
        std::vector<std::uint8_t> inner = mask;
        evalNode(*n.operands.front(), ctx, c, inner);
        for (std::size_t i = 0; i < mask.size(); ++i)
            mask[i] = mask[i] & !inner[i];
        return;
    }
    case Node::Kind::Cmp:
        evalLeaf(n, ctx, c, mask);
        return;
    }
}

void collectLeaves(const Node& n, std::vector<const Node*>& out)
{
    for (const auto& operand : n.operands)
        collectLeaves(*operand, out);
    if (n.kind == Node::Kind::Cmp) {
        if (out.size() <= std::size_t(n.leaf))
            out.resize(std::size_t(n.leaf) + 1, nullptr);
        out[std::size_t(n.leaf)] = &n;
    }
}


Resolved resolveDictionary(const Node& n, const Dictionary& dict)
{
    Resolved r;
    const std::string_view lit(n.utf8.constData(), std::size_t(n.utf8.size()));
    if (n.op == QOp::Eq || n.op == QOp::Ne) {
        const auto id = dict.find(lit);
        if (!id)
            r.mode = n.op == QOp::Eq ? Resolved::Mode::Never : Resolved::Mode::Always;
        else {
            r.mode = Resolved::Mode::IdEq;
            r.id = *id;
        }
        return r;
    }
    r.mode = Resolved::Mode::IdTable;
    r.table.resize(dict.size());
    r.table[0] = negative(n.op); // id 0: the field is absent, like a missing extra.* value
    for (std::uint32_t id = 1; id < dict.size(); ++id)
        r.table[id] = matchText(n, dict.name(id));
    return r;
}

Context makeContext(const Node* root, const char* data, const State* state, int leafCount)
{
    static const FieldMapping kDefault;
    Context ctx;
    ctx.data = data;
    std::vector<const Node*> leaves;
    if (root)
        collectLeaves(*root, leaves);
    ctx.leaves.resize(std::size_t(std::max<int>(leafCount, int(leaves.size()))));
    const FieldMapping& mapping = state ? state->mapping : kDefault;
    for (std::size_t i = 0; i < leaves.size(); ++i) {
        const Node* n = leaves[i];
        if (!n)
            continue;
        Resolved& r = ctx.leaves[i];
        QByteArray path;
        const QField field = effectiveField(*n, mapping, &path);
        switch (field) {
        case QField::Level:
        case QField::Timestamp:
            r.mode = Resolved::Mode::Column;
            break;
        case QField::Agent:
        case QField::Task:
        case QField::Event: {
            if (field == QField::Event && mapping.eventKey.isEmpty()) {
                r.mode = negative(n->op) ? Resolved::Mode::Always : Resolved::Mode::Never;
                break;
            }
            if (!state) {
                r.mode = negative(n->op) ? Resolved::Mode::Always : Resolved::Mode::Never;
                break;
            }
            {
                std::shared_lock lock(state->lock);
                const Dictionary& events = state->events;
                const Dictionary& dict = field == QField::Agent ? state->agents
                    : field == QField::Task                     ? state->tasks
                                                                : events;
                r = resolveDictionary(*n, dict);
                if (field == QField::Task) {
                    if (n->op == QOp::Eq || n->op == QOp::Ne) {
                        const auto id
                            = state->findTask(std::string_view(n->utf8.constData(), std::size_t(n->utf8.size())));
                        r.mode = id ? Resolved::Mode::IdEq
                                    : (n->op == QOp::Eq ? Resolved::Mode::Never : Resolved::Mode::Always);
                        r.id = id.value_or(0);
                    }
                    r.taskPrefixes = state->taskPrefixes;
                }
                if (field == QField::Event && events.size() > 255) {
                    if (r.mode == Resolved::Mode::IdEq && r.id >= 255) {
                        r.mode = Resolved::Mode::IdTable;
                        r.table.assign(255, n->op == QOp::Ne);
                    } else if (r.mode == Resolved::Mode::Never || r.mode == Resolved::Mode::Always) {
                        const bool always = r.mode == Resolved::Mode::Always;
                        r.mode = Resolved::Mode::IdTable;
                        r.table.assign(255, always);
                    }
                    r.eventOverflow = true;
                    r.jsonPath = mapping.eventKey;
                }
            }
            break;
        }
        case QField::Message:
        case QField::Extra:
        case QField::Line: {
            r.mode = Resolved::Mode::Json;
            r.jsonPath = field == QField::Message ? mapping.messageKey : path;
            if (field == QField::Message)
                r.fallbackPath = mapping.messageFallbackKey;
            if (field == QField::Line) {
                if (n->utf8.contains('\n') && n->op != QOp::Regex && n->op != QOp::NotRegex) {
                    r.mode = negative(n->op) ? Resolved::Mode::Always : Resolved::Mode::Never; // lines have no newline
                    break;
                }
                if ((n->op == QOp::Contains || n->op == QOp::Eq) && !n->utf8.isEmpty())
                    r.prefilter = n->utf8;
            } else if ((n->op == QOp::Contains || n->op == QOp::Eq) && plainBytes(n->utf8) && !n->utf8.isEmpty()
                && !(n->isNumber && n->op == QOp::Eq)) {
                r.prefilter = n->utf8; // "1000" may be written 1e3: numbers are not prefiltered
            } else {
                // The key itself must appear: its last segment followed by a quote (either key, with a
                // fallback: "@m" is no prefix of "@mt" once the quote follows, so skip the test then).
                const qsizetype dot = r.jsonPath.lastIndexOf('.');
                const QByteArray last = r.jsonPath.mid(dot + 1);
                if (plainBytes(last) && !last.isEmpty() && r.fallbackPath.isEmpty())
                    r.prefilter = last + '"';
            }
            if (r.jsonPath.isEmpty() && field != QField::Line)
                r.mode = negative(n->op) ? Resolved::Mode::Always : Resolved::Mode::Never;
            break;
        }
        }
    }
    for (Resolved& r : ctx.leaves) {
        if (!r.jsonPath.isEmpty()) {
            auto paths = std::make_shared<jsonscan::PathSet>();
            paths->add(r.jsonPath);
            if (!r.fallbackPath.isEmpty() && paths->add(r.fallbackPath) != 1)
                r.fallbackPath.clear(); // the same key twice: nothing to fall back to
            r.paths = std::move(paths);
        }
    }
    return ctx;
}

} // namespace

bool LogQuery::matches(const LogSnapshot& snapshot, RowIndex row) const
{
    const qint64 index = row.value;
    if (index < 0 || index >= snapshot.rowCount())
        return false;
    const auto& chunks = snapshot.chunks();
    auto it = std::upper_bound(chunks.begin(), chunks.end(), index,
        [](qint64 r, const std::shared_ptr<const Chunk>& c) { return r < c->firstRow; });
    const Chunk& c = **(it - 1);
    const Context ctx = makeContext(m_root.get(), snapshot.data(), snapshot.state().get(), m_leaves);
    std::vector<std::uint8_t> mask(c.size(), 0);
    mask[std::size_t(index - c.firstRow)] = 1;
    evalNode(*m_root, ctx, c, mask);
    return mask[std::size_t(index - c.firstRow)];
}

namespace {

/// Runs perChunk over every chunk on a few threads. Returns how many chunks, from the first, count:
/// all of them, fewer if the file shrank under the evaluation (a chunk beyond the intact part of the
/// file may have read zeros for vanished pages), 0 if cancelled.
template <typename PerChunk>
std::size_t forEachChunk(const LogSnapshot& snapshot, const LogQueryControl& control, PerChunk perChunk)
{
    const auto& chunks = snapshot.chunks();
    const std::size_t count = chunks.size();
    std::vector<std::uint8_t> clean(count, 0);
    std::atomic<std::size_t> next { 0 };
    std::atomic<std::size_t> done { 0 };
    std::atomic_bool shrank { false };
    std::mutex progressLock;
    double reported = 0;
    auto cancelled = [&] { return control.cancel && control.cancel->load(std::memory_order_relaxed); };
    auto work = [&] {
        while (!cancelled() && !shrank.load(std::memory_order_relaxed)) {
            const std::size_t k = next.fetch_add(1);
            if (k >= count)
                break;
            perChunk(k, *chunks[k]);
            if (chunks[k]->end > snapshot.intactBytes()) { // it may have read zeros for vanished pages
                shrank = true;
                break;
            }
            clean[k] = 1;
            const std::size_t d = done.fetch_add(1) + 1;
            if (control.progress) {
                std::lock_guard lock(progressLock);
                const double p = double(d) / double(count);
                if (p > reported) {
                    reported = p;
                    control.progress(p);
                }
            }
        }
    };
    int threads = control.threads > 0 ? control.threads : std::max(1, QThread::idealThreadCount());
    threads = int(std::min<std::size_t>(std::size_t(threads), count));
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    std::size_t usable = 0;
    if (!cancelled()) {
        while (usable < count && clean[usable])
            ++usable;
    }
    if (control.outcome) {
        control.outcome->fileShrank = shrank.load();
        control.outcome->rowsScanned
            = usable == 0 ? 0 : chunks[usable - 1]->firstRow + qint64(chunks[usable - 1]->size());
    }
    return usable;
}

} // namespace

std::vector<qint64> LogQuery::evaluate(const LogSnapshot& snapshot, const LogQueryControl& control) const
{
    const Context ctx = makeContext(m_root.get(), snapshot.data(), snapshot.state().get(), m_leaves);
    const auto& chunks = snapshot.chunks();
    std::vector<std::vector<qint64>> parts(chunks.size());
    const std::size_t usable = forEachChunk(snapshot, control, [&](std::size_t k, const Chunk& c) {
        std::vector<std::uint8_t> mask(c.size(), 1);
        evalNode(*m_root, ctx, c, mask);
        auto& out = parts[k];
        for (std::size_t i = 0; i < mask.size(); ++i)
            if (mask[i])
                out.push_back(c.firstRow + qint64(i));
    });
    std::vector<qint64> result;
    std::size_t total = 0;
    for (std::size_t k = 0; k < usable; ++k)
        total += parts[k].size();
    result.reserve(total);
    for (std::size_t k = 0; k < usable; ++k)
        result.insert(result.end(), parts[k].begin(), parts[k].end());
    return result;
}

qint64 LogQuery::count(const LogSnapshot& snapshot, const LogQueryControl& control) const
{
    const Context ctx = makeContext(m_root.get(), snapshot.data(), snapshot.state().get(), m_leaves);
    std::vector<qint64> perChunk(snapshot.chunks().size(), 0);
    const std::size_t usable = forEachChunk(snapshot, control, [&](std::size_t k, const Chunk& c) {
        std::vector<std::uint8_t> mask(c.size(), 1);
        evalNode(*m_root, ctx, c, mask);
        qint64 n = 0;
        for (auto v : mask)
            n += v;
        perChunk[k] = n;
    });
    qint64 total = 0;
    for (std::size_t k = 0; k < usable; ++k)
        total += perChunk[k];
    return total;
}

void LogQuery::evaluateChunk(
    const Chunk& chunk, const char* data, const State& state, std::vector<std::uint8_t>& mask) const
{
    const Context ctx = makeContext(m_root.get(), data, &state, m_leaves);
    evalNode(*m_root, ctx, chunk, mask);
}

} // namespace rwb
