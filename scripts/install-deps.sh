#!/usr/bin/env bash
# Installs the Debian 12 packages the workbench needs to build, test and run — only those missing.
# Usage: scripts/install-deps.sh [--with-fuzz]   (run as root, or with sudo available)
set -euo pipefail

packages=(cmake ninja-build g++ qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
          xvfb xauth xfonts-base fonts-dejavu-core ccache
          # packaging: the install tests' validators, cpack's dpkg-shlibdeps, lintian (scripts/package.sh),
          # and rsvg-convert for scripts/make-icons.sh
          desktop-file-utils appstream shared-mime-info man-db bash-completion dpkg-dev lintian librsvg2-bin
          # tests/sweep: the shard test runs `rwb sweep --shard` through GNU parallel
          parallel
          # interop (core/interop): yaml-cpp writes and reads Resilience4j / Envoy YAML; node runs the exported
          # opossum and cockatiel configs in tests/interop (its npm packages go into the build tree at configure
          # time, scripts/install-interop-node.sh)
          libyaml-cpp-dev nodejs)
# npm comes with some nodejs builds (NodeSource); Debian's own npm package would conflict with those.
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--with-fuzz" ]]; then
    packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing missing packages: ${missing[*]}"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
