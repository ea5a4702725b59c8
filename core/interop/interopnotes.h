#pragma once

#include <QString>
#include <QStringList>

namespace rwb {

/// Collects an exporter's warnings in one wording: "<our setting>: approximate: <why>" for settings the
/// target only approximates and "<our setting>: not expressible: <why>" for settings it has no place for.
/// Not thread-safe; one per export.
class InteropNotes final {
public:
    void approximate(const QString& setting, const QString& why);
    void missing(const QString& setting, const QString& why);
    const QStringList& warnings() const noexcept { return m_warnings; }

private:
    QStringList m_warnings;
};

} // namespace rwb
