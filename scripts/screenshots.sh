#!/bin/sh
# Refreshes the user guide's screenshots (docs/images/*.png) from the running application:
# builds the workbench and the chart gallery test, opens the default demo offscreen, waits for the first
# simulation and lets the app write its window, panels and charts as PNGs, then renders the gallery
# pictures of docs/charts.md and a step of the first-run tour. Windows at 1024x700, 1366x768 and 1920x1080 go to <build-dir>/review, to
# look at before a change is done (they are not part of the docs).
#   scripts/screenshots.sh [build-dir]     (default: build/screenshots)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build/screenshots"}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target resilience-workbench tst_chartgallery tst_firstruntour
out="$root/docs/images"
mkdir -p "$out"
# A private settings location so the user's saved layout does not leak into the pictures.
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
QT_QPA_PLATFORM=offscreen "$build/app/workbench/resilience-workbench" --demo outage-recovery --screenshot "$out"
for size in 1024x700 1366x768 1920x1080; do
    QT_QPA_PLATFORM=offscreen "$build/app/workbench/resilience-workbench" --demo slow-dependency \
        --window-size "$size" --screenshot "$build/review/$size" >/dev/null
done
# The chart gallery (docs/charts.md): each chart on its own, from fixed event streams.
gallery="$XDG_CONFIG_HOME/gallery"
RWB_CHART_GALLERY="$gallery" QT_QPA_PLATFORM=offscreen "$build/tests/ui/tst_chartgallery" >/dev/null
for name in breakers retries traffic latency tiles logpanel replaycontrols; do
    cp "$gallery/$name.png" "$out/charts-$name.png"
done
# A step of the first-run tour (docs/user-guide.md), as its test walks it.
tour="$XDG_CONFIG_HOME/tour"
mkdir -p "$tour"
RWB_TOUR_SCREENSHOTS="$tour" QT_QPA_PLATFORM=offscreen "$build/tests/ui/tst_firstruntour" eachStepUncoversItsWidget >/dev/null
cp "$tour/tour-step-4.png" "$out/tour.png"
echo "screenshots written to $out; windows at three sizes in $build/review"
