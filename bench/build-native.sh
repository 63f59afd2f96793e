#!/usr/bin/env bash
# Builds what the benchmark scripts run besides wvm itself, into $BUILD/bench (BUILD defaults
# to build): every kernel of bench/kernels.txt natively (NATIVE_CC, default gcc, -O2, with
# bench/native_main.c) as $BUILD/bench/native/NAME, and bench/tools/modinfo.c linked against
# $BUILD/libwvm.a when WITH_TOOLS=1. Rebuilds only what is out of date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${BUILD:-build}
NATIVE_CC=${NATIVE_CC:-gcc}
WARN=(-Wall -Wextra -Werror)
out=$BUILD/bench
mkdir -p "$out/native"

# stale TARGET SOURCE...: true when TARGET is missing or older than a SOURCE.
stale() {
    local target=$1 src
    shift
    [ -e "$target" ] || return 0
    for src in "$@"; do
        [ "$src" -nt "$target" ] && return 0
    done
    return 1
}

while read -r name _module _export source _rest; do
    case $name in '#'* | '') continue ;; esac
    bin=$out/native/$name
    if stale "$bin" "$source" bench/native_main.c bench/kernels/kernel.h; then
        echo "  CC    $bin"
        "$NATIVE_CC" -std=gnu11 -O2 "${WARN[@]}" -o "$bin" "$source" bench/native_main.c -lm
    fi
done < bench/kernels.txt

if [ "${WITH_TOOLS:-0}" = 1 ] && stale "$out/modinfo" bench/tools/modinfo.c "$BUILD/libwvm.a"; then
    echo "  CC    $out/modinfo"
    "$NATIVE_CC" -std=gnu11 -O2 "${WARN[@]}" -Wno-unused-parameter -Iinclude \
        -o "$out/modinfo" bench/tools/modinfo.c "$BUILD/libwvm.a" -lm
fi
