#include "core/config/demos.h"

#include <QDir>
#include <QFile>

namespace rwb::demos {

std::vector<DemoInfo> list()
{
    std::vector<DemoInfo> out;
    const QDir dir(QString::fromLatin1(kResourceDir));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const auto& file : files) {
        DemoInfo info;
        info.name = file.chopped(5);
        info.resource = dir.filePath(file);
        const ScenarioLoad loaded = scenariojson::loadFile(info.resource);
        if (loaded.scenario) {
            info.title = loaded.scenario->name;
            info.lesson = loaded.scenario->lesson;
        }
        out.push_back(info);
    }
    return out;
}

ScenarioLoad load(const QString& name)
{
    QString base = name;
    if (base.endsWith(QLatin1String(".json")))
        base.chop(5);
    const QString path = QString::fromLatin1(kResourceDir) + QLatin1Char('/') + base + QStringLiteral(".json");
    if (base.isEmpty() || base.contains(QLatin1Char('/')) || !QFile::exists(path)) {
        QStringList names;
        for (const auto& d : list())
            names << d.name;
        ScenarioLoad result;
        result.errors.push_back({QString(), 0, 0, QString(),
            QStringLiteral("no built-in demo named \"%1\" (available: %2)")
                .arg(name, names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", ")))});
        return result;
    }
    return scenariojson::loadFile(path);
}

} // namespace rwb::demos
