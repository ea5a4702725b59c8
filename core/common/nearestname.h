#pragma once

#include <QStringList>
#include <QStringView>

namespace rwb {

/// The name in `known` fewest one-character edits (Levenshtein) away from `typed`, the first of equals,
/// if at most `maxEdits` away; empty otherwise. For "did you mean ...?" hints on mistyped keys and options.
QString nearestName(QStringView typed, const QStringList& known, int maxEdits = 2);

} // namespace rwb
