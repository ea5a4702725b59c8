#!/usr/bin/env bash
# Renders the application icon's PNG sizes from its SVG (the one source) into the hicolor layout
# that is installed as is and compiled into the GUI. Run after editing the SVG and commit the PNGs.
# Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
command -v rsvg-convert >/dev/null || { echo "error: rsvg-convert not found (apt install librsvg2-bin)" >&2; exit 1; }
for size in 16 22 24 32 48 64 128 256; do
    mkdir -p "hicolor/${size}x${size}/apps"
    rsvg-convert --width "$size" --height "$size" resilience-workbench.svg \
        --output "hicolor/${size}x${size}/apps/resilience-workbench.png"
done
echo "wrote $(find hicolor -name '*.png' | wc -l) PNGs under resources/icons/hicolor"
