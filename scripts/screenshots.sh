#!/bin/sh
# Refreshes the user guide's screenshots (docs/images/*.png) from the running application:
# builds the workbench if needed, opens the default demo offscreen, waits for the first simulation
# and lets the app write its window, panels and charts as PNGs.
#   scripts/screenshots.sh [build-dir]     (default: build/screenshots)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build/screenshots"}
if [ ! -x "$build/app/workbench/resilience-workbench" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" --target resilience-workbench
fi
out="$root/docs/images"
mkdir -p "$out"
# A private settings location so the user's saved layout does not leak into the pictures.
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
QT_QPA_PLATFORM=offscreen "$build/app/workbench/resilience-workbench" --demo outage-recovery --screenshot "$out"
echo "screenshots written to $out"
