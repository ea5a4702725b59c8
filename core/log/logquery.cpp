#include "core/log/logquery.h"

#include "core/log/eventcodec.h"
#include "core/log/jsonscan.h"
#include "core/log/logindex_p.h"

#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>

namespace rwb {

using namespace logindex_detail;

QString LogQueryError::toString() const
{
    return QStringLiteral("column %1: %2").arg(column).arg(message);
}

// ---------------------------------------------------------------------------------------------
// AST

enum class QField : std::uint8_t { Level, Agent, Task, Message, Timestamp, Event, Line, Extra };
enum class QOp : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge, Contains, NotContains, Regex, NotRegex };

struct LogQuery::Node {
    enum class Kind : std::uint8_t { All, And, Or, Not, Cmp };
    Kind kind = Kind::All;
    /// And, Or: two or more operands, flattened (a and b and c is one node), so a long chain of
    /// conditions is wide, not deep. Not: one operand.
    std::vector<std::shared_ptr<const Node>> operands;
    int depth = 0; ///< and/or/not nodes on the longest path down from here (0 for a comparison)

    // Cmp
    QField field = QField::Line;
    QOp op = QOp::Eq;
    QByteArray path; ///< Extra: the path after "extra."
    QString value;
    QByteArray utf8; ///< value as UTF-8
    bool isNumber = false;
    double number = 0;
    LogLevel level = LogLevel::Unknown;
    qint64 timeMs = 0;
    QRegularExpression regex;
    int leaf = -1; ///< index into the per-evaluation resolved leaves
    QString fieldText;
};

using Node = LogQuery::Node;
using NodePtr = std::shared_ptr<const Node>;

namespace {

const char* opText(QOp op)
{
    switch (op) {
    case QOp::Eq:
        return "=";
    case QOp::Ne:
        return "!=";
    case QOp::Lt:
        return "<";
    case QOp::Le:
        return "<=";
    case QOp::Gt:
        return ">";
    case QOp::Ge:
        return ">=";
    case QOp::Contains:
        return "~";
    case QOp::NotContains:
        return "!~";
    case QOp::Regex:
        return "=~";
    case QOp::NotRegex:
        return "!=~";
    }
    return "?";
}

bool ordered(QOp op)
{
    return op == QOp::Lt || op == QOp::Le || op == QOp::Gt || op == QOp::Ge;
}
bool negative(QOp op)
{
    return op == QOp::Ne || op == QOp::NotContains || op == QOp::NotRegex;
}

// ---------------------------------------------------------------------------------------------
// Parser: recursive descent over a hand-written lexer; columns are 1-based QString indexes.

class Parser {
public:
    explicit Parser(const QString& text)
        : m_s(text)
    {
    }

    NodePtr parse(LogQueryError* error)
    {
        skipWs();
        if (atEnd())
            return std::make_shared<Node>();
        NodePtr root = orExpr();
        if (!m_failed) {
            skipWs();
            if (!atEnd()) {
                if (peek() == QLatin1Char(')'))
                    fail(m_pos, QStringLiteral("unbalanced ')'"));
                else
                    fail(m_pos, QStringLiteral("expected 'and', 'or' or the end of the query"));
            }
        }
        if (m_failed) {
            if (error)
                *error = m_error;
            return nullptr;
        }
        return root;
    }

private:
    bool atEnd() const { return m_pos >= m_s.size(); }
    QChar peek(qsizetype off = 0) const { return m_pos + off < m_s.size() ? m_s[m_pos + off] : QChar(); }
    void skipWs()
    {
        while (!atEnd() && peek().isSpace())
            ++m_pos;
    }
    void fail(qsizetype pos, const QString& message)
    {
        if (m_failed)
            return;
        m_failed = true;
        m_error = { int(pos) + 1, message };
    }
    static bool identStart(QChar c) { return c.isLetter() || c == QLatin1Char('_') || c == QLatin1Char('@'); }
    static bool identChar(QChar c)
    {
        return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('.') || c == QLatin1Char('@')
            || c == QLatin1Char('-');
    }

