#include "ui/common/namedcombo.h"

#include <QComboBox>
#include <QJsonObject>

namespace rwb {

void fillNamedCombo(QComboBox* combo, const QJsonArray& items, const QString& unnamedPattern, int& current)
{
    combo->clear();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString name = items.at(i).toObject().value(QStringLiteral("name")).toString();
        combo->addItem(name.isEmpty() ? unnamedPattern.arg(i + 1) : name);
    }
    if (current >= combo->count())
        current = 0;
    combo->setCurrentIndex(current);
    combo->setEnabled(combo->count() > 1);
}

} // namespace rwb
