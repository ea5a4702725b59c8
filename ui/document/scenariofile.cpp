#include "ui/document/scenariofile.h"

#include "core/config/scenariojson.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace rwb {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("rwb::ScenarioFile", text);
}

} // namespace

QString ScenarioFile::problemText(const QString& fileName) const
{
    QStringList lines;
    for (const auto& p : problems) {
        QString where = fileName;
        if (p.line > 0)
            where += tr(", line %1").arg(p.line);
        if (!p.pointer.isEmpty())
            where += QStringLiteral(", ") + p.pointer;
        lines << where + QStringLiteral(": ") + p.message;
    }
    return lines.join(QLatin1Char('\n'));
}

ScenarioFile parseScenario(const QByteArray& text, const QString& fileName)
{
    // The engine's loader is the judge: syntax (line, column), types, ranges and unknown keys, each
    // with its JSON pointer. A document that loads is kept in its canonical form (every value
    // explicit), so each editor control shows the value the engine will use.
    ScenarioFile file;
    const ScenarioLoad load = scenariojson::load(text, fileName);
    if (!load.ok()) {
        for (const LoadError& e : load.errors)
            file.problems.push_back(
                { e.pointer, e.column > 0 ? tr("column %1: %2").arg(e.column).arg(e.message) : e.message, e.line });
        if (file.problems.empty())
            file.problems.push_back({ QString(), tr("the scenario did not load"), 0 });
        return file;
    }
    file.json = scenariojson::toJson(*load.scenario);
    return file;
}

ScenarioFile readScenarioFile(const QString& path)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        ScenarioFile file;
        file.problems.push_back({ QString(), tr("cannot open: %1").arg(in.errorString()), 0 });
        return file;
    }
    return parseScenario(in.readAll(), QFileInfo(path).fileName());
}

QString writeJsonFile(const QString& path, const QJsonObject& json)
{
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return out.errorString();
    out.write(QJsonDocument(json).toJson(QJsonDocument::Indented));
    if (!out.commit())
        return out.errorString();
    return {};
}

} // namespace rwb