    // Keyword at the cursor (case-insensitive, followed by a non-identifier character).
    bool keyword(const char* kw)
    {
        skipWs();
        const auto n = qsizetype(std::strlen(kw));
        if (m_s.size() - m_pos < n)
            return false;
        if (QStringView(m_s).mid(m_pos, n).compare(QLatin1String(kw), Qt::CaseInsensitive) != 0)
            return false;
        if (m_pos + n < m_s.size() && identChar(m_s[m_pos + n]))
            return false;
        m_pos += n;
        return true;
    }
    bool symbol(const char* sym)
    {
        skipWs();
        const auto n = qsizetype(std::strlen(sym));
        if (QStringView(m_s).mid(m_pos, n) != QLatin1String(sym))
            return false;
        m_pos += n;
        return true;
    }

    // `left` is the node being built by the caller's loop (or its first operand); same-kind operands are
    // spliced in, so the tree's depth grows only with parentheses and 'not'.
    NodePtr combine(Node::Kind kind, NodePtr left, NodePtr right)
    {
        if (!left || !right)
            return nullptr;
        std::shared_ptr<Node> n;
        if (left->kind == kind) {
            n = std::const_pointer_cast<Node>(std::move(left)); // built here, not shared yet
        } else {
            n = std::make_shared<Node>();
            n->kind = kind;
            n->depth = left->depth + 1;
            n->operands.push_back(std::move(left));
        }
        if (right->kind == kind) {
            n->depth = std::max(n->depth, right->depth);
            n->operands.insert(n->operands.end(), right->operands.begin(), right->operands.end());
        } else {
            n->depth = std::max(n->depth, right->depth + 1);
            n->operands.push_back(std::move(right));
        }
        return deepEnough(std::move(n));
    }

    // Parentheses and 'not' recurse while parsing, and/or/not nodes while evaluating and printing:
    // both are limited, so that no input can exhaust a stack. Limiting the tree too keeps the
    // canonical text (which puts every and/or in parentheses) within the limit of the parser.
    bool enter(qsizetype pos)
    {
        if (++m_depth <= LogQuery::kMaxNesting)
            return true;
        tooDeep(pos);
        return false;
    }
    void leave() { --m_depth; }
    NodePtr deepEnough(NodePtr n)
    {
        if (n->depth <= LogQuery::kMaxNesting)
            return n;
        tooDeep(m_pos);
        return nullptr;
    }
    void tooDeep(qsizetype pos)
    {
        fail(pos,
            QStringLiteral("nested deeper than %1 levels of parentheses, 'not', 'and' within 'or'")
                .arg(LogQuery::kMaxNesting));
    }

    NodePtr orExpr()
    {
        NodePtr left = andExpr();
        while (!m_failed && (keyword("or") || symbol("||")))
            left = combine(Node::Kind::Or, std::move(left), andExpr());
        return left;
    }

    bool startsOperand()
    {
        skipWs();
        if (atEnd())
            return false;
        const QChar c = peek();
        if (c == QLatin1Char(')'))
            return false;
        const qsizetype save = m_pos;
        const bool isOr = keyword("or");
        m_pos = save;
        return !isOr && !(c == QLatin1Char('|') && peek(1) == QLatin1Char('|'));
    }

    NodePtr andExpr()
    {
        NodePtr left = unary();
        while (!m_failed) {
            if (keyword("and") || symbol("&&")) {
                left = combine(Node::Kind::And, std::move(left), unary());
            } else if (startsOperand()) {
                left = combine(Node::Kind::And, std::move(left), unary()); // juxtaposition means "and"
            } else {
                break;
            }
        }
        return left;
    }

    NodePtr unary()
    {
        skipWs();
        const qsizetype at = m_pos;
        if (keyword("not") || (peek() == QLatin1Char('!') && peek(1) != QLatin1Char('=') && symbol("!"))) {
            if (!enter(at))
                return nullptr;
            NodePtr operand = unary();
            leave();
            if (!operand)
                return nullptr;
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::Not;
            n->depth = operand->depth + 1;
            n->operands.push_back(std::move(operand));
            return deepEnough(std::move(n));
        }
        return primary();
    }

