#!/usr/bin/env bash
# Builds the workbench and opens it on its built-in demo scenario.
# Usage: scripts/run.sh [extra arguments for resilience-workbench]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev

app=build/dev/app/workbench/resilience-workbench
if [[ ! -x "$app" ]]; then
    # Until the GUI exists, show the engine through the headless CLI.
    exec build/dev/app/rwb/rwb "${@:---help}"
fi
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    echo "No display found: running under xvfb-run (a virtual screen). Use a desktop session to see the window." >&2
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --demo "$@"
fi
exec "$app" --demo "$@"
