#pragma once

#include "ui/editors/parameterspec.h"

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QPointer>

namespace rwb {

class ScenarioDocument;

/// A table over a JSON array of objects in the scenario document (outage windows, schedule
/// changes): one row per element, one column per ParameterSpec. Edits, insertions and removals go
/// through the document's undo stack; the model follows the document. GUI thread only.
class JsonArrayModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    JsonArrayModel(ParameterSpecs columns, QObject* parent = nullptr);

    /// Binds to `pointer` (e.g. "/services/0/faults/outages") in `document`; null detaches.
    void bind(ScenarioDocument* document, const QString& pointer);
    QString pointer() const { return m_pointer; }

    /// Appends `element` (undoable). Returns false when unbound.
    bool appendElement(const QJsonObject& element, const QString& description);
    /// Removes row `row` (undoable).
    bool removeElement(int row, const QString& description);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();

    ParameterSpecs m_columns;
    QPointer<ScenarioDocument> m_document;
    QString m_pointer;
    QJsonArray m_array;
};

} // namespace rwb
