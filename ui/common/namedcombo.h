#pragma once

#include <QJsonArray>
#include <QString>

class QComboBox;

namespace rwb {

/// Fills `combo` with the "name" of each object in `items` (unnamed ones get `unnamedPattern` with
/// their 1-based position as %1), keeps `current` in range and selects it. The combo is disabled
/// when there is nothing to choose. Used by the editors' pipeline and service selectors.
void fillNamedCombo(QComboBox* combo, const QJsonArray& items, const QString& unnamedPattern, int& current);

} // namespace rwb
