#include "core/config/jsonpointer.h"

#include <QJsonArray>
#include <QJsonObject>

namespace rwb::json {

namespace {

bool arrayIndex(const QString& token, qsizetype size, qsizetype& index)
{
    bool ok = false;
    const qlonglong i = token.toLongLong(&ok);
    if (!ok || i < 0 || i >= size)
        return false;
    index = static_cast<qsizetype>(i);
    return true;
}

// Recursive rebuild: Qt's JSON containers are values, so a nested change has to be written back
// level by level.
bool setAt(QJsonValue& node, const QStringList& path, qsizetype depth, const QJsonValue* value)
{
    if (depth == path.size()) {
        if (!value)
            return false;
        node = *value;
        return true;
    }
    const QString& token = path.at(depth);
    const bool last = depth + 1 == path.size();
    if (node.isObject()) {
        QJsonObject object = node.toObject();
        if (last && !value) {
            if (!object.contains(token))
                return false;
            object.remove(token);
            node = object;
            return true;
        }
        QJsonValue childValue = object.value(token);
        if (childValue.isUndefined()) {
            if (!last)
                childValue = QJsonObject();
        }
        if (!setAt(childValue, path, depth + 1, value))
            return false;
        object.insert(token, childValue);
        node = object;
        return true;
    }
    if (node.isArray()) {
        QJsonArray array = node.toArray();
        qsizetype index = 0;
        if (!arrayIndex(token, array.size(), index))
            return false;
        if (last && !value) {
            array.removeAt(index);
            node = array;
            return true;
        }
        QJsonValue childValue = array.at(index);
        if (!setAt(childValue, path, depth + 1, value))
            return false;
        array.replace(index, childValue);
        node = array;
        return true;
    }
    return false;
}

} // namespace

QStringList tokens(const QString& pointer)
{
    if (pointer.isEmpty())
        return {};
    QStringList parts = pointer.mid(1).split(QLatin1Char('/'));
    for (QString& part : parts)
        part.replace(QStringLiteral("~1"), QStringLiteral("/")).replace(QStringLiteral("~0"), QStringLiteral("~"));
    return parts;
}

QString pointer(const QStringList& tokens)
{
    QString result;
    for (QString token : tokens) {
        token.replace(QLatin1Char('~'), QStringLiteral("~0")).replace(QLatin1Char('/'), QStringLiteral("~1"));
        result += QLatin1Char('/') + token;
    }
    return result;
}

QString child(const QString& base, const QString& token)
{
    return base + pointer({ token });
}

QString child(const QString& base, int index)
{
    return base + QLatin1Char('/') + QString::number(index);
}

QJsonValue get(const QJsonValue& root, const QString& ptr)
{
    QJsonValue node = root;
    for (const QString& token : tokens(ptr)) {
        if (node.isObject()) {
            const QJsonObject object = node.toObject();
            if (!object.contains(token))
                return QJsonValue(QJsonValue::Undefined);
            node = object.value(token);
        } else if (node.isArray()) {
            const QJsonArray array = node.toArray();
            qsizetype index = 0;
            if (!arrayIndex(token, array.size(), index))
                return QJsonValue(QJsonValue::Undefined);
            node = array.at(index);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return node;
}

bool set(QJsonValue& root, const QString& ptr, const QJsonValue& value)
{
    QJsonValue copy = root;
    if (!setAt(copy, tokens(ptr), 0, &value))
        return false;
    root = copy;
    return true;
}

bool remove(QJsonValue& root, const QString& ptr)
{
    const QStringList path = tokens(ptr);
    if (path.isEmpty())
        return false;
    QJsonValue copy = root;
    if (!setAt(copy, path, 0, nullptr))
        return false;
    root = copy;
    return true;
}

} // namespace rwb::json
