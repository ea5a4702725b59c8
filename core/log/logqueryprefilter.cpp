#include "core/log/logqueryast_p.h"

#include "core/log/logindex_p.h"

#include <algorithm>
#include <optional>

namespace rwb {

using namespace logindex_detail;
using namespace logquery_detail;

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

} // namespace rwb
