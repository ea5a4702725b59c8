#include "core/log/logqueryast_p.h"

#include "core/common/iso8601.h"

namespace rwb {

using namespace logquery_detail;

QString LogQueryError::toString() const
{
    return QStringLiteral("column %1: %2").arg(column).arg(message);
}

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
            const auto t = iso8601::parseTimestamp(QByteArrayView(n->utf8));
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

} // namespace rwb
