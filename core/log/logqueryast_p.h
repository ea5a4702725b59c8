#pragma once

// The parsed form of a LogQuery, shared by its parser (logqueryparser.cpp), its evaluator
// (logqueryevaluator.cpp) and the scanner's prefilter (logqueryprefilter.cpp). Private to core/log.

#include "core/log/fieldmapping.h"
#include "core/log/logquery.h"

#include <QRegularExpression>

#include <cstdint>
#include <memory>
#include <vector>

namespace rwb {

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

namespace logquery_detail {

inline bool ordered(QOp op)
{
    return op == QOp::Lt || op == QOp::Le || op == QOp::Gt || op == QOp::Ge;
}
inline bool negative(QOp op)
{
    return op == QOp::Ne || op == QOp::NotContains || op == QOp::NotRegex;
}

/// True when the bytes need no escaping in JSON: a raw line then shows them as they are.
inline bool plainBytes(const QByteArray& s)
{
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\' || c == '/')
            return false;
    }
    return true;
}

inline bool applyOrder(QOp op, int c)
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

inline QByteArray joinPath(const QByteArray& prefix, const QByteArray& path)
{
    return prefix.isEmpty() ? path : prefix + '.' + path;
}

/// The field a comparison reads under `mapping`: extra.<eventKey> is the event column.
inline QField effectiveField(const Node& n, const FieldMapping& mapping, QByteArray* path = nullptr)
{
    if (n.field != QField::Extra)
        return n.field;
    const QByteArray full = joinPath(mapping.extraPrefix, n.path);
    if (path)
        *path = full;
    return !mapping.eventKey.isEmpty() && full == mapping.eventKey ? QField::Event : QField::Extra;
}

} // namespace logquery_detail
} // namespace rwb
