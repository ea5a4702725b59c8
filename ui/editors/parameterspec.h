#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <vector>

namespace rwb {

/// Describes one editable engine parameter for the generic controls: where it lives in the JSON
/// (relative to its policy or profile object), how it is shown, and its legal range. Ranges mirror the
/// rules of the engine's validate() functions; the engine stays the judge (its errors are shown).
struct ParameterSpec {
    /// Text: a string (schedule labels). ErrorClasses: an array of error class names; `choices` are the
    /// well-known ones offered (names already in the document are offered too).
    enum class Kind { Integer, Real, Fraction, Duration, Bool, Choice, Text, ErrorClasses };

    QString key; ///< JSON member, may contain '/' for nested members ("latency/median")
    QString label; ///< short, sentence case
    QString tooltip; ///< one sentence explaining what the parameter does
    Kind kind = Kind::Real;
    QString unit; ///< shown as the spin box suffix ("ms", "calls", "%")
    QString unitOne; ///< the suffix for exactly 1 ("call"); empty: `unit`
    double minimum = 0.0; ///< hard minimum in display units
    double maximum = 1e9; ///< hard maximum in display units
    double sliderMaximum = 100.0; ///< soft maximum of the slider (the spin box goes further)
    int decimals = 0;
    bool logarithmic = false; ///< slider maps logarithmically (delays spanning decades)
    /// JSON value = display value * jsonScale (e.g. ms shown, seconds stored: 0.001; fraction shown as %: 0.01).
    double jsonScale = 1.0;
    QStringList choices; ///< Choice: JSON spellings
    QStringList choiceLabels; ///< Choice: what the user sees (same order)
    QJsonValue defaultValue; ///< used when the member is absent from the document
    /// The value may be absent ("off"): the spin box shows `offText` at its minimum, which removes the member.
    bool offAtMinimum = false;
    QString offText; ///< shown at the minimum (also without offAtMinimum, e.g. "Unlimited" for 0)
    /// Shown only while the sibling member `visibleKey` holds one of `visibleValues` (e.g. the breaker's
    /// failure_threshold only for trip_mode "consecutive"); with no `visibleValues`, while it holds a
    /// value other than `visibleUnless` (a client's burst size only for bursts). Empty key: always shown.
    QString visibleKey;
    QStringList visibleValues;
    QString visibleUnless;

    /// The error class names every ErrorClasses control offers.
    static QStringList knownErrorClasses();

    double toDisplay(const QJsonValue& json) const;
    QJsonValue toJson(double display) const;
};

using ParameterSpecs = std::vector<ParameterSpec>;

/// A group of parameters edited together: one policy of a pipeline, or one service's fault profile.
struct ParameterGroup {
    QString key; ///< JSON member of the policy ("circuit_breaker") inside the pipeline object
    QString title; ///< "Circuit breaker"
    QString summary; ///< one sentence shown under the title
    bool optional = true; ///< can be switched off ("enabled": false)
    bool enabledByDefault = false; ///< what an absent policy object means (present objects are enabled
                                   ///< unless they say "enabled": false)
    ParameterSpecs parameters;
};

} // namespace rwb