    bool readString(QString& out)
    {
        const QChar quote = peek();
        const qsizetype start = m_pos;
        ++m_pos;
        while (!atEnd()) {
            const QChar c = peek();
            if (c == quote) {
                ++m_pos;
                return true;
            }
            if (c == QLatin1Char('\\')) {
                const QChar n = peek(1);
                if (n.isNull())
                    break;
                switch (n.unicode()) {
                case 'n':
                    out += QLatin1Char('\n');
                    break;
                case 't':
                    out += QLatin1Char('\t');
                    break;
                case 'r':
                    out += QLatin1Char('\r');
                    break;
                default:
                    out += n;
                }
                m_pos += 2;
                continue;
            }
            out += c;
            ++m_pos;
        }
        fail(start, QStringLiteral("unterminated string"));
        return false;
    }

    NodePtr primary()
    {
        skipWs();
        if (atEnd()) {
            fail(m_pos, QStringLiteral("expected a condition"));
            return nullptr;
        }
        const QChar c = peek();
        if (c == QLatin1Char('(')) {
            const qsizetype open = m_pos;
            if (!enter(open))
                return nullptr;
            ++m_pos;
            NodePtr inner = orExpr();
            leave();
            if (m_failed)
                return nullptr;
            if (!symbol(")")) {
                fail(atEnd() ? open : m_pos, atEnd() ? QStringLiteral("unclosed '('") : QStringLiteral("expected ')'"));
                return nullptr;
            }
            return inner;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::Cmp;
            n->field = QField::Line;
            n->op = QOp::Contains;
            n->fieldText = QStringLiteral("line");
            if (!readString(n->value))
                return nullptr;
            n->utf8 = n->value.toUtf8();
            n->leaf = m_leaves++;
            return n;
        }
        if (!identStart(c)) {
            fail(m_pos, QStringLiteral("expected a field name, a quoted string or '('"));
            return nullptr;
        }
        return comparison();
    }

    NodePtr comparison()
    {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::Cmp;
        const qsizetype fieldPos = m_pos;
        while (!atEnd() && identChar(peek()))
            ++m_pos;
        const QString name = m_s.mid(fieldPos, m_pos - fieldPos);
        n->fieldText = name;
        const QString lower = name.toLower();
        if (lower == QLatin1String("level") || lower == QLatin1String("severity"))
            n->field = QField::Level;
        else if (lower == QLatin1String("agent"))
            n->field = QField::Agent;
        else if (lower == QLatin1String("task_id") || lower == QLatin1String("task"))
            n->field = QField::Task;
        else if (lower == QLatin1String("message") || lower == QLatin1String("msg"))
            n->field = QField::Message;
        else if (lower == QLatin1String("timestamp") || lower == QLatin1String("time"))
            n->field = QField::Timestamp;
        else if (lower == QLatin1String("event"))
            n->field = QField::Event;
        else if (lower == QLatin1String("line"))
            n->field = QField::Line;
        else if (lower.startsWith(QLatin1String("extra.")) && name.size() > 6 && !name.endsWith(QLatin1Char('.'))
            && !name.contains(QLatin1String(".."))) {
            n->field = QField::Extra;
            n->path = name.mid(6).toUtf8();
        } else {
            fail(fieldPos,
                QStringLiteral("unknown field '%1' (expected level, agent, task_id, message, timestamp, event, line or "
                               "extra.<name>)")
                    .arg(name));
            return nullptr;
        }
        skipWs();
        const qsizetype opPos = m_pos;
        static const std::pair<const char*, QOp> kOps[] = { { "!=~", QOp::NotRegex }, { "=~", QOp::Regex },
            { "!=", QOp::Ne }, { "!~", QOp::NotContains }, { "<=", QOp::Le }, { ">=", QOp::Ge }, { "==", QOp::Eq },
            { "=", QOp::Eq }, { "<", QOp::Lt }, { ">", QOp::Gt }, { "~", QOp::Contains }, { ":", QOp::Contains } };
        bool haveOp = false;
        for (const auto& [text, op] : kOps) {
            if (symbol(text)) {
                n->op = op;
                haveOp = true;
                break;
            }
        }
        if (!haveOp) {
            fail(opPos,
                atEnd() ? QStringLiteral("expected an operator after '%1'").arg(name)
                        : QStringLiteral("expected an operator (= != < <= > >= ~ !~ =~ !=~)"));
            return nullptr;
        }
        skipWs();
        const qsizetype valuePos = m_pos;
        if (atEnd()) {
            fail(valuePos, QStringLiteral("expected a value after '%1'").arg(QLatin1String(opText(n->op))));
            return nullptr;
        }
        if (peek() == QLatin1Char('"') || peek() == QLatin1Char('\'')) {
            if (!readString(n->value))
                return nullptr;
        } else {
            while (!atEnd() && !peek().isSpace() && peek() != QLatin1Char(')') && peek() != QLatin1Char('('))
                ++m_pos;
            n->value = m_s.mid(valuePos, m_pos - valuePos);
            if (n->value.isEmpty()) {
                fail(valuePos, QStringLiteral("expected a value after '%1'").arg(QLatin1String(opText(n->op))));
                return nullptr;
            }
        }
        n->utf8 = n->value.toUtf8();
        n->isNumber
            = jsonscan::toDouble(std::string_view(n->utf8.constData(), std::size_t(n->utf8.size())), &n->number);
        const bool textOp
            = n->op == QOp::Contains || n->op == QOp::NotContains || n->op == QOp::Regex || n->op == QOp::NotRegex;
        switch (n->field) {
        case QField::Level: {
            if (textOp) {
                fail(opPos, QStringLiteral("level is compared with = != < <= > >="));
                return nullptr;
            }
            const auto level = parseLogLevel(QByteArrayView(n->utf8));
            if (!level) {
                fail(valuePos,
                    QStringLiteral("unknown level '%1' (TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL or 10..60)")
                        .arg(n->value));
                return nullptr;
            }
            n->level = *level;
            break;
        }
        case QField::Timestamp: {
            if (textOp) {
                fail(opPos, QStringLiteral("timestamp is compared with = != < <= > >="));
                return nullptr;
            }
            const auto t = eventcodec::parseIsoTimestamp(QByteArrayView(n->utf8));
            if (!t) {
                fail(valuePos,
                    QStringLiteral("bad timestamp '%1' (expected ISO 8601, e.g. 2026-01-03T15:30)").arg(n->value));
                return nullptr;
            }
            n->timeMs = *t;
            break;
        }
        case QField::Line:
            if (ordered(n->op)) {
                fail(opPos, QStringLiteral("line is compared with = != ~ !~ =~ !=~"));
                return nullptr;
            }
            break;
        default:
            break;
        }
        if (n->op == QOp::Regex || n->op == QOp::NotRegex) {
            n->regex = QRegularExpression(n->value);
            if (!n->regex.isValid()) {
                fail(valuePos + (n->regex.patternErrorOffset() >= 0 ? 0 : 0),
                    QStringLiteral("bad regular expression: %1").arg(n->regex.errorString()));
                return nullptr;
            }
            n->regex.optimize();
        }
        n->leaf = m_leaves++;
        return n;
    }

