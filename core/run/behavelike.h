#pragma once

#include "core/common/configerror.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace rwb {

struct PipelineSpec;

/// Whose semantics a pipeline's circuit breaker follows. JSON: the pipeline's "behave_like":
/// "opossum", "cockatiel", "resilience4j", "polly"; absent = Workbench (docs/interop.md, "Behave like a
/// library"). What is tuned under a library's semantics is what that library will run once exported.
enum class BehaveLike : std::uint8_t { Workbench, Opossum, Cockatiel, Resilience4j, Polly };

QString toString(BehaveLike library); ///< "workbench", "opossum", ...
std::optional<BehaveLike> behaveLikeFromString(const QString& text);
/// The library's own name, for people ("opossum", "Resilience4j", "Polly"); "Workbench" for ours.
QString behaveLikeTitle(BehaveLike library);
/// The libraries in menu order, Workbench first.
const QList<BehaveLike>& allBehaveLike();

namespace behavelike {

/// The breaker settings `library` cannot express exactly, as errors relative to the pipeline
/// ("circuit_breaker/trip_mode: behave_like opossum: ..."). Empty for Workbench.
FieldErrors errors(const PipelineSpec& spec);

/// How `library` shows our circuit_breaker setting `key` (a scenario key such as "recovery_timeout"):
/// its own name for it ("resetTimeout"), and, when the library fixes the setting, why (one line; the
/// GUI disables such a control with it). Both empty for Workbench and for settings it names alike.
struct PeerSetting {
    QString name;
    QString fixedBecause;
};
PeerSetting peerSetting(BehaveLike library, const QString& key);

/// The circuit_breaker values `library` allows only one of (key, value), e.g. opossum's
/// ("trip_mode", "time_window"), ("permitted_probes", 1). Switching a pipeline to the library sets
/// them in the same undo step. Empty for Workbench.
std::vector<std::pair<QString, QJsonValue>> fixedSettings(BehaveLike library);

/// Sets the engine variant the library needs on the pipeline's breaker (opossum: its rolling window
/// rule and 10 buckets). Called by the scenario loader; settings the user chose are not changed.
void apply(PipelineSpec& spec);

} // namespace behavelike

} // namespace rwb
