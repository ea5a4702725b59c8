#include "core/faults/faultschedule.h"

#include <algorithm>

namespace rwb {

void FaultSchedule::addChange(Duration at, FaultProfile profile, QString label)
{
    auto pos = std::upper_bound(m_changes.begin(), m_changes.end(), at,
        [](Duration t, const Change& c) { return t < c.at; });
    m_changes.insert(pos, Change {at, std::move(profile), std::move(label)});
}

std::size_t FaultSchedule::indexAt(TimePoint now) const noexcept
{
    const auto t = now.time_since_epoch();
    auto pos = std::upper_bound(m_changes.begin(), m_changes.end(), t,
        [](Duration value, const Change& c) { return value < c.at; });
    return static_cast<std::size_t>(pos - m_changes.begin());
}

const FaultProfile& FaultSchedule::profileAt(TimePoint now) const noexcept { return profile(indexAt(now)); }

std::vector<FaultSchedule::Transition> FaultSchedule::transitions(TimePoint until) const
{
    std::vector<Transition> out;
    const auto horizon = until.time_since_epoch();
    for (std::size_t i = 0; i <= m_changes.size(); ++i) {
        const Duration from = i == 0 ? Duration::zero() : m_changes[i - 1].at;
        const Duration to = i < m_changes.size() ? m_changes[i].at : Duration::max();
        if (from >= horizon)
            break;
        if (from > to || (i < m_changes.size() && from == to))
            continue; // superseded at the same instant
        const FaultProfile& p = profile(i);
        if (i > 0) {
            const QString label = m_changes[i - 1].label;
            out.push_back({TimePoint(from), (label.isEmpty() ? QString() : label + QStringLiteral(": ")) + p.describe()});
        }
        for (const auto& w : p.outages) {
            const Duration start = std::max(w.start, from);
            const Duration end = std::min(w.end, to);
            if (start >= end)
                continue;
            if (start < horizon)
                out.push_back({TimePoint(start), QStringLiteral("outage begins (%1)").arg(toString(w.error))});
            if (end < horizon && end != to)
                out.push_back({TimePoint(end), QStringLiteral("outage ends: ") + p.describe()});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Transition& a, const Transition& b) { return a.at < b.at; });
    return out;
}

Event FaultSchedule::faultChangedEvent(const QString& service, const Transition& transition)
{
    Event e;
    e.time = transition.at;
    e.kind = EventKind::FaultChanged;
    e.source = service;
    e.text = transition.description;
    return e;
}

FieldErrors FaultSchedule::validate() const
{
    FieldErrors errors;
    for (auto& e : m_base.validate())
        errors.push_back({QStringLiteral("base/") + e.field, e.message});
    for (std::size_t i = 0; i < m_changes.size(); ++i) {
        const QString path = QStringLiteral("changes/%1/").arg(i);
        if (m_changes[i].at < Duration::zero())
            errors.push_back({path + QStringLiteral("at"),
                QStringLiteral("expected a time >= 0 s, got %1 s").arg(formatNumber(toSeconds(m_changes[i].at)))});
        for (auto& e : m_changes[i].profile.validate())
            errors.push_back({path + QStringLiteral("profile/") + e.field, e.message});
    }
    return errors;
}

} // namespace rwb
