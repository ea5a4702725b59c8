#pragma once

#include "core/events/event.h"
#include "core/faults/faultprofile.h"

#include <QString>

#include <vector>

namespace rwb {

/// A timeline of fault profiles for one service: `base` from time zero, then each change from its
/// `at` on (e.g. at 120 s "payments" goes down, at 180 s it is healthy again). Changes are kept
/// sorted by time; two changes at the same instant keep their insertion order (the later wins).
/// A plain value type; const members are thread-safe.
class FaultSchedule final {
public:
    struct Change {
        Duration at {};
        FaultProfile profile;
        QString label; ///< optional, shown in FaultChanged events
        friend bool operator==(const Change&, const Change&) = default;
    };

    /// A moment at which the service's behaviour switches: a schedule change, or the start or end of an
    /// outage window of the profile in force.
    struct Transition {
        TimePoint at {};
        QString description;
        friend bool operator==(const Transition&, const Transition&) = default;
    };

    FaultSchedule() = default;
    explicit FaultSchedule(FaultProfile base) : m_base(std::move(base)) { }

    void setBase(FaultProfile base) { m_base = std::move(base); }
    void addChange(Duration at, FaultProfile profile, QString label = {});

    const FaultProfile& base() const noexcept { return m_base; }
    const std::vector<Change>& changes() const noexcept { return m_changes; }
    bool isStatic() const noexcept { return m_changes.empty(); }

    /// 0 for the base profile, i for changes()[i - 1].
    std::size_t indexAt(TimePoint now) const noexcept;
    const FaultProfile& profileAt(TimePoint now) const noexcept;
    const FaultProfile& profile(std::size_t index) const noexcept { return index == 0 ? m_base : m_changes[index - 1].profile; }
    const FaultProfile& profileNow(TimePoint now) const noexcept { return m_changes.empty() ? m_base : profileAt(now); }

    /// Every transition in [0, until), in time order (not including time zero's base profile).
    std::vector<Transition> transitions(TimePoint until) const;
    /// The FaultChanged event an executor emits for `service` at a transition.
    static Event faultChangedEvent(const QString& service, const Transition& transition);

    /// Field paths relative to the schedule: "base/error_rate", "changes/0/profile/latency/p99", "changes/1/at".
    FieldErrors validate() const;

    friend bool operator==(const FaultSchedule&, const FaultSchedule&) = default;

private:
    FaultProfile m_base;
    std::vector<Change> m_changes;
};

} // namespace rwb
