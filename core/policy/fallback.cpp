#include "core/policy/fallback.h"

namespace rwb {

FieldErrors FallbackConfig::validate(const FallbackConfig&) { return {}; }

Fallback::Fallback(FallbackConfig config, Handler handler)
    : m_config(config)
    , m_handler(std::move(handler))
{
}

Fallback Fallback::value(Outcome substitute, FallbackConfig config)
{
    return Fallback(config, [substitute](const Outcome&) { return substitute; });
}

bool Fallback::appliesTo(const Outcome& outcome) const noexcept
{
    switch (outcome.kind) {
    case OutcomeKind::Success:
        return false;
    case OutcomeKind::Error:
        return m_config.onFailure;
    case OutcomeKind::Timeout:
        return m_config.onTimeout;
    case OutcomeKind::Rejected:
        return m_config.onRejection;
    }
    return false;
}

Outcome Fallback::apply(const Outcome& failed) const
{
    return m_handler ? m_handler(failed) : Outcome::success(failed.latency);
}

} // namespace rwb
