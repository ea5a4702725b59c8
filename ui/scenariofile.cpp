#include "ui/scenariofile.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
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

ScenarioFile parseScenario(const QByteArray& text)
{
    ScenarioFile file;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError) {
        const int line = int(text.left(error.offset).count('\n')) + 1;
        file.problems.push_back({QString(), tr("syntax error: %1").arg(error.errorString()), line});
        return file;
    }
    if (!doc.isObject()) {
        file.problems.push_back({QStringLiteral(""), tr("expected a JSON object at the top level"), 1});
        return file;
    }
    file.json = doc.object();
    return file;
}

ScenarioFile readScenarioFile(const QString& path)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        ScenarioFile file;
        file.problems.push_back({QString(), tr("cannot open: %1").arg(in.errorString()), 0});
        return file;
    }
    return parseScenario(in.readAll());
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
