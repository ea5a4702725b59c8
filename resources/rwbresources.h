#pragma once

namespace rwb {
/// Makes sure the built-in resources (:/scenarios/...) are registered. Idempotent and thread-safe;
/// calling it is only needed when nothing else references the rwb_resources library.
void initBuiltinResources();
} // namespace rwb
