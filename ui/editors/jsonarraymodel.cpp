#include "ui/editors/jsonarraymodel.h"

#include "core/config/jsonpointer.h"
#include "ui/document/scenariodocument.h"

#include <QJsonObject>
#include <QLocale>

namespace rwb {

JsonArrayModel::JsonArrayModel(ParameterSpecs columns, QObject* parent)
    : QAbstractTableModel(parent)
    , m_columns(std::move(columns))
{
}

void JsonArrayModel::bind(ScenarioDocument* document, const QString& pointer)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_pointer = pointer;
    if (m_document) {
        connect(m_document, &ScenarioDocument::valueChanged, this, [this](const QString& changed) {
            // Reload when the array, one of its parents or one of its elements changed.
            if (changed.startsWith(m_pointer) || m_pointer.startsWith(changed))
                reload();
        });
        connect(m_document, &ScenarioDocument::documentReset, this, &JsonArrayModel::reload);
    }
    reload();
}

void JsonArrayModel::reload()
{
    const QJsonArray fresh = m_document ? m_document->value(m_pointer).toArray() : QJsonArray();
    if (fresh.size() == m_array.size()) {
        m_array = fresh;
        if (!m_array.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_array.size()) - 1, int(m_columns.size()) - 1));
        return;
    }
    beginResetModel();
    m_array = fresh;
    endResetModel();
}

bool JsonArrayModel::appendElement(const QJsonObject& element, const QString& description)
{
    if (!m_document)
        return false;
    QJsonArray next = m_array;
    next.append(element);
    m_document->setValue(m_pointer, next, description);
    return true;
}

bool JsonArrayModel::removeElement(int row, const QString& description)
{
    if (!m_document || row < 0 || row >= m_array.size())
        return false;
    QJsonArray next = m_array;
    next.removeAt(row);
    m_document->setValue(m_pointer, next, description);
    return true;
}

int JsonArrayModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_array.size());
}

int JsonArrayModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant JsonArrayModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ParameterSpec& spec = m_columns[std::size_t(index.column())];
    const QJsonValue raw = json::get(m_array.at(index.row()), QLatin1Char('/') + spec.key);
    const double display = spec.toDisplay(raw);
    if (spec.kind == ParameterSpec::Kind::Text) {
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return raw.toString();
        if (role == Qt::ToolTipRole)
            return spec.tooltip;
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        if (spec.kind == ParameterSpec::Kind::Choice) {
            const int i = int(display);
            const QStringList& labels = spec.choiceLabels.isEmpty() ? spec.choices : spec.choiceLabels;
            return i >= 0 && i < labels.size() ? labels.at(i) : QString();
        }
        if (spec.kind == ParameterSpec::Kind::Bool)
            return display != 0.0 ? tr("yes") : tr("no");
        if (spec.kind == ParameterSpec::Kind::Real && spec.choices.isEmpty() && spec.unit.isEmpty() && raw.isString())
            return raw.toString();
        return QString(QLocale().toString(display, 'f', spec.kind == ParameterSpec::Kind::Integer ? 0 : spec.decimals)
            + (spec.unit.isEmpty() ? QString() : QString(QLatin1Char(' ') + spec.unit)));
    case Qt::EditRole:
        if (spec.kind == ParameterSpec::Kind::Choice)
            return int(display);
        return display;
    case Qt::ToolTipRole:
        return spec.tooltip;
    case Qt::TextAlignmentRole:
        return spec.kind == ParameterSpec::Kind::Choice ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                        : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

bool JsonArrayModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !m_document
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const ParameterSpec& spec = m_columns[std::size_t(index.column())];
    const QString pointer = json::child(m_pointer, index.row()) + QLatin1Char('/') + spec.key;
    if (spec.kind == ParameterSpec::Kind::Text) {
        m_document->setValue(pointer, value.toString(), tr("Edit %1").arg(spec.label));
        return true;
    }
    bool ok = false;
    const double display = value.toDouble(&ok);
    if (!ok || display < spec.minimum || display > spec.maximum)
        return false;
    m_document->setValue(pointer, spec.toJson(display), tr("Edit %1").arg(spec.label));
    return true;
}

Qt::ItemFlags JsonArrayModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

QVariant JsonArrayModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= int(m_columns.size()))
        return {};
    if (role == Qt::DisplayRole)
        return m_columns[std::size_t(section)].label;
    if (role == Qt::ToolTipRole)
        return m_columns[std::size_t(section)].tooltip;
    return {};
}

} // namespace rwb
