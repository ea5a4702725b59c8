#pragma once

#include "core/common/configerror.h"
#include "core/common/outcome.h"

#include <functional>

namespace rwb {

/// Which final outcomes trigger the fallback. Successes never do.
struct FallbackConfig {
    bool onFailure = true;   ///< on_failure: outcomes of kind Error
    bool onTimeout = true;   ///< on_timeout: outcomes of kind Timeout
    bool onRejection = true; ///< on_rejection: outcomes of kind Rejected (breaker open, bulkhead full, rate limited)

    static FieldErrors validate(const FallbackConfig& config); ///< always valid today; kept for symmetry
};

/// Replaces a failed outcome by a substitute: a fixed value or a function of the failed outcome.
/// The engine works on Outcomes; a typed value (a cached response, a default) is produced by the
/// executor's callable (see BlockingExecutor::execute with a fallback function) and the substitute
/// Outcome tells the engine what it counts as (by default a success with the failed outcome's latency).
/// Immutable after construction: thread-safe if the handler is.
class Fallback final {
public:
    using Handler = std::function<Outcome(const Outcome& failed)>;

    /// `handler` empty: the substitute is Outcome::success(failed.latency).
    explicit Fallback(FallbackConfig config = {}, Handler handler = {});
    /// A fixed substitute outcome.
    static Fallback value(Outcome substitute, FallbackConfig config = {});

    const FallbackConfig& config() const noexcept { return m_config; }
    bool appliesTo(const Outcome& outcome) const noexcept;
    /// The substitute for `failed` (call only when appliesTo(failed)).
    Outcome apply(const Outcome& failed) const;

private:
    FallbackConfig m_config;
    Handler m_handler;
};

} // namespace rwb