    const QString& m_s;
    qsizetype m_pos = 0;
    int m_depth = 0;
    bool m_failed = false;
    LogQueryError m_error;
    int m_leaves = 0;

public:
    int leaves() const { return m_leaves; }
};

QString render(const Node& n)
{
    switch (n.kind) {
    case Node::Kind::All:
        return QStringLiteral("*");
    case Node::Kind::And:
    case Node::Kind::Or: {
        QStringList parts;
        for (const auto& operand : n.operands)
            parts << render(*operand);
        const QString separator = n.kind == Node::Kind::And ? QStringLiteral(" and ") : QStringLiteral(" or ");
        return QLatin1Char('(') + parts.join(separator) + QLatin1Char(')');
    }
    case Node::Kind::Not:
        return QStringLiteral("not ") + render(*n.operands.front());
    case Node::Kind::Cmp: {
        QString field;
        switch (n.field) {
        case QField::Level:
            field = QStringLiteral("level");
            break;
        case QField::Agent:
            field = QStringLiteral("agent");
            break;
        case QField::Task:
            field = QStringLiteral("task_id");
            break;
        case QField::Message:
            field = QStringLiteral("message");
            break;
        case QField::Timestamp:
            field = QStringLiteral("timestamp");
            break;
        case QField::Event:
            field = QStringLiteral("event");
            break;
        case QField::Line:
            field = QStringLiteral("line");
            break;
        case QField::Extra:
            field = QStringLiteral("extra.") + QString::fromUtf8(n.path);
            break;
        }
        QString value = n.value;
        if (n.field == QField::Level)
            value = toString(n.level);
        value.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
        return field + QLatin1String(opText(n.op)) + QLatin1Char('"') + value + QLatin1Char('"');
    }
    }
    return {};
}

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

bool plainBytes(const QByteArray& s)
{
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\' || c == '/')
            return false;
    }
    return true;
}

