#!/usr/bin/env bash
# Builds the Debian package from a build tree, checks it with lintian (errors fail, warnings are
# printed) and runs it from a clean root: the package is unpacked into an empty directory, apt checks
# that its dependencies resolve (a simulated install), and the unpacked rwb and resilience-workbench
# answer --version and run a demo.
# Usage: scripts/package.sh [BUILD_DIR]   (default: build/dev; configured already, e.g. by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/dev}"

cmake --build "$build" # the man pages and the changelog are build outputs too
rm -f "$build"/packages/resilience-workbench_*.deb
(cd "$build" && cpack -G DEB)
deb=$(ls "$build"/packages/resilience-workbench_*.deb)
dpkg-deb --field "$deb" Package Version Depends

echo "== lintian $deb"
lintian --allow-root --fail-on error --display-level '>=warning' "$deb"

echo "== dependencies resolve (simulated install)"
apt-get install --simulate --no-install-recommends "./$deb" >/dev/null

echo "== run from the unpacked package"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
if ldd "$root/usr/bin/rwb" "$root/usr/bin/resilience-workbench" | grep "not found"; then
    echo "error: libraries missing" >&2
    exit 1
fi
version=$(dpkg-deb --field "$deb" Version)
[[ $("$root/usr/bin/rwb" --version) == "rwb $version" ]]
[[ $(env -u DISPLAY -u QT_QPA_PLATFORM "$root/usr/bin/resilience-workbench" --version) == "resilience-workbench $version" ]]
"$root/usr/bin/rwb" demo retry-storm
"$root/usr/bin/rwb" validate "$root/usr/share/resilience-workbench/scenarios/outage-recovery.json"
desktop-file-validate "$root/usr/share/applications/resilience-workbench.desktop"
appstreamcli validate --no-net "$root"/usr/share/metainfo/*.metainfo.xml
echo "package OK: $deb"
