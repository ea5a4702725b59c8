#!/usr/bin/env bash
# Installs the npm packages the interop test drives (opossum, cockatiel, @sinonjs/fake-timers) at the exact
# versions of tests/interop/package-lock.json into a build tree, never into the source tree.
# Usage: scripts/install-interop-node.sh [BUILD_DIR]   (default: build/dev). Needs node + npm; without them
# it says so and exits 0 (the interop test then skips with a message).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/dev}"
dest="$build/tests/interop/node"
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "install-interop-node: node/npm not found; the interop test will be skipped" >&2
    exit 0
fi
mkdir -p "$dest"
# Re-install only when the lock changed.
if [[ -f "$dest/package-lock.json" ]] && cmp -s tests/interop/package-lock.json "$dest/package-lock.json" \
    && [[ -d "$dest/node_modules" ]]; then
    exit 0
fi
cp tests/interop/package.json tests/interop/package-lock.json "$dest/"
(cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "install-interop-node: installed into $dest"
