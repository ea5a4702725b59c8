#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang, AddressSanitizer and UBSan, then
# runs each for SECONDS (default 60) on a copy of its checked-in corpus. Exits non-zero on the first
# crash, leak or sanitizer report; the reproducer is left in BUILD_DIR/artifacts/.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   env: RWB_FUZZ_BUILD_DIR (default build/fuzz), JOBS (default 2)
# Needs clang and libclang-rt-14-dev (scripts/install-deps.sh --with-fuzz).
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${RWB_FUZZ_BUILD_DIR:-$root/build/fuzz}
jobs=${JOBS:-2}

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (scripts/install-deps.sh --with-fuzz)" >&2; exit 2; }

# Everything is compiled with coverage instrumentation (fuzzer-no-link) so libFuzzer sees the
# library code, not just the fuzz entry points; only the fuzz targets link the libFuzzer runtime.
cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DRWB_BUILD_GUI=OFF -DRWB_BUILD_FUZZERS=ON \
    "-DRWB_SANITIZE=address;undefined" \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    targets=()
    for src in "$root"/tests/fuzz/fuzz_*.cpp; do
        targets+=("$(basename "$src" .cpp)")
    done
fi
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

mkdir -p "$build/artifacts"
status=0
for target in "${targets[@]}"; do
    short=${target#fuzz_}
    seed=""
    if [[ -d "$root/tests/fuzz/corpus/$short" ]]; then
        seed="$root/tests/fuzz/corpus/$short"
    else
        for dir in "$root"/tests/fuzz/corpus/*/; do
            name=$(basename "$dir")
            [[ "$short" == "$name"* ]] && seed="$dir"
        done
    fi
    work="$build/corpus/$short"
    mkdir -p "$work"
    # Longest input to try: max_len from tests/fuzz/<target>.options (ClusterFuzz's format), else 16 KiB,
    # so nesting and chains far beyond any limit are reachable (libFuzzer alone stays near 4 KiB).
    max_len=16384
    options="$root/tests/fuzz/$target.options"
    if [[ -f "$options" ]]; then
        max_len=$(sed -n 's/^max_len *= *\([0-9]*\).*/\1/p' "$options" | head -n 1)
        max_len=${max_len:-16384}
    fi
    echo "== $target for ${seconds}s (seed corpus: ${seed:-none}, max_len $max_len)"
    # New inputs go to the first directory (the work copy); the checked-in seeds are only read.
    if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -artifact_prefix="$build/artifacts/$target-" -print_final_stats=1 "$work" ${seed:+"$seed"}; then
        echo "fuzz.sh: $target failed; see $build/artifacts/" >&2
        status=1
    fi
done
exit $status