int compareBytes(std::string_view a, std::string_view b)
{
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool applyOrder(QOp op, int c)
{
    switch (op) {
    case QOp::Eq:
        return c == 0;
    case QOp::Ne:
        return c != 0;
    case QOp::Lt:
        return c < 0;
    case QOp::Le:
        return c <= 0;
    case QOp::Gt:
        return c > 0;
    case QOp::Ge:
        return c >= 0;
    default:
        return false;
    }
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

QByteArray joinPath(const QByteArray& prefix, const QByteArray& path)
{
    return prefix.isEmpty() ? path : prefix + '.' + path;
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

/// The field a comparison reads under `mapping`: extra.<eventKey> is the event column.
QField effectiveField(const Node& n, const FieldMapping& mapping, QByteArray* path = nullptr)
{
    if (n.field != QField::Extra)
        return n.field;
    const QByteArray full = joinPath(mapping.extraPrefix, n.path);
    if (path)
        *path = full;
    return !mapping.eventKey.isEmpty() && full == mapping.eventKey ? QField::Event : QField::Extra;
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

// ---------------------------------------------------------------------------------------------
// LogQuery

LogQuery::LogQuery()
    : m_root(std::make_shared<Node>())
{
}
LogQuery::~LogQuery() = default;
LogQuery::LogQuery(const LogQuery&) = default;
LogQuery& LogQuery::operator=(const LogQuery&) = default;
LogQuery::LogQuery(LogQuery&&) noexcept = default;
LogQuery& LogQuery::operator=(LogQuery&&) noexcept = default;

std::optional<LogQuery> LogQuery::parse(const QString& text, LogQueryError* error)
{
    Parser parser(text);
    NodePtr root = parser.parse(error);
    if (!root)
        return std::nullopt;
    LogQuery q;
    q.m_root = std::move(root);
    q.m_text = text;
    q.m_leaves = parser.leaves();
    return q;
}

QString LogQuery::text() const
{
    return m_text;
}
QString LogQuery::toString() const
{
    return render(*m_root);
}
bool LogQuery::matchesAll() const noexcept
{
    return m_root->kind == Node::Kind::All;
}

bool LogQuery::matches(const LogSnapshot& snapshot, qint64 index) const
{
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

// ---------------------------------------------------------------------------------------------
// For the one-shot scanner

namespace {

using Literals = std::optional<std::vector<QByteArray>>; // nullopt: no set, every line is a candidate

QByteArray lastKeySegment(const QByteArray& dottedPath)
{
    return dottedPath.mid(dottedPath.lastIndexOf('.') + 1);
}

/// The same reasoning as the raw prefilter of makeContext: in a line without escapes, a value that
/// equals or contains a plain literal shows it in the raw bytes, and a present key shows its last
/// segment followed by a quote.
Literals leafLiterals(const Node& n, const FieldMapping& mapping)
{
    if (negative(n.op))
        return std::nullopt; // a missing field or a malformed line matches
    QByteArray path;
    const QField field = effectiveField(n, mapping, &path);
    const bool valueInBytes = (n.op == QOp::Contains || n.op == QOp::Eq) && !n.utf8.isEmpty();
    QByteArray key;
    switch (field) {
    case QField::Level:
    case QField::Timestamp:
        return std::nullopt; // spelled in any case or number format; a missing level may match
    case QField::Line:
        if (valueInBytes && !n.utf8.contains('\n'))
            return std::vector<QByteArray> { n.utf8 };
        return std::nullopt;
    case QField::Agent:
        key = mapping.agentKey;
        break;
    case QField::Task:
        key = mapping.taskKey;
        break;
    case QField::Event:
        key = mapping.eventKey;
        break;
    case QField::Message:
        if (!mapping.messageFallbackKey.isEmpty())
            return std::nullopt;
        key = mapping.messageKey;
        break;
    case QField::Extra:
        key = path;
        break;
    }
    if (key.isEmpty())
        return std::nullopt;
    if (valueInBytes && plainBytes(n.utf8) && !(n.isNumber && n.op == QOp::Eq))
        return std::vector<QByteArray> { n.utf8 }; // "1000" may be written 1e3: numbers are not literals
    const QByteArray last = lastKeySegment(key);
    if (last.isEmpty() || !plainBytes(last))
        return std::nullopt;
    return std::vector<QByteArray> { last + '"' };
}

std::size_t shortest(const std::vector<QByteArray>& set)
{
    std::size_t n = std::numeric_limits<std::size_t>::max();
    for (const auto& s : set)
        n = std::min(n, std::size_t(s.size()));
    return n;
}

Literals nodeLiterals(const Node& n, const FieldMapping& mapping)
{
    switch (n.kind) {
    case Node::Kind::All:
    case Node::Kind::Not:
        return std::nullopt;
    case Node::Kind::Cmp:
        return leafLiterals(n, mapping);
    case Node::Kind::And: {
        // Any operand's set will do: take the one whose shortest literal is longest (fewest false hits).
        Literals best;
        for (const auto& operand : n.operands) {
            Literals l = nodeLiterals(*operand, mapping);
            if (l && (!best || shortest(*l) > shortest(*best)))
                best = std::move(l);
        }
        return best;
    }
    case Node::Kind::Or: {
        std::vector<QByteArray> all;
        for (const auto& operand : n.operands) {
            const Literals l = nodeLiterals(*operand, mapping);
            if (!l)
                return std::nullopt;
            all.insert(all.end(), l->begin(), l->end());
        }
        return all;
    }
    }
    return std::nullopt;
}

constexpr std::uint8_t kAllLevels = 0x7F; // bit i: LogLevel(i)

/// The levels (column values) a matching line can have. A positive comparison of the level is false on
/// malformed and blank lines, so whenever the set is not all levels, no such line matches either.
std::uint8_t nodeLevels(const Node& n)
{
    switch (n.kind) {
    case Node::Kind::All:
    case Node::Kind::Not:
        return kAllLevels;
    case Node::Kind::Cmp: {
        if (n.field != QField::Level || negative(n.op))
            return kAllLevels;
        std::uint8_t mask = 0;
        const auto lit = int(n.level);
        for (int v = 1; v < 7; ++v) // the evaluator: an Unknown level (0) matches no positive comparison
            if (applyOrder(n.op, v < lit ? -1 : (v > lit ? 1 : 0)))
                mask |= std::uint8_t(1u << v);
        return mask;
    }
    case Node::Kind::And: {
        std::uint8_t mask = kAllLevels;
        for (const auto& operand : n.operands)
            mask &= nodeLevels(*operand);
        return mask;
    }
    case Node::Kind::Or: {
        std::uint8_t mask = 0;
        for (const auto& operand : n.operands)
            mask |= nodeLevels(*operand);
        return mask;
    }
    }
    return kAllLevels;
}

void collectColumns(const Node& n, const FieldMapping& mapping, ScanColumns& out)
{
    for (const auto& operand : n.operands)
        collectColumns(*operand, mapping, out);
    if (n.kind != Node::Kind::Cmp)
        return;
    switch (effectiveField(n, mapping)) {
    case QField::Level:
        out.level = true;
        break;
    case QField::Timestamp:
        out.timestamp = true;
        break;
    case QField::Agent:
        out.agent = true;
        break;
    case QField::Task:
        out.task = true;
        break;
    case QField::Event:
        out.event = true;
        break;
    default:
        break;
    }
}

} // namespace

ScanColumns LogQuery::scanColumns(const FieldMapping& mapping) const
{
    ScanColumns columns { false, false, false, false, false, false };
    collectColumns(*m_root, mapping, columns);
    return columns;
}

std::vector<QByteArray> LogQuery::requiredLiterals(const FieldMapping& mapping) const
{
    Literals l = nodeLiterals(*m_root, mapping);
    if (!l)
        return {};
    std::sort(l->begin(), l->end());
    l->erase(std::unique(l->begin(), l->end()), l->end());
    return *l;
}

std::uint8_t LogQuery::requiredLevels() const
{
    return nodeLevels(*m_root);
}

void LogQuery::evaluateChunk(
    const Chunk& chunk, const char* data, const State& state, std::vector<std::uint8_t>& mask) const
{
    const Context ctx = makeContext(m_root.get(), data, &state, m_leaves);
    evalNode(*m_root, ctx, chunk, mask);
}

} // namespace rwb
