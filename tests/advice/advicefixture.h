#pragma once

#include "core/config/scenariojson.h"

#include <QJsonDocument>
#include <QTest>

namespace rwb::testing {

/// A one-service, one-pipeline, one-client scenario with the given JSON objects spliced in:
/// `pipeline` is merged over {"name": "p", "service": "s"}, `fault` is the service's fault, `client`
/// is merged over {"name": "c", "pipeline": "p"}, `extra` over the top level.
inline Scenario adviceScenario(const char* pipeline, const char* fault = "{}",
    const char* client = R"({"arrival": {"process": "constant", "rate": 10}})", const char* extra = "{}")
{
    const auto object = [](const char* text) {
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(QByteArray(text), &error).object();
        if (error.error != QJsonParseError::NoError)
            qFatal("bad fixture JSON: %s in %s", qPrintable(error.errorString()), text);
        return o;
    };
    const auto merged = [](QJsonObject base, const QJsonObject& over) {
        for (auto it = over.begin(); it != over.end(); ++it)
            base[it.key()] = it.value();
        return base;
    };
    QJsonObject doc = merged(QJsonObject {{QStringLiteral("schema_version"), 1}, {QStringLiteral("duration"), 120}}, object(extra));
    doc[QStringLiteral("services")] = QJsonArray {QJsonObject {{QStringLiteral("name"), QStringLiteral("s")}, {QStringLiteral("fault"), object(fault)}}};
    doc[QStringLiteral("pipelines")] = QJsonArray {
        merged(QJsonObject {{QStringLiteral("name"), QStringLiteral("p")}, {QStringLiteral("service"), QStringLiteral("s")}}, object(pipeline))};
    doc[QStringLiteral("clients")] = QJsonArray {
        merged(QJsonObject {{QStringLiteral("name"), QStringLiteral("c")}, {QStringLiteral("pipeline"), QStringLiteral("p")}}, object(client))};
    const ScenarioLoad loaded = scenariojson::fromJson(doc);
    if (!loaded.ok())
        qFatal("fixture scenario does not load: %s", qPrintable(loaded.errors.front().toString()));
    return *loaded.scenario;
}

} // namespace rwb::testing
